// Swift container and account quotas hold for every write of both faces (Swift 413 "Upload exceeds quota.", S3 403 QuotaExceeded); Swift headers asking for features this server lacks are refused, and /info lists only what is honoured.
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Server, type S3TestServer, s3Failure, s3ClientFor } from './s3-server.js';

let srv: S3TestServer;
let s3: S3Client;
let token: string;
let projectId: string;

async function login(): Promise<{ token: string; projectId: string }> {
  const b = srv.sys.firstStart.bootstrap;
  const res = await srv.sys.request('/identity/v3/auth/tokens', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: { methods: ['password'], password: { user: { name: b.admin.userName, domain: { id: 'default' }, password: b.admin.password } } },
        scope: { project: { name: b.admin.projectName, domain: { id: 'default' } } },
      },
    }),
  });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { token: { project: { id: string } } };
  return { token: res.headers.get('x-subject-token')!, projectId: body.token.project.id };
}

const swift = (method: string, path: string, headers: Record<string, string> = {}, body?: string | ReadableStream<Uint8Array>, as = token) =>
  srv.sys.request(`/object/v1/AUTH_${projectId}${path}`, {
    method,
    headers: { 'x-auth-token': as, ...(typeof body === 'string' ? { 'content-length': String(Buffer.byteLength(body)) } : {}), ...headers },
    body,
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);

const names = async (c: string) => (await (await swift('GET', `/${c}`)).text()).split('\n').filter(Boolean);

beforeAll(async () => {
  srv = await startS3Server({}, {});
  ({ token, projectId } = await login());
  s3 = s3ClientFor(srv, srv.admin);
}, 60_000);

afterAll(async () => {
  s3?.destroy();
  await srv?.close();
});

describe('quotas and versions', () => {
  it('Swift versioned writes: archiving the replaced object is a write into the versions container, held to its quota; over it the PUT is 413 and nothing changes', async () => {
    expect((await swift('PUT', '/vq-archive', { 'X-Container-Meta-Quota-Count': '1' })).status).toBe(201);
    expect((await swift('PUT', '/vq', { 'X-Versions-Location': 'vq-archive' })).status).toBe(201);
    expect((await swift('PUT', '/vq/o', {}, 'one')).status).toBe(201);
    expect((await swift('PUT', '/vq/o', {}, 'two')).status).toBe(201);
    expect(await names('vq-archive')).toHaveLength(1);
    const over = await swift('PUT', '/vq/o', {}, 'three');
    expect(over.status).toBe(413);
    expect(await over.text()).toBe('Upload exceeds quota.');
    expect(await (await swift('GET', '/vq/o')).text()).toBe('two');
    expect(await names('vq-archive')).toHaveLength(1);
    // The S3 face writes the same container: the same archive quota holds.
    expect(await s3Failure(s3.send(new PutObjectCommand({ Bucket: 'vq', Key: 'o', Body: 'four' })))).toMatchObject({ code: 'QuotaExceeded', status: 403 });
    expect(await (await swift('GET', '/vq/o')).text()).toBe('two');
  });

  it('Swift history mode: the archive copy and delete marker a DELETE writes are held to the versions container\'s quota', async () => {
    expect((await swift('PUT', '/hq-archive', { 'X-Container-Meta-Quota-Bytes': '3' })).status).toBe(201);
    expect((await swift('PUT', '/hq', { 'X-History-Location': 'hq-archive' })).status).toBe(201);
    expect((await swift('PUT', '/hq/o', {}, 'four')).status).toBe(201);
    expect((await swift('DELETE', '/hq/o')).status).toBe(413);
    expect(await (await swift('GET', '/hq/o')).text()).toBe('four');
    expect(await names('hq-archive')).toEqual([]);
    expect((await swift('POST', '/hq-archive', { 'X-Container-Meta-Quota-Bytes': '4' })).status).toBe(204);
    expect((await swift('DELETE', '/hq/o')).status).toBe(204);
    expect(await names('hq-archive')).toHaveLength(2);
  });

  it('S3 versioning: noncurrent versions are not counted (Swift counts the objects a container lists), so a quota-count of 1 allows any number of versions of one key', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'vq-s3' }));
    expect((await swift('POST', '/vq-s3', { 'X-Container-Meta-Quota-Count': '1', 'X-Container-Meta-Quota-Bytes': '5' })).status).toBe(204);
    await s3.send(new PutBucketVersioningCommand({ Bucket: 'vq-s3', VersioningConfiguration: { Status: 'Enabled' } }));
    for (const body of ['a', 'bb', 'ccc']) await s3.send(new PutObjectCommand({ Bucket: 'vq-s3', Key: 'k', Body: body }));
    expect((await s3.send(new ListObjectVersionsCommand({ Bucket: 'vq-s3' }))).Versions).toHaveLength(3);
    expect(await s3Failure(s3.send(new PutObjectCommand({ Bucket: 'vq-s3', Key: 'other', Body: 'x' })))).toMatchObject({ code: 'QuotaExceeded', status: 403 });
    expect(await s3Failure(s3.send(new PutObjectCommand({ Bucket: 'vq-s3', Key: 'k', Body: '123456' })))).toMatchObject({ code: 'QuotaExceeded' });
    const head = await swift('HEAD', '/vq-s3');
    expect(head.headers.get('x-container-object-count')).toBe('1');
    expect(head.headers.get('x-container-bytes-used')).toBe('3');
  });
});

describe('container quotas', () => {
  it('X-Container-Meta-Quota-Bytes: a Swift upload past it is 413 "Upload exceeds quota." and stores nothing; replacing within it works', async () => {
    expect((await swift('PUT', '/qb')).status).toBe(201);
    expect((await swift('POST', '/qb', { 'X-Container-Meta-Quota-Bytes': '10' })).status).toBe(204);
    expect((await swift('PUT', '/qb/a', {}, '123456')).status).toBe(201);
    const over = await swift('PUT', '/qb/b', {}, '123456');
    expect(over.status).toBe(413);
    expect(await over.text()).toBe('Upload exceeds quota.');
    expect(await names('qb')).toEqual(['a']);
    // Replacing `a` needs only the size difference.
    expect((await swift('PUT', '/qb/a', {}, '1234567890')).status).toBe(201);
    const head = await swift('HEAD', '/qb');
    expect(head.headers.get('x-container-bytes-used')).toBe('10');
    expect(head.headers.get('x-container-meta-quota-bytes')).toBe('10');
  });

  it('a chunked upload without Content-Length is held to the quota by its real size', async () => {
    expect((await swift('PUT', '/qc', { 'X-Container-Meta-Quota-Bytes': '4' })).status).toBe(201);
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('too long'));
        c.close();
      },
    });
    expect((await swift('PUT', '/qc/x', { 'transfer-encoding': 'chunked' }, body)).status).toBe(413);
    expect(await names('qc')).toEqual([]);
  });

  it('X-Container-Meta-Quota-Count: one object more is 413', async () => {
    expect((await swift('PUT', '/qn', { 'X-Container-Meta-Quota-Count': '2' })).status).toBe(201);
    expect((await swift('PUT', '/qn/1', {}, 'x')).status).toBe(201);
    expect((await swift('PUT', '/qn/2', {}, 'x')).status).toBe(201);
    expect((await swift('PUT', '/qn/3', {}, 'x')).status).toBe(413);
    expect((await swift('COPY', '/qn/1', { Destination: 'qn/4' })).status).toBe(413);
    expect((await swift('PUT', '/qn/2', {}, 'replaced')).status).toBe(201);
    expect(await names('qn')).toEqual(['1', '2']);
  });

  it('a quota that is not an integer is 400', async () => {
    const r = await swift('POST', '/qb', { 'X-Container-Meta-Quota-Bytes': 'lots' });
    expect(r.status).toBe(400);
    expect(await r.text()).toBe('Invalid bytes quota.');
    expect((await swift('PUT', '/qbad', { 'X-Container-Meta-Quota-Count': '-1' })).status).toBe(400);
  });

  it('the S3 face respects the same quota: PutObject, CopyObject and CompleteMultipartUpload → 403 QuotaExceeded, nothing stored', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'quota-bucket' }));
    expect((await swift('POST', '/quota-bucket', { 'X-Container-Meta-Quota-Bytes': '8' })).status).toBe(204);
    await s3.send(new PutObjectCommand({ Bucket: 'quota-bucket', Key: 'five', Body: '12345' }));
    expect(await s3Failure(s3.send(new PutObjectCommand({ Bucket: 'quota-bucket', Key: 'more', Body: '12345' })))).toMatchObject({ code: 'QuotaExceeded', status: 403 });
    expect(await s3Failure(s3.send(new CopyObjectCommand({ Bucket: 'quota-bucket', Key: 'copy', CopySource: 'quota-bucket/five' })))).toMatchObject({ code: 'QuotaExceeded' });
    const up = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'quota-bucket', Key: 'mpu' }));
    const part = await s3.send(new UploadPartCommand({ Bucket: 'quota-bucket', Key: 'mpu', UploadId: up.UploadId, PartNumber: 1, Body: '12345' }));
    expect(
      await s3Failure(s3.send(new CompleteMultipartUploadCommand({ Bucket: 'quota-bucket', Key: 'mpu', UploadId: up.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }))),
    ).toMatchObject({ code: 'QuotaExceeded' });
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'quota-bucket' }));
    expect(listed.Contents?.map((c) => c.Key)).toEqual(['five']);
  });
});

describe('account quotas', () => {
  it('only a ResellerAdmin may set X-Account-Meta-Quota-Bytes; then writes past it are 413 in any container', async () => {
    const denied = await swift('POST', '', { 'X-Account-Meta-Quota-Bytes': '100' });
    expect(denied.status).toBe(403);
    expect((await swift('HEAD', '')).headers.get('x-account-meta-quota-bytes')).toBeNull();

    const ids = srv.sys.identity.services;
    const adminCtx = { requestId: 'quota-test', auth: (await srv.sys.identity.tokens.validate(token)).context };
    const role = ids.roles.create(adminCtx, { name: 'ResellerAdmin' });
    ids.assignments.grant(adminCtx, { actor: { userId: adminCtx.auth.userId! }, target: { projectId }, roleId: role.id });
    const reseller = (await login()).token;

    const used = Number((await swift('HEAD', '')).headers.get('x-account-bytes-used'));
    expect((await swift('POST', '', { 'X-Account-Meta-Quota-Bytes': String(used + 5) }, undefined, reseller)).status).toBe(204);
    expect((await swift('PUT', '/acct-a')).status).toBe(201);
    expect((await swift('PUT', '/acct-a/fits', {}, '12345')).status).toBe(201);
    expect((await swift('PUT', '/acct-b')).status).toBe(201);
    expect((await swift('PUT', '/acct-b/over', {}, 'x')).status).toBe(413);
    expect(await s3Failure(s3.send(new PutObjectCommand({ Bucket: 'acct-b', Key: 's3-over', Body: 'x' })))).toMatchObject({ code: 'QuotaExceeded' });
    // The account owner cannot lift it either; the reseller can. Roles are resolved when a token is
    // validated (as Keystone's fernet tokens), so the owner is the same user once ResellerAdmin is ungranted
    // (which revokes the tokens that carried it).
    const grant = { actor: { userId: adminCtx.auth.userId! }, target: { projectId }, roleId: role.id };
    ids.assignments.revoke(adminCtx, grant);
    const owner = (await login()).token;
    expect((await swift('POST', '', { 'X-Remove-Account-Meta-Quota-Bytes': 'x' }, undefined, owner)).status).toBe(403);
    ids.assignments.grant(adminCtx, grant);
    expect((await swift('POST', '', { 'X-Remove-Account-Meta-Quota-Bytes': 'x' }, undefined, (await login()).token)).status).toBe(204);
    expect((await swift('PUT', '/acct-b/over', {}, 'x', owner)).status).toBe(201);
    // The ungrant revoked the token the other tests use.
    token = owner;
  });
});

describe('Swift headers asking for what this server lacks', () => {
  it('X-Container-Sync-To / -Key → 501 and nothing stored', async () => {
    expect((await swift('PUT', '/sync', { 'X-Container-Sync-To': '//realm/cluster/AUTH_x/c', 'X-Container-Sync-Key': 'secret' })).status).toBe(501);
    expect((await swift('HEAD', '/sync')).status).toBe(404);
    expect((await swift('PUT', '/sync')).status).toBe(201);
    expect((await swift('POST', '/sync', { 'X-Container-Sync-To': '//realm/cluster/AUTH_x/c' })).status).toBe(501);
    expect((await swift('HEAD', '/sync')).headers.get('x-container-sync-to')).toBeNull();
  });

  it('X-Symlink-Target on PUT or POST → 501, never a plain object', async () => {
    expect((await swift('PUT', '/sync/link', { 'X-Symlink-Target': 'sync/target' }, '')).status).toBe(501);
    expect((await swift('HEAD', '/sync/link')).status).toBe(404);
    expect((await swift('PUT', '/sync/plain', {}, 'x')).status).toBe(201);
    expect((await swift('POST', '/sync/plain', { 'X-Symlink-Target': 'sync/target' })).status).toBe(501);
  });

  it('X-Static-Large-Object on a plain PUT → 400 reserved header, as Swift', async () => {
    const r = await swift('PUT', '/sync/slo', { 'X-Static-Large-Object': 'true' }, '[]');
    expect(r.status).toBe(400);
    expect(await r.text()).toContain('X-Static-Large-Object is a reserved header');
    expect((await swift('HEAD', '/sync/slo')).status).toBe(404);
  });

  it("an unknown storage policy → 400 Invalid X-Storage-Policy '<name>'", async () => {
    const r = await swift('PUT', '/gold', { 'X-Storage-Policy': 'gold' });
    expect(r.status).toBe(400);
    expect(await r.text()).toBe("Invalid X-Storage-Policy 'gold'");
    expect((await swift('PUT', '/gold', { 'X-Storage-Policy': 'Policy-0' })).status).toBe(201);
  });

  it('/info lists the quotas, versioned writes and object versioning, and none of the refused features', async () => {
    const info = (await (await srv.sys.request('/info')).json()) as Record<string, unknown>;
    expect(info).toHaveProperty('container_quotas');
    expect(info).toHaveProperty('account_quotas');
    expect(info).toHaveProperty('versioned_writes');
    expect(info).toHaveProperty('object_versioning');
    for (const absent of ['container_sync', 'symlink', 'cors']) expect(info, absent).not.toHaveProperty(absent);
  });
});
