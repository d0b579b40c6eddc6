// The operator side of Nova with the real `openstack` CLI over TCP: server migrate (cold, --wait, confirm/revert; live), server migration list, usage list/show, server set --state.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../harness/server.js';
import { openstackCli, requireOpenstackCli, type OpenstackCli } from './openstack.js';

const ADMIN = { cloud: 'skybridge' };
const DEMO = { cloud: 'skybridge-demo' };
type Row = Record<string, any>;
const IMAGE = '5b1e3c2a-0d6f-4a7e-9c1b-000000000001';

describe.concurrent('openstack operator compute CLI against skybridge', { timeout: 300_000 }, () => {
  let server: RunningServer;
  let os: OpenstackCli;
  let adminToken = '';
  let demoToken = '';

  const show = async (id: string): Promise<Row> => {
    const r = await fetch(`${server.url}/compute/v2.1/servers/${id}`, { headers: { 'x-auth-token': adminToken, 'x-openstack-nova-api-version': '2.53' } });
    return ((await r.json()) as Row).server;
  };
  const waitSettled = async (id: string, status: string): Promise<Row> => {
    for (let i = 0; i < 400; i++) {
      const s = await show(id);
      if (s.status === status && s['OS-EXT-STS:task_state'] === null) return s;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`server ${id} never reached ${status}: ${JSON.stringify(await show(id))}`);
  };
  /** Boots over the API as the demo project (what is under test here is the operator side). */
  const boot = async (name: string): Promise<string> => {
    const r = await fetch(`${server.url}/compute/v2.1/servers`, {
      method: 'POST',
      headers: { 'x-auth-token': demoToken, 'x-openstack-nova-api-version': '2.37', 'content-type': 'application/json' },
      body: JSON.stringify({ server: { name, imageRef: IMAGE, flavorRef: '1', networks: 'none' } }),
    });
    expect(r.status).toBe(202);
    const id = ((await r.json()) as Row).server.id as string;
    await waitSettled(id, 'ACTIVE');
    return id;
  };

  beforeAll(async () => {
    await requireOpenstackCli();
    server = await startServer({ env: { SKYBRIDGE_FAKE_HOSTS: '3', SKYBRIDGE_FAKE_SPAWN_MS: '20', SKYBRIDGE_FAKE_POWER_MS: '10' } });
    os = openstackCli(server.dataDir);
    [adminToken, demoToken] = await Promise.all([ADMIN, DEMO].map(async (who) => (await os.json<{ id: string }>(['token', 'issue'], who)).id));
  }, 120_000);

  afterAll(async () => {
    await server?.dispose();
  });

  it('server migrate --wait (cold) ends in VERIFY_RESIZE on another host; confirm; server migration list shows it', async () => {
    const id = await boot('cli-cold');
    const source = (await show(id))['OS-EXT-SRV-ATTR:host'];
    await os.ok(['server', 'migrate', '--wait', id], ADMIN);
    const moved = await waitSettled(id, 'VERIFY_RESIZE');
    expect(moved['OS-EXT-SRV-ATTR:host']).not.toBe(source);
    await os.ok(['server', 'resize', 'confirm', id], DEMO);
    await waitSettled(id, 'ACTIVE');
    const list = await os.json<Row[]>(['server', 'migration', 'list', '--server', id, '--os-compute-api-version', '2.80'], ADMIN);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ 'Source Compute': source, 'Dest Compute': moved['OS-EXT-SRV-ATTR:host'], Status: 'confirmed', Type: 'migration' });
    expect((await os.run(['server', 'migrate', id], DEMO)).code).not.toBe(0);
  });

  it('server migrate --live-migration (2.30 with --host) moves a running server; migration list at 2.1 too', async () => {
    const id = await boot('cli-live');
    const source = (await show(id))['OS-EXT-SRV-ATTR:host'];
    const target = (await os.json<Row[]>(['hypervisor', 'list'], ADMIN)).map((h) => h['Hypervisor Hostname'] as string).find((h) => h !== source)!;
    await os.ok(['server', 'migrate', '--live-migration', '--host', target, '--os-compute-api-version', '2.30', id], ADMIN);
    const moved = await waitSettled(id, 'ACTIVE');
    expect(moved['OS-EXT-SRV-ATTR:host']).toBe(target);
    const live = await os.json<Row[]>(['server', 'migration', 'list', '--server', id, '--type', 'live-migration', '--os-compute-api-version', '2.23'], ADMIN);
    expect(live[0]).toMatchObject({ Status: 'completed', 'Source Compute': source, 'Dest Compute': target });
    const legacy = await os.json<Row[]>(['server', 'migration', 'list', '--server', id], ADMIN);
    expect(legacy[0]).toMatchObject({ Status: 'completed' });
  });

  it('usage list (admin) and usage show (project): hours × flavor', async () => {
    await boot('cli-usage');
    const start = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const end = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const list = await os.json<Row[]>(['usage', 'list', '--start', start, '--end', end], ADMIN);
    // With -f json the CLI prints the server usages themselves in the Servers column.
    const demoRow = list.find((r) => Array.isArray(r.Servers) && r.Servers.some((x: Row) => x.name === 'cli-usage'));
    expect(demoRow, JSON.stringify(list)).toBeTruthy();
    expect(Number(demoRow!['RAM MB-Hours'])).toBeGreaterThan(0);
    const mine = await os.json<Row>(['usage', 'show', '--start', start, '--end', end], DEMO);
    expect(Array.isArray(mine.Servers) ? mine.Servers.length : mine.Servers).toBeGreaterThanOrEqual(1);
    expect(Number(mine['RAM MB-Hours'])).toBeCloseTo(Number(mine['CPU Hours']) * 512, 0);
    expect(Number(mine['CPU Hours'])).toBeGreaterThan(0);
    expect((await os.run(['usage', 'list'], DEMO)).code).not.toBe(0);
  });

  it('server set --state error / active (admin: os-resetState)', async () => {
    const id = await boot('cli-reset');
    await os.ok(['server', 'set', '--state', 'error', id], ADMIN);
    expect((await show(id)).status).toBe('ERROR');
    await os.ok(['server', 'set', '--state', 'active', id], ADMIN);
    expect((await show(id)).status).toBe('ACTIVE');
    expect((await os.run(['server', 'set', '--state', 'error', id], DEMO)).code).not.toBe(0);
  });
});
