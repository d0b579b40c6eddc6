// S3 request parameters that ask for something this server does not do are refused and write nothing; conditional writes (If-None-Match: *, If-Match, x-amz-mp-object-size) hold, races included.
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketTaggingCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawS3, signV4, startS3Server, type S3TestServer, s3Failure as failure, s3ClientFor } from './s3-server.js';

let srv: S3TestServer;
let s3: S3Client;
const B = 'params-bucket';

const stored = async (key: string) => (await s3.send(new ListObjectsV2Command({ Bucket: B, Prefix: key }))).Contents?.some((c) => c.Key === key) ?? false;
const read = async (key: string) => (await s3.send(new GetObjectCommand({ Bucket: B, Key: key }))).Body!.transformToString();

beforeAll(async () => {
  srv = await startS3Server();
  s3 = s3ClientFor(srv, srv.admin);
  await s3.send(new CreateBucketCommand({ Bucket: B, ACL: 'public-read' }));
  await s3.send(new PutObjectCommand({ Bucket: B, Key: 'plain', Body: 'plain bytes' }));
}, 60_000);

afterAll(async () => {
  s3?.destroy();
  await srv?.close();
});

describe('parameters asking for what is not offered are refused, nothing written', () => {
  it('x-amz-storage-class: STANDARD is stored; GLACIER and unknown classes → 400 InvalidStorageClass', async () => {
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'standard', Body: 'x', StorageClass: 'STANDARD' }));
    expect(await stored('standard')).toBe(true);
    for (const StorageClass of ['GLACIER', 'DEEP_ARCHIVE', 'NOT_A_CLASS'] as const) {
      expect(await failure(s3.send(new PutObjectCommand({ Bucket: B, Key: 'cold', Body: 'x', StorageClass: StorageClass as 'GLACIER' }))), StorageClass).toMatchObject({ code: 'InvalidStorageClass', status: 400 });
    }
    expect(await failure(s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'cold', StorageClass: 'STANDARD_IA' })))).toMatchObject({ code: 'InvalidStorageClass' });
    expect(await failure(s3.send(new CopyObjectCommand({ Bucket: B, Key: 'cold', CopySource: `${B}/plain`, StorageClass: 'GLACIER' })))).toMatchObject({ code: 'InvalidStorageClass' });
    expect(await stored('cold')).toBe(false);
  });

  it('x-amz-website-redirect-location → 501 NotImplemented (no website endpoint would serve it)', async () => {
    expect(await failure(s3.send(new PutObjectCommand({ Bucket: B, Key: 'redirect', Body: 'x', WebsiteRedirectLocation: '/elsewhere' })))).toMatchObject({ code: 'NotImplemented', status: 501 });
    expect(await stored('redirect')).toBe(false);
  });

  it('x-amz-write-offset-bytes (append) → 501, the object is not replaced', async () => {
    expect(await failure(s3.send(new PutObjectCommand({ Bucket: B, Key: 'plain', Body: 'appended', WriteOffsetBytes: 11 })))).toMatchObject({ code: 'NotImplemented', status: 501 });
    expect(await read('plain')).toBe('plain bytes');
  });

  it('DeleteObject conditions by size / last-modified time → 501, the object is kept', async () => {
    expect(await failure(s3.send(new DeleteObjectCommand({ Bucket: B, Key: 'plain', IfMatchSize: 999 })))).toMatchObject({ code: 'NotImplemented' });
    expect(await failure(s3.send(new DeleteObjectCommand({ Bucket: B, Key: 'plain', IfMatchLastModifiedTime: new Date(0) })))).toMatchObject({ code: 'NotImplemented' });
    expect(await read('plain')).toBe('plain bytes');
  });

  it('a versionId is answered by object versioning: a missing version → 404 NoSuchVersion on GET, a no-op on DELETE and in DeleteObjects; a malformed one → 400 InvalidArgument; the current object kept', async () => {
    const missing = '0123456789abcdef0123456789abcdef';
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: B, Key: 'plain', VersionId: missing })))).toMatchObject({ code: 'NoSuchVersion', status: 404 });
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: B, Key: 'plain', VersionId: '3HL4kqtJlcpXroDTDmJ' })))).toMatchObject({ code: 'InvalidArgument', status: 400 });
    await s3.send(new DeleteObjectCommand({ Bucket: B, Key: 'plain', VersionId: missing }));
    const r = await s3.send(new DeleteObjectsCommand({ Bucket: B, Delete: { Objects: [{ Key: 'plain', VersionId: missing }, { Key: 'plain', VersionId: '3HL4kqtJlcpXroDTDmJ' }] } }));
    expect(r.Deleted).toEqual([expect.objectContaining({ Key: 'plain', VersionId: missing })]);
    expect(r.Errors).toEqual([expect.objectContaining({ Key: 'plain', Code: 'InvalidArgument', VersionId: '3HL4kqtJlcpXroDTDmJ' })]);
    expect(await read('plain')).toBe('plain bytes');
    expect(await (await s3.send(new GetObjectCommand({ Bucket: B, Key: 'plain', VersionId: 'null' }))).Body!.transformToString()).toBe('plain bytes');
  });

  it('DeleteObjects keeps both an entry\'s ETag condition and its VersionId', async () => {
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'etag-null', Body: 'x' }));
    const r = await s3.send(new DeleteObjectsCommand({ Bucket: B, Delete: { Objects: [{ Key: 'etag-null', VersionId: 'null', ETag: '"00000000000000000000000000000000"' }] } }));
    expect(r.Errors).toEqual([expect.objectContaining({ Key: 'etag-null', Code: 'PreconditionFailed', VersionId: 'null' })]);
    expect(await read('etag-null')).toBe('x');
    const ok = await s3.send(new DeleteObjectsCommand({ Bucket: B, Delete: { Objects: [{ Key: 'etag-null', VersionId: 'null', ETag: '"9dd4e461268c8034f5c8564e155c67a6"' }] } }));
    expect(ok.Deleted).toEqual([expect.objectContaining({ Key: 'etag-null', VersionId: 'null' })]);
    expect(await stored('etag-null')).toBe(false);
  });

  it('CopyObject asking for a checksum the source does not carry → 501, nothing copied', async () => {
    expect(await failure(s3.send(new CopyObjectCommand({ Bucket: B, Key: 'copy-ck', CopySource: `${B}/plain`, ChecksumAlgorithm: 'SHA256' })))).toMatchObject({ code: 'NotImplemented' });
    expect(await stored('copy-ck')).toBe(false);
  });

  it('a checksum this server does not compute (x-amz-checksum-sha512) → 501, nothing stored', async () => {
    const res = await rawS3(srv.url, {
      method: 'PUT',
      path: `/${B}/sha512`,
      body: 'x',
      headers: { 'x-amz-checksum-sha512': Buffer.alloc(64).toString('base64') },
      access: srv.admin.access,
      secret: srv.admin.secret,
    });
    expect(res.status).toBe(501);
    expect(await res.text()).toContain('<Code>NotImplemented</Code>');
    expect(await stored('sha512')).toBe(false);
  });

  it('anonymous GET with response-* overrides → 400 InvalidRequest, as S3; signed ones are honoured', async () => {
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'public', Body: 'x', ACL: 'public-read' }));
    expect((await fetch(`${srv.url}/${B}/public`)).status).toBe(200);
    const res = await fetch(`${srv.url}/${B}/public?response-content-type=text/html`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('<Code>InvalidRequest</Code>');
    const signed = await s3.send(new GetObjectCommand({ Bucket: B, Key: 'public', ResponseContentType: 'text/html' }));
    expect(signed.ContentType).toBe('text/html');
  });

  it('CreateBucket Tags are the new bucket\'s tags', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'tagged-bucket', CreateBucketConfiguration: { Tags: [{ Key: 'team', Value: 'storage' }] } }));
    const t = await s3.send(new GetBucketTaggingCommand({ Bucket: 'tagged-bucket' }));
    expect(t.TagSet).toEqual([{ Key: 'team', Value: 'storage' }]);
  });

  it('CompleteMultipartUpload with a part checksum this server does not compute → 501, the upload stays open', async () => {
    const up = await s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'mpu-sha512' }));
    const part = await s3.send(new UploadPartCommand({ Bucket: B, Key: 'mpu-sha512', UploadId: up.UploadId, PartNumber: 1, Body: 'x' }));
    const parts = [{ PartNumber: 1, ETag: part.ETag, ChecksumSHA512: Buffer.alloc(64).toString('base64') }];
    expect(await failure(s3.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: 'mpu-sha512', UploadId: up.UploadId, MultipartUpload: { Parts: parts } })))).toMatchObject({ code: 'NotImplemented' });
    expect(await stored('mpu-sha512')).toBe(false);
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: 'mpu-sha512', UploadId: up.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
  });

  it('CreateBucket for a directory bucket (Location/Bucket configuration) → 501', async () => {
    const f = await failure(
      s3.send(new CreateBucketCommand({ Bucket: 'dir-bucket', CreateBucketConfiguration: { Location: { Type: 'AvailabilityZone', Name: 'use1-az4' }, Bucket: { Type: 'Directory', DataRedundancy: 'SingleAvailabilityZone' } } })),
    );
    expect(f).toMatchObject({ code: 'NotImplemented' });
  });
});

describe('conditional writes', () => {
  it('DeleteObjects: an object ETag deletes only over that ETag; LastModifiedTime / Size conditions → 501 and nothing deleted', async () => {
    const a = await s3.send(new PutObjectCommand({ Bucket: B, Key: 'bulk-a', Body: 'a' }));
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'bulk-b', Body: 'b' }));
    const r = await s3.send(
      new DeleteObjectsCommand({
        Bucket: B,
        Delete: { Objects: [{ Key: 'bulk-a', ETag: a.ETag }, { Key: 'bulk-b', ETag: '"0123456789abcdef0123456789abcdef"' }, { Key: 'bulk-missing', ETag: a.ETag }] },
      }),
    );
    expect(r.Deleted?.map((d) => d.Key)).toEqual(['bulk-a']);
    expect(r.Errors?.map((e) => [e.Key, e.Code])).toEqual([
      ['bulk-b', 'PreconditionFailed'],
      ['bulk-missing', 'NoSuchKey'],
    ]);
    expect(await stored('bulk-b')).toBe(true);
    expect(await failure(s3.send(new DeleteObjectsCommand({ Bucket: B, Delete: { Objects: [{ Key: 'bulk-b', Size: 1 }] } })))).toMatchObject({ code: 'NotImplemented' });
    expect(await failure(s3.send(new DeleteObjectsCommand({ Bucket: B, Delete: { Objects: [{ Key: 'bulk-b', LastModifiedTime: new Date() }] } })))).toMatchObject({ code: 'NotImplemented' });
    expect(await stored('bulk-b')).toBe(true);
  });

  it('If-None-Match: * creates only: the second PUT is 412 and the first content stays', async () => {
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'once', Body: 'first', IfNoneMatch: '*' }));
    expect(await failure(s3.send(new PutObjectCommand({ Bucket: B, Key: 'once', Body: 'second', IfNoneMatch: '*' })))).toMatchObject({ code: 'PreconditionFailed', status: 412 });
    expect(await read('once')).toBe('first');
    expect(await failure(s3.send(new PutObjectCommand({ Bucket: B, Key: 'once', Body: 'third', IfNoneMatch: '"abc"' })))).toMatchObject({ code: 'NotImplemented' });
    expect(await read('once')).toBe('first');
  });

  it('If-Match writes only over that ETag', async () => {
    const first = await s3.send(new PutObjectCommand({ Bucket: B, Key: 'cas', Body: 'v1' }));
    expect(await failure(s3.send(new PutObjectCommand({ Bucket: B, Key: 'cas', Body: 'v2', IfMatch: '"0123456789abcdef0123456789abcdef"' })))).toMatchObject({ code: 'PreconditionFailed' });
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'cas', Body: 'v2', IfMatch: first.ETag }));
    expect(await read('cas')).toBe('v2');
    expect(await failure(s3.send(new PutObjectCommand({ Bucket: B, Key: 'absent-cas', Body: 'v1', IfMatch: first.ETag })))).toMatchObject({ code: 'NoSuchKey', status: 404 });
  });

  it('If-None-Match: * racing another write: the one that commits second gets 409 ConditionalRequestConflict and writes nothing', async () => {
    const { url, init } = await signV4(srv.url, {
      method: 'PUT',
      path: `/${B}/race`,
      payloadHash: 'UNSIGNED-PAYLOAD',
      headers: { 'if-none-match': '*', 'content-length': '4', expect: '100-continue' },
      access: srv.admin.access,
      secret: srv.admin.secret,
    });
    // The server answers 100 Continue once the request (and its precondition) is accepted and it starts reading the body.
    const slow = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(url, { method: 'PUT', headers: init.headers }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.on('continue', () => {
        void s3.send(new PutObjectCommand({ Bucket: B, Key: 'race', Body: 'fast', IfNoneMatch: '*' })).then(
          () => req.end('slow'),
          (e: unknown) => reject(e as Error),
        );
      });
    });
    const r = await slow;
    expect(r.status).toBe(409);
    expect(r.body).toContain('<Code>ConditionalRequestConflict</Code>');
    expect(await read('race')).toBe('fast');
  });

  it('CompleteMultipartUpload: If-None-Match other than * → 501; x-amz-mp-object-size must match, else 400 and the upload stays open', async () => {
    const up = await s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'mpu' }));
    const part = await s3.send(new UploadPartCommand({ Bucket: B, Key: 'mpu', UploadId: up.UploadId, PartNumber: 1, Body: 'five!' }));
    const base = { Bucket: B, Key: 'mpu', UploadId: up.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } };
    expect(await failure(s3.send(new CompleteMultipartUploadCommand({ ...base, IfNoneMatch: '"abc"' })))).toMatchObject({ code: 'NotImplemented' });
    expect(await failure(s3.send(new CompleteMultipartUploadCommand({ ...base, MpuObjectSize: 6 })))).toMatchObject({ code: 'InvalidRequest', status: 400 });
    expect(await stored('mpu')).toBe(false);
    await s3.send(new CompleteMultipartUploadCommand({ ...base, MpuObjectSize: 5, IfNoneMatch: '*' }));
    expect(await read('mpu')).toBe('five!');
  });
});
