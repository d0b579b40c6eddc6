// Byte streams over stored pieces: a manifest's blobs (or a slice of them) read one after another, lazily.
import type { BlobStore } from '../../backends/blob/types.js';
import { copyingSource, sourceStream, takeByteSource, type ByteSource } from '../byte-source.js';
import { openStream, sealedRange, type BlobCipher } from './sse-cipher.js';

/** A contiguous run of bytes inside one blob; offsets are of the plaintext when the blob is sealed. */
export interface Piece {
  blobKey: string;
  offset: number;
  size: number;
  /** How the blob is sealed; absent: stored in clear. */
  cipher?: BlobCipher;
}

/** The data key of a sealed blob (see encryption.ts `unsealer`). */
export type Unseal = (cipher: BlobCipher) => Uint8Array;

/** The plaintext of one piece: a blob range, or for a sealed blob only the chunks covering it, opened. */
async function openPiece(blobs: BlobStore, p: Piece, unseal?: Unseal): Promise<ReadableStream<Uint8Array>> {
  const end = p.offset + p.size - 1;
  if (!p.cipher) return blobs.get(p.blobKey, { start: p.offset, end });
  if (!unseal) throw new Error('a sealed piece needs an unsealer');
  const key = unseal(p.cipher);
  const r = sealedRange(p.cipher, p.offset, end);
  const sealed = await blobs.get(p.blobKey, { start: r.start, end: r.end });
  return generatorStream(openStream(key, p.cipher, sealed as unknown as AsyncIterable<Uint8Array>, p.offset, end), () => sealed.cancel());
}

/**
 * A stream over an async generator. Cancelling returns the generator (a started one releases what it
 * reads from) and then runs `release`, for a source the generator never got to open.
 */
export function generatorStream(gen: AsyncGenerator<Uint8Array>, release?: () => Promise<void>): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull(c) {
      const r = await gen.next();
      if (r.done) c.close();
      else c.enqueue(r.value);
    },
    async cancel() {
      await gen.return(undefined);
      await release?.().catch(() => undefined);
    },
  });
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
    out.push({ blobKey: p.blobKey, offset: p.offset + from, size: to - from + 1, cipher: p.cipher });
  }
  return out;
}

/** Size of each chunk of a stream over several pieces (a read never spans two of them). */
const PIECES_CHUNK_BYTES = 256 * 1024;

/**
 * A stream reading each piece in turn (sealed ones opened with `unseal`); a blob is opened only when the
 * previous one is done and a reader asks for bytes (a stream built and never read opens nothing). It
 * offers its byte source (see core/byte-source.ts), which reads through each blob's own source where it
 * has one. Cancelling releases the blob being read, including one still being opened or read when the
 * cancel arrives (a client that disconnects mid-body), so no file handle is left for the garbage collector.
 */
export async function openPieces(blobs: BlobStore, pieces: Piece[], unseal?: Unseal): Promise<ReadableStream<Uint8Array>> {
  const todo = pieces.filter((p) => p.size > 0);
  if (todo.length === 0) return emptyStream();
  if (todo.length === 1) {
    // One blob (simple objects): hand the blob store's own stream (and byte source) through.
    return openPiece(blobs, todo[0]!, unseal);
  }
  return sourceStream(piecesSource(blobs, todo, unseal), PIECES_CHUNK_BYTES);
}

/** The bytes of `todo` in order, each blob opened when the previous one is done; see openPieces. */
function piecesSource(blobs: BlobStore, todo: Piece[], unseal?: Unseal): ByteSource {
  let i = 0;
  let current: ByteSource | undefined;
  let remaining = todo.reduce((n, p) => n + p.size, 0);
  let closed = false;
  return {
    get remaining() {
      return closed ? 0 : remaining;
    },
    async read(into) {
      for (;;) {
        if (closed) return 0;
        if (!current) {
          const p = todo[i++];
          if (!p) return 0;
          const next = await openPiece(blobs, p, unseal);
          if (closed) {
            await next.cancel();
            return 0;
          }
          current = takeByteSource(next) ?? copyingSource(next, p.size);
        }
        const n = await current.read(into);
        // A close during the read ends it with 0: that is not the piece's end, so open nothing more.
        if (closed) return 0;
        if (n === 0) {
          current = undefined;
          continue;
        }
        remaining -= n;
        // The last bytes are in: release the last blob now, not on a read that would only learn it is done.
        if (remaining === 0) await current.close();
        return n;
      }
    },
    async close() {
      closed = true;
      const c = current;
      current = undefined;
      await c?.close();
    },
  };
}

/** An empty stream. */
export function emptyStream(): ReadableStream<Uint8Array> {
  return new ReadableStream({ start: (c) => c.close() });
}

/** A one-chunk stream over bytes already in memory (empty bytes: an empty stream). */
export function bytesStream(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(c) {
      if (bytes.length) c.enqueue(bytes);
      c.close();
    },
  });
}

/** Collects a stream into one Buffer (tests and small manifests). */
export async function readAll(s: ReadableStream<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const c of s as unknown as AsyncIterable<Uint8Array>) parts.push(c);
  return Buffer.concat(parts);
}
