// Turns one load run's raw latencies into the LoadResult every load-generator process prints.
import type { LoadResult } from './harness.js';

/** Percentiles and rate of one run's latencies (sorted in place). */
export function summariseLoad(name: string, latencies: number[], errors: number, errorSamples: string[], durationMs: number): LoadResult {
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]! : 0);
  return {
    name,
    requests: latencies.length,
    errors,
    errorSamples,
    durationMs,
    rps: (latencies.length / durationMs) * 1000,
    p50: pct(50),
    p99: pct(99),
    max: latencies.at(-1) ?? 0,
  };
}

/**
 * One result from several rounds of the same scenario: totals for requests and time (so req/s is
 * the overall rate), the median round's latency percentiles, server CPU weighted by requests.
 */
export function mergeRounds<T extends LoadResult>(rounds: T[]): T {
  if (!rounds.length) throw new Error('no rounds to merge');
  const requests = rounds.reduce((a, r) => a + r.requests, 0);
  const durationMs = rounds.reduce((a, r) => a + r.durationMs, 0);
  const median = (f: (r: T) => number) => rounds.map(f).sort((a, b) => a - b)[Math.floor(rounds.length / 2)]!;
  const cpu = rounds.every((r) => r.serverCpuUsPerReq !== undefined) ? rounds.reduce((a, r) => a + r.serverCpuUsPerReq! * r.requests, 0) / requests : undefined;
  const merged: T = {
    ...rounds[0]!,
    requests,
    errors: rounds.reduce((a, r) => a + r.errors, 0),
    errorSamples: rounds.flatMap((r) => r.errorSamples).slice(0, 3),
    durationMs,
    rps: (requests / durationMs) * 1000,
    p50: median((r) => r.p50),
    p99: median((r) => r.p99),
    max: Math.max(...rounds.map((r) => r.max)),
    serverCpuUsPerReq: cpu,
  };
  if ('bytesPerSecond' in merged) {
    const bytes = rounds.reduce((a, r) => a + ((r as unknown as { bytesPerSecond: number }).bytesPerSecond * r.durationMs) / 1000, 0);
    (merged as unknown as { bytesPerSecond: number }).bytesPerSecond = (bytes / durationMs) * 1000;
  }
  return merged;
}

/**
 * Runs a baseline and a contender in alternating rounds (B, C, B, C, ...) and merges each side, so
 * that load from anything else on the machine falls on both alike instead of on whichever ran second.
 */
export async function alternateRounds<T extends LoadResult>(rounds: number, baseline: (round: number) => Promise<T>, contender: (round: number) => Promise<T>): Promise<[T, T]> {
  const b: T[] = [];
  const c: T[] = [];
  for (let i = 0; i < rounds; i++) {
    b.push(await baseline(i));
    c.push(await contender(i));
  }
  return [mergeRounds(b), mergeRounds(c)];
}
