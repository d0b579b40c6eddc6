// Piece streams release every blob they open: read to the end, never read, or cancelled while a blob is being opened or read.
import { describe, expect, it } from 'vitest';
import type { BlobStore } from '../../backends/blob/types.js';
import { openPieces, readAll, type Piece } from './streams.js';

/** A blob store whose reads (on demand only) wait for `release()`, counting the blob streams that are open (neither finished nor cancelled). */
function gatedBlobs() {
  let open = 0;
  let opened = 0;
  const gates: Array<() => void> = [];
  const gate = () => new Promise<void>((r) => gates.push(r));
  let gateGets = false;
  const store = {
    async get(key: string, range?: { start: number; end: number }) {
      if (gateGets) await gate();
      opened++;
      open++;
      let closed = false;
      const close = () => {
        if (!closed) open--;
        closed = true;
      };
      const bytes = Buffer.from(key.repeat(10)).subarray(range?.start ?? 0, (range?.end ?? 9) + 1);
      let sent = false;
      return new ReadableStream<Uint8Array>({
        async pull(c) {
          await gate();
          if (closed) return;
          if (sent) {
            close();
            c.close();
            return;
          }
          sent = true;
          c.enqueue(bytes);
        },
        cancel() {
          close();
        },
      }, { highWaterMark: 0 });
    },
  } as unknown as BlobStore;
  return {
    store,
    open: () => open,
    opened: () => opened,
    gateGets: (on: boolean) => void (gateGets = on),
    /** Lets the reads and opens waiting now proceed once. */
    async step() {
      gates.splice(0).forEach((g) => g());
      await new Promise((r) => setImmediate(r));
    },
    waiting: () => gates.length,
    /** Lets every waiting read or open proceed, then lets the microtasks run. */
    async release() {
      for (let i = 0; i < 20; i++) {
        gates.splice(0).forEach((g) => g());
        await new Promise((r) => setImmediate(r));
      }
    },
  };
}

const PIECES: Piece[] = ['a', 'b', 'c'].map((k) => ({ blobKey: k, offset: 0, size: 10 }));

describe('openPieces', () => {
  it('reads the pieces in order and closes each', async () => {
    const b = gatedBlobs();
    const s = await openPieces(b.store, PIECES);
    const all = readAll(s);
    await b.release();
    expect((await all).toString()).toBe('a'.repeat(10) + 'b'.repeat(10) + 'c'.repeat(10));
    expect(b.open()).toBe(0);
  });

  it('opens no blob for a stream that is never read', async () => {
    const b = gatedBlobs();
    await openPieces(b.store, PIECES);
    await b.release();
    expect(b.opened()).toBe(0);
  });

  it('a cancel while a piece is being read releases it and opens no further piece', async () => {
    const b = gatedBlobs();
    const reader = (await openPieces(b.store, PIECES)).getReader();
    const first = reader.read();
    await b.release();
    expect((await first).value?.length).toBe(10);
    void reader.read();
    await new Promise((r) => setImmediate(r));
    await reader.cancel();
    await b.release();
    expect([b.open(), b.opened()]).toEqual([0, 1]);
  });

  it('a cancel while the next piece is being opened releases that piece when it arrives', async () => {
    const b = gatedBlobs();
    const reader = (await openPieces(b.store, PIECES)).getReader();
    const first = reader.read();
    await b.release();
    await first;
    b.gateGets(true);
    void reader.read();
    await new Promise((r) => setImmediate(r));
    // The first piece's end arrives; the stream moves on and waits for the second piece to open.
    await b.step();
    expect([b.opened(), b.waiting()]).toEqual([1, 1]);
    await reader.cancel();
    b.gateGets(false);
    await b.release();
    expect(b.open()).toBe(0);
  });
});
