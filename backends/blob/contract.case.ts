// The BlobStore contract every implementation runs: round trips, digests, ranges, and nothing left by failed writes.
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isCoreError } from '../../core/errors.js';
import type { BlobEntry, BlobStore } from './types.js';

/** One store under test, plus a way to see stray files its failed writes might have left. */
export interface BlobStoreFixture {
  store: BlobStore;
  /** Anything the implementation keeps besides visible blobs (temp files); must be empty after failures. */
  leftovers(): Promise<string[]>;
  cleanup(): Promise<void>;
}

const enc = (s: string) => new TextEncoder().encode(s);
const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');

/** A body that yields `chunks` one by one, optionally erroring afterwards (a client that died mid-upload). */
function streamOf(chunks: Uint8Array[], failWith?: Error): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(c) {
      if (i < chunks.length) c.enqueue(chunks[i++]!);
      else if (failWith) c.error(failWith);
      else c.close();
    },
  });
}

function splitEvery(buf: Uint8Array, n: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < buf.length; i += n) out.push(buf.slice(i, i + n));
  return out;
}

async function readAll(s: ReadableStream<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  const r = s.getReader();
  for (;;) {
    const { done, value } = await r.read();
    if (done) break;
    parts.push(value);
  }
  return Buffer.concat(parts);
}

async function keysOf(store: BlobStore): Promise<string[]> {
  const out: string[] = [];
  for await (const k of store.list()) out.push(k);
  return out.sort();
}

function pattern(size: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + (i >> 8)) & 0xff;
  return b;
}

async function expectCoreError(p: Promise<unknown>, kind: string, reason?: string): Promise<void> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(isCoreError(e), `expected a CoreError ${kind}, got ${String(e)}`).toBe(true);
  if (isCoreError(e)) {
    expect(e.kind).toBe(kind);
    if (reason) expect(e.detail.reason).toBe(reason);
  }
}

/** Runs the whole contract against stores built by `make`. */
export function blobStoreContract(name: string, make: () => Promise<BlobStoreFixture>): void {
  describe(`BlobStore contract: ${name}`, () => {
    let f: BlobStoreFixture;
    beforeEach(async () => {
      f = await make();
    });
    afterEach(async () => {
      await f.cleanup();
    });

    it('enumerates stored blobs with their size and write time; a put still in progress is not listed', async () => {
      const before = Date.now();
      await f.store.put('aged-a', streamOf([enc('123'), enc('45')]));
      await f.store.put('aged-b', streamOf([]));
      const after = Date.now();
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const slow = f.store.put(
        'in-flight',
        (async function* () {
          yield new Uint8Array([1, 2, 3]);
          await gate;
        })(),
      );
      const seen: BlobEntry[] = [];
      for await (const e of f.store.entries()) seen.push(e);
      seen.sort((x, y) => (x.key < y.key ? -1 : 1));
      expect(seen.map((e) => [e.key, e.size])).toEqual([
        ['aged-a', 5],
        ['aged-b', 0],
      ]);
      // File systems stamp with a coarser clock than Date.now: allow a little either side.
      for (const e of seen) {
        expect(e.modifiedAt).toBeGreaterThanOrEqual(before - 1000);
        expect(e.modifiedAt).toBeLessThanOrEqual(after + 1000);
      }
      release();
      await slow;
      const keys: string[] = [];
      for await (const e of f.store.entries()) keys.push(e.key);
      expect(keys.sort()).toEqual(['aged-a', 'aged-b', 'in-flight']);
      await f.store.delete('aged-a');
      const left: string[] = [];
      for await (const e of f.store.entries()) left.push(e.key);
      expect(left.sort()).toEqual(['aged-b', 'in-flight']);
    });

    it('round-trips bytes written in many chunks, and lists and stats them', async () => {
      const data = pattern(300_000);
      const r = await f.store.put('blob-1', streamOf(splitEvery(data, 7_001)));
      expect(r).toMatchObject({ key: 'blob-1', size: data.length, md5: createHash('md5').update(data).digest('hex') });
      expect((await readAll(await f.store.get('blob-1'))).equals(data)).toBe(true);
      expect(await f.store.stat('blob-1')).toEqual({ size: data.length });
      expect(await keysOf(f.store)).toEqual(['blob-1']);
    });

    it('is not fooled by a producer that reuses its chunk buffer', async () => {
      const scratch = new Uint8Array(1000);
      async function* reusing() {
        for (let i = 0; i < 50; i++) {
          scratch.fill(i);
          yield scratch;
        }
      }
      const expected = Buffer.concat(Array.from({ length: 50 }, (_, i) => Buffer.alloc(1000, i)));
      const r = await f.store.put('reused', reusing());
      expect(r.md5).toBe(createHash('md5').update(expected).digest('hex'));
      expect((await readAll(await f.store.get('reused'))).equals(expected)).toBe(true);
    });

    it('accepts an async iterable body', async () => {
      async function* gen() {
        yield enc('hello ');
        yield enc('world');
      }
      const r = await f.store.put('iter', gen());
      expect(r.size).toBe(11);
      expect((await readAll(await f.store.get('iter'))).toString()).toBe('hello world');
    });

    it('stores and reads an empty blob', async () => {
      const r = await f.store.put('empty', streamOf([]), { digests: ['crc32', 'crc64nvme'] });
      expect(r).toMatchObject({ size: 0, md5: 'd41d8cd98f00b204e9800998ecf8427e' });
      expect(r.digests).toEqual({ crc32: 'AAAAAA==', crc64nvme: 'AAAAAAAAAAA=' });
      expect((await readAll(await f.store.get('empty'))).length).toBe(0);
      expect(await f.store.stat('empty')).toEqual({ size: 0 });
    });

    it('computes every digest correctly against the standard check vectors', async () => {
      const r = await f.store.put('vec', streamOf([enc('1234'), enc('56789')]), { digests: ['sha256', 'sha1', 'crc32', 'crc32c', 'crc64nvme'] });
      expect(r.md5).toBe('25f9e794323b453885f5181f1b624d0b');
      expect(r.digests).toEqual({
        sha256: b64('15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225'),
        sha1: b64('f7c3bc1d808e04732adf679965ccc34ca7ae3441'),
        crc32: b64('cbf43926'),
        crc32c: b64('e3069283'),
        crc64nvme: b64('ae8b14860a799888'),
      });
    });

    it('computes the same digests whatever the chunking', async () => {
      const data = pattern(100_003);
      const all = ['sha256', 'sha1', 'crc32', 'crc32c', 'crc64nvme'] as const;
      const whole = await f.store.put('whole', streamOf([data]), { digests: [...all] });
      const chunked = await f.store.put('chunked', streamOf(splitEvery(data, 13)), { digests: [...all] });
      expect(chunked.digests).toEqual(whole.digests);
      expect(whole.digests.sha256).toBe(createHash('sha256').update(data).digest('base64'));
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(crc32(data) >>> 0);
      expect(whole.digests.crc32).toBe(crc.toString('base64'));
    });

    it('reads inclusive ranges, clamps an end past the size, and rejects unsatisfiable ones', async () => {
      const data = pattern(1000);
      await f.store.put('r', streamOf([data]));
      expect((await readAll(await f.store.get('r', { start: 10, end: 19 }))).equals(data.subarray(10, 20))).toBe(true);
      expect((await readAll(await f.store.get('r', { start: 999, end: 999 }))).equals(data.subarray(999))).toBe(true);
      expect((await readAll(await f.store.get('r', { start: 900, end: 5000 }))).equals(data.subarray(900))).toBe(true);
      await expectCoreError(f.store.get('r', { start: 1000, end: 1001 }), 'Invalid', 'InvalidRange');
      await expectCoreError(f.store.get('r', { start: 5, end: 4 }), 'Invalid', 'InvalidRange');
    });

    it('reports an absent key as NotFound on get, undefined on stat, and deletes idempotently', async () => {
      await expectCoreError(f.store.get('nope'), 'NotFound');
      expect(await f.store.stat('nope')).toBeUndefined();
      await f.store.delete('nope');
      await f.store.put('gone', streamOf([enc('x')]));
      await f.store.delete('gone');
      await f.store.delete('gone');
      await expectCoreError(f.store.get('gone'), 'NotFound');
      expect(await keysOf(f.store)).toEqual([]);
    });

    it('rejects every key that is not an opaque id', async () => {
      const bad = ['', '.', '..', '../x', 'a/b', 'a\\b', '%2e%2e', 'a b', 'tmp/x', 'é', 'a.b', 'x'.repeat(201), 'a\0b'];
      for (const k of bad) {
        await expectCoreError(f.store.put(k, streamOf([enc('x')])), 'Invalid', 'InvalidBlobKey');
        await expectCoreError(f.store.get(k), 'Invalid', 'InvalidBlobKey');
        await expectCoreError(f.store.stat(k), 'Invalid', 'InvalidBlobKey');
        await expectCoreError(f.store.delete(k), 'Invalid', 'InvalidBlobKey');
      }
      expect(await keysOf(f.store)).toEqual([]);
      expect(await f.leftovers()).toEqual([]);
    });

    it('leaves nothing when the body stream fails half-way, and rethrows its error', async () => {
      const boom = new Error('client went away');
      await expect(f.store.put('aborted', streamOf([pattern(70_000), pattern(70_000)], boom))).rejects.toBe(boom);
      expect(await f.store.stat('aborted')).toBeUndefined();
      expect(await keysOf(f.store)).toEqual([]);
      expect(await f.leftovers()).toEqual([]);
    });

    it('keeps the previous version when an overwrite fails', async () => {
      await f.store.put('keep', streamOf([enc('old')]));
      await expect(f.store.put('keep', streamOf([enc('new-but-broken')], new Error('cut')))).rejects.toThrow('cut');
      expect((await readAll(await f.store.get('keep'))).toString()).toBe('old');
      expect(await f.leftovers()).toEqual([]);
    });

    it('leaves nothing when the body is shorter or longer than expectedSize', async () => {
      await expectCoreError(f.store.put('short', streamOf([enc('abc')]), { expectedSize: 4 }), 'Invalid', 'IncompleteBody');
      await expectCoreError(f.store.put('long', streamOf([enc('abc'), enc('de')]), { expectedSize: 4 }), 'Invalid', 'BodyTooLarge');
      expect(await keysOf(f.store)).toEqual([]);
      expect(await f.leftovers()).toEqual([]);
      const ok = await f.store.put('exact', streamOf([enc('ab'), enc('cd')]), { expectedSize: 4 });
      expect(ok.size).toBe(4);
    });

    it('overwrites a key atomically', async () => {
      await f.store.put('ow', streamOf([enc('first')]));
      await f.store.put('ow', streamOf([enc('second!')]));
      expect((await readAll(await f.store.get('ow'))).toString()).toBe('second!');
      expect(await keysOf(f.store)).toEqual(['ow']);
    });

    it('handles concurrent writers to different keys', async () => {
      const keys = Array.from({ length: 24 }, (_, i) => `concurrent_${i}`);
      const datas = keys.map((_, i) => pattern(10_000 + i * 997));
      const results = await Promise.all(keys.map((k, i) => f.store.put(k, streamOf(splitEvery(datas[i]!, 4096)))));
      expect(results.map((r) => r.size)).toEqual(datas.map((d) => d.length));
      for (let i = 0; i < keys.length; i++) expect((await readAll(await f.store.get(keys[i]!))).equals(datas[i]!)).toBe(true);
      expect(await keysOf(f.store)).toEqual([...keys].sort());
      expect(await f.leftovers()).toEqual([]);
    });

    it('lets a reader that already started finish after the blob is deleted or overwritten', async () => {
      const data = pattern(1 << 20);
      await f.store.put('live', streamOf([data]));
      const s = await f.store.get('live');
      const reader = s.getReader();
      const first = await reader.read();
      await f.store.delete('live');
      expect(await f.store.stat('live')).toBeUndefined();
      const parts: Uint8Array[] = [first.value!];
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parts.push(value);
      }
      expect(Buffer.concat(parts).equals(data)).toBe(true);

      await f.store.put('live2', streamOf([data]));
      const s2 = await f.store.get('live2');
      await f.store.put('live2', streamOf([enc('replacement')]));
      expect((await readAll(s2)).equals(data)).toBe(true);
    });

    it('a get opened before a delete succeeds even if never read until after', async () => {
      await f.store.put('early', streamOf([enc('still here')]));
      const s = await f.store.get('early');
      await f.store.delete('early');
      expect((await readAll(s)).toString()).toBe('still here');
    });

    it('a cancelled read releases cleanly and the blob stays readable', async () => {
      await f.store.put('cancel', streamOf([pattern(500_000)]));
      const s = await f.store.get('cancel');
      const r = s.getReader();
      await r.read();
      await r.cancel();
      expect((await readAll(await f.store.get('cancel'))).length).toBe(500_000);
    });
  });
}
