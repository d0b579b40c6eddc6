// Interfaces the identity service needs from the platform, built in the composition root.
import type { Db } from '../db/index.js';
import type { Logger } from '../logger.js';

/** Slow, salted password hashing. The hash string is self-describing so the cost can change later. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, hash: string): Promise<boolean>;
}

/**
 * The token key repository (Keystone's fernet key repository): the first key signs/encrypts new
 * tokens; every key is tried on validation, so rotation never invalidates live tokens.
 */
export interface TokenKeyRing {
  /** Current keys, primary first (raw key bytes). */
  keys(): Uint8Array[];
  /** Makes a new primary key (`keystone-manage fernet_rotate`) and drops the old keys `retention` lets go. */
  rotate(retention?: KeyRetention): Promise<void>;
  /** When the primary key was made (ms since the epoch), so automatic rotation can tell whether it is due. */
  primarySince(): number;
}

/**
 * Which keys a rotation keeps besides the new primary. A key is *retired* when the next one is made:
 * tokens it sealed can be accepted until their expiry plus the allow-expired window after that, so
 * `keepRetiredForMs` keeps it that long however often keys rotate (Keystone leaves that arithmetic to
 * `max_active_keys`; here the time decides and the count is only a floor).
 */
export interface KeyRetention {
  /** Keys always kept, the primary included (Keystone's `max_active_keys` default, 3, when unset). */
  keepNewest?: number;
  /** A retired key stays until it has been retired this long (ms); 0 when unset. */
  keepRetiredForMs?: number;
}

/** Wall clock; tests pass a controllable one. */
export interface Clock {
  now(): number;
}

/** Security-compliance settings, mirroring Keystone's `[security_compliance]`. */
export interface SecurityComplianceOptions {
  lockoutFailureAttempts?: number;
  lockoutDurationSeconds: number;
  uniqueLastPasswordCount: number;
  minimumPasswordAgeDays: number;
  passwordExpiresDays?: number;
  passwordRegex?: string;
  passwordRegexDescription?: string;
  changePasswordUponFirstUse: boolean;
}

/** Everything the identity services are constructed from. */
export interface IdentityDeps {
  db: Db;
  hasher: PasswordHasher;
  keyRing: TokenKeyRing;
  clock: Clock;
  logger: Logger;
  tokenTtlSeconds: number;
  /** Memory budget of the resolved-token cache in bytes; default TOKEN_CACHE_LIMITS.maxBytes. */
  tokenCacheBytes?: number;
  publicUrl: string;
  region: string;
  security: SecurityComplianceOptions;
}

/** What a revocation event matches: a token issued at or before `issuedBefore` matching every given field. */
export interface RevocationEventInput {
  userId?: string;
  projectId?: string;
  domainId?: string;
  roleId?: string;
  auditId?: string;
  appCredId?: string;
  /** Defaults to now. */
  issuedBefore?: number;
}

/** Records revocation events; effective at once on this process, durable in the database. */
export interface Revoker {
  revoke(event: RevocationEventInput): void;
  /** Access was added (grant, implied role, group membership): every process re-resolves its cached roles. */
  granted(): void;
}
