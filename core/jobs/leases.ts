// Fleet-wide leases for periodic tasks: of every process sharing the database, one runs each task per period.
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { periodicLeases } from '../db/schema/fleet.js';

/** Decides whether this process runs a periodic task now. */
export interface PeriodicLeases {
  /** This process's holder id in the lease rows. */
  readonly holder: string;
  /**
   * Claims task `name` for one period of `periodMs` if no process holds it; true when this process
   * should run it now. The lease ends a little before the period does, so the next timer to fire
   * anywhere (this process's or another's) claims the next run: one run per period across the fleet,
   * and a dead holder is replaced within one period. A lease left by a process with a longer
   * period counts only for `periodMs`, so a restart with a shorter interval is not kept waiting.
   */
  claim(name: string, periodMs: number): boolean;
}

/** Leases over the `periodic_leases` table: a compare-and-swap on `until`, so two processes never both win one period. */
export function createPeriodicLeases(db: Db, clock: () => number = Date.now, holder: string = randomUUID()): PeriodicLeases {
  return {
    holder,
    claim(name, periodMs) {
      const row = db.select().from(periodicLeases).where(eq(periodicLeases.name, name)).get();
      // The clock is read after the row: read before, a process held up between the two (a busy machine) would
      // judge a lease taken meanwhile by its own stale time and find it longer than any lease of this period.
      const now = clock();
      const until = now + Math.max(1, Math.floor(periodMs * 0.9));
      if (!row) return db.insert(periodicLeases).values({ name, holder, until }).onConflictDoNothing().run().changes > 0;
      // A lease far longer than this period was taken under another configuration (a restart with a
      // shorter interval): it binds no longer than this process's own period would. "Far": twice the
      // period, so a same-period lease is never taken for one, however the two processes were scheduled.
      if (row.until > now && row.until - now <= 2 * periodMs) return false;
      return (
        db
          .update(periodicLeases)
          .set({ holder, until })
          .where(and(eq(periodicLeases.name, name), eq(periodicLeases.until, row.until)))
          .run().changes > 0
      );
    },
  };
}
