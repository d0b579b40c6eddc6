// Nova over Neutron in-process: os-interface (attach/detach ports, addresses, states, errors), security groups on servers and the 2.1 proxy API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestSystem, type TestSystem } from '../harness/system.js';

type Json = Record<string, any>;

let sys: TestSystem;
let admin: string;
let demo: string;
let demoProject: string;
let otherTok: string;
let privateNet: string;

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

async function call(prefix: string, tok: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Json }> {
  const res = await sys.request(`${prefix}${path}`, {
    method,
    headers: { 'x-auth-token': tok, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Json) : {} };
}
const nova = (tok: string, method: string, path: string, body?: unknown, headers?: Record<string, string>) => call('/compute/v2.1', tok, method, path, body, headers);
const neutron = (tok: string, method: string, path: string, body?: unknown) => call('/network/v2.0', tok, method, path, body);

async function boot(tok: string, name: string): Promise<string> {
  const r = await nova(tok, 'POST', '/servers', { server: { name, imageRef: IMAGE, flavorRef: '1' } });
  expect(r.status, JSON.stringify(r.json)).toBe(202);
  return r.json.server.id;
}

async function waitFor(tok: string, id: string, pred: (s: Json) => boolean): Promise<Json> {
  for (let i = 0; i < 400; i++) {
    const r = await nova(tok, 'GET', `/servers/${id}`);
    if (r.status === 200 && pred(r.json.server)) return r.json.server;
    await new Promise((res) => setTimeout(res, 20));
  }
  throw new Error(`server ${id} never got there: ${JSON.stringify((await nova(tok, 'GET', `/servers/${id}`)).json)}`);
}
const waitStatus = (tok: string, id: string, status: string) => waitFor(tok, id, (s) => s.status === status && s['OS-EXT-STS:task_state'] === null);

function fault(r: { status: number; json: Json }, status: number, name: string, message: string | RegExp): void {
  expect(r.status, JSON.stringify(r.json)).toBe(status);
  expect(r.json[name], JSON.stringify(r.json)).toBeDefined();
  if (typeof message === 'string') expect(r.json[name].message).toBe(message);
  else expect(r.json[name].message).toMatch(message);
}

beforeAll(async () => {
  sys = await buildTestSystem({ SKYBRIDGE_FAKE_HOSTS: '2', SKYBRIDGE_FAKE_SPAWN_MS: '2', SKYBRIDGE_FAKE_POWER_MS: '2' });
  const b = sys.firstStart.bootstrap;
  admin = await token(b.admin.userName, b.admin.password, b.admin.projectName);
  demo = await token(b.demo.userName, b.demo.password, b.demo.projectName);
  demoProject = b.demo.projectId;
  const p = await sys.request('/identity/v3/projects', { method: 'POST', headers: { 'x-auth-token': admin, 'content-type': 'application/json' }, body: JSON.stringify({ project: { name: 'other', domain_id: 'default' } }) });
  const pid = ((await p.json()) as Json).project.id;
  const u = await sys.request('/identity/v3/users', { method: 'POST', headers: { 'x-auth-token': admin, 'content-type': 'application/json' }, body: JSON.stringify({ user: { name: 'other', password: 'other-secret', domain_id: 'default' } }) });
  const uid = ((await u.json()) as Json).user.id;
  const roles = (await (await sys.request('/identity/v3/roles?name=member', { headers: { 'x-auth-token': admin } })).json()) as Json;
  await sys.request(`/identity/v3/projects/${pid}/users/${uid}/roles/${roles.roles[0].id}`, { method: 'PUT', headers: { 'x-auth-token': admin } });
  otherTok = await token('other', 'other-secret', 'other');
  privateNet = (await neutron(demo, 'GET', '/networks?name=private')).json.networks[0].id;
});

afterAll(async () => {
  await sys?.dispose();
});

describe('os-interface', () => {
  it('lists the boot port, attaches by net_id (fixed IP) and port_id bound to the host, shows, detaches; addresses follow', async () => {
    const id = await boot(demo, 'ifaces');
    const s = await waitStatus(demo, id, 'ACTIVE');
    const host = (await nova(admin, 'GET', `/servers/${id}`)).json.server['OS-EXT-SRV-ATTR:host'];

    const list = await nova(demo, 'GET', `/servers/${id}/os-interface`);
    expect(list.status).toBe(200);
    expect(list.json.interfaceAttachments).toHaveLength(1);
    const boot0 = list.json.interfaceAttachments[0];
    expect(boot0).toEqual({ fixed_ips: [{ subnet_id: expect.any(String), ip_address: s.addresses.private[0].addr }], mac_addr: s.addresses.private[0]['OS-EXT-IPS-MAC:mac_addr'], net_id: privateNet, port_id: expect.any(String), port_state: expect.any(String) });

    // By network, with a fixed address.
    const byNet = await nova(demo, 'POST', `/servers/${id}/os-interface`, { interfaceAttachment: { net_id: privateNet, fixed_ips: [{ ip_address: '10.0.0.50' }] } });
    expect(byNet.status, JSON.stringify(byNet.json)).toBe(200);
    const netPort = byNet.json.interfaceAttachment;
    expect(netPort).toMatchObject({ net_id: privateNet, fixed_ips: [{ ip_address: '10.0.0.50' }] });
    const np = (await neutron(admin, 'GET', `/ports/${netPort.port_id}`)).json.port;
    expect(np).toMatchObject({ device_id: id, device_owner: 'compute:nova', 'binding:host_id': host, project_id: demoProject });

    // By port: a port the user made in Neutron.
    const made = await neutron(demo, 'POST', '/ports', { port: { network_id: privateNet, name: 'mine' } });
    expect(made.status).toBe(201);
    const mine = made.json.port.id;
    const byPort = await nova(demo, 'POST', `/servers/${id}/os-interface`, { interfaceAttachment: { port_id: mine } });
    expect(byPort.status, JSON.stringify(byPort.json)).toBe(200);
    expect(byPort.json.interfaceAttachment).toMatchObject({ port_id: mine, net_id: privateNet, mac_addr: made.json.port.mac_address });
    expect((await neutron(admin, 'GET', `/ports/${mine}`)).json.port).toMatchObject({ device_id: id, device_owner: 'compute:nova', 'binding:host_id': host });

    const after = (await nova(demo, 'GET', `/servers/${id}`)).json.server;
    expect(after.addresses.private.map((a: Json) => a.addr)).toEqual(expect.arrayContaining([s.addresses.private[0].addr, '10.0.0.50', made.json.port.fixed_ips[0].ip_address]));
    expect((await nova(demo, 'GET', `/servers/${id}/os-interface`)).json.interfaceAttachments).toHaveLength(3);
    // The L2 agent plugs them: ACTIVE.
    for (let i = 0; i < 200 && (await nova(demo, 'GET', `/servers/${id}/os-interface/${mine}`)).json.interfaceAttachment.port_state !== 'ACTIVE'; i++) await new Promise((r) => setTimeout(r, 10));
    expect((await nova(demo, 'GET', `/servers/${id}/os-interface/${mine}`)).json.interfaceAttachment).toMatchObject({ port_id: mine, port_state: 'ACTIVE' });
    expect((await nova(demo, 'GET', `/servers/${id}/os-interface`, undefined, { 'OpenStack-API-Version': 'compute 2.70' })).json.interfaceAttachments[0].tag).toBeNull();

    const actions = (await nova(demo, 'GET', `/servers/${id}/os-instance-actions`)).json.instanceActions.map((a: Json) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['create', 'attach_interface']));

    // Detach: Nova's port is deleted, the user's port only detached.
    expect((await nova(demo, 'DELETE', `/servers/${id}/os-interface/${netPort.port_id}`)).status).toBe(202);
    expect((await neutron(demo, 'GET', `/ports/${netPort.port_id}`)).status).toBe(404);
    expect((await nova(demo, 'DELETE', `/servers/${id}/os-interface/${mine}`)).status).toBe(202);
    expect((await neutron(admin, 'GET', `/ports/${mine}`)).json.port).toMatchObject({ device_id: '', device_owner: '', 'binding:host_id': '' });
    const final = (await nova(demo, 'GET', `/servers/${id}`)).json.server;
    expect(final.addresses.private.map((a: Json) => a.addr)).toEqual([s.addresses.private[0].addr]);
    expect((await nova(demo, 'GET', `/servers/${id}/ips`)).json.addresses.private).toHaveLength(1);

    // A port attached by id survives the server's delete, detached.
    expect((await nova(demo, 'POST', `/servers/${id}/os-interface`, { interfaceAttachment: { port_id: mine } })).status).toBe(200);
    expect((await nova(demo, 'DELETE', `/servers/${id}`)).status).toBe(204);
    for (let i = 0; i < 200 && (await nova(demo, 'GET', `/servers/${id}`)).status !== 404; i++) await new Promise((r) => setTimeout(r, 10));
    expect((await neutron(admin, 'GET', `/ports/${mine}`)).json.port).toMatchObject({ device_id: '' });
    expect((await neutron(demo, 'GET', `/ports/${boot0.port_id}`)).status).toBe(404);
  });

  it("answers Nova's errors: 400 for bad bodies, 404 for unknown ports/networks/servers, 409 for ports in use, locked and wrong states", async () => {
    const id = await boot(demo, 'iface-errors');
    await waitStatus(demo, id, 'ACTIVE');
    const [port0] = (await nova(demo, 'GET', `/servers/${id}/os-interface`)).json.interfaceAttachments;
    const missing = '00000000-0000-4000-8000-000000000000';

    fault(await nova(demo, 'POST', `/servers/${id}/os-interface`, { interfaceAttachment: { net_id: privateNet, port_id: port0.port_id } }), 400, 'badRequest', 'Must not input both network_id and port_id');
    fault(await nova(demo, 'POST', `/servers/${id}/os-interface`, { interfaceAttachment: { fixed_ips: [{ ip_address: '10.0.0.9' }] } }), 400, 'badRequest', 'Must input network_id when request IP address');
    fault(await nova(demo, 'POST', `/servers/${id}/os-interface`, { interfaceAttachment: { bogus: 1 } }), 400, 'badRequest', /Additional properties are not allowed \('bogus' was unexpected\)/);
    fault(await nova(demo, 'POST', `/servers/${id}/os-interface`, { interfaceAttachment: { port_id: 'nope' } }), 400, 'badRequest', /is not a 'uuid'/);
    fault(await nova(demo, 'POST', `/servers/${id}/os-interface`, { interfaceAttachment: { port_id: missing } }), 404, 'itemNotFound', `Port id ${missing} could not be found.`);
    fault(await nova(demo, 'POST', `/servers/${id}/os-interface`, { interfaceAttachment: { net_id: missing } }), 404, 'itemNotFound', `Network ${missing} could not be found.`);
    fault(await nova(demo, 'POST', `/servers/${id}/os-interface`, { interfaceAttachment: { port_id: port0.port_id } }), 409, 'conflictingRequest', `Port ${port0.port_id} is still in use.`);
    fault(await nova(demo, 'POST', `/servers/${id}/os-interface`, { interfaceAttachment: { net_id: privateNet, fixed_ips: [{ ip_address: port0.fixed_ips[0].ip_address }] } }), 409, 'conflictingRequest', /in use/);
    fault(await nova(demo, 'GET', `/servers/${id}/os-interface/${missing}`), 404, 'itemNotFound', `Instance ${id} does not have a port with id ${missing}`);
    fault(await nova(demo, 'DELETE', `/servers/${id}/os-interface/${missing}`), 404, 'itemNotFound', `Port ${missing} is not attached`);
    fault(await nova(otherTok, 'GET', `/servers/${id}/os-interface`), 404, 'itemNotFound', `Instance ${id} could not be found.`);
    fault(await nova(otherTok, 'POST', `/servers/${id}/os-interface`, { interfaceAttachment: {} }), 404, 'itemNotFound', `Instance ${id} could not be found.`);

    // Without net_id or port_id: the project's only network.
    const auto = await nova(demo, 'POST', `/servers/${id}/os-interface`, { interfaceAttachment: {} });
    expect(auto.status, JSON.stringify(auto.json)).toBe(200);
    expect(auto.json.interfaceAttachment.net_id).toBe(privateNet);

    expect((await nova(demo, 'POST', `/servers/${id}/action`, { lock: null })).status).toBe(202);
    fault(await nova(demo, 'POST', `/servers/${id}/os-interface`, { interfaceAttachment: {} }), 409, 'conflictingRequest', `Instance ${id} is locked`);
    expect((await nova(demo, 'POST', `/servers/${id}/action`, { unlock: null })).status).toBe(202);

    expect((await nova(demo, 'POST', `/servers/${id}/action`, { suspend: null })).status).toBe(202);
    await waitStatus(demo, id, 'SUSPENDED');
    fault(await nova(demo, 'POST', `/servers/${id}/os-interface`, { interfaceAttachment: {} }), 409, 'conflictingRequest', `Cannot 'attach_interface' instance ${id} while it is in vm_state suspended`);
    fault(await nova(demo, 'DELETE', `/servers/${id}/os-interface/${port0.port_id}`), 409, 'conflictingRequest', `Cannot 'detach_interface' instance ${id} while it is in vm_state suspended`);
    expect((await nova(demo, 'POST', `/servers/${id}/action`, { resume: null })).status).toBe(202);
    await waitStatus(demo, id, 'ACTIVE');

    // A stopped server takes interfaces.
    expect((await nova(demo, 'POST', `/servers/${id}/action`, { 'os-stop': null })).status).toBe(202);
    await waitStatus(demo, id, 'SHUTOFF');
    expect((await nova(demo, 'DELETE', `/servers/${id}/os-interface/${auto.json.interfaceAttachment.port_id}`)).status).toBe(202);
    expect((await nova(demo, 'GET', `/servers/${id}/os-interface`)).json.interfaceAttachments.map((i: Json) => i.port_id)).toEqual([port0.port_id]);
  });
});
