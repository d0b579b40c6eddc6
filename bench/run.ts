// `npm run bench [-- <suite>...] [--quick]`: starts skybridge and the bare-Hono baseline, runs every suite, prints ratios.
import { printRatioTable, runLoad, startBaseline, startSkybridge, type RatioRow, type ServedProcess } from './harness.js';
import { imageSuite } from './image.js';
import { keystoneSuite } from './keystone.js';
import { s3Suite } from './s3.js';
import type { BenchSuite } from './suite.js';

/** Every suite `npm run bench` runs; add a line per family. */
const suites: BenchSuite[] = [keystoneSuite, s3Suite, imageSuite];

const CONCURRENCY = 32;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const scale = args.includes('--quick') ? 0.2 : 1;
  const wanted = args.filter((a) => !a.startsWith('--'));
  const chosen = wanted.length ? suites.filter((s) => wanted.includes(s.name)) : suites;
  if (!chosen.length) throw new Error(`no suite named ${wanted.join(', ')}; have ${suites.map((s) => s.name).join(', ')}`);

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
