// authenticateEc2: secret and context for a usable key; unusable at once when the user, project, role or credential goes.
import { beforeEach, describe, expect, it } from 'vitest';
import type { RequestContext } from '../context.js';
import { createIdentity, type BootstrapResult, type Identity } from './index.js';
import { testIdentityDeps } from './testing/fakes.js';

async function sha256Hex(s: string): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(s)));
  return Array.from(d, (b) => b.toString(16).padStart(2, '0')).join('');
}

describe('identity.authenticateEc2', () => {
  let identity: Identity;
  let boot: BootstrapResult;
  let admin: RequestContext;

  beforeEach(async () => {
    identity = createIdentity(testIdentityDeps());
    identity.start();
    boot = await identity.bootstrap({ adminPassword: 'a', demoPassword: 'd' });
    const t = await identity.tokens.issue({ userId: boot.admin.userId, methods: ['password'], scope: { kind: 'project', id: boot.admin.projectId } });
    admin = { requestId: 't', auth: t.info.context };
  });

  it('returns the secret and a project context with the user\'s roles', () => {
    const r = identity.authenticateEc2(boot.demo.ec2.access)!;
    expect(r.secret).toBe(boot.demo.ec2.secret);
    expect(r.context).toMatchObject({ userId: boot.demo.userId, projectId: boot.demo.projectId, projectName: 'demo', methods: ['ec2credential'] });
    expect(r.context.roles.sort()).toEqual(['member', 'reader']);
    expect(identity.authenticateEc2('unknown-key')).toBeUndefined();
  });

  it('stops at once when the user is disabled', async () => {
    expect(identity.authenticateEc2(boot.demo.ec2.access)).toBeDefined();
    await identity.services.users.update(admin, boot.demo.userId, { enabled: false });
    expect(identity.authenticateEc2(boot.demo.ec2.access)).toBeUndefined();
  });

  it('stops at once when the credential is deleted', async () => {
    expect(identity.authenticateEc2(boot.demo.ec2.access)).toBeDefined();
    identity.services.credentials.delete(admin, await sha256Hex(boot.demo.ec2.access));
    expect(identity.authenticateEc2(boot.demo.ec2.access)).toBeUndefined();
  });

  it('stops at once when the role on the project is removed', () => {
    expect(identity.authenticateEc2(boot.demo.ec2.access)).toBeDefined();
    const member = identity.services.assignments.effectiveRoles(boot.demo.userId, { projectId: boot.demo.projectId }).find((r) => r.name === 'member')!;
    identity.services.assignments.revoke(admin, { actor: { userId: boot.demo.userId }, target: { projectId: boot.demo.projectId }, roleId: member.id });
    expect(identity.authenticateEc2(boot.demo.ec2.access)).toBeUndefined();
  });
});
