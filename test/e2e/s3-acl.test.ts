// S3 ACLs across projects and for anonymous callers: canned ACLs, header grants and AccessControlPolicy bodies, enforced on buckets and objects.
import {
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetBucketAclCommand,
  GetObjectAclCommand,
  GetObjectCommand,
  ListBucketsCommand,
  ListMultipartUploadsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  ListPartsCommand,
  PutBucketAclCommand,
  PutObjectAclCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawS3, startS3Server, type S3TestServer, s3ErrorName as code, s3ClientFor } from './s3-server.js';

let srv: S3TestServer;
let owner: S3Client;
let other: S3Client;
const B = 'acl-bucket';
const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';

/** An unsigned request, as a browser or curl sends it. */
async function anon(method: string, path: string, body?: string): Promise<number> {
  const r = await fetch(`${srv.url}${path}`, { method, body });
  await r.body?.cancel();
  return r.status;
}

beforeAll(async () => {
  srv = await startS3Server();
  owner = s3ClientFor(srv, srv.admin);
  other = s3ClientFor(srv, srv.demo);
  await owner.send(new CreateBucketCommand({ Bucket: B }));
  await owner.send(new PutObjectCommand({ Bucket: B, Key: 'private.txt', Body: 'secret' }));
  await owner.send(new PutObjectCommand({ Bucket: B, Key: 'public.txt', Body: 'hello', ACL: 'public-read' }));
}, 60_000);

afterAll(async () => {
  owner?.destroy();
  other?.destroy();
  await srv?.close();
});

describe('objects', () => {
  it('private objects: another project and anonymous callers are refused', async () => {
    expect(await code(other.send(new GetObjectCommand({ Bucket: B, Key: 'private.txt' })))).toBe('AccessDenied');
    expect(await anon('GET', `/${B}/private.txt`)).toBe(403);
    expect(await anon('GET', `/${B}`)).toBe(403);
  });

  it('public-read: anyone may GET and HEAD the object, but not read or change its ACL, nor list the bucket', async () => {
    expect(await anon('GET', `/${B}/public.txt`)).toBe(200);
    expect(await anon('HEAD', `/${B}/public.txt`)).toBe(200);
    expect(await anon('GET', `/${B}/public.txt?acl`)).toBe(403);
    expect(await code(other.send(new GetObjectAclCommand({ Bucket: B, Key: 'public.txt' })))).toBe('AccessDenied');
    expect(await code(other.send(new PutObjectAclCommand({ Bucket: B, Key: 'public.txt', ACL: 'public-read-write' })))).toBe('AccessDenied');
    expect(await anon('GET', `/${B}`)).toBe(403);
  });

  it('READ_ACP and WRITE_ACP grants to another project let it read and replace the ACL', async () => {
    await owner.send(new PutObjectAclCommand({ Bucket: B, Key: 'private.txt', GrantReadACP: `id="${srv.demo.projectId}"` }));
    const acl = await other.send(new GetObjectAclCommand({ Bucket: B, Key: 'private.txt' }));
    expect(acl.Grants?.map((g) => [g.Grantee?.ID, g.Permission])).toContainEqual([srv.demo.projectId, 'READ_ACP']);
    expect(await code(other.send(new GetObjectCommand({ Bucket: B, Key: 'private.txt' })))).toBe('AccessDenied');
    expect(await code(other.send(new PutObjectAclCommand({ Bucket: B, Key: 'private.txt', ACL: 'public-read' })))).toBe('AccessDenied');
    await owner.send(new PutObjectAclCommand({ Bucket: B, Key: 'private.txt', GrantWriteACP: `id="${srv.demo.projectId}"` }));
    await other.send(new PutObjectAclCommand({ Bucket: B, Key: 'private.txt', GrantRead: `id="${srv.demo.projectId}"` }));
    const got = await other.send(new GetObjectCommand({ Bucket: B, Key: 'private.txt' }));
    expect(await got.Body!.transformToString()).toBe('secret');
    await owner.send(new PutObjectAclCommand({ Bucket: B, Key: 'private.txt', ACL: 'private' }));
    expect(await code(other.send(new GetObjectCommand({ Bucket: B, Key: 'private.txt' })))).toBe('AccessDenied');
  });

  it('an AccessControlPolicy body grants what it lists', async () => {
    const own = { ID: srv.admin.projectId };
    await owner.send(
      new PutObjectAclCommand({
        Bucket: B,
        Key: 'private.txt',
        AccessControlPolicy: { Owner: own, Grants: [{ Grantee: { Type: 'Group', URI: ALL_USERS }, Permission: 'READ' }] },
      }),
    );
    expect(await anon('GET', `/${B}/private.txt`)).toBe(200);
    await owner.send(new PutObjectAclCommand({ Bucket: B, Key: 'private.txt', ACL: 'private' }));
    expect(await anon('GET', `/${B}/private.txt`)).toBe(403);
  });

  it('bad ACL requests are refused with S3’s codes', async () => {
    expect(await code(owner.send(new PutObjectAclCommand({ Bucket: B, Key: 'private.txt', GrantRead: 'id="no-such-project"' })))).toBe('InvalidArgument');
    expect(await code(owner.send(new PutObjectAclCommand({ Bucket: B, Key: 'private.txt', GrantRead: 'emailAddress="a@example.com"' })))).toBe('UnresolvableGrantByEmailAddress');
    const both = await rawS3(srv.url, {
      method: 'PUT',
      path: `/${B}/private.txt`,
      query: { acl: '' },
      headers: { 'x-amz-acl': 'private', 'x-amz-grant-read': `id="${srv.demo.projectId}"` },
      access: srv.admin.access,
      secret: srv.admin.secret,
    });
    expect(both.status).toBe(400);
    expect(await both.text()).toContain('<Code>InvalidRequest</Code>');
  });
});

describe('buckets', () => {
  it('READ and WRITE grants let another project list and write, not read objects, change ACLs or delete the bucket', async () => {
    await owner.send(new PutBucketAclCommand({ Bucket: B, GrantRead: `id="${srv.demo.projectId}"`, GrantWrite: `id="${srv.demo.projectId}"` }));
    const list = await other.send(new ListObjectsV2Command({ Bucket: B }));
    expect(list.Contents?.map((c) => c.Key)).toEqual(['private.txt', 'public.txt']);
    await other.send(new PutObjectCommand({ Bucket: B, Key: 'from-other.txt', Body: 'x' }));
    expect(await code(other.send(new GetObjectCommand({ Bucket: B, Key: 'private.txt' })))).toBe('AccessDenied');
    expect(await code(other.send(new PutObjectAclCommand({ Bucket: B, Key: 'private.txt', GrantRead: `id="${srv.demo.projectId}"` })))).toBe('AccessDenied');
    expect(await code(other.send(new GetBucketAclCommand({ Bucket: B })))).toBe('AccessDenied');
    expect(await code(other.send(new PutBucketAclCommand({ Bucket: B, ACL: 'public-read-write' })))).toBe('AccessDenied');
    await other.send(new DeleteObjectCommand({ Bucket: B, Key: 'from-other.txt' }));
    await owner.send(new PutBucketAclCommand({ Bucket: B, ACL: 'private' }));
    expect(await code(other.send(new ListObjectsV2Command({ Bucket: B })))).toBe('AccessDenied');
    expect(await code(other.send(new PutObjectCommand({ Bucket: B, Key: 'again.txt', Body: 'x' })))).toBe('AccessDenied');
  });

  it('canned bucket ACLs: public-read lists for anyone, authenticated-read only for signed callers, public-read-write takes anonymous uploads', async () => {
    await owner.send(new PutBucketAclCommand({ Bucket: B, ACL: 'public-read' }));
    expect(await anon('GET', `/${B}`)).toBe(200);
    expect(await anon('PUT', `/${B}/anon.txt`, 'x')).toBe(403);
    await owner.send(new PutBucketAclCommand({ Bucket: B, ACL: 'authenticated-read' }));
    expect(await anon('GET', `/${B}`)).toBe(403);
    expect((await other.send(new ListObjectsV2Command({ Bucket: B }))).KeyCount).toBe(2);
    await owner.send(new PutBucketAclCommand({ Bucket: B, ACL: 'public-read-write' }));
    expect(await anon('PUT', `/${B}/anon.txt`, 'x')).toBe(200);
    expect(await anon('GET', `/${B}/anon.txt`)).toBe(403);
    const acl = await owner.send(new GetBucketAclCommand({ Bucket: B }));
    expect(acl.Grants?.filter((g) => g.Grantee?.URI === ALL_USERS).map((g) => g.Permission).sort()).toEqual(['READ', 'WRITE']);
    await owner.send(new PutBucketAclCommand({ Bucket: B, ACL: 'private' }));
    expect(await anon('PUT', `/${B}/anon2.txt`, 'x')).toBe(403);
  });
});

describe('owners and display names', () => {
  const O = 'acl-owners';
  const user = (id: string, name: string) => ({ Type: 'CanonicalUser', ID: id, DisplayName: name });
  const grants = (acl: { Grants?: Array<{ Grantee?: { Type?: string; ID?: string; DisplayName?: string; URI?: string }; Permission?: string }> }) =>
    (acl.Grants ?? []).map((g) => ({ Grantee: { Type: g.Grantee?.Type, ID: g.Grantee?.ID, DisplayName: g.Grantee?.DisplayName, URI: g.Grantee?.URI }, Permission: g.Permission }));
  const strip = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

  beforeAll(async () => {
    await owner.send(new CreateBucketCommand({ Bucket: O }));
  });

  it('every canonical user in an ACL carries ID and DisplayName, a grant to another project shows that project’s name', async () => {
    await owner.send(new PutBucketAclCommand({ Bucket: O, GrantRead: `id="${srv.demo.projectId}"`, GrantFullControl: `id="${srv.admin.projectId}"` }));
    const acl = await owner.send(new GetBucketAclCommand({ Bucket: O }));
    expect(acl.Owner).toEqual({ ID: srv.admin.projectId, DisplayName: 'admin' });
    expect(grants(acl).map((g) => ({ ...g, Grantee: strip(g.Grantee) }))).toEqual([
      { Grantee: user(srv.admin.projectId, 'admin'), Permission: 'FULL_CONTROL' },
      { Grantee: user(srv.demo.projectId, 'demo'), Permission: 'READ' },
    ]);
    await owner.send(new PutObjectCommand({ Bucket: O, Key: 'canned.txt', Body: 'x', ACL: 'public-read' }));
    const oacl = await owner.send(new GetObjectAclCommand({ Bucket: O, Key: 'canned.txt' }));
    expect(oacl.Owner).toEqual({ ID: srv.admin.projectId, DisplayName: 'admin' });
    expect(grants(oacl).map((g) => ({ ...g, Grantee: strip(g.Grantee) }))).toEqual([
      { Grantee: user(srv.admin.projectId, 'admin'), Permission: 'FULL_CONTROL' },
      { Grantee: { Type: 'Group', URI: ALL_USERS }, Permission: 'READ' },
    ]);
  });

  it('PutBucketAcl with an empty grant list leaves exactly that; the owner keeps its rights', async () => {
    await owner.send(new PutBucketAclCommand({ Bucket: O, AccessControlPolicy: { Owner: { ID: srv.admin.projectId }, Grants: [] } }));
    const acl = await owner.send(new GetBucketAclCommand({ Bucket: O }));
    expect(acl.Grants ?? []).toEqual([]);
    expect(acl.Owner?.ID).toBe(srv.admin.projectId);
    await owner.send(new PutObjectCommand({ Bucket: O, Key: 'still-mine.txt', Body: 'x' }));
    expect((await owner.send(new ListObjectsV2Command({ Bucket: O }))).Contents?.map((c) => c.Key)).toContain('still-mine.txt');
    await owner.send(new PutBucketAclCommand({ Bucket: O, ACL: 'private' }));
    expect(grants(await owner.send(new GetBucketAclCommand({ Bucket: O })))).toHaveLength(1);
  });

  it('an object another project writes into a public-read-write bucket is the writer’s; bucket-owner-* canned ACLs grant the bucket owner', async () => {
    await owner.send(new PutBucketAclCommand({ Bucket: O, ACL: 'public-read-write' }));
    await other.send(new PutObjectCommand({ Bucket: O, Key: 'by-demo.txt', Body: 'demo wrote this' }));
    const mine = await other.send(new GetObjectAclCommand({ Bucket: O, Key: 'by-demo.txt' }));
    expect(mine.Owner).toEqual({ ID: srv.demo.projectId, DisplayName: 'demo' });
    expect(grants(mine).map((g) => ({ ...g, Grantee: strip(g.Grantee) }))).toEqual([{ Grantee: user(srv.demo.projectId, 'demo'), Permission: 'FULL_CONTROL' }]);
    expect(await (await other.send(new GetObjectCommand({ Bucket: O, Key: 'by-demo.txt' }))).Body!.transformToString()).toBe('demo wrote this');
    await other.send(new PutObjectAclCommand({ Bucket: O, Key: 'by-demo.txt', ACL: 'public-read' }));
    expect((await other.send(new GetObjectAclCommand({ Bucket: O, Key: 'by-demo.txt' }))).Owner?.ID).toBe(srv.demo.projectId);

    await other.send(new PutObjectCommand({ Bucket: O, Key: 'bor.txt', Body: 'x', ACL: 'bucket-owner-read' }));
    expect(grants(await other.send(new GetObjectAclCommand({ Bucket: O, Key: 'bor.txt' }))).map((g) => ({ ...g, Grantee: strip(g.Grantee) }))).toEqual([
      { Grantee: user(srv.demo.projectId, 'demo'), Permission: 'FULL_CONTROL' },
      { Grantee: user(srv.admin.projectId, 'admin'), Permission: 'READ' },
    ]);
    await other.send(new PutObjectCommand({ Bucket: O, Key: 'bofc.txt', Body: 'x', ACL: 'bucket-owner-full-control' }));
    const full = await owner.send(new GetObjectAclCommand({ Bucket: O, Key: 'bofc.txt' }));
    expect(full.Owner?.ID).toBe(srv.demo.projectId);
    expect(grants(full).map((g) => ({ ...g, Grantee: strip(g.Grantee) }))).toEqual([
      { Grantee: user(srv.demo.projectId, 'demo'), Permission: 'FULL_CONTROL' },
      { Grantee: user(srv.admin.projectId, 'admin'), Permission: 'FULL_CONTROL' },
    ]);
    expect(await (await owner.send(new GetObjectCommand({ Bucket: O, Key: 'bor.txt' }))).Body!.transformToString()).toBe('x');
    await owner.send(new PutBucketAclCommand({ Bucket: O, ACL: 'private' }));
  });

  it('listings show each object’s owner with its display name', async () => {
    const admin = { ID: srv.admin.projectId, DisplayName: 'admin' };
    const demo = { ID: srv.demo.projectId, DisplayName: 'demo' };
    const v1 = await owner.send(new ListObjectsCommand({ Bucket: O }));
    const byKey = (list: Array<{ Key?: string; Owner?: unknown }> | undefined) => Object.fromEntries((list ?? []).map((o) => [o.Key, o.Owner]));
    expect(byKey(v1.Contents)).toMatchObject({ 'by-demo.txt': demo, 'bofc.txt': demo, 'canned.txt': admin });
    const v2 = await owner.send(new ListObjectsV2Command({ Bucket: O, FetchOwner: true }));
    expect(byKey(v2.Contents)).toMatchObject({ 'by-demo.txt': demo, 'canned.txt': admin });
    const versions = await owner.send(new ListObjectVersionsCommand({ Bucket: O }));
    expect(byKey(versions.Versions)).toMatchObject({ 'by-demo.txt': demo, 'canned.txt': admin });
    expect((await owner.send(new ListObjectsV2Command({ Bucket: O }))).Contents?.every((o) => o.Owner === undefined)).toBe(true);
  });

  it('multipart uploads: Owner is the canonical id ListBuckets and GetBucketAcl show, Initiator the user', async () => {
    const up = await owner.send(new CreateMultipartUploadCommand({ Bucket: O, Key: 'mp' }));
    const list = await owner.send(new ListMultipartUploadsCommand({ Bucket: O }));
    const u = list.Uploads?.find((x) => x.UploadId === up.UploadId);
    const buckets = await owner.send(new ListBucketsCommand({}));
    const bacl = await owner.send(new GetBucketAclCommand({ Bucket: O }));
    expect(u?.Owner).toEqual(buckets.Owner);
    expect(u?.Owner).toEqual(bacl.Owner);
    expect(u?.Owner).toEqual({ ID: srv.admin.projectId, DisplayName: 'admin' });
    expect(u?.Initiator?.DisplayName).toBe('admin');
    expect(u?.Initiator?.ID).toBeTruthy();
    const parts = await owner.send(new ListPartsCommand({ Bucket: O, Key: 'mp', UploadId: up.UploadId }));
    expect(parts.Owner).toEqual(buckets.Owner);
    expect(parts.Initiator).toEqual(u?.Initiator);

    await owner.send(new PutBucketAclCommand({ Bucket: O, ACL: 'public-read-write' }));
    const theirs = await other.send(new CreateMultipartUploadCommand({ Bucket: O, Key: 'mp-demo' }));
    const again = await owner.send(new ListMultipartUploadsCommand({ Bucket: O }));
    expect(again.Uploads?.find((x) => x.UploadId === theirs.UploadId)?.Owner).toEqual({ ID: srv.demo.projectId, DisplayName: 'demo' });
    await owner.send(new PutBucketAclCommand({ Bucket: O, ACL: 'private' }));
  });
});

describe('a missing key', () => {
  const M = 'acl-missing';
  beforeAll(async () => {
    await owner.send(new CreateBucketCommand({ Bucket: M }));
    await owner.send(new PutObjectCommand({ Bucket: M, Key: 'gone.txt', Body: 'x', ACL: 'public-read' }));
  });

  it('is 403 AccessDenied to a caller who may not list the bucket, anonymous or of another project', async () => {
    const r = await fetch(`${srv.url}/${M}/no-such-key`);
    expect(r.status).toBe(403);
    expect(await r.text()).toContain('<Code>AccessDenied</Code>');
    expect(await anon('HEAD', `/${M}/no-such-key`)).toBe(403);
    expect(await code(other.send(new GetObjectCommand({ Bucket: M, Key: 'no-such-key' })))).toBe('AccessDenied');
    expect(await code(other.send(new GetObjectAclCommand({ Bucket: M, Key: 'no-such-key' })))).toBe('AccessDenied');
  });

  it('is 404 NoSuchKey with bucket READ, also for an object deleted meanwhile', async () => {
    await owner.send(new PutBucketAclCommand({ Bucket: M, ACL: 'public-read' }));
    expect(await anon('GET', `/${M}/gone.txt`)).toBe(200);
    await owner.send(new DeleteObjectCommand({ Bucket: M, Key: 'gone.txt' }));
    const r = await fetch(`${srv.url}/${M}/gone.txt`);
    expect(r.status).toBe(404);
    expect(await r.text()).toContain('<Code>NoSuchKey</Code>');
    expect(await anon('HEAD', `/${M}/no-such-key`)).toBe(404);
    expect(await code(other.send(new GetObjectCommand({ Bucket: M, Key: 'no-such-key' })))).toBe('NoSuchKey');
    await owner.send(new PutBucketAclCommand({ Bucket: M, ACL: 'private' }));
    await owner.send(new PutBucketAclCommand({ Bucket: M, GrantRead: `id="${srv.demo.projectId}"` }));
    expect(await code(other.send(new GetObjectCommand({ Bucket: M, Key: 'no-such-key' })))).toBe('NoSuchKey');
    expect(await code(other.send(new GetObjectAclCommand({ Bucket: M, Key: 'no-such-key' })))).toBe('NoSuchKey');
    expect(await anon('GET', `/${M}/no-such-key`)).toBe(403);
    expect(await anon('GET', `/${M}/no-such-key?acl`)).toBe(403);
  });
});
