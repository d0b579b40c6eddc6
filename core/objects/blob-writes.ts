// Streaming a request body into a fresh blob (size, MD5 and checksum verified) and committing it, or dropping the blob.
import { createHash } from 'node:crypto';
import type { BlobDigest, BlobWriteResult } from '../../backends/blob/types.js';
import { errors } from '../errors.js';
import { newDigest } from './checksums.js';
import { MAX_OBJECT_SIZE, newBlobKey, normalizeEtag } from './rules.js';
import { customerEtag, sealedSize, sealStream, type BlobCipher } from './sse-cipher.js';
import { newBlobSeal, type WriteSeal } from './encryption.js';
import type { ObjectStoreContext, Tx } from './store-context.js';
import type { Checksum, ChecksumRequest } from './types.js';

/** A written blob: sizes and digests are of the plaintext; `etag` is the MD5, or for SSE-C its keyed stand-in. */
export interface WrittenBlob {
  res: BlobWriteResult;
  checksum?: Checksum;
  etag: string;
  /** How the blob is sealed; absent when stored in clear. */
  cipher?: BlobCipher;
}

/**
 * Streams a body into a fresh blob (sealed with `seal` when given) and verifies MD5 and checksum over the
 * plaintext; on any failure nothing is left behind.
 */
export async function writeBlob(store: ObjectStoreContext, body: ReadableStream<Uint8Array>, o: { expectedSize?: number; expectedMd5?: string; checksum?: ChecksumRequest; seal?: WriteSeal }): Promise<WrittenBlob> {
  if (o.expectedSize !== undefined && o.expectedSize > MAX_OBJECT_SIZE) {
    await body.cancel().catch(() => undefined);
    throw errors.invalid('Your proposed upload exceeds the maximum allowed size', { reason: 'EntityTooLarge' });
  }
  const key = newBlobKey();
  let res: BlobWriteResult;
  let cipher: BlobCipher | undefined;
  let etagOf = (md5: string) => md5;
  if (o.seal) {
    let blob: ReturnType<typeof newBlobSeal>;
    try {
      blob = newBlobSeal(store, o.seal);
    } catch (e) {
      await body.cancel().catch(() => undefined);
      throw e;
    }
    // Digests are of the plaintext; the blob store checks the sealed size, which follows from the plaintext size.
    const md5 = createHash('md5');
    const digest = o.checksum ? newDigest(o.checksum.algorithm) : undefined;
    let size = 0;
    const sealed = sealStream(blob.dataKey, body as unknown as AsyncIterable<Uint8Array>, (c) => {
      size += c.length;
      md5.update(c);
      digest?.update(c);
    });
    const put = await store.blobs.put(key, sealed, { expectedSize: o.expectedSize === undefined ? undefined : sealedSize(o.expectedSize) });
    res = { key: put.key, size, md5: md5.digest('hex'), digests: o.checksum && digest ? { [o.checksum.algorithm]: digest.digest() } : {} };
    cipher = { ...blob.cipher, size };
    if (o.seal.mode === 'SSE-C') etagOf = (m) => customerEtag(blob.dataKey, m);
  } else {
    const digests: BlobDigest[] = o.checksum ? [o.checksum.algorithm] : [];
    res = await store.blobs.put(key, body, { digests, expectedSize: o.expectedSize });
  }
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
    return { res, checksum, etag: etagOf(res.md5), cipher };
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
