// S3 through the official JS SDK (2025 default checksums, lib-storage multipart) against an in-process skybridge over loopback.
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetBucketLocationCommand,
  GetObjectAclCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectVersionsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Server, type S3TestServer, s3ErrorName as code, s3ClientFor } from './s3-server.js';

let srv: S3TestServer;
let s3: S3Client;
const md5 = (b: Uint8Array | string) => createHash('md5').update(b).digest('hex');

beforeAll(async () => {
  srv = await startS3Server();
  s3 = s3ClientFor(srv, srv.admin);
  await s3.send(new CreateBucketCommand({ Bucket: 'sdk-bucket' }));
}, 60_000);

afterAll(async () => {
  s3?.destroy();
  await srv?.close();
});

describe('buckets', () => {
  it('creates, heads, lists, locates and deletes', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'tmp-bucket' }));
    // The region is RegionOne: re-creating one's own bucket is 409 there (200 only in us-east-1).
    expect(await code(s3.send(new CreateBucketCommand({ Bucket: 'tmp-bucket' })))).toBe('BucketAlreadyOwnedByYou');
    await s3.send(new HeadBucketCommand({ Bucket: 'tmp-bucket' }));
    const list = await s3.send(new ListBucketsCommand({}));
    expect(list.Buckets?.map((b) => b.Name)).toContain('tmp-bucket');
    expect(list.Owner?.ID).toBe(srv.admin.projectId);
    const loc = await s3.send(new GetBucketLocationCommand({ Bucket: 'tmp-bucket' }));
    expect(loc.LocationConstraint).toBe('RegionOne');
    await s3.send(new DeleteBucketCommand({ Bucket: 'tmp-bucket' }));
    expect(await code(s3.send(new HeadBucketCommand({ Bucket: 'tmp-bucket' })))).toBe('NotFound');
  });

  it('rejects bad names and refuses another project', async () => {
    expect(await code(s3.send(new CreateBucketCommand({ Bucket: 'Bad_Name' })))).toBe('InvalidBucketName');
    const demo = s3ClientFor(srv, srv.demo);
    expect(await code(demo.send(new CreateBucketCommand({ Bucket: 'sdk-bucket' })))).toBe('BucketAlreadyExists');
    expect(await code(demo.send(new ListObjectsV2Command({ Bucket: 'sdk-bucket' })))).toBe('AccessDenied');
    demo.destroy();
  });
});

describe('objects', () => {
  it('puts with the default CRC32 checksum and reads it back with checksum mode', async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket: 'sdk-bucket', Key: 'dir/hello.txt', Body: 'hello world', ContentType: 'text/plain', Metadata: { color: 'blue' } }));
    expect(put.ETag).toBe(`"${md5('hello world')}"`);
    expect(put.ChecksumCRC32).toBe('DUoRhQ==');
    const got = await s3.send(new GetObjectCommand({ Bucket: 'sdk-bucket', Key: 'dir/hello.txt', ChecksumMode: 'ENABLED' }));
    expect(await got.Body!.transformToString()).toBe('hello world');
    expect(got.Metadata).toEqual({ color: 'blue' });
    expect(got.ContentType).toBe('text/plain');
    expect(got.ChecksumCRC32).toBe('DUoRhQ==');
  });

  it('streams a body with STREAMING-UNSIGNED-PAYLOAD-TRAILER and a CRC32 trailer', async () => {
    const data = randomBytes(300_000);
    const put = await s3.send(new PutObjectCommand({ Bucket: 'sdk-bucket', Key: 'stream.bin', Body: Readable.from([data.subarray(0, 100_000), data.subarray(100_000)]), ContentLength: data.length }));
    expect(put.ETag).toBe(`"${md5(data)}"`);
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'sdk-bucket', Key: 'stream.bin' }));
    expect(head.ContentLength).toBe(data.length);
    expect(head.ContentEncoding).toBeUndefined();
  });

  it('serves ranges and conditionals', async () => {
    const r = await s3.send(new GetObjectCommand({ Bucket: 'sdk-bucket', Key: 'dir/hello.txt', Range: 'bytes=4-7' }));
    expect(await r.Body!.transformToString()).toBe('o wo');
    expect(r.ContentRange).toBe('bytes 4-7/11');
    expect(await code(s3.send(new GetObjectCommand({ Bucket: 'sdk-bucket', Key: 'dir/hello.txt', IfMatch: '"nope"' })))).toBe('PreconditionFailed');
    expect(await code(s3.send(new GetObjectCommand({ Bucket: 'sdk-bucket', Key: 'dir/hello.txt', Range: 'bytes=40-50' })))).toBe('InvalidRange');
    expect(await code(s3.send(new GetObjectCommand({ Bucket: 'sdk-bucket', Key: 'missing' })))).toBe('NoSuchKey');
  });

  it('lists v1, v2 with delimiter and versions', async () => {
    const v2 = await s3.send(new ListObjectsV2Command({ Bucket: 'sdk-bucket', Delimiter: '/' }));
    expect(v2.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['dir/']);
    expect(v2.Contents?.map((c) => c.Key)).toContain('stream.bin');
    const page = await s3.send(new ListObjectsV2Command({ Bucket: 'sdk-bucket', MaxKeys: 1 }));
    expect(page.IsTruncated).toBe(true);
    const next = await s3.send(new ListObjectsV2Command({ Bucket: 'sdk-bucket', MaxKeys: 1, ContinuationToken: page.NextContinuationToken }));
    expect(next.Contents?.[0]?.Key).not.toBe(page.Contents?.[0]?.Key);
    const v1 = await s3.send(new ListObjectsCommand({ Bucket: 'sdk-bucket', Prefix: 'dir/' }));
    expect(v1.Contents?.map((c) => c.Key)).toEqual(['dir/hello.txt']);
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: 'sdk-bucket', Prefix: 'dir/' }));
    expect(versions.Versions?.[0]).toMatchObject({ Key: 'dir/hello.txt', VersionId: 'null', IsLatest: true });
  });

  it('copies, tags, shows ACLs and deletes in bulk', async () => {
    const cp = await s3.send(new CopyObjectCommand({ Bucket: 'sdk-bucket', Key: 'copy.txt', CopySource: 'sdk-bucket/dir/hello.txt' }));
    expect(cp.CopyObjectResult?.ETag).toBe(`"${md5('hello world')}"`);
    await s3.send(new PutObjectTaggingCommand({ Bucket: 'sdk-bucket', Key: 'copy.txt', Tagging: { TagSet: [{ Key: 'a', Value: '1' }] } }));
    const tags = await s3.send(new GetObjectTaggingCommand({ Bucket: 'sdk-bucket', Key: 'copy.txt' }));
    expect(tags.TagSet).toEqual([{ Key: 'a', Value: '1' }]);
    const acl = await s3.send(new GetObjectAclCommand({ Bucket: 'sdk-bucket', Key: 'copy.txt' }));
    expect(acl.Owner?.ID).toBe(srv.admin.projectId);
    expect(acl.Grants?.[0]?.Permission).toBe('FULL_CONTROL');
    const del = await s3.send(new DeleteObjectsCommand({ Bucket: 'sdk-bucket', Delete: { Objects: [{ Key: 'copy.txt' }, { Key: 'never-there' }] } }));
    expect(del.Deleted?.map((d) => d.Key).sort()).toEqual(['copy.txt', 'never-there']);
    expect(await code(s3.send(new HeadObjectCommand({ Bucket: 'sdk-bucket', Key: 'copy.txt' })))).toBe('NotFound');
  });

  it('uploads > 5 MiB with lib-storage multipart and reports the multipart ETag', async () => {
    const data = randomBytes(11 * 1024 * 1024 + 123);
    const up = new Upload({ client: s3, params: { Bucket: 'sdk-bucket', Key: 'big.bin', Body: data }, partSize: 5 * 1024 * 1024, queueSize: 2 });
    const done = await up.done();
    const partMd5s = [0, 1, 2].map((i) => createHash('md5').update(data.subarray(i * 5 * 1024 * 1024, (i + 1) * 5 * 1024 * 1024)).digest());
    expect(done.ETag).toBe(`"${md5(Buffer.concat(partMd5s))}-3"`);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'sdk-bucket', Key: 'big.bin' }));
    expect(md5(Buffer.from(await got.Body!.transformToByteArray()))).toBe(md5(data));
    const part = await s3.send(new HeadObjectCommand({ Bucket: 'sdk-bucket', Key: 'big.bin', PartNumber: 2 }));
    expect(part.PartsCount).toBe(3);
    expect(part.ContentLength).toBe(5 * 1024 * 1024);
  }, 60_000);
});
