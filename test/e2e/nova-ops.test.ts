// Nova operator features in-process: crash recovery (init_instance), migrations (cold and live), simple tenant usage, resetState.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cmpComputeNodes, cmpInstances } from '../../core/db/schema/compute.js';
import { buildTestSystem, type TestSystem } from '../harness/system.js';

type Json = Record<string, any>;

let sys: TestSystem;
let admin: string;
let demo: string;

const IMAGE = '5b1e3c2a-0d6f-4a7e-9c1b-000000000001';

async function token(user: string, password: string, project: string): Promise<string> {
  const res = await sys.request('/identity/v3/auth/tokens?nocatalog', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: user, domain: { id: 'default' }, password } } }, scope: { project: { name: project, domain: { id: 'default' } } } } }),
  });
  expect(res.status).toBe(201);
  return res.headers.get('x-subject-token')!;
}

async function api(tok: string, method: string, path: string, body?: unknown, version = '2.1'): Promise<{ status: number; json: Json; headers: Headers }> {
  const res = await sys.request(`/compute/v2.1${path}`, {
    method,
    headers: { 'x-auth-token': tok, 'x-openstack-nova-api-version': version, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Json) : {}, headers: res.headers };
}

const boot = async (tok: string, name: string, extra: Json = {}) => {
  const r = await api(tok, 'POST', '/servers', { server: { name, imageRef: IMAGE, flavorRef: '1', networks: 'none', ...extra } }, '2.37');
  expect(r.status, JSON.stringify(r.json)).toBe(202);
  return r.json.server.id as string;
};

async function waitFor(tok: string, id: string, pred: (s: Json) => boolean, version = '2.1'): Promise<Json> {
  for (let i = 0; i < 400; i++) {
    const r = await api(tok, 'GET', `/servers/${id}`, undefined, version);
    if (r.status === 200 && pred(r.json.server)) return r.json.server;
    if (r.status === 404 && pred({ status: 'GONE' })) return { status: 'GONE' };
    await new Promise((res) => setTimeout(res, 20));
  }
  throw new Error(`server ${id} never got there: ${JSON.stringify((await api(tok, 'GET', `/servers/${id}`, undefined, version)).json)}`);
}
const settled = (status: string) => (s: Json) => s.status === status && s['OS-EXT-STS:task_state'] === null;

/** Each hypervisor's usage against the sum of the flavors of the live servers on it. */
async function expectBooksBalance(): Promise<void> {
  const hv = (await api(admin, 'GET', '/os-hypervisors/detail', undefined, '2.53')).json.hypervisors as Json[];
  const all = (await api(admin, 'GET', '/servers/detail?all_tenants=1', undefined, '2.53')).json.servers as Json[];
  for (const h of hv) {
    const mine = all.filter((s) => s['OS-EXT-SRV-ATTR:host'] === h.service.host && s.status !== 'SHELVED_OFFLOADED');
    const sum = (k: string) => mine.reduce((n, s) => n + (s.flavor[k] as number), 0);
    expect({ host: h.service.host, vcpus: h.vcpus_used, ram: h.memory_mb_used, disk: h.local_gb_used }).toEqual({ host: h.service.host, vcpus: sum('vcpus'), ram: sum('ram'), disk: sum('disk') });
  }
}

beforeAll(async () => {
  sys = await buildTestSystem({ SKYBRIDGE_FAKE_HOSTS: '3', SKYBRIDGE_FAKE_SPAWN_MS: '5', SKYBRIDGE_FAKE_POWER_MS: '2' });
  const b = sys.firstStart.bootstrap;
  admin = await token(b.admin.userName, b.admin.password, b.admin.projectName);
  demo = await token(b.demo.userName, b.demo.password, b.demo.projectName);
});

afterAll(async () => {
  await sys?.dispose();
});

describe('recovery (init_instance)', () => {
  it('instances left mid-task with no job end ERROR with a fault (builds) or with their task reverted; deletes finish; host usage is recounted', async () => {
    const [building, stopping, deleting] = [await boot(demo, 'rec-build'), await boot(demo, 'rec-stop'), await boot(demo, 'rec-del')];
    for (const id of [building, stopping, deleting]) await waitFor(demo, id, settled('ACTIVE'));
    // What a crash leaves behind when the job that would finish the work is gone.
    const db = sys.db.db;
    const old = Date.now() - 3_600_000;
    db.update(cmpInstances).set({ vmState: 'building', taskState: 'spawning', updatedAt: old }).where(eq(cmpInstances.id, building)).run();
    db.update(cmpInstances).set({ taskState: 'powering-off', updatedAt: old }).where(eq(cmpInstances.id, stopping)).run();
    db.update(cmpInstances).set({ taskState: 'deleting', updatedAt: old }).where(eq(cmpInstances.id, deleting)).run();
    db.update(cmpComputeNodes).set({ vcpusUsed: 99, memoryMbUsed: 99_999, localGbUsed: 999 }).run();

    const report = sys.compute.recover();
    expect(report.errored).toEqual([building]);
    expect(report.reverted).toEqual([stopping]);
    expect(report.deletes).toEqual([deleting]);

    const errored = await waitFor(demo, building, settled('ERROR'));
    expect(errored.fault).toMatchObject({ code: 500, message: expect.stringContaining('interrupted') });
    await waitFor(demo, stopping, settled('ACTIVE'));
    await waitFor(demo, deleting, (s) => s.status === 'GONE');
    await expectBooksBalance();
    // Nothing is left for a second pass, and a fresh task state (within the grace period) is never touched.
    db.update(cmpInstances).set({ taskState: 'powering-on', updatedAt: Date.now() }).where(eq(cmpInstances.id, stopping)).run();
    expect(sys.compute.recover()).toMatchObject({ errored: [], reverted: [], deletes: [] });
    db.update(cmpInstances).set({ taskState: null }).where(eq(cmpInstances.id, stopping)).run();
  });

  it('an action on a guest the hypervisor lost (restart of the fake) creates it again first', async () => {
    const id = await boot(demo, 'rec-lost');
    const s = await waitFor(demo, id, settled('ACTIVE'), '2.53');
    const host = s['OS-EXT-SRV-ATTR:host'] ?? (await api(admin, 'GET', `/servers/${id}`, undefined, '2.53')).json.server['OS-EXT-SRV-ATTR:host'];
    await sys.computeDriver.destroy(host, id);
    expect((await api(demo, 'POST', `/servers/${id}/action`, { 'os-stop': null })).status).toBe(202);
    await waitFor(demo, id, settled('SHUTOFF'));
    expect(await sys.computeDriver.state(host, id)).toMatchObject({ powerState: 4 });
  });
});
