// Byte streams that can also be read into the reader's own buffers: a writer that knows when a write is done reuses them, with no allocation (and no garbage) per chunk.

/**
 * The bytes of a stream, read into buffers the caller owns. Reads never overlap: each waits for the
 * previous one. The source closes what it holds (an open file) when it reaches the end, on `close`,
 * and on a read error.
 */
export interface ByteSource {
  /** Bytes still to be read (a bound for the caller's buffers). */
  readonly remaining: number;
  /** Fills `into` from its start with up to `into.length` bytes and resolves how many; 0 only at the end. */
  read(into: Uint8Array): Promise<number>;
  /** Releases what the source holds; idempotent, and safe while a read is in flight (that read then resolves 0 or rejects). */
  close(): Promise<void>;
}

const SOURCE = Symbol('skybridge.byteSource');

type WithSource = ReadableStream<Uint8Array> & { [SOURCE]?: ByteSource };

/**
 * Marks `stream` as readable through `source` too. The stream must read nothing before a reader asks
 * (high-water mark 0), so that a source taken from an unread stream starts at its first byte; and
 * cancelling the stream must close the source.
 */
export function withByteSource(stream: ReadableStream<Uint8Array>, source: ByteSource): ReadableStream<Uint8Array> {
  (stream as WithSource)[SOURCE] = source;
  return stream;
}

/**
 * The byte source of a stream nobody has read yet, or undefined. Taking it locks the stream for good:
 * from then on the bytes come only through the source, and releasing them is the taker's `close`.
 */
export function takeByteSource(stream: ReadableStream<Uint8Array> | null | undefined): ByteSource | undefined {
  const s = stream as WithSource | null | undefined;
  const source = s?.[SOURCE];
  if (!s || !source || s.locked) return undefined;
  delete s[SOURCE];
  s.getReader();
  return source;
}

/**
 * A stream over `source` offering it (see withByteSource): each pull reads one fresh buffer of at most
 * `chunkBytes`. Nothing is read before a reader asks; with `readAhead`, from the first read on the next
 * chunk is read while the reader handles the last (once a reader holds the stream, nobody can take the
 * source). Cancelling closes the source (after the read in flight, see ByteSource.close).
 */
export function sourceStream(source: ByteSource, chunkBytes: number, opts: { readAhead?: boolean } = {}): ReadableStream<Uint8Array> {
  const readChunk = async (): Promise<Uint8Array | undefined> => {
    const buf = Buffer.allocUnsafe(Math.max(1, Math.min(chunkBytes, source.remaining)));
    const n = await source.read(buf);
    return n === 0 ? undefined : n === buf.length ? buf : buf.subarray(0, n);
  };
  let ahead: Promise<Uint8Array | undefined> | undefined;
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const chunk = await (ahead ?? readChunk());
          ahead = undefined;
          if (chunk) controller.enqueue(chunk);
          // The last bytes end the stream at once: no further pull just to learn that.
          if (!chunk || source.remaining === 0) {
            controller.close();
            return;
          }
          if (!opts.readAhead) return;
          ahead = readChunk();
          // A failed read-ahead errors the next pull, not the process.
          ahead.catch(() => undefined);
        } catch (e) {
          controller.error(e);
        }
      },
      cancel: () => source.close(),
    },
    { highWaterMark: 0 },
  );
  return withByteSource(stream, source);
}

/**
 * The bytes of a stream without a source of its own, as a source: each read copies what the stream
 * gives (keeping the rest for the next read). Closing cancels the stream.
 */
export function copyingSource(stream: ReadableStream<Uint8Array>, size: number): ByteSource {
  const reader = stream.getReader();
  let left: Uint8Array | undefined;
  let remaining = size;
  let closed = false;
  return {
    get remaining() {
      return closed ? 0 : remaining;
    },
    async read(into) {
      while (!closed && !left?.length) {
        const r = await reader.read();
        if (r.done) return 0;
        left = r.value;
      }
      if (closed || !left) return 0;
      const n = Math.min(into.length, left.length);
      into.set(n === left.length ? left : left.subarray(0, n));
      left = left.subarray(n);
      remaining -= n;
      return n;
    },
    async close() {
      if (closed) return;
      closed = true;
      left = undefined;
      await reader.cancel().catch(() => undefined);
    },
  };
}
