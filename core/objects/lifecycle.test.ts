// Unit tests of lifecycle expiry times: rounding up to midnight UTC, the earliest covering rule, filters.
import { describe, expect, it } from 'vitest';
import { lifecycleExpiry, type LifecycleRule } from './lifecycle.js';

const DAY = 86_400_000;
const rule = (r: Partial<LifecycleRule>): LifecycleRule => ({ id: 'r', enabled: true, form: 'filter-prefix', filter: { prefix: '', tags: [] }, expiration: { days: 1 }, ...r });
const obj = (o: Partial<{ name: string; size: number; lastModified: number; tags: Record<string, string> | null }> = {}) => ({
  name: 'k',
  size: 10,
  lastModified: Date.UTC(2026, 0, 1, 10, 30),
  tags: null,
  ...o,
});

describe('lifecycleExpiry', () => {
  it('Days: creation plus the days, rounded up to the next midnight UTC', () => {
    expect(lifecycleExpiry([rule({})], obj())).toEqual({ at: Date.UTC(2026, 0, 3), ruleId: 'r' });
  });
  it('Date: that midnight, whatever the age', () => {
    expect(lifecycleExpiry([rule({ expiration: { date: Date.UTC(2025, 11, 31) } })], obj())?.at).toBe(Date.UTC(2025, 11, 31));
  });
  it('the earliest of the enabled rules covering the object wins; disabled and non-covering rules count for nothing', () => {
    const rules = [
      rule({ id: 'long', expiration: { days: 30 } }),
      rule({ id: 'short-off', enabled: false, expiration: { days: 1 } }),
      rule({ id: 'tagged', filter: { prefix: '', tags: [{ key: 'tmp', value: '1' }] }, expiration: { days: 2 } }),
      rule({ id: 'big', filter: { prefix: '', tags: [], sizeGreaterThan: 100 }, expiration: { days: 1 } }),
      rule({ id: 'other-prefix', filter: { prefix: 'logs/', tags: [] }, expiration: { days: 1 } }),
    ];
    expect(lifecycleExpiry(rules, obj())?.ruleId).toBe('long');
    expect(lifecycleExpiry(rules, obj({ tags: { tmp: '1' } }))?.ruleId).toBe('tagged');
    expect(lifecycleExpiry(rules, obj({ size: 101 }))).toEqual({ at: Date.UTC(2026, 0, 1) + 2 * DAY, ruleId: 'big' });
    expect(lifecycleExpiry([rules[1]!], obj())).toBeUndefined();
  });
});
