// Piece streams release every blob stream they open: a sealed piece cancelled before or during reading cancels its blob stream.
import { describe, expect, it } from 'vitest';
import type { BlobStore } from '../../backends/blob/types.js';
import { newDataKey, sealStream, type BlobCipher } from './sse-cipher.js';
import { openPieces, readAll, type Piece } from './streams.js';

/** A blob store over one sealed buffer that counts the streams it hands out and how many were cancelled or finished. */
function countingStore(bytes: Buffer): { store: BlobStore; opened: number; released: number } {
  const s = { opened: 0, released: 0, store: undefined as unknown as BlobStore };
  s.store = {
    async get(_key, range) {
      s.opened++;
      const part = bytes.subarray(range?.start ?? 0, (range?.end ?? bytes.length - 1) + 1);
      let sent = 0;
      return new ReadableStream<Uint8Array>({
        pull(c) {
          if (sent >= part.length) {
            s.released++;
            c.close();
            return;
          }
          c.enqueue(part.subarray(sent, sent + 1000));
          sent += 1000;
        },
        cancel() {
          s.released++;
        },
      });
    },
  } as BlobStore;
  return s;
}

describe('openPieces over sealed blobs', () => {
  it('decrypts, and releases the blob stream when read to the end, cancelled before reading, or cancelled midway', async () => {
    const key = newDataKey();
    const plain = Buffer.alloc(200_000, 7);
    const out: Uint8Array[] = [];
    for await (const c of sealStream(key, (async function* () { yield plain; })(), () => undefined)) out.push(c);
    const cipher: BlobCipher = { v: 1, mode: 'SSE-S3', chunk: 64 * 1024, size: plain.length };
    const pieces: Piece[] = [{ blobKey: 'b', offset: 100, size: 150_000, cipher }];
    const unseal = () => key;

    const whole = countingStore(Buffer.concat(out));
    expect((await readAll(await openPieces(whole.store, pieces, unseal))).equals(plain.subarray(100, 150_100))).toBe(true);
    expect(whole).toMatchObject({ opened: 1, released: 1 });

    const early = countingStore(Buffer.concat(out));
    await (await openPieces(early.store, pieces, unseal)).cancel();
    expect(early).toMatchObject({ opened: 1, released: 1 });

    const midway = countingStore(Buffer.concat(out));
    const reader = (await openPieces(midway.store, [...pieces, { ...pieces[0]!, offset: 0 }], unseal)).getReader();
    await reader.read();
    await reader.cancel();
    expect(midway).toMatchObject({ opened: 1, released: 1 });
  });
});
