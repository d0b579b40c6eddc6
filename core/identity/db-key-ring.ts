// The token key ring in the database (PostgreSQL deployments): every gateway seals with the same primary and notices a rotation within a second.
import { randomBytes } from 'node:crypto';
import { desc, inArray } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { tokenKeys } from '../db/schema/fleet.js';
import type { KeyRetention, TokenKeyRing } from './ports.js';

/** Which key positions (newest first, by creation time) a rotation drops; the composition root passes the key repository's rule. */
export type KeyDropRule = (createdAt: number[], retention: KeyRetention, now: number) => number[];

/** How a DbKeyRing re-reads and prunes. */
export interface DbKeyRingOptions {
  keysToDrop: KeyDropRule;
  /** How often `keys()` re-reads the table for a rotation made by another process, ms (default 1000). */
  recheckMs?: number;
  /** Told when a re-read fails; the ring keeps serving the keys it has. */
  onReloadError?: (err: Error) => void;
  clock?: () => number;
  /**
   * Keys to start an empty table with, primary first (the data dir's key files of a deployment that kept
   * them there before), so tokens sealed before the move stay valid; default: one new key.
   */
  seed?: () => Uint8Array[];
}

/**
 * Keys are rows `(idx, key, created_at)` of `token_keys`; the highest idx is the primary, all are tried
 * on validation. Like the file repository, a rotation inserts `highest + 1` (two processes rotating at
 * once make one key between them: the loser's insert conflicts) and drops what the retention lets go.
 * Other processes pick the new primary up at their next re-read (every `recheckMs`); until then they
 * keep sealing with the previous primary, which every process still holds.
 */
export class DbKeyRing implements TokenKeyRing {
  private ring: Uint8Array[] = [];
  private made: number[] = [];
  private checkedAt = 0;
  private readonly recheckMs: number;
  private readonly clock: () => number;

  constructor(
    private readonly db: Db,
    private readonly opts: DbKeyRingOptions,
  ) {
    this.recheckMs = opts.recheckMs ?? 1000;
    this.clock = opts.clock ?? Date.now;
    this.reload();
    if (this.ring.length === 0) {
      const seed = opts.seed?.() ?? [];
      if (seed.length === 0) this.insert(1);
      // Oldest first, so the primary gets the highest index; a process seeding at the same time inserts the same rows.
      seed.forEach((key, i) => this.insert(seed.length - i, key));
      this.reload();
    }
  }

  keys(): Uint8Array[] {
    const now = this.clock();
    if (now - this.checkedAt >= this.recheckMs) {
      try {
        this.reload();
      } catch (e) {
        this.checkedAt = now;
        this.opts.onReloadError?.(e as Error);
      }
    }
    return this.ring;
  }

  primarySince(): number {
    this.keys();
    return this.made[0] ?? this.clock();
  }

  async rotate(retention: KeyRetention = {}): Promise<void> {
    this.reload();
    this.insert((this.maxIdx() ?? 0) + 1);
    const rows = this.rows();
    const drop = this.opts.keysToDrop(rows.map((r) => r.createdAt), retention, this.clock()).map((i) => rows[i]!.idx);
    if (drop.length) this.db.delete(tokenKeys).where(inArray(tokenKeys.idx, drop)).run();
    this.reload();
  }

  /** The key numbers now in the table, the primary first. */
  keyIndices(): number[] {
    return this.rows().map((r) => r.idx);
  }

  /** Re-reads the table; keeps the current keys when it holds none. */
  reload(): void {
    const rows = this.rows();
    this.checkedAt = this.clock();
    if (rows.length === 0) return;
    this.ring = rows.map((r) => new Uint8Array(Buffer.from(r.key, 'base64url')));
    this.made = rows.map((r) => r.createdAt);
  }

  private rows() {
    return this.db.select().from(tokenKeys).orderBy(desc(tokenKeys.idx)).all();
  }

  private maxIdx(): number | undefined {
    return this.rows()[0]?.idx;
  }

  private insert(idx: number, key: Uint8Array = randomBytes(32)): void {
    this.db.insert(tokenKeys).values({ idx, key: Buffer.from(key).toString('base64url'), createdAt: this.clock() }).onConflictDoNothing().run();
  }
}
