// The in-memory cache of resolved tokens: LRU, bounded by entries and by estimated bytes, and swept of dead entries.

/** Limits of a {@link TokenCache}. */
export interface TokenCacheLimits {
  /** At most this many entries. */
  maxEntries: number;
  /** At most this many estimated bytes across entries (what each `set` declares). */
  maxBytes: number;
  /** An entry older than this is never served (it is re-resolved), so it is dropped too. */
  ttlMs: number;
  /** How often, at most, a `set` also walks the cache for entries past their ttl or their token's expiry. */
  sweepEveryMs: number;
}

interface Slot<V> {
  value: V;
  at: number;
  expiresAt: number;
  bytes: number;
}

/**
 * Least-recently-used map from token id to a resolved value. Memory is what bounds it: every entry
 * declares its estimated size, and the oldest go first once the byte or entry budget is reached.
 * Entries that can no longer be served (older than `ttlMs`) or whose token has expired are swept at
 * most every `sweepEveryMs`, so a steady stream of new tokens does not keep dead ones alive until
 * the budget pushes them out.
 */
export class TokenCache<V> {
  private readonly slots = new Map<string, Slot<V>>();
  private total = 0;
  private lastSweep = 0;

  constructor(private readonly limits: TokenCacheLimits) {}

  /** The value cached for `id` if it was stored less than `ttlMs` ago; a hit becomes the most recently used. */
  get(id: string, now: number): V | undefined {
    const slot = this.slots.get(id);
    if (!slot) return undefined;
    if (now - slot.at >= this.limits.ttlMs) {
      this.drop(id, slot);
      return undefined;
    }
    // Re-insert so eviction drops the least recently used token, not the oldest issued.
    this.slots.delete(id);
    this.slots.set(id, slot);
    return slot.value;
  }

  /** Stores `value` for `id` (replacing any), then evicts the least recently used until within budget. */
  set(id: string, value: V, meta: { now: number; expiresAt: number; bytes: number }): void {
    const old = this.slots.get(id);
    if (old) this.drop(id, old);
    if (meta.now - this.lastSweep >= this.limits.sweepEveryMs) this.sweep(meta.now);
    this.slots.set(id, { value, at: meta.now, expiresAt: meta.expiresAt, bytes: meta.bytes });
    this.total += meta.bytes;
    while (this.slots.size > this.limits.maxEntries || (this.total > this.limits.maxBytes && this.slots.size > 1)) {
      const [oldestId, oldest] = this.slots.entries().next().value as [string, Slot<V>];
      this.drop(oldestId, oldest);
    }
  }

  /** Empties the cache (any revocation event). */
  clear(): void {
    this.slots.clear();
    this.total = 0;
  }

  /** Entries and estimated bytes held now. */
  stats(): { entries: number; bytes: number } {
    return { entries: this.slots.size, bytes: this.total };
  }

  /** Drops every entry past its ttl or its token's expiry. */
  sweep(now: number): void {
    this.lastSweep = now;
    for (const [id, slot] of this.slots) {
      if (now - slot.at >= this.limits.ttlMs || now >= slot.expiresAt) this.drop(id, slot);
    }
  }

  private drop(id: string, slot: Slot<V>): void {
    this.slots.delete(id);
    this.total -= slot.bytes;
  }
}
