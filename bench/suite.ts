// The contract a benchmark suite implements so `bench/run.ts` can run it beside the others.
import type { RatioRow, ServedProcess } from './harness.js';

/** What every suite gets: the running skybridge and the run's settings. */
export interface BenchContext {
  skybridge: ServedProcess;
  concurrency: number;
  /** Multiplier for request counts and time limits (1 normally; smaller with `--quick`). */
  scale: number;
}

/** A named group of scenarios; each returns rows for the ratio table against the bare-Hono baseline. */
export interface BenchSuite {
  name: string;
  run(ctx: BenchContext): Promise<RatioRow[]>;
}
