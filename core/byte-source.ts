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

/** Whether `stream` still offers a byte source (a wrapper can pass the offer on). */
export function hasByteSource(stream: ReadableStream<Uint8Array>): boolean {
  return !stream.locked && (stream as WithSource)[SOURCE] !== undefined;
}
