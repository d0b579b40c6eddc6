// Group commit: concurrent small write transactions share one SQLite transaction, so one synchronous commit (fsync) serves many requests.
import type Database from 'better-sqlite3';
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
 * its own promise. Every promise settles after the whole batch has committed (with the connection's
 * `synchronous` setting, FULL: durable), never before; if the commit itself fails, all reject.
 * Functions run in submission order, each seeing the writes of those before it, and nothing else
 * runs in between (the batch is synchronous), so check-then-write inside one function stays atomic.
 */
export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;
  private readonly sqlite: Database.Database;
  private readonly savepoint: { open: Database.Statement; release: Database.Statement; rollback: Database.Statement };

  constructor(private readonly db: Db) {
    this.sqlite = (db as unknown as { $client: Database.Database }).$client;
    // Prepared once: drizzle's nested transaction prepares its SAVEPOINT statements on every call.
    this.savepoint = {
      open: this.sqlite.prepare('SAVEPOINT group_commit_item'),
      release: this.sqlite.prepare('RELEASE group_commit_item'),
      rollback: this.sqlite.prepare('ROLLBACK TO group_commit_item'),
    };
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

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    this.scheduled = false;
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    try {
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
    }
    batch.forEach((p, i) => {
      const o = outcomes[i]!;
      if (o.ok) p.resolve(o.value);
      else p.reject(o.error);
    });
  }
}
