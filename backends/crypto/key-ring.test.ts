// FileKeyRing and MemoryKeyRing: created on first use, persisted, rotation keeps N keys, primary first.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileKeyRing } from './file-key-ring.js';
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

describe('FileKeyRing', () => {
  it('creates one private key file on first start and reads the same key after a restart', () => {
    const dir = tempDir();
    const a = new FileKeyRing(dir);
    expect(a.keys()).toHaveLength(1);
    expect(a.keys()[0]).toHaveLength(32);
    expect(statSync(join(dir, '1')).mode & 0o777).toBe(0o600);
    const b = new FileKeyRing(dir);
    expect(Buffer.from(b.keys()[0]!).equals(Buffer.from(a.keys()[0]!))).toBe(true);
  });

  it('rotation puts the new key first and keeps at most maxActive keys', async () => {
    const dir = tempDir();
    const ring = new FileKeyRing(dir);
    const first = ring.keys()[0]!;
    await ring.rotate(3);
    expect(ring.keys()).toHaveLength(2);
    expect(Buffer.from(ring.keys()[1]!).equals(Buffer.from(first))).toBe(true);
    await ring.rotate(3);
    await ring.rotate(3);
    expect(ring.keys()).toHaveLength(3);
    expect(readdirSync(dir).sort()).toEqual(['2', '3', '4']);
    expect(new FileKeyRing(dir).keys().map((k) => Buffer.from(k).toString('hex'))).toEqual(
      ring.keys().map((k) => Buffer.from(k).toString('hex')),
    );
  });

  it('notices a rotation made by another process', async () => {
    const dir = tempDir();
    const reader = new FileKeyRing(dir, 0);
    const writer = new FileKeyRing(dir, 0);
    await writer.rotate(3);
    expect(reader.keys().map((k) => Buffer.from(k).toString('hex'))).toEqual(writer.keys().map((k) => Buffer.from(k).toString('hex')));
  });
});

describe('MemoryKeyRing', () => {
  it('rotates like the file ring', async () => {
    const ring = new MemoryKeyRing();
    const first = ring.keys()[0];
    await ring.rotate(2);
    await ring.rotate(2);
    expect(ring.keys()).toHaveLength(2);
    expect(ring.keys()).not.toContain(first);
  });
});
