// Bucket lifecycle as S3 suites drive it: ListBuckets pages and filters, DeleteBucket over abandoned multipart uploads, re-creating one's bucket in us-east-1.
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetBucketAclCommand,
  GetObjectCommand,
  ListBucketsCommand,
  ListMultipartUploadsCommand,
  PutBucketAclCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { eq } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobs } from '../../core/db/schema/jobs.js';
import { startS3Server, type S3TestServer, s3ErrorName as code, s3ClientFor } from './s3-server.js';

let srv: S3TestServer;
let s3: S3Client;
const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';

beforeAll(async () => {
  srv = await startS3Server({ SKYBRIDGE_REGION: 'us-east-1' });
  s3 = s3ClientFor(srv, srv.admin);
}, 60_000);

afterAll(async () => {
  s3?.destroy();
  await srv?.close();
});

/** The blob keys of every `blob.gc` job in the outbox. */
function gcKeys(): string[] {
  return srv.sys.db.db
    .select()
    .from(jobs)
    .where(eq(jobs.name, 'blob.gc'))
    .all()
    .flatMap((j) => (j.payload as { blobKeys: string[] }).blobKeys);
}

describe('ListBuckets', () => {
  const names = ['page-a', 'page-b', 'page-c', 'page-d', 'other-e'];
  beforeAll(async () => {
    for (const Bucket of names) await s3.send(new CreateBucketCommand({ Bucket }));
  });

  it('pages with max-buckets and continuation-token, echoing Prefix and ContinuationToken', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const r = await s3.send(new ListBucketsCommand({ MaxBuckets: 2, Prefix: 'page-', ContinuationToken: token }));
      expect(r.Prefix).toBe('page-');
      expect(r.Buckets!.length).toBeLessThanOrEqual(2);
      seen.push(...r.Buckets!.map((b) => b.Name!));
      token = r.ContinuationToken;
      pages++;
    } while (token);
    expect(seen).toEqual(['page-a', 'page-b', 'page-c', 'page-d']);
    expect(pages).toBe(2);
    const all = await s3.send(new ListBucketsCommand({}));
    expect(all.ContinuationToken).toBeUndefined();
    expect(all.Buckets?.map((b) => b.Name)).toEqual(expect.arrayContaining(names));
    expect(all.Owner).toEqual({ ID: srv.admin.projectId, DisplayName: 'admin' });
  });

  it('filters by bucket-region', async () => {
    const here = await s3.send(new ListBucketsCommand({ BucketRegion: 'us-east-1', Prefix: 'page-' }));
    expect(here.Buckets?.map((b) => [b.Name, b.BucketRegion])).toEqual(['page-a', 'page-b', 'page-c', 'page-d'].map((n) => [n, 'us-east-1']));
    const elsewhere = await s3.send(new ListBucketsCommand({ BucketRegion: 'eu-west-1' }));
    expect(elsewhere.Buckets ?? []).toEqual([]);
  });

  it('refuses a max-buckets out of 1..10000', async () => {
    expect(await code(s3.send(new ListBucketsCommand({ MaxBuckets: 0 })))).toBe('InvalidArgument');
    expect(await code(s3.send(new ListBucketsCommand({ MaxBuckets: 10001 })))).toBe('InvalidArgument');
  });
});

describe('DeleteBucket with multipart uploads in progress', () => {
  const MiB = 1024 * 1024;

  it('deletes the bucket after failed completions (missing part, wrong ETag, part too small, empty upload) and collects the parts’ blobs', async () => {
    const B = 'mpu-teardown';
    await s3.send(new CreateBucketCommand({ Bucket: B }));
    const start = async (Key: string) => (await s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key }))).UploadId!;
    const part = async (Key: string, UploadId: string, PartNumber: number, Body: Buffer) => (await s3.send(new UploadPartCommand({ Bucket: B, Key, UploadId, PartNumber, Body }))).ETag!;
    const complete = (Key: string, UploadId: string, Parts: Array<{ PartNumber: number; ETag: string }>) =>
      code(s3.send(new CompleteMultipartUploadCommand({ Bucket: B, Key, UploadId, MultipartUpload: { Parts } })));

    const missing = await start('missing');
    const e1 = await part('missing', missing, 1, randomBytes(5 * MiB));
    expect(await complete('missing', missing, [{ PartNumber: 1, ETag: e1 }, { PartNumber: 2, ETag: e1 }])).toBe('InvalidPart');
    const wrong = await start('wrong-etag');
    await part('wrong-etag', wrong, 1, randomBytes(100));
    expect(await complete('wrong-etag', wrong, [{ PartNumber: 1, ETag: '"00000000000000000000000000000000"' }])).toBe('InvalidPart');
    const small = await start('too-small');
    const s1 = await part('too-small', small, 1, randomBytes(100));
    const s2 = await part('too-small', small, 2, randomBytes(100));
    expect(await complete('too-small', small, [{ PartNumber: 1, ETag: s1 }, { PartNumber: 2, ETag: s2 }])).toBe('EntityTooSmall');
    const empty = await start('empty');
    expect(await complete('empty', empty, [])).toBe('MalformedXML');
    expect((await s3.send(new ListMultipartUploadsCommand({ Bucket: B }))).Uploads).toHaveLength(4);

    const before = new Set(gcKeys());
    await s3.send(new DeleteBucketCommand({ Bucket: B }));
    expect(await code(s3.send(new ListMultipartUploadsCommand({ Bucket: B })))).toBe('NoSuchBucket');
    expect((await s3.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name)).not.toContain(B);

    // The four uploaded parts are released to blob.gc through the outbox; running the due jobs deletes them.
    const released = gcKeys().filter((k) => !before.has(k));
    expect(released).toHaveLength(4);
    for (const k of released) expect(await srv.sys.blobs.stat(k)).toBeDefined();
    srv.sys.db.db.update(jobs).set({ runAt: 0 }).where(eq(jobs.name, 'blob.gc')).run();
    await srv.sys.queue.drain();
    for (const k of released) expect(await srv.sys.blobs.stat(k)).toBeUndefined();
  });

  it('still refuses a bucket holding objects with BucketNotEmpty', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'mpu-full' }));
    await s3.send(new PutObjectCommand({ Bucket: 'mpu-full', Key: 'k', Body: 'x' }));
    await s3.send(new CreateMultipartUploadCommand({ Bucket: 'mpu-full', Key: 'u' }));
    expect(await code(s3.send(new DeleteBucketCommand({ Bucket: 'mpu-full' })))).toBe('BucketNotEmpty');
    expect((await s3.send(new ListMultipartUploadsCommand({ Bucket: 'mpu-full' }))).Uploads).toHaveLength(1);
    await s3.send(new DeleteObjectCommand({ Bucket: 'mpu-full', Key: 'k' }));
    await s3.send(new DeleteBucketCommand({ Bucket: 'mpu-full' }));
  });
});

describe('re-creating one’s own bucket in us-east-1', () => {
  it('answers 200 and keeps its objects and its ACL', async () => {
    const B = 'recreate-keeps';
    await s3.send(new CreateBucketCommand({ Bucket: B, ACL: 'public-read' }));
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'kept.txt', Body: 'still here' }));
    await s3.send(new CreateBucketCommand({ Bucket: B }));
    expect(await (await s3.send(new GetObjectCommand({ Bucket: B, Key: 'kept.txt' }))).Body!.transformToString()).toBe('still here');
    const acl = await s3.send(new GetBucketAclCommand({ Bucket: B }));
    expect(acl.Grants?.filter((g) => g.Grantee?.URI === ALL_USERS).map((g) => g.Permission)).toEqual(['READ']);
    await s3.send(new PutBucketAclCommand({ Bucket: B, GrantRead: `id="${srv.demo.projectId}"` }));
    await s3.send(new CreateBucketCommand({ Bucket: B }));
    expect((await s3.send(new GetBucketAclCommand({ Bucket: B }))).Grants?.map((g) => [g.Grantee?.ID, g.Permission])).toEqual([[srv.demo.projectId, 'READ']]);
  });

  it('asking for another ACL on re-creation is BucketAlreadyExists, and changes nothing', async () => {
    const B = 'recreate-acl';
    await s3.send(new CreateBucketCommand({ Bucket: B }));
    expect(await code(s3.send(new CreateBucketCommand({ Bucket: B, ACL: 'public-read' })))).toBe('BucketAlreadyExists');
    expect((await s3.send(new GetBucketAclCommand({ Bucket: B }))).Grants?.some((g) => g.Grantee?.URI === ALL_USERS)).toBe(false);
    await s3.send(new CreateBucketCommand({ Bucket: B, ACL: 'private' }));
  });
});
