// Token key rotation (keystone-manage fernet_rotate): the retention rule, the server's automatic rotation and `npm run token-keys:rotate`.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FileKeyRing } from '../backends/crypto/file-key-ring.js';
import { DEFAULT_MAX_ACTIVE_KEYS, keysToDrop } from '../backends/crypto/key-file-format.js';
import { openDatabase } from '../core/db/index.js';
import { DbKeyRing } from '../core/identity/db-key-ring.js';
import type { KeyRetention, TokenKeyRing } from '../core/identity/ports.js';
import type { PeriodicScheduler } from '../core/jobs/periodic.js';
import type { Logger } from '../core/logger.js';
import { ALLOW_EXPIRED_WINDOW_MS } from '../core/identity/tokens/token-service.js';
import type { Config } from './config.js';

/** How often a server with automatic rotation looks at the primary key's age (a stat; cheap). */
const ROTATION_CHECK_MS = 60_000;
/** Added to a token's longest acceptance: other processes take up to 5 s to notice a rotation, and clocks differ a little. */
const RETENTION_SLACK_MS = 5 * 60_000;

/** The key repository of a data dir. */
export function tokenKeyDir(config: Config): string {
  return join(config.dataDir, 'token-keys');
}

/**
 * What a rotation keeps: Keystone's 3 newest keys at least, and every key retired less than a token's
 * longest acceptance ago (expiration plus the 48 h allow_expired window), so no rotation schedule, and
 * no operator rotating several times in a row, can invalidate a token before it expires.
 */
export function keyRetention(config: Config): KeyRetention {
  return { keepNewest: DEFAULT_MAX_ACTIVE_KEYS, keepRetiredForMs: config.tokenTtlSeconds * 1000 + ALLOW_EXPIRED_WINDOW_MS + RETENTION_SLACK_MS };
}

/**
 * Rotates when the primary key is at least `everyMs` old. The age is read from the repository, so
 * several processes sharing a data dir rotate once between them.
 */
export async function rotateIfDue(ring: TokenKeyRing, everyMs: number, retention: KeyRetention, now = Date.now()): Promise<boolean> {
  if (now - ring.primarySince() < everyMs) return false;
  await ring.rotate(retention);
  return true;
}

/** With `config.tokenKeyRotationHours` set, adds the automatic rotation to the server's housekeeping (checked every minute and at start). */
export function scheduleTokenKeyRotation(periodic: PeriodicScheduler, ring: TokenKeyRing, config: Config, logger: Logger): void {
  const hours = config.tokenKeyRotationHours;
  if (!hours) return;
  const retention = keyRetention(config);
  periodic.every(
    'token key rotation',
    ROTATION_CHECK_MS,
    async () => {
      if (await rotateIfDue(ring, hours * 3600_000, retention)) logger.info({ every_hours: hours }, 'token keys rotated');
    },
    { runAtStart: true },
  );
}

/**
 * `npm run token-keys:rotate`: rotates the key repository of the configured data dir and says what it
 * did. Refuses a data dir without one (most likely the wrong `SKYBRIDGE_DATA_DIR`: a new repository
 * there would change nothing for the server).
 */
export async function rotateTokenKeysCommand(config: Config): Promise<string> {
  if (config.databaseUrl) return rotateDbTokenKeys(config, config.databaseUrl);
  const dir = tokenKeyDir(config);
  if (!existsSync(dir)) {
    throw new Error(`no token key repository at ${dir}: start skybridge once with this SKYBRIDGE_DATA_DIR, or set it to the server's`);
  }
  const ring = new FileKeyRing(dir);
  const before = ring.keyFiles();
  await ring.rotate(keyRetention(config));
  const after = ring.keyFiles();
  const removed = before.filter((i) => !after.includes(i));
  return (
    `Rotated the token keys in ${dir}: key ${after[0]} is the new primary; keys ${after.join(', ')} validate tokens; ` +
    `removed: ${removed.length ? removed.join(', ') : 'none'}.\n` +
    'A running server seals new tokens with the new key within 5 seconds, without a restart. A retired key is kept until ' +
    'no token it sealed can be accepted (token expiration + the 48 h allow_expired window).\n'
  );
}

/** The PostgreSQL flavour of the command: the key ring is the `token_keys` table every gateway reads. */
async function rotateDbTokenKeys(config: Config, url: string): Promise<string> {
  const db = openDatabase(url);
  try {
    const ring = new DbKeyRing(db.db, { keysToDrop });
    const before = ring.keyIndices();
    await ring.rotate(keyRetention(config));
    const after = ring.keyIndices();
    const removed = before.filter((i) => !after.includes(i));
    return (
      `Rotated the token keys in the database: key ${after[0]} is the new primary; keys ${after.join(', ')} validate tokens; ` +
      `removed: ${removed.length ? removed.join(', ') : 'none'}.\n` +
      'Every running gateway seals new tokens with the new key within a second, without a restart. A retired key is kept until ' +
      'no token it sealed can be accepted (token expiration + the 48 h allow_expired window).\n'
    );
  } finally {
    db.close();
  }
}
