// Drizzle schema for the job outbox: written in the caller's transaction; the embedded queue IS this table.
import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';

/**
 * One background job. `status`: `pending` (waiting for run_at) → `running` (claimed until
 * locked_until; a crashed worker's claim expires and the job is claimed again) → `done` or
 * `failed` (attempts exhausted); with BullMQ, `pending` → `relaying` (claimed by one relaying process until
 * locked_until) → `relayed` once handed to Redis.
 * Finished rows are kept a while so deterministic ids keep deduplicating, then pruned.
 */
export const jobs = sqliteTable(
  'jobs',
  {
    /** Caller's deterministic id, or a generated UUID. Unique: enqueuing it twice is a no-op. */
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    payload: text('payload', { mode: 'json' }).$type<unknown>().notNull(),
    runAt: integer('run_at').notNull(),
    attempts: integer('attempts').notNull().default(0),
    status: text('status', { enum: ['pending', 'running', 'done', 'failed', 'relaying', 'relayed'] }).notNull().default('pending'),
    lockedUntil: integer('locked_until'),
    /** The consumer (`job_consumers.holder`) holding a `running` claim: a claim whose holder stopped beating is taken back before its lease ends. */
    lockedBy: text('locked_by'),
    lastError: text('last_error'),
    createdAt: integer('created_at').notNull(),
    /** When the row last changed state; finished rows are pruned by it. */
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('jobs_status_run_at_idx').on(t.status, t.runAt), index('jobs_status_updated_idx').on(t.status, t.updatedAt)],
);

/**
 * The processes consuming the outbox (embedded queue), each beating its row while it runs: a running
 * job whose holder's beat is stale belongs to a dead process (a SIGKILL, a lost machine) and is
 * claimed again at once instead of after its lease, so a restart resumes its predecessor's work.
 */
export const jobConsumers = sqliteTable('job_consumers', {
  holder: text('holder').primaryKey(),
  beatAt: integer('beat_at').notNull(),
});
