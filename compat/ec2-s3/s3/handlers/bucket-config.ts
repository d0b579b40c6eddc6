// Bucket configurations skybridge cannot set (website, logging, replication, encryption…): their Get answers as S3 does for a bucket with none.
import { isCoreError } from '../../../../core/errors.js';
import type { BucketConfigDocs } from '../../../../core/objects/bucket-config.js';
import { s3Error } from '../errors.js';
import type { S3Call, S3Handler, S3Result } from '../handler-types.js';

/**
 * The bucket must exist and belong to the caller's project: these reads are the owner's (IAM `s3:GetBucket*`),
 * no ACL grants them.
 */
export async function ownBucket(call: S3Call): Promise<void> {
  const owner = await call.deps.objects.findContainerOwner(call.ctx, call.bucket);
  if (owner === undefined) throw s3Error('NoSuchBucket', undefined, { BucketName: call.bucket });
  if (call.ctx.auth?.projectId !== owner) throw s3Error('AccessDenied');
}

/** A Get handler that answers S3's "not configured" error. */
function absent(code: string): S3Handler {
  return async (call) => {
    await ownBucket(call);
    throw s3Error(code, undefined, { BucketName: call.bucket });
  };
}

/** A Get handler answering the stored document (`render(doc)`), or `render(undefined)`: S3's default for a bucket never set. */
function storedOr<K extends 'logging' | 'request-payment' | 'accelerate'>(kind: K, render: (doc: BucketConfigDocs[K] | undefined) => Record<string, unknown>): S3Handler {
  return async (call): Promise<S3Result> => {
    try {
      return { output: render(await call.deps.objects.getBucketConfig(call.ctx, { container: call.bucket }, kind)) };
    } catch (e) {
      if (isCoreError(e, 'NotFound') && e.detail.resource === 'bucket-config') return { output: render(undefined) };
      throw e;
    }
  };
}

/** PutBucketLogging: turning logging off is what skybridge does already; enabling it (no logs are ever delivered) is NotImplemented. */
const putBucketLogging: S3Handler = async (call) => {
  const st = call.input.BucketLoggingStatus as { LoggingEnabled?: unknown } | undefined;
  if (!st) throw s3Error('MalformedXML');
  if (st.LoggingEnabled !== undefined) throw s3Error('NotImplemented', 'Server access logging is not implemented.');
  await call.deps.objects.putBucketConfig(call.ctx, { container: call.bucket }, 'logging', { enabled: false });
  return {};
};

/** PutBucketRequestPayment: BucketOwner (what skybridge does) is stored; Requester Pays is NotImplemented. */
const putBucketRequestPayment: S3Handler = async (call) => {
  const payer = (call.input.RequestPaymentConfiguration as { Payer?: string } | undefined)?.Payer;
  if (payer === 'Requester') throw s3Error('NotImplemented', 'Requester Pays is not implemented.');
  if (payer !== 'BucketOwner') throw s3Error('MalformedXML');
  await call.deps.objects.putBucketConfig(call.ctx, { container: call.bucket }, 'request-payment', { payer: 'BucketOwner' });
  return {};
};

/** PutBucketAccelerateConfiguration: Suspended is stored (and read back); Enabled is NotImplemented (no accelerate endpoint). */
const putBucketAccelerateConfiguration: S3Handler = async (call) => {
  const status = (call.input.AccelerateConfiguration as { Status?: string } | undefined)?.Status;
  if (status === 'Enabled') throw s3Error('NotImplemented', 'Transfer Acceleration is not implemented.');
  if (status !== 'Suspended') throw s3Error('MalformedXML');
  await call.deps.objects.putBucketConfig(call.ctx, { container: call.bucket }, 'accelerate', { status: 'Suspended' });
  return {};
};

/**
 * Handlers for the configuration reads that tools such as Terraform's `aws_s3_bucket` and the aws CLI
 * issue on every bucket, for configurations skybridge cannot honour (their Puts answer NotImplemented
 * rather than store a document nothing would act on), so each answers what S3 answers for a bucket
 * without that configuration. CORS, policy, lifecycle and public access block are real (cors.ts,
 * bucket-policy.ts, lifecycle.ts). Encryption is the not-configured
 * error rather than S3's current SSE-S3 default: skybridge does not encrypt objects at rest, and saying
 * AES256 would be a false claim.
 */
export const bucketConfigHandlers: Readonly<Record<string, S3Handler>> = {
  GetBucketEncryption: absent('ServerSideEncryptionConfigurationNotFoundError'),
  GetBucketWebsite: absent('NoSuchWebsiteConfiguration'),
  GetBucketOwnershipControls: absent('OwnershipControlsNotFoundError'),
  GetObjectLockConfiguration: absent('ObjectLockConfigurationNotFoundError'),
  GetBucketReplication: absent('ReplicationConfigurationNotFoundError'),
  GetBucketLogging: storedOr('logging', () => ({})),
  GetBucketRequestPayment: storedOr('request-payment', () => ({ Payer: 'BucketOwner' })),
  GetBucketAccelerateConfiguration: storedOr('accelerate', (doc) => (doc ? { Status: doc.status } : {})),
  PutBucketLogging: putBucketLogging,
  PutBucketRequestPayment: putBucketRequestPayment,
  PutBucketAccelerateConfiguration: putBucketAccelerateConfiguration,
};

/** Compat-matrix notes for these reads and their (unimplemented) Put/Delete counterparts. */
export const bucketConfigNotes: Readonly<Record<string, string>> = {
  GetBucketEncryption: 'no default encryption (objects are not encrypted at rest): always 404 ServerSideEncryptionConfigurationNotFoundError',
  GetBucketWebsite: 'no website can be set: always 404 NoSuchWebsiteConfiguration',
  GetBucketOwnershipControls: 'no ownership controls can be set (ACLs stay in force): always 404 OwnershipControlsNotFoundError',
  GetObjectLockConfiguration: 'no Object Lock: always 404 ObjectLockConfigurationNotFoundError',
  GetBucketReplication: 'no replication: always 404 ReplicationConfigurationNotFoundError',
  GetBucketLogging: 'no access logging: always an empty BucketLoggingStatus',
  GetBucketRequestPayment: 'no Requester Pays: always Payer BucketOwner',
  GetBucketAccelerateConfiguration: 'no Transfer Acceleration: empty until suspended, then Status Suspended (never Enabled)',
  PutBucketEncryption: 'GetBucketEncryption answers as for a bucket without default encryption',
  PutBucketWebsite: 'refused: no website endpoint serves index/error documents or redirects; GetBucketWebsite answers as for a bucket without a website',
  PutBucketOwnershipControls: 'refused: BucketOwnerEnforced would need ACLs disabled and object ownership rewritten; GetBucketOwnershipControls answers as for a bucket without ownership controls',
  PutObjectLockConfiguration: 'refused: no WORM retention; GetObjectLockConfiguration answers as for a bucket without Object Lock',
  PutBucketReplication: 'refused: no replication to other buckets; GetBucketReplication answers as for a bucket without replication',
  PutBucketLogging: 'only logging off (an empty BucketLoggingStatus); LoggingEnabled is NotImplemented: no server access logs are delivered',
  PutBucketRequestPayment: 'only Payer BucketOwner; Requester is NotImplemented (no requester charging)',
  PutBucketAccelerateConfiguration: 'only Status Suspended (read back by GetBucketAccelerateConfiguration); Enabled is NotImplemented: no accelerate endpoint',
  PutBucketNotificationConfiguration: 'refused: no event notifications are delivered',
  PutBucketCors: 'validated as S3 does (methods, one wildcard per origin/header); preflight OPTIONS and actual requests with Origin answered from the rules',
  PutBucketPolicy: 'subset: Effect Allow/Deny, Principal * / project ids / arn:aws:iam::<project id>:root, s3 actions with wildcards, resources in the bucket, conditions aws:SecureTransport (Bool), aws:SourceIp (IpAddress/NotIpAddress), s3:prefix (String*); anything else MalformedPolicy',
  PutBucketLifecycleConfiguration: 'Expiration (Days/Date) and AbortIncompleteMultipartUpload by Prefix/Tag/size/And, run by the periodic sweep and the expiry job; Transition, NoncurrentVersion* and ExpiredObjectDeleteMarker NotImplemented (no storage classes or versioning yet)',
  PutPublicAccessBlock: 'enforced: BlockPublicAcls (S3 and Swift ACLs), IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets',
};
