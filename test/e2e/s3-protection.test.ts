// Requests for protections skybridge does not give (SSE-KMS, Object Lock, ownership, MFA delete) are refused with S3's error and write nothing; expected-owner checks are honoured.
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTECTION_RULES } from '../../compat/ec2-s3/s3/protection.js';
import { presignV4, rawS3, startS3Server, type S3TestServer, s3Failure as failure, s3ClientFor } from './s3-server.js';

let srv: S3TestServer;
let s3: S3Client;
const B = 'protect-bucket';
const customerKey = randomBytes(32).toString('base64');

const stored = async (key: string) => (await s3.send(new ListObjectsV2Command({ Bucket: B, Prefix: key }))).Contents?.some((c) => c.Key === key) ?? false;

beforeAll(async () => {
  srv = await startS3Server();
  s3 = s3ClientFor(srv, srv.admin);
  await s3.send(new CreateBucketCommand({ Bucket: B }));
  await s3.send(new PutObjectCommand({ Bucket: B, Key: 'plain', Body: 'plain bytes' }));
}, 60_000);

afterAll(async () => {
  s3?.destroy();
  await srv?.close();
});

describe('server-side encryption that cannot be given is refused, never stored in clear', () => {
  it('SSE-C with another algorithm → 400 InvalidEncryptionAlgorithmError', async () => {
    const f = await failure(s3.send(new PutObjectCommand({ Bucket: B, Key: 'ssec2', Body: 'x', SSECustomerAlgorithm: 'DES', SSECustomerKey: customerKey })));
    expect(f).toMatchObject({ code: 'InvalidEncryptionAlgorithmError', status: 400 });
    expect(await stored('ssec2')).toBe(false);
  });

  it('SSE-C on GET/HEAD of a plain object → 400 InvalidRequest, as S3 answers for an object not encrypted with a customer key', async () => {
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: B, Key: 'plain', SSECustomerAlgorithm: 'AES256', SSECustomerKey: customerKey })))).toMatchObject({ code: 'InvalidRequest', status: 400 });
    expect(await failure(s3.send(new HeadObjectCommand({ Bucket: B, Key: 'plain', SSECustomerAlgorithm: 'AES256', SSECustomerKey: customerKey })))).toMatchObject({ status: 400 });
  });

  it('an SSE-C copy source key for a plain source → 400 InvalidRequest; nothing copied', async () => {
    const src = { Bucket: B, Key: 'copy-ssec', CopySource: `${B}/plain` };
    expect(await failure(s3.send(new CopyObjectCommand({ ...src, CopySourceSSECustomerAlgorithm: 'AES256', CopySourceSSECustomerKey: customerKey })))).toMatchObject({ code: 'InvalidRequest' });
    expect(await stored('copy-ssec')).toBe(false);
  });

  it('x-amz-server-side-encryption aws:kms, aws:kms:dsse → 501 NotImplemented; nothing stored', async () => {
    for (const ServerSideEncryption of ['aws:kms', 'aws:kms:dsse'] as const) {
      expect(await failure(s3.send(new PutObjectCommand({ Bucket: B, Key: 'sse', Body: 'x', ServerSideEncryption }))), ServerSideEncryption).toMatchObject({ code: 'NotImplemented', status: 501 });
    }
    expect(await failure(s3.send(new PutObjectCommand({ Bucket: B, Key: 'sse', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'alias/mine', BucketKeyEnabled: true })))).toMatchObject({ code: 'NotImplemented' });
    expect(await stored('sse')).toBe(false);
  });

  it('a bogus x-amz-server-side-encryption → 400 InvalidArgument; a KMS key id without aws:kms → 400 InvalidArgument', async () => {
    const bogus = await rawS3(srv.url, { method: 'PUT', path: `/${B}/bogus`, access: srv.admin.access, secret: srv.admin.secret, body: 'x', headers: { 'x-amz-server-side-encryption': 'rot13' } });
    const text = await bogus.text();
    expect(bogus.status).toBe(400);
    expect(text).toContain('<Code>InvalidArgument</Code>');
    expect(text).toContain('<ArgumentName>x-amz-server-side-encryption</ArgumentName>');
    expect(await failure(s3.send(new PutObjectCommand({ Bucket: B, Key: 'bogus', Body: 'x', SSEKMSKeyId: 'alias/mine' })))).toMatchObject({ code: 'InvalidArgument', status: 400 });
    expect(await stored('bogus')).toBe(false);
  });

  it('SSE-KMS on CreateMultipartUpload is refused and leaves no upload; an SSE-C key on a part of a plain upload → 400 InvalidRequest', async () => {
    expect(await failure(s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'mpu', ServerSideEncryption: 'aws:kms' })))).toMatchObject({ code: 'NotImplemented' });
    expect((await s3.send(new ListMultipartUploadsCommand({ Bucket: B }))).Uploads ?? []).toEqual([]);
    const up = await s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'mpu' }));
    const part = s3.send(new UploadPartCommand({ Bucket: B, Key: 'mpu', UploadId: up.UploadId, PartNumber: 1, Body: 'p', SSECustomerAlgorithm: 'AES256', SSECustomerKey: customerKey }));
    expect(await failure(part)).toMatchObject({ code: 'InvalidRequest', status: 400 });
    const done = s3.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: 'mpu', UploadId: up.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"x"' }] } }));
    expect(await failure(done)).toMatchObject({ code: 'InvalidPart' });
  });

  it('SSE hoisted into a presigned URL is refused as the header would be', async () => {
    const url = await presignV4(srv.url, { method: 'PUT', path: `/${B}/presigned-sse`, access: srv.admin.access, secret: srv.admin.secret, expiresIn: 300, headers: { 'x-amz-server-side-encryption': 'aws:kms' } });
    const r = await fetch(url, { method: 'PUT', body: 'x' });
    expect(r.status).toBe(501);
    expect(await r.text()).toContain('<Code>NotImplemented</Code>');
    expect(await stored('presigned-sse')).toBe(false);
  });
});

describe('Object Lock, ownership and MFA delete', () => {
  it('CreateBucket with Object Lock enabled → 501 and no bucket; disabled is fine', async () => {
    expect(await failure(s3.send(new CreateBucketCommand({ Bucket: 'locked-bucket', ObjectLockEnabledForBucket: true })))).toMatchObject({ code: 'NotImplemented', status: 501 });
    expect(await failure(s3.send(new HeadBucketCommand({ Bucket: 'locked-bucket' })))).toMatchObject({ status: 404 });
    await s3.send(new CreateBucketCommand({ Bucket: 'unlocked-bucket', ObjectLockEnabledForBucket: false }));
  });

  it('x-amz-object-ownership: BucketOwnerPreferred accepted, BucketOwnerEnforced and ObjectWriter 501, others 400', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'owner-preferred', ObjectOwnership: 'BucketOwnerPreferred' }));
    for (const ObjectOwnership of ['BucketOwnerEnforced', 'ObjectWriter'] as const) {
      expect(await failure(s3.send(new CreateBucketCommand({ Bucket: 'owner-other', ObjectOwnership }))), ObjectOwnership).toMatchObject({ code: 'NotImplemented' });
    }
    expect(await failure(s3.send(new CreateBucketCommand({ Bucket: 'owner-other', ObjectOwnership: 'Nobody' as never })))).toMatchObject({ code: 'InvalidArgument', status: 400 });
    expect(await failure(s3.send(new HeadBucketCommand({ Bucket: 'owner-other' })))).toMatchObject({ status: 404 });
  });

  it('Object Lock retention or legal hold on PutObject, CopyObject, CreateMultipartUpload → 400 InvalidRequest (no bucket has Object Lock)', async () => {
    const until = new Date(Date.now() + 86400_000);
    const cases = [
      () => s3.send(new PutObjectCommand({ Bucket: B, Key: 'locked', Body: 'x', ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: until })),
      () => s3.send(new PutObjectCommand({ Bucket: B, Key: 'locked', Body: 'x', ObjectLockLegalHoldStatus: 'ON' })),
      () => s3.send(new CopyObjectCommand({ Bucket: B, Key: 'locked', CopySource: `${B}/plain`, ObjectLockMode: 'GOVERNANCE', ObjectLockRetainUntilDate: until })),
      () => s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'locked', ObjectLockLegalHoldStatus: 'ON' })),
    ];
    for (const c of cases) {
      const f = await failure(c());
      expect(f).toMatchObject({ code: 'InvalidRequest', status: 400 });
      expect(f.message).toBe('Bucket is missing Object Lock Configuration');
    }
    expect(await stored('locked')).toBe(false);
  });

  it('PutBucketVersioning with MFADelete Enabled → 501', async () => {
    const f = await failure(s3.send(new PutBucketVersioningCommand({ Bucket: B, VersioningConfiguration: { Status: 'Suspended', MFADelete: 'Enabled' }, MFA: 'serial 123456' })));
    expect(f).toMatchObject({ code: 'NotImplemented', status: 501 });
    await s3.send(new PutBucketVersioningCommand({ Bucket: B, VersioningConfiguration: { Status: 'Suspended', MFADelete: 'Disabled' } }));
  });
});

describe('expected bucket owners are honoured', () => {
  it('ExpectedBucketOwner: the owner project id passes, another id is 403 AccessDenied and nothing is written', async () => {
    const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: 'plain', ExpectedBucketOwner: srv.admin.projectId }));
    expect(await got.Body!.transformToString()).toBe('plain bytes');
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: B, Key: 'plain', ExpectedBucketOwner: srv.demo.projectId })))).toMatchObject({ code: 'AccessDenied', status: 403 });
    expect(await failure(s3.send(new PutObjectCommand({ Bucket: B, Key: 'wrong-owner', Body: 'x', ExpectedBucketOwner: srv.demo.projectId })))).toMatchObject({ code: 'AccessDenied' });
    expect(await stored('wrong-owner')).toBe(false);
  });

  it('ExpectedSourceBucketOwner on CopyObject is checked against the source bucket', async () => {
    await s3.send(new CopyObjectCommand({ Bucket: B, Key: 'copied', CopySource: `${B}/plain`, ExpectedSourceBucketOwner: srv.admin.projectId }));
    const f = await failure(s3.send(new CopyObjectCommand({ Bucket: B, Key: 'copied-wrong', CopySource: `${B}/plain`, ExpectedSourceBucketOwner: srv.demo.projectId })));
    expect(f).toMatchObject({ code: 'AccessDenied', status: 403 });
    expect(await stored('copied-wrong')).toBe(false);
  });
});

describe('the protection table', () => {
  it('every refused row can refuse, meaningless rows never do, and every row says why', () => {
    for (const r of PROTECTION_RULES) {
      expect(r.note.length, r.param).toBeGreaterThan(10);
      if (r.verdict === 'refused') expect(r.refuse, r.param).toBeDefined();
      if (r.verdict === 'meaningless') expect(r.refuse, r.param).toBeUndefined();
    }
  });
});
