// FileKeyRing and MemoryKeyRing: created on first use, persisted, rotation keeps what live tokens need, primary first, other processes notice.
import { mkdtempSync, readdirSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileKeyRing } from './file-key-ring.js';
import { keysToDrop } from './key-file-format.js';
import { MemoryKeyRing } from './memory-key-ring.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'skybridge-keys-'));
  dirs.push(d);
  return join(d, 'token-keys');
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const hexes = (keys: Uint8Array[]) => keys.map((k) => Buffer.from(k).toString('hex'));
const HOUR = 3600_000;
/** Makes key file `name` look `ageMs` old. */
const age = (dir: string, name: string, ageMs: number) => {
  const t = (Date.now() - ageMs) / 1000;
  utimesSync(join(dir, name), t, t);
};

describe('FileKeyRing', () => {
  it('creates one private key file on first start and reads the same key after a restart', () => {
    const dir = tempDir();
    const a = new FileKeyRing(dir);
    expect(a.keys()).toHaveLength(1);
    expect(a.keys()[0]).toHaveLength(32);
    expect(statSync(join(dir, '1')).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const b = new FileKeyRing(dir);
    expect(Buffer.from(b.keys()[0]!).equals(Buffer.from(a.keys()[0]!))).toBe(true);
  });

  it('rotation puts the new key first and, with no retention time, keeps the newest keepNewest keys', async () => {
    const dir = tempDir();
    const ring = new FileKeyRing(dir);
    const first = ring.keys()[0]!;
    await ring.rotate({ keepNewest: 3 });
    expect(ring.keys()).toHaveLength(2);
    expect(Buffer.from(ring.keys()[1]!).equals(Buffer.from(first))).toBe(true);
    await ring.rotate({ keepNewest: 3 });
    await ring.rotate({ keepNewest: 3 });
    expect(ring.keys()).toHaveLength(3);
    expect(readdirSync(dir).sort()).toEqual(['2', '3', '4']);
    expect(ring.keyFiles()).toEqual([4, 3, 2]);
    expect(hexes(new FileKeyRing(dir).keys())).toEqual(hexes(ring.keys()));
  });

  it('keeps a retired key as long as tokens it sealed may still be accepted, however often keys rotate', async () => {
    const dir = tempDir();
    const ring = new FileKeyRing(dir);
    const first = hexes(ring.keys())[0];
    for (let i = 0; i < 5; i++) await ring.rotate({ keepNewest: 2, keepRetiredForMs: 50 * HOUR });
    expect(ring.keyFiles()).toEqual([6, 5, 4, 3, 2, 1]);
    expect(hexes(ring.keys())).toContain(first);
    // Key 1 was retired when key 2 was made; once that is longer ago than the retention, it goes.
    age(dir, '2', 51 * HOUR);
    age(dir, '1', 52 * HOUR);
    await ring.rotate({ keepNewest: 2, keepRetiredForMs: 50 * HOUR });
    expect(ring.keyFiles()).toEqual([7, 6, 5, 4, 3, 2]);
    expect(hexes(ring.keys())).not.toContain(first);
  });

  it('tells when the primary key was made', async () => {
    const dir = tempDir();
    const ring = new FileKeyRing(dir);
    age(dir, '1', 2 * HOUR);
    expect(Date.now() - ring.primarySince()).toBeGreaterThanOrEqual(2 * HOUR - 1000);
    await ring.rotate();
    expect(Date.now() - ring.primarySince()).toBeLessThan(60_000);
  });

  it('notices a rotation made by another process', async () => {
    const dir = tempDir();
    const reader = new FileKeyRing(dir, { recheckMs: 0 });
    const writer = new FileKeyRing(dir, { recheckMs: 0 });
    await writer.rotate({ keepNewest: 3 });
    expect(hexes(reader.keys())).toEqual(hexes(writer.keys()));
    await writer.rotate({ keepNewest: 1 });
    expect(hexes(reader.keys())).toEqual(hexes(writer.keys()));
    expect(reader.keys()).toHaveLength(1);
  });

  it('keeps serving its keys when the directory becomes unreadable as a ring, and reports why', async () => {
    const dir = tempDir();
    const errors: Error[] = [];
    const reader = new FileKeyRing(dir, { recheckMs: 0, onReloadError: (e) => errors.push(e) });
    const before = hexes(reader.keys());
    writeFileSync(join(dir, '2'), 'not a key');
    expect(hexes(reader.keys())).toEqual(before);
    expect(errors[0]?.message).toMatch(/does not hold a 32-byte key/);
    unlinkSync(join(dir, '2'));
    unlinkSync(join(dir, '1'));
    expect(hexes(reader.keys())).toEqual(before);
    expect(errors[1]?.message).toMatch(/no token keys/);
  });

  it('refuses to start on a key file that does not hold a key', () => {
    const dir = tempDir();
    new FileKeyRing(dir);
    writeFileSync(join(dir, '2'), 'short');
    expect(() => new FileKeyRing(dir)).toThrow(/does not hold a 32-byte key/);
  });
});

describe('keysToDrop', () => {
  it('drops beyond keepNewest only keys whose successor was made at least keepRetiredForMs ago', () => {
    const now = 100 * HOUR;
    const made = [99, 90, 60, 40, 10].map((h) => h * HOUR);
    expect(keysToDrop(made, { keepNewest: 2 }, now)).toEqual([2, 3, 4]);
    expect(keysToDrop(made, { keepNewest: 2, keepRetiredForMs: 49 * HOUR }, now)).toEqual([4]);
    expect(keysToDrop(made, { keepNewest: 0 }, now)).toEqual([1, 2, 3, 4]);
    expect(keysToDrop(made, {}, now)).toEqual([3, 4]);
  });
});

describe('MemoryKeyRing', () => {
  it('rotates like the file ring', async () => {
    let now = 0;
    const ring = new MemoryKeyRing(undefined, () => now);
    const first = ring.keys()[0];
    now = 10;
    await ring.rotate({ keepNewest: 2 });
    expect(ring.primarySince()).toBe(10);
    await ring.rotate({ keepNewest: 2 });
    expect(ring.keys()).toHaveLength(2);
    expect(ring.keys()).not.toContain(first);
    now = 20;
    // The key retired just now stays (retention 5); the one retired at 10 goes.
    await ring.rotate({ keepNewest: 1, keepRetiredForMs: 5 });
    expect(ring.keys()).toHaveLength(2);
  });
});
