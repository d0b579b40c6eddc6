// Streaming a request body into a fresh blob (size, MD5 and checksum verified) and committing it, or dropping the blob.
import { createHash } from 'node:crypto';
import type { BlobDigest, BlobWriteResult } from '../../backends/blob/types.js';
import { errors } from '../errors.js';
import { checksumOf, newDigest } from './checksums.js';
import { MAX_OBJECT_SIZE, newBlobKey, normalizeEtag } from './rules.js';
import { InlineBlobStore } from './inline-blobs.js';
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
  /** The bytes of an inline blob (`res.key` is an inline key): `commitOrDrop` stores them with the reference. */
  inline?: Buffer;
}

/**
 * Reads a small body (its declared size within the inline limit) into memory and digests it: the blob
 * becomes an inline one, stored by the commit that references it. Sizes are checked as a backend would.
 */
async function readInline(body: ReadableStream<Uint8Array>, expectedSize: number, checksum?: ChecksumRequest): Promise<{ res: BlobWriteResult; data: Buffer }> {
  const chunks: Buffer[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const r = await reader.read();
    if (r.done) break;
    size += r.value.length;
    if (size > expectedSize) {
      // The rest is not wanted: release the producer, as a backend's put does.
      await reader.cancel().catch(() => undefined);
      throw errors.invalid('The body is larger than its declared size.', { resource: 'blob', reason: 'BodyTooLarge', expected: expectedSize });
    }
    // Copied: a producer may reuse its buffer once it gets the chunk back.
    chunks.push(Buffer.from(r.value));
  }
  if (size < expectedSize) throw errors.invalid('The body ended before its declared size.', { resource: 'blob', reason: 'IncompleteBody', expected: expectedSize, received: size });
  const data = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
  const digests: Record<string, string> = checksum ? { [checksum.algorithm]: checksumOf(checksum.algorithm, data) } : {};
  return { res: { key: InlineBlobStore.newKey(), size, md5: createHash('md5').update(data).digest('hex'), digests }, data };
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
  let key = newBlobKey();
  let res: BlobWriteResult;
  let cipher: BlobCipher | undefined;
  let inline: Buffer | undefined;
  let etagOf = (md5: string) => md5;
  if (!o.seal && o.expectedSize !== undefined && store.inline && o.expectedSize <= store.inline.maxBytes) {
    const read = await readInline(body, o.expectedSize, o.checksum);
    res = read.res;
    key = res.key;
    inline = read.data;
  } else if (o.seal) {
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
    return { res, checksum, etag: etagOf(res.md5), cipher, inline };
  } catch (e) {
    if (!inline) await store.blobs.delete(key).catch(() => undefined);
    throw e;
  }
}

/**
 * Runs a commit transaction for a freshly written blob; deletes the blob when the commit fails. An
 * inline blob's bytes are inserted in the same transaction, so they exist exactly when the commit does.
 * Group-committed with concurrent writes: one fsync for the batch, each settled only once the batch is durable.
 */
export function commitOrDrop<T>(store: ObjectStoreContext, written: WrittenBlob, fn: (tx: Tx) => T): Promise<T> {
  const { inline } = written;
  const blobKey = written.res.key;
  if (inline) {
    const blobs = store.inline!.store;
    return store.commits.run((tx) => {
      blobs.insert(tx, blobKey, inline);
      return fn(tx);
    });
  }
  return store.commits.run(fn).catch((e: unknown) =>
    store.blobs
      .delete(blobKey)
      .catch(() => undefined)
      .then(() => {
        throw e;
      }),
  );
}
