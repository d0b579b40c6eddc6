// The scale-out queue: outbox rows relayed into BullMQ (deterministic job ids) and processed by BullMQ Workers.
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { EnqueueOptions, JobName, JobPayloads, JobProcessor, JobQueue, OutboxStore } from '../../core/jobs/port.js';
import { silentLogger, type Logger } from '../../core/logger.js';
import { describeError, exponentialRetry, type RetryPolicy } from './retry.js';

/** Where Redis is and how to behave on it; everything else has a production default. */
export interface BullMqQueueOptions {
  store: OutboxStore;
  /** `redis://…` or `rediss://…` (REDIS_URL). */
  redisUrl: string;
  /** Key prefix of every BullMQ key (one per deployment, or per test run). */
  prefix?: string;
  logger?: Logger;
  /** Jobs run at once per job name in this process. */
  concurrency?: number;
  retry?: RetryPolicy;
  /** How often the outbox is checked for rows to relay when nothing nudged it. */
  relayPollMs?: number;
  /** How long finished jobs stay in Redis (their ids keep deduplicating meanwhile). */
  keepFinishedMs?: number;
  /** Run the registered processors here (default true); false relays the outbox only (a gateway-only process). */
  consume?: boolean;
  /**
   * How long a running job's lock lasts without renewal, and how often workers look for jobs whose
   * worker died (BullMQ's lockDuration and stalledInterval; default 30 s). A dead worker's job runs again
   * elsewhere within about two of these.
   */
  leaseMs?: number;
}

/** How long one process's claim on a batch of outbox rows to relay lasts; a relay that died is taken over after it. */
const RELAY_LEASE_MS = 30_000;

/**
 * BullMQ's job ids may not be integers or contain `:`; outbox ids may. This escaping is
 * injective, so equal outbox ids give equal BullMQ ids (dedup) and distinct ones stay distinct.
 */
export function toBullJobId(id: string): string {
  return `o_${id.replace(/%/g, '%25').replace(/:/g, '%3A')}`;
}

/** The inverse of `toBullJobId`. */
export function fromBullJobId(bullId: string): string {
  return bullId.slice(2).replace(/%3A/g, ':').replace(/%25/g, '%');
}

/**
 * JobQueue on BullMQ. Core still writes jobs to the outbox (in its transactions); this adapter
 * relays pending outbox rows into one BullMQ queue per job name, with the outbox id as the
 * BullMQ job id (so a relay repeated after a crash cannot duplicate a job), then marks them
 * relayed. BullMQ Workers deliver them, with retries (`RetryPolicy`) and stalled-job recovery.
 */
export class BullMqQueue implements JobQueue {
  private readonly store: OutboxStore;
  private readonly logger: Logger;
  private readonly connection: { url: string; maxRetriesPerRequest: null };
  private readonly prefix: string;
  private readonly concurrency: number;
  private readonly retry: RetryPolicy;
  private readonly relayPollMs: number;
  private readonly keepFinishedSeconds: number;
  private readonly consume: boolean;
  private readonly leaseMs: number;
  private readonly processors = new Map<string, JobProcessor<JobName>>();
  private readonly queues = new Map<string, Queue>();
  private readonly workers: Worker[] = [];
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private relaying: Promise<void> | undefined;
  private relayAgain = false;

  constructor(opts: BullMqQueueOptions) {
    this.store = opts.store;
    this.logger = opts.logger ?? silentLogger;
    this.connection = { url: opts.redisUrl, maxRetriesPerRequest: null };
    this.prefix = opts.prefix ?? 'skybridge';
    this.concurrency = opts.concurrency ?? 4;
    this.retry = opts.retry ?? exponentialRetry();
    this.relayPollMs = opts.relayPollMs ?? 250;
    this.keepFinishedSeconds = Math.ceil((opts.keepFinishedMs ?? 24 * 3600 * 1000) / 1000);
    this.consume = opts.consume ?? true;
    this.leaseMs = opts.leaseMs ?? 30_000;
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
    this.running = true;
    for (const name of this.consume ? this.processors.keys() : []) {
      await this.reclaimOrphans(name).catch((e: unknown) => this.logger.warn({ err: describeError(e), job: name }, 'job queue: could not reclaim orphaned jobs; they come back when their lock expires'));
      const worker = new Worker(name, (job: Job) => this.handle(name, job), {
        connection: this.connection,
        prefix: this.prefix,
        concurrency: this.concurrency,
        lockDuration: this.leaseMs,
        stalledInterval: this.leaseMs,
        settings: { backoffStrategy: (attemptsMade: number) => this.retry.backoffMs(attemptsMade) },
      });
      worker.on('error', (e) => this.logger.error({ err: describeError(e), job: name }, 'job worker error'));
      worker.on('failed', (job, e) => {
        this.logger.warn({ err: describeError(e), job: name, job_id: job?.id }, 'job attempt failed');
        // Failed for good (attempts spent, or stalled too often): the outbox row says so, so recovery acts on its instance.
        if (job?.id)
          void job
            .isFailed()
            .then((final) => (final ? this.store.failRelayed(fromBullJobId(job.id!), describeError(e)) : undefined))
            .catch((err: unknown) => this.logger.warn({ err: describeError(err), job: name, job_id: job.id }, 'job queue: could not record a failed job'));
      });
      this.workers.push(worker);
    }
    this.nudge();
  }

  /**
   * Relays the outbox, then waits until BullMQ has no due, running or retrying job of a registered name,
   * twice in a row: the queues are read one after another, so a job that enqueues another (blob.audit →
   * blob.gc) can finish after its queue was read, its follow-up landing in a queue read just before.
   */
  async drain(): Promise<void> {
    const names = [...this.processors.keys()];
    let quietPasses = 0;
    for (;;) {
      await this.relayNow();
      let busy = false;
      for (const name of names) {
        const q = this.queueFor(name);
        // One atomic read of every state: a job cycling delayed → waiting → active → delayed is seen somewhere.
        const { delayed: delayedCount = 0, ...rest } = await q.getJobCounts('waiting', 'active', 'prioritized', 'waiting-children', 'delayed');
        if (Object.values(rest).some((n) => n > 0)) {
          busy = true;
          break;
        }
        if (delayedCount === 0) continue;
        const now = Date.now();
        const delayed = await q.getDelayed();
        // A delayed job that is a retry or already due counts; one that moved on since the count means "look again".
        if (delayed.length !== delayedCount || delayed.some((j) => j.attemptsMade > 0 || j.timestamp + (j.opts.delay ?? 0) <= now)) {
          busy = true;
          break;
        }
      }
      if (!busy && (await this.store.pendingForRelay(1)).every((j) => !names.includes(j.name))) {
        if (++quietPasses >= 2) return;
        continue;
      }
      quietPasses = 0;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Stops relaying and delivery (waiting for running jobs) and closes every Redis connection it opened. */
  async close(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.relaying?.catch(() => undefined);
    await Promise.allSettled(this.workers.splice(0).map((w) => w.close()));
    const queues = [...this.queues.values()];
    this.queues.clear();
    await Promise.allSettled(queues.map((q) => q.close()));
  }

  /**
   * Jobs left active by a dead process (a SIGKILL closes its Redis connections at once) wait for BullMQ's
   * stalled check, one to two lock durations. When no worker of queue `name` is connected, no live
   * process can hold any of its active jobs: their locks are dropped and they are marked for the stalled
   * check this process's worker runs as it starts, so a restart resumes its predecessor's jobs at once.
   * Another process's worker that connects meanwhile is at worst delivered a job twice, which
   * at-least-once delivery allows.
   */
  private async reclaimOrphans(name: string): Promise<void> {
    const q = this.queueFor(name);
    if ((await q.getWorkersCount()) > 0) return;
    // BullMQ's client interface has no SADD: one short connection of our own, for this start only.
    const redis = new Redis(this.connection.url, { maxRetriesPerRequest: 1, lazyConnect: true });
    let active: string[];
    try {
      await redis.connect();
      active = await redis.lrange(q.keys.active!, 0, -1);
      if (!active.length) return;
      const tx = redis.multi();
      for (const id of active) tx.del(`${q.toKey(id)}:lock`);
      tx.sadd(q.keys.stalled!, ...active);
      tx.del(q.keys['stalled-check']!);
      await tx.exec();
    } finally {
      redis.disconnect();
    }
    this.logger.warn({ job: name, jobs: active.length }, 'job queue: reclaimed the active jobs of a process that is gone');
  }

  private queueFor(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connection, prefix: this.prefix });
      q.on('error', (e) => this.logger.error({ err: describeError(e), job: name }, 'job queue error'));
      this.queues.set(name, q);
    }
    return q;
  }

  private async handle(name: string, job: Job): Promise<void> {
    const processor = this.processors.get(name);
    if (!processor) throw new Error(`no processor for ${name}`);
    await processor(job.data as JobPayloads[JobName], { jobId: fromBullJobId(job.id ?? ''), attempt: job.attemptsMade + 1 });
  }

  notify(): void {
    this.nudge();
  }

  private nudge(): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.relayLoop(), 0);
    this.timer.unref();
  }

  private async relayLoop(): Promise<void> {
    this.timer = undefined;
    if (!this.running) return;
    try {
      await this.relayNow();
    } catch (e) {
      this.logger.error({ err: describeError(e) }, 'job relay failed; will retry');
    }
    if (this.running && !this.timer) {
      this.timer = setTimeout(() => void this.relayLoop(), this.relayPollMs);
      this.timer.unref();
    }
  }

  /** Hands every pending outbox row to BullMQ; concurrent calls share one pass (plus one more if asked meanwhile). */
  private relayNow(): Promise<void> {
    if (this.relaying) {
      this.relayAgain = true;
      return this.relaying;
    }
    const pass = (async () => {
      do {
        this.relayAgain = false;
        for (;;) {
          const batch = await this.store.claimForRelay({ limit: 100, leaseMs: RELAY_LEASE_MS });
          if (!batch.length) break;
          const now = Date.now();
          // One addBulk per queue (one Redis round trip) instead of an add per job; the job ids still deduplicate.
          const byName = new Map<string, typeof batch>();
          for (const j of batch) byName.set(j.name, [...(byName.get(j.name) ?? []), j]);
          await Promise.all(
            [...byName].map(([name, list]) =>
              this.queueFor(name).addBulk(
                list.map((j) => ({
                  name: j.name,
                  data: j.payload,
                  opts: {
                    jobId: toBullJobId(j.id),
                    delay: Math.max(0, j.runAt - now),
                    attempts: this.retry.maxAttempts,
                    backoff: { type: 'custom' },
                    removeOnComplete: { age: this.keepFinishedSeconds },
                    removeOnFail: { age: this.keepFinishedSeconds * 7 },
                  },
                })),
              ),
            ),
          );
          await this.store.markRelayed(batch.map((j) => j.id));
        }
      } while (this.relayAgain);
    })().finally(() => {
      this.relaying = undefined;
    });
    this.relaying = pass;
    return pass;
  }
}
