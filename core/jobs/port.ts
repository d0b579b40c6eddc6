// The queue port: how core enqueues background work and how workers register processors.

/** Every job the system knows, by name, with its payload type. Payloads carry ids, never whole rows. */
export interface JobPayloads {
  /** Delete blobs no longer referenced by any object version or part. */
  'blob.gc': { blobKeys: string[] };
  /**
   * Find stored blobs written before `cutoff` (ms since epoch) that no object or part references (a
   * crash between a blob landing and its metadata committing) and hand them to `blob.gc`.
   */
  'blob.audit': { cutoff: number };
  /** Delete an object whose X-Delete-At has passed, if it is still the same version. */
  'object.expire': { projectId: string; container: string; name: string; versionId: string };
  /** Abort a multipart upload left incomplete past its deadline. */
  'multipart.cleanup': { uploadId: string };
  /** Run an image import task (glance-direct or web-download) to its end: image active, or back to queued with the failure on the task. */
  'image.import': { taskId: string };
  /**
   * A port was bound to (or moved to) `host`: that host's L2 agent plugs it and reports it up; the port goes
   * DOWN → ACTIVE if it is still bound there at revision ≥ `revision`.
   */
  'network.port.bind': { portId: string; host: string; revision: number };
  /** A bound port was deleted or unbound: `host`'s L2 agent unplugs it (the port row may be gone). */
  'network.port.unbind': { portId: string; host: string; networkId: string; macAddress: string };
  /** A router changed (created, gateway, interfaces, routes, deleted): the L3 agent on `host` converges its namespace to the router's current state. */
  'network.router.sync': { routerId: string; host: string };
  /** A floating IP changed (associated, moved, released): the L3 agent converges its NAT rules, then reports the floating IP's status. */
  'network.floatingip.sync': { floatingIpId: string; host: string; floatingIpAddress: string };
  /** A network's subnets changed: the DHCP agent on `host` converges the network's DHCP namespace. */
  'network.dhcp.sync': { networkId: string; host: string };
  /** Pick a host for an instance in `scheduling` (or `unshelving`) and claim its resources (nova-scheduler). `attempt` counts reschedules. */
  'compute.schedule': { instanceId: string; attempt: number; migrationId?: number };
  /** Build and run an instance on the host the scheduler claimed (nova-compute `build_and_run_instance`). */
  'compute.build': { instanceId: string; host: string; attempt: number };
  /** Run a server action on its host; the instance must still be in `taskState` (the API set it). */
  'compute.action': { instanceId: string; action: string; taskState: string; imageId?: string };
  /** Tear a server down on its host, release its ports, claims and quota, and mark it deleted. */
  'compute.delete': { instanceId: string };
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
 * Both sit on the OUTBOX (the `jobs` table): core services write jobs with `enqueueInTx(tx, …)` from
 * `core/jobs/outbox.ts` inside their own synchronous transaction, so a crash between commit and
 * delivery loses nothing; `enqueue` here is the same insert outside a transaction.
 */
export interface JobQueue {
  /** Writes the job to the outbox (deduplicated by `jobId`) and returns its id. */
  enqueue<N extends JobName>(name: N, payload: JobPayloads[N], opts?: EnqueueOptions): Promise<string>;
  process<N extends JobName>(name: N, processor: JobProcessor<N>): void;
  /** Start delivering jobs to registered processors. */
  start(): Promise<void>;
  /** Resolve once every job due now has been processed (tests and shutdown). */
  drain(): Promise<void>;
  close(): Promise<void>;
  /** Jobs were written into the outbox by a committed transaction (`enqueueInTx`): look now instead of at the next poll. */
  notify(): void;
}

/** One outbox row as handed to a queue adapter. `attempts` counts deliveries, this one included once claimed. */
export interface OutboxJob {
  id: string;
  name: JobName;
  payload: unknown;
  runAt: number;
  attempts: number;
}

/**
 * Who claims, for `OutboxStore.claim`: the claim is recorded as `holder`'s, and a `running` job whose
 * holder has not beaten (`beat`) within `staleMs` is claimed again as if its lease had ended.
 */
export interface ConsumerClaim {
  holder: string;
  staleMs: number;
}

/**
 * The outbox as queue adapters see it. Implemented in core over the database
 * (`createOutboxStore` in `core/jobs/outbox.ts`) and handed to the adapter by the composition
 * root, because backends never touch the database. Calls that finish a claimed job pass the
 * `attempt` they were claimed with, so a worker whose claim expired (and was re-claimed
 * elsewhere) cannot overwrite the newer claim's outcome.
 */
export interface OutboxStore {
  /** Inserts a job outside any transaction; a row with the same id already present wins. */
  add<N extends JobName>(name: N, payload: JobPayloads[N], opts?: EnqueueOptions): Promise<string>;
  /**
   * Atomically claims up to `limit` jobs named in `names` that are due (`pending`, run_at ≤ now)
   * or whose previous claim expired (`running`, locked_until ≤ now, or held by a consumer whose
   * beat is older than `consumer.staleMs`): they become `running` until now + leaseMs, held by
   * `consumer.holder`, with attempts incremented.
   */
  claim(opts: { names: readonly string[]; limit: number; leaseMs: number; now?: number; consumer?: ConsumerClaim }): Promise<OutboxJob[]>;
  /** Records that consumer `holder` is alive now (and forgets consumers silent for a day). */
  beat(holder: string, now?: number): Promise<void>;
  /** A consumer that stopped cleanly: its row goes (its claims were completed or keep their lease). */
  retire(holder: string): Promise<void>;
  /** Pushes a running claim's expiry forward (long jobs); false if the claim was lost. */
  extend(id: string, attempt: number, lockedUntil: number): Promise<boolean>;
  complete(id: string, attempt: number): Promise<void>;
  /** Puts a failed job back to `pending` at `runAt`, recording the error. */
  retry(id: string, attempt: number, runAt: number, error: string): Promise<void>;
  /** Gives up on a job for good (`failed`), recording the error. */
  fail(id: string, attempt: number, error: string): Promise<void>;
  /** True while a job named in `names` is running, due, or waiting for a retry. */
  hasOutstanding(names: readonly string[], now?: number): Promise<boolean>;
  /** Pending (or being relayed) jobs, due or not, oldest run_at first: what a relay (BullMQ) must still hand over. */
  pendingForRelay(limit: number): Promise<OutboxJob[]>;
  /**
   * Claims up to `limit` pending jobs for relaying (status `relaying` until now + leaseMs) with a
   * compare-and-swap, so two relaying processes never hand over the same job; a relay that died
   * mid-batch loses its claim when the lease ends and another process relays those jobs.
   */
  claimForRelay(opts: { limit: number; leaseMs: number; now?: number }): Promise<OutboxJob[]>;
  /** Marks jobs handed to another queue, so they are not relayed again. */
  markRelayed(ids: readonly string[]): Promise<void>;
  /** A relayed job the other queue gave up on for good: `failed` with the error, so crash recovery stops waiting for it. */
  failRelayed(id: string, error: string): Promise<void>;
  /** Deletes finished (`done`, `failed`, `relayed`) rows last changed before `before`; returns how many. */
  prune(before: number): Promise<number>;
}
