// `npm run bench:token-soak [-- --seconds=N --tokens=N --concurrency=N --cache-mib=N]`: issues and validates tokens against a skybridge process, printing its RSS and a flat/rising verdict.
import { readFileSync } from 'node:fs';
import { startSkybridge } from './harness.js';

/** Resident set size of `pid` in MiB, from /proc (Linux). */
function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) / 1024;
}

function arg(name: string, fallback: number): number {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  const v = a ? Number(a.slice(name.length + 3)) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
  return v;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/**
 * The verdict compares the mean RSS of the last third of the samples with the middle third (the first
 * third is warm-up: JIT, pools, the first GC cycles). "rising" when it grew by more than `slackMiB`
 * plus 5 %, which a cache that keeps every token (~3 KB each, thousands per minute) exceeds quickly.
 */
function verdict(samples: number[], slackMiB = 8): { middle: number; last: number; growth: number; rising: boolean } {
  const third = Math.max(1, Math.floor(samples.length / 3));
  const middle = mean(samples.slice(third, 2 * third));
  const last = mean(samples.slice(2 * third));
  const growth = last - middle;
  return { middle, last, growth, rising: growth > slackMiB + middle * 0.05 };
}

async function main(): Promise<void> {
  const seconds = arg('seconds', 60);
  const maxTokens = arg('tokens', 1_000_000);
  const concurrency = arg('concurrency', 8);
  const intervalMs = arg('interval-ms', 5_000);
  // A smaller token cache budget than the default (32 MiB) lets a short run reach the plateau it would reach later.
  const cacheMiB = process.argv.some((x) => x.startsWith('--cache-mib=')) ? arg('cache-mib', 32) : undefined;
  const sky = await startSkybridge({ env: cacheMiB ? { SKYBRIDGE_TOKEN_CACHE_BYTES: String(Math.round(cacheMiB * 1024 * 1024)) } : {} });
  try {
    const base = `${sky.url}/identity/v3/auth/tokens`;
    const password = sky.info.adminPassword!;
    const scope = { project: { name: 'admin', domain: { name: 'Default' } } };
    const login = await fetch(base, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: 'admin', domain: { name: 'Default' }, password } } }, scope } }),
    });
    await login.body?.cancel();
    const admin = login.headers.get('x-subject-token');
    if (login.status !== 201 || !admin) throw new Error(`admin login failed: HTTP ${login.status}`);
    // The token method skips scrypt, so the soak measures what each token leaves behind, not password hashing.
    const issueBody = JSON.stringify({ auth: { identity: { methods: ['token'], token: { id: admin } }, scope } });

    let issued = 0;
    let errors = 0;
    const started = performance.now();
    const samples: number[] = [];
    process.stdout.write(
      `token soak: ${seconds}s or ${maxTokens} tokens, concurrency ${concurrency}, token cache ${cacheMiB ?? 'default'} MiB, skybridge pid ${sky.pid}\n`,
    );
    process.stdout.write(`${'t(s)'.padStart(6)} ${'tokens'.padStart(8)} ${'RSS MiB'.padStart(8)}\n`);
    const sample = () => {
      const rss = rssMiB(sky.pid);
      samples.push(rss);
      process.stdout.write(`${((performance.now() - started) / 1000).toFixed(0).padStart(6)} ${String(issued).padStart(8)} ${rss.toFixed(1).padStart(8)}\n`);
    };
    sample();
    const timer = setInterval(sample, intervalMs);
    const worker = async () => {
      while (performance.now() - started < seconds * 1000 && issued < maxTokens) {
        const r = await fetch(base, { method: 'POST', headers: { 'content-type': 'application/json' }, body: issueBody });
        await r.body?.cancel();
        const id = r.headers.get('x-subject-token');
        if (r.status !== 201 || !id) {
          errors++;
          continue;
        }
        issued++;
        // Validate each new token once, as a service would on its first request.
        const v = await fetch(base, { headers: { 'x-auth-token': admin, 'x-subject-token': id } });
        await v.body?.cancel();
        if (v.status !== 200) errors++;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    clearInterval(timer);
    sample();
    const v = verdict(samples);
    const secs = (performance.now() - started) / 1000;
    process.stdout.write(
      `\n${issued} tokens issued and validated in ${secs.toFixed(0)}s (${(issued / secs).toFixed(0)}/s), ${errors} errors\n` +
        `RSS ${samples[0]!.toFixed(1)} MiB at start, middle third mean ${v.middle.toFixed(1)} MiB, last third mean ${v.last.toFixed(1)} MiB (${v.growth >= 0 ? '+' : ''}${v.growth.toFixed(1)} MiB)\n` +
        `verdict: ${v.rising ? 'RISING' : 'flat'}\n`,
    );
  } finally {
    await sky.stop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`token-soak: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
