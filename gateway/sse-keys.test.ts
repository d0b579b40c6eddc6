// `npm run sse-keys:rotate`: every rotation adds a primary and keeps every older key; a data dir without a ring is refused.
import { mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { silentLogger } from '../core/logger.js';
import type { PeriodicScheduler } from '../core/jobs/periodic.js';
import { openSseKeyRing, rotateSseKeysCommand, scheduleSseKeyRotation, sseKeyDir } from './sse-keys.js';

const dirs: string[] = [];
const config = () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'skybridge-sse-keys-'));
  dirs.push(dataDir);
  return loadConfig({ SKYBRIDGE_DATA_DIR: dataDir });
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('SSE key rotation', () => {
  it('keeps every key however often it rotates (objects wrapped by any of them stay readable)', async () => {
    const c = config();
    const first = openSseKeyRing(c).keys()[0]!;
    for (let i = 0; i < 6; i++) await rotateSseKeysCommand(c);
    const ring = openSseKeyRing(c);
    expect(ring.keyFiles()).toEqual([7, 6, 5, 4, 3, 2, 1]);
    expect(ring.keys()).toHaveLength(7);
    expect(Buffer.from(ring.keys()[6]!).equals(Buffer.from(first))).toBe(true);
    expect(Buffer.from(ring.keys()[0]!).equals(Buffer.from(first))).toBe(false);
  });

  it('SKYBRIDGE_SSE_KEY_ROTATION_HOURS: the housekeeping task adds a key once the primary is that old, keeping the old one', async () => {
    const c = { ...config(), sseKeyRotationHours: 1 };
    const ring = openSseKeyRing(c);
    const tasks: Array<() => Promise<void> | void> = [];
    const periodic = { every: (_n: string, _ms: number, fn: () => Promise<void> | void) => void tasks.push(fn) } as unknown as PeriodicScheduler;
    scheduleSseKeyRotation(periodic, ring, c, silentLogger);
    expect(tasks).toHaveLength(1);
    await tasks[0]!();
    expect(ring.keyFiles()).toEqual([1]);
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    utimesSync(join(sseKeyDir(c), '1'), twoHoursAgo, twoHoursAgo);
    await tasks[0]!();
    expect(ring.keyFiles()).toEqual([2, 1]);
    const none: unknown[] = [];
    scheduleSseKeyRotation({ every: () => void none.push(1) } as unknown as PeriodicScheduler, ring, { ...c, sseKeyRotationHours: undefined }, silentLogger);
    expect(none).toEqual([]);
  });

  it('refuses a data dir that has no ring, instead of making one nobody uses', async () => {
    const c = config();
    await expect(rotateSseKeysCommand(c)).rejects.toThrow(`no SSE key repository at ${sseKeyDir(c)}`);
  });
});
