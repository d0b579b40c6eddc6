// Cache generation counters: a change bumps its cache's counter in the database, and every process drops its copy when the counter moved.
import type Database from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { cacheGenerations } from '../db/schema/fleet.js';
import type { DbOrTx } from '../jobs/outbox.js';

/** The caches other processes must drop: `ec2` (access key → secret), `identity` (grants behind cached token roles). */
export type CacheName = 'ec2' | 'identity';

/**
 * One row per cache name in `cache_generations`. Writers call `bump` (in their transaction when they
 * have one); readers call `changed` before trusting what they hold: one primary-key read, cheap enough
 * to run on every SigV4 request, so a credential deleted through one gateway stops signing on all of them
 * at once.
 */
export class CacheGenerations {
  private readonly seen = new Map<CacheName, number>();
  /** Counters read in the current event-loop turn. */
  private readonly turn = new Map<CacheName, number>();
  /** Prepared once: building and preparing the query through drizzle cost more than running it, on every SigV4 request. */
  private readonly readGen: { get(name: string): unknown };

  constructor(db: Db) {
    this.readGen = (db as unknown as { $client: Database.Database }).$client.prepare('SELECT gen FROM cache_generations WHERE name = ?').pluck();
  }

  /** Moves `name`'s counter on; every process's next `changed(name)` is true. */
  bump(tx: DbOrTx, name: CacheName): void {
    tx.insert(cacheGenerations)
      .values({ name, gen: 1 })
      .onConflictDoUpdate({ target: cacheGenerations.name, set: { gen: sql`${cacheGenerations.gen} + 1` } })
      .run();
    // This process's next check reads the counter again, even within the turn.
    this.turn.delete(name);
  }

  /** The counter now (0 before the first bump). */
  read(name: CacheName): number {
    return Number(this.readGen.get(name) ?? 0);
  }

  /**
   * True when `name` moved since this process last asked (the first call only records the counter, and answers true).
   * The counter is read once per event-loop turn: the requests parsed in one turn arrived together and share the
   * answer; a change committed elsewhere is seen by every request of the next turn.
   */
  changed(name: CacheName): boolean {
    let gen = this.turn.get(name);
    if (gen === undefined) {
      gen = this.read(name);
      if (!this.turn.size) setImmediate(() => this.turn.clear());
      this.turn.set(name, gen);
    }
    if (this.seen.get(name) === gen) return false;
    this.seen.set(name, gen);
    return true;
  }
}
