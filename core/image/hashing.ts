// Hashes image data while it streams: sha512 (`os_hash_value`), size, the first bytes (format headers), and a byte cap.
import { createHash, type Hash } from 'node:crypto';
import { errors } from '../errors.js';

/** What a stream that has ended measured. The md5 `checksum` is the object store's ETag, not computed twice. */
export interface StreamDigests {
  size: number;
  sha512: string;
  /** The first HEAD_BYTES bytes (qcow2 and other headers). */
  head: Buffer;
}

/** A pass-through that hashes what flows; `digests()` is valid once the stream ended. */
export interface HashingStream {
  stream: ReadableStream<Uint8Array>;
  digests(): StreamDigests;
}

/** The algorithm Glance reports in `os_hash_algo` (its default `hashing_algorithm`). */
export const HASH_ALGO = 'sha512';

const HEAD_BYTES = 512;

/**
 * Wraps `body` so every chunk is hashed on its way through (one transform: each stage costs a hop per
 * chunk); more than `maxBytes` bytes fails the stream with QuotaExceeded (the writer then stores nothing).
 */
export function hashingStream(body: ReadableStream<Uint8Array>, maxBytes: number, quotaMessage: () => string): HashingStream {
  const sha: Hash = createHash(HASH_ALGO);
  const head: Buffer[] = [];
  let headLen = 0;
  let size = 0;
  let done: StreamDigests | undefined;
  const t = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, ctl) {
      size += chunk.byteLength;
      if (size > maxBytes) {
        ctl.error(errors.quota(quotaMessage(), { reason: 'TooLarge' }));
        return;
      }
      if (headLen < HEAD_BYTES) {
        const part = chunk.subarray(0, HEAD_BYTES - headLen);
        head.push(Buffer.from(part));
        headLen += part.byteLength;
      }
      sha.update(chunk);
      ctl.enqueue(chunk);
    },
    flush() {
      done = { size, sha512: sha.digest('hex'), head: Buffer.concat(head) };
    },
  });
  return {
    stream: body.pipeThrough(t),
    digests() {
      if (!done) throw errors.invalid('The image data ended early.', { reason: 'IncompleteBody' });
      return done;
    },
  };
}
