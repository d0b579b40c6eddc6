// What processes sharing one database share: two identity instances on one database stand for two gateways (credential deletion, grants, revocations out of id order, the token key ring).
import { describe, expect, it } from 'vitest';
import type { RequestContext } from '../context.js';
import { revocationEvents } from '../db/schema/identity.js';
import { DbKeyRing } from './db-key-ring.js';
import { createIdentity, type Identity } from './index.js';
import { RevocationList } from './revocation.js';
import { TestClock, testIdentityDeps } from './testing/fakes.js';

/** Two identity instances (two "gateways") over one database, bootstrapped, with an admin context on the first. */
async function twoGateways(): Promise<{ a: Identity; b: Identity; admin: RequestContext; boot: Awaited<ReturnType<Identity['bootstrap']>> }> {
  const deps = testIdentityDeps();
  const a = createIdentity(deps);
  const b = createIdentity({ ...deps });
  a.start();
  b.start();
  const boot = await a.bootstrap({ adminPassword: 'a', demoPassword: 'd' });
  const t = await a.tokens.issue({ userId: boot.admin.userId, methods: ['password'], scope: { kind: 'project', id: boot.admin.projectId } });
  return { a, b, admin: { requestId: 't', auth: t.info.context }, boot };
}

describe('sharing across processes on one database', () => {
  it('an EC2 credential deleted through one gateway stops signing on the other from its next event-loop turn (its cached lookup is dropped by the generation)', async () => {
    const { a, b, admin, boot } = await twoGateways();
    expect(b.authenticateEc2(boot.demo.ec2.access)?.secret).toBe(boot.demo.ec2.secret);
    a.services.credentials.deleteEc2(admin, boot.demo.userId, boot.demo.ec2.access);
    // Another process's requests run in turns of their own; within one turn the requests share one read of the counter.
    await new Promise((r) => setImmediate(r));
    expect(b.authenticateEc2(boot.demo.ec2.access)).toBeUndefined();
    // The gateway that deleted it refuses it at once, in the same turn.
    expect(a.authenticateEc2(boot.demo.ec2.access)).toBeUndefined();
  });

  it('a new EC2 credential made through one gateway signs on the other', async () => {
    const { a, b, admin, boot } = await twoGateways();
    expect(b.authenticateEc2('not-yet')).toBeUndefined();
    const cred = await a.services.credentials.createEc2(admin, boot.demo.userId, boot.demo.projectId);
    expect(b.authenticateEc2(cred.access)?.secret).toBe(cred.secret);
  });

  it('a grant through one gateway drops the other\'s cached token roles at its next refresh', async () => {
    const { a, b, admin, boot } = await twoGateways();
    const t = await b.tokens.issue({ userId: boot.demo.userId, methods: ['password'], scope: { kind: 'project', id: boot.demo.projectId } });
    expect((await b.tokens.validate(t.id)).context.roles).not.toContain('admin');
    const adminRole = a.services.roles.list(admin, {}).find((r) => r.name === 'admin')!;
    a.services.assignments.grant(admin, { actor: { userId: boot.demo.userId }, target: { projectId: boot.demo.projectId }, roleId: adminRole.id });
    b.revocations.refresh();
    expect((await b.tokens.validate(t.id)).context.roles).toContain('admin');
  });

  it('a revocation committed out of id order (a lower id seen after a higher one) is still picked up', () => {
    const deps = testIdentityDeps();
    const clock = new TestClock(50_000);
    const list = new RevocationList(deps.db, clock, 3_600_000);
    list.load();
    const row = (id: number, auditId: string) => ({ id, auditId, issuedBefore: clock.now(), createdAt: clock.now() });
    deps.db.insert(revocationEvents).values(row(7, 'later')).run();
    list.refresh();
    // The writer that took id 5 commits only now.
    deps.db.insert(revocationEvents).values(row(5, 'earlier')).run();
    list.refresh();
    const tok = (auditId: string) => ({ userId: 'u', domainIds: [], roleIds: [], auditIds: [auditId], issuedAt: 1 });
    expect(list.isRevoked(tok('later'))).toBe(true);
    expect(list.isRevoked(tok('earlier'))).toBe(true);
  });

  it('the token key ring in the database: a rotation on one process is the other\'s primary at its next re-read; both keep the old key', async () => {
    const { db } = testIdentityDeps();
    const keep = () => [] as number[];
    const one = new DbKeyRing(db, { keysToDrop: keep, recheckMs: 0 });
    const two = new DbKeyRing(db, { keysToDrop: keep, recheckMs: 0 });
    expect(two.keys()).toEqual(one.keys());
    const before = one.keys()[0]!;
    await one.rotate();
    expect(two.keys()).toHaveLength(2);
    expect(two.keys()[0]).not.toEqual(before);
    expect(two.keys()[1]).toEqual(before);
    expect(one.keyIndices()).toEqual([2, 1]);
  });

  it('an empty key table starts from the seed keys, primary first, so tokens sealed with them stay valid', () => {
    const { db } = testIdentityDeps();
    const seed = [new Uint8Array(32).fill(2), new Uint8Array(32).fill(1)];
    const ring = new DbKeyRing(db, { keysToDrop: () => [], seed: () => seed });
    expect(ring.keys()).toEqual(seed);
    expect(ring.keyIndices()).toEqual([2, 1]);
    // A later start seeds nothing: the table is the ring now.
    expect(new DbKeyRing(db, { keysToDrop: () => [], seed: () => [new Uint8Array(32)] }).keys()).toEqual(seed);
  });
});
