// Rules every blob store shares: key validation, range checks, and reading a body chunk by chunk.
import { errors } from '../../core/errors.js';
import { BLOB_KEY_PATTERN, type BlobWriteOptions } from './types.js';

/** Throws CoreError Invalid unless `key` is an opaque id the store accepts. */
export function assertBlobKey(key: string): void {
  if (typeof key !== 'string' || !BLOB_KEY_PATTERN.test(key)) throw errors.invalid('Invalid blob key.', { resource: 'blob', reason: 'InvalidBlobKey' });
}

/** Resolves an inclusive range against a size (clamping `end`), or throws Invalid InvalidRange. */
export function resolveRange(size: number, range?: { start: number; end: number }): { start: number; end: number } {
  if (!range) return { start: 0, end: size - 1 };
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || start > end || start >= size) {
    throw errors.invalid('The requested range is not satisfiable.', { resource: 'blob', reason: 'InvalidRange', size });
  }
  return { start, end: Math.min(end, size - 1) };
}

/** Yields the body's chunks; stopping early cancels the underlying stream. */
export async function* bodyChunks(body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  if (!('getReader' in body)) {
    yield* body;
    return;
  }
  const reader = body.getReader();
  let done = false;
  try {
    for (;;) {
      const r = await reader.read();
      if (r.done) {
        done = true;
        return;
      }
      yield r.value;
    }
  } finally {
    // An early stop (size overrun) or a thrown error: tell the producer we want no more.
    if (!done) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

/** Releases a body that will never be read (its producer may hold a file handle or a socket). */
export async function discardBody(body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>): Promise<void> {
  if ('getReader' in body) {
    if (!body.locked) await body.cancel().catch(() => undefined);
    return;
  }
  const it = body[Symbol.asyncIterator]();
  await it.return?.().catch(() => undefined);
}

/** Throws when the running size already exceeds the expected one. */
export function checkNotTooLarge(size: number, opts?: BlobWriteOptions): void {
  if (opts?.expectedSize !== undefined && size > opts.expectedSize) {
    throw errors.invalid('The body is larger than its declared size.', { resource: 'blob', reason: 'BodyTooLarge', expected: opts.expectedSize });
  }
}

/** Throws when the final size differs from the expected one. */
export function checkFinalSize(size: number, opts?: BlobWriteOptions): void {
  checkNotTooLarge(size, opts);
  if (opts?.expectedSize !== undefined && size < opts.expectedSize) {
    throw errors.invalid('The body ended before its declared size.', { resource: 'blob', reason: 'IncompleteBody', expected: opts.expectedSize, received: size });
  }
}
