// Runs housekeeping tasks on an interval (temp sweeps, outbox pruning, expiry scans), started and stopped with the System.
import type { Logger } from '../logger.js';

/** Periodic tasks of one System; nothing runs until `start()`, and `stop()` waits for runs in progress. */
export interface PeriodicScheduler {
  /**
   * Runs `fn` every `ms` (after the previous run finished, so runs never overlap); with
   * `runAtStart` the first run is at `start()`. A throwing run is logged and the schedule goes on.
   * Tasks registered after `start()` start at once.
   */
  every(name: string, ms: number, fn: () => Promise<void> | void, opts?: { runAtStart?: boolean }): void;
  start(): void;
  stop(): Promise<void>;
}

interface Task {
  name: string;
  ms: number;
  fn: () => Promise<void> | void;
  runAtStart: boolean;
  timer?: NodeJS.Timeout;
  current?: Promise<void>;
}

/** How a scheduler shares its tasks with other processes. */
export interface PeriodicOptions {
  /**
   * Asked before each run whether this process should run task `name` now (a fleet-wide lease,
   * `core/jobs/leases.ts`); a refusal skips this run only. Default: always run.
   */
  claim?: (name: string, periodMs: number) => boolean;
}

/** Builds a scheduler; each System owns one (no module-level timers). */
export function createPeriodicScheduler(logger: Logger, opts: PeriodicOptions = {}): PeriodicScheduler {
  const tasks: Task[] = [];
  let running = false;

  const arm = (t: Task, delay: number) => {
    t.timer = setTimeout(() => {
      t.timer = undefined;
      t.current = (async () => {
        try {
          if (opts.claim && !opts.claim(t.name, t.ms)) return;
          await t.fn();
        } catch (e) {
          logger.error({ task: t.name, err: e instanceof Error ? e.message : String(e) }, 'periodic task failed');
        }
      })().finally(() => {
        t.current = undefined;
        if (running) arm(t, t.ms);
      });
    }, delay);
    t.timer.unref();
  };

  return {
    every(name, ms, fn, opts) {
      const t: Task = { name, ms, fn, runAtStart: opts?.runAtStart ?? false };
      tasks.push(t);
      if (running) arm(t, t.runAtStart ? 0 : t.ms);
    },
    start() {
      if (running) return;
      running = true;
      for (const t of tasks) arm(t, t.runAtStart ? 0 : t.ms);
    },
    async stop() {
      running = false;
      for (const t of tasks) {
        if (t.timer) clearTimeout(t.timer);
        t.timer = undefined;
      }
      await Promise.allSettled(tasks.map((t) => t.current));
    },
  };
}
