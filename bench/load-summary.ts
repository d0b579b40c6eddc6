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
