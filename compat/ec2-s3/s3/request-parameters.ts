// Every request parameter of the S3 operations we serve that protection.ts does not cover: one table saying which are honoured, refused or meaningless here, with the refusals.
import { AwsError } from '../common/aws-error.js';
import { s3Error } from './errors.js';
import type { ProtectionVerdict } from './protection.js';

/** The request as the parameter checks see it (signed headers; the query as sent). */
export interface ParameterRequest {
  operation: string;
  headers: Headers;
  query: URLSearchParams;
  /** No signature: some parameters are refused to anonymous callers, as S3 does. */
  anonymous: boolean;
}

/**
 * One row. `param` is the wire name: a lower-case header (`x-amz-meta-*` for a prefix), `?name` for a
 * query parameter, `{Label}` for a URI label, `<Element>` for an XML payload, `body` for a streamed one.
 */
export interface ParameterRule {
  param: string;
  /** Operations the parameter belongs to, or `['*']` for every operation that has it in the model. */
  operations: readonly string[];
  verdict: ProtectionVerdict;
  /** What happens and why, for docs/compat-matrix.md. */
  note: string;
  /** The refusal for this request's value, if any (headers and query parameters only). */
  refuse?: (value: string, req: ParameterRequest) => AwsError | undefined;
}

/** Every operation that has the parameter in the model. */
export const EVERY = ['*'] as const;

const OBJECT_WRITES = ['PutObject', 'CopyObject', 'CreateMultipartUpload'];
const ACL_WRITES = ['CreateBucket', 'PutObject', 'CopyObject', 'CreateMultipartUpload', 'PutBucketAcl', 'PutObjectAcl'];
const OBJECT_READS = ['GetObject', 'HeadObject'];
const VERSIONED = ['GetObject', 'HeadObject', 'GetObjectAttributes', 'GetObjectAcl', 'GetObjectTagging', 'DeleteObject', 'DeleteObjectTagging', 'PutObjectAcl', 'PutObjectTagging'];
const LISTINGS = ['ListObjects', 'ListObjectsV2', 'ListObjectVersions', 'ListMultipartUploads'];

/** Every storage class S3 names; only STANDARD exists here (as on an RGW or MinIO with no other class configured). */
const STORAGE_CLASSES = new Set([
  'STANDARD', 'REDUCED_REDUNDANCY', 'STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER', 'DEEP_ARCHIVE',
  'OUTPOSTS', 'GLACIER_IR', 'SNOW', 'EXPRESS_ONEZONE', 'FSX_OPENZFS', 'FSX_ONTAP',
]);

/** Checksum algorithms of newer S3 releases that this server does not compute. */
export const UNCOMPUTED_CHECKSUMS = ['sha512', 'md5', 'xxhash64', 'xxhash3', 'xxhash128'] as const;
const COMPUTED_CHECKSUMS = ['crc32', 'crc32c', 'crc64nvme', 'sha1', 'sha256'] as const;

const notImplemented = (message: string) => () => s3Error('NotImplemented', message);
const honoured = (param: string, operations: readonly string[], note: string): ParameterRule => ({ param, operations, verdict: 'honoured', note });

/** `If-None-Match` on a write: only `*` (create only) exists in S3; any other value is NotImplemented there too. */
const onlyStar = (value: string) => (value.trim() === '*' ? undefined : s3Error('NotImplemented', 'If-None-Match on a write supports only "*".'));

/**
 * The parameter table. A row that refuses has a `refuse`; rows enforced deeper (core, a handler) say
 * where in their note. docs/compat-matrix.md lists these with PROTECTION_RULES; the coverage test
 * fails when an implemented operation has a model member in neither table.
 */
export const PARAMETER_RULES: readonly ParameterRule[] = [
  honoured('{Bucket}', EVERY, 'path-style or virtual-hosted; S3 naming rules'),
  honoured('{Key}', EVERY, 'the raw path as sent (no dot-segment removal), at most 1024 bytes of UTF-8; two wire keys never name one object'),
  honoured('body', ['PutObject', 'UploadPart'], 'streamed to disk; SigV4 payload hash, aws-chunked chunk signatures and trailers verified before commit'),
  honoured('?uploadId', ['UploadPart', 'UploadPartCopy', 'CompleteMultipartUpload', 'AbortMultipartUpload', 'ListParts'], 'unknown or finished upload → 404 NoSuchUpload'),
  honoured('?partNumber', ['UploadPart', 'UploadPartCopy', 'GetObject', 'HeadObject'], '1..10000; on GET/HEAD the bytes of that part with x-amz-mp-parts-count (with Range → 400 InvalidRequest)'),
  honoured(
    '?versionId',
    VERSIONED,
    'addresses that version (object versioning, versions.ts): `null` is the null version; an id this store never issued → 400 InvalidArgument, a missing one → 404 NoSuchVersion; a delete marker → 405 MethodNotAllowed',
  ),
  ...['content-type', 'cache-control', 'content-disposition', 'content-encoding', 'content-language', 'expires'].map((h) =>
    ({
      param: `?response-${h}`,
      operations: OBJECT_READS,
      verdict: 'honoured',
      note: 'overrides the response header; anonymous requests → 400 InvalidRequest, as S3',
      refuse: (_v: string, req: ParameterRequest) =>
        req.anonymous ? s3Error('InvalidRequest', 'Request specific response headers cannot be used for anonymous GET requests.') : undefined,
    }) satisfies ParameterRule,
  ),
  honoured('?prefix', [...LISTINGS, 'ListBuckets'], 'filters the listing'),
  honoured('?delimiter', LISTINGS, 'rolls keys up into CommonPrefixes'),
  {
    param: '?encoding-type',
    operations: LISTINGS,
    verdict: 'honoured',
    note: '`url` encodes the key-bearing fields each listing encodes in S3; any other value → 400 InvalidArgument',
  },
  honoured('?marker', ['ListObjects'], 'starts after the key'),
  honoured('?max-keys', ['ListObjects', 'ListObjectsV2', 'ListObjectVersions'], 'at most 1000 per page, as S3'),
  honoured('?continuation-token', ['ListObjectsV2', 'ListBuckets'], 'opaque token from the previous page'),
  honoured('?fetch-owner', ['ListObjectsV2'], 'adds each object\'s Owner'),
  honoured('?start-after', ['ListObjectsV2'], 'starts after the key'),
  honoured('?key-marker', ['ListObjectVersions', 'ListMultipartUploads'], 'starts after the key'),
  honoured('?version-id-marker', ['ListObjectVersions'], 'starts after that version of the key-marker key (needs key-marker, else 400 InvalidArgument)'),
  honoured('?upload-id-marker', ['ListMultipartUploads'], 'starts after the upload'),
  honoured('?max-uploads', ['ListMultipartUploads'], 'at most 1000 per page'),
  honoured('?max-parts', ['ListParts'], 'at most 1000 per page'),
  honoured('?part-number-marker', ['ListParts'], 'starts after the part'),
  honoured('?max-buckets', ['ListBuckets'], '1..10000'),
  honoured('?bucket-region', ['ListBuckets'], 'filters by region'),
  honoured('x-amz-acl', ACL_WRITES, 'canned ACLs, enforced on every access path (S3 and Swift)'),
  ...['full-control', 'read', 'read-acp', 'write-acp'].map((g) => honoured(`x-amz-grant-${g}`, ACL_WRITES, 'id= and uri= grantees; emailAddress= → 400 UnresolvableGrantByEmailAddress')),
  honoured('x-amz-grant-write', ['CreateBucket', 'PutBucketAcl', 'PutObjectAcl'], 'id= and uri= grantees'),
  ...['content-type', 'cache-control', 'content-disposition', 'content-encoding', 'content-language', 'expires'].map((h) =>
    honoured(h, OBJECT_WRITES, 'stored and returned on GET/HEAD (CopyObject: with the REPLACE directive)'),
  ),
  honoured('content-length', ['PutObject', 'UploadPart'], 'required (411 MissingContentLength); a short body → 400 IncompleteBody, nothing stored'),
  honoured('content-md5', EVERY, 'checked against the body; mismatch → 400 BadDigest, malformed → 400 InvalidDigest, nothing stored'),
  ...COMPUTED_CHECKSUMS.map((a) =>
    honoured(`x-amz-checksum-${a}`, EVERY, 'checked against the body (or, on CompleteMultipartUpload, the object); mismatch → 400 BadDigest, nothing stored; stored and returned with x-amz-checksum-mode'),
  ),
  ...UNCOMPUTED_CHECKSUMS.map(
    (a): ParameterRule => ({
      param: `x-amz-checksum-${a}`,
      operations: ['PutObject', 'UploadPart', 'CompleteMultipartUpload'],
      verdict: 'refused',
      note: 'newer than the model: this checksum is not computed, so it could not be verified → 501 NotImplemented, nothing stored',
      refuse: notImplemented(`The ${a.toUpperCase()} checksum algorithm is not implemented: the body could not be verified against it.`),
    }),
  ),
  {
    param: 'x-amz-sdk-checksum-algorithm',
    operations: EVERY,
    verdict: 'honoured',
    note: 'CRC32, CRC32C, CRC64NVME, SHA1, SHA256: names the checksum sent (or, with none, the one to compute and store); SHA512, MD5, XXHASH* → 501 NotImplemented; anything else → 400 InvalidRequest',
    refuse: (value) => {
      const v = value.trim().toLowerCase();
      if ((COMPUTED_CHECKSUMS as readonly string[]).includes(v)) return undefined;
      if ((UNCOMPUTED_CHECKSUMS as readonly string[]).includes(v)) return s3Error('NotImplemented', `The ${v.toUpperCase()} checksum algorithm is not implemented.`);
      return s3Error('InvalidRequest', 'Value for x-amz-sdk-checksum-algorithm header is invalid.');
    },
  },
  {
    param: 'x-amz-checksum-algorithm',
    operations: ['CreateMultipartUpload', 'CopyObject'],
    verdict: 'honoured',
    note: 'CreateMultipartUpload: the parts\' and the object\'s checksum; CopyObject: the copy keeps the source\'s checksum, so an algorithm other than the source\'s → 501 NotImplemented (core), nothing copied',
  },
  honoured('x-amz-checksum-type', ['CreateMultipartUpload', 'CompleteMultipartUpload'], 'COMPOSITE or FULL_OBJECT; other values → 400 InvalidRequest'),
  honoured('x-amz-checksum-mode', OBJECT_READS, '`ENABLED` returns the stored checksum'),
  {
    param: 'x-amz-mp-object-size',
    operations: ['CompleteMultipartUpload'],
    verdict: 'honoured',
    note: 'newer than the model: the completed object must have that size, else 400 InvalidRequest and the upload stays open',
  },
  honoured('x-amz-copy-source', ['CopyObject', 'UploadPartCopy'], 'bucket/key, URL-encoded; `?versionId=` copies that version (x-amz-copy-source-version-id in the answer)'),
  ...['if-match', 'if-none-match', 'if-modified-since', 'if-unmodified-since'].map((c) =>
    honoured(`x-amz-copy-source-${c}`, ['CopyObject', 'UploadPartCopy'], 'condition on the source → 412 PreconditionFailed'),
  ),
  honoured('x-amz-copy-source-range', ['UploadPartCopy'], '`bytes=first-last`; other forms → 400 InvalidArgument'),
  honoured('x-amz-metadata-directive', ['CopyObject'], 'COPY or REPLACE; other values → 400 InvalidArgument'),
  honoured('x-amz-tagging-directive', ['CopyObject'], 'COPY or REPLACE; other values → 400 InvalidArgument'),
  honoured('x-amz-meta-*', OBJECT_WRITES, 'stored and returned (Swift shows them as X-Object-Meta-*)'),
  honoured('x-amz-tagging', OBJECT_WRITES, 'stored (CopyObject: with the REPLACE tagging directive); at most 10 tags'),
  {
    param: 'x-amz-storage-class',
    operations: OBJECT_WRITES,
    verdict: 'refused',
    note: 'STANDARD (the only class here) honoured; every other class asks for another durability or retrieval class → 400 InvalidStorageClass, as RGW and MinIO answer for a class they do not have',
    refuse: (value) => {
      if (value.trim() === 'STANDARD') return undefined;
      return s3Error('InvalidStorageClass', STORAGE_CLASSES.has(value.trim()) ? `The storage class ${value.trim()} is not offered by this server; only STANDARD is.` : undefined, {
        StorageClassRequested: value.slice(0, 64),
      });
    },
  },
  {
    param: 'x-amz-website-redirect-location',
    operations: OBJECT_WRITES,
    verdict: 'refused',
    note: '501 NotImplemented: no static website hosting, so the redirect would never be served',
    refuse: notImplemented('Website redirects are not implemented: there is no website endpoint to serve them.'),
  },
  {
    param: 'x-amz-request-payer',
    operations: EVERY,
    verdict: 'meaningless',
    note: 'no requester-pays buckets: the bucket owner is never charged',
  },
  ...['if-match', 'if-none-match', 'if-modified-since', 'if-unmodified-since'].map((c) => honoured(c, OBJECT_READS, '412 PreconditionFailed / 304 Not Modified, as S3')),
  honoured('range', OBJECT_READS, 'one `bytes=` range → 206; several ranges or junk → the whole object, as S3'),
  {
    param: 'if-none-match',
    operations: ['PutObject', 'CopyObject', 'CompleteMultipartUpload'],
    verdict: 'honoured',
    note: '`*`: create only, 412 PreconditionFailed if the key exists, 409 ConditionalRequestConflict if another write commits it meanwhile; other values → 501 NotImplemented, as S3',
    refuse: onlyStar,
  },
  honoured('if-match', ['PutObject', 'CopyObject', 'CompleteMultipartUpload', 'DeleteObject'], 'write only over that ETag: 412 PreconditionFailed on a mismatch, 404 NoSuchKey when the key is absent, 409 ConditionalRequestConflict if another write commits meanwhile'),
  ...['x-amz-if-match-last-modified-time', 'x-amz-if-match-size'].map(
    (param): ParameterRule => ({
      param,
      operations: ['DeleteObject'],
      verdict: 'refused',
      note: 'newer than the model (a directory-bucket condition): 501 NotImplemented rather than an unconditional delete',
      refuse: notImplemented(`Conditional deletes by ${param} are not implemented.`),
    }),
  ),
  {
    param: 'x-amz-if-match-initiated-time',
    operations: ['AbortMultipartUpload'],
    verdict: 'refused',
    note: 'newer than the model (a directory-bucket condition): 501 NotImplemented rather than an unconditional abort',
    refuse: notImplemented('Conditional aborts by x-amz-if-match-initiated-time are not implemented.'),
  },
  {
    param: 'x-amz-write-offset-bytes',
    operations: ['PutObject'],
    verdict: 'refused',
    note: 'newer than the model (appends): 501 NotImplemented, never a PUT that replaces the object',
    refuse: notImplemented('Appending with x-amz-write-offset-bytes is not implemented.'),
  },
  ...['x-amz-object-lock-event-hold', 'x-amz-object-lock-event-hold-duration-days', 'x-amz-object-lock-event-hold-duration-years'].map(
    (param): ParameterRule => ({
      param,
      operations: OBJECT_WRITES,
      verdict: 'refused',
      note: 'newer than the model: 400 InvalidRequest "Bucket is missing Object Lock Configuration" (no bucket has Object Lock)',
      refuse: () => s3Error('InvalidRequest', 'Bucket is missing Object Lock Configuration'),
    }),
  ),
  {
    param: 'x-amz-object-annotation-directive',
    operations: ['CopyObject'],
    verdict: 'refused',
    note: 'newer than the model: `COPY` asks for nothing (no object has annotations); any other value → 501 NotImplemented',
    refuse: (value) => (value.trim().toUpperCase() === 'COPY' ? undefined : s3Error('NotImplemented', 'Object annotations are not implemented.')),
  },
  {
    param: 'x-amz-bucket-namespace',
    operations: ['CreateBucket'],
    verdict: 'refused',
    note: 'newer than the model: `global` (the only namespace here) honoured; `account-regional` and others → 501 NotImplemented',
    refuse: (value) => (value.trim() === 'global' ? undefined : s3Error('NotImplemented', `The bucket namespace ${value.slice(0, 64)} is not implemented; bucket names are global.`)),
  },
  honoured('x-amz-object-attributes', ['GetObjectAttributes'], 'ETag, Checksum, ObjectParts, StorageClass, ObjectSize'),
  honoured('x-amz-max-parts', ['GetObjectAttributes'], 'pages ObjectParts'),
  honoured('x-amz-part-number-marker', ['GetObjectAttributes'], 'pages ObjectParts'),
  {
    param: 'x-amz-optional-object-attributes',
    operations: ['ListObjects', 'ListObjectsV2', 'ListObjectVersions'],
    verdict: 'meaningless',
    note: 'its one value, RestoreStatus, describes archived objects; there are none',
  },
  {
    param: '<CreateBucketConfiguration>',
    operations: ['CreateBucket'],
    verdict: 'honoured',
    note:
      'LocationConstraint: the configured region (else 400 IllegalLocationConstraintException); Tags (newer than the model) set the bucket\'s tags (re-creating one\'s bucket with other tags → 409); ' +
      'Location / Bucket (directory buckets) → 501 NotImplemented',
  },
  honoured(
    '<CompleteMultipartUpload>',
    ['CompleteMultipartUpload'],
    'parts in order, ETags and part checksums checked; part checksums of algorithms not computed here (SHA512, MD5, XXHASH*, newer than the model) → 501 NotImplemented',
  ),
  {
    param: '<Delete>',
    operations: ['DeleteObjects'],
    verdict: 'honoured',
    note:
      'at most 1000 keys, Quiet honoured; an Object ETag deletes only over that ETag (else that key\'s PreconditionFailed / NoSuchKey error); ' +
      'LastModifiedTime or Size (newer than the model) → 501 NotImplemented, nothing deleted; a VersionId removes that version for good (a missing one counts as deleted)',
  },
  honoured('<AccessControlPolicy>', ['PutBucketAcl', 'PutObjectAcl'], 'shown exactly as put'),
  honoured('<Tagging>', ['PutBucketTagging', 'PutObjectTagging'], 'replaces the tag set'),
  honoured('<VersioningConfiguration>', ['PutBucketVersioning'], 'see the operation; MFADelete in the protection table'),
  honoured('<ServerSideEncryptionConfiguration>', ['PutBucketEncryption'], 'AES256 default encryption for new objects; aws:kms → 501 NotImplemented, other algorithms → 400 MalformedXML'),
  honoured('<CORSConfiguration>', ['PutBucketCors'], 'validated as S3 does; preflight OPTIONS and requests with Origin answered from the rules'),
  honoured('body', ['PutBucketPolicy'], 'the policy JSON (at most 20 KB, depth-bounded); the subset in the operation\'s note, anything else → 400 MalformedPolicy'),
  {
    param: 'x-amz-confirm-remove-self-bucket-access',
    operations: ['PutBucketPolicy'],
    verdict: 'refused',
    note: 'the bucket owner can always get, put and delete the bucket policy here (as an account root), so `true` (lock myself out of the policy) → 501 NotImplemented; `false` is what happens',
    refuse: (value) =>
      value.trim().toLowerCase() === 'true' ? s3Error('NotImplemented', 'Removing the bucket owner\'s own access to the bucket policy is not implemented.') : undefined,
  },
  honoured(
    '<LifecycleConfiguration>',
    ['PutBucketLifecycleConfiguration'],
    'Expiration and AbortIncompleteMultipartUpload by Prefix/Tag/size/And run by the sweep; Transition, NoncurrentVersion* and ExpiredObjectDeleteMarker → 501 NotImplemented, nothing stored',
  ),
  {
    param: 'x-amz-transition-default-minimum-object-size',
    operations: ['PutBucketLifecycleConfiguration'],
    verdict: 'meaningless',
    note: 'newer than the model: it only sizes transitions between storage classes, and transitions are refused (501)',
  },
  honoured('<PublicAccessBlockConfiguration>', ['PutPublicAccessBlock'], 'the four switches (absent ones false), enforced on every access path'),
  honoured('<BucketLoggingStatus>', ['PutBucketLogging'], 'logging off is stored; LoggingEnabled → 501 NotImplemented (no access logs are delivered)'),
  honoured('<RequestPaymentConfiguration>', ['PutBucketRequestPayment'], 'Payer BucketOwner is stored; Requester → 501 NotImplemented'),
  honoured('<AccelerateConfiguration>', ['PutBucketAccelerateConfiguration'], 'Status Suspended is stored; Enabled → 501 NotImplemented'),
];

/** Refuses a request whose header or query parameter asks for something this server does not do; runs before the handler. */
export function refuseUnhonouredParameters(req: ParameterRequest): void {
  for (const rule of PARAMETER_RULES) {
    if (!rule.refuse) continue;
    if (rule.operations[0] !== '*' && !rule.operations.includes(req.operation)) continue;
    const value = rule.param.startsWith('?') ? req.query.get(rule.param.slice(1)) : req.headers.get(rule.param);
    if (value === null) continue;
    const err = rule.refuse(value, req);
    if (err) throw err;
  }
}
