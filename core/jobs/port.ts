// The queue port: how core enqueues background work and how workers register processors.

/** Every job the system knows, by name, with its payload type. Payloads carry ids, never whole rows. */
export interface JobPayloads {
  /** Delete blobs no longer referenced by any object version or part. */
  'blob.gc': { blobKeys: string[] };
  /** Delete an object whose X-Delete-At has passed, if it is still the same version. */
  'object.expire': { projectId: string; container: string; name: string; versionId: string };
  /** Abort a multipart upload left incomplete past its deadline. */
  'multipart.cleanup': { uploadId: string };
}

export type JobName = keyof JobPayloads;

/** Options for one enqueue. */
export interface EnqueueOptions {
  /** Earliest time to run, ms since epoch. */
  runAt?: number;
  /** Deterministic id: enqueuing twice with the same id runs the job once. */
  jobId?: string;
}

/** A processor. It must be idempotent: delivery is at-least-once. */
export type JobProcessor<N extends JobName> = (payload: JobPayloads[N], meta: { jobId: string; attempt: number }) => Promise<void>;

/**
 * The queue port. Adapters: embedded durable (SQLite table, the default) and BullMQ (when REDIS_URL is set).
 * `enqueueInTx` writes the job in the caller's open database transaction (the outbox), so a crash
 * between commit and delivery loses nothing.
 */
export interface JobQueue {
  enqueue<N extends JobName>(name: N, payload: JobPayloads[N], opts?: EnqueueOptions): Promise<string>;
  process<N extends JobName>(name: N, processor: JobProcessor<N>): void;
  /** Start delivering jobs to registered processors. */
  start(): Promise<void>;
  /** Resolve once every job due now has been processed (tests and shutdown). */
  drain(): Promise<void>;
  close(): Promise<void>;
}
