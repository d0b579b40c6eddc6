// S3 bucket versioning end to end with @aws-sdk/client-s3: versions, delete markers, version-addressed reads and deletes, listings, copies, multipart, teardown.
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  DeleteObjectTaggingCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetObjectAclCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectAclCommand,
  PutObjectTaggingCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
  UploadPartCopyCommand,
  type ListObjectVersionsCommandOutput,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawS3, startS3Server, type S3TestServer, s3ClientFor } from './s3-server.js';

let srv: S3TestServer;
let s3: S3Client;

async function failure(p: Promise<unknown>): Promise<{ code?: string; status?: number; headers: Record<string, string> }> {
  try {
    await p;
    return { headers: {} };
  } catch (e) {
    if (!(e instanceof S3ServiceException)) throw e;
    const raw = (e as { $response?: { headers?: Record<string, string> } }).$response;
    return { code: e.name, status: e.$metadata.httpStatusCode, headers: raw?.headers ?? {} };
  }
}

const text = async (p: Promise<{ Body?: { transformToString(): Promise<string> } }>) => (await (await p).Body!.transformToString());

async function newBucket(name: string, status?: 'Enabled' | 'Suspended') {
  await s3.send(new CreateBucketCommand({ Bucket: name }));
  if (status) await s3.send(new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: status } }));
}

async function put(bucket: string, key: string, body: string): Promise<string | undefined> {
  return (await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }))).VersionId;
}

/** Blobs some object row or part still references (the rest go to `blob.gc`). */
function referencedBlobs(): number {
  return srv.sys.db.sqlite.prepare('SELECT count(*) FROM obj_blob_refs WHERE refs > 0').pluck().get() as number;
}

beforeAll(async () => {
  srv = await startS3Server();
  s3 = s3ClientFor(srv, srv.admin);
}, 60_000);

afterAll(async () => {
  s3?.destroy();
  await srv?.close();
});

describe('S3 versioning', () => {
  it('GetBucketVersioning is empty until enabled; Suspended on a never-versioned bucket keeps it empty', async () => {
    await newBucket('ver-config');
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: 'ver-config' }))).Status).toBeUndefined();
    await s3.send(new PutBucketVersioningCommand({ Bucket: 'ver-config', VersioningConfiguration: { Status: 'Suspended' } }));
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: 'ver-config' }))).Status).toBeUndefined();
    expect((await s3.send(new PutObjectCommand({ Bucket: 'ver-config', Key: 'k', Body: 'x' }))).VersionId).toBeUndefined();
    await s3.send(new PutBucketVersioningCommand({ Bucket: 'ver-config', VersioningConfiguration: { Status: 'Enabled' } }));
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: 'ver-config' }))).Status).toBe('Enabled');
    await s3.send(new PutBucketVersioningCommand({ Bucket: 'ver-config', VersioningConfiguration: { Status: 'Suspended' } }));
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: 'ver-config' }))).Status).toBe('Suspended');
  });

  it('keeps every version, reads each by id, and hides a key behind a delete marker', async () => {
    const B = 'ver-basic';
    await newBucket(B, 'Enabled');
    const v1 = await put(B, 'doc', 'one');
    const v2 = await put(B, 'doc', 'two');
    expect(v1).toMatch(/^[0-9a-f]{32}$/);
    expect(v2).toMatch(/^[0-9a-f]{32}$/);
    expect(v2).not.toBe(v1);
    expect(await text(s3.send(new GetObjectCommand({ Bucket: B, Key: 'doc' })))).toBe('two');
    expect(await text(s3.send(new GetObjectCommand({ Bucket: B, Key: 'doc', VersionId: v1 })))).toBe('one');
    const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: 'doc', VersionId: v1 }));
    expect(head.VersionId).toBe(v1);
    expect(head.ContentLength).toBe(3);
    expect((await s3.send(new GetObjectCommand({ Bucket: B, Key: 'doc' }))).VersionId).toBe(v2);

    const del = await s3.send(new DeleteObjectCommand({ Bucket: B, Key: 'doc' }));
    expect(del.DeleteMarker).toBe(true);
    const marker = del.VersionId!;
    expect(marker).toMatch(/^[0-9a-f]{32}$/);

    const get = await failure(s3.send(new GetObjectCommand({ Bucket: B, Key: 'doc' })));
    expect(get).toMatchObject({ code: 'NoSuchKey', status: 404 });
    expect(get.headers['x-amz-delete-marker']).toBe('true');
    expect(get.headers['x-amz-version-id']).toBe(marker);
    const headGone = await failure(s3.send(new HeadObjectCommand({ Bucket: B, Key: 'doc' })));
    expect(headGone.status).toBe(404);
    expect(headGone.headers['x-amz-delete-marker']).toBe('true');
    const byMarker = await failure(s3.send(new GetObjectCommand({ Bucket: B, Key: 'doc', VersionId: marker })));
    expect(byMarker).toMatchObject({ code: 'MethodNotAllowed', status: 405 });
    expect(byMarker.headers['x-amz-delete-marker']).toBe('true');
    expect((await failure(s3.send(new HeadObjectCommand({ Bucket: B, Key: 'doc', VersionId: marker })))).status).toBe(405);

    expect((await s3.send(new ListObjectsV2Command({ Bucket: B }))).Contents ?? []).toEqual([]);
    const lv = await s3.send(new ListObjectVersionsCommand({ Bucket: B }));
    expect(lv.Versions!.map((v) => [v.VersionId, v.IsLatest, v.Size])).toEqual([
      [v2, false, 3],
      [v1, false, 3],
    ]);
    expect(lv.DeleteMarkers!.map((m) => [m.Key, m.VersionId, m.IsLatest])).toEqual([['doc', marker, true]]);

    // Removing the delete marker brings v2 back; removing v2 for good makes v1 current.
    const undo = await s3.send(new DeleteObjectCommand({ Bucket: B, Key: 'doc', VersionId: marker }));
    expect(undo.DeleteMarker).toBe(true);
    expect(undo.VersionId).toBe(marker);
    expect(await text(s3.send(new GetObjectCommand({ Bucket: B, Key: 'doc' })))).toBe('two');
    const gone = await s3.send(new DeleteObjectCommand({ Bucket: B, Key: 'doc', VersionId: v2 }));
    expect(gone.VersionId).toBe(v2);
    expect(gone.DeleteMarker).toBeUndefined();
    expect(await text(s3.send(new GetObjectCommand({ Bucket: B, Key: 'doc' })))).toBe('one');
    expect((await s3.send(new ListObjectsV2Command({ Bucket: B }))).Contents!.map((o) => [o.Key, o.Size])).toEqual([['doc', 3]]);
  });

  it('answers a malformed version id with InvalidArgument and an unknown one with NoSuchVersion (DELETE: success)', async () => {
    const B = 'ver-errors';
    await newBucket(B, 'Enabled');
    await put(B, 'k', 'x');
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: B, Key: 'k', VersionId: 'not-a-version' })))).toMatchObject({ code: 'InvalidArgument', status: 400 });
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: B, Key: 'k', VersionId: '0'.repeat(32) })))).toMatchObject({ code: 'NoSuchVersion', status: 404 });
    expect(await failure(s3.send(new DeleteObjectCommand({ Bucket: B, Key: 'k', VersionId: 'nope' })))).toMatchObject({ code: 'InvalidArgument', status: 400 });
    const d = await s3.send(new DeleteObjectCommand({ Bucket: B, Key: 'k', VersionId: 'f'.repeat(32) }));
    expect(d.VersionId).toBe('f'.repeat(32));
    expect(await text(s3.send(new GetObjectCommand({ Bucket: B, Key: 'k' })))).toBe('x');
  });

  it('keeps old versions\u2019 blobs and releases a blob when its version is deleted for good', async () => {
    const B = 'ver-blobs';
    await newBucket(B, 'Enabled');
    const before = referencedBlobs();
    const v1 = await put(B, 'k', 'first');
    await put(B, 'k', 'second');
    expect(referencedBlobs()).toBe(before + 2);
    await s3.send(new DeleteObjectCommand({ Bucket: B, Key: 'k' }));
    expect(referencedBlobs()).toBe(before + 2);
    await s3.send(new DeleteObjectCommand({ Bucket: B, Key: 'k', VersionId: v1 }));
    expect(referencedBlobs()).toBe(before + 1);
  });

  it('Suspended writes the null version, replacing the previous null version', async () => {
    const B = 'ver-suspend';
    await newBucket(B);
    await put(B, 'k', 'unversioned');
    await s3.send(new PutBucketVersioningCommand({ Bucket: B, VersioningConfiguration: { Status: 'Enabled' } }));
    const v1 = await put(B, 'k', 'enabled');
    await s3.send(new PutBucketVersioningCommand({ Bucket: B, VersioningConfiguration: { Status: 'Suspended' } }));
    expect(await put(B, 'k', 'suspended-1')).toBe('null');
    expect(await put(B, 'k', 'suspended-2')).toBe('null');
    const lv = await s3.send(new ListObjectVersionsCommand({ Bucket: B }));
    expect(lv.Versions!.map((v) => [v.VersionId, v.IsLatest])).toEqual([
      ['null', true],
      [v1, false],
    ]);
    expect(await text(s3.send(new GetObjectCommand({ Bucket: B, Key: 'k', VersionId: 'null' })))).toBe('suspended-2');
    // A suspended DELETE replaces the null version with a null delete marker.
    const d = await s3.send(new DeleteObjectCommand({ Bucket: B, Key: 'k' }));
    expect(d).toMatchObject({ DeleteMarker: true, VersionId: 'null' });
    const after = await s3.send(new ListObjectVersionsCommand({ Bucket: B }));
    expect(after.Versions!.map((v) => v.VersionId)).toEqual([v1]);
    expect(after.DeleteMarkers!.map((m) => [m.VersionId, m.IsLatest])).toEqual([['null', true]]);
  });

  it('pages ListObjectVersions by key-marker / version-id-marker, rolls up prefixes, url-encodes keys', async () => {
    const B = 'ver-paging';
    await newBucket(B, 'Enabled');
    const ids: Array<[string, string]> = [];
    for (const k of ['a', 'b', 'c']) for (let i = 0; i < 3; i++) ids.push([k, (await put(B, k, `${k}${i}`))!]);
    await put(B, 'dir/x', '1');
    await put(B, 'dir/y', '2');
    await put(B, 'sp ace', 's');
    const expected = ['a', 'b', 'c'].flatMap((k) => ids.filter(([n]) => n === k).reverse().map(([n, v]) => `${n}:${v}`));
    const seen: string[] = [];
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    for (let pages = 0; pages < 20; pages++) {
      const r: ListObjectVersionsCommandOutput = await s3.send(new ListObjectVersionsCommand({ Bucket: B, MaxKeys: 2, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker, Delimiter: '/' }));
      for (const v of r.Versions ?? []) seen.push(`${v.Key}:${v.VersionId}`);
      for (const p of r.CommonPrefixes ?? []) seen.push(`prefix:${p.Prefix}`);
      if (!r.IsTruncated) break;
      keyMarker = r.NextKeyMarker;
      versionIdMarker = r.NextVersionIdMarker;
    }
    expect(seen.filter((s) => !s.startsWith('prefix:') && !s.startsWith('sp ace'))).toEqual(expected);
    expect(seen.filter((s) => s.startsWith('prefix:'))).toEqual(['prefix:dir/']);
    const latest = await s3.send(new ListObjectVersionsCommand({ Bucket: B, Prefix: 'a' }));
    expect(latest.Versions!.map((v) => v.IsLatest)).toEqual([true, false, false]);
    const enc = await rawS3(srv.url, { method: 'GET', path: `/${B}`, query: { versions: '', 'encoding-type': 'url', prefix: 'sp' }, access: srv.admin.access, secret: srv.admin.secret });
    expect(enc.status).toBe(200);
    expect(await enc.text()).toContain('<Key>sp%20ace</Key>');
    expect(await failure(s3.send(new ListObjectVersionsCommand({ Bucket: B, VersionIdMarker: ids[0]![1] })))).toMatchObject({ code: 'InvalidArgument', status: 400 });
  });

  it('DeleteObjects removes versions by id and reports the delete markers it makes', async () => {
    const B = 'ver-multi';
    await newBucket(B, 'Enabled');
    const a1 = await put(B, 'a', '1');
    await put(B, 'a', '2');
    await put(B, 'b', '1');
    const r = await s3.send(new DeleteObjectsCommand({ Bucket: B, Delete: { Objects: [{ Key: 'a', VersionId: a1 }, { Key: 'b' }] } }));
    const byKey = Object.fromEntries((r.Deleted ?? []).map((d) => [d.Key, d]));
    expect(byKey.a).toMatchObject({ Key: 'a', VersionId: a1 });
    expect(byKey.a!.DeleteMarker).toBeUndefined();
    expect(byKey.b!.DeleteMarker).toBe(true);
    expect(byKey.b!.DeleteMarkerVersionId).toMatch(/^[0-9a-f]{32}$/);
    const marker = byKey.b!.DeleteMarkerVersionId!;
    const r2 = await s3.send(new DeleteObjectsCommand({ Bucket: B, Delete: { Objects: [{ Key: 'b', VersionId: marker }] } }));
    expect(r2.Deleted![0]).toMatchObject({ Key: 'b', VersionId: marker, DeleteMarker: true, DeleteMarkerVersionId: marker });
    expect(await text(s3.send(new GetObjectCommand({ Bucket: B, Key: 'b' })))).toBe('1');
    const lv = await s3.send(new ListObjectVersionsCommand({ Bucket: B, Prefix: 'a' }));
    expect(lv.Versions!.length).toBe(1);
  });

  it('CopyObject copies a given source version and reports both version ids; multipart completion makes a version', async () => {
    const B = 'ver-copy';
    await newBucket(B, 'Enabled');
    const v1 = await put(B, 'src', 'old');
    await put(B, 'src', 'new');
    const c = await s3.send(new CopyObjectCommand({ Bucket: B, Key: 'dst', CopySource: `${B}/src?versionId=${v1}` }));
    expect(c.CopySourceVersionId).toBe(v1);
    expect(c.VersionId).toMatch(/^[0-9a-f]{32}$/);
    expect(await text(s3.send(new GetObjectCommand({ Bucket: B, Key: 'dst' })))).toBe('old');
    const marker = (await s3.send(new DeleteObjectCommand({ Bucket: B, Key: 'src' }))).VersionId;
    expect(await failure(s3.send(new CopyObjectCommand({ Bucket: B, Key: 'dst2', CopySource: `${B}/src` })))).toMatchObject({ code: 'NoSuchKey', status: 404 });
    expect(await failure(s3.send(new CopyObjectCommand({ Bucket: B, Key: 'dst2', CopySource: `${B}/src?versionId=${marker}` })))).toMatchObject({ code: 'InvalidRequest', status: 400 });

    const up = await s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'dst' }));
    const part = await s3.send(new UploadPartCommand({ Bucket: B, Key: 'dst', UploadId: up.UploadId, PartNumber: 1, Body: 'multi' }));
    const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: 'dst', UploadId: up.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
    expect(done.VersionId).toMatch(/^[0-9a-f]{32}$/);
    // Once overwritten, a repeated Complete still answers with the version it made.
    await put(B, 'dst', 'newer');
    const again = await s3.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: 'dst', UploadId: up.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
    expect(again.VersionId).toBe(done.VersionId);
    await s3.send(new DeleteObjectCommand({ Bucket: B, Key: 'dst', VersionId: (await s3.send(new HeadObjectCommand({ Bucket: B, Key: 'dst' }))).VersionId }));
    const lv = await s3.send(new ListObjectVersionsCommand({ Bucket: B, Prefix: 'dst' }));
    expect(lv.Versions!.map((v) => [v.VersionId, v.IsLatest])).toEqual([
      [done.VersionId, true],
      [c.VersionId, false],
    ]);
  });

  it('UploadPartCopy copies a given source version; tagging and ACLs read and write one version', async () => {
    const B = 'ver-part-tags';
    await newBucket(B, 'Enabled');
    const v1 = await put(B, 'src', 'first');
    const v2 = await put(B, 'src', 'second');
    const up = await s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'assembled' }));
    const part = await s3.send(new UploadPartCopyCommand({ Bucket: B, Key: 'assembled', UploadId: up.UploadId, PartNumber: 1, CopySource: `${B}/src?versionId=${v1}` }));
    expect(part.CopySourceVersionId).toBe(v1);
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: 'assembled', UploadId: up.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.CopyPartResult!.ETag }] } }));
    expect(await text(s3.send(new GetObjectCommand({ Bucket: B, Key: 'assembled' })))).toBe('first');

    const tagged = await s3.send(new PutObjectTaggingCommand({ Bucket: B, Key: 'src', VersionId: v1, Tagging: { TagSet: [{ Key: 'age', Value: 'old' }] } }));
    expect(tagged.VersionId).toBe(v1);
    expect((await s3.send(new GetObjectTaggingCommand({ Bucket: B, Key: 'src', VersionId: v1 }))).TagSet).toEqual([{ Key: 'age', Value: 'old' }]);
    expect((await s3.send(new GetObjectTaggingCommand({ Bucket: B, Key: 'src' }))).TagSet).toEqual([]);
    expect((await s3.send(new GetObjectTaggingCommand({ Bucket: B, Key: 'src', VersionId: v2 }))).TagSet).toEqual([]);
    await s3.send(new DeleteObjectTaggingCommand({ Bucket: B, Key: 'src', VersionId: v1 }));
    expect((await s3.send(new GetObjectTaggingCommand({ Bucket: B, Key: 'src', VersionId: v1 }))).TagSet).toEqual([]);
    expect(await failure(s3.send(new GetObjectTaggingCommand({ Bucket: B, Key: 'src', VersionId: '1'.repeat(32) })))).toMatchObject({ code: 'NoSuchVersion', status: 404 });

    await s3.send(new PutObjectAclCommand({ Bucket: B, Key: 'src', VersionId: v1, ACL: 'public-read' }));
    const grants = (id?: string) => s3.send(new GetObjectAclCommand({ Bucket: B, Key: 'src', VersionId: id })).then((r) => (r.Grants ?? []).map((g) => g.Grantee?.URI).filter(Boolean));
    expect(await grants(v1)).toContain('http://acs.amazonaws.com/groups/global/AllUsers');
    expect(await grants(v2)).not.toContain('http://acs.amazonaws.com/groups/global/AllUsers');
    expect(await grants()).not.toContain('http://acs.amazonaws.com/groups/global/AllUsers');
  });

  it("another project learns nothing of a private bucket's versions: AccessDenied before delete markers or NoSuchVersion", async () => {
    const B = 'ver-private';
    await newBucket(B, 'Enabled');
    const v = await put(B, 'secret', 'x');
    const marker = (await s3.send(new DeleteObjectCommand({ Bucket: B, Key: 'secret' }))).VersionId!;
    const other = s3ClientFor(srv, srv.demo);
    try {
      for (const attempt of [
        () => other.send(new GetObjectCommand({ Bucket: B, Key: 'secret' })),
        () => other.send(new GetObjectCommand({ Bucket: B, Key: 'secret', VersionId: v })),
        () => other.send(new GetObjectCommand({ Bucket: B, Key: 'secret', VersionId: marker })),
        () => other.send(new GetObjectCommand({ Bucket: B, Key: 'secret', VersionId: '2'.repeat(32) })),
        () => other.send(new ListObjectVersionsCommand({ Bucket: B })),
        () => other.send(new DeleteObjectCommand({ Bucket: B, Key: 'secret', VersionId: v })),
      ]) {
        const r = await failure(attempt());
        expect(r).toMatchObject({ code: 'AccessDenied', status: 403 });
        expect(r.headers['x-amz-delete-marker']).toBeUndefined();
      }
      expect(await failure(other.send(new PutBucketVersioningCommand({ Bucket: B, VersioningConfiguration: { Status: 'Suspended' } })))).toMatchObject({ code: 'AccessDenied', status: 403 });
    } finally {
      other.destroy();
    }
    expect(await text(s3.send(new GetObjectCommand({ Bucket: B, Key: 'secret', VersionId: v })))).toBe('x');
  });

  it('DeleteBucket with only versions or delete markers left is BucketNotEmpty', async () => {
    const B = 'ver-teardown';
    await newBucket(B, 'Enabled');
    const v = await put(B, 'k', 'x');
    const m = (await s3.send(new DeleteObjectCommand({ Bucket: B, Key: 'k' }))).VersionId;
    expect(await failure(s3.send(new DeleteBucketCommand({ Bucket: B })))).toMatchObject({ code: 'BucketNotEmpty', status: 409 });
    await s3.send(new DeleteObjectCommand({ Bucket: B, Key: 'k', VersionId: v }));
    expect(await failure(s3.send(new DeleteBucketCommand({ Bucket: B })))).toMatchObject({ code: 'BucketNotEmpty', status: 409 });
    await s3.send(new DeleteObjectCommand({ Bucket: B, Key: 'k', VersionId: m }));
    await s3.send(new DeleteBucketCommand({ Bucket: B }));
  });
});
