// Hashes image data while it streams: md5 (Glance `checksum`), sha512 (`os_hash_value`), size, and a byte cap.
import { createHash, type Hash } from 'node:crypto';
import { errors } from '../errors.js';

/** The digests of a stream that has ended. */
export interface StreamDigests {
  size: number;
  md5: string;
  sha512: string;
}

/** A pass-through that hashes what flows; `digests()` is valid once the stream ended. */
export interface HashingStream {
  stream: ReadableStream<Uint8Array>;
  digests(): StreamDigests;
}

/** The algorithm Glance reports in `os_hash_algo` (its default `hashing_algorithm`). */
export const HASH_ALGO = 'sha512';

/**
 * Wraps `body` so every chunk is hashed on its way through; more than `maxBytes` bytes fails the stream
 * with a QuotaExceeded error (the writer then stores nothing).
 */
export function hashingStream(body: ReadableStream<Uint8Array>, maxBytes: number, quotaMessage: () => string): HashingStream {
  const md5: Hash = createHash('md5');
  const sha: Hash = createHash(HASH_ALGO);
  let size = 0;
  let done: StreamDigests | undefined;
  const t = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, ctl) {
      size += chunk.byteLength;
      if (size > maxBytes) {
        ctl.error(errors.quota(quotaMessage(), { reason: 'TooLarge' }));
        return;
      }
      md5.update(chunk);
      sha.update(chunk);
      ctl.enqueue(chunk);
    },
    flush() {
      done = { size, md5: md5.digest('hex'), sha512: sha.digest('hex') };
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
