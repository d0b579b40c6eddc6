// bootstrapIdentity: the keystone-manage bootstrap set, idempotent on restart, admin password reset when configured.
import { describe, expect, it } from 'vitest';
import { createIdentity } from './index.js';
import { testIdentityDeps } from './testing/fakes.js';

describe('bootstrapIdentity', () => {
  it('creates Default, admin/demo projects and users, implied roles and EC2 keys; a second run changes nothing', async () => {
    const deps = testIdentityDeps();
    const identity = createIdentity(deps);
    const first = await identity.bootstrap({ adminPassword: 'a', demoPassword: 'd' });
    expect(first.created).toBe(true);
    expect(identity.lookups.domain('default')?.name).toBe('Default');
    expect(identity.services.assignments.effectiveRoles(first.admin.userId, { projectId: first.admin.projectId }).map((r) => r.name).sort()).toEqual([
      'admin',
      'member',
      'reader',
    ]);
    expect(identity.services.assignments.effectiveRoles(first.admin.userId, { system: true }).map((r) => r.name)).toContain('admin');
    expect(identity.services.assignments.effectiveRoles(first.demo.userId, { projectId: first.demo.projectId }).map((r) => r.name).sort()).toEqual([
      'member',
      'reader',
    ]);
    const second = await createIdentity(deps).bootstrap({ adminPassword: 'a', demoPassword: 'other' });
    expect(second.created).toBe(false);
    expect(second.admin.userId).toBe(first.admin.userId);
    expect(second.demo.projectId).toBe(first.demo.projectId);
    expect(second.admin.ec2).toEqual(first.admin.ec2);
    expect(second.demo.ec2).toEqual(first.demo.ec2);
    expect(await deps.hasher.verify('d', identity.lookups.user(first.demo.userId)!.passwordHash!)).toBe(true);
  });

  it('resets the admin password when it is configured explicitly', async () => {
    const deps = testIdentityDeps();
    const first = await createIdentity(deps).bootstrap({ adminPassword: 'a', demoPassword: 'd' });
    await createIdentity(deps).bootstrap({ adminPassword: 'new', demoPassword: 'd', resetAdminPassword: true });
    const identity = createIdentity(deps);
    expect(await deps.hasher.verify('new', identity.lookups.user(first.admin.userId)!.passwordHash!)).toBe(true);
  });
});
