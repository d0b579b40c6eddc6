// Nova over Neutron in-process: os-interface, security groups on servers and the 2.1 proxy API, external events, and the guests' metadata service read as cloud-init does.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { novaOperations } from '../../compat/openstack/nova/operations.js';
import { buildTestSystem, type TestSystem } from '../harness/system.js';

type Json = Record<string, any>;

let sys: TestSystem;
let admin: string;
let demo: string;
let demoProject: string;
let otherTok: string;
let privateNet: string;

const IMAGE = '5b1e3c2a-0d6f-4a7e-9c1b-000000000001';
const SECRET = 'metadata-proxy-secret';
const sign = (v: string) => createHmac('sha256', SECRET).update(v).digest('hex');

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
  sys = await buildTestSystem({ SKYBRIDGE_FAKE_HOSTS: '2', SKYBRIDGE_FAKE_SPAWN_MS: '2', SKYBRIDGE_FAKE_POWER_MS: '2', SKYBRIDGE_METADATA_SECRET: SECRET });
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

describe('security groups', () => {
  it('addSecurityGroup/removeSecurityGroup apply to every port in Neutron; the server shows its groups; Nova 400/404s', async () => {
    const id = await boot(demo, 'sg-server');
    await waitStatus(demo, id, 'ACTIVE');
    expect((await nova(demo, 'POST', `/servers/${id}/os-interface`, { interfaceAttachment: { net_id: privateNet } })).status).toBe(200);
    const web = (await neutron(demo, 'POST', '/security-groups', { security_group: { name: 'web', description: 'http' } })).json.security_group;
    expect((await neutron(demo, 'POST', '/security-group-rules', { security_group_rule: { security_group_id: web.id, direction: 'ingress', protocol: 'tcp', port_range_min: 80, port_range_max: 80 } })).status).toBe(201);

    expect((await nova(demo, 'POST', `/servers/${id}/action`, { addSecurityGroup: { name: 'web' } })).status).toBe(202);
    const ports = (await neutron(demo, 'GET', `/ports?device_id=${id}`)).json.ports;
    expect(ports).toHaveLength(2);
    for (const p of ports) expect(p.security_groups).toContain(web.id);
    const shown = (await nova(demo, 'GET', `/servers/${id}`)).json.server.security_groups.map((g: Json) => g.name).sort();
    expect(shown).toEqual(['default', 'web']);
    const listed = (await nova(demo, 'GET', `/servers/${id}/os-security-groups`)).json.security_groups;
    const w = listed.find((g: Json) => g.name === 'web');
    expect(w).toEqual({ id: web.id, name: 'web', description: 'http', tenant_id: demoProject, rules: [{ id: expect.any(String), parent_group_id: web.id, ip_protocol: 'tcp', from_port: 80, to_port: 80, group: {}, ip_range: { cidr: '0.0.0.0/0' } }] });
    // By id too (what the CLI sends), and again: nothing changes.
    expect((await nova(demo, 'POST', `/servers/${id}/action`, { addSecurityGroup: { name: web.id } })).status).toBe(202);

    fault(await nova(demo, 'POST', `/servers/${id}/action`, { addSecurityGroup: { name: 'nope' } }), 404, 'itemNotFound', `Security group nope is not found for project ${demoProject}`);
    fault(await nova(demo, 'POST', `/servers/${id}/action`, { addSecurityGroup: {} }), 400, 'badRequest', 'Security group not specified');
    fault(await nova(demo, 'POST', `/servers/${id}/action`, { addSecurityGroup: { name: ' ' } }), 400, 'badRequest', 'Security group name cannot be empty');
    fault(await nova(demo, 'POST', `/servers/${id}/action`, { addSecurityGroup: null }), 400, 'badRequest', 'Missing parameter dict');
    fault(await nova(otherTok, 'POST', `/servers/${id}/action`, { addSecurityGroup: { name: 'web' } }), 404, 'itemNotFound', `Instance ${id} could not be found.`);

    expect((await nova(demo, 'POST', `/servers/${id}/action`, { removeSecurityGroup: { name: 'web' } })).status).toBe(202);
    for (const p of (await neutron(demo, 'GET', `/ports?device_id=${id}`)).json.ports) expect(p.security_groups).not.toContain(web.id);
    expect((await nova(demo, 'GET', `/servers/${id}`)).json.server.security_groups).toEqual([{ name: 'default' }]);
    fault(await nova(demo, 'POST', `/servers/${id}/action`, { removeSecurityGroup: { name: 'web' } }), 404, 'itemNotFound', `Security group web not associated with the instance ${id}`);
  });

  it('the proxy API: list/create/show/update/delete groups and rules over Neutron, Nova errors, 404 from 2.36', async () => {
    const created = await nova(demo, 'POST', '/os-security-groups', { security_group: { name: 'proxy', description: 'via nova' } });
    expect(created.status, JSON.stringify(created.json)).toBe(200);
    const g = created.json.security_group;
    expect(g).toMatchObject({ name: 'proxy', description: 'via nova', tenant_id: demoProject, rules: [] });
    // The same group in Neutron.
    expect((await neutron(demo, 'GET', `/security-groups/${g.id}`)).json.security_group).toMatchObject({ name: 'proxy', project_id: demoProject });

    const rule = await nova(demo, 'POST', '/os-security-group-rules', { security_group_rule: { parent_group_id: g.id, ip_protocol: 'tcp', from_port: 22, to_port: 22, cidr: '10.1.0.0/16' } });
    expect(rule.status, JSON.stringify(rule.json)).toBe(200);
    expect(rule.json.security_group_rule).toEqual({ id: expect.any(String), parent_group_id: g.id, ip_protocol: 'tcp', from_port: 22, to_port: 22, group: {}, ip_range: { cidr: '10.1.0.0/16' } });
    const icmp = await nova(demo, 'POST', '/os-security-group-rules', { security_group_rule: { parent_group_id: g.id, ip_protocol: 'icmp', from_port: -1, to_port: -1 } });
    expect(icmp.json.security_group_rule).toMatchObject({ ip_protocol: 'icmp', from_port: -1, to_port: -1, ip_range: { cidr: '0.0.0.0/0' } });
    const byGroup = await nova(demo, 'POST', '/os-security-group-rules', { security_group_rule: { parent_group_id: g.id, ip_protocol: 'udp', group_id: g.id } });
    expect(byGroup.json.security_group_rule).toMatchObject({ ip_protocol: 'udp', from_port: 1, to_port: 65535, group: { name: 'proxy', tenant_id: demoProject }, ip_range: {} });
    const nr = (await neutron(demo, 'GET', `/security-group-rules/${rule.json.security_group_rule.id}`)).json.security_group_rule;
    expect(nr).toMatchObject({ direction: 'ingress', ethertype: 'IPv4', protocol: 'tcp', port_range_min: 22, port_range_max: 22, remote_ip_prefix: '10.1.0.0/16' });

    fault(await nova(demo, 'POST', '/os-security-group-rules', { security_group_rule: { parent_group_id: g.id, ip_protocol: 'tcp', from_port: 22, to_port: 22, cidr: '10.1.0.0/16' } }), 400, 'badRequest', `Security group rule already exists. Group id is ${g.id}.`);
    fault(await nova(demo, 'POST', '/os-security-group-rules', { security_group_rule: { parent_group_id: g.id, ip_protocol: 'tcp', from_port: 90, to_port: 80 } }), 400, 'badRequest', 'Invalid port range 90:80. Former value cannot be greater than the later');
    fault(await nova(demo, 'POST', '/os-security-group-rules', { security_group_rule: { parent_group_id: g.id, ip_protocol: 'gre', from_port: 1, to_port: 2 } }), 400, 'badRequest', 'Invalid IP protocol gre.');
    fault(await nova(demo, 'POST', '/os-security-group-rules', { security_group_rule: { parent_group_id: g.id } }), 400, 'badRequest', 'Not enough parameters to build a valid rule.');
    fault(await nova(demo, 'POST', '/os-security-group-rules', { security_group_rule: { parent_group_id: 'x', ip_protocol: 'tcp', from_port: 1, to_port: 2 } }), 400, 'badRequest', 'Security group id should be uuid');

    const shown = (await nova(demo, 'GET', `/os-security-groups/${g.id}`)).json.security_group;
    expect(shown.rules).toHaveLength(3);
    const list = (await nova(demo, 'GET', '/os-security-groups')).json.security_groups.map((x: Json) => x.name);
    expect(list).toEqual(expect.arrayContaining(['default', 'proxy']));
    expect((await nova(otherTok, 'GET', '/os-security-groups')).json.security_groups.map((x: Json) => x.name)).not.toContain('proxy');
    fault(await nova(otherTok, 'GET', `/os-security-groups/${g.id}`), 404, 'itemNotFound', /could not be found|not found/);
    fault(await nova(demo, 'GET', '/os-security-groups/default'), 400, 'badRequest', 'Security group id should be uuid');
    fault(await nova(demo, 'POST', '/os-security-groups', { security_group: { name: '', description: 'x' } }), 400, 'badRequest', 'name has a minimum character requirement of 1.');
    fault(await nova(demo, 'POST', '/os-security-groups', {}), 400, 'badRequest', "The request body can't be empty");
    fault(await nova(demo, 'POST', '/os-security-groups', { x: 1 }), 400, 'badRequest', 'Missing parameter security_group');

    const upd = await nova(demo, 'PUT', `/os-security-groups/${g.id}`, { security_group: { name: 'proxy2', description: 'renamed' } });
    expect(upd.json.security_group).toMatchObject({ name: 'proxy2', description: 'renamed' });
    expect((await nova(demo, 'DELETE', `/os-security-group-rules/${icmp.json.security_group_rule.id}`)).status).toBe(202);
    expect((await nova(demo, 'GET', `/os-security-groups/${g.id}`)).json.security_group.rules).toHaveLength(2);

    // Gone from 2.36; the server actions stay.
    const v236 = { 'OpenStack-API-Version': 'compute 2.36' };
    fault(await nova(demo, 'GET', '/os-security-groups', undefined, v236), 404, 'itemNotFound', 'The resource could not be found.');
    fault(await nova(demo, 'POST', '/os-security-group-rules', { security_group_rule: { parent_group_id: g.id } }, v236), 404, 'itemNotFound', 'The resource could not be found.');
    expect((await nova(demo, 'GET', '/os-security-groups', undefined, { 'OpenStack-API-Version': 'compute 2.35' })).status).toBe(200);

    expect((await nova(demo, 'DELETE', `/os-security-groups/${g.id}`)).status).toBe(202);
    expect((await neutron(demo, 'GET', `/security-groups/${g.id}`)).status).toBe(404);
    const def = (await nova(demo, 'GET', '/os-security-groups')).json.security_groups.find((x: Json) => x.name === 'default');
    fault(await nova(demo, 'DELETE', `/os-security-groups/${def.id}`), 400, 'badRequest', /default security group|in use/);
  });
});

describe('os-server-external-events', () => {
  it('admin only; 200 when all found, 207 with per-event codes, 404 when none; Neutron notifies Nova of port changes', async () => {
    const id = await boot(demo, 'events');
    await waitStatus(demo, id, 'ACTIVE');
    const missing = '00000000-0000-4000-8000-00000000dead';
    const ev = (server: string, extra: Json = {}) => ({ name: 'network-changed', server_uuid: server, ...extra });

    fault(await nova(demo, 'POST', '/os-server-external-events', { events: [ev(id)] }), 403, 'forbidden', /os-server-external-events:create/);
    const ok = await nova(admin, 'POST', '/os-server-external-events', { events: [ev(id, { tag: 'p1' }), ev(id, { name: 'network-vif-plugged', status: 'completed' })] });
    expect(ok.status, JSON.stringify(ok.json)).toBe(200);
    expect(ok.json.events).toEqual([
      { name: 'network-changed', server_uuid: id, status: 'completed', tag: 'p1', code: 200 },
      { name: 'network-vif-plugged', server_uuid: id, status: 'completed', code: 200 },
    ]);
    const multi = await nova(admin, 'POST', '/os-server-external-events', { events: [ev(id), ev(missing)] });
    expect(multi.status).toBe(207);
    expect(multi.json.events).toEqual([
      { name: 'network-changed', server_uuid: id, status: 'completed', code: 200 },
      { name: 'network-changed', server_uuid: missing, status: 'failed', code: 404 },
    ]);
    fault(await nova(admin, 'POST', '/os-server-external-events', { events: [ev(missing)] }), 404, 'itemNotFound', 'No instances found for any event');
    fault(await nova(admin, 'POST', '/os-server-external-events', { events: [ev(id, { name: 'volume-extended' })] }), 400, 'badRequest', /is not one of/);
    expect((await nova(admin, 'POST', '/os-server-external-events', { events: [ev(id, { name: 'volume-extended' })] }, { 'OpenStack-API-Version': 'compute 2.51' })).status).toBe(200);
    fault(await nova(admin, 'POST', '/os-server-external-events', { events: [] }), 400, 'badRequest', /too short/);
    fault(await nova(admin, 'POST', '/os-server-external-events', { events: [ev(id, { extra: 1 })] }), 400, 'badRequest', /Additional properties/);

    // A user deleting the server's port in Neutron: Neutron tells Nova (network-vif-deleted) and the addresses drop it.
    const extra = (await nova(demo, 'POST', `/servers/${id}/os-interface`, { interfaceAttachment: { net_id: privateNet } })).json.interfaceAttachment;
    expect(Object.values((await nova(demo, 'GET', `/servers/${id}`)).json.server.addresses).flat()).toHaveLength(2);
    expect((await neutron(demo, 'DELETE', `/ports/${extra.port_id}`)).status).toBe(204);
    const after = (await nova(demo, 'GET', `/servers/${id}`)).json.server;
    expect(Object.values(after.addresses).flat()).toHaveLength(1);
    expect(JSON.stringify(after.addresses)).not.toContain(extra.fixed_ips[0].ip_address);

    // A floating IP onto the server's port: Neutron tells Nova (network-changed) and it shows as `floating`.
    const pub = (await neutron(demo, 'GET', '/networks?name=public')).json.networks[0].id;
    const [port] = (await neutron(demo, 'GET', `/ports?device_id=${id}`)).json.ports;
    const fip = (await neutron(demo, 'POST', '/floatingips', { floatingip: { floating_network_id: pub, port_id: port.id } })).json.floatingip;
    const withFip = (await nova(demo, 'GET', `/servers/${id}`)).json.server.addresses.private;
    expect(withFip).toEqual([expect.objectContaining({ 'OS-EXT-IPS:type': 'fixed' }), expect.objectContaining({ addr: fip.floating_ip_address, 'OS-EXT-IPS:type': 'floating', version: 4 })]);
    expect((await neutron(demo, 'PUT', `/floatingips/${fip.id}`, { floatingip: { port_id: null } })).status).toBe(200);
    expect((await nova(demo, 'GET', `/servers/${id}`)).json.server.addresses.private).toHaveLength(1);
  });
});

describe('metadata service (read as cloud-init reads it, through a signing proxy)', () => {
  const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHBCpLOzWNlLhgSTPxkALxI8tYYtXzVhdRQ82LgiEE0g guest@test';
  let id: string;
  let ip: string;
  let server: Json;
  const get = (path: string, headers: Record<string, string>) => sys.request(`/metadata${path}`, { headers });
  const signed = () => ({ 'X-Instance-ID': id, 'X-Tenant-ID': demoProject, 'X-Instance-ID-Signature': sign(id), 'X-Forwarded-For': ip });

  beforeAll(async () => {
    expect((await nova(demo, 'POST', '/os-keypairs', { keypair: { name: 'guestkey', public_key: KEY } })).status).toBe(200);
    const r = await nova(demo, 'POST', '/servers', { server: { name: 'Guest One', imageRef: IMAGE, flavorRef: '1', key_name: 'guestkey', metadata: { role: 'web' }, user_data: Buffer.from('#cloud-config\nhostname: g1\n').toString('base64') } });
    expect(r.status, JSON.stringify(r.json)).toBe(202);
    id = r.json.server.id;
    server = await waitStatus(demo, id, 'ACTIVE');
    ip = server.addresses.private[0].addr;
  });

  it('meta_data.json, user_data, network_data.json, vendor_data.json by signed instance id: the --key-name key is there', async () => {
    const versions = await get('/openstack', {});
    expect((await versions.text()).split('\n')).toContain('latest');
    const md = await get('/openstack/latest/meta_data.json', signed());
    expect(md.status).toBe(200);
    const meta = (await md.json()) as Json;
    expect(meta).toMatchObject({ uuid: id, name: 'Guest One', hostname: 'guest-one.novalocal', launch_index: 0, availability_zone: 'nova', project_id: demoProject, meta: { role: 'web' }, public_keys: { guestkey: KEY }, keys: [{ name: 'guestkey', type: 'ssh', data: KEY }] });
    expect(Buffer.from(meta.random_seed, 'base64')).toHaveLength(512);
    const listing = await (await get('/openstack/latest', signed())).text();
    expect(listing.split('\n')).toEqual(['meta_data.json', 'network_data.json', 'vendor_data.json', 'vendor_data2.json', 'user_data']);
    expect(await (await get('/openstack/2013-10-17/user_data', signed())).text()).toBe('#cloud-config\nhostname: g1\n');
    const nd = (await (await get('/openstack/latest/network_data.json', signed())).json()) as Json;
    const port = (await nova(demo, 'GET', `/servers/${id}/os-interface`)).json.interfaceAttachments[0];
    expect(nd.links).toEqual([{ id: `tap${port.port_id.slice(0, 11)}`, vif_id: port.port_id, type: 'ovs', mtu: expect.any(Number), ethernet_mac_address: port.mac_addr }]);
    expect(nd.networks[0]).toMatchObject({ id: 'network0', type: 'ipv4', link: `tap${port.port_id.slice(0, 11)}`, ip_address: ip, netmask: '255.255.255.192', network_id: privateNet, routes: [{ network: '0.0.0.0', netmask: '0.0.0.0', gateway: '10.0.0.1' }] });
    expect(await (await get('/openstack/latest/vendor_data.json', signed())).json()).toEqual({});
  });

  it('EC2-style /latest/meta-data/ and /latest/user-data; by the guest address with a signed provider', async () => {
    const list = await (await get('/latest/meta-data/', signed())).text();
    for (const k of ['ami-id', 'instance-id', 'hostname', 'local-ipv4', 'public-keys/', 'placement/', 'security-groups']) expect(list.split('\n')).toContain(k);
    expect(await (await get('/latest/meta-data/instance-id', signed())).text()).toMatch(/^i-[0-9a-f]{17}$/);
    expect(await (await get('/latest/meta-data/local-ipv4', signed())).text()).toBe(ip);
    expect(await (await get('/latest/meta-data/hostname', signed())).text()).toBe('guest-one.novalocal');
    expect(await (await get('/latest/meta-data/placement/availability-zone', signed())).text()).toBe('nova');
    expect(await (await get('/latest/meta-data/public-keys/', signed())).text()).toBe('0=guestkey');
    expect(await (await get('/latest/meta-data/public-keys/0/openssh-key', signed())).text()).toBe(KEY);
    expect(await (await get('/2009-04-04/user-data', signed())).text()).toBe('#cloud-config\nhostname: g1\n');
    expect(await (await get('/latest/meta-data/ami-id', signed())).text()).toMatch(/^ami-[0-9a-f]{17}$/);

    // public-ipv4 is the floating IP associated with the guest's port, as Nova answers it; empty without one.
    expect(await (await get('/latest/meta-data/public-ipv4', signed())).text()).toBe('');
    const publicNet = (await neutron(admin, 'GET', '/networks?name=public')).json.networks[0].id;
    const port = (await neutron(demo, 'GET', `/ports?device_id=${id}`)).json.ports[0];
    const fip = await neutron(demo, 'POST', '/floatingips', { floatingip: { floating_network_id: publicNet, port_id: port.id } });
    expect(fip.status, JSON.stringify(fip.json)).toBe(201);
    expect(await (await get('/latest/meta-data/public-ipv4', signed())).text()).toBe(fip.json.floatingip.floating_ip_address);
    expect(await (await get('/2009-04-04/meta-data/public-ipv4', signed())).text()).toBe(fip.json.floatingip.floating_ip_address);
    expect((await neutron(demo, 'PUT', `/floatingips/${fip.json.floatingip.id}`, { floatingip: { port_id: null } })).status).toBe(200);
    expect(await (await get('/latest/meta-data/public-ipv4', signed())).text()).toBe('');

    // neutron-metadata-agent's other form: the guest's address, vouched for by the signed network id.
    const byAddr = await get('/openstack/latest/meta_data.json', { 'X-Forwarded-For': ip, 'X-Metadata-Provider': privateNet, 'X-Metadata-Provider-Signature': sign(privateNet) });
    expect(byAddr.status).toBe(200);
    expect(((await byAddr.json()) as Json).uuid).toBe(id);
  });

  it('a port attached with a device tag (2.49) shows it in os-interface from 2.70 and in meta_data.json devices; detached, it goes', async () => {
    const at = (v: string) => ({ 'OpenStack-API-Version': `compute ${v}` });
    fault(await nova(demo, 'POST', `/servers/${id}/os-interface`, { interfaceAttachment: { net_id: privateNet, tag: 'db' } }, at('2.48')), 400, 'badRequest', /Additional properties are not allowed \('tag' was unexpected\)/);
    fault(await nova(demo, 'POST', `/servers/${id}/os-interface`, { interfaceAttachment: { net_id: privateNet, tag: 'a/b' } }, at('2.49')), 400, 'badRequest', /does not match/);
    fault(await nova(demo, 'POST', `/servers/${id}/os-interface`, { interfaceAttachment: { net_id: privateNet, tag: 'x'.repeat(61) } }, at('2.49')), 400, 'badRequest', /is too long/);
    const r = await nova(demo, 'POST', `/servers/${id}/os-interface`, { interfaceAttachment: { net_id: privateNet, tag: 'db-nic' } }, at('2.70'));
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    const tagged = r.json.interfaceAttachment;
    expect(tagged.tag).toBe('db-nic');
    expect((await nova(demo, 'GET', `/servers/${id}/os-interface/${tagged.port_id}`, undefined, at('2.70'))).json.interfaceAttachment.tag).toBe('db-nic');
    expect((await nova(demo, 'GET', `/servers/${id}/os-interface/${tagged.port_id}`, undefined, at('2.69'))).json.interfaceAttachment).not.toHaveProperty('tag');
    const list = (await nova(demo, 'GET', `/servers/${id}/os-interface`, undefined, at('2.70'))).json.interfaceAttachments as Json[];
    expect(list.map((i) => i.tag).sort()).toEqual(['db-nic', null]);

    const meta = (await (await get('/openstack/latest/meta_data.json', signed())).json()) as Json;
    expect(meta.devices).toEqual([{ type: 'nic', mac: tagged.mac_addr, bus: 'pci', address: expect.stringMatching(/^0000:00:[0-9a-f]{2}\.0$/), tags: ['db-nic'] }]);

    expect((await nova(demo, 'DELETE', `/servers/${id}/os-interface/${tagged.port_id}`)).status).toBe(202);
    expect(((await (await get('/openstack/latest/meta_data.json', signed())).json()) as Json).devices).toEqual([]);
  });

  it('networks[].tag at create (2.32-2.36, 2.42+) tags the boot port: os-interface at 2.70 and meta_data.json devices show it', async () => {
    const at = (v: string) => ({ 'OpenStack-API-Version': `compute ${v}` });
    const body = (name: string) => ({ server: { name, imageRef: IMAGE, flavorRef: '1', networks: [{ uuid: privateNet, tag: 'boot-nic' }, { uuid: privateNet }] } });
    for (const v of ['2.31', '2.37']) fault(await nova(demo, 'POST', '/servers', body('untaggable'), at(v)), 400, 'badRequest', /Additional properties are not allowed \('tag' was unexpected\)/);
    const r = await nova(demo, 'POST', '/servers', body('tagged-boot'), at('2.42'));
    expect(r.status, JSON.stringify(r.json)).toBe(202);
    const bootId = r.json.server.id;
    await waitStatus(demo, bootId, 'ACTIVE');
    const ifaces = (await nova(demo, 'GET', `/servers/${bootId}/os-interface`, undefined, at('2.70'))).json.interfaceAttachments as Json[];
    expect(ifaces.map((i) => i.tag).sort()).toEqual(['boot-nic', null]);
    const tagged = ifaces.find((i) => i.tag === 'boot-nic')!;
    const meta = (await (await get('/openstack/latest/meta_data.json', { 'X-Instance-ID': bootId, 'X-Tenant-ID': demoProject, 'X-Instance-ID-Signature': sign(bootId) })).json()) as Json;
    expect(meta.devices).toEqual([expect.objectContaining({ type: 'nic', mac: tagged.mac_addr, tags: ['boot-nic'] })]);
  });

  it('refuses unsigned, badly signed and mismatched requests as Nova does', async () => {
    expect((await get('/openstack/latest/meta_data.json', { 'X-Forwarded-For': ip })).status).toBe(403);
    const bad = await get('/openstack/latest/meta_data.json', { ...signed(), 'X-Instance-ID-Signature': sign('someone-else') });
    expect(bad.status).toBe(403);
    expect(await bad.text()).toBe('Invalid proxy request signature.');
    const noTenant = await get('/openstack/latest/meta_data.json', { 'X-Instance-ID': id, 'X-Instance-ID-Signature': sign(id) });
    expect(noTenant.status).toBe(400);
    expect(await noTenant.text()).toBe('X-Tenant-ID header is missing from request.');
    expect((await get('/openstack/latest/meta_data.json', { ...signed(), 'X-Tenant-ID': 'another-project' })).status).toBe(404);
    expect((await get('/openstack/latest/meta_data.json', { 'X-Forwarded-For': '10.9.9.9', 'X-Metadata-Provider': privateNet, 'X-Metadata-Provider-Signature': sign(privateNet) })).status).toBe(404);
    expect((await get('/openstack/1999-01-01/meta_data.json', signed())).status).toBe(404);
    expect((await get('/latest/meta-data/nothing-here', signed())).status).toBe(404);
  });
});

describe('the Nova operation table', () => {
  it('every implemented route is served (never 501) and every other one answers 501', async () => {
    const dummy = '00000000-0000-4000-8000-0000000000aa';
    for (const row of novaOperations) {
      if (row.path.includes('#') || row.path === '/') continue;
      const path = row.path.replace(/\{[^}]+\}/g, dummy);
      const r = await sys.request(`/compute${path}`, { method: row.method, headers: { 'x-auth-token': admin, 'content-type': 'application/json' }, body: ['POST', 'PUT'].includes(row.method) ? '{}' : undefined });
      if (row.implemented) expect(r.status, `${row.operation} ${row.method} ${path}`).not.toBe(501);
      else expect(r.status, `${row.operation} ${row.method} ${path}`).toBe(501);
    }
  });
});
