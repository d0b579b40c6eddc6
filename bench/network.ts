// Network benchmark suite: port create at concurrency 32 and GET /v2.0/ports of 1,000 ports, each against a raw prepared query behind node:http in the same run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, printRatioTable, runLoad, startProcess, type RatioRow, type ServedProcess } from './harness.js';
import type { BenchContext, BenchSuite } from './suite.js';

/** Goals from the network issue: skybridge's throughput over the baseline's. */
const GOALS = { create: 0.5, list: 0.5 };
const PORTS = 1000;

export const networkSuite: BenchSuite = {
  name: 'network',
  async run(ctx: BenchContext): Promise<RatioRow[]> {
    const { skybridge, scale, concurrency } = ctx;
    const out = (s: string) => process.stdout.write(s);
    const work = mkdtempSync(join(tmpdir(), 'skybridge-bench-network-'));
    const started: ServedProcess[] = [];
    try {
      const login = await fetch(`${skybridge.url}/identity/v3/auth/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: 'admin', domain: { name: 'Default' }, password: skybridge.info.adminPassword } } }, scope: { project: { name: 'admin', domain: { name: 'Default' } } } } }),
      });
      await login.body?.cancel();
      const auth = { 'x-auth-token': login.headers.get('x-subject-token')!, 'content-type': 'application/json' };
      const post = async (path: string, body: unknown) => {
        const r = await fetch(`${skybridge.url}/network${path}`, { method: 'POST', headers: auth, body: JSON.stringify(body) });
        const j = (await r.json()) as Record<string, { id: string }>;
        if (r.status !== 201) throw new Error(`POST ${path} -> ${r.status} ${JSON.stringify(j).slice(0, 200)}`);
        return j;
      };
      // A /16 so every create of the run finds an address; the quota lifted so none is refused.
      const net = (await post('/v2.0/networks', { network: { name: 'bench-ports' } })).network!.id;
      await post('/v2.0/subnets', { subnet: { network_id: net, ip_version: 4, cidr: '10.250.0.0/16' } });
      // The list scenario's network: exactly PORTS ports, made before anything is measured.
      const listNet = (await post('/v2.0/networks', { network: { name: 'bench-list' } })).network!.id;
      await post('/v2.0/subnets', { subnet: { network_id: listNet, ip_version: 4, cidr: '10.251.0.0/16' } });
      const project = (await (await fetch(`${skybridge.url}/network/v2.0/networks/${net}`, { headers: auth })).json()) as { network: { project_id: string } };
      await fetch(`${skybridge.url}/network/v2.0/quotas/${project.network.project_id}`, { method: 'PUT', headers: auth, body: JSON.stringify({ quota: { port: -1 } }) });
      for (let i = 0; i < PORTS; i += 25) await Promise.all(Array.from({ length: Math.min(25, PORTS - i) }, () => post('/v2.0/ports', { port: { network_id: listNet } })));

      const basePort = await freePort();
      const base = await startProcess('bench/baseline-network.ts', { PORT: String(basePort), BASELINE_DB: join(skybridge.info.dataDir!, 'skybridge.db'), BASELINE_SCRATCH_DB: join(work, 'scratch.db'), BASELINE_NETWORK_ID: listNet }, basePort);
      started.push(base);
      out(`\nnetwork suite: port create at concurrency ${concurrency}, GET /v2.0/ports of ${PORTS} ports\n`);

      const createBody = JSON.stringify({ port: { network_id: net } });
      const createSpec = (name: string, target: string, path: string, headers: Record<string, string>) => ({
        name,
        target,
        concurrency,
        maxRequests: Math.round(5_000 * scale),
        maxDurationMs: 15_000 * scale,
        warmupRequests: 100,
        templates: [{ method: 'POST', path, headers, body: createBody, expectStatus: 201 }],
      });
      const createBase = await runLoad(createSpec('baseline prepared insert transaction (node:http)', base.url, '/', { 'content-type': 'application/json' }), { serverPid: base.pid });
      const createSky = await runLoad(createSpec(`skybridge POST /v2.0/ports (concurrency ${concurrency})`, skybridge.url, '/network/v2.0/ports', auth), { serverPid: skybridge.pid });
      out('\n');
      printRatioTable(createBase, [{ result: createSky, goal: GOALS.create, note: 'token validation, quota, MAC, IPAM, default security group, outbox in one transaction' }]);

      const listSpec = (name: string, target: string, path: string, headers: Record<string, string>) => ({
        name,
        target,
        concurrency: 8,
        maxRequests: Math.round(1_000 * scale),
        maxDurationMs: 15_000 * scale,
        warmupRequests: 50,
        templates: [{ method: 'GET', path, headers, expectStatus: 200 }],
      });
      const listBase = await runLoad(listSpec(`baseline raw query of ${PORTS} ports (node:http)`, base.url, '/', {}), { serverPid: base.pid });
      const listSky = await runLoad(listSpec(`skybridge GET /v2.0/ports?network_id= (${PORTS} ports)`, skybridge.url, `/network/v2.0/ports?network_id=${listNet}`, auth), { serverPid: skybridge.pid });
      out('\n');
      printRatioTable(listBase, [{ result: listSky, goal: GOALS.list, note: 'token validation, visibility, fixed IPs, groups and tags included' }]);
      return [];
    } finally {
      await Promise.all(started.map((p) => p.stop()));
      rmSync(work, { recursive: true, force: true });
    }
  },
};
