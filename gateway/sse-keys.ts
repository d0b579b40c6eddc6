// The SSE-S3 key ring of a data dir (keys wrapping each object's data key) and `npm run sse-keys:rotate`.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FileKeyRing } from '../backends/crypto/file-key-ring.js';
import type { KeyRetention } from '../core/identity/ports.js';
import type { PeriodicScheduler } from '../core/jobs/periodic.js';
import type { Logger } from '../core/logger.js';
import type { Config } from './config.js';
import { rotateIfDue } from './token-keys.js';

/** The SSE-S3 key repository of a data dir (same layout as the token keys: numbered files, highest is primary). */
export function sseKeyDir(config: Config): string {
  return join(config.dataDir, 'sse-keys');
}

/**
 * What an SSE rotation keeps: every key. An object's data key stays wrapped by the key that was primary
 * when it was written, so dropping a retired key would make those objects unreadable.
 */
export const SSE_KEY_RETENTION: KeyRetention = { keepNewest: Number.MAX_SAFE_INTEGER };

/** The data dir's SSE key ring (made with one key on first use). */
export function openSseKeyRing(config: Config, onReloadError?: (err: Error) => void): FileKeyRing {
  return new FileKeyRing(sseKeyDir(config), { label: 'SSE', onReloadError });
}

/**
 * With `config.sseKeyRotationHours` set, adds a new primary SSE key once the current one is that old
 * (checked at start and every minute; processes sharing the data dir rotate once between them).
 */
export function scheduleSseKeyRotation(periodic: PeriodicScheduler, ring: FileKeyRing, config: Config, logger: Logger): void {
  const hours = config.sseKeyRotationHours;
  if (!hours) return;
  periodic.every(
    'SSE key rotation',
    60_000,
    async () => {
      if (await rotateIfDue(ring, hours * 3600_000, SSE_KEY_RETENTION)) logger.info({ every_hours: hours }, 'SSE keys rotated');
    },
    { runAtStart: true },
  );
}

/**
 * `npm run sse-keys:rotate`: adds a new primary SSE key; new objects' data keys are wrapped by it, and
 * every older key is kept so existing objects stay readable. Refuses a data dir without a ring (most
 * likely the wrong `SKYBRIDGE_DATA_DIR`).
 */
export async function rotateSseKeysCommand(config: Config): Promise<string> {
  const dir = sseKeyDir(config);
  if (!existsSync(dir)) {
    throw new Error(`no SSE key repository at ${dir}: start skybridge once with this SKYBRIDGE_DATA_DIR, or set it to the server's`);
  }
  const ring = openSseKeyRing(config);
  await ring.rotate(SSE_KEY_RETENTION);
  const after = ring.keyFiles();
  return (
    `Rotated the SSE keys in ${dir}: key ${after[0]} is the new primary and wraps the data keys of new objects; ` +
    `keys ${after.join(', ')} are kept, so objects written before stay readable.\n` +
    'A running server uses the new key within 5 seconds, without a restart.\n'
  );
}
