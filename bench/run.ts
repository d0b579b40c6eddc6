// `npm run bench [-- <suite>...] [--quick] [--no-postgres]`: starts skybridge and the bare-Hono baseline, runs every suite on SQLite, then the Keystone and S3 suites and the scale-out scenario on PostgreSQL, prints ratios, then runs the compute bench.
import { printRatioTable, runLoad, startBaseline, startSkybridge, type RatioRow, type ServedProcess } from './harness.js';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { imageSuite } from './image.js';
import { keystoneSuite } from './keystone.js';
import { networkSuite } from './network.js';
import { createBenchDatabase } from './postgres.js';
import { s3Suite } from './s3.js';
import { runScaleOut } from './scale-out.js';
import type { BenchSuite } from './suite.js';

/** Every suite `npm run bench` runs; add a line per family. */
const suites: BenchSuite[] = [keystoneSuite, s3Suite, imageSuite, networkSuite];
/** The suites run again with SKYBRIDGE_DATABASE_URL on PostgreSQL. */
const postgresSuites = new Set(['keystone', 's3']);

const CONCURRENCY = 32;

/**
 * The compute suite (`bench/compute.ts`, alone `npm run bench:compute`): boot storms and the server list are
 * timed in-process against their own raw baselines, not as load against a served process, so it runs as its
 * own process after the load suites (the machine to itself) and prints its own table.
 */
const COMPUTE = 'compute';

function runComputeBench(quick: boolean): Promise<void> {
  const script = fileURLToPath(new URL('./compute.ts', import.meta.url));
  const env = { ...process.env, ...(quick ? { SKYBRIDGE_BENCH_LIST_ROUNDS: '5' } : {}) };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: 'inherit', env });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the compute bench exited with ${code}`))));
  });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const scale = args.includes('--quick') ? 0.2 : 1;
  const wanted = args.filter((a) => !a.startsWith('--'));
  const chosen = wanted.length ? suites.filter((s) => wanted.includes(s.name)) : suites;
  const compute = !wanted.length || wanted.includes(COMPUTE);
  if (!chosen.length && !compute) throw new Error(`no suite named ${wanted.join(', ')}; have ${[...suites.map((s) => s.name), COMPUTE].join(', ')}`);
  if (chosen.length) await runLoadSuites(args, chosen, scale);
  if (compute) {
    process.stdout.write('\n== compute (bench/compute.ts) ==\n');
    await runComputeBench(args.includes('--quick'));
  }
}

async function runLoadSuites(args: string[], chosen: BenchSuite[], scale: number): Promise<void> {

  const started: ServedProcess[] = [];
  try {
    const skybridge = await startSkybridge();
    started.push(skybridge);
    const baselineServer = await startBaseline();
    started.push(baselineServer);
    process.stdout.write(`skybridge ${skybridge.url} (pid ${skybridge.pid}), bare Hono ${baselineServer.url} (pid ${baselineServer.pid}); concurrency ${CONCURRENCY}\n`);
    const baseline = await runLoad({
      name: 'bare Hono route (baseline)',
      target: baselineServer.url,
      concurrency: CONCURRENCY,
      maxRequests: Math.round(30_000 * scale),
      maxDurationMs: 15_000 * scale,
      warmupRequests: 2_000,
      templates: [{ method: 'GET', path: '/', expectStatus: 200 }],
    }, { serverPid: baselineServer.pid });
    const rows: RatioRow[] = [];
    for (const s of chosen) rows.push(...(await s.run({ skybridge, concurrency: CONCURRENCY, scale })));
    if (!args.includes('--no-postgres') && chosen.some((s) => postgresSuites.has(s.name))) {
      const database = createBenchDatabase();
      try {
        const onPg = await startSkybridge({ env: { SKYBRIDGE_DATABASE_URL: database.url } });
        started.push(onPg);
        process.stdout.write(`\n== the same scenarios with SKYBRIDGE_DATABASE_URL on PostgreSQL: skybridge ${onPg.url} (pid ${onPg.pid}) ==\n`);
        for (const s of chosen.filter((x) => postgresSuites.has(x.name))) {
          for (const row of await s.run({ skybridge: onPg, concurrency: CONCURRENCY, scale })) {
            row.result.name = `${row.result.name} [PostgreSQL]`;
            rows.push(row);
          }
        }
        await onPg.stop();
        started.splice(started.indexOf(onPg), 1);
        const scaleDb = createBenchDatabase();
        try {
          const { one, two } = await runScaleOut(scaleDb.url, scale);
          rows.push({ result: one }, { result: two, note: `${(two.rps / one.rps).toFixed(2)}x one gateway` });
        } finally {
          scaleDb.drop();
        }
      } finally {
        database.drop();
      }
    }
    process.stdout.write('\n');
    printRatioTable(baseline, rows);
  } finally {
    await Promise.all(started.map((p) => p.stop()));
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});
