// The Neutron face in-process: discovery, devstack topology, every collection, list queries, agents and the fake driver, tenant isolation for every resource, quotas, errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeNetworkAgentDriver } from '../../backends/network/fake-agent-driver.js';
import { keystoneFixture, type Body, type KeystoneFixture } from './keystone-fixture.js';

let f: KeystoneFixture;
let admin: string;
let demo: string;
let alt: string;
let altProject: string;
let driver: FakeNetworkAgentDriver;

async function api(tok: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: Body; text: string }> {
  const r = await f.sys.request(`/network${path}`, {
    method,
    headers: { 'x-auth-token': tok, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await r.text();
  let parsed: Body = {};
  try {
    parsed = text ? (JSON.parse(text) as Body) : {};
  } catch {
    parsed = {};
  }
  return { status: r.status, body: parsed, text };
}

async function ok(tok: string, method: string, path: string, body?: unknown, status = method === 'POST' ? 201 : 200): Promise<Body> {
  const r = await api(tok, method, path, body);
  expect(r.status, `${method} ${path}: ${r.text}`).toBe(status);
  return r.body;
}

function neutronError(r: { status: number; body: Body }, status: number, type: string): void {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.body).toEqual({ NeutronError: { type, message: expect.any(String), detail: '' } });
}

beforeAll(async () => {
  f = await keystoneFixture();
  admin = f.adminToken;
  demo = await f.login('demo', f.sys.firstStart.bootstrap.demo.password, 'demo');
  const p = await f.call('POST', '/v3/projects', admin, { project: { name: 'alt', domain_id: 'default' } });
  altProject = p.body.project.id;
  await f.userWithRole('alt', 'alt-secret', altProject, 'member');
  alt = await f.login('alt', 'alt-secret', 'alt');
  driver = f.sys.networkDriver as FakeNetworkAgentDriver;
});
afterAll(async () => f.sys.dispose());

describe('discovery', () => {
  it('versions 200, resources, extensions by alias, catalog entry', async () => {
    const v = await f.sys.request('/network/');
    expect(v.status).toBe(200);
    expect(((await v.json()) as Body).versions[0]).toMatchObject({ id: 'v2.0', status: 'CURRENT' });
    const res = await ok(demo, 'GET', '/v2.0');
    expect(res.resources.map((r: Body) => r.collection)).toContain('ports');
    const ext = (await ok(demo, 'GET', '/v2.0/extensions')).extensions.map((e: Body) => e.alias);
    for (const a of ['router', 'external-net', 'security-group', 'quotas', 'agent', 'standard-attr-tag', 'auto-allocated-topology', 'binding', 'extraroute', 'ext-gw-mode', 'subnet_allocation']) expect(ext).toContain(a);
    expect(ext).not.toContain('qos');
    expect((await ok(demo, 'GET', '/v2.0/extensions/router')).extension.alias).toBe('router');
    neutronError(await api(demo, 'GET', '/v2.0/extensions/qos'), 404, 'HTTPNotFound');
    const tok = await f.call('POST', '/v3/auth/tokens', undefined, {
      auth: { identity: { methods: ['password'], password: { user: { name: 'demo', password: f.sys.firstStart.bootstrap.demo.password, domain: { id: 'default' } } } }, scope: { project: { name: 'demo', domain: { id: 'default' } } } },
    });
    const entry = (tok.body.token.catalog as Body[]).find((e) => e.type === 'network')!;
    expect(entry.name).toBe('neutron');
    expect(entry.endpoints[0].url).toMatch(/\/network$/);
  });

  it('401 without a token, NeutronError shape', async () => {
    const r = await f.sys.request('/network/v2.0/networks');
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toMatch(/^Keystone uri=/);
    expect(((await r.json()) as Body).NeutronError.type).toBe('HTTPUnauthorized');
  });
});

describe('first start topology', () => {
  it('public (external), private + subnet for demo, router1, default security groups', async () => {
    const nets = (await ok(demo, 'GET', '/v2.0/networks')).networks as Body[];
    const pub = nets.find((n) => n.name === 'public')!;
    expect(pub).toMatchObject({ 'router:external': true, is_default: true, shared: false, status: 'ACTIVE' });
    expect(pub['provider:network_type']).toBeUndefined();
    const adminView = (await ok(admin, 'GET', `/v2.0/networks/${pub.id}`)).network;
    expect(adminView).toMatchObject({ 'provider:network_type': 'flat', 'provider:physical_network': 'public' });
    const priv = nets.find((n) => n.name === 'private')!;
    expect(priv.project_id).toBe(f.demoProjectId);
    const sub = (await ok(demo, 'GET', `/v2.0/subnets?network_id=${priv.id}`)).subnets[0];
    expect(sub).toMatchObject({ name: 'private-subnet', cidr: '10.0.0.0/26', gateway_ip: '10.0.0.1', ip_version: 4 });
    const routers = (await ok(demo, 'GET', '/v2.0/routers')).routers as Body[];
    expect(routers.map((r) => r.name)).toEqual(['router1']);
    expect(routers[0]!.external_gateway_info.network_id).toBe(pub.id);
    const sgs = (await ok(demo, 'GET', '/v2.0/security-groups?name=default')).security_groups as Body[];
    expect(sgs).toHaveLength(1);
    expect(sgs[0]!.security_group_rules).toHaveLength(4);
    const pools = (await ok(demo, 'GET', '/v2.0/subnetpools')).subnetpools as Body[];
    expect(pools[0]).toMatchObject({ name: 'shared-default-subnetpool-v4', is_default: true, shared: true });
  });
});

describe('networks, subnets and list queries', () => {
  it('CRUD with revision_number and timestamps; filters, fields, sort, paging links, tags', async () => {
    const made: string[] = [];
    for (const name of ['n-b', 'n-a', 'n-c']) made.push((await ok(alt, 'POST', '/v2.0/networks', { network: { name, tags: name === 'n-a' ? ['red', 'blue'] : ['red'] } })).network.id);
    const one = (await ok(alt, 'GET', `/v2.0/networks/${made[0]}`)).network;
    expect(one).toMatchObject({ name: 'n-b', revision_number: 1, admin_state_up: true, mtu: 1450, project_id: altProject, tenant_id: altProject });
    expect(one.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const upd = (await ok(alt, 'PUT', `/v2.0/networks/${made[0]}`, { network: { name: 'n-b2', description: 'x' } })).network;
    expect(upd).toMatchObject({ name: 'n-b2', description: 'x', revision_number: 2 });
    const mine = (await ok(alt, 'GET', '/v2.0/networks?tenant_id=' + altProject)).networks as Body[];
    expect(mine.map((n) => n.name).sort()).toEqual(['n-a', 'n-b2', 'n-c']);
    const byName = (await ok(alt, 'GET', '/v2.0/networks?name=n-a&name=n-c&fields=id&fields=name')).networks;
    expect(byName.map((n: Body) => Object.keys(n).sort())).toEqual([['id', 'name'], ['id', 'name']]);
    const sorted = (await ok(alt, 'GET', `/v2.0/networks?tenant_id=${altProject}&sort_key=name&sort_dir=desc`)).networks.map((n: Body) => n.name);
    expect(sorted).toEqual(['n-c', 'n-b2', 'n-a']);
    const page1 = await ok(alt, 'GET', `/v2.0/networks?tenant_id=${altProject}&sort_key=name&sort_dir=asc&limit=2`);
    expect(page1.networks.map((n: Body) => n.name)).toEqual(['n-a', 'n-b2']);
    const next = (page1.networks_links as Body[]).find((l) => l.rel === 'next')!;
    const page2 = await ok(alt, 'GET', next.href.slice(next.href.indexOf('/v2.0')));
    expect(page2.networks.map((n: Body) => n.name)).toEqual(['n-c']);
    expect((await ok(alt, 'GET', '/v2.0/networks?tags=red,blue')).networks.map((n: Body) => n.name)).toEqual(['n-a']);
    expect((await ok(alt, 'GET', `/v2.0/networks?tenant_id=${altProject}&not-tags=blue`)).networks).toHaveLength(2);
    expect((await ok(alt, 'GET', '/v2.0/networks?tags-any=blue,green')).networks).toHaveLength(1);
    await ok(alt, 'PUT', `/v2.0/networks/${made[2]}/tags/green`, undefined, 201);
    expect((await ok(alt, 'GET', `/v2.0/networks/${made[2]}/tags`)).tags).toEqual(['green', 'red']);
    expect((await api(alt, 'GET', `/v2.0/networks/${made[2]}/tags/green`)).status).toBe(204);
    expect((await ok(alt, 'PUT', `/v2.0/networks/${made[2]}/tags`, { tags: ['x'] })).tags).toEqual(['x']);
    expect((await api(alt, 'DELETE', `/v2.0/networks/${made[2]}/tags`)).status).toBe(204);
    for (const id of made) expect((await api(alt, 'DELETE', `/v2.0/networks/${id}`)).status).toBe(204);
  });

  it('subnets: pools, gateway none, DNS, IPv6 slaac, overlap message, subnet from pool, errors as Neutron', async () => {
    const n = (await ok(alt, 'POST', '/v2.0/networks', { network: { name: 'sn' } })).network;
    const s = (
      await ok(alt, 'POST', '/v2.0/subnets', { subnet: { network_id: n.id, ip_version: 4, cidr: '192.168.10.0/24', allocation_pools: [{ start: '192.168.10.100', end: '192.168.10.150' }], dns_nameservers: ['8.8.8.8'] } })
    ).subnet;
    expect(s).toMatchObject({ gateway_ip: '192.168.10.1', allocation_pools: [{ start: '192.168.10.100', end: '192.168.10.150' }], dns_nameservers: ['8.8.8.8'], enable_dhcp: true });
    expect(s.id).toMatch(/^[0-9a-f-]{36}$/);
    const overlap = await api(alt, 'POST', '/v2.0/subnets', { subnet: { network_id: n.id, ip_version: 4, cidr: '192.168.10.128/25' } });
    neutronError(overlap, 400, 'InvalidInput');
    expect(overlap.body.NeutronError.message).toContain('overlaps');
    const none = (await ok(alt, 'POST', '/v2.0/subnets', { subnet: { network_id: n.id, ip_version: 4, cidr: '192.168.11.0/24', gateway_ip: null } })).subnet;
    expect(none.gateway_ip).toBeNull();
    const v6 = (await ok(alt, 'POST', '/v2.0/subnets', { subnet: { network_id: n.id, ip_version: 6, cidr: 'fd00:10::/64', ipv6_ra_mode: 'slaac', ipv6_address_mode: 'slaac' } })).subnet;
    expect(v6).toMatchObject({ ipv6_ra_mode: 'slaac', gateway_ip: 'fd00:10::1' });
    neutronError(await api(alt, 'POST', '/v2.0/subnets', { subnet: { network_id: n.id, ip_version: 6, cidr: 'fd00:11::/64', ipv6_ra_mode: 'slaac', ipv6_address_mode: 'dhcpv6-stateful' } }), 400, 'InvalidInput');
    neutronError(await api(alt, 'POST', '/v2.0/subnets', { subnet: { network_id: n.id, ip_version: 4, cidr: 'banana' } }), 400, 'HTTPBadRequest');
    neutronError(await api(alt, 'POST', '/v2.0/subnets', { subnet: { network_id: n.id, ip_version: 4, cidr: '10.9.0.0/24', colour: 'red' } }), 400, 'HTTPBadRequest');
    neutronError(await api(alt, 'POST', '/v2.0/subnets', '{"subnet":'), 400, 'HTTPBadRequest');
    const pool = (await ok(alt, 'POST', '/v2.0/subnetpools', { subnetpool: { name: 'p', prefixes: ['10.80.0.0/16'], default_prefixlen: 24 } })).subnetpool;
    const carved = (await ok(alt, 'POST', '/v2.0/subnets', { subnet: { network_id: n.id, ip_version: 4, subnetpool_id: pool.id } })).subnet;
    expect(carved.cidr).toBe('10.80.0.0/24');
    const port = (await ok(alt, 'POST', '/v2.0/ports', { port: { network_id: n.id } })).port;
    // The first address of the pool is the DHCP port's: made with the first DHCP-enabled subnet, given one on each further subnet.
    expect(port.fixed_ips.map((x: Body) => x.ip_address)).toContain('192.168.10.101');
    expect(port.fixed_ips.some((x: Body) => x.ip_address.startsWith('fd00:10::'))).toBe(true);
    const dhcp = (await ok(admin, 'GET', `/v2.0/ports?network_id=${n.id}&device_owner=network:dhcp`)).ports as Body[];
    expect(dhcp).toHaveLength(1);
    expect(dhcp[0]).toMatchObject({ project_id: altProject, 'binding:host_id': 'skybridge', security_groups: [] });
    expect(dhcp[0]!.device_id).toBe(`dhcp${dhcp[0]!.device_id.slice(4, 40)}-${n.id}`);
    expect(dhcp[0]!.fixed_ips.map((x: Body) => x.ip_address)).toEqual(expect.arrayContaining(['192.168.10.100', '192.168.11.1', '10.80.0.2']));
    expect(dhcp[0]!.fixed_ips.some((x: Body) => x.ip_address.startsWith('fd00:10::'))).toBe(true);
    neutronError(await api(alt, 'DELETE', `/v2.0/subnets/${s.id}`), 409, 'SubnetInUse');
    neutronError(await api(alt, 'DELETE', `/v2.0/networks/${n.id}`), 409, 'NetworkInUse');
    await ok(alt, 'DELETE', `/v2.0/ports/${port.id}`, undefined, 204);
    await ok(alt, 'DELETE', `/v2.0/networks/${n.id}`, undefined, 204);
    neutronError(await api(alt, 'GET', `/v2.0/subnets/${s.id}`), 404, 'SubnetNotFound');
  });
});

describe('ports and agents', () => {
  it('binding by admin goes DOWN → ACTIVE when the host agent reports; binding attributes hidden from members; the fake plugged it', async () => {
    const priv = (await ok(demo, 'GET', '/v2.0/networks?name=private')).networks[0];
    const p = (await ok(demo, 'POST', '/v2.0/ports', { port: { network_id: priv.id, name: 'vm-port', fixed_ips: [{ ip_address: '10.0.0.20' }], mac_address: 'fa:16:3e:aa:bb:cc' } })).port;
    expect(p).toMatchObject({ status: 'DOWN', mac_address: 'fa:16:3e:aa:bb:cc', fixed_ips: [{ ip_address: '10.0.0.20', subnet_id: expect.any(String) }], 'binding:vnic_type': 'normal' });
    expect(p['binding:host_id']).toBeUndefined();
    neutronError(await api(demo, 'PUT', `/v2.0/ports/${p.id}`, { port: { 'binding:host_id': 'skybridge' } }), 403, 'PolicyNotAuthorized');
    const bound = (await ok(admin, 'PUT', `/v2.0/ports/${p.id}`, { port: { 'binding:host_id': 'skybridge', device_id: 'vm-1', device_owner: 'compute:nova' } })).port;
    expect(bound).toMatchObject({ 'binding:host_id': 'skybridge', 'binding:vif_type': 'ovs', status: 'DOWN' });
    await f.sys.queue.drain();
    expect((await ok(demo, 'GET', `/v2.0/ports/${p.id}`)).port.status).toBe('ACTIVE');
    expect(driver.host('skybridge').ports[p.id]).toMatchObject({ bridge: 'br-int', macAddress: 'fa:16:3e:aa:bb:cc', addresses: ['10.0.0.20'] });
    neutronError(await api(demo, 'POST', '/v2.0/ports', { port: { network_id: priv.id, fixed_ips: [{ ip_address: '10.0.0.20' }] } }), 409, 'IpAddressAlreadyAllocated');
    neutronError(await api(demo, 'POST', '/v2.0/ports', { port: { network_id: priv.id, mac_address: 'fa:16:3e:aa:bb:cc' } }), 409, 'MacAddressInUse');
    expect((await ok(demo, 'GET', `/v2.0/ports?fixed_ips=ip_address%3D10.0.0.20`)).ports.map((x: Body) => x.id)).toEqual([p.id]);
    expect((await ok(demo, 'GET', `/v2.0/ports?device_id=vm-1`)).ports.map((x: Body) => x.id)).toEqual([p.id]);
    await ok(demo, 'DELETE', `/v2.0/ports/${p.id}`, undefined, 204);
    await f.sys.queue.drain();
    expect(driver.host('skybridge').ports[p.id]).toBeUndefined();
  });

  it('bulk create is all-or-nothing', async () => {
    const priv = (await ok(demo, 'GET', '/v2.0/networks?name=private')).networks[0];
    const before = (await ok(demo, 'GET', '/v2.0/ports')).ports.length;
    neutronError(await api(demo, 'POST', '/v2.0/ports', { ports: [{ network_id: priv.id, fixed_ips: [{ ip_address: '10.0.0.30' }] }, { network_id: priv.id, fixed_ips: [{ ip_address: '10.0.0.30' }] }] }), 409, 'IpAddressAlreadyAllocated');
    expect((await ok(demo, 'GET', '/v2.0/ports')).ports.length).toBe(before);
    const two = (await ok(demo, 'POST', '/v2.0/ports', { ports: [{ network_id: priv.id }, { network_id: priv.id }] })).ports as Body[];
    expect(two).toHaveLength(2);
    for (const p of two) await ok(demo, 'DELETE', `/v2.0/ports/${p.id}`, undefined, 204);
  });

  it('100 concurrent port creates (some failing among them) get distinct addresses, the lowest of the pool, and the failures take none', async () => {
    const net = (await ok(demo, 'POST', '/v2.0/networks', { network: { name: 'concurrent' } })).network;
    const sub = (await ok(demo, 'POST', '/v2.0/subnets', { subnet: { network_id: net.id, ip_version: 4, cidr: '10.77.0.0/24' } })).subnet;
    const taken = (await ok(demo, 'POST', '/v2.0/ports', { port: { network_id: net.id } })).port;
    // .2 is the DHCP port's.
    expect(taken.fixed_ips).toEqual([{ subnet_id: sub.id, ip_address: '10.77.0.3' }]);
    // Every tenth create asks for a MAC already on the network: it fails inside the same commit batch as the others.
    const results = await Promise.all(
      Array.from({ length: 110 }, (_, i) => api(demo, 'POST', '/v2.0/ports', { port: { network_id: net.id, ...(i % 11 === 5 ? { mac_address: taken.mac_address } : {}) } })),
    );
    const made = results.filter((r) => r.status === 201).map((r) => r.body.port as Body);
    expect(made).toHaveLength(100);
    for (const r of results.filter((x) => x.status !== 201)) neutronError(r, 409, 'MacAddressInUse');
    const addrs = made.map((p) => p.fixed_ips[0].ip_address as string);
    expect(new Set(addrs).size).toBe(100);
    const want = Array.from({ length: 100 }, (_, i) => `10.77.0.${i + 4}`);
    expect([...addrs].sort()).toEqual([...want].sort());
    const listed = (await ok(demo, 'GET', `/v2.0/ports?network_id=${net.id}`)).ports as Body[];
    expect(listed).toHaveLength(102);
    // A freed address in the middle is the next one handed out.
    const mid = made.find((p) => p.fixed_ips[0].ip_address === '10.77.0.50')!;
    await ok(demo, 'DELETE', `/v2.0/ports/${mid.id}`, undefined, 204);
    expect((await ok(demo, 'POST', '/v2.0/ports', { port: { network_id: net.id } })).port.fixed_ips[0].ip_address).toBe('10.77.0.50');
    neutronError(await api(demo, 'DELETE', `/v2.0/networks/${net.id}`), 409, 'NetworkInUse');
    for (const p of (await ok(demo, 'GET', `/v2.0/ports?network_id=${net.id}`)).ports as Body[]) await ok(demo, 'DELETE', `/v2.0/ports/${p.id}`, undefined, 204);
    await ok(demo, 'DELETE', `/v2.0/networks/${net.id}`, undefined, 204);
  });

  it('a port create racing its network delete answers 201 or NetworkNotFound, never a server error', async () => {
    const net = (await ok(demo, 'POST', '/v2.0/networks', { network: { name: 'racing' } })).network;
    await ok(demo, 'POST', '/v2.0/subnets', { subnet: { network_id: net.id, ip_version: 4, cidr: '10.78.0.0/24' } });
    const [created, deleted] = await Promise.all([api(demo, 'POST', '/v2.0/ports', { port: { network_id: net.id } }), api(demo, 'DELETE', `/v2.0/networks/${net.id}`)]);
    if (created.status === 201) {
      expect(deleted.status).toBe(409);
      await ok(demo, 'DELETE', `/v2.0/ports/${created.body.port.id}`, undefined, 204);
      await ok(demo, 'DELETE', `/v2.0/networks/${net.id}`, undefined, 204);
    } else {
      neutronError(created, 404, 'NetworkNotFound');
      expect(deleted.status).toBe(204);
    }
  });

  it('agents: OVS, DHCP, metadata per host and L3 on the network host, alive; admin_state_up settable; members refused', async () => {
    const agents = (await ok(admin, 'GET', '/v2.0/agents')).agents as Body[];
    const hosts = [...new Set(agents.map((a) => a.host as string))];
    expect(hosts).toContain('skybridge');
    for (const h of hosts) {
      const kinds = agents.filter((a) => a.host === h).map((a) => a.agent_type).sort();
      expect(kinds).toEqual(h === 'skybridge' ? ['DHCP agent', 'L3 agent', 'Metadata agent', 'Open vSwitch agent'] : ['DHCP agent', 'Metadata agent', 'Open vSwitch agent']);
    }
    expect(agents.every((a) => a.alive === true)).toBe(true);
    const l3 = agents.find((a) => a.agent_type === 'L3 agent')!;
    expect(l3).toMatchObject({ binary: 'neutron-l3-agent', availability_zone: 'nova' });
    expect((await ok(admin, 'PUT', `/v2.0/agents/${l3.id}`, { agent: { admin_state_up: false } })).agent.admin_state_up).toBe(false);
    await ok(admin, 'PUT', `/v2.0/agents/${l3.id}`, { agent: { admin_state_up: true } });
    neutronError(await api(demo, 'GET', '/v2.0/agents'), 403, 'PolicyNotAuthorized');
    const azs = (await ok(demo, 'GET', '/v2.0/availability_zones')).availability_zones;
    expect(azs).toEqual(expect.arrayContaining([{ name: 'nova', resource: 'network', state: 'available' }, { name: 'nova', resource: 'router', state: 'available' }]));
  });
});

describe('security groups', () => {
  it('rules: tcp 22, icmp, remote group; duplicates 409; invalid 400; default group kept', async () => {
    const g = (await ok(alt, 'POST', '/v2.0/security-groups', { security_group: { name: 'web', description: 'w' } })).security_group;
    expect(g.security_group_rules).toHaveLength(2);
    const ssh = { security_group_rule: { security_group_id: g.id, direction: 'ingress', protocol: 'tcp', port_range_min: 22, port_range_max: 22, remote_ip_prefix: '0.0.0.0/0', ethertype: 'IPv4' } };
    const r1 = (await ok(alt, 'POST', '/v2.0/security-group-rules', ssh)).security_group_rule;
    expect(r1).toMatchObject({ protocol: 'tcp', port_range_min: 22, remote_ip_prefix: '0.0.0.0/0' });
    neutronError(await api(alt, 'POST', '/v2.0/security-group-rules', ssh), 409, 'SecurityGroupRuleExists');
    await ok(alt, 'POST', '/v2.0/security-group-rules', { security_group_rule: { security_group_id: g.id, direction: 'ingress', protocol: 'icmp', port_range_min: 8, port_range_max: 0 } });
    await ok(alt, 'POST', '/v2.0/security-group-rules', { security_group_rule: { security_group_id: g.id, direction: 'ingress', protocol: '6', remote_group_id: g.id } });
    neutronError(await api(alt, 'POST', '/v2.0/security-group-rules', { security_group_rule: { security_group_id: g.id, direction: 'ingress', protocol: 'tcp', port_range_min: 30, port_range_max: 20 } }), 400, 'SecurityGroupInvalidPortRange');
    neutronError(await api(alt, 'POST', '/v2.0/security-group-rules', { security_group_rule: { security_group_id: g.id, direction: 'ingress', remote_ip_prefix: '::/0', ethertype: 'IPv4' } }), 400, 'SecurityGroupRuleParameterConflict');
    neutronError(await api(alt, 'POST', '/v2.0/security-group-rules', { security_group_rule: { security_group_id: g.id, direction: 'ingress', remote_ip_prefix: '10.0.0.0/8', remote_group_id: g.id } }), 400, 'SecurityGroupRemoteGroupAndRemoteIpPrefix');
    neutronError(await api(alt, 'POST', '/v2.0/security-group-rules', { security_group_rule: { security_group_id: g.id, direction: 'sideways' } }), 400, 'HTTPBadRequest');
    neutronError(await api(alt, 'POST', '/v2.0/security-group-rules', { security_group_rule: { security_group_id: g.id, direction: 'ingress', protocol: 'banana' } }), 400, 'SecurityGroupRuleInvalidProtocol');
    const def = (await ok(alt, 'GET', '/v2.0/security-groups?name=default')).security_groups[0];
    neutronError(await api(alt, 'DELETE', `/v2.0/security-groups/${def.id}`), 409, 'SecurityGroupCannotRemoveDefault');
    neutronError(await api(alt, 'POST', '/v2.0/security-groups', { security_group: { name: 'default' } }), 409, 'SecurityGroupDefaultAlreadyExists');
    await ok(alt, 'DELETE', `/v2.0/security-group-rules/${r1.id}`, undefined, 204);
    await ok(alt, 'DELETE', `/v2.0/security-groups/${g.id}`, undefined, 204);
  });
});

describe('routers and floating IPs (through the agents)', () => {
  it('router with gateway and interface; floating IP NAT; disassociate; the fake shows namespaces and NAT', async () => {
    const pub = (await ok(alt, 'GET', '/v2.0/networks?router:external=True')).networks[0];
    const n = (await ok(alt, 'POST', '/v2.0/networks', { network: { name: 'rt' } })).network;
    const s = (await ok(alt, 'POST', '/v2.0/subnets', { subnet: { network_id: n.id, ip_version: 4, cidr: '10.60.0.0/24' } })).subnet;
    const r = (await ok(alt, 'POST', '/v2.0/routers', { router: { name: 'r', external_gateway_info: { network_id: pub.id } } })).router;
    expect(r.external_gateway_info).toMatchObject({ network_id: pub.id, enable_snat: true, external_fixed_ips: [{ ip_address: expect.stringMatching(/^172\.24\.4\./) }] });
    neutronError(await api(alt, 'PUT', `/v2.0/routers/${r.id}`, { router: { external_gateway_info: { network_id: pub.id, enable_snat: false } } }), 403, 'PolicyNotAuthorized');
    const iface = await ok(alt, 'PUT', `/v2.0/routers/${r.id}/add_router_interface`, { subnet_id: s.id });
    expect(iface).toMatchObject({ id: r.id, subnet_id: s.id, network_id: n.id, port_id: expect.any(String) });
    const vm = (await ok(alt, 'POST', '/v2.0/ports', { port: { network_id: n.id } })).port;
    const fip = (await ok(alt, 'POST', '/v2.0/floatingips', { floatingip: { floating_network_id: pub.id, port_id: vm.id } })).floatingip;
    expect(fip).toMatchObject({ port_id: vm.id, fixed_ip_address: vm.fixed_ips[0].ip_address, router_id: r.id, status: 'DOWN' });
    await f.sys.queue.drain();
    expect((await ok(alt, 'GET', `/v2.0/floatingips/${fip.id}`)).floatingip.status).toBe('ACTIVE');
    const ns = driver.host('skybridge');
    expect(ns.namespaces[`qrouter-${r.id}`]!.interfaces.map((i) => i.addresses[0])).toEqual([`${r.external_gateway_info.external_fixed_ips[0].ip_address}/24`, '10.60.0.1/24']);
    expect(ns.nat[`qrouter-${r.id}`]).toEqual(expect.arrayContaining([{ chain: 'PREROUTING', target: 'DNAT', match: `-d ${fip.floating_ip_address}/32`, to: vm.fixed_ips[0].ip_address }]));
    neutronError(await api(alt, 'PUT', `/v2.0/routers/${r.id}/remove_router_interface`, { subnet_id: s.id }), 409, 'RouterInterfaceInUseByFloatingIP');
    neutronError(await api(alt, 'DELETE', `/v2.0/ports/${iface.port_id}`), 409, 'ServicePortInUse');
    const un = (await ok(alt, 'PUT', `/v2.0/floatingips/${fip.id}`, { floatingip: { port_id: null } })).floatingip;
    expect(un).toMatchObject({ port_id: null, fixed_ip_address: null, status: 'DOWN' });
    await f.sys.queue.drain();
    expect(driver.host('skybridge').nat[`qrouter-${r.id}`]!.some((x) => x.target === 'DNAT')).toBe(false);
    const routes = await ok(alt, 'PUT', `/v2.0/routers/${r.id}/add_extraroutes`, { router: { routes: [{ destination: '172.31.0.0/24', nexthop: '10.60.0.9' }] } });
    expect(routes.router.routes).toEqual([{ destination: '172.31.0.0/24', nexthop: '10.60.0.9' }]);
    neutronError(await api(alt, 'PUT', `/v2.0/routers/${r.id}`, { router: { routes: [{ destination: '172.31.0.0/24', nexthop: '192.0.2.1' }] } }), 400, 'InvalidRoutes');
    await ok(alt, 'PUT', `/v2.0/routers/${r.id}/remove_extraroutes`, { router: { routes: [{ destination: '172.31.0.0/24', nexthop: '10.60.0.9' }] } });
    neutronError(await api(alt, 'DELETE', `/v2.0/routers/${r.id}`), 409, 'RouterInUse');
    await ok(alt, 'DELETE', `/v2.0/floatingips/${fip.id}`, undefined, 204);
    await ok(alt, 'PUT', `/v2.0/routers/${r.id}/remove_router_interface`, { subnet_id: s.id });
    await ok(alt, 'DELETE', `/v2.0/routers/${r.id}`, undefined, 204);
    await f.sys.queue.drain();
    expect(driver.host('skybridge').namespaces[`qrouter-${r.id}`]).toBeUndefined();
    await ok(alt, 'DELETE', `/v2.0/ports/${vm.id}`, undefined, 204);
    await ok(alt, 'DELETE', `/v2.0/networks/${n.id}`, undefined, 204);
  });

  it('auto-allocated topology (get-me-a-network)', async () => {
    const t = (await ok(alt, 'GET', `/v2.0/auto-allocated-topology/${altProject}`)).auto_allocated_topology;
    expect(t.tenant_id).toBe(altProject);
    expect((await ok(alt, 'GET', `/v2.0/auto-allocated-topology/${altProject}`)).auto_allocated_topology.id).toBe(t.id);
    expect((await ok(alt, 'GET', `/v2.0/auto-allocated-topology/${altProject}?fields=dry-run`)).auto_allocated_topology).toEqual({ 'dry-run': 'pass' });
    await ok(alt, 'DELETE', `/v2.0/auto-allocated-topology/${altProject}`, undefined, 204);
    neutronError(await api(alt, 'GET', `/v2.0/networks/${t.id}`), 404, 'NetworkNotFound');
  });
});

describe('tenant isolation for every resource', () => {
  it('another project neither sees nor touches networks, subnets, ports, security groups, rules, routers, floating IPs, pools, scopes', async () => {
    const pub = (await ok(demo, 'GET', '/v2.0/networks?router:external=True')).networks[0];
    const n = (await ok(demo, 'POST', '/v2.0/networks', { network: { name: 'secret' } })).network;
    const s = (await ok(demo, 'POST', '/v2.0/subnets', { subnet: { network_id: n.id, ip_version: 4, cidr: '10.70.0.0/24' } })).subnet;
    const p = (await ok(demo, 'POST', '/v2.0/ports', { port: { network_id: n.id } })).port;
    const g = (await ok(demo, 'POST', '/v2.0/security-groups', { security_group: { name: 'secret' } })).security_group;
    const rule = (await ok(demo, 'POST', '/v2.0/security-group-rules', { security_group_rule: { security_group_id: g.id, direction: 'ingress', protocol: 'udp' } })).security_group_rule;
    const r = (await ok(demo, 'POST', '/v2.0/routers', { router: { name: 'secret' } })).router;
    const fip = (await ok(demo, 'POST', '/v2.0/floatingips', { floatingip: { floating_network_id: pub.id } })).floatingip;
    const pool = (await ok(demo, 'POST', '/v2.0/subnetpools', { subnetpool: { name: 'secret', prefixes: ['10.90.0.0/16'] } })).subnetpool;
    const scope = (await ok(demo, 'POST', '/v2.0/address-scopes', { address_scope: { name: 'secret', ip_version: 4 } })).address_scope;
    const cases: Array<[string, string, string, string]> = [
      ['networks', n.id, 'network', 'NetworkNotFound'],
      ['subnets', s.id, 'subnet', 'SubnetNotFound'],
      ['ports', p.id, 'port', 'PortNotFound'],
      ['security-groups', g.id, 'security_group', 'SecurityGroupNotFound'],
      ['security-group-rules', rule.id, 'security_group_rule', 'SecurityGroupRuleNotFound'],
      ['routers', r.id, 'router', 'RouterNotFound'],
      ['floatingips', fip.id, 'floatingip', 'FloatingIPNotFound'],
      ['subnetpools', pool.id, 'subnetpool', 'SubnetPoolNotFound'],
      ['address-scopes', scope.id, 'address_scope', 'AddressScopeNotFound'],
    ];
    for (const [path, id, key, type] of cases) {
      const listKey = path.replace(/-/g, '_');
      expect(((await ok(alt, 'GET', `/v2.0/${path}`))[listKey] as Body[]).some((x) => x.id === id), path).toBe(false);
      neutronError(await api(alt, 'GET', `/v2.0/${path}/${id}`), 404, type);
      if (path !== 'security-group-rules') neutronError(await api(alt, 'PUT', `/v2.0/${path}/${id}`, { [key]: key === 'address_scope' ? { name: 'stolen' } : { description: 'stolen' } }), 404, type);
      neutronError(await api(alt, 'DELETE', `/v2.0/${path}/${id}`), 404, type);
      if (!['security-group-rules', 'address-scopes'].includes(path)) expect((await api(alt, 'PUT', `/v2.0/${path}/${id}/tags/x`)).status, path).toBe(404);
      expect(((await ok(admin, 'GET', `/v2.0/${path}`))[listKey] as Body[]).some((x) => x.id === id), path).toBe(true);
    }
    neutronError(await api(alt, 'POST', '/v2.0/ports', { port: { network_id: n.id } }), 404, 'NetworkNotFound');
    neutronError(await api(alt, 'PUT', `/v2.0/routers/${r.id}/add_router_interface`, { subnet_id: s.id }), 404, 'RouterNotFound');
    neutronError(await api(alt, 'GET', `/v2.0/quotas/${f.demoProjectId}`), 403, 'PolicyNotAuthorized');
    for (const [path, id] of [['floatingips', fip.id], ['routers', r.id], ['subnetpools', pool.id], ['address-scopes', scope.id], ['security-groups', g.id], ['ports', p.id]] as const) {
      await ok(demo, 'DELETE', `/v2.0/${path}/${id}`, undefined, 204);
    }
    await ok(demo, 'DELETE', `/v2.0/networks/${n.id}`, undefined, 204);
  });
});

describe('quotas', () => {
  it('show, details, set (admin), exceeded is 409 OverQuota, reset', async () => {
    const q = (await ok(alt, 'GET', `/v2.0/quotas/${altProject}`)).quota;
    expect(q).toMatchObject({ network: 100, port: 500, router: 10, floatingip: 50, security_group: 10 });
    neutronError(await api(alt, 'PUT', `/v2.0/quotas/${altProject}`, { quota: { network: 1 } }), 403, 'PolicyNotAuthorized');
    const used = (await ok(alt, 'GET', `/v2.0/quotas/${altProject}/details`)).quota.network.used as number;
    expect((await ok(admin, 'PUT', `/v2.0/quotas/${altProject}`, { quota: { network: used + 1 } })).quota.network).toBe(used + 1);
    const n = (await ok(alt, 'POST', '/v2.0/networks', { network: { name: 'last' } })).network;
    const over = await api(alt, 'POST', '/v2.0/networks', { network: { name: 'one-too-many' } });
    neutronError(over, 409, 'OverQuota');
    expect(over.body.NeutronError.message).toBe("Quota exceeded for resources: ['network'].");
    expect((await ok(alt, 'GET', `/v2.0/quotas/${altProject}/details`)).quota.network).toEqual({ limit: used + 1, used: used + 1, reserved: 0 });
    expect((await ok(admin, 'GET', '/v2.0/quotas')).quotas.map((x: Body) => x.project_id)).toContain(altProject);
    neutronError(await api(admin, 'PUT', `/v2.0/quotas/${altProject}`, { quota: { network: -5 } }), 400, 'HTTPBadRequest');
    await ok(admin, 'DELETE', `/v2.0/quotas/${altProject}`, undefined, 204);
    expect((await ok(alt, 'GET', `/v2.0/quotas/${altProject}`)).quota.network).toBe(100);
    await ok(alt, 'DELETE', `/v2.0/networks/${n.id}`, undefined, 204);
  });
});

describe('not implemented', () => {
  it('unserved collections answer 501 NeutronError; unknown paths 404', async () => {
    neutronError(await api(admin, 'GET', '/v2.0/rbac-policies'), 501, 'HTTPNotImplemented');
    neutronError(await api(admin, 'POST', '/v2.0/trunks', { trunk: {} }), 501, 'HTTPNotImplemented');
    neutronError(await api(admin, 'GET', '/v2.0/qos/policies'), 501, 'HTTPNotImplemented');
    neutronError(await api(admin, 'POST', '/v2.0/networks', { network: { qos_policy_id: 'abc' } }), 501, 'HTTPNotImplemented');
    expect((await api(admin, 'GET', '/v2.0/no-such-thing')).status).toBe(404);
  });
});
