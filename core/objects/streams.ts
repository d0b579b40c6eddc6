// Byte streams over stored pieces: a manifest's blobs (or a slice of them) read one after another, lazily.
import type { BlobStore } from '../../backends/blob/types.js';

/** A contiguous run of bytes inside one blob. */
export interface Piece {
  blobKey: string;
  offset: number;
  size: number;
}

/** The pieces covering [start, end] (inclusive) of the concatenation of `pieces`. */
export function slicePieces(pieces: Piece[], start: number, end: number): Piece[] {
  const out: Piece[] = [];
  let pos = 0;
  for (const p of pieces) {
    const pStart = pos;
    const pEnd = pos + p.size - 1;
    pos += p.size;
    if (p.size === 0 || pEnd < start || pStart > end) continue;
    const from = Math.max(start, pStart) - pStart;
    const to = Math.min(end, pEnd) - pStart;
    out.push({ blobKey: p.blobKey, offset: p.offset + from, size: to - from + 1 });
  }
  return out;
}

/**
 * A stream reading each piece in turn; a blob is opened only when the previous one is done and a reader
 * asks for bytes (high-water mark 0: a stream built and never read opens nothing). Cancelling releases
 * the blob being read, including one still being opened or read when the cancel arrives (a client that
 * disconnects mid-body), so no file handle is left for the garbage collector.
 */
export async function openPieces(blobs: BlobStore, pieces: Piece[]): Promise<ReadableStream<Uint8Array>> {
  const todo = pieces.filter((p) => p.size > 0);
  if (todo.length === 0) return emptyStream();
  if (todo.length === 1) {
    // One blob (simple objects): hand the blob store's own stream through.
    const p = todo[0]!;
    return blobs.get(p.blobKey, { start: p.offset, end: p.offset + p.size - 1 });
  }
  let i = 0;
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  let cancelled = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(c) {
        for (;;) {
          if (!reader) {
            const p = todo[i++];
            if (!p) {
              c.close();
              return;
            }
            const next = await blobs.get(p.blobKey, { start: p.offset, end: p.offset + p.size - 1 });
            if (cancelled) {
              await next.cancel();
              return;
            }
            reader = next.getReader();
          }
          const r = await reader.read();
          // A cancel during the read ends it as `done`: that is not the piece's end, so open nothing more.
          if (cancelled) return;
          if (r.done) {
            reader = undefined;
            continue;
          }
          c.enqueue(r.value);
          return;
        }
      },
      async cancel(reason) {
        cancelled = true;
        const current = reader;
        reader = undefined;
        await current?.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

/** An empty stream. */
export function emptyStream(): ReadableStream<Uint8Array> {
  return new ReadableStream({ start: (c) => c.close() });
}

/** Collects a stream into one Buffer (tests and small manifests). */
export async function readAll(s: ReadableStream<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const c of s as unknown as AsyncIterable<Uint8Array>) parts.push(c);
  return Buffer.concat(parts);
}
