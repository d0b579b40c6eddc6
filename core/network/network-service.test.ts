// The network service on its own (both databases): IPAM, MACs, ports and bindings, the default security group, the calls Nova makes, isolation.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RequestContext } from '../context.js';
import type { OpenDb } from '../db/index.js';
import { openTestDatabase } from '../db/testing.js';
import { jobs } from '../db/schema/jobs.js';
import { isCoreError } from '../errors.js';
import { silentLogger } from '../logger.js';
import { NetworkService } from './index.js';

const ctxOf = (projectId: string, roles = ['member', 'reader']): RequestContext => ({
  requestId: 'r',
  auth: { userId: `u-${projectId}`, userName: 'u', userDomainId: 'default', projectId, roles, roleIds: [], methods: ['password'], issuedAt: 0, expiresAt: Number.MAX_SAFE_INTEGER },
});
const admin = ctxOf('admin-project', ['admin', 'member', 'reader']);
const alice = ctxOf('alice');
const bob = ctxOf('bob');

function kindOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (isCoreError(e)) return `${e.kind}:${String(e.detail.type ?? '')}`;
    throw e;
  }
  return 'ok';
}

let db: OpenDb;
let net: NetworkService;

beforeEach(() => {
  db = openTestDatabase();
  net = new NetworkService({ db: db.db, logger: silentLogger, settings: { hosts: ['h1', 'h2'], networkHost: 'h1' } });
});
afterEach(() => db.close());

describe('networks and subnets', () => {
  it('creates a tenant vxlan network with EC2 id and distinct VNIs', () => {
    const a = net.createNetwork(alice, { name: 'a' });
    const b = net.createNetwork(bob, { name: 'b' });
    expect(a).toMatchObject({ projectId: 'alice', networkType: 'vxlan', mtu: 1450, status: 'ACTIVE', shared: false });
    expect(a.ec2Id).toMatch(/^vpc-[0-9a-f]{17}$/);
    expect(a.segmentationId).not.toBe(b.segmentationId);
    expect(kindOf(() => net.createNetwork(alice, { shared: true }))).toBe('Forbidden:');
    expect(kindOf(() => net.createNetwork(alice, { networkType: 'flat', physicalNetwork: 'public' }))).toBe('Forbidden:');
  });

  it('subnet defaults: gateway first address, pool the rest; overlap refused within a network only', () => {
    const a = net.createNetwork(alice, {});
    const s = net.createSubnet(alice, { networkId: a.id, cidr: '10.0.0.0/24' });
    expect(s).toMatchObject({ gatewayIp: '10.0.0.1', allocationPools: [{ start: '10.0.0.2', end: '10.0.0.254' }], ipVersion: 4, enableDhcp: true });
    expect(s.ec2Id).toMatch(/^subnet-/);
    expect(kindOf(() => net.createSubnet(alice, { networkId: a.id, cidr: '10.0.0.128/25' }))).toBe('Invalid:InvalidInput');
    const b = net.createNetwork(bob, {});
    expect(net.createSubnet(bob, { networkId: b.id, cidr: '10.0.0.0/24' }).cidr).toBe('10.0.0.0/24');
    expect(kindOf(() => net.createSubnet(alice, { networkId: a.id, cidr: '10.1.0.1/24' }))).toBe('Invalid:HTTPBadRequest');
    const none = net.createSubnet(alice, { networkId: a.id, cidr: '10.2.0.0/29', gatewayIp: null, dnsNameservers: ['8.8.8.8'] });
    expect(none).toMatchObject({ gatewayIp: null, allocationPools: [{ start: '10.2.0.1', end: '10.2.0.6' }], dnsNameservers: ['8.8.8.8'] });
    expect(kindOf(() => net.createSubnet(alice, { networkId: a.id, cidr: '10.3.0.0/24', gatewayIp: '10.3.0.5', allocationPools: [{ start: '10.3.0.2', end: '10.3.0.9' }] }))).toBe('Conflict:GatewayConflictWithAllocationPools');
    expect(kindOf(() => net.createSubnet(bob, { networkId: a.id, cidr: '10.9.0.0/24' }))).toBe('NotFound:NetworkNotFound');
  });

  it('IPv6 modes: a mismatched pair is 400; slaac ports get the EUI-64 address', () => {
    const a = net.createNetwork(alice, {});
    expect(kindOf(() => net.createSubnet(alice, { networkId: a.id, ipVersion: 6, cidr: 'fd00::/64', ipv6RaMode: 'slaac', ipv6AddressMode: 'dhcpv6-stateful' }))).toBe('Invalid:InvalidInput');
    expect(kindOf(() => net.createSubnet(alice, { networkId: a.id, ipVersion: 6, cidr: 'fd00::/80', ipv6RaMode: 'slaac', ipv6AddressMode: 'slaac' }))).toBe('Invalid:InvalidInput');
    const s6 = net.createSubnet(alice, { networkId: a.id, ipVersion: 6, cidr: 'fd00:1::/64', ipv6RaMode: 'slaac', ipv6AddressMode: 'slaac' });
    const p = net.createPort(alice, { networkId: a.id, macAddress: 'fa:16:3e:11:22:33' });
    expect(p.fixedIps).toEqual([{ subnetId: s6.id, ipAddress: 'fd00:1::f816:3eff:fe11:2233' }]);
  });
});

describe('ports', () => {
  it('allocates distinct addresses, honours a requested one, refuses it twice, frees it on delete', () => {
    const a = net.createNetwork(alice, {});
    const s = net.createSubnet(alice, { networkId: a.id, cidr: '10.0.0.0/29' });
    const p1 = net.createPort(alice, { networkId: a.id });
    const p2 = net.createPort(alice, { networkId: a.id, fixedIps: [{ ipAddress: '10.0.0.6' }] });
    // .2, the first of the pool, is the network's DHCP port's.
    expect(p1.fixedIps).toEqual([{ subnetId: s.id, ipAddress: '10.0.0.3' }]);
    expect(p2.fixedIps[0]!.ipAddress).toBe('10.0.0.6');
    expect(p1.macAddress).toMatch(/^fa:16:3e:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}$/);
    expect(p1.ec2Id).toMatch(/^eni-/);
    expect(p1.status).toBe('DOWN');
    expect(kindOf(() => net.createPort(alice, { networkId: a.id, fixedIps: [{ ipAddress: '10.0.0.6' }] }))).toBe('Conflict:IpAddressAlreadyAllocated');
    expect(kindOf(() => net.createPort(alice, { networkId: a.id, macAddress: p1.macAddress }))).toBe('Conflict:MacAddressInUse');
    expect(kindOf(() => net.createPort(alice, { networkId: a.id, fixedIps: [{ ipAddress: '10.9.0.6' }] }))).toBe('Invalid:InvalidIpForNetwork');
    // .4 .5 left.
    for (let i = 0; i < 2; i++) net.createPort(alice, { networkId: a.id });
    expect(kindOf(() => net.createPort(alice, { networkId: a.id }))).toBe('Conflict:IpAddressGenerationFailure');
    net.deletePort(alice, p2.id);
    expect(net.createPort(alice, { networkId: a.id }).fixedIps[0]!.ipAddress).toBe('10.0.0.6');
  });

  it('hands out the lowest free address after frees, failed bulk creates and frees by another service on the same database', () => {
    const a = net.createNetwork(alice, {});
    net.createSubnet(alice, { networkId: a.id, cidr: '10.0.0.0/24', enableDhcp: false, allocationPools: [{ start: '10.0.0.2', end: '10.0.0.4' }, { start: '10.0.0.10', end: '10.0.0.20' }] });
    const ip = (p: { fixedIps: Array<{ ipAddress: string }> }) => p.fixedIps[0]!.ipAddress;
    const ports = Array.from({ length: 5 }, () => net.createPort(alice, { networkId: a.id }));
    expect(ports.map(ip)).toEqual(['10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.10', '10.0.0.11']);
    net.deletePort(alice, ports[1]!.id);
    expect(ip(net.createPort(alice, { networkId: a.id }))).toBe('10.0.0.3');
    // A bulk create that fails rolls back the addresses it took: the next port gets the first of them.
    expect(kindOf(() => net.createPorts(alice, [{ networkId: a.id }, { networkId: a.id }, { networkId: a.id, macAddress: ports[0]!.macAddress }]))).toBe('Conflict:MacAddressInUse');
    expect(ip(net.createPort(alice, { networkId: a.id }))).toBe('10.0.0.12');
    // Another process's service (its own search hints) frees an address: this one still finds it.
    const other = new NetworkService({ db: db.db, logger: silentLogger, settings: { hosts: ['h1', 'h2'], networkHost: 'h1' } });
    other.deletePort(alice, ports[3]!.id);
    expect(ip(net.createPort(alice, { networkId: a.id }))).toBe('10.0.0.10');
    // Changing a port's fixed IPs frees its old address.
    net.updatePort(alice, ports[0]!.id, { fixedIps: [{ ipAddress: '10.0.0.19' }] });
    expect(ip(net.createPort(alice, { networkId: a.id }))).toBe('10.0.0.2');
    expect(ip(net.createPort(alice, { networkId: a.id }))).toBe('10.0.0.13');
  });

  it('gets the project default group (created once, with Neutron default rules); it cannot be deleted by a member', () => {
    const a = net.createNetwork(alice, {});
    net.createSubnet(alice, { networkId: a.id, cidr: '10.0.0.0/24' });
    const p = net.createPort(alice, { networkId: a.id });
    const groups = net.listSecurityGroups(alice);
    expect(groups.map((g) => g.name)).toEqual(['default']);
    expect(p.securityGroups).toEqual([groups[0]!.id]);
    const rules = groups[0]!.rules.map((r) => `${r.direction}/${r.ethertype}/${r.remoteGroupId ? 'self' : 'any'}`).sort();
    expect(rules).toEqual(['egress/IPv4/any', 'egress/IPv6/any', 'ingress/IPv4/self', 'ingress/IPv6/self']);
    expect(kindOf(() => net.createSecurityGroup(alice, { name: 'default' }))).toBe('Conflict:SecurityGroupDefaultAlreadyExists');
    expect(kindOf(() => net.deleteSecurityGroup(alice, groups[0]!.id))).toBe('Conflict:SecurityGroupCannotRemoveDefault');
    expect(net.ensureDefaultSecurityGroup('alice')).toBe(groups[0]!.id);
  });

  it('isolates projects: another project sees nothing and touches nothing', () => {
    const a = net.createNetwork(alice, {});
    const s = net.createSubnet(alice, { networkId: a.id, cidr: '10.0.0.0/24' });
    const p = net.createPort(alice, { networkId: a.id });
    expect(net.listNetworks(bob)).toEqual([]);
    expect(net.listSubnets(bob)).toEqual([]);
    expect(net.listPorts(bob)).toEqual([]);
    expect(kindOf(() => net.getNetwork(bob, a.id))).toBe('NotFound:NetworkNotFound');
    expect(kindOf(() => net.getSubnet(bob, s.id))).toBe('NotFound:SubnetNotFound');
    expect(kindOf(() => net.getPort(bob, p.id))).toBe('NotFound:PortNotFound');
    expect(kindOf(() => net.deletePort(bob, p.id))).toBe('NotFound:PortNotFound');
    expect(kindOf(() => net.createPort(bob, { networkId: a.id }))).toBe('NotFound:NetworkNotFound');
    // Besides alice's port, the network's DHCP port (hers, as the network's owner; bound to the DHCP agent's host).
    const all = net.listPorts(admin);
    expect(all.map((x) => x.id)).toContain(p.id);
    const dhcp = all.filter((x) => x.deviceOwner === 'network:dhcp');
    expect(dhcp).toHaveLength(1);
    expect(dhcp[0]).toMatchObject({ projectId: 'alice', networkId: a.id, hostId: 'h1', fixedIps: [{ subnetId: s.id, ipAddress: '10.0.0.2' }], securityGroups: [] });
    expect(dhcp[0]!.deviceId).toMatch(new RegExp(`^dhcp[0-9a-f-]{36}-${a.id}$`));
    expect(all).toHaveLength(2);
  });

  it('shared networks: other projects may put ports on them but not choose addresses', () => {
    const shared = net.createNetwork(admin, { shared: true });
    net.createSubnet(admin, { networkId: shared.id, cidr: '192.168.0.0/24' });
    const p = net.createPort(bob, { networkId: shared.id });
    expect(p.projectId).toBe('bob');
    expect(kindOf(() => net.createPort(bob, { networkId: shared.id, fixedIps: [{ ipAddress: '192.168.0.50' }] }))).toBe('Forbidden:');
    expect(kindOf(() => net.deleteNetwork(admin, shared.id))).toBe('Conflict:NetworkInUse');
  });

  it('quota exceeded is OverQuota', () => {
    net.updateQuotas(admin, 'alice', { port: 1 });
    const a = net.createNetwork(alice, {});
    net.createPort(alice, { networkId: a.id });
    expect(kindOf(() => net.createPort(alice, { networkId: a.id }))).toBe('QuotaExceeded:OverQuota');
    expect(net.getQuotaDetails(alice, 'alice').port).toEqual({ limit: 1, used: 1, reserved: 0 });
    expect(kindOf(() => net.updateQuotas(alice, 'alice', { port: 10 }))).toBe('Forbidden:');
  });

  it('bulk create is all-or-nothing', () => {
    const a = net.createNetwork(alice, {});
    net.createSubnet(alice, { networkId: a.id, cidr: '10.0.0.0/24' });
    expect(kindOf(() => net.createPorts(alice, [{ networkId: a.id, fixedIps: [{ ipAddress: '10.0.0.9' }] }, { networkId: a.id, fixedIps: [{ ipAddress: '10.0.0.9' }] }]))).toBe('Conflict:IpAddressAlreadyAllocated');
    expect(net.listPorts(alice).map((p) => p.deviceOwner)).toEqual(['network:dhcp']);
    expect(net.createPorts(alice, [{ networkId: a.id }, { networkId: a.id }])).toHaveLength(2);
  });
});

describe('what Nova calls', () => {
  it('creates a device port, binds it (a job for the host), reports it up, lists and deletes by device', () => {
    const a = net.createNetwork(alice, {});
    net.createSubnet(alice, { networkId: a.id, cidr: '10.0.0.0/24' });
    const p = net.createPortForDevice(alice, { networkId: a.id, deviceId: 'server-1' });
    expect(p).toMatchObject({ deviceId: 'server-1', deviceOwner: 'compute:nova', projectId: 'alice', hostId: '', vifType: 'unbound', status: 'DOWN' });
    const bound = net.bindPortToHost(p.id, 'h2');
    expect(bound).toMatchObject({ hostId: 'h2', vifType: 'ovs', status: 'DOWN' });
    const job = db.db
      .select()
      .from(jobs)
      .all()
      .find((j) => j.name === 'network.port.bind' && (j.payload as { portId: string }).portId === p.id);
    expect(job?.payload).toMatchObject({ portId: p.id, host: 'h2' });
    expect(net.reportPortUp(p.id, 'h1')).toBe(false);
    expect(net.reportPortUp(p.id, 'h2')).toBe(true);
    expect(net.getPort(alice, p.id).status).toBe('ACTIVE');
    expect(net.listPortsByDevice('server-1').map((x) => x.id)).toEqual([p.id]);
    expect(net.deletePortsOfDevice('server-1')).toBe(1);
    expect(net.listPortsByDevice('server-1')).toEqual([]);
    expect(db.db.select().from(jobs).all().some((j) => j.name === 'network.port.unbind')).toBe(true);
    expect(kindOf(() => net.createPortForDevice(bob, { networkId: a.id, deviceId: 'x' }))).toBe('NotFound:NetworkNotFound');
  });

  it('a user-supplied port is detached, not deleted, with the server', () => {
    const a = net.createNetwork(alice, {});
    net.createSubnet(alice, { networkId: a.id, cidr: '10.0.0.0/24' });
    const mine = net.createPort(alice, { networkId: a.id });
    net.attachPortToDevice(alice, mine.id, 'server-2', { hostId: 'h1' });
    expect(net.getPort(admin, mine.id)).toMatchObject({ deviceId: 'server-2', hostId: 'h1' });
    expect(kindOf(() => net.attachPortToDevice(alice, mine.id, 'server-3'))).toBe('Conflict:PortInUse');
    expect(net.deletePortsOfDevice('server-2', [mine.id])).toBe(0);
    expect(net.getPort(alice, mine.id)).toMatchObject({ deviceId: '', hostId: '', status: 'DOWN' });
  });
});

describe('routers, floating IPs, topologies', () => {
  it('bootstraps devstack topology once: public, private from the default pool, router1 with an interface', () => {
    const t = net.bootstrap('admin-project', 'alice');
    expect(t.created).toBe(true);
    expect(net.bootstrap('admin-project', 'alice').created).toBe(false);
    const pub = net.getNetwork(alice, t.publicNetworkId);
    expect(pub).toMatchObject({ name: 'public', external: true, isDefault: true, networkType: 'flat', mtu: 1500 });
    const priv = net.listNetworks(alice).find((n) => n.name === 'private')!;
    expect(net.getSubnet(alice, priv.subnets[0]!)).toMatchObject({ cidr: '10.0.0.0/26', gatewayIp: '10.0.0.1', name: 'private-subnet' });
    const r = net.listRouters(alice)[0]!;
    expect(r.name).toBe('router1');
    expect(r.externalGatewayInfo).toMatchObject({ networkId: pub.id, enableSnat: true });
    expect(r.externalGatewayInfo!.externalFixedIps[0]!.ipAddress).toBe('172.24.4.2');
    expect(r.ec2Id).toMatch(/^rtb-/);
    expect(net.listPorts(alice).find((p) => p.deviceOwner === 'network:router_interface')!.fixedIps[0]!.ipAddress).toBe('10.0.0.1');
    // Router gateway ports belong to no project: hidden from members.
    expect(net.listPorts(alice).some((p) => p.deviceOwner === 'network:router_gateway')).toBe(false);
    expect(net.listSecurityGroups(bob).every((g) => g.projectId === 'bob')).toBe(true);
  });

  it('floating IP: allocate from public, associate through the router, port delete disassociates', () => {
    const t = net.bootstrap('admin-project', 'alice');
    const priv = net.listNetworks(alice).find((n) => n.name === 'private')!;
    const port = net.createPort(alice, { networkId: priv.id });
    const fip = net.createFloatingIp(alice, { floatingNetworkId: t.publicNetworkId });
    expect(fip).toMatchObject({ status: 'DOWN', portId: null, floatingIpAddress: '172.24.4.3' });
    expect(fip.ec2Id).toMatch(/^eipalloc-/);
    const assoc = net.updateFloatingIp(alice, fip.id, { portId: port.id });
    expect(assoc).toMatchObject({ portId: port.id, fixedIpAddress: port.fixedIps[0]!.ipAddress, routerId: t.routerId });
    expect(net.routerState(t.routerId!)!.floatingIps).toEqual([{ id: fip.id, floatingIpAddress: '172.24.4.3', fixedIpAddress: port.fixedIps[0]!.ipAddress }]);
    expect(net.reportFloatingIpStatus(fip.id, port.fixedIps[0]!.ipAddress, 'ACTIVE')).toBe(true);
    expect(kindOf(() => net.removeRouterInterface(alice, t.routerId!, { subnetId: priv.subnets[0]! }))).toBe('Conflict:RouterInterfaceInUseByFloatingIP');
    expect(kindOf(() => net.getFloatingIp(bob, fip.id))).toBe('NotFound:FloatingIPNotFound');
    net.deletePort(alice, port.id);
    expect(net.getFloatingIp(alice, fip.id)).toMatchObject({ portId: null, fixedIpAddress: null, status: 'DOWN' });
    net.deleteFloatingIp(alice, fip.id);
    expect(net.listFloatingIps(alice)).toEqual([]);
  });

  it('a port on a subnet no router reaches cannot get a floating IP', () => {
    const t = net.bootstrap('admin-project', 'alice');
    const n = net.createNetwork(alice, {});
    net.createSubnet(alice, { networkId: n.id, cidr: '10.5.0.0/24' });
    const p = net.createPort(alice, { networkId: n.id });
    expect(kindOf(() => net.createFloatingIp(alice, { floatingNetworkId: t.publicNetworkId, portId: p.id }))).toBe('NotFound:ExternalGatewayForFloatingIPNotFound');
    expect(net.listFloatingIps(alice)).toEqual([]);
  });

  it('router rules: in use with interfaces, duplicate subnet, routes need a connected nexthop', () => {
    const n = net.createNetwork(alice, {});
    const s = net.createSubnet(alice, { networkId: n.id, cidr: '10.7.0.0/24' });
    const r = net.createRouter(alice, { name: 'r' });
    net.addRouterInterface(alice, r.id, { subnetId: s.id });
    expect(kindOf(() => net.addRouterInterface(alice, r.id, { subnetId: s.id }))).toBe('Invalid:BadRequest');
    expect(kindOf(() => net.deleteRouter(alice, r.id))).toBe('Conflict:RouterInUse');
    expect(kindOf(() => net.updateRouter(alice, r.id, { routes: [{ destination: '192.168.0.0/24', nexthop: '10.9.0.5' }] }))).toBe('Invalid:InvalidRoutes');
    expect(net.updateRouter(alice, r.id, { routes: [{ destination: '192.168.0.0/24', nexthop: '10.7.0.5' }] }).routes).toEqual([{ destination: '192.168.0.0/24', nexthop: '10.7.0.5' }]);
    expect(kindOf(() => net.getRouter(bob, r.id))).toBe('NotFound:RouterNotFound');
    net.updateRouter(alice, r.id, { routes: [] });
    net.removeRouterInterface(alice, r.id, { subnetId: s.id });
    net.deleteRouter(alice, r.id);
  });

  it('auto-allocated topology is made once per project', () => {
    net.bootstrap('admin-project', 'alice');
    const a = net.getAutoAllocatedTopology(bob, 'bob');
    expect(net.getAutoAllocatedTopology(bob, 'bob')).toEqual(a);
    expect(net.getAutoAllocatedTopology(bob, 'bob', true)).toEqual({ dryRun: 'pass' });
    expect(net.listRouters(bob).map((r) => r.name)).toEqual(['auto_allocated_router']);
    net.deleteAutoAllocatedTopology(bob, 'bob');
    expect(net.listNetworks(bob).filter((n) => n.projectId === 'bob')).toEqual([]);
  });

  it('agents: heartbeats make them alive; admin only', () => {
    net.heartbeat('ovs', 'h1');
    net.heartbeat('l3', 'h1');
    const agents = net.listAgents(admin);
    expect(agents.map((a) => `${a.host}/${a.agentType}/${a.alive}`)).toEqual(['h1/L3 agent/true', 'h1/Open vSwitch agent/true']);
    expect(kindOf(() => net.listAgents(alice))).toBe('Forbidden:');
    const l3 = agents.find((a) => a.agentType === 'L3 agent')!;
    expect(net.updateAgent(admin, l3.id, { adminStateUp: false }).adminStateUp).toBe(false);
    expect(net.agentEnabled('l3', 'h1')).toBe(false);
  });

  it('tags on every resource', () => {
    const n = net.createNetwork(alice, { tags: ['a'] });
    net.addTag(alice, 'networks', n.id, 'b');
    expect(net.listTags(alice, 'networks', n.id)).toEqual(['a', 'b']);
    expect(net.replaceTags(alice, 'networks', n.id, ['z'])).toEqual(['z']);
    expect(kindOf(() => net.removeTag(alice, 'networks', n.id, 'q'))).toBe('NotFound:TagNotFound');
    expect(kindOf(() => net.addTag(bob, 'networks', n.id, 'x'))).toBe('NotFound:NetworkNotFound');
    const g = net.createSecurityGroup(alice, { name: 'web' });
    net.addTag(alice, 'security_groups', g.id, 'web');
    expect(net.getSecurityGroup(alice, g.id).tags).toEqual(['web']);
  });
});
