// Background WAL checkpoints on a worker thread: copying committed pages into the database file, and its fsync, off the event loop.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** The worker: its own connection, a PASSIVE checkpoint every interval (never waits on a lock, never blocks a writer). */
const SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 0');
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy (another checkpoint runs) or a passing I/O error: the next round, or the writer's own backstop, retries.
  }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/** A running background checkpointer. */
export interface Checkpointer {
  /** Stops the worker after its current round and closes its connection. */
  stop(): void;
}

/**
 * Starts checkpointing the WAL database at `path` from a worker thread every `intervalMs`. SQLite's own
 * automatic checkpoint runs inside whichever commit crosses the threshold, on the event loop: with small
 * objects in the database it stalled every request in flight for tens of milliseconds each time. Here
 * the copying and the database fsync happen on the worker; the writer keeps a high automatic threshold
 * only as a backstop, whose checkpoint then finds the pages already copied and can reset the WAL.
 */
export function startCheckpointer(path: string, intervalMs = 25): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(SOURCE, { eval: true, workerData: { driver, path, intervalMs } });
  // Never what keeps a process alive: a process that ends without closing its database loses nothing (the WAL is durable).
  worker.unref();
  worker.on('error', () => undefined);
  return {
    stop() {
      worker.postMessage('stop');
    },
  };
}
