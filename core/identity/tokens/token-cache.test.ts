// TokenCache: LRU within an entry and a byte budget, ttl and token expiry honoured on read and swept on write.
import { describe, expect, it } from 'vitest';
import { TokenCache } from './token-cache.js';

const limits = { maxEntries: 100, maxBytes: 10_000, ttlMs: 60_000, sweepEveryMs: 10_000 };
const meta = (now: number, bytes = 1000, expiresAt = now + 3600_000) => ({ now, expiresAt, bytes });

describe('TokenCache', () => {
  it('evicts the least recently used once the byte budget is passed, not only the entry count', () => {
    const c = new TokenCache<string>(limits);
    for (let i = 0; i < 10; i++) c.set(`t${i}`, `v${i}`, meta(0));
    expect(c.stats()).toEqual({ entries: 10, bytes: 10_000 });
    expect(c.get('t0', 1)).toBe('v0');
    c.set('big', 'v', meta(1, 3500));
    // t1..t4 went (oldest first); t0 was just used, so it stays.
    expect(['t0', 't1', 't4', 't5', 'big'].map((k) => c.get(k, 2))).toEqual(['v0', undefined, undefined, 'v5', 'v']);
    expect(c.stats().bytes).toBeLessThanOrEqual(10_000);
  });

  it('also holds at most maxEntries, and replacing an id keeps the byte count exact', () => {
    const c = new TokenCache<number>({ ...limits, maxEntries: 3, maxBytes: 1 << 30 });
    for (let i = 0; i < 5; i++) c.set(`t${i}`, i, meta(0));
    expect(c.stats()).toEqual({ entries: 3, bytes: 3000 });
    c.set('t4', 44, meta(0, 10));
    expect(c.stats()).toEqual({ entries: 3, bytes: 2010 });
    expect(c.get('t4', 0)).toBe(44);
  });

  it('does not serve an entry past its ttl, and a later write sweeps dead and expired entries', () => {
    const c = new TokenCache<string>({ ...limits, maxBytes: 1 << 30 });
    c.set('old', 'a', meta(0));
    c.set('short', 'b', meta(0, 1000, 5_000));
    expect(c.get('old', 59_999)).toBe('a');
    expect(c.get('old', 60_000)).toBeUndefined();
    c.set('keep', 'c', meta(20_000));
    expect(c.stats()).toEqual({ entries: 1, bytes: 1000 });
    for (let i = 0; i < 50; i++) c.set(`n${i}`, 'x', meta(20_000 + i));
    expect(c.stats().entries).toBe(51);
    c.set('later', 'y', meta(100_000));
    expect(c.stats()).toEqual({ entries: 1, bytes: 1000 });
  });

  it('clear empties it', () => {
    const c = new TokenCache<string>(limits);
    c.set('a', 'a', meta(0));
    c.clear();
    expect(c.stats()).toEqual({ entries: 0, bytes: 0 });
    expect(c.get('a', 0)).toBeUndefined();
  });
});
