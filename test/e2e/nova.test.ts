// The Nova face in-process: discovery and microversions, the boot flow through queue/scheduler/agent, state machine 409s, quota race, tenant isolation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeComputeDriver } from '../../backends/compute/fake-driver.js';
import { buildTestSystem, type TestSystem } from '../harness/system.js';

type Json = Record<string, any>;

let sys: TestSystem;
let admin: string;
let demo: string;
let demoProject: string;
let otherTok: string;

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

async function api(tok: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Json; headers: Headers }> {
  const res = await sys.request(`/compute${path}`, {
    method,
    headers: { 'x-auth-token': tok, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Json) : {}, headers: res.headers };
}

const boot = async (tok: string, name: string, extra: Json = {}, headers: Record<string, string> = {}) => {
  const r = await api(tok, 'POST', '/v2.1/servers', { server: { name, imageRef: IMAGE, flavorRef: '1', ...extra } }, headers);
  expect(r.status, JSON.stringify(r.json)).toBe(202);
  return r.json.server as Json;
};

async function waitFor(tok: string, id: string, pred: (s: Json) => boolean, headers: Record<string, string> = {}): Promise<Json> {
  for (let i = 0; i < 400; i++) {
    const r = await api(tok, 'GET', `/v2.1/servers/${id}`, undefined, headers);
    if (r.status === 200 && pred(r.json.server)) return r.json.server;
    await new Promise((res) => setTimeout(res, 25));
  }
  const last = await api(tok, 'GET', `/v2.1/servers/${id}`, undefined, headers);
  throw new Error(`server ${id} never got there: ${JSON.stringify(last.json)}`);
}
const waitStatus = (tok: string, id: string, status: string, headers: Record<string, string> = {}) =>
  waitFor(tok, id, (s) => s.status === status && s['OS-EXT-STS:task_state'] === null, headers);

beforeAll(async () => {
  sys = await buildTestSystem({ SKYBRIDGE_FAKE_HOSTS: '3', SKYBRIDGE_FAKE_SPAWN_MS: '5', SKYBRIDGE_FAKE_POWER_MS: '2' });
  const b = sys.firstStart.bootstrap;
  admin = await token(b.admin.userName, b.admin.password, b.admin.projectName);
  demo = await token(b.demo.userName, b.demo.password, b.demo.projectName);
  demoProject = b.demo.projectId;
  // A third tenant, for isolation.
  const p = await sys.request('/identity/v3/projects', { method: 'POST', headers: { 'x-auth-token': admin, 'content-type': 'application/json' }, body: JSON.stringify({ project: { name: 'other', domain_id: 'default' } }) });
  const pid = ((await p.json()) as Json).project.id;
  const u = await sys.request('/identity/v3/users', { method: 'POST', headers: { 'x-auth-token': admin, 'content-type': 'application/json' }, body: JSON.stringify({ user: { name: 'other', password: 'other-secret', domain_id: 'default' } }) });
  const uid = ((await u.json()) as Json).user.id;
  const roles = (await (await sys.request('/identity/v3/roles?name=member', { headers: { 'x-auth-token': admin } })).json()) as Json;
  await sys.request(`/identity/v3/projects/${pid}/users/${uid}/roles/${roles.roles[0].id}`, { method: 'PUT', headers: { 'x-auth-token': admin } });
  otherTok = await token('other', 'other-secret', 'other');
});

afterAll(async () => {
  await sys?.dispose();
});

describe('Nova discovery and microversions', () => {
  it('the root lists v2.0 and v2.1 (200); /v2.1 is the current version document', async () => {
    const root = await sys.request('/compute/');
    expect(root.status).toBe(200);
    const body = (await root.json()) as Json;
    expect(body.versions[0].id).toBe('v2.0');
    expect(body.versions[1]).toMatchObject({ id: 'v2.1', status: 'CURRENT', version: '2.96', min_version: '2.1' });
    const v21 = (await (await sys.request('/compute/v2.1')).json()) as Json;
    expect(v21.version.id).toBe('v2.1');
  });

  it('echoes the version in both headers with Vary; 406 outside 2.1..2.96; latest is 2.96', async () => {
    const r = await api(demo, 'GET', '/v2.1/flavors', undefined, { 'OpenStack-API-Version': 'compute 2.60' });
    expect(r.status).toBe(200);
    expect(r.headers.get('openstack-api-version')).toBe('compute 2.60');
    expect(r.headers.get('x-openstack-nova-api-version')).toBe('2.60');
    expect(r.headers.get('vary')).toBe('OpenStack-API-Version, X-OpenStack-Nova-API-Version');
    const latest = await api(demo, 'GET', '/v2.1/flavors', undefined, { 'X-OpenStack-Nova-API-Version': 'latest' });
    expect(latest.headers.get('x-openstack-nova-api-version')).toBe('2.96');
    const tooNew = await api(demo, 'GET', '/v2.1/flavors', undefined, { 'X-OpenStack-Nova-API-Version': '2.97' });
    expect(tooNew.status).toBe(406);
    expect(tooNew.json.computeFault.message).toBe('Version 2.97 is not supported by the API. Minimum is 2.1 and maximum is 2.96.');
    expect((await api(demo, 'GET', '/v2.1/flavors', undefined, { 'X-OpenStack-Nova-API-Version': '3.0' })).status).toBe(406);
    expect((await api(demo, 'GET', '/v2.1/flavors', undefined, { 'X-OpenStack-Nova-API-Version': 'abc' })).status).toBe(400);
  });

  it('devstack flavors exist; a missing flavor is itemNotFound; the catalog lists compute', async () => {
    const r = await api(demo, 'GET', '/v2.1/flavors/detail?is_public=None');
    expect(r.json.flavors.map((f: Json) => f.name)).toEqual(expect.arrayContaining(['m1.tiny', 'm1.small', 'm1.medium', 'm1.large', 'm1.xlarge', 'ds512M', 'ds1G']));
    const missing = await api(demo, 'GET', '/v2.1/flavors/m1.tiny');
    expect(missing.status).toBe(404);
    expect(missing.json.itemNotFound.code).toBe(404);
    const cat = (await (await sys.request('/identity/v3/auth/catalog', { headers: { 'x-auth-token': demo } })).json()) as Json;
    expect(cat.catalog.find((e: Json) => e.type === 'compute').endpoints[0].url).toMatch(/\/compute\/v2\.1$/);
  });
});

describe('the boot flow: API → queue → scheduler → compute agent → ACTIVE', () => {
  it('answers 202 at once, walks through the build task states, and ends ACTIVE on a host', async () => {
    const kp = await api(demo, 'POST', '/v2.1/os-keypairs', { keypair: { name: 'k1' } }, { 'X-OpenStack-Nova-API-Version': '2.2' });
    expect(kp.status).toBe(201);
    expect(kp.json.keypair.private_key).toContain('PRIVATE KEY');
    const created = await boot(demo, 'vm1', { key_name: 'k1', user_data: Buffer.from('#!/bin/sh\necho hi').toString('base64'), metadata: { a: 'b' } });
    expect(created.adminPass).toBeTruthy();
    const seen = new Set<string>();
    const s = await waitFor(demo, created.id, (x) => {
      seen.add(`${x.status}/${x['OS-EXT-STS:task_state']}`);
      return x.status === 'ACTIVE';
    });
    expect(seen.has('ACTIVE/null')).toBe(true);
    expect(s['OS-EXT-STS:vm_state']).toBe('active');
    expect(s['OS-EXT-STS:power_state']).toBe(1);
    expect(s.hostId).toMatch(/^[0-9a-f]{56}$/);
    expect(s['OS-SRV-USG:launched_at']).toBeTruthy();
    expect(s.flavor).toEqual({ id: '1', links: expect.any(Array) });
    expect(s.key_name).toBe('k1');
    expect(s.metadata).toEqual({ a: 'b' });
    // 2.1 bodies carry no later-version fields; non-admins see no OS-EXT-SRV-ATTR.
    for (const k of ['locked', 'description', 'tags', 'host_status', 'OS-EXT-SRV-ATTR:host', 'locked_reason']) expect(s).not.toHaveProperty(k);
    const adminView = (await api(admin, 'GET', `/v2.1/servers/${created.id}`, undefined, { 'X-OpenStack-Nova-API-Version': '2.96' })).json.server;
    expect(adminView['OS-EXT-SRV-ATTR:host']).toMatch(/^compute-\d$/);
    expect(adminView).toMatchObject({ locked: false, tags: [], host_status: 'UP', locked_reason: null, pinned_availability_zone: null });
    expect(adminView.flavor).toMatchObject({ vcpus: 1, ram: 512, disk: 1, original_name: 'm1.tiny' });
    // The create action and its events; the request id is the POST's x-openstack-request-id.
    const actions = await api(demo, 'GET', `/v2.1/servers/${created.id}/os-instance-actions`);
    const create = actions.json.instanceActions.find((a: Json) => a.action === 'create');
    expect(create.request_id).toMatch(/^req-/);
    const detail = await api(demo, 'GET', `/v2.1/servers/${created.id}/os-instance-actions/${create.request_id}`, undefined, { 'X-OpenStack-Nova-API-Version': '2.62' });
    expect(detail.json.instanceAction.events.map((e: Json) => [e.event, e.result])).toEqual(
      expect.arrayContaining([
        ['conductor_schedule_and_build_instances', 'Success'],
        ['compute__do_build_and_run_instance', 'Success'],
      ]),
    );
    // The console log names the hostname and the key's fingerprint.
    const log = await api(demo, 'POST', `/v2.1/servers/${created.id}/action`, { 'os-getConsoleOutput': { length: 50 } });
    expect(log.json.output).toContain('vm1');
    expect(log.json.output).toContain(kp.json.keypair.fingerprint);
    // The hypervisor shows the claim.
    const hv = await api(admin, 'GET', '/v2.1/os-hypervisors/detail');
    expect(hv.json.hypervisors.reduce((a: number, h: Json) => a + h.memory_mb_used, 0)).toBe(512);
  });

  it('min_count boots many with one reservation; all end ACTIVE, spread over the hosts', async () => {
    const r = await api(admin, 'POST', '/v2.1/servers', { server: { name: 'many', imageRef: IMAGE, flavorRef: '42', min_count: 6, return_reservation_id: true } });
    expect(r.status).toBe(202);
    const rid = r.json.reservation_id as string;
    expect(rid).toMatch(/^r-/);
    for (let i = 0; i < 400; i++) {
      const l = await api(admin, 'GET', `/v2.1/servers/detail?reservation_id=${rid}`);
      if (l.json.servers.length === 6 && l.json.servers.every((s: Json) => s.status === 'ACTIVE')) {
        expect(new Set(l.json.servers.map((s: Json) => s['OS-EXT-SRV-ATTR:host'])).size).toBe(3);
        expect(l.json.servers.map((s: Json) => s.name).sort()).toEqual(['many-1', 'many-2', 'many-3', 'many-4', 'many-5', 'many-6']);
        return;
      }
      await new Promise((res) => setTimeout(res, 25));
    }
    throw new Error('the six servers never got ACTIVE');
  });

  it('a spawn failure reschedules to another host; failing everywhere ends in ERROR with "No valid host was found"', async () => {
    const driver = sys.computeDriver as FakeComputeDriver;
    driver.inject({ op: 'spawn', times: 1 });
    const s1 = await boot(demo, 'retry-once');
    const ok = await waitStatus(demo, s1.id, 'ACTIVE');
    expect(ok.status).toBe('ACTIVE');
    driver.inject({ op: 'spawn', times: 3, message: 'disk on fire' });
    const s2 = await boot(demo, 'doomed');
    const err = await waitStatus(demo, s2.id, 'ERROR');
    expect(err.fault.message).toBe('No valid host was found. ');
    expect(err.fault.code).toBe(500);
    expect(err.fault).not.toHaveProperty('details');
    const asAdmin = (await api(admin, 'GET', `/v2.1/servers/${s2.id}`)).json.server;
    expect(asAdmin.fault.details).toContain('Exceeded max scheduling attempts 3');
    expect(asAdmin.fault.details).toContain('disk on fire');
    // A server that fits nowhere fails at once in the scheduler.
    const huge = await api(admin, 'POST', '/v2.1/flavors', { flavor: { name: 'huge', ram: 512, vcpus: 1, disk: 1_000_000 } });
    const s3 = await boot(admin, 'too-big', { flavorRef: huge.json.flavor.id });
    expect((await waitStatus(admin, s3.id, 'ERROR')).fault.message).toBe('No valid host was found. ');
    for (const id of [s1.id, s2.id]) expect((await api(demo, 'DELETE', `/v2.1/servers/${id}`)).status).toBe(204);
    expect((await api(admin, 'DELETE', `/v2.1/servers/${s3.id}`)).status).toBe(204);
  });
});

describe('the state machine', () => {
  it('stop/start/reboot/pause/suspend/resize/lock move states; wrong states are 409 with Nova\'s message', async () => {
    const s = await boot(demo, 'sm');
    await waitStatus(demo, s.id, 'ACTIVE');
    const act = (body: Json, mv = '2.1') => api(demo, 'POST', `/v2.1/servers/${s.id}/action`, body, { 'X-OpenStack-Nova-API-Version': mv });
    const start = await act({ 'os-start': null });
    expect(start.status).toBe(409);
    expect(start.json.conflictingRequest.message).toBe(`Cannot 'start' instance ${s.id} while it is in vm_state active`);
    expect((await act({ 'os-stop': null })).status).toBe(202);
    await waitStatus(demo, s.id, 'SHUTOFF');
    expect((await act({ 'os-stop': null })).json.conflictingRequest.message).toBe(`Cannot 'stop' instance ${s.id} while it is in vm_state stopped`);
    expect((await act({ 'os-start': null })).status).toBe(202);
    await waitStatus(demo, s.id, 'ACTIVE');
    expect((await act({ reboot: { type: 'HARD' } })).status).toBe(202);
    await waitStatus(demo, s.id, 'ACTIVE');
    expect((await act({ reboot: { type: 'bogus' } })).status).toBe(400);
    expect((await act({ pause: null })).status).toBe(202);
    await waitStatus(demo, s.id, 'PAUSED');
    expect((await act({ unpause: null })).status).toBe(202);
    await waitStatus(demo, s.id, 'ACTIVE');
    expect((await act({ suspend: null })).status).toBe(202);
    await waitStatus(demo, s.id, 'SUSPENDED');
    expect((await act({ resume: null })).status).toBe(202);
    await waitStatus(demo, s.id, 'ACTIVE');
    // Resize, then revert; resize again, then confirm.
    expect((await act({ resize: { flavorRef: '2' } })).status).toBe(202);
    await waitStatus(demo, s.id, 'VERIFY_RESIZE');
    expect((await act({ revertResize: null })).status).toBe(202);
    const reverted = await waitStatus(demo, s.id, 'ACTIVE');
    expect(reverted.flavor.id).toBe('1');
    expect((await act({ resize: { flavorRef: '2' } })).status).toBe(202);
    await waitStatus(demo, s.id, 'VERIFY_RESIZE');
    expect((await act({ confirmResize: null })).status).toBe(204);
    const resized = await waitStatus(demo, s.id, 'ACTIVE');
    expect(resized.flavor.id).toBe('2');
    // Lock: a locked server refuses its owner's actions.
    expect((await act({ lock: { locked_reason: 'maintenance' } }, '2.73')).status).toBe(202);
    expect((await api(demo, 'GET', `/v2.1/servers/${s.id}`, undefined, { 'X-OpenStack-Nova-API-Version': '2.73' })).json.server).toMatchObject({ locked: true, locked_reason: 'maintenance' });
    const locked = await act({ 'os-stop': null });
    expect(locked.status).toBe(409);
    expect(locked.json.conflictingRequest.message).toBe(`Instance ${s.id} is locked`);
    expect((await act({ unlock: null })).status).toBe(202);
    // Unknown action → 400; an unimplemented one → 501.
    expect((await act({ bogusAction: null })).status).toBe(400);
    expect((await act({ evacuate: {} })).status).toBe(501);
    // Snapshot into Glance: Location header at 2.1, a real active image with data.
    const snap = await act({ createImage: { name: 'sm-snap' } });
    expect(snap.status).toBe(202);
    const loc = snap.headers.get('location')!;
    expect(loc).toMatch(/\/image\/v2\/images\/[0-9a-f-]{36}$/);
    const imageId = loc.split('/').pop()!;
    await waitStatus(demo, s.id, 'ACTIVE');
    const img = (await (await sys.request(`/image/v2/images/${imageId}`, { headers: { 'x-auth-token': demo } })).json()) as Json;
    expect(img).toMatchObject({ status: 'active', name: 'sm-snap', image_type: 'snapshot', instance_uuid: s.id });
    expect(img.size).toBeGreaterThan(0);
    // Shelve offloads; unshelve schedules it again.
    expect((await act({ shelve: null })).status).toBe(202);
    await waitStatus(demo, s.id, 'SHELVED_OFFLOADED');
    expect((await act({ unshelve: null })).status).toBe(202);
    await waitStatus(demo, s.id, 'ACTIVE');
    expect((await api(demo, 'DELETE', `/v2.1/servers/${s.id}`)).status).toBe(204);
    for (let i = 0; i < 400 && (await api(demo, 'GET', `/v2.1/servers/${s.id}`)).status !== 404; i++) await new Promise((res) => setTimeout(res, 25));
    expect((await api(demo, 'GET', `/v2.1/servers/${s.id}`)).status).toBe(404);
  });
});

describe('quotas', () => {
  it('100 concurrent boots against a quota of 10: exactly 10 accepted, the rest 403 with Nova\'s message', async () => {
    const p = await sys.request('/identity/v3/projects', { method: 'POST', headers: { 'x-auth-token': admin, 'content-type': 'application/json' }, body: JSON.stringify({ project: { name: 'racers', domain_id: 'default' } }) });
    const pid = ((await p.json()) as Json).project.id;
    const u = await sys.request('/identity/v3/users', { method: 'POST', headers: { 'x-auth-token': admin, 'content-type': 'application/json' }, body: JSON.stringify({ user: { name: 'racer', password: 'racer-secret', domain_id: 'default' } }) });
    const uid = ((await u.json()) as Json).user.id;
    const roles = (await (await sys.request('/identity/v3/roles?name=member', { headers: { 'x-auth-token': admin } })).json()) as Json;
    await sys.request(`/identity/v3/projects/${pid}/users/${uid}/roles/${roles.roles[0].id}`, { method: 'PUT', headers: { 'x-auth-token': admin } });
    const tok = await token('racer', 'racer-secret', 'racers');
    expect((await api(admin, 'PUT', `/v2.1/os-quota-sets/${pid}`, { quota_set: { instances: 10, cores: 1000, ram: 10_000_000 } })).status).toBe(200);
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => api(tok, 'POST', '/v2.1/servers', { server: { name: `race-${i}`, imageRef: IMAGE, flavorRef: '42', networks: 'none' } }, { 'X-OpenStack-Nova-API-Version': '2.37' })),
    );
    const ok = results.filter((r) => r.status === 202);
    const refused = results.filter((r) => r.status !== 202);
    expect(ok.length).toBe(10);
    expect(refused.every((r) => r.status === 403)).toBe(true);
    expect(refused[0]!.json.forbidden.message).toBe('Quota exceeded for instances: Requested 1, but already used 10 of 10 instances');
    const detail = await api(tok, 'GET', `/v2.1/os-quota-sets/${pid}/detail`);
    expect(detail.json.quota_set.instances).toEqual({ limit: 10, in_use: 10, reserved: 0 });
    const limits = await api(tok, 'GET', '/v2.1/limits');
    expect(limits.json.limits.absolute).toMatchObject({ maxTotalInstances: 10, totalInstancesUsed: 10 });
    // Deleting returns the quota.
    await Promise.all(ok.map((r) => api(tok, 'DELETE', `/v2.1/servers/${r.json.server.id}`)));
    for (let i = 0; i < 400; i++) {
      const l = await api(tok, 'GET', '/v2.1/limits');
      if (l.json.limits.absolute.totalInstancesUsed === 0) return;
      await new Promise((res) => setTimeout(res, 25));
    }
    throw new Error('the quota was never returned');
  });
});

describe('tenant isolation', () => {
  it('another project can neither see nor touch a server: every server call is 404', async () => {
    const s = await boot(demo, 'private-vm');
    await waitStatus(demo, s.id, 'ACTIVE');
    const calls: Array<[string, string, unknown?]> = [
      ['GET', `/v2.1/servers/${s.id}`],
      ['PUT', `/v2.1/servers/${s.id}`, { server: { name: 'stolen' } }],
      ['DELETE', `/v2.1/servers/${s.id}`],
      ['POST', `/v2.1/servers/${s.id}/action`, { 'os-stop': null }],
      ['POST', `/v2.1/servers/${s.id}/action`, { reboot: { type: 'SOFT' } }],
      ['POST', `/v2.1/servers/${s.id}/action`, { createImage: { name: 'x' } }],
      ['POST', `/v2.1/servers/${s.id}/action`, { 'os-getConsoleOutput': null }],
      ['POST', `/v2.1/servers/${s.id}/action`, { 'os-getVNCConsole': { type: 'novnc' } }],
      ['POST', `/v2.1/servers/${s.id}/action`, { lock: null }],
      ['GET', `/v2.1/servers/${s.id}/ips`],
      ['GET', `/v2.1/servers/${s.id}/metadata`],
      ['PUT', `/v2.1/servers/${s.id}/metadata`, { metadata: { x: 'y' } }],
      ['GET', `/v2.1/servers/${s.id}/os-instance-actions`],
      ['GET', `/v2.1/servers/${s.id}/tags`],
    ];
    for (const [method, path, body] of calls) {
      const r = await api(otherTok, method, path, body, { 'X-OpenStack-Nova-API-Version': '2.26' });
      expect(r.status, `${method} ${path}`).toBe(404);
    }
    const list = await api(otherTok, 'GET', '/v2.1/servers/detail');
    expect(list.json.servers.map((x: Json) => x.id)).not.toContain(s.id);
    expect((await api(otherTok, 'GET', '/v2.1/servers/detail?all_tenants=1')).json.servers.map((x: Json) => x.id)).not.toContain(s.id);
    // Admins see every project with all_tenants.
    expect((await api(admin, 'GET', '/v2.1/servers?all_tenants=1')).json.servers.map((x: Json) => x.id)).toContain(s.id);
    expect((await api(demo, 'GET', `/v2.1/servers/${s.id}`)).json.server.name).toBe('private-vm');
    // Non-admins may not list hypervisors or services.
    expect((await api(demo, 'GET', '/v2.1/os-hypervisors')).status).toBe(403);
    expect((await api(demo, 'GET', '/v2.1/os-services')).status).toBe(403);
    void demoProject;
  });
});

describe('networking through the network service', () => {
  it('boots onto a network: the port is created and bound to the server\'s host, ACTIVE shows the address; delete frees the port', async () => {
    const { context } = await sys.identity.tokens.validate(demo);
    const ctx = { requestId: 'test', auth: context };
    // devstack's `private` network, made for the demo project at the first start.
    const net = sys.network.listNetworks(ctx).find((n) => n.name === 'private')!;
    expect(net).toBeDefined();
    const created = await boot(demo, 'netvm', { networks: [{ uuid: net.id }] });
    const s = await waitStatus(demo, created.id, 'ACTIVE');
    expect(s.addresses.private).toEqual([{ version: 4, addr: expect.stringMatching(/^10\.0\.0\.\d+$/), 'OS-EXT-IPS:type': 'fixed', 'OS-EXT-IPS-MAC:mac_addr': expect.stringMatching(/^fa:16:3e:/) }]);
    const ports = sys.network.listPortsByDevice(created.id);
    expect(ports).toHaveLength(1);
    const host = (await api(admin, 'GET', `/v2.1/servers/${created.id}`)).json.server['OS-EXT-SRV-ATTR:host'];
    expect(ports[0]!.hostId).toBe(host);
    expect(ports[0]!.deviceOwner).toBe('compute:nova');
    const ips = await api(demo, 'GET', `/v2.1/servers/${created.id}/ips`);
    expect(ips.json.addresses.private[0].addr).toBe(ports[0]!.fixedIps[0]!.ipAddress);
    // Without `networks` (2.1: auto), the project's one network is used.
    const auto = await boot(demo, 'autovm');
    expect(Object.keys((await waitStatus(demo, auto.id, 'ACTIVE')).addresses)).toEqual(['private']);
    expect((await api(demo, 'DELETE', `/v2.1/servers/${auto.id}`)).status).toBe(204);
    // The `ip` filter matches the address.
    const byIp = await api(demo, 'GET', `/v2.1/servers?ip=${encodeURIComponent(ports[0]!.fixedIps[0]!.ipAddress.replace(/\./g, '\\.'))}$`);
    expect(byIp.json.servers.map((x: Json) => x.id)).toEqual([created.id]);
    // An unknown network is Nova's 400.
    const bad = await api(demo, 'POST', '/v2.1/servers', { server: { name: 'x', imageRef: IMAGE, flavorRef: '1', networks: [{ uuid: '00000000-0000-4000-8000-000000000000' }] } });
    expect(bad.status).toBe(400);
    expect(bad.json.badRequest.message).toBe('Network 00000000-0000-4000-8000-000000000000 could not be found.');
    expect((await api(demo, 'DELETE', `/v2.1/servers/${created.id}`)).status).toBe(204);
    for (let i = 0; i < 400 && sys.network.listPortsByDevice(created.id).length; i++) await new Promise((res) => setTimeout(res, 25));
    expect(sys.network.listPortsByDevice(created.id)).toEqual([]);
  });
});
