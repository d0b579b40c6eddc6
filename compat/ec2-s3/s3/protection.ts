// Protection requests on the S3 face (encryption, Object Lock, ownership, MFA delete, expected owners): one table saying which are honoured, refused or meaningless here.
import type { RequestContext } from '../../../core/context.js';
import { AwsError } from '../common/aws-error.js';
import { s3Error } from './errors.js';
import type { S3Deps } from './handler-types.js';
import { copySource } from './wire.js';

/** What skybridge does with a protection-type request parameter. */
export type ProtectionVerdict = 'honoured' | 'refused' | 'meaningless';

/** The request as the protection checks see it (headers already include presigned hoisted ones). */
export interface ProtectionRequest {
  operation: string;
  headers: Headers;
  /** The model-bound input (only body members are read, e.g. `VersioningConfiguration.MFADelete`). */
  input: Record<string, unknown>;
}

/** One row of the table. */
export interface ProtectionRule {
  /** The wire parameter: a lower-case header, or `Shape.Member` for a body member. */
  param: string;
  /** Operations the parameter belongs to in the model. */
  operations: readonly string[];
  verdict: ProtectionVerdict;
  /** What happens and why, for docs/compat-matrix.md. */
  note: string;
  /** The refusal for this request, if any (only rows with verdict `refused` have one). */
  refuse?: (value: string, req: ProtectionRequest) => AwsError | undefined;
}

const OBJECT_WRITES = ['PutObject', 'CopyObject', 'CreateMultipartUpload'] as const;
const SSE_C_OPERATIONS = ['PutObject', 'CopyObject', 'CreateMultipartUpload', 'UploadPart', 'UploadPartCopy', 'GetObject', 'HeadObject', 'GetObjectAttributes'] as const;
const KMS_ALGORITHMS = new Set(['aws:kms', 'aws:kms:dsse']);
const OWNERSHIP = new Set(['BucketOwnerPreferred', 'ObjectWriter', 'BucketOwnerEnforced']);

const notEncrypted = (what: string) =>
  s3Error('NotImplemented', `${what} is not implemented: there is no key management service, so the request is refused rather than encrypted otherwise.`);

/** SSE-KMS parameters that make sense only with `x-amz-server-side-encryption: aws:kms`, as S3 checks it. */
function refuseKmsParam(header: string) {
  return (_value: string, req: ProtectionRequest): AwsError => {
    const sse = req.headers.get('x-amz-server-side-encryption');
    if (sse !== 'aws:kms' && sse !== 'aws:kms:dsse') {
      return s3Error('InvalidArgument', `Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms`, {
        ArgumentName: header,
      });
    }
    return notEncrypted('Server-side encryption with AWS KMS keys (SSE-KMS)');
  };
}

/** S3's answer to Object Lock parameters on a bucket without Object Lock, which every bucket here is. */
const noObjectLock = () => s3Error('InvalidRequest', 'Bucket is missing Object Lock Configuration');

/**
 * Every protection-type parameter of the operations we serve; the compat matrix is generated from this
 * table. A `refused` row always refuses; an `honoured` row may still refuse values it cannot honour
 * (`x-amz-server-side-encryption: aws:kms`).
 */
export const PROTECTION_RULES: readonly ProtectionRule[] = [
  {
    param: 'x-amz-server-side-encryption',
    operations: OBJECT_WRITES,
    verdict: 'honoured',
    note: 'AES256 → SSE-S3: AES-256-GCM with a per-object data key wrapped by the key ring of the data dir (`npm run sse-keys:rotate`); aws:kms, aws:kms:dsse → 501 NotImplemented (no KMS); any other value → 400 InvalidArgument, as S3',
    refuse: (value) =>
      value === 'AES256'
        ? undefined
        : KMS_ALGORITHMS.has(value)
          ? notEncrypted('Server-side encryption with AWS KMS keys (SSE-KMS)')
          : s3Error('InvalidArgument', 'The encryption method specified is not supported', { ArgumentName: 'x-amz-server-side-encryption', ArgumentValue: value.slice(0, 64) }),
  },
  {
    param: 'x-amz-server-side-encryption-aws-kms-key-id',
    operations: OBJECT_WRITES,
    verdict: 'refused',
    note: '501 NotImplemented with aws:kms; 400 InvalidArgument without it, as S3',
    refuse: refuseKmsParam('x-amz-server-side-encryption-aws-kms-key-id'),
  },
  {
    param: 'x-amz-server-side-encryption-context',
    operations: OBJECT_WRITES,
    verdict: 'refused',
    note: '501 NotImplemented with aws:kms; 400 InvalidArgument without it, as S3',
    refuse: refuseKmsParam('x-amz-server-side-encryption-context'),
  },
  {
    param: 'x-amz-server-side-encryption-bucket-key-enabled',
    operations: OBJECT_WRITES,
    verdict: 'refused',
    note: '`true` → 501 NotImplemented (an S3 Bucket Key is a KMS feature); `false` asks for nothing',
    refuse: (value) => (value.toLowerCase() === 'true' ? notEncrypted('An S3 Bucket Key for SSE-KMS') : undefined),
  },
  ...['algorithm', 'key', 'key-MD5'].map(
    (part): ProtectionRule => ({
      param: `x-amz-server-side-encryption-customer-${part}`,
      operations: SSE_C_OPERATIONS,
      verdict: 'honoured',
      note:
        'SSE-C: AES-256-GCM under a key derived from the customer key, which is never stored (a salted HMAC checks it); the three headers must come together, ' +
        'AES256 only (else 400 InvalidEncryptionAlgorithmError), key MD5 checked (400 InvalidArgument); reading an SSE-C object without the key → 400 InvalidRequest, with another key → 403 AccessDenied; ' +
        'a key for an object that is not SSE-C → 400 InvalidRequest; UploadPart of an SSE-C upload needs the same key',
    }),
  ),
  ...['algorithm', 'key', 'key-MD5'].map(
    (part): ProtectionRule => ({
      param: `x-amz-server-side-encryption-customer-${part}`,
      operations: ['CompleteMultipartUpload', 'ListParts'],
      verdict: 'meaningless',
      note: 'S3 reads them there only for directory buckets; every part of an SSE-C upload was already checked against the upload\'s key',
    }),
  ),
  ...['algorithm', 'key', 'key-MD5'].map(
    (part): ProtectionRule => ({
      param: `x-amz-copy-source-server-side-encryption-customer-${part}`,
      operations: ['CopyObject', 'UploadPartCopy'],
      verdict: 'honoured',
      note: 'the SSE-C key of the copy source, checked as on GetObject; the copy is sealed as its own request (or its bucket default) says',
    }),
  ),
  {
    param: 'x-amz-bucket-object-lock-enabled',
    operations: ['CreateBucket'],
    verdict: 'refused',
    note: '`true` → 501 NotImplemented (no Object Lock, so no WORM guarantee); `false` asks for nothing',
    refuse: (value) => (value.toLowerCase() === 'true' ? s3Error('NotImplemented', 'Object Lock is not implemented: the bucket would not protect its objects from deletion.') : undefined),
  },
  {
    param: 'x-amz-object-ownership',
    operations: ['CreateBucket'],
    verdict: 'refused',
    note:
      'BucketOwnerPreferred accepted: ACLs stay in force and the bucket owner owns every object (hence those uploaded with bucket-owner-full-control); ' +
      'ObjectWriter → 501 (a writer from another project does not own its object here); BucketOwnerEnforced → 501 (ACLs cannot be disabled); other values → 400 InvalidArgument',
    refuse: (value) => {
      if (!OWNERSHIP.has(value)) return s3Error('InvalidArgument', 'Invalid x-amz-object-ownership header', { ArgumentName: 'x-amz-object-ownership', ArgumentValue: value.slice(0, 64) });
      if (value === 'BucketOwnerEnforced') return s3Error('NotImplemented', 'Object Ownership BucketOwnerEnforced is not implemented: ACLs stay in force on every bucket.');
      if (value === 'ObjectWriter') return s3Error('NotImplemented', 'Object Ownership ObjectWriter is not implemented: objects are owned by the bucket owner, not by the writer.');
      return undefined;
    },
  },
  ...['x-amz-object-lock-mode', 'x-amz-object-lock-retain-until-date', 'x-amz-object-lock-legal-hold'].map(
    (param): ProtectionRule => ({
      param,
      operations: OBJECT_WRITES,
      verdict: 'refused',
      note: '400 InvalidRequest "Bucket is missing Object Lock Configuration", as S3 answers for a bucket without Object Lock (every bucket here)',
      refuse: noObjectLock,
    }),
  ),
  {
    param: 'VersioningConfiguration.MFADelete',
    operations: ['PutBucketVersioning'],
    verdict: 'refused',
    note: '`Enabled` → 501 NotImplemented (no MFA delete); `Disabled` asks for nothing',
    refuse: (value) => (value === 'Enabled' ? s3Error('NotImplemented', 'MFA Delete is not implemented.') : undefined),
  },
  {
    param: 'x-amz-expected-bucket-owner',
    operations: ['*'],
    verdict: 'honoured',
    note: 'compared with the bucket owner\'s canonical id (the project id); mismatch → 403 AccessDenied',
  },
  {
    param: 'x-amz-source-expected-bucket-owner',
    operations: ['CopyObject', 'UploadPartCopy'],
    verdict: 'honoured',
    note: 'compared with the copy source bucket owner\'s canonical id; mismatch → 403 AccessDenied',
  },
  {
    param: 'x-amz-mfa',
    operations: ['DeleteObject', 'DeleteObjects', 'PutBucketVersioning'],
    verdict: 'meaningless',
    note: 'no bucket has MFA delete, so no request needs the token; it is not checked',
  },
  {
    param: 'x-amz-bypass-governance-retention',
    operations: ['DeleteObject', 'DeleteObjects'],
    verdict: 'meaningless',
    note: 'no object has a retention period to bypass',
  },
];

/** The rows that can refuse, by the header they read (body members are looked up separately). */
const REFUSING = PROTECTION_RULES.filter((r) => r.refuse);

/** A body member of the input by `Shape.Member` path (e.g. `VersioningConfiguration.MFADelete`). */
function member(input: Record<string, unknown>, path: string): string | undefined {
  const [shape, name] = path.split('.') as [string, string];
  const v = (input[shape] as Record<string, unknown> | undefined)?.[name];
  return v === undefined || v === null ? undefined : String(v);
}

/**
 * Refuses a request that asks for a protection we do not give (S3's error, never accepted and dropped).
 * Runs before the handler, so nothing is written.
 */
export function refuseUnprovidedProtection(req: ProtectionRequest): void {
  for (const rule of REFUSING) {
    if (rule.operations[0] !== '*' && !rule.operations.includes(req.operation)) continue;
    const value = rule.param.includes('.') ? member(req.input, rule.param) : (req.headers.get(rule.param) ?? undefined);
    if (value === undefined) continue;
    const err = rule.refuse!(value, req);
    if (err) throw err;
  }
}

/**
 * `x-amz-expected-bucket-owner` (and the copy source's `x-amz-source-expected-bucket-owner`): 403
 * AccessDenied unless the bucket's owner has that canonical id. A missing bucket is left to the handler
 * (NoSuchBucket), since nobody else can own it.
 */
export async function checkExpectedOwners(deps: S3Deps, ctx: RequestContext, bucket: string | undefined, operation: string, headers: Headers): Promise<void> {
  const expected = headers.get('x-amz-expected-bucket-owner');
  if (expected !== null && bucket !== undefined) {
    const owner = await deps.objects.findContainerOwner(ctx, bucket);
    if (owner !== undefined && owner !== expected) throw s3Error('AccessDenied');
  }
  const sourceExpected = headers.get('x-amz-source-expected-bucket-owner');
  const source = headers.get('x-amz-copy-source');
  if (sourceExpected !== null && source !== null && (operation === 'CopyObject' || operation === 'UploadPartCopy')) {
    const owner = await deps.objects.findContainerOwner(ctx, copySource(source).bucket);
    if (owner !== undefined && owner !== sourceExpected) throw s3Error('AccessDenied');
  }
}
