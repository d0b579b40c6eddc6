// Chunked AES-256-GCM sealing: round trips at chunk boundaries, ranges opening only their chunks, tamper and truncation detection, key wrapping and SSE-C checks.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  customerKeyCheck,
  customerKeyMatches,
  newDataKey,
  openStream,
  sealedRange,
  sealedSize,
  sealStream,
  unwrapDataKey,
  wrapDataKey,
  type BlobCipher,
} from './sse-cipher.js';

async function collect(it: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const out: Uint8Array[] = [];
  for await (const c of it) out.push(c);
  return Buffer.concat(out);
}

async function* chunks(b: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

const CHUNK = 16;

async function seal(plain: Buffer, key: Uint8Array): Promise<{ sealed: Buffer; cipher: BlobCipher }> {
  const sealed = await collect(sealStream(key, chunks(plain, 7), () => undefined, CHUNK));
  return { sealed, cipher: { v: 1, mode: 'SSE-S3', chunk: CHUNK, size: plain.length } };
}

async function open(sealed: Buffer, cipher: BlobCipher, key: Uint8Array, start: number, end: number): Promise<Buffer> {
  const r = sealedRange(cipher, start, end);
  return collect(openStream(key, cipher, chunks(sealed.subarray(r.start, r.end + 1), 5), start, end));
}

describe('chunked sealing', () => {
  const key = newDataKey();

  it('round-trips every size around chunk boundaries; the sealed size is plaintext + one tag per chunk', async () => {
    for (const n of [0, 1, 15, 16, 17, 32, 33, 100]) {
      const plain = randomBytes(n);
      const { sealed, cipher } = await seal(plain, key);
      expect(sealed.length, `n=${n}`).toBe(sealedSize(n, CHUNK));
      if (n > 0) expect((await open(sealed, cipher, key, 0, n - 1)).equals(plain), `n=${n}`).toBe(true);
    }
  });

  it('a range opens only the chunks it touches and yields exactly its bytes', async () => {
    const plain = randomBytes(100);
    const { sealed, cipher } = await seal(plain, key);
    expect(sealedRange(cipher, 20, 40)).toEqual({ start: 32, end: 32 * 3 - 1, firstChunk: 1 });
    for (const [a, b] of [[0, 0], [15, 16], [20, 40], [31, 32], [99, 99], [64, 99]] as const) {
      expect((await open(sealed, cipher, key, a, b)).equals(plain.subarray(a, b + 1)), `${a}-${b}`).toBe(true);
    }
  });

  it('a flipped bit, a swapped chunk, a dropped last chunk or another key fails instead of returning bytes', async () => {
    const plain = randomBytes(64);
    const { sealed, cipher } = await seal(plain, key);
    const flipped = Buffer.from(sealed);
    flipped[40] ^= 1;
    await expect(open(flipped, cipher, key, 0, 63)).rejects.toThrow(/authentication/);
    const swapped = Buffer.concat([sealed.subarray(32, 64), sealed.subarray(0, 32), sealed.subarray(64)]);
    await expect(open(swapped, cipher, key, 0, 63)).rejects.toThrow(/authentication/);
    // Dropping the final chunk and claiming a shorter object: the new last chunk was not sealed as last.
    await expect(open(sealed.subarray(0, 96), { ...cipher, size: 48 }, key, 0, 47)).rejects.toThrow(/authentication/);
    await expect(open(sealed, cipher, newDataKey(), 0, 63)).rejects.toThrow(/authentication/);
  });
});

describe('data keys and customer keys', () => {
  it('a data key wrapped before a rotation unwraps after it, by its key id', () => {
    const keys = [new Uint8Array(newDataKey())];
    const ring = { keys: () => keys };
    const dk = newDataKey();
    const w = wrapDataKey(ring, dk);
    keys.unshift(new Uint8Array(newDataKey()));
    const w2 = wrapDataKey(ring, dk);
    expect(w2.keyId).not.toBe(w.keyId);
    for (const x of [w, w2]) expect(Buffer.from(unwrapDataKey(ring, { v: 1, mode: 'SSE-S3', chunk: 1, size: 0, ...x })).equals(dk)).toBe(true);
  });

  it('the customer key check holds no key and accepts only that key', () => {
    const k = randomBytes(32);
    const check = customerKeyCheck(k);
    expect(JSON.stringify(check)).not.toContain(k.toString('base64'));
    expect(customerKeyMatches(check, k)).toBe(true);
    expect(customerKeyMatches(check, randomBytes(32))).toBe(false);
  });
});
