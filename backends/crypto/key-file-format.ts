// Shared helpers for token key rings: key size, a fresh random key, and which keys a rotation drops.
import { randomBytes } from 'node:crypto';
import type { KeyRetention } from '../../core/identity/ports.js';

/** AES-256-GCM keys: 32 random bytes each. */
export const TOKEN_KEY_BYTES = 32;

/** Keystone's `[fernet_tokens] max_active_keys` default. */
export const DEFAULT_MAX_ACTIVE_KEYS = 3;

/** A new random token key. */
export function newTokenKey(): Uint8Array {
  return new Uint8Array(randomBytes(TOKEN_KEY_BYTES));
}

/**
 * Positions (in `createdAt`, newest key first) of the keys `retention` lets go at `now`: beyond the
 * newest `keepNewest`, a key goes once the key after it (its successor as primary) was made at least
 * `keepRetiredForMs` ago.
 */
export function keysToDrop(createdAt: number[], retention: KeyRetention, now: number): number[] {
  const keep = Math.max(1, retention.keepNewest ?? DEFAULT_MAX_ACTIVE_KEYS);
  const retiredFor = retention.keepRetiredForMs ?? 0;
  const drop: number[] = [];
  for (let i = keep; i < createdAt.length; i++) {
    // With no retention the clock is not consulted: a file's mtime can run a fraction of a ms ahead of `now`.
    if (retiredFor <= 0 || now - createdAt[i - 1]! >= retiredFor) drop.push(i);
  }
  return drop;
}
