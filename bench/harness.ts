// Reusable benchmark pieces: start skybridge or the bare-Hono baseline as child processes, drive load from a separate process, print ratios.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { requireWrk, runWrk } from './wrk-load.js';

const root = resolve(import.meta.dirname, '..');

/** One request the load generator sends; `expectStatus` decides what counts as an error. */
export interface RequestTemplate {
  method: string;
  /** Path and query on the target server, e.g. `/identity/v3/auth/tokens`. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  expectStatus: number;
}

/** A load run: static templates sent round-robin, or a factory module evaluated inside the load process. */
export interface LoadSpec {
  name: string;
  /** Base URL of the target (loopback only). */
  target: string;
  concurrency: number;
  /**
   * Distinct requests a factory prepares for the measured run (wrk repeats them from the first if it sends
   * more, and says so in the errors column's samples); the Node generator also stops after this many.
   */
  maxRequests: number;
  /** How long the measured run lasts (wrk is bounded by time). */
  maxDurationMs: number;
  /** Unmeasured requests sent first (JIT, caches, connections). */
  warmupRequests: number;
  templates?: RequestTemplate[];
  /**
   * Absolute path of a module exporting `createFactory(args): (i: number) => RequestTemplate | Promise<RequestTemplate>`,
   * for requests that must differ per call (e.g. SigV4-signed S3 requests with distinct keys).
   */
  factoryModule?: string;
  factoryArgs?: unknown;
}

/** What a load run measured. Latencies in milliseconds. */
export interface LoadResult {
  name: string;
  requests: number;
  errors: number;
  /** First few unexpected answers, for diagnosis. */
  errorSamples: string[];
  durationMs: number;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  /** Server CPU time (user+system) per request in microseconds, when the server pid was given (Linux /proc). */
  serverCpuUsPerReq?: number;
}

/** A child process serving HTTP on a loopback port. */
export interface ServedProcess {
  url: string;
  port: number;
  pid: number;
  /** Extra facts the starter knows (e.g. the data dir, the admin password). */
  info: Record<string, string>;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? res(a.port) : rej(new Error('no port'))));
    });
  });
}

/** Spawns `node --import tsx <script>` (the process kind every bench target uses) and waits for `healthPath`. */
export async function startProcess(script: string, env: Record<string, string>, port: number, healthPath = '/healthz'): Promise<ServedProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', resolve(root, script)], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr = (stderr + String(d)).slice(-4000)));
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}: ${stderr}`);
    try {
      const r = await fetch(url + healthPath);
      await r.body?.cancel();
      if (r.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`${script} did not become healthy: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    pid: child.pid!,
    info: {},
    async stop() {
      if (child.exitCode === null) {
        process.kill(child.pid!, 'SIGTERM');
        await exited;
      }
    },
  };
}

/** Options for a benchmarked skybridge. */
export interface SkybridgeOptions {
  adminPassword?: string;
  /** pino level of the server; `warn` (default) keeps per-request access logs out of the measurement. */
  logLevel?: string;
  env?: Record<string, string>;
}

/** Starts the real `gateway/main.ts` on a free port with a fresh temp data dir (removed on stop). */
export async function startSkybridge(opts: SkybridgeOptions = {}): Promise<ServedProcess> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'skybridge-bench-'));
  const adminPassword = opts.adminPassword ?? 'bench-Admin-Secret1';
  const p = await startProcess(
    'gateway/main.ts',
    {
      SKYBRIDGE_HOST: '127.0.0.1',
      SKYBRIDGE_PORT: String(port),
      SKYBRIDGE_DATA_DIR: dataDir,
      SKYBRIDGE_ADMIN_PASSWORD: adminPassword,
      SKYBRIDGE_LOG_LEVEL: opts.logLevel ?? 'warn',
      ...opts.env,
    },
    port,
  );
  const stop = p.stop;
  return {
    ...p,
    info: { dataDir, adminPassword },
    async stop() {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Starts `bench/baseline-hono.ts`: one bare Hono route (`GET /`) on @hono/node-server, nothing else. */
export async function startBaseline(): Promise<ServedProcess> {
  const port = await freePort();
  return startProcess('bench/baseline-hono.ts', { PORT: String(port) }, port);
}

/** CPU time (user+system, ms) a process has used so far, from /proc; undefined where /proc is missing. */
export function cpuTimeMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15, in clock ticks (USER_HZ = 100).
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

/**
 * Runs one load and returns its measurements: the warm-up through the Node generator (`bench/load-generator.ts`,
 * in its own process), the measured part through wrk, so that the client is never the bottleneck on this
 * machine (a Node client saturates near 4,000 req/s). With `serverPid`, also reports the server's CPU per
 * request: on a small machine the generator competes for cores, and CPU per request compares server costs
 * independently of that.
 */
export async function runLoad(spec: LoadSpec, opts: { serverPid?: number } = {}): Promise<LoadResult> {
  if (!/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(spec.target)) throw new Error(`bench targets loopback only, not ${spec.target}`);
  requireWrk();
  if (spec.warmupRequests > 0) await runNodeLoad({ ...spec, maxRequests: 0 });
  let template: (i: number) => RequestTemplate | Promise<RequestTemplate>;
  let count: number;
  if (spec.factoryModule) {
    const mod = (await import(pathToFileURL(spec.factoryModule).href)) as { createFactory(args: unknown): ((i: number) => RequestTemplate | Promise<RequestTemplate>) | Promise<(i: number) => RequestTemplate | Promise<RequestTemplate>> };
    template = await mod.createFactory(spec.factoryArgs);
    count = spec.maxRequests;
  } else {
    const ts = spec.templates ?? [];
    if (!ts.length) throw new Error('a LoadSpec needs templates or a factoryModule');
    template = (i) => ts[i % ts.length]!;
    count = Math.max(ts.length, 2);
  }
  const cpuBefore = opts.serverPid ? cpuTimeMs(opts.serverPid) : undefined;
  const result = await runWrk({ name: spec.name, target: spec.target, concurrency: spec.concurrency, firstIndex: spec.warmupRequests, count, distinct: Boolean(spec.factoryModule), maxDurationMs: spec.maxDurationMs, template });
  const cpuAfter = opts.serverPid ? cpuTimeMs(opts.serverPid) : undefined;
  if (cpuBefore !== undefined && cpuAfter !== undefined && result.requests > 0) {
    result.serverCpuUsPerReq = ((cpuAfter - cpuBefore) * 1000) / result.requests;
  }
  return result;
}

/** Runs `spec` in the Node load-generator process (warm-up only, from runLoad). */
async function runNodeLoad(spec: LoadSpec): Promise<LoadResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(root, 'bench/load-generator.ts')], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  child.stdin.end(JSON.stringify(spec));
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  if (code !== 0) throw new Error(`load generator failed (${code}): ${err}`);
  return JSON.parse(out) as LoadResult;
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** A line of the ratio table: a result and, optionally, a goal for its ratio against the baseline. */
export interface RatioRow {
  result: LoadResult;
  goal?: number;
  note?: string;
}

/** Prints req/s, p50/p99 and the ratio of each row's req/s to the baseline's; returns the text too. */
export function printRatioTable(baseline: LoadResult, rows: RatioRow[], write: (s: string) => void = (s) => process.stdout.write(s)): string {
  const head = ['scenario', 'requests', 'errors', 'req/s', 'p50 ms', 'p99 ms', 'vs bare', 'goal', 'server CPU us/req'];
  const lines = [baseline, ...rows.map((r) => r.result)].map((r, i) => {
    const row = i === 0 ? undefined : rows[i - 1];
    const ratio = r.rps / baseline.rps;
    const goal = row?.goal === undefined ? '' : `${ratio >= row.goal ? 'met' : 'MISSED'} (>= ${row.goal}x)`;
    const cpu = r.serverCpuUsPerReq === undefined ? '' : fmt(r.serverCpuUsPerReq);
    return [r.name, fmt(r.requests), fmt(r.errors), fmt(r.rps), fmt(r.p50, 2), fmt(r.p99, 2), `${fmt(ratio, 3)}x`, goal, cpu];
  });
  const widths = head.map((h, c) => Math.max(h.length, ...lines.map((l) => l[c]!.length)));
  const render = (cells: string[]) => cells.map((x, c) => (c === 0 ? x.padEnd(widths[c]!) : x.padStart(widths[c]!))).join('  ');
  const notes = rows.filter((r) => r.note).map((r) => `  ${r.result.name}: ${r.note}`);
  const samples = [baseline, ...rows.map((r) => r.result)].flatMap((r) => r.errorSamples.map((s) => `  ${r.name} error: ${s}`));
  const text = [render(head), ...lines.map(render), ...(notes.length ? ['', 'notes:', ...notes] : []), ...samples].join('\n') + '\n';
  write(text);
  return text;
}
