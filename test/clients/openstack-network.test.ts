// Drives the Neutron face of a real skybridge process with the real `openstack` network commands and openstacksdk (proxy and cloud layer), over TCP.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../harness/server.js';
import { openstackCli, requireOpenstackCli, type OpenstackCli } from './openstack.js';

const ADMIN = { cloud: 'skybridge' };
const DEMO = { cloud: 'skybridge-demo' };
const uniq = (prefix: string) => `${prefix}-${randomBytes(3).toString('hex')}`;

type Row = Record<string, unknown>;

/** Runs a Python snippet with the system interpreter (where openstacksdk is installed); throws on failure. */
function python(code: string, env: Record<string, string>): Promise<string> {
  return new Promise((res, rej) => {
    execFile('/usr/bin/python3', ['-c', code], { env: { ...process.env, ...env, PYTHONWARNINGS: 'ignore' }, timeout: 120_000 }, (err, stdout, stderr) => {
      if (err) rej(new Error(`python failed (install python3-openstacksdk if it is missing): ${stderr || err.message}`));
      else res(String(stdout));
    });
  });
}

/** OSC prints list-valued columns as Python reprs in some versions and as JSON in others. */
const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

describe('openstack network CLI and openstacksdk against skybridge', { timeout: 180_000 }, () => {
  let server: RunningServer;
  let os: OpenstackCli;

  beforeAll(async () => {
    await requireOpenstackCli();
    server = await startServer();
    os = openstackCli(server.dataDir);
  }, 60_000);

  afterAll(async () => {
    await server?.dispose();
  });

  it('networks, subnets, pools, ports, security groups, routers, floating IPs, agents and quotas with the openstack CLI', async () => {
    const net = uniq('net');
    const shared = uniq('shared');
    // Independent first steps in parallel: each CLI run is a Python start and a login.
    const [created, ext, list, pool, agents] = await Promise.all([
      os.json<Row>(['network', 'create', '--description', 'cli', net], DEMO),
      os.json<Row>(['network', 'create', '--share', '--external', shared], ADMIN),
      os.json<Row[]>(['network', 'list'], DEMO),
      os.json<Row>(['subnet', 'pool', 'create', '--pool-prefix', '10.210.0.0/16', '--default-prefix-length', '24', uniq('pool')], DEMO),
      os.json<Row[]>(['network', 'agent', 'list'], ADMIN),
    ]);
    expect(created).toMatchObject({ name: net, description: 'cli', status: 'ACTIVE', shared: false });
    expect(ext).toMatchObject({ shared: true, 'router:external': true });
    expect(list.map((r) => r.Name)).toEqual(expect.arrayContaining(['public', 'private']));
    expect(agents.filter((a) => a.Host === 'skybridge').map((a) => a['Agent Type']).sort()).toEqual(['DHCP agent', 'L3 agent', 'Metadata agent', 'Open vSwitch agent']);
    expect(agents.every((a) => a.Alive === true || a.Alive === ':-)')).toBe(true);

    const [shown, subA, subNoGw, sub6, subPool] = await Promise.all([
      os.json<Row>(['network', 'show', net], DEMO),
      os.json<Row>(['subnet', 'create', '--network', net, '--subnet-range', '192.168.50.0/24', '--allocation-pool', 'start=192.168.50.10,end=192.168.50.20', '--dns-nameserver', '8.8.8.8', 'sa'], DEMO),
      os.json<Row>(['subnet', 'create', '--network', net, '--subnet-range', '192.168.51.0/24', '--gateway', 'none', 'sb'], DEMO),
      os.json<Row>(['subnet', 'create', '--network', net, '--ip-version', '6', '--ipv6-ra-mode', 'slaac', '--ipv6-address-mode', 'slaac', '--subnet-range', 'fd00:50::/64', 's6'], DEMO),
      os.json<Row>(['subnet', 'create', '--network', net, '--subnet-pool', String(pool.id), '--prefix-length', '25', 'sp'], DEMO),
    ]);
    expect(shown.id).toBe(created.id);
    expect(text(subA.allocation_pools)).toContain('192.168.50.10');
    expect(text(subA.dns_nameservers)).toContain('8.8.8.8');
    expect(subNoGw.gateway_ip).toBeNull();
    expect(sub6).toMatchObject({ ip_version: 6, ipv6_ra_mode: 'slaac', ipv6_address_mode: 'slaac' });
    expect(subPool.cidr).toBe('10.210.0.0/25');

    const sg = uniq('sg');
    const [port, group] = await Promise.all([
      os.json<Row>(['port', 'create', '--network', net, '--fixed-ip', 'subnet=sa,ip-address=192.168.50.15', '--mac-address', 'fa:16:3e:12:34:56', uniq('port')], DEMO),
      os.json<Row>(['security', 'group', 'create', sg], DEMO),
    ]);
    expect(text(port.fixed_ips)).toContain('192.168.50.15');
    expect(port.mac_address).toBe('fa:16:3e:12:34:56');
    const [ssh, icmp, remote] = await Promise.all([
      os.json<Row>(['security', 'group', 'rule', 'create', '--protocol', 'tcp', '--dst-port', '22', sg], DEMO),
      os.json<Row>(['security', 'group', 'rule', 'create', '--protocol', 'icmp', sg], DEMO),
      os.json<Row>(['security', 'group', 'rule', 'create', '--protocol', 'tcp', '--remote-group', sg, sg], DEMO),
    ]);
    expect(ssh).toMatchObject({ protocol: 'tcp', port_range_min: 22, port_range_max: 22 });
    expect(icmp.protocol).toBe('icmp');
    expect(remote.remote_group_id).toBe(group.id);
    const dup = await os.run(['security', 'group', 'rule', 'create', '--protocol', 'tcp', '--dst-port', '22', sg], DEMO);
    expect(dup.code).not.toBe(0);
    expect(dup.stderr).toMatch(/409|already exists/);

    const router = uniq('router');
    await os.ok(['router', 'create', router], DEMO);
    await os.ok(['router', 'set', '--external-gateway', 'public', router], DEMO);
    await os.ok(['router', 'add', 'subnet', router, 'sa'], DEMO);
    const r = await os.json<Row>(['router', 'show', router], DEMO);
    expect(text(r.external_gateway_info)).toContain('172.24.4.');
    expect(text(r.interfaces_info)).toContain('192.168.50.1');

    const fip = await os.json<Row>(['floating', 'ip', 'create', 'public'], DEMO);
    expect(String(fip.floating_ip_address)).toMatch(/^172\.24\.4\./);
    await os.ok(['floating', 'ip', 'set', '--port', String(port.id), String(fip.id)], DEMO);
    const assoc = await os.json<Row>(['floating', 'ip', 'show', String(fip.id)], DEMO);
    expect(assoc).toMatchObject({ fixed_ip_address: '192.168.50.15', port_id: port.id });
    await os.ok(['floating', 'ip', 'unset', '--port', String(fip.id)], DEMO);
    expect((await os.json<Row>(['floating', 'ip', 'show', String(fip.id)], DEMO)).port_id).toBeNull();

    // OSC 6.0's `quota show` and `quota set` also open the compute and volume clients, so they need those
    // services in the catalog; `quota list --network` talks to Neutron alone.
    const [quota, dhcpPorts] = await Promise.all([
      os.json<Row[]>(['quota', 'list', '--network', '--detail', '--project', 'demo'], ADMIN),
      os.json<Row[]>(['port', 'list', '--network', net, '--device-owner', 'network:dhcp', '--long'], ADMIN),
    ]);
    expect(quota.find((q) => q.Resource === 'networks')).toMatchObject({ Limit: 100 });
    // The DHCP port, made with the first DHCP-enabled subnet, holds the first address of each such subnet's pool.
    expect(dhcpPorts).toHaveLength(1);
    expect(text(dhcpPorts[0]!['Fixed IP Addresses'])).toContain('192.168.50.10');

    await Promise.all([
      os.ok(['floating', 'ip', 'delete', String(fip.id)], DEMO),
      os.ok(['network', 'set', '--name', `${shared}-renamed`, '--no-share', shared], ADMIN),
    ]);
    await os.ok(['router', 'remove', 'subnet', router, 'sa'], DEMO);
    await Promise.all([os.ok(['router', 'delete', router], DEMO), os.ok(['port', 'delete', String(port.id)], DEMO), os.ok(['network', 'delete', `${shared}-renamed`], ADMIN)]);
    await os.ok(['network', 'delete', net], DEMO);
    expect((await os.run(['network', 'show', net], DEMO)).code).not.toBe(0);
  });

  it('openstacksdk: conn.network.* and the cloud layer create_network / create_subnet / create_router, isolation and quota exceeded', async () => {
    const code = `
import json, openstack
conn = openstack.connect(cloud='skybridge-demo')
admin = openstack.connect(cloud='skybridge')
out = {}
net = conn.network.create_network(name='sdk-net')
sub = conn.network.create_subnet(network_id=net.id, ip_version=4, cidr='10.123.0.0/24', name='sdk-sub')
port = conn.network.create_port(network_id=net.id, name='sdk-port')
out['port_ips'] = [f['ip_address'] for f in port.fixed_ips]
out['port_status'] = port.status
out['found'] = conn.network.find_network('sdk-net').id == net.id
out['ports_on_net'] = [p.name for p in conn.network.ports(network_id=net.id) if p.device_owner != 'network:dhcp']
out['dhcp_ips'] = [f['ip_address'] for p in admin.network.ports(network_id=net.id, device_owner='network:dhcp') for f in p.fixed_ips]
sg = conn.network.create_security_group(name='sdk-sg')
rule = conn.network.create_security_group_rule(security_group_id=sg.id, direction='ingress', protocol='tcp', port_range_min=80, port_range_max=80)
out['rule'] = rule.port_range_min
public = conn.network.find_network('public')
r = conn.network.create_router(name='sdk-r', external_gateway_info={'network_id': public.id})
conn.network.add_interface_to_router(r, subnet_id=sub.id)
fip = conn.network.create_ip(floating_network_id=public.id, port_id=port.id)
out['fip'] = fip.fixed_ip_address
out['ext'] = conn.network.find_extension('router') is not None
out['agents'] = sorted(a.agent_type for a in admin.network.agents())
n2 = conn.create_network('cloud-net')
s2 = conn.create_subnet(n2['id'], cidr='10.124.0.0/24', subnet_name='cloud-sub', enable_dhcp=True)
r2 = conn.create_router(name='cloud-r', ext_gateway_net_id=conn.get_network('public')['id'])
conn.add_router_interface(r2, subnet_id=s2['id'])
out['cloud'] = [n2['name'], s2['cidr'], r2['name'], r2['external_gateway_info']['network_id'] == public.id]
alt_project = admin.identity.create_project(name='sdk-alt', domain_id='default')
alt_user = admin.identity.create_user(name='sdk-alt', password='sdk-alt-pw', domain_id='default', default_project_id=alt_project.id)
member = admin.identity.find_role('member')
admin.identity.assign_project_role_to_user(alt_project, alt_user, member)
alt = openstack.connect(auth_url=admin.auth['auth_url'], username='sdk-alt', password='sdk-alt-pw', project_name='sdk-alt', user_domain_name='Default', project_domain_name='Default', region_name='RegionOne')
out['alt_sees'] = [n.name for n in alt.network.networks()]
try:
    alt.network.get_port(port.id)
    out['alt_get'] = 'visible'
except openstack.exceptions.ResourceNotFound:
    out['alt_get'] = 'not found'
admin.network.update_quota(alt_project.id, networks=1)
alt.network.create_network(name='alt-one')
try:
    alt.network.create_network(name='alt-two')
    out['quota'] = 'created'
except openstack.exceptions.ConflictException as e:
    out['quota'] = str(e.status_code)
out['quota_details'] = admin.network.get_quota(alt_project.id, details=True).networks
conn.remove_router_interface(r2, subnet_id=s2['id']); conn.delete_router(r2['id']); conn.delete_network(n2['id'])
conn.network.delete_ip(fip); conn.network.remove_interface_from_router(r, subnet_id=sub.id); conn.network.delete_router(r)
conn.network.delete_port(port); conn.network.delete_network(net); conn.network.delete_security_group(sg)
out['left'] = [n.name for n in conn.network.networks() if n.name.startswith('sdk') or n.name.startswith('cloud')]
print(json.dumps(out))
`;
    const out = JSON.parse(await python(code, { OS_CLIENT_CONFIG_FILE: os.configFile })) as Row;
    expect(out).toMatchObject({
      port_ips: ['10.123.0.3'],
      dhcp_ips: ['10.123.0.2'],
      port_status: 'DOWN',
      found: true,
      ports_on_net: ['sdk-port'],
      rule: 80,
      fip: '10.123.0.3',
      ext: true,
      cloud: ['cloud-net', '10.124.0.0/24', 'cloud-r', true],
      alt_get: 'not found',
      quota: '409',
      quota_details: { limit: 1, used: 1, reserved: 0 },
      left: [],
    });
    expect(out.alt_sees).toEqual(['public']);
    expect(out.agents).toEqual(expect.arrayContaining(['DHCP agent', 'L3 agent', 'Metadata agent', 'Open vSwitch agent']));
  });
});
