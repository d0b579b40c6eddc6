// Keystone OS-EP-FILTER project associations with the real `openstack` CLI: endpoint add/remove project, endpoint list --project, endpoint groups, and the filtered token catalog.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../harness/server.js';
import { openstackCli, requireOpenstackCli, type OpenstackCli } from './openstack.js';

const ADMIN = { cloud: 'skybridge' };
const DEMO = { cloud: 'skybridge-demo' };

let server: RunningServer;
let os: OpenstackCli;

beforeAll(async () => {
  await requireOpenstackCli();
  server = await startServer();
  os = openstackCli(server.dataDir);
}, 120_000);

afterAll(async () => {
  await server?.dispose();
});

type Row = Record<string, any>;

describe('OS-EP-FILTER with the openstack CLI', { timeout: 300_000 }, () => {
  it('an endpoint associated with a project is the only one in its token catalog; removing it restores the whole catalog', async () => {
    const [project, endpoints, before] = await Promise.all([
      os.json<Row>(['project', 'show', 'demo'], ADMIN),
      os.json<Row[]>(['endpoint', 'list', '--service', 'identity', '--interface', 'public'], ADMIN),
      os.json<Row[]>(['catalog', 'list'], DEMO),
    ]);
    expect(before.length).toBeGreaterThan(1);
    const identity = endpoints[0]!.ID!;

    await os.ok(['endpoint', 'add', 'project', identity, project.id!], ADMIN);
    const [listed, filtered] = await Promise.all([os.json<Row[]>(['endpoint', 'list', '--project', project.id!], ADMIN), os.json<Row[]>(['catalog', 'list'], DEMO)]);
    expect(listed.map((e) => e.ID)).toEqual([identity]);
    expect(filtered.map((s) => s.Type)).toEqual(['identity']);
    // Only the associated (public) endpoint of the service is left.
    const shown = JSON.stringify(filtered[0]!.Endpoints);
    expect(shown.match(/public/g)).toHaveLength(1);
    expect(shown).not.toMatch(/internal|admin/);

    await os.ok(['endpoint', 'remove', 'project', identity, project.id!], ADMIN);
    expect((await os.json<Row[]>(['catalog', 'list'], DEMO)).length).toBe(before.length);
  });

  it('an endpoint group associated with a project adds its members to that catalog', async () => {
    const services = await os.json<Row[]>(['service', 'list'], ADMIN);
    const compute = services.find((s) => s.Type === 'compute');
    expect(compute, JSON.stringify(services)).toBeDefined();
    const filters = join(server.dataDir, 'compute-filters.json');
    writeFileSync(filters, JSON.stringify({ service_id: compute!.ID, interface: 'public' }));
    const group = await os.json<Row>(['endpoint', 'group', 'create', 'compute-public', filters], ADMIN);
    await os.ok(['endpoint', 'group', 'add', 'project', group.id!, 'demo'], ADMIN);
    const [groups, catalog] = await Promise.all([os.json<Row[]>(['endpoint', 'group', 'list', '--project', 'demo'], ADMIN), os.json<Row[]>(['catalog', 'list'], DEMO)]);
    expect(groups.map((g) => g.ID)).toEqual([group.id]);
    expect(catalog.map((s) => s.Type)).toEqual(['compute']);
    await os.ok(['endpoint', 'group', 'remove', 'project', group.id!, 'demo'], ADMIN);
    expect((await os.json<Row[]>(['catalog', 'list'], DEMO)).length).toBeGreaterThan(1);
  });
});
