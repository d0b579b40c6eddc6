// A project's plain server list (raw prepared statement and hand mapper) shows exactly what the filtered list (drizzle's mapping) shows, on either database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestContext } from '../../core/context.js';
import { buildTestSystem, type TestSystem } from '../harness/system.js';

const IMAGE = '5b1e3c2a-0d6f-4a7e-9c1b-000000000001';

let sys: TestSystem;
let ctx: RequestContext;

beforeAll(async () => {
  sys = await buildTestSystem({ SKYBRIDGE_FAKE_HOSTS: '2', SKYBRIDGE_FAKE_SPAWN_MS: '1', SKYBRIDGE_FAKE_POWER_MS: '1' });
  const b = sys.firstStart.bootstrap;
  const res = await sys.request('/identity/v3/auth/tokens?nocatalog', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: b.demo.userName, domain: { id: 'default' }, password: b.demo.password } } }, scope: { project: { name: b.demo.projectName, domain: { id: 'default' } } } } }),
  });
  ctx = { requestId: 'listing-test', auth: (await sys.identity.tokens.validate(res.headers.get('x-subject-token')!)).context };
});
afterAll(() => sys.dispose());

describe('GET /servers/detail rows', () => {
  it('the plain listing and the filtered one map every column alike (JSON, booleans, nulls, timestamps)', async () => {
    const { reservationId } = await sys.compute.createServers(ctx, {
      name: 'listed',
      imageRef: IMAGE,
      flavorRef: '1',
      minCount: 3,
      maxCount: 3,
      metadata: { role: 'web', 'ünïcode': 'välue' },
      description: 'three of them',
      tags: ['b', 'a'],
      networks: 'auto',
      securityGroups: ['default'],
    });
    const other = await sys.compute.createServers(ctx, { name: 'plain', imageRef: IMAGE, flavorRef: '1', minCount: 1, maxCount: 1, networks: 'none' });
    sys.compute.lockServer(ctx, other.instances[0]!.id, 'kept');
    for (let i = 0; i < 400; i++) {
      const { instances } = sys.compute.listServers(ctx);
      if (instances.length === 4 && instances.every((s) => s.status === 'ACTIVE' && s.taskState === null)) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    const plain = sys.compute.listServers(ctx).instances;
    const filtered = [...sys.compute.listServers(ctx, { reservationId }).instances, ...sys.compute.listServers(ctx, { reservationId: other.reservationId }).instances];
    expect(plain).toHaveLength(4);
    const byId = new Map(filtered.map((s) => [s.id, s]));
    for (const s of plain) expect(s).toEqual(byId.get(s.id));
    const locked = plain.find((s) => s.id === other.instances[0]!.id)!;
    expect(locked.locked).toBe(true);
    expect(locked.lockedReason).toBe('kept');
    const listed = plain.find((s) => s.name === 'listed-1')!;
    expect(listed.metadata).toEqual({ role: 'web', 'ünïcode': 'välue' });
    expect(listed.tags).toEqual(['a', 'b']);
    expect(listed.locked).toBe(false);
    expect(Object.values(listed.addresses).flat().length).toBeGreaterThan(0);
    expect(typeof listed.createdAt).toBe('number');
    expect(typeof listed.launchedAt).toBe('number');
  });
});
