// A throwaway job outbox on an in-memory database, for the queue adapters' contract tests (backends can't open the db).
import { openTestDatabase } from '../../core/db/testing.js';
import { createOutboxStore, enqueueInTx } from '../../core/jobs/outbox.js';
import type { OutboxStats } from '../../core/jobs/outbox.js';
import type { EnqueueOptions, JobName, JobPayloads, OutboxStore } from '../../core/jobs/port.js';

/** An outbox store plus a way to enqueue inside a real transaction that commits or rolls back. */
export interface TestOutbox {
  store: OutboxStore & OutboxStats;
  enqueueInTx<N extends JobName>(name: N, payload: JobPayloads[N], opts: EnqueueOptions, outcome: 'commit' | 'rollback'): void;
  close(): void;
}

/** Opens a fresh in-memory database with migrations applied and builds its outbox store. */
export function openTestOutbox(): TestOutbox {
  const odb = openTestDatabase();
  return {
    store: createOutboxStore(odb.db),
    enqueueInTx(name, payload, opts, outcome) {
      try {
        odb.db.transaction((tx) => {
          enqueueInTx(tx, name, payload, opts);
          if (outcome === 'rollback') throw new RollbackForTest();
        });
      } catch (e) {
        if (!(e instanceof RollbackForTest)) throw e;
      }
    },
    close: () => odb.close(),
  };
}

class RollbackForTest extends Error {}
