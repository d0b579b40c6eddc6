// Shared helpers for token key rings: key size and a fresh random key.
import { randomBytes } from 'node:crypto';

/** AES-256-GCM keys: 32 random bytes each. */
export const TOKEN_KEY_BYTES = 32;

/** Keystone's `[fernet_tokens] max_active_keys` default. */
export const DEFAULT_MAX_ACTIVE_KEYS = 3;

/** A new random token key. */
export function newTokenKey(): Uint8Array {
  return new Uint8Array(randomBytes(TOKEN_KEY_BYTES));
}
