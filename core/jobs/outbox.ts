// The job outbox over the database: transactional enqueue for core services, and the OutboxStore the queue adapters drive.
import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, isNotNull, lte, notInArray, or, sql, gt } from 'drizzle-orm';
import type Database from 'better-sqlite3';
import type { Db } from '../db/index.js';
import { jobConsumers, jobs } from '../db/schema/jobs.js';
import { errors } from '../errors.js';
import type { EnqueueOptions, JobName, JobPayloads, OutboxJob, OutboxStore } from './port.js';

/** The database handle or an open transaction on it: both can insert synchronously. */
export type DbOrTx = Db | Parameters<Parameters<Db['transaction']>[0]>[0];

const MAX_JOB_ID = 512;

/**
 * Writes a job into the outbox on `tx` — call it INSIDE the synchronous drizzle transaction that
 * makes the state change the job follows up on, so the job exists iff the change committed.
 * With `opts.jobId`, a row with that id already present (pending, running or recently finished)
 * makes this a no-op. Returns the job id.
 */
export function enqueueInTx<N extends JobName>(tx: DbOrTx, name: N, payload: JobPayloads[N], opts: EnqueueOptions = {}, now = Date.now()): string {
  const id = opts.jobId ?? randomUUID();
  if (!id || id.length > MAX_JOB_ID) throw errors.invalid('A job id must be 1 to 512 characters.', { resource: 'job' });
  tx.insert(jobs)
    .values({ id, name, payload, runAt: opts.runAt ?? now, status: 'pending', attempts: 0, createdAt: now, updatedAt: now })
    .onConflictDoNothing()
    .run();
  return id;
}

const toJob = (r: typeof jobs.$inferSelect): OutboxJob => ({ id: r.id, name: r.name as JobName, payload: r.payload, runAt: r.runAt, attempts: r.attempts });

/** The error text kept on a row: enough to debug, bounded so a huge message cannot bloat the table. */
const clip = (s: string) => (s.length > 2000 ? `${s.slice(0, 2000)}…` : s);

/** Builds the OutboxStore adapters use, over `db`. `clock` is injectable for tests. */
/** Job counts by name and status (`pending`, `running`, `done`, `failed`, `relayed`): the queue depth metrics read them. */
export interface OutboxStats {
  counts(): Promise<Array<{ name: string; status: string; count: number }>>;
}

/** How the store runs its own bookkeeping writes. */
export interface OutboxStoreOptions {
  /**
   * Runs a claim, lease renewal, completion or relay claim and mark, e.g. without waiting for its own
   * fsync (SQLite `synchronous = NORMAL` in WAL mode: a process crash loses nothing, a power loss at
   * most the tail, and the next FULL commit syncs it anyway). Losing such a write only re-delivers a
   * job (or relays it again, which BullMQ's deterministic job ids deduplicate), which at-least-once
   * delivery already allows. `add` (a caller's acknowledged enqueue) never uses it.
   */
  bookkeeping?: <T>(write: () => T) => T;
}

/**
 * The bookkeeping of a SQLite connection at `synchronous = FULL` (WAL): each write commits at NORMAL (not
 * synced by itself; the next FULL commit or group-commit sync covers it), or inside the transaction already
 * open. Undefined elsewhere (PostgreSQL, or a connection not at FULL): writes run as they are.
 */
export function walBookkeeping(sqlite: Pick<Database.Database, 'pragma' | 'inTransaction'> | undefined): OutboxStoreOptions['bookkeeping'] {
  if (!sqlite || Number(sqlite.pragma('synchronous', { simple: true })) < 2) return undefined;
  return (write) => {
    if (sqlite.inTransaction) return write();
    sqlite.pragma('synchronous = NORMAL');
    try {
      return write();
    } finally {
      sqlite.pragma('synchronous = FULL');
    }
  };
}

export function createOutboxStore(db: Db, clock: () => number = Date.now, opts: OutboxStoreOptions = {}): OutboxStore & OutboxStats {
  const book = opts.bookkeeping ?? (<T>(write: () => T) => write());
  const claimed = (id: string, attempt: number) => and(eq(jobs.id, id), eq(jobs.status, 'running'), eq(jobs.attempts, attempt));
  return {
    async add(name, payload, opts) {
      return enqueueInTx(db, name, payload, opts, clock());
    },

    async claim({ names, limit, leaseMs, now = clock(), consumer }) {
      if (!names.length || limit <= 0) return [];
      // A running claim is free once its lease ended, or once its holder stopped beating (a dead process).
      const alive = db
        .select({ holder: jobConsumers.holder })
        .from(jobConsumers)
        .where(gt(jobConsumers.beatAt, now - (consumer?.staleMs ?? 0)));
      const lost = consumer ? or(lte(jobs.lockedUntil, now), and(isNotNull(jobs.lockedBy), notInArray(jobs.lockedBy, alive))) : lte(jobs.lockedUntil, now);
      const claimable = or(and(eq(jobs.status, 'pending'), lte(jobs.runAt, now)), and(eq(jobs.status, 'running'), lost));
      // Two ordered reads, not one with an OR: the OR made the database gather and sort every due row on each
      // claim (a storm of a thousand pending jobs, re-sorted per claim), where `(status, run_at)` walked in order
      // stops after `limit` rows.
      const named = inArray(jobs.name, [...names]);
      const pending = db
        .select({ id: jobs.id, runAt: jobs.runAt })
        .from(jobs)
        .where(and(eq(jobs.status, 'pending'), lte(jobs.runAt, now), named))
        .orderBy(asc(jobs.runAt))
        .limit(limit)
        .all();
      const freed = db
        .select({ id: jobs.id, runAt: jobs.runAt })
        .from(jobs)
        .where(and(eq(jobs.status, 'running'), lost, named))
        .orderBy(asc(jobs.runAt))
        .limit(limit)
        .all();
      const due = [...pending, ...freed]
        .sort((a, b) => a.runAt - b.runAt)
        .slice(0, limit)
        .map((r) => r.id);
      if (!due.length) return [];
      // One statement, and a compare-and-swap: the due condition is repeated on the row itself, so on
      // PostgreSQL (READ COMMITTED, no transaction here) a process that waited for another's claim of the
      // same row re-checks it after that claim committed and skips it; two processes never claim one job.
      const rows = book(() =>
        db
          .update(jobs)
          .set({ status: 'running', attempts: sql`${jobs.attempts} + 1`, lockedUntil: now + leaseMs, lockedBy: consumer?.holder ?? null, updatedAt: now })
          .where(and(inArray(jobs.id, due), claimable))
          .returning()
          .all(),
      );
      return rows.sort((a, b) => a.runAt - b.runAt).map(toJob);
    },

    async beat(holder, now = clock()) {
      book(() => {
        db.insert(jobConsumers).values({ holder, beatAt: now }).onConflictDoUpdate({ target: jobConsumers.holder, set: { beatAt: now } }).run();
        db.delete(jobConsumers).where(lte(jobConsumers.beatAt, now - 24 * 3600 * 1000)).run();
      });
    },

    async retire(holder) {
      book(() => db.delete(jobConsumers).where(eq(jobConsumers.holder, holder)).run());
    },

    async extend(id, attempt, lockedUntil) {
      return book(() => db.update(jobs).set({ lockedUntil }).where(claimed(id, attempt)).run().changes > 0);
    },

    async complete(id, attempt) {
      book(() => db.update(jobs).set({ status: 'done', lockedUntil: null, lockedBy: null, updatedAt: clock() }).where(claimed(id, attempt)).run());
    },

    async retry(id, attempt, runAt, error) {
      book(() => db.update(jobs).set({ status: 'pending', runAt, lockedUntil: null, lockedBy: null, lastError: clip(error), updatedAt: clock() }).where(claimed(id, attempt)).run());
    },

    async fail(id, attempt, error) {
      db.update(jobs).set({ status: 'failed', lockedUntil: null, lockedBy: null, lastError: clip(error), updatedAt: clock() }).where(claimed(id, attempt)).run();
    },

    async hasOutstanding(names, now = clock()) {
      if (!names.length) return false;
      const row = db
        .select({ id: jobs.id })
        .from(jobs)
        .where(
          and(
            inArray(jobs.name, [...names]),
            or(eq(jobs.status, 'running'), and(eq(jobs.status, 'pending'), or(lte(jobs.runAt, now), gt(jobs.attempts, 0)))),
          ),
        )
        .limit(1)
        .get();
      return row !== undefined;
    },

    async pendingForRelay(limit) {
      return db.select().from(jobs).where(inArray(jobs.status, ['pending', 'relaying'])).orderBy(asc(jobs.runAt)).limit(limit).all().map(toJob);
    },

    async claimForRelay({ limit, leaseMs, now = clock() }) {
      if (limit <= 0) return [];
      const relayable = or(eq(jobs.status, 'pending'), and(eq(jobs.status, 'relaying'), lte(jobs.lockedUntil, now)));
      const due = db.select({ id: jobs.id }).from(jobs).where(relayable).orderBy(asc(jobs.runAt)).limit(limit);
      // Compare-and-swap as in `claim`: the row must still be relayable when the update reaches it.
      const rows = book(() =>
        db
          .update(jobs)
          .set({ status: 'relaying', lockedUntil: now + leaseMs, updatedAt: now })
          .where(and(inArray(jobs.id, due), relayable))
          .returning()
          .all(),
      );
      return rows.sort((a, b) => a.runAt - b.runAt).map(toJob);
    },

    async markRelayed(ids) {
      if (!ids.length) return;
      book(() =>
        db
          .update(jobs)
          .set({ status: 'relayed', lockedUntil: null, updatedAt: clock() })
          .where(and(inArray(jobs.id, [...ids]), inArray(jobs.status, ['pending', 'relaying'])))
          .run(),
      );
    },

    async failRelayed(id, error) {
      db.update(jobs).set({ status: 'failed', lastError: clip(error), updatedAt: clock() }).where(and(eq(jobs.id, id), eq(jobs.status, 'relayed'))).run();
    },

    async counts() {
      return db
        .select({ name: jobs.name, status: jobs.status, count: sql<number>`count(*)` })
        .from(jobs)
        .groupBy(jobs.name, jobs.status)
        .all()
        .map((r) => ({ name: r.name, status: r.status, count: Number(r.count) }));
    },

    async prune(before) {
      return db
        .delete(jobs)
        .where(and(inArray(jobs.status, ['done', 'failed', 'relayed']), lte(jobs.updatedAt, before)))
        .run().changes;
    },
  };
}
