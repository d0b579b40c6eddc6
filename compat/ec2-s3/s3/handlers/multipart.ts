// Multipart operations: Create, UploadPart, UploadPartCopy, Complete, Abort, ListParts, ListMultipartUploads.
import type { MultipartUpload } from '../../../../core/objects/types.js';
import { isChecksumAlgorithm, type ChecksumAlgorithm } from '../../../../core/objects/checksums.js';
import { uriEncode } from '../../common/sigv4.js';
import { s3Error } from '../errors.js';
import type { S3Call, S3Result } from '../handler-types.js';
import { customerKeyFrom, encryptionOutput, writeEncryptionFrom } from '../sse.js';
import { aclFromHeaders, checksumHeader, checksumOutput, checksumTypeHeader, copySource, copySourceRange, intParam, quote, readConditions, systemMetadataFrom, tagsFromHeader } from '../wire.js';

function uploadId(call: S3Call): string {
  const id = call.query.get('uploadId');
  if (!id) throw s3Error('NoSuchUpload');
  return id;
}

function partNumber(call: S3Call): number {
  return intParam(call.query.get('partNumber'), 'partNumber', 1, 10000)!;
}

/** POST /bucket/key?uploads. */
export async function createMultipartUpload(call: S3Call): Promise<S3Result> {
  const alg = call.headers.get('x-amz-checksum-algorithm')?.toLowerCase();
  if (alg !== undefined && !isChecksumAlgorithm(alg)) throw s3Error('InvalidRequest', 'Checksum algorithm provided is unsupported.');
  const enc = writeEncryptionFrom(call.headers);
  const up = await call.deps.objects.createMultipartUpload(call.ctx, { container: call.bucket, name: call.key }, {
    contentType: call.headers.get('content-type') ?? undefined,
    userMetadata: call.input.Metadata as Record<string, string> | undefined,
    systemMetadata: systemMetadataFrom(call.headers),
    tags: tagsFromHeader(call.headers.get('x-amz-tagging')),
    acl: aclFromHeaders(call.headers),
    checksumAlgorithm: alg,
    checksumType: checksumTypeHeader(call.headers),
    encryption: enc.request,
  });
  return {
    output: {
      Bucket: call.bucket,
      Key: call.key,
      UploadId: up.uploadId,
      ChecksumAlgorithm: up.checksumAlgorithm?.toUpperCase(),
      ChecksumType: up.checksumType,
      ...encryptionOutput(up.encryption, enc.customerKey),
    },
  };
}

/** PUT /bucket/key?partNumber&uploadId — streams one part. */
export async function uploadPart(call: S3Call): Promise<S3Result> {
  const id = uploadId(call);
  const n = partNumber(call);
  const customer = customerKeyFrom(call.headers);
  const body = call.objectBody();
  let part;
  try {
    part = await call.deps.objects.uploadPart(call.ctx, { container: call.bucket, name: call.key }, id, n, body.stream, {
      expectedSize: body.expectedSize,
      expectedMd5: body.expectedMd5,
      checksum: body.checksum,
      customerKey: customer?.key,
    });
  } catch (e) {
    throw body.guard.failure ?? e;
  }
  if (body.guard.failure) throw body.guard.failure;
  return { output: { ETag: quote(part.etag), ...checksumOutput(part.checksum, false), ...encryptionOutput(part.encryption, customer) } };
}

/** PUT /bucket/key?partNumber&uploadId with x-amz-copy-source (and optional x-amz-copy-source-range). */
export async function uploadPartCopy(call: S3Call): Promise<S3Result> {
  const id = uploadId(call);
  const n = partNumber(call);
  const src = copySource(call.headers.get('x-amz-copy-source') ?? '');
  const customer = customerKeyFrom(call.headers);
  const part = await call.deps.objects.uploadPartCopy(call.ctx, { container: call.bucket, name: call.key }, id, n, { container: src.bucket, name: src.key }, {
    sourceRange: copySourceRange(call.headers.get('x-amz-copy-source-range')),
    sourceConditions: readConditions(call.headers, 'x-amz-copy-source-'),
    customerKey: customer?.key,
    sourceCustomerKey: customerKeyFrom(call.headers, true)?.key,
    sourceVersionId: src.versionId,
  });
  return {
    output: {
      CopyPartResult: { ETag: quote(part.etag), LastModified: new Date(part.lastModified), ...checksumOutput(part.checksum, false) },
      CopySourceVersionId: src.versionId,
      ...encryptionOutput(part.encryption, customer),
    },
  };
}

type CompletedPart = { PartNumber?: number; ETag?: string } & Partial<Record<`Checksum${Uppercase<ChecksumAlgorithm>}`, string>> & Record<string, unknown>;

/** Part checksums of algorithms this server does not compute: they could not be verified. */
const UNCOMPUTED_PART_CHECKSUMS = ['ChecksumSHA512', 'ChecksumMD5', 'ChecksumXXHASH64', 'ChecksumXXHASH3', 'ChecksumXXHASH128'];

/** POST /bucket/key?uploadId — no body or no parts is MalformedXML; part checksums, the checksum type and a whole-object checksum are checked in core. */
export async function completeMultipartUpload(call: S3Call): Promise<S3Result> {
  const id = uploadId(call);
  const mp = call.input.MultipartUpload as { Parts?: CompletedPart[] } | undefined;
  if (!mp?.Parts?.length) throw s3Error('MalformedXML');
  const uncomputed = UNCOMPUTED_PART_CHECKSUMS.find((m) => mp.Parts!.some((p) => p[m] !== undefined));
  if (uncomputed) throw s3Error('NotImplemented', `The ${uncomputed.slice('Checksum'.length)} checksum algorithm is not implemented: the parts could not be verified against it.`);
  const parts = mp.Parts.map((p) => {
    if (p.PartNumber === undefined || p.ETag === undefined) throw s3Error('MalformedXML');
    return { partNumber: p.PartNumber, etag: p.ETag.trim(), checksum: p.ChecksumCRC32 ?? p.ChecksumCRC32C ?? p.ChecksumCRC64NVME ?? p.ChecksumSHA1 ?? p.ChecksumSHA256 };
  });
  // Values other than `*` were refused with the request's other parameters (request-parameters.ts).
  const ifNoneMatch = call.headers.get('if-none-match');
  const mpSize = call.headers.get('x-amz-mp-object-size');
  const r = await call.deps.objects.completeMultipartUpload(call.ctx, { container: call.bucket, name: call.key }, id, parts, {
    ifNoneMatch: ifNoneMatch?.trim() === '*' ? '*' : undefined,
    ifMatch: call.headers.get('if-match') ?? undefined,
    checksumType: checksumTypeHeader(call.headers),
    checksum: checksumHeader(call.headers),
    expectedSize: mpSize === null ? undefined : intParam(mpSize, 'x-amz-mp-object-size', 0, Number.MAX_SAFE_INTEGER),
  });
  const location = `${call.deps.publicUrl}/${uriEncode(call.bucket)}/${uriEncode(call.key, true)}`;
  // CompleteMultipartUpload answers only x-amz-server-side-encryption (the model has no SSE-C members here).
  const sse = r.encryption === 'SSE-S3' ? encryptionOutput(r.encryption) : {};
  return { output: { Location: location, Bucket: call.bucket, Key: call.key, ETag: quote(r.etag), VersionId: r.s3VersionId, ...checksumOutput(r.checksum), ...sse } };
}

/** DELETE /bucket/key?uploadId. */
export async function abortMultipartUpload(call: S3Call): Promise<S3Result> {
  await call.deps.objects.abortMultipartUpload(call.ctx, { container: call.bucket, name: call.key }, uploadId(call));
  return { output: {} };
}

/** S3 Owner of an upload: the canonical user (project) that will own the object, as ListBuckets and GetBucketAcl show it. */
function owner(up: MultipartUpload) {
  return { ID: up.ownerProjectId, DisplayName: up.ownerDisplayName ?? up.ownerProjectId };
}

/** S3 Initiator: the user who started the upload (as AWS shows an IAM user), else the owner. */
function initiator(up: MultipartUpload) {
  if (!up.initiatorUserId) return owner(up);
  return { ID: up.initiatorUserId, DisplayName: up.initiatorUserName ?? up.initiatorUserId };
}

/** GET /bucket/key?uploadId. */
export async function listParts(call: S3Call): Promise<S3Result> {
  const id = uploadId(call);
  const maxParts = intParam(call.query.get('max-parts'), 'max-parts', 0, 2147483647) ?? 1000;
  const marker = intParam(call.query.get('part-number-marker'), 'part-number-marker', 0, 2147483647);
  const r = await call.deps.objects.listParts(call.ctx, { container: call.bucket, name: call.key }, id, { partNumberMarker: marker, maxParts: Math.min(maxParts, 1000) });
  return {
    output: {
      Bucket: call.bucket,
      Key: call.key,
      UploadId: id,
      PartNumberMarker: marker ?? 0,
      NextPartNumberMarker: r.nextPartNumberMarker,
      MaxParts: maxParts,
      IsTruncated: r.isTruncated,
      Parts: r.parts.map((p) => ({ PartNumber: p.partNumber, LastModified: new Date(p.lastModified), ETag: quote(p.etag), Size: p.size, ...checksumOutput(p.checksum, false) })),
      Initiator: initiator(r.upload),
      Owner: owner(r.upload),
      StorageClass: 'STANDARD',
      ChecksumAlgorithm: r.upload.checksumAlgorithm?.toUpperCase(),
      ChecksumType: r.upload.checksumType,
    },
  };
}

/** GET /bucket?uploads. */
export async function listMultipartUploads(call: S3Call): Promise<S3Result> {
  const q = call.query;
  const enc = q.get('encoding-type');
  if (enc !== null && enc !== 'url') throw s3Error('InvalidArgument', 'Invalid Encoding Method specified in Request', { ArgumentName: 'encoding-type', ArgumentValue: enc });
  const e = (s: string | undefined) => (s === undefined || enc !== 'url' ? s : uriEncode(s, true));
  const maxUploads = intParam(q.get('max-uploads'), 'max-uploads', 0, 2147483647) ?? 1000;
  const r = await call.deps.objects.listMultipartUploads(call.ctx, { container: call.bucket }, {
    prefix: q.get('prefix') ?? undefined,
    delimiter: q.get('delimiter') || undefined,
    keyMarker: q.get('key-marker') ?? undefined,
    uploadIdMarker: q.get('upload-id-marker') ?? undefined,
    maxUploads: Math.min(maxUploads, 1000),
  });
  return {
    output: {
      Bucket: call.bucket,
      KeyMarker: e(q.get('key-marker') ?? ''),
      UploadIdMarker: q.get('upload-id-marker') ?? '',
      NextKeyMarker: e(r.nextKeyMarker),
      NextUploadIdMarker: r.nextUploadIdMarker,
      Prefix: e(q.get('prefix') ?? undefined),
      Delimiter: e(q.get('delimiter') || undefined),
      MaxUploads: maxUploads,
      IsTruncated: r.isTruncated,
      Uploads: r.uploads.map((u) => ({
        Key: e(u.name),
        UploadId: u.uploadId,
        Initiator: initiator(u),
        Owner: owner(u),
        StorageClass: 'STANDARD',
        Initiated: new Date(u.initiated),
        ChecksumAlgorithm: u.checksumAlgorithm?.toUpperCase(),
        ChecksumType: u.checksumType,
      })),
      CommonPrefixes: r.commonPrefixes.map((p) => ({ Prefix: e(p) })),
      EncodingType: enc ?? undefined,
    },
  };
}
