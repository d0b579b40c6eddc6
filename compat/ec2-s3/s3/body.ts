// Builds the verified body of an S3 request: aws-chunked decoding, payload hash, Content-MD5 and flexible checksums.
import { createHash } from 'node:crypto';
import type { ChecksumRequest } from '../../../core/objects/types.js';
import { AwsError } from '../common/aws-error.js';
import { awsChunkedDecoder, BodyGuard, chunkedModeOf, payloadHashVerifier } from '../common/aws-chunked.js';
import { CHECKSUM_ALGORITHMS, CHECKSUM_BYTES, checksumOf, isChecksumAlgorithm, type ChecksumAlgorithm } from '../../../core/objects/checksums.js';
import { UNSIGNED_PAYLOAD, type VerifiedV4 } from '../common/sigv4.js';
import { s3Error } from './errors.js';

/** An object body ready for core: the decoded stream plus what core must verify as it stores it. */
export interface ObjectBody {
  stream: ReadableStream<Uint8Array>;
  expectedSize?: number;
  expectedMd5?: string;
  checksum?: ChecksumRequest;
  guard: BodyGuard;
}

/** Validates Content-MD5: not base64 of 16 bytes → InvalidDigest. Returns the hex digest. */
export function contentMd5(headers: Headers): string | undefined {
  const v = headers.get('content-md5');
  if (v === null) return undefined;
  const t = v.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(t)) throw s3Error('InvalidDigest');
  const b = Buffer.from(t, 'base64');
  if (b.length !== 16) throw s3Error('InvalidDigest');
  return b.toString('hex');
}

/** The checksum a request announces: a header value, a trailer to read later, or just an algorithm to compute. */
function checksumRequest(headers: Headers, trailers?: Map<string, string>): ChecksumRequest | undefined {
  for (const alg of CHECKSUM_ALGORITHMS) {
    const v = headers.get(`x-amz-checksum-${alg}`);
    if (v !== null) {
      const b = Buffer.from(v.trim(), 'base64');
      if (b.length !== CHECKSUM_BYTES[alg]) throw s3Error('InvalidRequest', `Value for x-amz-checksum-${alg} header is invalid.`);
      return { algorithm: alg, expected: v.trim() };
    }
  }
  const trailer = headers.get('x-amz-trailer')?.trim().toLowerCase();
  if (trailer) {
    const alg = trailer.replace(/^x-amz-checksum-/, '');
    if (!isChecksumAlgorithm(alg) || !trailer.startsWith('x-amz-checksum-')) throw s3Error('InvalidRequest', `The value specified in the x-amz-trailer header is not supported`);
    return { algorithm: alg, expected: () => trailers?.get(trailer) };
  }
  const sdkAlg = headers.get('x-amz-sdk-checksum-algorithm')?.trim().toLowerCase();
  if (sdkAlg && isChecksumAlgorithm(sdkAlg)) return { algorithm: sdkAlg };
  return undefined;
}

/** Wraps `src` so nothing is pulled (and no `100 Continue` sent) until the consumer reads. */
function lazy(src: ReadableStream<Uint8Array>, onFirstRead: () => void): ReadableStream<Uint8Array> {
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!reader) {
          onFirstRead();
          reader = src.getReader();
        }
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      cancel(reason) {
        return reader ? reader.cancel(reason) : src.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

const emptyStream = () => new ReadableStream<Uint8Array>({ start: (c) => c.close() });

/**
 * The object body pipeline for PutObject/UploadPart. The framing is decided by `x-amz-content-sha256`
 * alone (minio-go sends signed chunks without `Content-Encoding: aws-chunked`).
 */
export function objectBody(
  raw: ReadableStream<Uint8Array> | null,
  headers: Headers,
  v4: VerifiedV4 | undefined,
  onFirstRead: () => void,
  requireLength = true,
): ObjectBody {
  const guard = new BodyGuard();
  const payloadHash = v4 ? v4.parsed.payloadHash || UNSIGNED_PAYLOAD : (headers.get('x-amz-content-sha256') ?? UNSIGNED_PAYLOAD);
  const mode = chunkedModeOf(payloadHash);
  if (mode === 'unsupported') throw s3Error('NotImplemented', `x-amz-content-sha256 ${payloadHash} is not supported.`);
  const expectedMd5 = contentMd5(headers);
  const cl = headers.get('content-length');
  if (cl !== null && !/^\d+$/.test(cl.trim())) throw s3Error('InvalidArgument', 'Invalid Content-Length');
  let stream = raw ?? emptyStream();
  let expectedSize: number | undefined;
  let trailers: Map<string, string> | undefined;
  if (mode) {
    if (mode !== 'unsigned-trailer' && !v4) throw new AwsError('AccessDenied', 'Signed aws-chunked bodies need a SigV4 signature.', 403);
    const dl = headers.get('x-amz-decoded-content-length');
    if (dl !== null && !/^\d+$/.test(dl.trim())) throw s3Error('InvalidArgument', 'Invalid x-amz-decoded-content-length');
    expectedSize = dl === null ? undefined : Number(dl);
    const dec = awsChunkedDecoder({ mode, verified: v4, decodedLength: expectedSize, guard });
    trailers = dec.trailers;
    stream = stream.pipeThrough(dec.stream);
  } else {
    if (requireLength && cl === null && !headers.get('transfer-encoding')?.toLowerCase().includes('chunked')) throw s3Error('MissingContentLength');
    expectedSize = cl === null ? undefined : Number(cl);
    if (v4 && /^[0-9a-fA-F]{64}$/.test(payloadHash)) stream = stream.pipeThrough(payloadHashVerifier(payloadHash, guard));
    else if (v4 && payloadHash !== UNSIGNED_PAYLOAD) throw s3Error('InvalidArgument', 'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-*, or a valid sha256 value.');
  }
  return { stream: lazy(stream, onFirstRead), expectedSize, expectedMd5, checksum: checksumRequest(headers, trailers), guard };
}

/** Largest XML request body accepted (DeleteObjects with 1000 keys of 1024 bytes fits). */
export const MAX_XML_BODY = 2 * 1024 * 1024;

/**
 * Reads a small (XML) request body whole, decoding aws-chunked and verifying hash, MD5 and checksums.
 * `objectChecksum`: the `x-amz-checksum-*` headers describe an object, not this body (CompleteMultipartUpload).
 */
export async function readSmallBody(raw: ReadableStream<Uint8Array> | null, headers: Headers, v4: VerifiedV4 | undefined, objectChecksum = false): Promise<string> {
  const body = objectBody(raw, headers, v4, () => {}, false);
  const chunks: Buffer[] = [];
  let n = 0;
  const reader = body.stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      n += value.length;
      if (n > MAX_XML_BODY) throw s3Error('MalformedXML', 'Your request body is too large.');
      chunks.push(Buffer.from(value));
    }
  } catch (e) {
    throw body.guard.failure ?? e;
  }
  const data = Buffer.concat(chunks);
  if (body.expectedSize !== undefined && data.length !== body.expectedSize) throw s3Error('IncompleteBody');
  if (body.expectedMd5 !== undefined && createHash('md5').update(data).digest('hex') !== body.expectedMd5) throw s3Error('BadDigest');
  const ck = objectChecksum ? undefined : body.checksum;
  if (ck?.expected !== undefined) {
    const expected = typeof ck.expected === 'function' ? ck.expected() : ck.expected;
    if (expected !== undefined && checksumOf(ck.algorithm as ChecksumAlgorithm, data) !== expected) {
      throw s3Error('BadDigest', `The ${ck.algorithm.toUpperCase()} you specified did not match the calculated checksum.`);
    }
  }
  try {
    return XML_TEXT.decode(data);
  } catch {
    // A lenient decode would turn each bad byte into U+FFFD and so address the key of that name instead.
    throw s3Error('MalformedXML');
  }
}

/** Request documents are UTF-8 (the XML default); bytes that are not are malformed, never replaced. */
const XML_TEXT = new TextDecoder('utf-8', { fatal: true });
