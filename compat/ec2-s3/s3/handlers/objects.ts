// Object operations: PutObject, GetObject, HeadObject, DeleteObject, DeleteObjects, CopyObject, GetObjectAttributes.
import type { HeadObjectResult, MetadataDirective, ObjectInfo } from '../../../../core/objects/types.js';
import { checksumMember, isChecksumAlgorithm } from '../../../../core/objects/checksums.js';
import { httpDate } from '../../common/rest-xml.js';
import { s3Error } from '../errors.js';
import type { S3Call, S3Result } from '../handler-types.js';
import { customerKeyFrom, encryptionOutput, writeEncryptionFrom, type CustomerKey } from '../sse.js';
import { aclFromHeaders, checksumOutput, copySource, intParam, quote, readConditions, readRange, systemMetadataFrom, tagsFromHeader } from '../wire.js';

type Meta = Record<string, string> | undefined;

/** Runs a core call that consumes a body; a wire-level body failure (signature, hash, framing) wins over core's wording. */
async function withBody<T>(guard: { failure?: Error }, run: () => Promise<T>): Promise<T> {
  try {
    const r = await run();
    if (guard.failure) throw guard.failure;
    return r;
  } catch (e) {
    throw guard.failure ?? e;
  }
}

/** PUT /bucket/key — streams the verified body into core; conditional writes with If-None-Match / If-Match. */
export async function putObject(call: S3Call): Promise<S3Result> {
  const enc = writeEncryptionFrom(call.headers);
  const body = call.objectBody();
  // Values other than `*` were refused with the request's other parameters (request-parameters.ts).
  const ifNoneMatch = call.headers.get('if-none-match');
  const r = await withBody(body.guard, () =>
    call.deps.objects.putObject(call.ctx, { container: call.bucket, name: call.key }, body.stream, {
      contentType: call.headers.get('content-type') ?? undefined,
      userMetadata: call.input.Metadata as Meta,
      systemMetadata: systemMetadataFrom(call.headers),
      expectedSize: body.expectedSize,
      expectedMd5: body.expectedMd5,
      checksum: body.checksum,
      ifNoneMatch: ifNoneMatch !== null ? '*' : undefined,
      ifMatch: call.headers.get('if-match') ?? undefined,
      tags: tagsFromHeader(call.headers.get('x-amz-tagging')),
      acl: aclFromHeaders(call.headers),
      encryption: enc.request,
    }),
  );
  return { output: { ETag: quote(r.etag), VersionId: r.s3VersionId, ...checksumOutput(r.checksum), ...encryptionOutput(r.encryption, enc.customerKey) } };
}

/** Response headers describing an object (shared by GET and HEAD), with response-* overrides applied. */
function objectHeaders(call: S3Call, r: HeadObjectResult, withChecksum: boolean, customerKey: CustomerKey | undefined): { output: Record<string, unknown>; headers: Record<string, string>; status: number } {
  const info: ObjectInfo = r.info;
  const sm = info.systemMetadata;
  const q = call.query;
  const output: Record<string, unknown> = {
    AcceptRanges: 'bytes',
    LastModified: new Date(info.lastModified),
    ContentLength: r.range ? r.range.end - r.range.start + 1 : info.size,
    ETag: quote(info.etag),
    ContentType: q.get('response-content-type') ?? info.contentType,
    CacheControl: q.get('response-cache-control') ?? sm.cacheControl,
    ContentDisposition: q.get('response-content-disposition') ?? sm.contentDisposition,
    ContentEncoding: q.get('response-content-encoding') ?? sm.contentEncoding,
    ContentLanguage: q.get('response-content-language') ?? sm.contentLanguage,
    Metadata: info.userMetadata,
    PartsCount: call.query.has('partNumber') ? (info.partsCount ?? 1) : undefined,
    TagCount: info.tagCount > 0 ? info.tagCount : undefined,
    ...encryptionOutput(info.encryption, customerKey),
    VersionId: info.s3VersionId,
    // S3 URL-encodes the rule id in this header.
    Expiration: r.expiration ? `expiry-date="${new Date(r.expiration.at).toUTCString()}", rule-id="${encodeURIComponent(r.expiration.ruleId)}"` : undefined,
  };
  const headers: Record<string, string> = {};
  const expires = q.get('response-expires') ?? sm.expires;
  if (expires) headers.expires = expires;
  if (r.range) output.ContentRange = `bytes ${r.range.start}-${r.range.end}/${r.range.size}`;
  if (withChecksum && !r.range && info.checksum && call.headers.get('x-amz-checksum-mode')?.toUpperCase() === 'ENABLED') {
    Object.assign(output, checksumOutput(info.checksum));
  }
  return { output, headers, status: r.range ? 206 : 200 };
}

/** The `response-*` overrides GetObject and HeadObject echo as headers. */
const RESPONSE_OVERRIDES = ['response-content-type', 'response-content-language', 'response-expires', 'response-cache-control', 'response-content-disposition', 'response-content-encoding'];

function getOptions(call: S3Call) {
  // A header cannot carry CR, LF or NUL: refuse such an override before any blob is opened.
  for (const name of RESPONSE_OVERRIDES) {
    const v = call.query.get(name);
    if (v !== null && /[\0\r\n]/.test(v)) throw s3Error('InvalidArgument', `Invalid value for ${name}.`, { ArgumentName: name, ArgumentValue: v });
  }
  const partNumber = intParam(call.query.get('partNumber'), 'partNumber', 1, 10000);
  const range = partNumber === undefined ? readRange(call.headers.get('range')) : undefined;
  if (partNumber !== undefined && call.headers.get('range')) throw s3Error('InvalidRequest', 'Cannot specify both Range header and partNumber query parameter');
  const customer = customerKeyFrom(call.headers);
  return { opts: { conditions: readConditions(call.headers), range, partNumber, versionId: call.query.get('versionId') ?? undefined, customerKey: customer?.key }, customer };
}

/** GET /bucket/key — Range, partNumber, conditionals, response-* overrides; the body streams from core. */
export async function getObject(call: S3Call): Promise<S3Result> {
  const { opts, customer } = getOptions(call);
  const r = await call.deps.objects.getObject(call.ctx, { container: call.bucket, name: call.key }, opts);
  try {
    const h = objectHeaders(call, r, true, customer);
    return { output: h.output, headers: h.headers, status: h.status, body: r.bytes ?? r.body };
  } catch (e) {
    // The body holds an open blob: release it rather than leave it to the garbage collector.
    if (!r.bytes) await r.body.cancel().catch(() => undefined);
    throw e;
  }
}

/** HEAD /bucket/key. */
export async function headObject(call: S3Call): Promise<S3Result> {
  const { opts, customer } = getOptions(call);
  const r = await call.deps.objects.headObject(call.ctx, { container: call.bucket, name: call.key }, opts);
  const h = objectHeaders(call, r, true, customer);
  return { output: h.output, headers: h.headers, status: h.status };
}

/** DELETE /bucket/key — idempotent; If-Match makes it conditional; versioned buckets add a delete marker, `versionId` removes that version. */
export async function deleteObject(call: S3Call): Promise<S3Result> {
  const r = await call.deps.objects.deleteObject(call.ctx, { container: call.bucket, name: call.key }, {
    ifMatch: call.headers.get('if-match') ?? undefined,
    versionId: call.query.get('versionId') ?? undefined,
  });
  return { output: { DeleteMarker: r.deleteMarker, VersionId: r.versionId } };
}

type DeleteEntry = { Key?: string; VersionId?: string; ETag?: string; LastModifiedTime?: Date; Size?: number };

/** S3's error code for a key's failed delete. */
function deleteErrorCode(e: { kind: string; reason?: string; resource?: string }): string {
  if (e.reason === 'PreconditionFailed' || e.reason === 'InvalidArgument') return e.reason;
  if (e.kind === 'Forbidden' || e.kind === 'Unauthenticated') return 'AccessDenied';
  if (e.kind === 'NotFound') return e.resource === 'object' ? 'NoSuchKey' : 'NoSuchBucket';
  return 'InternalError';
}

/** POST /bucket?delete — up to 1000 keys; Quiet reports only errors; an object's ETag makes its delete conditional. */
export async function deleteObjects(call: S3Call): Promise<S3Result> {
  const del = call.input.Delete as { Objects?: DeleteEntry[]; Quiet?: boolean } | undefined;
  if (!del?.Objects?.length || del.Objects.length > 1000 || del.Objects.some((o) => o.Key === undefined)) throw s3Error('MalformedXML');
  // Conditions by time or size (directory buckets in S3) are not implemented: refused, never an unconditional delete.
  if (del.Objects.some((o) => o.LastModifiedTime !== undefined || o.Size !== undefined)) {
    throw s3Error('NotImplemented', 'Conditional deletes by LastModifiedTime or Size are not implemented.');
  }
  const targets = del.Objects.map((o) => ({ name: o.Key!, versionId: o.VersionId, ...(o.ETag !== undefined ? { ifMatch: o.ETag.trim() } : {}) }));
  const r = await call.deps.objects.deleteObjects(call.ctx, { container: call.bucket }, targets);
  return {
    output: {
      // A removed version echoes its id; a delete marker (made, or removed by id) is reported with its own id.
      Deleted: del.Quiet
        ? undefined
        : r.results.map((d) => ({
            Key: d.name,
            VersionId: d.requestedVersionId,
            DeleteMarker: d.deleteMarker,
            DeleteMarkerVersionId: d.deleteMarker ? d.versionId : undefined,
          })),
      Errors: r.errors.map((e) => ({ Key: e.name, VersionId: e.versionId, Code: deleteErrorCode(e), Message: e.message })),
    },
  };
}

/** PUT /bucket/key with x-amz-copy-source — server-side copy, metadata and tagging directives, source conditions. */
export async function copyObject(call: S3Call): Promise<S3Result> {
  const src = copySource(call.headers.get('x-amz-copy-source') ?? '');
  const md = (call.headers.get('x-amz-metadata-directive') ?? 'COPY').toUpperCase();
  if (md !== 'COPY' && md !== 'REPLACE') throw s3Error('InvalidArgument', 'Unknown metadata directive.', { ArgumentName: 'x-amz-metadata-directive', ArgumentValue: md });
  const td = (call.headers.get('x-amz-tagging-directive') ?? 'COPY').toUpperCase();
  if (td !== 'COPY' && td !== 'REPLACE') throw s3Error('InvalidArgument', 'Unknown tagging directive.', { ArgumentName: 'x-amz-tagging-directive', ArgumentValue: td });
  const replace = md === 'REPLACE';
  const alg = call.headers.get('x-amz-checksum-algorithm')?.trim().toLowerCase();
  if (alg !== undefined && !isChecksumAlgorithm(alg)) throw s3Error('InvalidRequest', 'Checksum algorithm provided is unsupported.');
  const ifNoneMatch = call.headers.get('if-none-match');
  const enc = writeEncryptionFrom(call.headers);
  const r = await call.deps.objects.copyObject(
    call.ctx,
    { container: src.bucket, name: src.key },
    { container: call.bucket, name: call.key },
    {
      metadataDirective: md as MetadataDirective,
      contentType: replace ? (call.headers.get('content-type') ?? undefined) : undefined,
      userMetadata: replace ? ((call.input.Metadata as Meta) ?? {}) : undefined,
      systemMetadata: replace ? systemMetadataFrom(call.headers) : undefined,
      sourceConditions: readConditions(call.headers, 'x-amz-copy-source-'),
      ifNoneMatch: ifNoneMatch?.trim() === '*' ? '*' : undefined,
      ifMatch: call.headers.get('if-match') ?? undefined,
      tagsDirective: td as 'COPY' | 'REPLACE',
      tags: td === 'REPLACE' ? (tagsFromHeader(call.headers.get('x-amz-tagging')) ?? {}) : undefined,
      acl: aclFromHeaders(call.headers),
      encryption: enc.request,
      sourceCustomerKey: customerKeyFrom(call.headers, true)?.key,
      checksumAlgorithm: alg,
      sourceVersionId: src.versionId,
    },
  );
  return {
    output: {
      CopyObjectResult: { ETag: quote(r.etag), LastModified: new Date(r.lastModified), ...checksumOutput(r.checksum) },
      ...encryptionOutput(r.encryption, enc.customerKey),
      VersionId: r.s3VersionId,
      CopySourceVersionId: r.sourceS3VersionId,
    },
  };
}

/** GET /bucket/key?attributes — only the attributes asked for in x-amz-object-attributes. */
export async function getObjectAttributes(call: S3Call): Promise<S3Result> {
  const want = new Set(((call.input.ObjectAttributes as string[] | undefined) ?? []).map((s) => s.toLowerCase()));
  if (!want.size) throw s3Error('InvalidArgument', 'Invalid attribute name specified.', { ArgumentName: 'x-amz-object-attributes' });
  const ref = { container: call.bucket, name: call.key };
  const versionId = call.query.get('versionId') ?? undefined;
  const customerKey = customerKeyFrom(call.headers)?.key;
  const partsWanted = want.has('objectparts');
  const maxParts = call.input.MaxParts as number | undefined;
  const partNumberMarker = call.input.PartNumberMarker as number | undefined;
  if (maxParts !== undefined && maxParts < 0) throw s3Error('InvalidArgument', 'Argument max-parts must be an integer between 0 and 2147483647', { ArgumentName: 'x-amz-max-parts' });
  if (partNumberMarker !== undefined && partNumberMarker < 0) throw s3Error('InvalidArgument', 'Argument part-number-marker must be an integer between 0 and 2147483647', { ArgumentName: 'x-amz-part-number-marker' });
  const listing = partsWanted ? await call.deps.objects.listObjectParts(call.ctx, ref, { maxParts: Math.min(maxParts ?? 1000, 1000), partNumberMarker, versionId, customerKey }) : undefined;
  const info = listing?.info ?? (await call.deps.objects.headObject(call.ctx, ref, { versionId, customerKey })).info;
  const output: Record<string, unknown> = { LastModified: new Date(info.lastModified), VersionId: info.s3VersionId };
  if (want.has('etag')) output.ETag = info.etag;
  if (want.has('objectsize')) output.ObjectSize = info.size;
  if (want.has('storageclass')) output.StorageClass = 'STANDARD';
  if (want.has('checksum') && info.checksum) {
    output.Checksum = checksumOutput(info.checksum);
  }
  if (listing && listing.totalParts) {
    // S3 lists the parts (sizes and checksums) only of an object stored with an additional checksum.
    const algorithm = info.checksum?.algorithm;
    output.ObjectParts = algorithm
      ? {
          TotalPartsCount: listing.totalParts,
          PartNumberMarker: partNumberMarker ?? 0,
          NextPartNumberMarker: listing.nextPartNumberMarker,
          MaxParts: maxParts ?? 1000,
          IsTruncated: listing.isTruncated,
          Parts: listing.parts.map((p) => ({ PartNumber: p.partNumber, Size: p.size, ...(p.checksum ? { [checksumMember(algorithm)]: p.checksum } : {}) })),
        }
      : { TotalPartsCount: listing.totalParts };
  }
  return { output, headers: { 'last-modified': httpDate(new Date(info.lastModified)) } };
}
