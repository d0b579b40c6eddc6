// Test doubles for identity unit tests: a fast fake hasher, an in-memory key ring and a movable clock.
import { openTestDatabase } from '../../db/testing.js';
import { silentLogger } from '../../logger.js';
import type { Clock, IdentityDeps, KeyRetention, PasswordHasher, TokenKeyRing } from '../ports.js';

/** Stores passwords reversibly: only for tests, where scrypt would just be slow. */
export const fakeHasher: PasswordHasher = {
  hash: async (p) => `plain$${p}`,
  verify: async (p, h) => h === `plain$${p}`,
};

/** A key ring in memory; `rotate` prepends a fresh key and keeps the newest `keepNewest` (3). */
export class TestKeyRing implements TokenKeyRing {
  private ring: Uint8Array[] = [crypto.getRandomValues(new Uint8Array(32))];
  private since = Date.now();
  keys(): Uint8Array[] {
    return this.ring;
  }
  async rotate(retention: KeyRetention = {}): Promise<void> {
    this.ring = [crypto.getRandomValues(new Uint8Array(32)), ...this.ring].slice(0, retention.keepNewest ?? 3);
    this.since = Date.now();
  }
  primarySince(): number {
    return this.since;
  }
}

/** A clock tests advance by hand. */
export class TestClock implements Clock {
  constructor(public t = Date.UTC(2026, 0, 1)) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

/** Identity deps over a fresh in-memory database. */
export function testIdentityDeps(overrides: Partial<IdentityDeps> = {}): IdentityDeps & { clock: TestClock; keyRing: TestKeyRing } {
  return {
    db: openTestDatabase().db,
    hasher: fakeHasher,
    keyRing: new TestKeyRing(),
    clock: new TestClock(),
    logger: silentLogger,
    tokenTtlSeconds: 3600,
    publicUrl: 'http://127.0.0.1:8080',
    region: 'RegionOne',
    security: { lockoutDurationSeconds: 1800, uniqueLastPasswordCount: 0, minimumPasswordAgeDays: 0, changePasswordUponFirstUse: false },
    ...overrides,
  } as IdentityDeps & { clock: TestClock; keyRing: TestKeyRing };
}
