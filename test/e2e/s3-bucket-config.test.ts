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
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3Operations } from '../../compat/ec2-s3/s3/app.js';
import { startS3Server, type S3TestServer } from './s3-server.js';

let srv: S3TestServer;
let s3: S3Client;
let demo: S3Client;
const B = 'config-bucket';

async function failure(p: Promise<unknown>): Promise<{ code?: string; status?: number }> {
  try {
    await p;
    return {};
  } catch (e) {
    if (!(e instanceof S3ServiceException)) throw e;
    return { code: e.name, status: e.$metadata.httpStatusCode };
  }
}

const client = (k: { access: string; secret: string }) =>
  new S3Client({ endpoint: srv.url, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: k.access, secretAccessKey: k.secret } });

beforeAll(async () => {
  srv = await startS3Server();
  s3 = client(srv.admin);
  demo = client(srv.demo);
  await s3.send(new CreateBucketCommand({ Bucket: B }));
}, 60_000);

afterAll(async () => {
  s3?.destroy();
  demo?.destroy();
  await srv?.close();
});

const Bucket = B;
const absent = [
  ['GetBucketEncryption', () => new GetBucketEncryptionCommand({ Bucket }), 'ServerSideEncryptionConfigurationNotFoundError'],
  ['GetBucketWebsite', () => new GetBucketWebsiteCommand({ Bucket }), 'NoSuchWebsiteConfiguration'],
  ['GetBucketOwnershipControls', () => new GetBucketOwnershipControlsCommand({ Bucket }), 'OwnershipControlsNotFoundError'],
  ['GetObjectLockConfiguration', () => new GetObjectLockConfigurationCommand({ Bucket }), 'ObjectLockConfigurationNotFoundError'],
  ['GetBucketReplication', () => new GetBucketReplicationCommand({ Bucket }), 'ReplicationConfigurationNotFoundError'],
] as const;

describe('reads of configurations a bucket cannot have', () => {
  it.each(absent)('%s → 404 %s', async (_name, cmd, code) => {
    expect(await failure(s3.send(cmd() as never))).toEqual({ code, status: 404 });
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
    expect(await failure(s3.send(new GetBucketCorsCommand({ Bucket: 'no-such-bucket' })))).toEqual({ code: 'NoSuchBucket', status: 404 });
    expect(await failure(s3.send(new GetBucketLoggingCommand({ Bucket: 'no-such-bucket' })))).toEqual({ code: 'NoSuchBucket', status: 404 });
    expect(await failure(demo.send(new GetBucketPolicyCommand({ Bucket })))).toEqual({ code: 'AccessDenied', status: 403 });
    expect(await failure(demo.send(new GetBucketRequestPaymentCommand({ Bucket })))).toEqual({ code: 'AccessDenied', status: 403 });
  });

  it('CORS, policy, lifecycle and public access block of a fresh bucket answer their not-configured errors', async () => {
    expect(await failure(s3.send(new GetBucketCorsCommand({ Bucket })))).toEqual({ code: 'NoSuchCORSConfiguration', status: 404 });
    expect(await failure(s3.send(new GetBucketPolicyCommand({ Bucket })))).toEqual({ code: 'NoSuchBucketPolicy', status: 404 });
    expect(await failure(s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket })))).toEqual({ code: 'NoSuchLifecycleConfiguration', status: 404 });
    expect(await failure(s3.send(new GetPublicAccessBlockCommand({ Bucket })))).toEqual({ code: 'NoSuchPublicAccessBlockConfiguration', status: 404 });
  });

  it('the Puts of configurations nothing would honour answer 501 NotImplemented', async () => {
    expect(await failure(s3.send(new PutBucketWebsiteCommand({ Bucket, WebsiteConfiguration: { IndexDocument: { Suffix: 'index.html' } } })))).toEqual({ code: 'NotImplemented', status: 501 });
    expect(await failure(s3.send(new PutBucketRequestPaymentCommand({ Bucket, RequestPaymentConfiguration: { Payer: 'Requester' } })))).toEqual({ code: 'NotImplemented', status: 501 });
    expect(
      await failure(s3.send(new PutBucketEncryptionCommand({ Bucket, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } }))),
    ).toEqual({ code: 'NotImplemented', status: 501 });
  });

  it('the Puts of what skybridge already does are stored (accelerate Suspended, logging off, BucketOwner pays); the rest is 501', async () => {
    await s3.send(new PutBucketAccelerateConfigurationCommand({ Bucket, AccelerateConfiguration: { Status: 'Suspended' } }));
    expect((await s3.send(new GetBucketAccelerateConfigurationCommand({ Bucket }))).Status).toBe('Suspended');
    expect(await failure(s3.send(new PutBucketAccelerateConfigurationCommand({ Bucket, AccelerateConfiguration: { Status: 'Enabled' } })))).toEqual({ code: 'NotImplemented', status: 501 });
    await s3.send(new PutBucketLoggingCommand({ Bucket, BucketLoggingStatus: {} }));
    expect((await s3.send(new GetBucketLoggingCommand({ Bucket }))).LoggingEnabled).toBeUndefined();
    expect(await failure(s3.send(new PutBucketLoggingCommand({ Bucket, BucketLoggingStatus: { LoggingEnabled: { TargetBucket: Bucket, TargetPrefix: 'logs/' } } })))).toEqual({
      code: 'NotImplemented',
      status: 501,
    });
    await s3.send(new PutBucketRequestPaymentCommand({ Bucket, RequestPaymentConfiguration: { Payer: 'BucketOwner' } }));
    expect((await s3.send(new GetBucketRequestPaymentCommand({ Bucket }))).Payer).toBe('BucketOwner');
    expect(await failure(demo.send(new PutBucketAccelerateConfigurationCommand({ Bucket, AccelerateConfiguration: { Status: 'Suspended' } })))).toEqual({ code: 'AccessDenied', status: 403 });
    expect(await failure(demo.send(new PutBucketRequestPaymentCommand({ Bucket, RequestPaymentConfiguration: { Payer: 'BucketOwner' } })))).toEqual({ code: 'AccessDenied', status: 403 });
  });

  it('the compat matrix says so: Gets implemented with a note, Puts not implemented', () => {
    const row = (op: string) => s3Operations.find((r) => r.operation === op)!;
    for (const [name] of absent) expect(row(name)).toMatchObject({ implemented: true, note: expect.stringContaining('always 404') });
    for (const op of ['PutBucketEncryption', 'PutBucketWebsite', 'PutBucketReplication', 'PutBucketOwnershipControls', 'PutObjectLockConfiguration']) expect(row(op).implemented).toBe(false);
    for (const op of ['PutBucketCors', 'PutBucketPolicy', 'PutBucketLifecycleConfiguration', 'PutPublicAccessBlock', 'PutBucketLogging', 'PutBucketRequestPayment']) expect(row(op).implemented).toBe(true);
  });
});
