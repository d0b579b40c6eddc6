// Live migrations an operator steers with the real `openstack` CLI: server migration abort (2.24) and force complete (2.22), on fake hosts whose live migrations copy until told.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../harness/server.js';
import { openstackCli, requireOpenstackCli, type CliResult, type OpenstackCli } from './openstack.js';

const ADMIN = { cloud: 'skybridge' };
type Row = Record<string, any>;
const IMAGE = '5b1e3c2a-0d6f-4a7e-9c1b-000000000001';

function expectFailure(r: CliResult, pattern: RegExp): void {
  expect(r.code, `expected a failure, got exit 0 with: ${r.stdout}`).not.toBe(0);
  expect(r.stderr + r.stdout).toMatch(pattern);
}

describe('openstack server migration abort / force complete against skybridge', { timeout: 300_000 }, () => {
  let server: RunningServer;
  let os: OpenstackCli;
  let token = '';

  const nova = async (path: string, version = '2.53'): Promise<Row> => {
    const r = await fetch(`${server.url}/compute/v2.1${path}`, { headers: { 'x-auth-token': token, 'openstack-api-version': `compute ${version}` } });
    return (await r.json()) as Row;
  };
  const show = async (id: string): Promise<Row> => (await nova(`/servers/${id}`)).server;
  const until = async <T>(what: string, probe: () => Promise<T | undefined>): Promise<T> => {
    for (let i = 0; i < 400; i++) {
      const v = await probe();
      if (v !== undefined) return v;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`never: ${what}`);
  };
  const settled = (id: string) => until(`server ${id} settles`, async () => {
    const s = await show(id);
    return s['OS-EXT-STS:task_state'] === null && s.status !== 'BUILD' ? s : undefined;
  });
  /** The server's live migration once the driver is copying (`running`), as `server migration list` shows it. */
  const running = (id: string) => until(`a running live migration of ${id}`, async () => {
    const list = await os.json<Row[]>(['server', 'migration', 'list', '--server', id, '--type', 'live-migration', '--os-compute-api-version', '2.23'], ADMIN);
    return list.find((m) => m.Status === 'running');
  });
  const usedOn = async (host: string): Promise<number> => ((await nova('/os-hypervisors/detail', '2.28')).hypervisors as Row[]).find((h) => h.service.host === host)!.vcpus_used;

  beforeAll(async () => {
    await requireOpenstackCli();
    // A live migration here copies for ten minutes unless an operator steps in: every outcome below is the operator's doing.
    server = await startServer({ env: { SKYBRIDGE_FAKE_HOSTS: '2', SKYBRIDGE_FAKE_SPAWN_MS: '10', SKYBRIDGE_FAKE_POWER_MS: '10', SKYBRIDGE_FAKE_LIVE_MIGRATION_MS: '600000' } });
    os = openstackCli(server.dataDir);
    token = (await os.json<{ id: string }>(['token', 'issue'], ADMIN)).id;
  }, 120_000);

  afterAll(async () => {
    await server?.dispose();
  });

  it('abort leaves the server ACTIVE on its source and the migration cancelled; force complete moves it; other states are refused as Nova does', async () => {
    const r = await fetch(`${server.url}/compute/v2.1/servers`, {
      method: 'POST',
      headers: { 'x-auth-token': token, 'content-type': 'application/json', 'openstack-api-version': 'compute 2.37' },
      body: JSON.stringify({ server: { name: 'steered', imageRef: IMAGE, flavorRef: '1', networks: 'none' } }),
    });
    const id = ((await r.json()) as Row).server.id as string;
    const source = (await settled(id))['OS-EXT-SRV-ATTR:host'] as string;
    const target = source === 'compute-1' ? 'compute-2' : 'compute-1';

    await os.ok(['server', 'migrate', '--live-migration', '--host', target, '--os-compute-api-version', '2.30', id], ADMIN);
    const first = await running(id);
    expect(await usedOn(target)).toBe(1);
    expectFailure(await os.run(['server', 'migration', 'abort', id, String(first.Id)], ADMIN), /2\.24/);
    await os.ok(['server', 'migration', 'abort', '--os-compute-api-version', '2.24', id, String(first.Id)], ADMIN);
    const back = await settled(id);
    expect({ status: back.status, host: back['OS-EXT-SRV-ATTR:host'] }).toEqual({ status: 'ACTIVE', host: source });
    const afterAbort = await os.json<Row[]>(['server', 'migration', 'list', '--server', id, '--type', 'live-migration', '--os-compute-api-version', '2.23'], ADMIN);
    expect(afterAbort.find((m) => m.Id === first.Id)).toMatchObject({ Status: 'cancelled', 'Source Compute': source, 'Dest Compute': target });
    expect(await usedOn(target)).toBe(0);
    // Not migrating any more: Nova's 409 for the server's task state.
    expectFailure(await os.run(['server', 'migration', 'force', 'complete', '--os-compute-api-version', '2.22', id, String(first.Id)], ADMIN), /Cannot 'force_complete' instance .* while it is in task_state None/);

    await os.ok(['server', 'migrate', '--live-migration', '--host', target, '--os-compute-api-version', '2.30', id], ADMIN);
    const second = await running(id);
    // Migrating, but the migration named is over (400), or not one of this server's (400 to force, 404 to abort).
    expectFailure(
      await os.run(['server', 'migration', 'force', 'complete', '--os-compute-api-version', '2.22', id, String(first.Id)], ADMIN),
      new RegExp(`Migration ${first.Id} state of instance ${id} is cancelled\\. Cannot force complete while the migration is in this state`),
    );
    expectFailure(
      await os.run(['server', 'migration', 'abort', '--os-compute-api-version', '2.24', id, String(first.Id)], ADMIN),
      new RegExp(`Migration ${first.Id} state of instance ${id} is cancelled\\. Cannot abort live migration while the migration is in this state`),
    );
    expectFailure(await os.run(['server', 'migration', 'force', 'complete', '--os-compute-api-version', '2.22', id, '999999'], ADMIN), new RegExp(`Migration 999999 not found for instance ${id}`));
    expectFailure(await os.run(['server', 'migration', 'abort', '--os-compute-api-version', '2.24', id, '999999'], ADMIN), /Not Found|404|not found/);

    await os.ok(['server', 'migration', 'force', 'complete', '--os-compute-api-version', '2.22', id, String(second.Id)], ADMIN);
    const moved = await settled(id);
    expect({ status: moved.status, host: moved['OS-EXT-SRV-ATTR:host'] }).toEqual({ status: 'ACTIVE', host: target });
    const done = await os.json<Row[]>(['server', 'migration', 'list', '--server', id, '--type', 'live-migration', '--os-compute-api-version', '2.23'], ADMIN);
    expect(done.find((m) => m.Id === second.Id)).toMatchObject({ Status: 'completed' });
    expect({ source: await usedOn(source), target: await usedOn(target) }).toEqual({ source: 0, target: 1 });
    const actions = await os.json<Row[]>(['server', 'event', 'list', id], ADMIN);
    expect(actions.map((a) => a.Action)).toEqual(expect.arrayContaining(['live_migration_cancel', 'live_migration_force_complete', 'live-migration']));
  });
});
