// A BlobStore in a bucket of an existing S3-compatible cluster: the blob backend for more than one machine.
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type CompletedPart,
} from '@aws-sdk/client-s3';
import { CoreError, errors, isCoreError } from '../../core/errors.js';
import { assertBlobKey, bodyChunks, checkFinalSize, checkNotTooLarge, resolveRange } from './common.js';
import { StreamDigests } from './digests.js';
import { BLOB_KEY_PATTERN, type BlobEntry, type BlobStore, type BlobWriteOptions, type BlobWriteResult } from './types.js';

/** Where the bucket is, how to sign for it, and how writes are cut into parts. */
export interface S3BlobStoreOptions {
  /** http(s) URL of the cluster. */
  endpoint: string;
  /** An existing bucket; under `prefix` it holds skybridge's blobs and nothing else. */
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** SigV4 signing region (default us-east-1). */
  region?: string;
  /** Prepended to every blob key: empty or `/`-terminated segments (default `blobs/`). */
  prefix?: string;
  /** `endpoint/bucket/key` rather than `bucket.endpoint/key` (default true). */
  forcePathStyle?: boolean;
  /** Bytes per multipart part, at least 5 MiB (S3's minimum for all but the last part); default 8 MiB. */
  partSize?: number;
  /** Parts of one write uploading at once while the body keeps streaming in (default 4). */
  partConcurrency?: number;
  /** Attempts per request, retries included, for throttling, 5xx and network errors (default 3). */
  maxAttempts?: number;
  /** Give up on connecting after this many ms (default 5000). */
  connectTimeoutMs?: number;
  /** Give up on a request whose response headers have not arrived after this many ms (default 120 000). */
  requestTimeoutMs?: number;
  /** Sockets kept open to the cluster; each streaming read holds one until it ends (default 256). */
  maxSockets?: number;
}

/** One multipart upload of the bucket, as `listUploads` reports it. */
export interface S3PendingUpload {
  key: string;
  uploadId: string;
  /** When the cluster says it began, ms since epoch. */
  initiatedAt: number;
}

const MIB = 1 << 20;
const MIN_PART = 5 * MIB;
const MAX_PARTS = 10_000;
const PREFIX_PATTERN = /^([A-Za-z0-9._-]+\/)*$/;

/** What the SDK attaches to a failed call: the HTTP status (absent when no response came) and S3's code. */
interface SdkFailure {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

const statusOf = (e: unknown): number | undefined => (e as SdkFailure | undefined)?.$metadata?.httpStatusCode;

/**
 * Turns anything a call to the cluster threw into a CoreError `Unavailable` (the API answers 503): the
 * cluster is down, unreachable, overloaded, or refuses our credentials or bucket, none of which the
 * caller can fix. What failed is kept in the detail for the log; no credentials are in it.
 */
function unavailable(op: string, e: unknown): CoreError {
  if (isCoreError(e)) return e;
  const f = (e ?? {}) as SdkFailure;
  return errors.unavailable('The blob store is unavailable.', {
    resource: 'blob',
    reason: 'BlobStoreUnavailable',
    operation: op,
    status: statusOf(e),
    code: f.name ?? f.code,
    cause: f.message ?? String(e),
  });
}

/**
 * Blobs as objects `<prefix><key>` of one bucket, through `@aws-sdk/client-s3`. A write is buffered
 * until it exceeds one part: a small body is one PutObject, a larger one a multipart upload whose
 * parts go out while the body keeps arriving, completed only after the last byte (so a blob is
 * visible only once whole, and an overwrite replaces it atomically, as S3 does). Every part and
 * single PUT carries Content-MD5, so the cluster refuses bytes damaged on the way. A failed write
 * aborts its upload; one whose process died is aborted later by `sweepUploads`. Failures of the
 * cluster itself are CoreError `Unavailable`.
 */
export class S3BlobStore implements BlobStore {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly partSize: number;
  private readonly partConcurrency: number;
  /** Uploads this process is writing right now: `sweepUploads` never aborts them, however long they take. */
  private readonly ownUploads = new Set<string>();

  constructor(opts: S3BlobStoreOptions) {
    this.bucket = opts.bucket;
    this.prefix = opts.prefix ?? 'blobs/';
    if (!PREFIX_PATTERN.test(this.prefix)) throw errors.invalid('An S3 blob prefix is empty or /-terminated segments.', { reason: 'InvalidBlobPrefix' });
    this.partSize = opts.partSize ?? 8 * MIB;
    if (!Number.isSafeInteger(this.partSize) || this.partSize < MIN_PART) throw errors.invalid('An S3 part is at least 5 MiB.', { reason: 'InvalidPartSize' });
    this.partConcurrency = Math.max(1, opts.partConcurrency ?? 4);
    const agent = { keepAlive: true, maxSockets: opts.maxSockets ?? 256 };
    this.client = new S3Client({
      endpoint: opts.endpoint,
      region: opts.region ?? 'us-east-1',
      forcePathStyle: opts.forcePathStyle ?? true,
      credentials: { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey },
      maxAttempts: opts.maxAttempts ?? 3,
      // Content-MD5 is what every S3-compatible cluster checks; the newer CRC32 trailers are not universal.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // Bodies are buffered before they are sent: waiting for `100 Continue` would only cost a round trip and a fresh connection.
      expectContinueHeader: false,
      requestHandler: {
        connectionTimeout: opts.connectTimeoutMs ?? 5000,
        requestTimeout: opts.requestTimeoutMs ?? 120_000,
        throwOnRequestTimeout: true,
        httpAgent: agent,
        httpsAgent: agent,
      },
    });
  }

  private objectKey(key: string): string {
    assertBlobKey(key);
    return this.prefix + key;
  }

  async put(key: string, body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>, opts?: BlobWriteOptions): Promise<BlobWriteResult> {
    const objectKey = this.objectKey(key);
    const hash = new StreamDigests(opts?.digests);
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let uploadId: string | undefined;
    const parts: CompletedPart[] = [];
    let nextPart = 1;
    const inFlight = new Set<Promise<void>>();
    let partFailure: { error: unknown } | undefined;
    const takePending = (): Buffer => {
      const buf = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      return buf;
    };
    const sendPart = async (buf: Buffer) => {
      if (uploadId === undefined) {
        const created = await this.call('CreateMultipartUpload', () => this.client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: objectKey })));
        if (!created.UploadId) throw unavailable('CreateMultipartUpload', new Error('no UploadId in the answer'));
        uploadId = created.UploadId;
        this.ownUploads.add(uploadId);
      }
      const partNumber = nextPart++;
      if (partNumber > MAX_PARTS) throw errors.invalid('The body is larger than the blob store accepts.', { resource: 'blob', reason: 'EntityTooLarge' });
      const id = uploadId;
      const p = this.call('UploadPart', () =>
        this.client.send(
          new UploadPartCommand({ Bucket: this.bucket, Key: objectKey, UploadId: id, PartNumber: partNumber, Body: buf, ContentLength: buf.length, ContentMD5: md5Base64(buf) }),
        ),
      ).then(
        (r) => void parts.push({ PartNumber: partNumber, ETag: r.ETag }),
        (e: unknown) => void (partFailure ??= { error: e }),
      );
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
      // Back-pressure: the body is read no faster than parts leave.
      while (inFlight.size >= this.partConcurrency) await Promise.race(inFlight);
      if (partFailure) throw partFailure.error;
    };
    try {
      for await (const chunk of bodyChunks(body)) {
        hash.update(chunk);
        checkNotTooLarge(hash.size, opts);
        // Kept until its part is sent, and a producer may reuse its buffer meanwhile: copy.
        pending.push(Buffer.from(chunk));
        pendingBytes += chunk.byteLength;
        if (pendingBytes >= this.partSize) await sendPart(takePending());
        if (partFailure) throw partFailure.error;
      }
      checkFinalSize(hash.size, opts);
      if (uploadId === undefined) {
        const buf = takePending();
        await this.call('PutObject', () =>
          this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: objectKey, Body: buf, ContentLength: buf.length, ContentMD5: md5Base64(buf) })),
        );
      } else {
        if (pendingBytes) await sendPart(takePending());
        await Promise.all(inFlight);
        if (partFailure) throw partFailure.error;
        parts.sort((a, b) => a.PartNumber! - b.PartNumber!);
        const id = uploadId;
        await this.call('CompleteMultipartUpload', () =>
          this.client.send(new CompleteMultipartUploadCommand({ Bucket: this.bucket, Key: objectKey, UploadId: id, MultipartUpload: { Parts: parts } })),
        );
      }
    } catch (e) {
      if (uploadId !== undefined) {
        // Parts still uploading would outlive an abort sent now: let them settle first.
        await Promise.allSettled(inFlight);
        const id = uploadId;
        // Best effort: an upload left behind is never visible, and sweepUploads aborts it later.
        await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: objectKey, UploadId: id })).catch(() => undefined);
      }
      throw e;
    } finally {
      if (uploadId !== undefined) this.ownUploads.delete(uploadId);
    }
    return { key, size: hash.size, ...hash.finish() };
  }

  async get(key: string, range?: { start: number; end: number }): Promise<ReadableStream<Uint8Array>> {
    const objectKey = this.objectKey(key);
    if (range && !(Number.isSafeInteger(range.start) && Number.isSafeInteger(range.end) && range.start >= 0 && range.start <= range.end)) {
      // S3 ignores a malformed Range and sends everything; refuse it here instead, with the size as the other stores do.
      return this.refuseRange(key, range);
    }
    let res;
    try {
      res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: objectKey, Range: range ? `bytes=${range.start}-${range.end}` : undefined }));
    } catch (e) {
      const status = statusOf(e);
      if (status === 404 && (e as SdkFailure).name === 'NoSuchKey') throw errors.notFound('blob', key);
      if (status === 416 && range) return this.refuseRange(key, range);
      throw unavailable('GetObject', e);
    }
    const node = res.Body as Readable | undefined;
    // A cluster answering without Content-Length (chunked) is read to its end.
    const length = res.ContentLength;
    if (!node) throw unavailable('GetObject', new Error('no body in the answer'));
    if (!range || res.ContentRange) return remoteBody(node, 0, length ?? Infinity, key);
    if (length === undefined) {
      node.destroy();
      throw unavailable('GetObject', new Error('a whole blob without Content-Length in answer to a Range'));
    }
    // A cluster that ignored the Range sent the whole blob: cut the range out of it ourselves.
    let clamped: { start: number; end: number };
    try {
      clamped = resolveRange(length, range);
    } catch (e) {
      node.destroy();
      throw e;
    }
    return remoteBody(node, clamped.start, clamped.end - clamped.start + 1, key);
  }

  /** Throws NotFound for an absent blob, else InvalidRange carrying its size. */
  private async refuseRange(key: string, range: { start: number; end: number }): Promise<never> {
    const st = await this.stat(key);
    if (!st) throw errors.notFound('blob', key);
    resolveRange(st.size, range);
    // Satisfiable now: the blob changed between the two requests. Refuse all the same, with the size seen.
    throw errors.invalid('The requested range is not satisfiable.', { resource: 'blob', reason: 'InvalidRange', size: st.size });
  }

  async stat(key: string): Promise<{ size: number } | undefined> {
    const objectKey = this.objectKey(key);
    try {
      const r = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: objectKey }));
      return { size: r.ContentLength ?? 0 };
    } catch (e) {
      // A HEAD answer has no body, so a 404 cannot say whether the key or the bucket is missing; start() checked the bucket.
      if (statusOf(e) === 404) return undefined;
      throw unavailable('HeadObject', e);
    }
  }

  /** Idempotent, as S3's DeleteObject is (an absent key answers 204). */
  async delete(key: string): Promise<void> {
    const objectKey = this.objectKey(key);
    await this.call('DeleteObject', () => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: objectKey })));
  }

  async *list(): AsyncIterable<string> {
    for await (const e of this.entries()) yield e.key;
  }

  /** ListObjectsV2 under the prefix: size and LastModified (the cluster's clock; for a multipart blob some clusters stamp the upload's start). */
  async *entries(): AsyncIterable<BlobEntry> {
    let token: string | undefined;
    do {
      const page = await this.call('ListObjectsV2', () =>
        this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix || undefined, ContinuationToken: token })),
      );
      for (const o of page.Contents ?? []) {
        const key = o.Key?.slice(this.prefix.length);
        // Anything else under the prefix (a nested path, a stray file) is not a blob of ours.
        if (key === undefined || !BLOB_KEY_PATTERN.test(key)) continue;
        yield { key, size: o.Size ?? 0, modifiedAt: o.LastModified?.getTime() ?? 0 };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  /** Multipart uploads under the prefix not yet completed or aborted (a write in progress, or one whose process died). */
  async *listUploads(): AsyncIterable<S3PendingUpload> {
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    for (;;) {
      const page = await this.call('ListMultipartUploads', () =>
        this.client.send(new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: this.prefix || undefined, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker })),
      );
      for (const u of page.Uploads ?? []) {
        if (u.Key && u.UploadId) yield { key: u.Key, uploadId: u.UploadId, initiatedAt: u.Initiated?.getTime() ?? 0 };
      }
      if (!page.IsTruncated || (!page.NextKeyMarker && !page.NextUploadIdMarker)) return;
      keyMarker = page.NextKeyMarker;
      uploadIdMarker = page.NextUploadIdMarker;
    }
  }

  /**
   * Aborts multipart uploads begun more than `olderThanMs` ago (a process that died mid-write leaves
   * them; they were never visible, but a cluster keeps and bills their parts), except this process's
   * own writes in progress. Like the fs store's temp sweep, run at start and periodically, with a
   * grace longer than any write takes (another process's slow upload is not known here). Returns how
   * many were aborted.
   */
  async sweepUploads(olderThanMs = 60 * 60 * 1000, now = Date.now()): Promise<number> {
    let aborted = 0;
    const stale: S3PendingUpload[] = [];
    for await (const u of this.listUploads()) if (u.initiatedAt <= now - olderThanMs && !this.ownUploads.has(u.uploadId)) stale.push(u);
    for (const u of stale) {
      try {
        await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: u.key, UploadId: u.uploadId }));
        aborted++;
      } catch (e) {
        // Completed or aborted by its writer meanwhile.
        if (statusOf(e) !== 404) throw unavailable('AbortMultipartUpload', e);
      }
    }
    return aborted;
  }

  /**
   * Asks the cluster whether the bucket is there and ours to use: resolves if so, throws CoreError
   * `Unavailable` otherwise, with `detail.status` 404 (no such bucket) or 403 (credentials refused)
   * when the cluster answered, none when it could not be reached.
   */
  async checkBucket(): Promise<void> {
    await this.call('HeadBucket', () => this.client.send(new HeadBucketCommand({ Bucket: this.bucket })));
  }

  /** Closes the sockets to the cluster. */
  close(): void {
    this.client.destroy();
  }

  private async call<T>(op: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw unavailable(op, e);
    }
  }
}

function md5Base64(buf: Buffer): string {
  return createHash('md5').update(buf).digest('base64');
}

/**
 * A response body as the stream `get` returns: skips `skip` bytes, delivers `take` (Infinity: all there is), and errors with
 * CoreError `Unavailable` if the cluster's answer breaks off or ends short; cancelling closes the socket.
 */
function remoteBody(node: Readable, skip: number, take: number, key: string): ReadableStream<Uint8Array> {
  const it = node[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let toSkip = skip;
  let left = take;
  let finished = false;
  const finish = async (drain: boolean) => {
    if (finished) return;
    finished = true;
    // A body read to its end frees the socket for the next request; one cut short (or longer than wanted) must close it.
    if (drain && (await it.next().catch(() => undefined))?.done) return;
    await it.return?.().catch(() => undefined);
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          for (;;) {
            if (left <= 0) {
              await finish(true);
              controller.close();
              return;
            }
            const r = await it.next();
            if (r.done) {
              finished = true;
              if (take === Infinity) {
                controller.close();
                return;
              }
              controller.error(unavailable('GetObject', new Error(`blob ${key} ended ${left} bytes early`)));
              return;
            }
            let chunk = r.value;
            if (toSkip) {
              if (chunk.length <= toSkip) {
                toSkip -= chunk.length;
                continue;
              }
              chunk = chunk.subarray(toSkip);
              toSkip = 0;
            }
            if (chunk.length > left) chunk = chunk.subarray(0, left);
            left -= chunk.length;
            controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
            return;
          }
        } catch (e) {
          await finish(false);
          controller.error(unavailable('GetObject', e));
        }
      },
      async cancel() {
        await finish(false);
      },
    },
    { highWaterMark: 0 },
  );
}
