// Bucket configurations: default encryption (Put/Get/DeleteBucketEncryption), and those skybridge cannot set (CORS, policy, lifecycle…), whose Get answers as S3 does for a bucket with none.
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

type EncryptionRule = { ApplyServerSideEncryptionByDefault?: { SSEAlgorithm?: string; KMSMasterKeyID?: string }; BucketKeyEnabled?: boolean };

/**
 * GET /bucket?encryption — the default encryption set by PutBucketEncryption. Without one, S3's
 * not-configured error rather than S3's current implicit SSE-S3 default: objects written without
 * a choice are stored in clear here, and saying AES256 would be a false claim.
 */
async function getBucketEncryption(call: S3Call): Promise<S3Result> {
  const enc = await call.deps.objects.getContainerEncryption(call.ctx, { container: call.bucket });
  if (!enc) throw s3Error('ServerSideEncryptionConfigurationNotFoundError', undefined, { BucketName: call.bucket });
  const rule: EncryptionRule = { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: enc.algorithm }, BucketKeyEnabled: enc.bucketKeyEnabled };
  return { output: { ServerSideEncryptionConfiguration: { Rules: [rule] } } };
}

/** PUT /bucket?encryption — one rule, AES256 (SSE-S3); aws:kms and aws:kms:dsse need a KMS (501). */
async function putBucketEncryption(call: S3Call): Promise<S3Result> {
  const conf = call.input.ServerSideEncryptionConfiguration as { Rules?: EncryptionRule[] } | undefined;
  const rules = conf?.Rules ?? [];
  if (rules.length !== 1) throw s3Error('MalformedXML');
  const by = rules[0]!.ApplyServerSideEncryptionByDefault;
  const alg = by?.SSEAlgorithm;
  if (alg === 'aws:kms' || alg === 'aws:kms:dsse') {
    throw s3Error('NotImplemented', 'Default encryption with AWS KMS keys (SSE-KMS) is not implemented: there is no key management service.');
  }
  if (alg !== 'AES256') throw s3Error('MalformedXML');
  if (by?.KMSMasterKeyID !== undefined) throw s3Error('InvalidArgument', 'a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse');
  await call.deps.objects.putContainerEncryption(call.ctx, { container: call.bucket }, { algorithm: 'AES256', bucketKeyEnabled: rules[0]!.BucketKeyEnabled });
  return { output: {} };
}

/** DELETE /bucket?encryption — new objects are stored in clear again (existing ones keep their encryption). */
async function deleteBucketEncryption(call: S3Call): Promise<S3Result> {
  await call.deps.objects.putContainerEncryption(call.ctx, { container: call.bucket }, null);
  return { output: {}, status: 204 };
}

/**
 * Handlers for bucket default encryption, and for the configuration reads that tools such as
 * Terraform's `aws_s3_bucket` and the aws CLI issue on every bucket: the others cannot be configured
 * (their Put operations answer NotImplemented), so each answers what S3 answers for a bucket without
 * that configuration.
 */
export const bucketConfigHandlers: Readonly<Record<string, S3Handler>> = {
  GetBucketCors: absent('NoSuchCORSConfiguration'),
  GetBucketPolicy: absent('NoSuchBucketPolicy'),
  GetBucketLifecycleConfiguration: absent('NoSuchLifecycleConfiguration'),
  GetBucketEncryption: getBucketEncryption,
  PutBucketEncryption: putBucketEncryption,
  DeleteBucketEncryption: deleteBucketEncryption,
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
  GetBucketEncryption: 'the rule PutBucketEncryption set; none → 404 ServerSideEncryptionConfigurationNotFoundError (objects written without a choice are stored in clear)',
  DeleteBucketEncryption: 'new objects are stored in clear again; existing objects keep their encryption',
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
  PutBucketEncryption: 'one rule, AES256 (SSE-S3), applied to new objects written without SSE headers (S3 and Swift); aws:kms, aws:kms:dsse → 501',
  PutBucketWebsite: 'GetBucketWebsite answers as for a bucket without a website',
  PutBucketOwnershipControls: 'GetBucketOwnershipControls answers as for a bucket without ownership controls',
  PutPublicAccessBlock: 'GetPublicAccessBlock answers as for a bucket without a public access block',
  PutObjectLockConfiguration: 'GetObjectLockConfiguration answers as for a bucket without Object Lock',
  PutBucketReplication: 'GetBucketReplication answers as for a bucket without replication',
  PutBucketLogging: 'GetBucketLogging answers as for a bucket without logging',
  PutBucketRequestPayment: 'GetBucketRequestPayment answers BucketOwner',
  PutBucketAccelerateConfiguration: 'GetBucketAccelerateConfiguration answers as for a bucket never accelerated',
};
