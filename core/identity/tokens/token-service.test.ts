// TokenService over a bootstrapped in-memory identity: expiry, allow_expired, revocation at once, rotation, disabled users.
import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { projects, roleAssignments, users } from '../../db/schema/identity.js';
import { isCoreError } from '../../errors.js';
import { createIdentity, type Identity } from '../index.js';
import { testIdentityDeps } from '../testing/fakes.js';
import { ALLOW_EXPIRED_WINDOW_MS } from './token-service.js';

async function rejects(p: Promise<unknown>): Promise<boolean> {
  try {
    await p;
    return false;
  } catch (e) {
    return isCoreError(e, 'Unauthenticated');
  }
}

describe('TokenService', () => {
  let deps: ReturnType<typeof testIdentityDeps>;
  let identity: Identity;
  let adminId: string;
  let adminProject: string;
  let demoId: string;
  let demoProject: string;

  beforeEach(async () => {
    deps = testIdentityDeps();
    identity = createIdentity(deps);
    identity.start();
    const b = await identity.bootstrap({ adminPassword: 'a', demoPassword: 'd' });
    adminId = b.admin.userId;
    adminProject = b.admin.projectId;
    demoId = b.demo.userId;
    demoProject = b.demo.projectId;
  });

  const issueDemo = () => identity.tokens.issue({ userId: demoId, methods: ['password'], scope: { kind: 'project', id: demoProject } });

  it('issues a project token whose context carries expanded roles', async () => {
    const { id, info } = await issueDemo();
    expect(info.context.roles.sort()).toEqual(['member', 'reader']);
    const v = await identity.tokens.validate(id);
    expect(v.context).toMatchObject({ userId: demoId, projectId: demoProject, projectName: 'demo', methods: ['password'] });
    expect(v.context.expiresAt - v.context.issuedAt).toBe(3600_000);
  });

  it('rejects a token after it expires, unless allow_expired within the 48 h window', async () => {
    const { id } = await issueDemo();
    deps.clock.advance(3600_000);
    expect(await rejects(identity.tokens.validate(id))).toBe(true);
    expect((await identity.tokens.validate(id, { allowExpired: true })).user.id).toBe(demoId);
    deps.clock.advance(ALLOW_EXPIRED_WINDOW_MS);
    expect(await rejects(identity.tokens.validate(id, { allowExpired: true }))).toBe(true);
  });

  it('revokes a token at once, and tokens rescoped from it with it', async () => {
    const { id, info } = await issueDemo();
    await identity.tokens.validate(id);
    const child = await identity.tokens.issue({ userId: demoId, methods: ['token', 'password'], scope: { kind: 'unscoped' }, parentAuditIds: info.payload.auditIds });
    expect(child.info.payload.auditIds[1]).toBe(info.payload.auditIds[0]);
    await identity.tokens.revoke(id);
    expect(await rejects(identity.tokens.validate(id))).toBe(true);
    expect(await rejects(identity.tokens.validate(child.id))).toBe(true);
  });

  it('revoking a rescoped token leaves its parent valid', async () => {
    const parent = await issueDemo();
    const child = await identity.tokens.issue({ userId: demoId, methods: ['token'], scope: { kind: 'unscoped' }, parentAuditIds: parent.info.payload.auditIds });
    await identity.tokens.revoke(child.id);
    expect((await identity.tokens.validate(parent.id)).user.id).toBe(demoId);
  });

  it('a user event revokes the user\'s earlier tokens but not later ones', async () => {
    const { id } = await issueDemo();
    await identity.tokens.validate(id);
    identity.revocations.revoke({ userId: demoId });
    expect(await rejects(identity.tokens.validate(id))).toBe(true);
    deps.clock.advance(1);
    const later = await issueDemo();
    expect((await identity.tokens.validate(later.id)).user.id).toBe(demoId);
  });

  it('a user+project+role event (role removed) revokes only tokens holding that role there', async () => {
    const demo = await issueDemo();
    const admin = await identity.tokens.issue({ userId: adminId, methods: ['password'], scope: { kind: 'project', id: adminProject } });
    const memberRole = demo.info.roles.find((r) => r.name === 'member')!;
    identity.revocations.revoke({ userId: demoId, projectId: demoProject, roleId: memberRole.id });
    expect(await rejects(identity.tokens.validate(demo.id))).toBe(true);
    expect((await identity.tokens.validate(admin.id)).user.id).toBe(adminId);
  });

  it('project and app-credential events revoke matching tokens', async () => {
    const { id } = await issueDemo();
    identity.revocations.revoke({ projectId: demoProject });
    expect(await rejects(identity.tokens.validate(id))).toBe(true);
  });

  it('rejects tokens of a disabled user or project even without an event, once re-described', async () => {
    const { id } = await issueDemo();
    deps.db.update(users).set({ enabled: false }).where(eq(users.id, demoId)).run();
    identity.revocations.revoke({ userId: 'someone-else' });
    expect(await rejects(identity.tokens.validate(id))).toBe(true);
    deps.db.update(users).set({ enabled: true }).where(eq(users.id, demoId)).run();
    deps.db.update(projects).set({ enabled: false }).where(eq(projects.id, demoProject)).run();
    expect(await rejects(identity.tokens.validate(id))).toBe(true);
  });

  it('refuses to issue a project token to a user with no role there', async () => {
    expect(await rejects(identity.tokens.issue({ userId: demoId, methods: ['password'], scope: { kind: 'project', id: adminProject } }))).toBe(true);
    deps.db.delete(roleAssignments).where(eq(roleAssignments.actorId, demoId)).run();
    expect(await rejects(issueDemo())).toBe(true);
  });

  it('keeps tokens valid across a key rotation', async () => {
    const { id } = await issueDemo();
    await deps.keyRing.rotate({ keepNewest: 3 });
    expect((await identity.tokens.validate(id)).user.id).toBe(demoId);
  });

  it('revocations are durable: a new process loads them', async () => {
    const { id } = await issueDemo();
    identity.revocations.revoke({ userId: demoId });
    const again = createIdentity({ ...deps });
    again.start();
    expect(await rejects(again.tokens.validate(id))).toBe(true);
  });

  it('keeps memory bounded: tokens nobody validates for a minute, and expired ones, leave the cache', async () => {
    for (let i = 0; i < 200; i++) await issueDemo();
    const held = identity.tokens.cacheStats();
    expect(held.entries).toBe(200);
    expect(held.bytes).toBeGreaterThan(200 * 1024);
    deps.clock.advance(61_000);
    const { id } = await issueDemo();
    expect(identity.tokens.cacheStats().entries).toBe(1);
    expect((await identity.tokens.validate(id)).context.userId).toBe(demoId);
  });

  it('holds no more than its byte budget however many tokens are issued', async () => {
    const small = testIdentityDeps();
    const id2 = createIdentity({ ...small, tokenCacheBytes: 64 * 1024 });
    id2.start();
    const b = await id2.bootstrap({ adminPassword: 'a', demoPassword: 'd' });
    const issued: string[] = [];
    for (let i = 0; i < 100; i++) issued.push((await id2.tokens.issue({ userId: b.demo.userId, methods: ['password'], scope: { kind: 'project', id: b.demo.projectId } })).id);
    const { entries, bytes } = id2.tokens.cacheStats();
    expect(bytes).toBeLessThanOrEqual(64 * 1024);
    expect(entries).toBeLessThan(100);
    // Evicted tokens still validate (re-resolved from the token itself).
    expect((await id2.tokens.validate(issued[0]!)).context.userId).toBe(b.demo.userId);
  });
});
