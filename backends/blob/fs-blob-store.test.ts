// Runs the BlobStore contract against the filesystem store, plus its on-disk layout and temp sweep.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { blobStoreContract } from './contract.case.js';
import { FsBlobStore } from './fs-blob-store.js';

function tempRoot(): string {
  return mkdtempSync(join(tmpdir(), 'skybridge-blobs-'));
}

blobStoreContract('filesystem', async () => {
  const dir = tempRoot();
  const root = join(dir, 'blobs');
  // Small chunks so a 1 MiB read spans many reads, and a small write buffer so failures hit mid-file.
  const store = new FsBlobStore({ root, readChunkBytes: 16 << 10, writeBufferBytes: 64 << 10 });
  return {
    store,
    leftovers: async () => (existsSync(join(root, 'tmp')) ? readdirSync(join(root, 'tmp')) : []),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

describe('FsBlobStore specifics', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('fans blobs out into two levels of hex shard directories, all made up front', async () => {
    const dir = tempRoot();
    dirs.push(dir);
    const store = new FsBlobStore({ root: dir });
    await store.put('some-key', new Blob(['abc']).stream());
    const level1 = readdirSync(dir).filter((n) => /^[0-9a-f]{2}$/.test(n));
    expect(level1).toHaveLength(256);
    expect(readdirSync(join(dir, 'ff')).sort()).toEqual([...'0123456789abcdef']);
    const h = createHash('md5').update('some-key').digest('hex');
    expect(readdirSync(join(dir, h.slice(0, 2), h.slice(2, 3)))).toEqual(['some-key']);
  });

  it('recreates a shard directory removed behind its back', async () => {
    const dir = tempRoot();
    dirs.push(dir);
    const store = new FsBlobStore({ root: dir });
    await store.put('first', new Blob(['1']).stream());
    const h = createHash('md5').update('again').digest('hex');
    rmSync(join(dir, h.slice(0, 2), h.slice(2, 3)), { recursive: true });
    await store.put('again', new Blob(['2']).stream());
    expect(await store.stat('again')).toEqual({ size: 1 });
  });

  it('sweeps stale temp files and keeps fresh ones', async () => {
    const dir = tempRoot();
    dirs.push(dir);
    const store = new FsBlobStore({ root: dir });
    await store.put('k', new Blob(['x']).stream());
    const tmp = join(dir, 'tmp');
    writeFileSync(join(tmp, 'old.tmp'), 'half a write');
    writeFileSync(join(tmp, 'new.tmp'), 'in flight');
    const old = (Date.now() - 2 * 3600_000) / 1000;
    utimesSync(join(tmp, 'old.tmp'), old, old);
    expect(await store.sweepTemp(3600_000)).toBe(1);
    expect(readdirSync(tmp)).toEqual(['new.tmp']);
    expect(await store.stat('k')).toEqual({ size: 1 });
  });

  it('lists nothing for a root that does not exist yet', async () => {
    const dir = tempRoot();
    dirs.push(dir);
    const store = new FsBlobStore({ root: join(dir, 'never') });
    const keys: string[] = [];
    for await (const k of store.list()) keys.push(k);
    expect(keys).toEqual([]);
    expect(await store.stat('absent')).toBeUndefined();
  });
});

describe('FsBlobStore releases what it cannot use', () => {
  it('a put that cannot even create its temp file cancels the body (a copy source is not left open)', async () => {
    const dir = tempRoot();
    try {
      const store = new FsBlobStore({ root: dir });
      await store.put('first', new Blob(['x']).stream());
      // The temp directory turns into a file: creating the temp file now fails before the body is read.
      rmSync(join(dir, 'tmp'), { recursive: true });
      writeFileSync(join(dir, 'tmp'), '');
      let cancelled = false;
      const body = new ReadableStream<Uint8Array>({ cancel: () => void (cancelled = true) });
      await expect(store.put('second', body)).rejects.toThrow();
      expect(cancelled).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
