// Encryption at rest meets versioning, Swift versioned writes, lifecycle and bucket policies: noncurrent and archived versions of encrypted objects stay readable, copies by version re-seal.
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAll } from '../../core/objects/streams.js';
import { startS3Server, type S3TestServer, s3Failure as failure, s3ClientFor, adminSwiftToken } from './s3-server.js';

const DAY = 86_400_000;
/** The object store's clock, moved by the lifecycle case (the queue runs on the real clock, so start days back). */
const clock = { t: Math.floor(Date.now() / DAY) * DAY - 5 * DAY + 12 * 3600_000, now: () => clock.t };

let srv: S3TestServer;
let s3: S3Client;
const B = 'sse-versioned';
const key = randomBytes(32);
const other = randomBytes(32);
const sseC = (k: Buffer) => ({ SSECustomerAlgorithm: 'AES256', SSECustomerKey: k.toString('base64'), SSECustomerKeyMD5: createHash('md5').update(k).digest('base64') });
const srcC = (k: Buffer) => ({ CopySourceSSECustomerAlgorithm: 'AES256', CopySourceSSECustomerKey: k.toString('base64'), CopySourceSSECustomerKeyMD5: createHash('md5').update(k).digest('base64') });

async function bytes(Bucket: string, Key: string, extra: Record<string, unknown> = {}): Promise<{ body: Buffer; sse?: string; versionId?: string }> {
  const out = await s3.send(new GetObjectCommand({ Bucket, Key, ...extra }));
  return { body: Buffer.from(await out.Body!.transformToByteArray()), sse: out.ServerSideEncryption, versionId: out.VersionId };
}

/** True when some stored blob holds `plain` in clear. */
async function storedInClear(plain: Buffer): Promise<boolean> {
  for await (const k of srv.sys.blobs.list()) if ((await readAll(await srv.sys.blobs.get(k))).includes(plain.subarray(0, 64))) return true;
  return false;
}

beforeAll(async () => {
  srv = await startS3Server({ SKYBRIDGE_LIFECYCLE_SWEEP_MS: String(7 * DAY) }, { objectClock: clock });
  s3 = s3ClientFor(srv, srv.admin);
  await s3.send(new CreateBucketCommand({ Bucket: B }));
  await s3.send(new PutBucketVersioningCommand({ Bucket: B, VersioningConfiguration: { Status: 'Enabled' } }));
}, 60_000);

afterAll(async () => {
  s3?.destroy();
  await srv?.close();
});

describe('S3 versioning (Enabled) over encrypted objects', () => {
  it('an overwritten SSE-S3 version reads back by versionId (whole, ranged, HEAD), also under a delete marker and once promoted back', async () => {
    const v1data = randomBytes(200_000);
    const v1 = (await s3.send(new PutObjectCommand({ Bucket: B, Key: 's3-doc', Body: v1data, ServerSideEncryption: 'AES256' }))).VersionId!;
    const v2 = (await s3.send(new PutObjectCommand({ Bucket: B, Key: 's3-doc', Body: 'plain now' }))).VersionId!;
    expect(await storedInClear(v1data)).toBe(false);
    expect(await bytes(B, 's3-doc')).toMatchObject({ body: Buffer.from('plain now'), sse: undefined, versionId: v2 });
    const old = await bytes(B, 's3-doc', { VersionId: v1 });
    expect(old.body.equals(v1data)).toBe(true);
    expect(old).toMatchObject({ sse: 'AES256', versionId: v1 });
    expect((await bytes(B, 's3-doc', { VersionId: v1, Range: 'bytes=65530-131080' })).body.equals(v1data.subarray(65530, 131081))).toBe(true);
    expect(await s3.send(new HeadObjectCommand({ Bucket: B, Key: 's3-doc', VersionId: v1 }))).toMatchObject({ ServerSideEncryption: 'AES256', ContentLength: 200_000, VersionId: v1 });

    const marker = (await s3.send(new DeleteObjectCommand({ Bucket: B, Key: 's3-doc' }))).VersionId!;
    expect((await bytes(B, 's3-doc', { VersionId: v1 })).body.equals(v1data)).toBe(true);
    await s3.send(new DeleteObjectCommand({ Bucket: B, Key: 's3-doc', VersionId: marker }));
    await s3.send(new DeleteObjectCommand({ Bucket: B, Key: 's3-doc', VersionId: v2 }));
    const promoted = await bytes(B, 's3-doc');
    expect(promoted.body.equals(v1data)).toBe(true);
    expect(promoted).toMatchObject({ sse: 'AES256', versionId: v1 });
  });

  it('an overwritten SSE-C version needs its own key by versionId: 400 without, 403 with another, the bytes with it', async () => {
    const v1data = randomBytes(100_000);
    const v2data = randomBytes(1000);
    const v1 = (await s3.send(new PutObjectCommand({ Bucket: B, Key: 'c-doc', Body: v1data, ...sseC(key) }))).VersionId!;
    const v2 = (await s3.send(new PutObjectCommand({ Bucket: B, Key: 'c-doc', Body: v2data, ...sseC(other) }))).VersionId!;
    expect(v2).not.toBe(v1);
    expect((await bytes(B, 'c-doc', sseC(other))).body.equals(v2data)).toBe(true);
    expect((await bytes(B, 'c-doc', { VersionId: v1, ...sseC(key) })).body.equals(v1data)).toBe(true);
    expect((await bytes(B, 'c-doc', { VersionId: v1, Range: 'bytes=70000-70009', ...sseC(key) })).body.equals(v1data.subarray(70000, 70010))).toBe(true);
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: B, Key: 'c-doc', VersionId: v1 })))).toMatchObject({ status: 400 });
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: B, Key: 'c-doc', VersionId: v1, ...sseC(other) })))).toMatchObject({ status: 403 });
    expect((await s3.send(new HeadObjectCommand({ Bucket: B, Key: 'c-doc', VersionId: v1, ...sseC(key) }))).SSECustomerKeyMD5).toBe(sseC(key).SSECustomerKeyMD5);
    expect(await storedInClear(v1data)).toBe(false);
  });

  it('CopyObject by source versionId re-seals a noncurrent encrypted version: SSE-C → SSE-S3, SSE-S3 → SSE-C, SSE-S3 → plain, SSE-S3 → SSE-S3', async () => {
    const cData = randomBytes(90_000);
    const sData = randomBytes(80_000);
    const cv = (await s3.send(new PutObjectCommand({ Bucket: B, Key: 'src-c', Body: cData, ...sseC(key) }))).VersionId!;
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'src-c', Body: 'newer' }));
    const sv = (await s3.send(new PutObjectCommand({ Bucket: B, Key: 'src-s', Body: sData, ServerSideEncryption: 'AES256' }))).VersionId!;
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'src-s', Body: 'newer' }));

    expect(await failure(s3.send(new CopyObjectCommand({ Bucket: B, Key: 'cp-1', CopySource: `${B}/src-c?versionId=${cv}` })))).toMatchObject({ status: 400 });
    expect(await failure(s3.send(new CopyObjectCommand({ Bucket: B, Key: 'cp-1', CopySource: `${B}/src-c?versionId=${cv}`, ...srcC(other) })))).toMatchObject({ status: 403 });
    const c1 = await s3.send(new CopyObjectCommand({ Bucket: B, Key: 'cp-1', CopySource: `${B}/src-c?versionId=${cv}`, ...srcC(key), ServerSideEncryption: 'AES256' }));
    expect(c1).toMatchObject({ ServerSideEncryption: 'AES256', CopySourceVersionId: cv });
    expect(c1.VersionId).toMatch(/^[0-9a-f]{32}$/);
    expect(await bytes(B, 'cp-1')).toMatchObject({ body: cData, sse: 'AES256' });

    const c2 = await s3.send(new CopyObjectCommand({ Bucket: B, Key: 'cp-2', CopySource: `${B}/src-s?versionId=${sv}`, ...sseC(other) }));
    expect(c2).toMatchObject({ SSECustomerKeyMD5: sseC(other).SSECustomerKeyMD5, CopySourceVersionId: sv });
    expect((await bytes(B, 'cp-2', sseC(other))).body.equals(sData)).toBe(true);
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: B, Key: 'cp-2' })))).toMatchObject({ status: 400 });

    await s3.send(new CopyObjectCommand({ Bucket: B, Key: 'cp-3', CopySource: `${B}/src-s?versionId=${sv}` }));
    expect(await bytes(B, 'cp-3')).toMatchObject({ body: sData, sse: undefined });

    await s3.send(new CopyObjectCommand({ Bucket: B, Key: 'cp-4', CopySource: `${B}/src-s?versionId=${sv}`, ServerSideEncryption: 'AES256' }));
    expect(await bytes(B, 'cp-4')).toMatchObject({ body: sData, sse: 'AES256' });
    // Copying a version onto its own name makes it current again, still sealed as asked.
    await s3.send(new CopyObjectCommand({ Bucket: B, Key: 'src-s', CopySource: `${B}/src-s?versionId=${sv}`, ServerSideEncryption: 'AES256' }));
    expect(await bytes(B, 'src-s')).toMatchObject({ body: sData, sse: 'AES256' });
  });

  it('UploadPartCopy from a noncurrent SSE-C version (with its key) into an SSE-S3 upload', async () => {
    const data = randomBytes(6 * 1024 * 1024);
    const v1 = (await s3.send(new PutObjectCommand({ Bucket: B, Key: 'part-src', Body: data, ...sseC(key) }))).VersionId!;
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'part-src', Body: 'newer' }));
    const up = await s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'assembled', ServerSideEncryption: 'AES256' }));
    const p1 = await s3.send(
      new UploadPartCopyCommand({ Bucket: B, Key: 'assembled', UploadId: up.UploadId, PartNumber: 1, CopySource: `${B}/part-src?versionId=${v1}`, CopySourceRange: 'bytes=0-5242879', ...srcC(key) }),
    );
    expect(p1.CopySourceVersionId).toBe(v1);
    const p2 = await s3.send(
      new UploadPartCopyCommand({ Bucket: B, Key: 'assembled', UploadId: up.UploadId, PartNumber: 2, CopySource: `${B}/part-src?versionId=${v1}`, CopySourceRange: `bytes=5242880-${data.length - 1}`, ...srcC(key) }),
    );
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: B,
        Key: 'assembled',
        UploadId: up.UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.CopyPartResult!.ETag }, { PartNumber: 2, ETag: p2.CopyPartResult!.ETag }] },
      }),
    );
    expect(done.ServerSideEncryption).toBe('AES256');
    const got = await bytes(B, 'assembled');
    expect(got.body.equals(data)).toBe(true);
    expect(got).toMatchObject({ sse: 'AES256', versionId: done.VersionId });
  });

  it('with bucket default encryption every version is sealed; ListObjectVersions lists them and each reads back by id', async () => {
    const Bucket = 'sse-versioned-default';
    await s3.send(new CreateBucketCommand({ Bucket }));
    await s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    await s3.send(new PutBucketEncryptionCommand({ Bucket, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } }));
    const bodies = [randomBytes(70_000), randomBytes(70_000), randomBytes(70_000)];
    const ids: string[] = [];
    for (const Body of bodies) ids.push((await s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body }))).VersionId!);
    const listed = await s3.send(new ListObjectVersionsCommand({ Bucket }));
    expect(listed.Versions?.map((v) => [v.VersionId, v.Size, v.IsLatest])).toEqual([
      [ids[2], 70_000, true],
      [ids[1], 70_000, false],
      [ids[0], 70_000, false],
    ]);
    for (const [i, id] of ids.entries()) expect(await bytes(Bucket, 'k', { VersionId: id })).toMatchObject({ body: bodies[i], sse: 'AES256' });
    for (const b of bodies) expect(await storedInClear(b)).toBe(false);
  });
});

describe('Swift versioned writes over encrypted objects', () => {
  let token: string;
  let base: string;
  const swift = (method: string, path: string, headers: Record<string, string> = {}, body?: string) => fetch(`${base}${path}`, { method, headers: { 'x-auth-token': token, ...headers }, body });
  const archived = async (c: string) => ((await (await swift('GET', `/${c}?format=json`)).json()) as Array<{ name: string; bytes: number }>).map((e) => e.name);

  beforeAll(async () => {
    token = await adminSwiftToken(srv);
    base = `${srv.url}/object/v1/AUTH_${srv.admin.projectId}`;
  });

  it('X-Versions-Location archives an SSE-S3 object; the archive reads back decrypted through both faces, and DELETE restores it sealed', async () => {
    expect((await swift('PUT', '/swift-archive')).status).toBe(201);
    expect((await swift('PUT', '/swift-stack', { 'x-versions-location': 'swift-archive' })).status).toBe(201);
    const data = randomBytes(150_000);
    await s3.send(new PutObjectCommand({ Bucket: 'swift-stack', Key: 'doc', Body: data, ServerSideEncryption: 'AES256' }));
    expect((await swift('PUT', '/swift-stack/doc', {}, 'plain v2')).status).toBe(201);
    const names = await archived('swift-archive');
    expect(names).toEqual([expect.stringMatching(/^003doc\/\d{10}\.\d{5}$/)]);
    const viaSwift = await swift('GET', `/swift-archive/${names[0]}`);
    expect(viaSwift.status).toBe(200);
    expect(Buffer.from(await viaSwift.arrayBuffer()).equals(data)).toBe(true);
    const ranged = await swift('GET', `/swift-archive/${names[0]}`, { range: 'bytes=65530-65545' });
    expect(Buffer.from(await ranged.arrayBuffer()).equals(data.subarray(65530, 65546))).toBe(true);
    expect(await bytes('swift-archive', names[0]!)).toMatchObject({ body: data, sse: 'AES256' });

    expect((await swift('DELETE', '/swift-stack/doc')).status).toBe(204);
    expect(await archived('swift-archive')).toEqual([]);
    const restored = await swift('GET', '/swift-stack/doc');
    expect(Buffer.from(await restored.arrayBuffer()).equals(data)).toBe(true);
    expect(await bytes('swift-stack', 'doc')).toMatchObject({ body: data, sse: 'AES256' });
    expect(await storedInClear(data)).toBe(false);
  });

  it('an archived SSE-C object stays sealed: S3 reads it with its key, Swift refuses it (400)', async () => {
    const data = randomBytes(20_000);
    await s3.send(new PutObjectCommand({ Bucket: 'swift-stack', Key: 'secret', Body: data, ...sseC(key) }));
    await s3.send(new PutObjectCommand({ Bucket: 'swift-stack', Key: 'secret', Body: 'plain v2' }));
    const name = (await archived('swift-archive')).find((n) => n.startsWith('006secret/'))!;
    expect(name).toBeDefined();
    expect((await bytes('swift-archive', name, sseC(key))).body.equals(data)).toBe(true);
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: 'swift-archive', Key: name })))).toMatchObject({ status: 400 });
    expect((await swift('GET', `/swift-archive/${name}`)).status).toBe(400);
  });

  it('X-History-Location keeps an SSE-S3 object and its delete as archive rows; the archived version reads back', async () => {
    await swift('PUT', '/swift-hist-archive');
    await swift('PUT', '/swift-hist', { 'x-history-location': 'swift-hist-archive' });
    const data = randomBytes(70_000);
    await s3.send(new PutObjectCommand({ Bucket: 'swift-hist', Key: 'doc', Body: data, ServerSideEncryption: 'AES256' }));
    expect((await swift('DELETE', '/swift-hist/doc')).status).toBe(204);
    const names = await archived('swift-hist-archive');
    expect(names).toHaveLength(2);
    const first = await swift('GET', `/swift-hist-archive/${names[0]}`);
    expect(Buffer.from(await first.arrayBuffer()).equals(data)).toBe(true);
    expect(await bytes('swift-hist-archive', names[0]!)).toMatchObject({ body: data, sse: 'AES256' });
  });
});

describe('lifecycle and bucket policies over encrypted objects', () => {
  it('an expiry rule names and expires SSE-S3 and SSE-C objects; in a versioned bucket the previous encrypted version becomes current', async () => {
    const Bucket = 'sse-lifecycle';
    await s3.send(new CreateBucketCommand({ Bucket }));
    await s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    const old = randomBytes(30_000);
    await s3.send(new PutObjectCommand({ Bucket, Key: 'tmp/c', Body: old, ...sseC(key) }));
    await s3.send(new PutObjectCommand({ Bucket, Key: 'tmp/s', Body: 'short-lived', ServerSideEncryption: 'AES256' }));
    clock.t += 2 * DAY;
    // The older SSE-C version is noncurrent when the rule arrives; the current version of tmp/c is SSE-S3.
    await s3.send(new PutObjectCommand({ Bucket, Key: 'tmp/c', Body: 'newest', ServerSideEncryption: 'AES256' }));
    await s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket, LifecycleConfiguration: { Rules: [{ ID: 'tmp', Filter: { Prefix: 'tmp/' }, Status: 'Enabled', Expiration: { Days: 1 } }] } }));
    expect((await s3.send(new HeadObjectCommand({ Bucket, Key: 'tmp/s' }))).Expiration).toMatch(/rule-id="tmp"/);
    clock.t += 2 * DAY;
    await srv.sys.objects.sweepLifecycle();
    await srv.sys.queue.drain();
    expect(await failure(s3.send(new HeadObjectCommand({ Bucket, Key: 'tmp/s' })))).toMatchObject({ status: 404 });
    const back = await bytes(Bucket, 'tmp/c', sseC(key));
    expect(back.body.equals(old)).toBe(true);
    expect(await failure(s3.send(new GetObjectCommand({ Bucket, Key: 'tmp/c' })))).toMatchObject({ status: 400 });
  });

  it('a policy Allow serves an SSE-S3 object to anonymous readers decrypted (SSE-C still needs the key); a Deny binds the owner holding the right key', async () => {
    const Bucket = 'sse-policy';
    await s3.send(new CreateBucketCommand({ Bucket }));
    const data = randomBytes(10_000);
    await s3.send(new PutObjectCommand({ Bucket, Key: 'pub/s', Body: data, ServerSideEncryption: 'AES256' }));
    await s3.send(new PutObjectCommand({ Bucket, Key: 'pub/c', Body: data, ...sseC(key) }));
    await s3.send(new PutObjectCommand({ Bucket, Key: 'locked/c', Body: data, ...sseC(key) }));
    const statement = (Effect: string, Resource: string) => ({ Effect, Principal: '*', Action: 's3:GetObject', Resource });
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket,
        Policy: JSON.stringify({ Version: '2012-10-17', Statement: [statement('Allow', `arn:aws:s3:::${Bucket}/pub/*`), statement('Deny', `arn:aws:s3:::${Bucket}/locked/*`)] }),
      }),
    );
    const anon = await fetch(`${srv.url}/${Bucket}/pub/s`);
    expect(anon.status).toBe(200);
    expect(anon.headers.get('x-amz-server-side-encryption')).toBe('AES256');
    expect(Buffer.from(await anon.arrayBuffer()).equals(data)).toBe(true);
    expect((await fetch(`${srv.url}/${Bucket}/pub/c`)).status).toBe(400);
    const h = sseC(key);
    const anonC = await fetch(`${srv.url}/${Bucket}/pub/c`, {
      headers: { 'x-amz-server-side-encryption-customer-algorithm': 'AES256', 'x-amz-server-side-encryption-customer-key': h.SSECustomerKey, 'x-amz-server-side-encryption-customer-key-md5': h.SSECustomerKeyMD5 },
    });
    expect(Buffer.from(await anonC.arrayBuffer()).equals(data)).toBe(true);
    expect(await failure(s3.send(new GetObjectCommand({ Bucket, Key: 'locked/c', ...sseC(key) })))).toMatchObject({ code: 'AccessDenied', status: 403 });
  });
});
