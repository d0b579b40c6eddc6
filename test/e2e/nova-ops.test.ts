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
async function expectBooksBalance(movingFrom: Record<string, number> = {}): Promise<void> {
  const hv = (await api(admin, 'GET', '/os-hypervisors/detail', undefined, '2.53')).json.hypervisors as Json[];
  const all = (await api(admin, 'GET', '/servers/detail?all_tenants=1', undefined, '2.53')).json.servers as Json[];
  for (const h of hv) {
    const mine = all.filter((s) => s['OS-EXT-SRV-ATTR:host'] === h.service.host && s.status !== 'SHELVED_OFFLOADED');
    // m1.tiny (1 vCPU, 512 MB, 1 GB) for each server still holding a claim here while it moves away.
    const away = movingFrom[h.service.host] ?? 0;
    const sum = (k: string) => mine.reduce((n, s) => n + (s.flavor[k] as number), 0) + away * ({ vcpus: 1, ram: 512, disk: 1 } as Record<string, number>)[k]!;
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

describe('migrations (admin)', () => {
  const hostOf = async (id: string) => (await api(admin, 'GET', `/servers/${id}`, undefined, '2.53')).json.server['OS-EXT-SRV-ATTR:host'] as string;

  it('cold migrate: another host, VERIFY_RESIZE, confirm frees the source; the migration record follows', async () => {
    const id = await boot(demo, 'mig-cold');
    await waitFor(demo, id, settled('ACTIVE'));
    const source = await hostOf(id);
    expect((await api(demo, 'POST', `/servers/${id}/action`, { migrate: null })).status).toBe(403);
    expect((await api(admin, 'POST', `/servers/${id}/action`, { migrate: { host: 'x' } })).status).toBe(400);
    expect((await api(admin, 'POST', `/servers/${id}/action`, { migrate: null })).status).toBe(202);
    await waitFor(admin, id, settled('VERIFY_RESIZE'));
    const dest = await hostOf(id);
    expect(dest).not.toBe(source);
    // Until the move is confirmed or reverted, the source keeps its claim too (as Nova's resource tracker does).
    await expectBooksBalance({ [source]: 1 });
    const migs = (await api(admin, 'GET', `/os-migrations?instance_uuid=${id}`, undefined, '2.80')).json.migrations as Json[];
    expect(migs).toHaveLength(1);
    expect(migs[0]).toMatchObject({ instance_uuid: id, migration_type: 'migration', status: 'finished', source_compute: source, dest_compute: dest, old_instance_type_id: 1, new_instance_type_id: 1, uuid: expect.any(String), project_id: sys.firstStart.bootstrap.demo.projectId });
    expect(migs[0].created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    // Below 2.23 there is no migration_type; below 2.59 no uuid.
    const old = (await api(admin, 'GET', `/os-migrations?instance_uuid=${id}`)).json.migrations[0];
    expect(old.migration_type).toBeUndefined();
    expect(old.uuid).toBeUndefined();
    expect((await api(demo, 'GET', '/os-migrations')).status).toBe(403);

    expect((await api(demo, 'POST', `/servers/${id}/action`, { confirmResize: null })).status).toBe(204);
    await waitFor(admin, id, settled('ACTIVE'));
    expect(await hostOf(id)).toBe(dest);
    expect((await api(admin, 'GET', `/os-migrations?instance_uuid=${id}`, undefined, '2.23')).json.migrations[0].status).toBe('confirmed');
    expect(await sys.computeDriver.state(source, id)).toBeNull();
    await expectBooksBalance();
  });

  it('cold migrate to a named host (2.56), then revert: back on the source', async () => {
    const id = await boot(demo, 'mig-revert');
    await waitFor(demo, id, settled('ACTIVE'));
    const source = await hostOf(id);
    const hosts = ((await api(admin, 'GET', '/os-hypervisors')).json.hypervisors as Json[]).map((h) => h.hypervisor_hostname as string);
    const target = hosts.find((h) => h !== source)!;
    expect((await api(admin, 'POST', `/servers/${id}/action`, { migrate: { host: target } })).status).toBe(400);
    expect((await api(admin, 'POST', `/servers/${id}/action`, { migrate: { host: source } }, '2.56')).json.badRequest.message).toBe(`Unable to migrate instance (${id}) to current host (${source}).`);
    expect((await api(admin, 'POST', `/servers/${id}/action`, { migrate: { host: target } }, '2.56')).status).toBe(202);
    await waitFor(admin, id, settled('VERIFY_RESIZE'));
    expect(await hostOf(id)).toBe(target);
    expect((await api(admin, 'POST', `/servers/${id}/action`, { revertResize: null })).status).toBe(202);
    await waitFor(admin, id, settled('ACTIVE'));
    expect(await hostOf(id)).toBe(source);
    expect((await api(admin, 'GET', `/os-migrations?instance_uuid=${id}`, undefined, '2.23')).json.migrations[0]).toMatchObject({ status: 'reverted', dest_compute: target });
    expect(await sys.computeDriver.state(target, id)).toBeNull();
    await expectBooksBalance();
  });

  it('live migrate (block_migration auto at 2.25): ACTIVE on another host, completed; server migrations list is empty after', async () => {
    const id = await boot(demo, 'mig-live');
    await waitFor(demo, id, settled('ACTIVE'));
    const source = await hostOf(id);
    expect((await api(admin, 'POST', `/servers/${id}/action`, { 'os-migrateLive': { host: null, block_migration: 'auto' } })).status).toBe(400);
    expect((await api(admin, 'POST', `/servers/${id}/action`, { 'os-migrateLive': { host: null, block_migration: 'auto' } }, '2.25')).status).toBe(202);
    await waitFor(admin, id, (s) => s.status === 'ACTIVE' && s['OS-EXT-STS:task_state'] === null && s['OS-EXT-SRV-ATTR:host'] !== source, '2.53');
    expect(await sys.computeDriver.state(source, id)).toBeNull();
    const mig = (await api(admin, 'GET', `/os-migrations?instance_uuid=${id}&migration_type=live-migration`, undefined, '2.59')).json.migrations[0];
    expect(mig).toMatchObject({ status: 'completed', migration_type: 'live-migration', source_compute: source });
    expect(mig.links).toBeUndefined();
    expect((await api(admin, 'GET', `/servers/${id}/migrations`, undefined, '2.23')).json).toEqual({ migrations: [] });
    expect((await api(admin, 'GET', `/servers/${id}/migrations`)).status).toBe(404);
    const show = await api(admin, 'GET', `/servers/${id}/migrations/${mig.id}`, undefined, '2.23');
    expect(show.status).toBe(404);
    expect(show.json.itemNotFound.message).toBe(`Migration ${mig.id} for instance ${id} is not in progress.`);
    await expectBooksBalance();
    // A stopped server cannot live-migrate (Nova's 409).
    expect((await api(demo, 'POST', `/servers/${id}/action`, { 'os-stop': null })).status).toBe(202);
    await waitFor(demo, id, settled('SHUTOFF'));
    const refused = await api(admin, 'POST', `/servers/${id}/action`, { 'os-migrateLive': { host: null, block_migration: 'auto' } }, '2.25');
    expect(refused.status).toBe(409);
    expect(refused.json.conflictingRequest.message).toBe(`Cannot 'os-migrateLive' instance ${id} while it is in vm_state stopped`);
  });

  it('no other host with room: the migration ends in error and the server stays ACTIVE where it was', async () => {
    const id = await boot(demo, 'mig-nohost');
    await waitFor(demo, id, settled('ACTIVE'));
    const source = await hostOf(id);
    const services = (await api(admin, 'GET', '/os-services?binary=nova-compute')).json.services as Json[];
    const others = services.filter((s) => s.host !== source);
    for (const s of others) expect((await api(admin, 'PUT', `/os-services/${s.id}`, { status: 'disabled' }, '2.53')).status).toBe(200);
    try {
      expect((await api(admin, 'POST', `/servers/${id}/action`, { migrate: null })).status).toBe(202);
      for (let i = 0; i < 200; i++) {
        const m = (await api(admin, 'GET', `/os-migrations?instance_uuid=${id}`)).json.migrations[0];
        if (m?.status === 'error') break;
        await new Promise((r) => setTimeout(r, 20));
      }
      const s = await waitFor(admin, id, settled('ACTIVE'), '2.53');
      expect(s['OS-EXT-SRV-ATTR:host']).toBe(source);
      expect((await api(admin, 'GET', `/os-migrations?instance_uuid=${id}`)).json.migrations[0].status).toBe('error');
    } finally {
      for (const s of others) await api(admin, 'PUT', `/os-services/${s.id}`, { status: 'enabled' }, '2.53');
    }
    await expectBooksBalance();
  });
});

describe('os-simple-tenant-usage and os-resetState', () => {
  const pyTime = (ms: number) => new Date(ms).toISOString().replace(/Z$/, '');

  it('usage is hours in the period × the flavor, per server and summed; list is admin, show is the project reader', async () => {
    const id = await boot(demo, 'usage-1');
    const s = await waitFor(demo, id, settled('ACTIVE'));
    const launched = Date.parse(`${s['OS-SRV-USG:launched_at']}Z`);
    const start = launched - 3_600_000;
    const end = launched + 2 * 3_600_000;
    const demoProject = sys.firstStart.bootstrap.demo.projectId;
    const show = await api(demo, 'GET', `/os-simple-tenant-usage/${demoProject}?start=${pyTime(start)}&end=${pyTime(end)}`);
    expect(show.status, JSON.stringify(show.json)).toBe(200);
    const u = show.json.tenant_usage;
    // Python's isoformat: microseconds, or none when they are zero.
    const py = (ms: number) => pyTime(ms).replace(/\.000$/, '').replace(/\.(\d{3})$/, '.$1000');
    expect(u).toMatchObject({ tenant_id: demoProject, start: py(start), stop: py(end) });
    const mine = (u.server_usages as Json[]).find((x) => x.instance_id === id)!;
    expect(mine).toMatchObject({ name: 'usage-1', hours: 2, memory_mb: 512, local_gb: 1, vcpus: 1, flavor: 'm1.tiny', state: 'active', ended_at: null, tenant_id: demoProject });
    const total = (k: string) => (u.server_usages as Json[]).reduce((n, x) => n + x.hours * x[k], 0);
    expect(u.total_memory_mb_usage).toBeCloseTo(total('memory_mb'), 6);
    expect(u.total_vcpus_usage).toBeCloseTo(total('vcpus'), 6);
    expect(u.total_local_gb_usage).toBeCloseTo(total('local_gb'), 6);
    expect(u.total_hours).toBeCloseTo((u.server_usages as Json[]).reduce((n, x) => n + x.hours, 0), 6);

    // A period before the launch counts nothing; a bad period is 400; the list needs admin.
    expect((await api(demo, 'GET', `/os-simple-tenant-usage/${demoProject}?start=2000-01-01T00:00:00&end=2000-01-02T00:00:00`)).json).toEqual({ tenant_usage: {} });
    expect((await api(demo, 'GET', `/os-simple-tenant-usage/${demoProject}?start=${pyTime(end)}&end=${pyTime(start)}`)).status).toBe(400);
    expect((await api(demo, 'GET', `/os-simple-tenant-usage/${demoProject}?start=yesterday`)).status).toBe(400);
    expect((await api(demo, 'GET', '/os-simple-tenant-usage')).status).toBe(403);
    const list = await api(admin, 'GET', `/os-simple-tenant-usage?start=${pyTime(start)}&end=${pyTime(end)}`);
    const row = (list.json.tenant_usages as Json[]).find((t) => t.tenant_id === demoProject)!;
    expect(row.server_usages).toBeUndefined();
    expect(row.total_hours).toBeCloseTo(u.total_hours, 6);
    const detailed = await api(admin, 'GET', `/os-simple-tenant-usage?start=${pyTime(start)}&end=${pyTime(end)}&detailed=1`);
    expect((detailed.json.tenant_usages as Json[]).find((t) => t.tenant_id === demoProject)!.server_usages.length).toBe(u.server_usages.length);
    // 2.40 pages by server.
    const page = await api(admin, 'GET', `/os-simple-tenant-usage?start=${pyTime(start)}&end=${pyTime(end)}&detailed=1&limit=1`, undefined, '2.40');
    expect(page.json.tenant_usages_links[0].href).toContain('marker=');

    // A deleted server is `terminated` with its end.
    expect((await api(demo, 'DELETE', `/servers/${id}`)).status).toBe(204);
    await waitFor(demo, id, (x) => x.status === 'GONE');
    const after = (await api(demo, 'GET', `/os-simple-tenant-usage/${demoProject}?start=${pyTime(start)}&end=${pyTime(end)}`)).json.tenant_usage;
    const gone = (after.server_usages as Json[]).find((x) => x.instance_id === id)!;
    expect(gone.state).toBe('terminated');
    expect(gone.ended_at).toBeTruthy();
    expect(gone.hours).toBeLessThan(2);
  });

  it('os-resetState (admin) sets active or error and clears the task state', async () => {
    const id = await boot(demo, 'reset-1');
    await waitFor(demo, id, settled('ACTIVE'));
    expect((await api(demo, 'POST', `/servers/${id}/action`, { 'os-resetState': { state: 'error' } })).status).toBe(403);
    expect((await api(admin, 'POST', `/servers/${id}/action`, { 'os-resetState': { state: 'stopped' } })).status).toBe(400);
    expect((await api(admin, 'POST', `/servers/${id}/action`, { 'os-resetState': { state: 'error' } })).status).toBe(202);
    expect((await api(demo, 'GET', `/servers/${id}`)).json.server.status).toBe('ERROR');
    sys.db.db.update(cmpInstances).set({ taskState: 'powering-off' }).where(eq(cmpInstances.id, id)).run();
    expect((await api(admin, 'POST', `/servers/${id}/action`, { 'os-resetState': { state: 'active' } })).status).toBe(202);
    const s = (await api(demo, 'GET', `/servers/${id}`)).json.server;
    expect(s.status).toBe('ACTIVE');
    expect(s['OS-EXT-STS:task_state']).toBeNull();
    expect((await api(admin, 'POST', `/servers/${crypto.randomUUID()}/action`, { 'os-resetState': { state: 'active' } })).status).toBe(404);
  });
});

describe('a server deleted mid-move', () => {
  it('deleted in VERIFY_RESIZE after a cold migration: both hosts are freed and the migration ends', async () => {
    const id = await boot(demo, 'mig-del');
    await waitFor(demo, id, settled('ACTIVE'));
    expect((await api(admin, 'POST', `/servers/${id}/action`, { migrate: null })).status).toBe(202);
    await waitFor(admin, id, settled('VERIFY_RESIZE'));
    const m = (await api(admin, 'GET', `/os-migrations?instance_uuid=${id}`)).json.migrations[0];
    expect((await api(demo, 'DELETE', `/servers/${id}`)).status).toBe(204);
    await waitFor(demo, id, (s) => s.status === 'GONE');
    expect((await api(admin, 'GET', `/os-migrations?instance_uuid=${id}`)).json.migrations[0].status).toBe('error');
    expect(await sys.computeDriver.state(m.source_compute, id)).toBeNull();
    expect(await sys.computeDriver.state(m.dest_compute, id)).toBeNull();
    await expectBooksBalance();
  });
});
