// Group commit: concurrent small write transactions share one SQLite transaction, and one WAL fsync, done off the event loop, serves many requests.
import type Database from 'better-sqlite3';
import { closeSync, fdatasync, openSync } from 'node:fs';
import type { Db } from './index.js';

/** An open drizzle transaction (what the functions passed to `run` receive). */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

interface Pending {
  fn: (tx: Tx) => unknown;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/**
 * Batches the transactions submitted during one event-loop turn into a single database transaction,
 * each in its own savepoint: a function that throws rolls back only its own writes and rejects only
 * its own promise. Every promise settles after the whole batch is durable, never before; if the
 * commit itself fails, all reject. Functions run in submission order, each seeing the writes of
 * those before it, and nothing else runs in between (the batch is synchronous), so check-then-write
 * inside one function stays atomic.
 *
 * Durability without blocking the event loop: on a file database in WAL mode the batch commits with
 * `synchronous = NORMAL` (SQLite writes the WAL frames but does not fsync them), then the WAL file is
 * fdatasync'ed on the thread pool and only then are the callers answered. That is exactly what FULL
 * does inside the commit (one sync of the WAL after the frames), moved off the main thread; batches
 * committed while a sync is running share the next one. Checkpoints still sync the WAL first, as in
 * NORMAL. A committed batch is visible to readers before its sync ends (as after a FULL commit's
 * write and before its fsync returns, only longer); its writers are never told before.
 */
export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;
  private readonly sqlite: Database.Database;
  private readonly savepoint: { open: Database.Statement; release: Database.Statement; rollback: Database.Statement };
  /** The WAL file's descriptor, opened at the first sync; undefined for in-memory databases (nothing to sync). */
  private walFd: number | undefined;
  private readonly walSyncs: boolean;
  private readonly sync: { normal: Database.Statement; restore: Database.Statement } | undefined;
  /** Settlers of committed batches waiting for the next WAL sync. */
  private awaitingSync: Array<(error: Error | null) => void> = [];
  /** Settlers of the batches the running WAL sync covers. */
  private syncingNow: Array<(error: Error | null) => void> = [];
  private syncing = false;

  /**
   * `onCommit` hears each batch's commit time (seconds, from the transaction's start until its writers are answered,
   * the WAL sync included) and size: the gateway's metrics.
   */
  constructor(
    private readonly db: Db,
    private readonly onCommit?: (seconds: number, batchSize: number) => void,
  ) {
    this.sqlite = (db as unknown as { $client: Database.Database }).$client;
    // Prepared once: drizzle's nested transaction prepares its SAVEPOINT statements on every call.
    this.savepoint = {
      open: this.sqlite.prepare('SAVEPOINT group_commit_item'),
      release: this.sqlite.prepare('RELEASE group_commit_item'),
      rollback: this.sqlite.prepare('ROLLBACK TO group_commit_item'),
    };
    const mode = String(this.sqlite.pragma('journal_mode', { simple: true })).toLowerCase();
    this.walSyncs = !this.sqlite.memory && mode === 'wal';
    if (this.walSyncs) {
      const level = Number(this.sqlite.pragma('synchronous', { simple: true }));
      this.sync = { normal: this.sqlite.prepare('PRAGMA synchronous = NORMAL'), restore: this.sqlite.prepare(`PRAGMA synchronous = ${level}`) };
    }
  }

  /** Runs one call of a batch in its own savepoint: on a throw only its writes are undone. */
  private inSavepoint(tx: Tx, fn: (tx: Tx) => unknown): unknown {
    this.savepoint.open.run();
    try {
      const value = fn(tx);
      this.savepoint.release.run();
      return value;
    } catch (error) {
      // After an error SQLite rolled the whole transaction back on its own, there is no savepoint left to undo.
      if (this.sqlite.inTransaction) {
        this.savepoint.rollback.run();
        this.savepoint.release.run();
      }
      throw error;
    }
  }

  /** Runs `fn` in the next batch; resolves with its result once the batch is durable. */
  run<T>(fn: (tx: Tx) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // setImmediate runs after the I/O callbacks of this turn: writes whose blobs finished together commit together.
        setImmediate(() => this.flush());
      }
    });
  }

  /**
   * Resolves once every batch committed so far is durable (at once when none waits for its WAL sync);
   * never rejects (a failed sync rejects its writers). A reader that saw a batch's writes before its sync
   * ended awaits this before it answers, so it never reports a state a power loss could still take back.
   */
  durable(): Promise<void> {
    if (this.awaitingSync.length) return new Promise((resolve) => this.awaitingSync.push(() => resolve()));
    if (this.syncing) return new Promise((resolve) => this.syncingNow.push(() => resolve()));
    return Promise.resolve();
  }

  /**
   * Commits what is queued and waits until every batch committed so far is durable, then releases the
   * WAL descriptor: the shutdown step before the database closes. Later `run` calls still work (they reopen it).
   */
  async drain(): Promise<void> {
    if (this.queue.length) this.flush();
    while (this.syncing || this.awaitingSync.length) await new Promise((r) => setImmediate(r));
    if (this.walFd !== undefined) {
      closeSync(this.walFd);
      this.walFd = undefined;
    }
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    this.scheduled = false;
    if (!batch.length) return;
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    const began = performance.now();
    try {
      this.sync?.normal.run();
      this.db.transaction((tx) => {
        for (const p of batch) {
          try {
            outcomes.push({ ok: true, value: batch.length === 1 ? p.fn(tx) : this.inSavepoint(tx, p.fn) });
          } catch (error) {
            // A lone function's failure aborts the whole (one-item) transaction, as a plain transaction would.
            if (batch.length === 1) throw error;
            // Some errors (disk full, I/O) make SQLite roll back the whole transaction: the rest must not run in autocommit.
            if (!this.sqlite.inTransaction) throw error;
            outcomes.push({ ok: false, error });
          }
        }
      });
    } catch (error) {
      for (const p of batch) p.reject(error);
      return;
    } finally {
      this.sync?.restore.run();
    }
    const settle = (syncError: Error | null) => {
      this.onCommit?.((performance.now() - began) / 1000, batch.length);
      batch.forEach((p, i) => {
        const o = outcomes[i]!;
        if (syncError) p.reject(syncError);
        else if (o.ok) p.resolve(o.value);
        else p.reject(o.error);
      });
    };
    if (!this.walSyncs) return settle(null);
    this.awaitingSync.push(settle);
    if (!this.syncing) this.syncWal();
  }

  /** One fdatasync of the WAL for every batch committed before it started; starts the next if more are waiting. */
  private syncWal(): void {
    const waiting = this.awaitingSync;
    this.awaitingSync = [];
    this.syncingNow = waiting;
    this.syncing = true;
    try {
      // Opened lazily: the WAL file exists once the first batch has committed. SQLite keeps it (truncated, never
      // replaced) while this connection is open, so the descriptor stays the file's.
      this.walFd ??= openSync(`${this.sqlite.name}-wal`, 'r');
    } catch (error) {
      this.syncing = false;
      this.syncingNow = [];
      for (const settle of waiting) settle(error as Error);
      return;
    }
    fdatasync(this.walFd, (error) => {
      this.syncing = false;
      this.syncingNow = [];
      for (const settle of waiting) settle(error);
      if (this.awaitingSync.length) this.syncWal();
    });
  }
}
