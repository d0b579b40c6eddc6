// Streaming a request body into a fresh blob (size, MD5 and checksum verified) and committing it, or dropping the blob.
import type { BlobDigest, BlobWriteResult } from '../../backends/blob/types.js';
import { errors } from '../errors.js';
import { MAX_OBJECT_SIZE, newBlobKey, normalizeEtag } from './rules.js';
import type { ObjectStoreContext, Tx } from './store-context.js';
import type { Checksum, ChecksumRequest } from './types.js';

/** Streams a body into a fresh blob and verifies MD5 and checksum; on any failure nothing is left behind. */
export async function writeBlob(store: ObjectStoreContext, body: ReadableStream<Uint8Array>, o: { expectedSize?: number; expectedMd5?: string; checksum?: ChecksumRequest }): Promise<{ res: BlobWriteResult; checksum?: Checksum }> {
  if (o.expectedSize !== undefined && o.expectedSize > MAX_OBJECT_SIZE) {
    await body.cancel().catch(() => undefined);
    throw errors.invalid('Your proposed upload exceeds the maximum allowed size', { reason: 'EntityTooLarge' });
  }
  const key = newBlobKey();
  const digests: BlobDigest[] = o.checksum ? [o.checksum.algorithm] : [];
  const res = await store.blobs.put(key, body, { digests, expectedSize: o.expectedSize });
  try {
    if (o.expectedMd5 !== undefined && normalizeEtag(o.expectedMd5) !== res.md5) {
      throw errors.invalid('The Content-MD5 you specified did not match what we received.', { reason: 'BadDigest', expected: o.expectedMd5, calculated: res.md5 });
    }
    let checksum: Checksum | undefined;
    if (o.checksum) {
      const value = res.digests[o.checksum.algorithm];
      const expected = typeof o.checksum.expected === 'function' ? o.checksum.expected() : o.checksum.expected;
      if (value === undefined) throw errors.notImplemented(`checksum ${o.checksum.algorithm}`);
      if (expected !== undefined && expected !== value) {
        throw errors.invalid(`The ${o.checksum.algorithm.toUpperCase()} you specified did not match the calculated checksum.`, { reason: 'BadChecksum', algorithm: o.checksum.algorithm });
      }
      checksum = { algorithm: o.checksum.algorithm, value, type: 'FULL_OBJECT' };
    }
    return { res, checksum };
  } catch (e) {
    await store.blobs.delete(key).catch(() => undefined);
    throw e;
  }
}

/** Runs a commit transaction for a freshly written blob; deletes the blob when the commit fails. */
/** Group-committed with concurrent writes: one fsync for the batch, each settled only once the batch is durable. */
export function commitOrDrop<T>(store: ObjectStoreContext, blobKey: string, fn: (tx: Tx) => T): Promise<T> {
  return store.commits.run(fn).catch((e: unknown) =>
    store.blobs
      .delete(blobKey)
      .catch(() => undefined)
      .then(() => {
        throw e;
      }),
  );
}
