// The default durable queue: the outbox table itself, polled and claimed in-process with leases and retries.
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../core/logger.js';
import { silentLogger } from '../../core/logger.js';
import type { EnqueueOptions, JobName, JobPayloads, JobProcessor, JobQueue, OutboxJob, OutboxStore } from '../../core/jobs/port.js';
import { describeError, exponentialRetry, type RetryPolicy } from './retry.js';

/** Tuning for the embedded queue; every field has a production default. */
export interface EmbeddedQueueOptions {
  store: OutboxStore;
  logger?: Logger;
  /** How often to look for due jobs when idle. */
  pollMs?: number;
  /** Jobs run at once in this process. */
  concurrency?: number;
  /** Visibility timeout: a claim not completed or extended within this is re-delivered (crashed worker). */
  leaseMs?: number;
  /**
   * How often this process records that it is alive (default 2 s); a running job whose process has
   * been silent for five of these is claimed again without waiting out its lease, so a restart after
   * a crash resumes the dead process's jobs within seconds.
   */
  beatMs?: number;
  retry?: RetryPolicy;
}

/**
 * JobQueue over the outbox: `enqueue` inserts a row; a poller claims due rows (one atomic UPDATE),
 * runs the registered processor, and completes, retries with backoff, or fails the row. Claims
 * carry a lease renewed while the processor runs, and name this process, which beats while it
 * runs: a crashed process's jobs come back once its beat is stale (or at the latest after
 * `leaseMs`). Delivery is at-least-once; processors must be idempotent.
 */
export class EmbeddedQueue implements JobQueue {
  private readonly store: OutboxStore;
  private readonly logger: Logger;
  private readonly pollMs: number;
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly retry: RetryPolicy;
  private readonly beatMs: number;
  /** This process's name on its claims and its beat row. */
  private readonly holder = randomUUID();
  private beater: NodeJS.Timeout | undefined;
  private readonly processors = new Map<string, JobProcessor<JobName>>();
  private readonly inFlight = new Set<Promise<void>>();
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  private tickAgain = false;

  constructor(opts: EmbeddedQueueOptions) {
    this.store = opts.store;
    this.logger = opts.logger ?? silentLogger;
    this.pollMs = opts.pollMs ?? 250;
    this.concurrency = opts.concurrency ?? 4;
    this.leaseMs = opts.leaseMs ?? 5 * 60 * 1000;
    this.retry = opts.retry ?? exponentialRetry();
    this.beatMs = opts.beatMs ?? 2000;
  }

  async enqueue<N extends JobName>(name: N, payload: JobPayloads[N], opts?: EnqueueOptions): Promise<string> {
    const id = await this.store.add(name, payload, opts);
    this.nudge();
    return id;
  }

  process<N extends JobName>(name: N, processor: JobProcessor<N>): void {
    this.processors.set(name, processor as unknown as JobProcessor<JobName>);
  }

  async start(): Promise<void> {
    if (this.running) return;
    await this.store.beat(this.holder);
    this.beater = setInterval(() => {
      this.store.beat(this.holder).catch((e: unknown) => this.logger.warn({ err: describeError(e) }, 'job queue: beat failed'));
    }, this.beatMs);
    this.beater.unref();
    this.running = true;
    this.nudge();
  }

  /** Waits until no registered job is running, due, or waiting for a retry. Needs `start()` first. */
  async drain(): Promise<void> {
    if (!this.running) throw new Error('EmbeddedQueue.drain() called before start() or after close()');
    const names = [...this.processors.keys()];
    for (;;) {
      if (this.inFlight.size === 0 && !(await this.store.hasOutstanding(names))) return;
      this.nudge();
      await new Promise((r) => setTimeout(r, Math.min(this.pollMs, 10)));
      if (!this.running) return;
    }
  }

  /** Stops claiming and waits for the jobs already running to finish. */
  async close(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await Promise.allSettled([...this.inFlight]);
    if (this.beater) {
      clearInterval(this.beater);
      this.beater = undefined;
      await this.store.retire(this.holder).catch((e: unknown) => this.logger.warn({ err: describeError(e) }, 'job queue: retire failed'));
    }
  }

  notify(): void {
    this.nudge();
  }

  private nudge(): void {
    if (this.running) this.schedule(0);
  }

  private schedule(delay: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delay);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    if (!this.running) return;
    if (this.ticking) {
      this.tickAgain = true;
      return;
    }
    this.ticking = true;
    let claimedFull = false;
    try {
      const free = this.concurrency - this.inFlight.size;
      if (free > 0 && this.processors.size > 0) {
        const jobs = await this.store.claim({ names: [...this.processors.keys()], limit: free, leaseMs: this.leaseMs, consumer: { holder: this.holder, staleMs: 5 * this.beatMs } });
        for (const job of jobs) this.run(job);
        claimedFull = jobs.length === free;
      }
    } catch (e) {
      this.logger.error({ err: describeError(e) }, 'job queue: claim failed');
    } finally {
      this.ticking = false;
      const again = this.tickAgain;
      this.tickAgain = false;
      // Free slots get refilled when a job finishes (nudge); otherwise poll at the idle rate.
      if (this.running && !this.timer) this.schedule(again && !claimedFull ? 0 : this.pollMs);
    }
  }

  private run(job: OutboxJob): void {
    const p = this.execute(job).finally(() => {
      this.inFlight.delete(p);
      this.nudge();
    });
    this.inFlight.add(p);
  }

  private async execute(job: OutboxJob): Promise<void> {
    const { id, name, attempts } = job;
    const log = this.logger.child({ job_id: id, job: name, attempt: attempts });
    try {
      const processor = this.processors.get(name);
      if (attempts > this.retry.maxAttempts || !processor) {
        // A job that keeps killing its worker before it can record a failure ends up here.
        await this.store.fail(id, attempts, processor ? 'attempts exhausted' : `no processor for ${name}`);
        log.error('job failed for good');
        return;
      }
      const heartbeat = setInterval(() => {
        this.store.extend(id, attempts, Date.now() + this.leaseMs).catch((e: unknown) => log.warn({ err: describeError(e) }, 'job lease renewal failed'));
      }, Math.max(1, Math.floor(this.leaseMs / 3)));
      heartbeat.unref();
      try {
        await processor(job.payload as JobPayloads[JobName], { jobId: id, attempt: attempts });
      } catch (e) {
        const why = describeError(e);
        if (attempts >= this.retry.maxAttempts) {
          await this.store.fail(id, attempts, why);
          log.error({ err: why }, 'job failed for good');
        } else {
          await this.store.retry(id, attempts, Date.now() + this.retry.backoffMs(attempts), why);
          log.warn({ err: why }, 'job failed; will retry');
        }
        return;
      } finally {
        clearInterval(heartbeat);
      }
      await this.store.complete(id, attempts);
    } catch (e) {
      // The outbox itself failed (database gone?): the lease will expire and the job come back.
      log.error({ err: describeError(e) }, 'job bookkeeping failed');
    }
  }
}
