// Drives one measured load run with wrk (C, epoll): the requests are prepared in Node, written to a file, and replayed by a Lua script.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadResult, RequestTemplate } from './harness.js';

/** The command that installs wrk, printed when it is missing (a bench without it would measure the Node client). */
export const WRK_INSTALL = 'apt-get install -y wrk';

/** What one wrk run needs: the requests by index, how many of them, and how long at most. */
export interface WrkSpec {
  name: string;
  target: string;
  concurrency: number;
  /** Index of the first request to send (indices below belong to the warm-up). */
  firstIndex: number;
  /** Requests prepared from `firstIndex`; past them wrk starts again from the first (see `wrapped`). */
  count: number;
  /** The requests are meant to differ (a factory's distinct keys): say so when wrk had to repeat some. */
  distinct: boolean;
  /** How long wrk runs. */
  maxDurationMs: number;
  template: (i: number) => RequestTemplate | Promise<RequestTemplate>;
}

/** Fails loudly, naming the install command, when wrk is not on PATH. */
export function requireWrk(): void {
  const r = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  if (r.error) throw new Error(`bench: wrk is not installed; install it with \`${WRK_INSTALL}\` (the load generator must not be the bottleneck)`);
}

/** One request as the bytes wrk writes on the wire (keep-alive is HTTP/1.1's default). */
function rawRequest(host: string, t: RequestTemplate): string {
  const headers: Record<string, string> = { host, ...(t.headers ?? {}) };
  const lower = new Set(Object.keys(headers).map((k) => k.toLowerCase()));
  if (t.body !== undefined && !lower.has('content-length')) headers['content-length'] = String(Buffer.byteLength(t.body));
  if (t.body === undefined && t.method !== 'GET' && t.method !== 'HEAD' && !lower.has('content-length')) headers['content-length'] = '0';
  const head = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  return `${t.method} ${t.path} HTTP/1.1\r\n${head}\r\n${t.body ?? ''}`;
}

/**
 * The Lua side: every thread reads the request file and sends requests `tid, tid + threads, ...` (so no two
 * threads send the same one, which matters for PUTs of distinct keys), wrapping round at the end. wrk runs
 * for its whole duration whatever the threads do, so the run is bounded by time, not count. `done` prints
 * one JSON line; latencies are in microseconds; `unexpected` counts answers that are not 2xx/3xx.
 */
const LUA = String.raw`
local reqs = {}
local function load(path)
  local f = assert(io.open(path, "rb"))
  local data = f:read("*a")
  f:close()
  local pos = 1
  while pos <= #data do
    local nl = string.find(data, "\n", pos, true)
    local len = tonumber(string.sub(data, pos, nl - 1))
    table.insert(reqs, string.sub(data, nl + 1, nl + len))
    pos = nl + len + 1
  end
end
local counter = 0
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end
function init(args)
  load(args[1])
  nthreads = tonumber(args[2])
  idx = tid + 1
end
function request()
  local r = reqs[idx]
  idx = idx + nthreads
  if idx > #reqs then idx = tid + 1 end
  return r
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests":%d,"durationUs":%d,"socketErrors":%d,"unexpected":%d,"p50":%d,"p99":%d,"max":%d}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99), latency.max))
end
`;

/** Runs wrk once and returns the same LoadResult the Node generator prints. */
export async function runWrk(spec: WrkSpec): Promise<LoadResult> {
  requireWrk();
  const dir = mkdtempSync(join(tmpdir(), 'skybridge-wrk-'));
  try {
    const host = new URL(spec.target).host;
    const parts: string[] = [];
    for (let i = 0; i < spec.count; i++) {
      const raw = rawRequest(host, await spec.template(spec.firstIndex + i));
      parts.push(`${Buffer.byteLength(raw)}\n${raw}`);
    }
    writeFileSync(join(dir, 'requests.txt'), parts.join(''));
    writeFileSync(join(dir, 'load.lua'), LUA);
    const threads = Math.min(2, spec.concurrency);
    const seconds = Math.max(1, Math.round(spec.maxDurationMs / 1000));
    const args = ['-t', String(threads), '-c', String(spec.concurrency), '-d', `${seconds}s`, '--timeout', '10s', '-s', join(dir, 'load.lua'), spec.target, '--', join(dir, 'requests.txt'), String(threads)];
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    const line = out.split('\n').find((l) => l.startsWith('WRKJSON '));
    if (code !== 0 || !line) throw new Error(`wrk failed (${code}): ${err || out}`);
    const w = JSON.parse(line.slice('WRKJSON '.length)) as { requests: number; durationUs: number; socketErrors: number; unexpected: number; p50: number; p99: number; max: number };
    const durationMs = w.durationUs / 1000;
    return {
      name: spec.name,
      requests: w.requests,
      errors: w.socketErrors + w.unexpected,
      errorSamples: [
        ...(w.unexpected ? [`${w.unexpected} answers not 2xx/3xx`] : []),
        ...(w.socketErrors ? [`${w.socketErrors} socket errors`] : []),
        ...(spec.distinct && w.requests > spec.count ? [`${w.requests - spec.count} requests repeated earlier ones (only ${spec.count} prepared)`] : []),
      ],
      durationMs,
      rps: (w.requests / durationMs) * 1000,
      p50: w.p50 / 1000,
      p99: w.p99 / 1000,
      max: w.max / 1000,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
