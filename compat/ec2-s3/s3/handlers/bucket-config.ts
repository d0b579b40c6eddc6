// Bucket configurations skybridge cannot set (CORS, policy, lifecycle, encryption…): their Get answers as S3 does for a bucket with none.
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

/** A Get handler that answers S3's document for a bucket that never had the setting. */
function fixed(output: Record<string, unknown>): S3Handler {
  return async (call): Promise<S3Result> => {
    await ownBucket(call);
    return { output };
  };
}

/**
 * Handlers for the configuration reads that tools such as Terraform's `aws_s3_bucket` and the aws CLI
 * issue on every bucket. Nothing can be configured (the Put operations answer NotImplemented), so each
 * answers what S3 answers for a bucket without that configuration. Encryption is the not-configured
 * error rather than S3's current SSE-S3 default: skybridge does not encrypt objects at rest, and saying
 * AES256 would be a false claim.
 */
export const bucketConfigHandlers: Readonly<Record<string, S3Handler>> = {
  GetBucketCors: absent('NoSuchCORSConfiguration'),
  GetBucketPolicy: absent('NoSuchBucketPolicy'),
  GetBucketLifecycleConfiguration: absent('NoSuchLifecycleConfiguration'),
  GetBucketEncryption: absent('ServerSideEncryptionConfigurationNotFoundError'),
  GetBucketWebsite: absent('NoSuchWebsiteConfiguration'),
  GetBucketOwnershipControls: absent('OwnershipControlsNotFoundError'),
  GetPublicAccessBlock: absent('NoSuchPublicAccessBlockConfiguration'),
  GetObjectLockConfiguration: absent('ObjectLockConfigurationNotFoundError'),
  GetBucketReplication: absent('ReplicationConfigurationNotFoundError'),
  GetBucketLogging: fixed({}),
  GetBucketRequestPayment: fixed({ Payer: 'BucketOwner' }),
  GetBucketAccelerateConfiguration: fixed({}),
};

/** Compat-matrix notes for these reads and their (unimplemented) Put/Delete counterparts. */
export const bucketConfigNotes: Readonly<Record<string, string>> = {
  GetBucketCors: 'no CORS can be set: always 404 NoSuchCORSConfiguration',
  GetBucketPolicy: 'no policy can be set: always 404 NoSuchBucketPolicy',
  GetBucketLifecycleConfiguration: 'no lifecycle can be set: always 404 NoSuchLifecycleConfiguration',
  GetBucketEncryption: 'no default encryption (objects are not encrypted at rest): always 404 ServerSideEncryptionConfigurationNotFoundError',
  GetBucketWebsite: 'no website can be set: always 404 NoSuchWebsiteConfiguration',
  GetBucketOwnershipControls: 'no ownership controls can be set (ACLs stay in force): always 404 OwnershipControlsNotFoundError',
  GetPublicAccessBlock: 'no public access block can be set: always 404 NoSuchPublicAccessBlockConfiguration',
  GetObjectLockConfiguration: 'no Object Lock: always 404 ObjectLockConfigurationNotFoundError',
  GetBucketReplication: 'no replication: always 404 ReplicationConfigurationNotFoundError',
  GetBucketLogging: 'no access logging: always an empty BucketLoggingStatus',
  GetBucketRequestPayment: 'no Requester Pays: always Payer BucketOwner',
  GetBucketAccelerateConfiguration: 'no Transfer Acceleration: always an empty AccelerateConfiguration (never enabled)',
  PutBucketCors: 'GetBucketCors answers as for a bucket without CORS',
  PutBucketPolicy: 'GetBucketPolicy answers as for a bucket without a policy',
  PutBucketLifecycleConfiguration: 'GetBucketLifecycleConfiguration answers as for a bucket without lifecycle rules',
  PutBucketEncryption: 'GetBucketEncryption answers as for a bucket without default encryption',
  PutBucketWebsite: 'GetBucketWebsite answers as for a bucket without a website',
  PutBucketOwnershipControls: 'GetBucketOwnershipControls answers as for a bucket without ownership controls',
  PutPublicAccessBlock: 'GetPublicAccessBlock answers as for a bucket without a public access block',
  PutObjectLockConfiguration: 'GetObjectLockConfiguration answers as for a bucket without Object Lock',
  PutBucketReplication: 'GetBucketReplication answers as for a bucket without replication',
  PutBucketLogging: 'GetBucketLogging answers as for a bucket without logging',
  PutBucketRequestPayment: 'GetBucketRequestPayment answers BucketOwner',
  PutBucketAccelerateConfiguration: 'GetBucketAccelerateConfiguration answers as for a bucket never accelerated',
};
