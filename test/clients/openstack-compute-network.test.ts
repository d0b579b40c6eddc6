// Drives Nova's network face (os-interface, security groups on servers) with the real `openstack` CLI over TCP, one server for the file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../harness/server.js';
import { openstackCli, requireOpenstackCli, type CliResult, type OpenstackCli } from './openstack.js';

const DEMO = { cloud: 'skybridge-demo' };
type Row = Record<string, any>;

function expectFailure(r: CliResult, pattern: RegExp): void {
  expect(r.code, `expected a failure, got exit 0 with: ${r.stdout}`).not.toBe(0);
  expect(r.stderr + r.stdout).toMatch(pattern);
}

describe('openstack server add/remove port, network, security group against skybridge', { timeout: 300_000 }, () => {
  let server: RunningServer;
  let os: OpenstackCli;
  let tok: string;
  let serverId: string;

  const getServer = async (id: string): Promise<Row> => {
    const r = await fetch(`${server.url}/compute/v2.1/servers/${id}`, { headers: { 'x-auth-token': tok } });
    return ((await r.json()) as Row).server;
  };
  const neutron = async (method: string, path: string, body?: unknown): Promise<Row> => {
    const r = await fetch(`${server.url}/network/v2.0${path}`, { method, headers: { 'x-auth-token': tok, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return (await r.json()) as Row;
  };
  const portsOf = async (id: string): Promise<Row[]> => (await neutron('GET', `/ports?device_id=${id}`)).ports;
  const addrs = async (id: string): Promise<string[]> => Object.values((await getServer(id)).addresses as Record<string, Row[]>).flatMap((l) => l.map((a) => a.addr as string));

  beforeAll(async () => {
    await requireOpenstackCli();
    server = await startServer({ env: { SKYBRIDGE_FAKE_HOSTS: '1', SKYBRIDGE_FAKE_SPAWN_MS: '5', SKYBRIDGE_FAKE_POWER_MS: '5' } });
    os = openstackCli(server.dataDir);
    tok = (await os.json<{ id: string }>(['token', 'issue'], DEMO)).id;
    // Booted through the API and polled directly: the CLI's own --wait sleeps seconds between looks.
    const r = await fetch(`${server.url}/compute/v2.1/servers`, {
      method: 'POST',
      headers: { 'x-auth-token': tok, 'content-type': 'application/json' },
      body: JSON.stringify({ server: { name: 'netvm', imageRef: '5b1e3c2a-0d6f-4a7e-9c1b-000000000001', flavorRef: '1' } }),
    });
    serverId = (((await r.json()) as Row).server as Row).id;
    for (let i = 0; i < 400 && (await getServer(serverId)).status !== 'ACTIVE'; i++) await new Promise((res) => setTimeout(res, 25));
  }, 120_000);

  afterAll(async () => {
    await server?.dispose();
  });

  it('server add port / add network / remove port / remove network, port list --server', async () => {
    const net = (await neutron('GET', '/networks?name=private')).networks[0].id;
    const port = (await neutron('POST', '/ports', { port: { network_id: net, name: 'cli-port' } })).port;
    await os.ok(['server', 'add', 'port', serverId, 'cli-port'], DEMO);
    expect(await addrs(serverId)).toContain(port.fixed_ips[0].ip_address);
    const onServer = await os.json<Row[]>(['port', 'list', '--server', serverId], DEMO);
    expect(onServer.map((p) => p.ID)).toContain(port.id);
    expect(onServer).toHaveLength(2);
    expect((await neutron('GET', `/ports/${port.id}`)).port).toMatchObject({ device_id: serverId, device_owner: 'compute:nova' });

    await os.ok(['server', 'add', 'network', serverId, 'private'], DEMO);
    expect(await portsOf(serverId)).toHaveLength(3);
    expect(await addrs(serverId)).toHaveLength(3);

    await os.ok(['server', 'remove', 'port', serverId, 'cli-port'], DEMO);
    expect(await addrs(serverId)).not.toContain(port.fixed_ips[0].ip_address);
    // The user's port stays in Neutron, free again.
    expect((await neutron('GET', `/ports/${port.id}`)).port).toMatchObject({ device_id: '' });

    // Removing the network takes every port of the server on it.
    await os.ok(['server', 'remove', 'network', serverId, 'private'], DEMO);
    expect(await portsOf(serverId)).toHaveLength(0);
    expect(await addrs(serverId)).toHaveLength(0);
    await os.ok(['server', 'add', 'network', serverId, 'private'], DEMO);
    expect(await addrs(serverId)).toHaveLength(1);

    expectFailure(await os.run(['server', 'add', 'port', serverId, 'no-such-port'], DEMO), /No Port found|not found/i);
  });

  it('server add security group / remove security group (the CLI finds the group through the proxy API)', async () => {
    await neutron('POST', '/security-groups', { security_group: { name: 'cli-web', description: 'web' } });
    await os.ok(['server', 'add', 'security', 'group', serverId, 'cli-web'], DEMO);
    const groups = (await getServer(serverId)).security_groups.map((g: Row) => g.name).sort();
    expect(groups).toEqual(['cli-web', 'default']);
    for (const p of await portsOf(serverId)) expect(p.security_groups).toHaveLength(2);
    await os.ok(['server', 'remove', 'security', 'group', serverId, 'cli-web'], DEMO);
    expect((await getServer(serverId)).security_groups).toEqual([{ name: 'default' }]);
    expectFailure(await os.run(['server', 'remove', 'security', 'group', serverId, 'cli-web'], DEMO), /not associated|404/i);
  });

  it('server add port --tag (2.49): the tag is kept and os-interface shows it from 2.70', async () => {
    const net = (await neutron('GET', '/networks?name=private')).networks[0].id;
    const port = (await neutron('POST', '/ports', { port: { network_id: net, name: 'tagged-port' } })).port;
    await os.ok(['--os-compute-api-version', '2.49', 'server', 'add', 'port', '--tag', 'db', serverId, 'tagged-port'], DEMO);
    const r = await fetch(`${server.url}/compute/v2.1/servers/${serverId}/os-interface/${port.id}`, { headers: { 'x-auth-token': tok, 'openstack-api-version': 'compute 2.70' } });
    expect(((await r.json()) as Row).interfaceAttachment).toMatchObject({ port_id: port.id, tag: 'db' });
    await os.ok(['server', 'remove', 'port', serverId, 'tagged-port'], DEMO);
  });
});
