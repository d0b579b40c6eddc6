// Bucket configuration reads (what Terraform and the aws CLI read on every bucket) answer as S3 does for an unconfigured bucket; Puts of what we cannot honour stay NotImplemented.
import {
  CreateBucketCommand,
  GetBucketAccelerateConfigurationCommand,
  GetBucketCorsCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketLoggingCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketReplicationCommand,
  GetBucketRequestPaymentCommand,
  GetBucketWebsiteCommand,
  GetObjectLockConfigurationCommand,
  GetPublicAccessBlockCommand,
  PutBucketAccelerateConfigurationCommand,
  PutBucketEncryptionCommand,
  PutBucketLoggingCommand,
  PutBucketRequestPaymentCommand,
  PutBucketWebsiteCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3Operations } from '../../compat/ec2-s3/s3/app.js';
import { startS3Server, type S3TestServer, s3Failure as failure, s3ClientFor } from './s3-server.js';

let srv: S3TestServer;
let s3: S3Client;
let demo: S3Client;
const B = 'config-bucket';

beforeAll(async () => {
  srv = await startS3Server();
  s3 = s3ClientFor(srv, srv.admin);
  demo = s3ClientFor(srv, srv.demo);
  await s3.send(new CreateBucketCommand({ Bucket: B }));
}, 60_000);

afterAll(async () => {
  s3?.destroy();
  demo?.destroy();
  await srv?.close();
});

const Bucket = B;
const absent = [
  ['GetBucketWebsite', () => new GetBucketWebsiteCommand({ Bucket }), 'NoSuchWebsiteConfiguration'],
  ['GetBucketOwnershipControls', () => new GetBucketOwnershipControlsCommand({ Bucket }), 'OwnershipControlsNotFoundError'],
  ['GetObjectLockConfiguration', () => new GetObjectLockConfigurationCommand({ Bucket }), 'ObjectLockConfigurationNotFoundError'],
  ['GetBucketReplication', () => new GetBucketReplicationCommand({ Bucket }), 'ReplicationConfigurationNotFoundError'],
] as const;

describe('reads of configurations a bucket cannot have', () => {
  it.each(absent)('%s → 404 %s', async (_name, cmd, code) => {
    expect(await failure(s3.send(cmd() as never))).toMatchObject({ code, status: 404 });
  });

  it('logging, request payment and acceleration answer their empty defaults', async () => {
    const logging = await s3.send(new GetBucketLoggingCommand({ Bucket }));
    expect(logging.LoggingEnabled).toBeUndefined();
    expect(logging.$metadata.httpStatusCode).toBe(200);
    expect((await s3.send(new GetBucketRequestPaymentCommand({ Bucket }))).Payer).toBe('BucketOwner');
    const acc = await s3.send(new GetBucketAccelerateConfigurationCommand({ Bucket }));
    expect(acc.Status).toBeUndefined();
    expect(acc.$metadata.httpStatusCode).toBe(200);
  });

  it('a missing bucket is NoSuchBucket, another project’s bucket AccessDenied', async () => {
    expect(await failure(s3.send(new GetBucketCorsCommand({ Bucket: 'no-such-bucket' })))).toMatchObject({ code: 'NoSuchBucket', status: 404 });
    expect(await failure(s3.send(new GetBucketLoggingCommand({ Bucket: 'no-such-bucket' })))).toMatchObject({ code: 'NoSuchBucket', status: 404 });
    expect(await failure(demo.send(new GetBucketPolicyCommand({ Bucket })))).toMatchObject({ code: 'AccessDenied', status: 403 });
    expect(await failure(demo.send(new GetBucketRequestPaymentCommand({ Bucket })))).toMatchObject({ code: 'AccessDenied', status: 403 });
  });

  it('CORS, policy, lifecycle and public access block of a fresh bucket answer their not-configured errors', async () => {
    expect(await failure(s3.send(new GetBucketCorsCommand({ Bucket })))).toMatchObject({ code: 'NoSuchCORSConfiguration', status: 404 });
    expect(await failure(s3.send(new GetBucketPolicyCommand({ Bucket })))).toMatchObject({ code: 'NoSuchBucketPolicy', status: 404 });
    expect(await failure(s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket })))).toMatchObject({ code: 'NoSuchLifecycleConfiguration', status: 404 });
    expect(await failure(s3.send(new GetPublicAccessBlockCommand({ Bucket })))).toMatchObject({ code: 'NoSuchPublicAccessBlockConfiguration', status: 404 });
  });

  it('the Puts of configurations nothing would honour answer 501 NotImplemented', async () => {
    expect(await failure(s3.send(new PutBucketWebsiteCommand({ Bucket, WebsiteConfiguration: { IndexDocument: { Suffix: 'index.html' } } })))).toMatchObject({ code: 'NotImplemented', status: 501 });
    expect(await failure(s3.send(new PutBucketRequestPaymentCommand({ Bucket, RequestPaymentConfiguration: { Payer: 'Requester' } })))).toMatchObject({ code: 'NotImplemented', status: 501 });
  });

  it('a bucket without default encryption: GetBucketEncryption → 404 ServerSideEncryptionConfigurationNotFoundError; aws:kms cannot be set (501)', async () => {
    expect(await failure(s3.send(new GetBucketEncryptionCommand({ Bucket })))).toMatchObject({ code: 'ServerSideEncryptionConfigurationNotFoundError', status: 404 });
    expect(
      await failure(s3.send(new PutBucketEncryptionCommand({ Bucket, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }] } }))),
    ).toMatchObject({ code: 'NotImplemented', status: 501 });
  });

  it('the Puts of what skybridge already does are stored (accelerate Suspended, logging off, BucketOwner pays); the rest is 501', async () => {
    await s3.send(new PutBucketAccelerateConfigurationCommand({ Bucket, AccelerateConfiguration: { Status: 'Suspended' } }));
    expect((await s3.send(new GetBucketAccelerateConfigurationCommand({ Bucket }))).Status).toBe('Suspended');
    expect(await failure(s3.send(new PutBucketAccelerateConfigurationCommand({ Bucket, AccelerateConfiguration: { Status: 'Enabled' } })))).toMatchObject({ code: 'NotImplemented', status: 501 });
    await s3.send(new PutBucketLoggingCommand({ Bucket, BucketLoggingStatus: {} }));
    expect((await s3.send(new GetBucketLoggingCommand({ Bucket }))).LoggingEnabled).toBeUndefined();
    expect(await failure(s3.send(new PutBucketLoggingCommand({ Bucket, BucketLoggingStatus: { LoggingEnabled: { TargetBucket: Bucket, TargetPrefix: 'logs/' } } })))).toMatchObject({
      code: 'NotImplemented',
      status: 501,
    });
    await s3.send(new PutBucketRequestPaymentCommand({ Bucket, RequestPaymentConfiguration: { Payer: 'BucketOwner' } }));
    expect((await s3.send(new GetBucketRequestPaymentCommand({ Bucket }))).Payer).toBe('BucketOwner');
    expect(await failure(demo.send(new PutBucketAccelerateConfigurationCommand({ Bucket, AccelerateConfiguration: { Status: 'Suspended' } })))).toMatchObject({ code: 'AccessDenied', status: 403 });
    expect(await failure(demo.send(new PutBucketRequestPaymentCommand({ Bucket, RequestPaymentConfiguration: { Payer: 'BucketOwner' } })))).toMatchObject({ code: 'AccessDenied', status: 403 });
  });

  it('the compat matrix says so: Gets implemented with a note, Puts not implemented', () => {
    const row = (op: string) => s3Operations.find((r) => r.operation === op)!;
    for (const [name] of absent) expect(row(name)).toMatchObject({ implemented: true, note: expect.stringContaining('always 404') });
    for (const op of ['PutBucketWebsite', 'PutBucketReplication', 'PutBucketOwnershipControls', 'PutObjectLockConfiguration']) expect(row(op).implemented).toBe(false);
    for (const op of ['PutBucketCors', 'PutBucketPolicy', 'PutBucketLifecycleConfiguration', 'PutPublicAccessBlock', 'PutBucketLogging', 'PutBucketRequestPayment']) expect(row(op).implemented).toBe(true);
    for (const op of ['GetBucketEncryption', 'PutBucketEncryption', 'DeleteBucketEncryption']) expect(row(op).implemented).toBe(true);
  });
});
