// Token key rotation: the retention covers a token's whole acceptance, due-ness by the primary's age, the schedule and the command.
import { mkdirSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileKeyRing } from '../backends/crypto/file-key-ring.js';
import type { PeriodicScheduler } from '../core/jobs/periodic.js';
import { silentLogger } from '../core/logger.js';
import { loadConfig } from './config.js';
import { keyRetention, rotateIfDue, rotateTokenKeysCommand, scheduleTokenKeyRotation, tokenKeyDir } from './token-keys.js';

const HOUR = 3600_000;
const dirs: string[] = [];
const dataDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'skybridge-token-keys-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const ageFile = (file: string, ms: number) => utimesSync(file, (Date.now() - ms) / 1000, (Date.now() - ms) / 1000);

/** A scheduler that only records what is registered, so a test can run a task by hand. */
const recordingScheduler = () => {
  const tasks: Array<{ name: string; ms: number; fn: () => Promise<void> | void; runAtStart?: boolean }> = [];
  const periodic: PeriodicScheduler = {
    every: (name, ms, fn, opts) => void tasks.push({ name, ms, fn, runAtStart: opts?.runAtStart }),
    start() {},
    stop: async () => {},
  };
  return { tasks, periodic };
};

describe('keyRetention', () => {
  it('keeps Keystone\'s 3 newest keys and every key retired within expiration + the 48 h allow_expired window', () => {
    const r = keyRetention(loadConfig({ SKYBRIDGE_TOKEN_EXPIRATION: '7200' }));
    expect(r.keepNewest).toBe(3);
    expect(r.keepRetiredForMs).toBeGreaterThanOrEqual(2 * HOUR + 48 * HOUR);
    expect(r.keepRetiredForMs).toBeLessThan(2 * HOUR + 49 * HOUR);
  });
});

describe('rotateIfDue', () => {
  it('rotates only once the primary key is at least the period old', async () => {
    const dir = join(dataDir(), 'token-keys');
    const ring = new FileKeyRing(dir);
    expect(await rotateIfDue(ring, HOUR, {})).toBe(false);
    ageFile(join(dir, '1'), HOUR + 1000);
    expect(await rotateIfDue(ring, HOUR, {})).toBe(true);
    expect(ring.keyFiles()).toEqual([2, 1]);
    expect(await rotateIfDue(ring, HOUR, {})).toBe(false);
  });
});

describe('scheduleTokenKeyRotation', () => {
  it('schedules nothing unless SKYBRIDGE_TOKEN_KEY_ROTATION_HOURS is set', () => {
    const d = dataDir();
    const { tasks, periodic } = recordingScheduler();
    scheduleTokenKeyRotation(periodic, new FileKeyRing(join(d, 'token-keys')), loadConfig({ SKYBRIDGE_DATA_DIR: d }), silentLogger);
    expect(tasks).toEqual([]);
  });

  it('checks at start and every minute, rotating when the primary is older than the period', async () => {
    const d = dataDir();
    const config = loadConfig({ SKYBRIDGE_DATA_DIR: d, SKYBRIDGE_TOKEN_KEY_ROTATION_HOURS: '2' });
    const ring = new FileKeyRing(tokenKeyDir(config));
    const { tasks, periodic } = recordingScheduler();
    scheduleTokenKeyRotation(periodic, ring, config, silentLogger);
    expect(tasks).toMatchObject([{ name: 'token key rotation', ms: 60_000, runAtStart: true }]);
    await tasks[0]!.fn();
    expect(ring.keyFiles()).toEqual([1]);
    ageFile(join(tokenKeyDir(config), '1'), 2 * HOUR + 1000);
    await tasks[0]!.fn();
    expect(ring.keyFiles()).toEqual([2, 1]);
  });
});

describe('rotateTokenKeysCommand', () => {
  it('rotates the data dir\'s keys and keeps every key a live token may need, however often it runs', async () => {
    const d = dataDir();
    const config = loadConfig({ SKYBRIDGE_DATA_DIR: d });
    const server = new FileKeyRing(tokenKeyDir(config), { recheckMs: 0 });
    const first = Buffer.from(server.keys()[0]!).toString('hex');
    const out = await rotateTokenKeysCommand(config);
    expect(out).toContain('key 2 is the new primary; keys 2, 1 validate tokens; removed: none.');
    for (let i = 0; i < 4; i++) await rotateTokenKeysCommand(config);
    expect(server.keys()).toHaveLength(6);
    expect(server.keys().map((k) => Buffer.from(k).toString('hex'))).toContain(first);
  });

  it('drops a key once no token it sealed can still be accepted', async () => {
    const d = dataDir();
    const config = loadConfig({ SKYBRIDGE_DATA_DIR: d, SKYBRIDGE_TOKEN_EXPIRATION: '3600' });
    new FileKeyRing(tokenKeyDir(config));
    for (let i = 0; i < 3; i++) await rotateTokenKeysCommand(config);
    // Keys 1..4; key 2 replaced key 1 more than an hour + 48 h ago.
    ageFile(join(tokenKeyDir(config), '1'), 60 * HOUR);
    ageFile(join(tokenKeyDir(config), '2'), 50 * HOUR);
    expect(await rotateTokenKeysCommand(config)).toContain('keys 5, 4, 3, 2 validate tokens; removed: 1.');
  });

  it('refuses a data dir that has no key repository (a wrong SKYBRIDGE_DATA_DIR)', async () => {
    const d = dataDir();
    await expect(rotateTokenKeysCommand(loadConfig({ SKYBRIDGE_DATA_DIR: join(d, 'typo') }))).rejects.toThrow(/no token key repository/);
    mkdirSync(join(d, 'token-keys'));
    await expect(rotateTokenKeysCommand(loadConfig({ SKYBRIDGE_DATA_DIR: d }))).resolves.toContain('key 2 is the new primary');
  });
});
