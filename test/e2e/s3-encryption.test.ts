// Encryption at rest through the S3 face, driven by @aws-sdk/client-s3: SSE-S3, SSE-C, bucket default encryption, ranges, multipart, copies between modes, key rotation.
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketEncryptionCommand,
  GetBucketEncryptionCommand,
  GetObjectAttributesCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutBucketEncryptionCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileKeyRing } from '../../backends/crypto/file-key-ring.js';
import { rotateSseKeysCommand, sseKeyDir } from '../../gateway/sse-keys.js';
import { readAll } from '../../core/objects/streams.js';
import { rawS3, startS3Server, type S3TestServer, s3Failure as failure, s3ClientFor, adminSwiftToken } from './s3-server.js';

let srv: S3TestServer;
let s3: S3Client;
let ring: FileKeyRing;
let ringDataDir: string;
const B = 'sse-bucket';
const MiB = 1024 * 1024;

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

async function getBytes(key: string, extra: Record<string, unknown> = {}): Promise<{ body: Buffer; out: Awaited<ReturnType<S3Client['send']>> & Record<string, unknown> }> {
  const out = await s3.send(new GetObjectCommand({ Bucket: B, Key: key, ...extra }));
  return { body: Buffer.from(await out.Body!.transformToByteArray()), out: out as never };
}

/** Every stored blob's bytes, to show none of them holds the plaintext. */
async function storedBlobs(): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const k of srv.sys.blobs.list()) out.push(await readAll(await srv.sys.blobs.get(k)));
  return out;
}

beforeAll(async () => {
  // A ring that re-reads its directory on every use, so a rotation by the operator command is seen at once.
  ringDataDir = mkdtempSync(join(tmpdir(), 'skybridge-sse-'));
  ring = new FileKeyRing(join(ringDataDir, 'sse-keys'), { recheckMs: 0, label: 'SSE' });
  srv = await startS3Server({}, { sseKeyRing: ring });
  s3 = s3ClientFor(srv, srv.admin);
  await s3.send(new CreateBucketCommand({ Bucket: B }));
}, 60_000);

afterAll(async () => {
  s3?.destroy();
  await srv?.close();
  if (ringDataDir) rmSync(ringDataDir, { recursive: true, force: true });
});

describe('SSE-S3 (x-amz-server-side-encryption: AES256)', () => {
  const data = randomBytes(200_000);

  it('PUT answers AES256 and the MD5 ETag; GET/HEAD decrypt, report AES256 and the plaintext length; the stored blob is not the plaintext', async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket: B, Key: 'sse-s3', Body: data, ServerSideEncryption: 'AES256' }));
    expect(put.ServerSideEncryption).toBe('AES256');
    expect(put.ETag).toBe(`"${md5(data)}"`);
    const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: 'sse-s3' }));
    expect(head).toMatchObject({ ServerSideEncryption: 'AES256', ContentLength: data.length, ETag: `"${md5(data)}"` });
    const { body, out } = await getBytes('sse-s3');
    expect(out.ServerSideEncryption).toBe('AES256');
    expect(body.equals(data)).toBe(true);
    const probe = data.subarray(1000, 1064);
    const blobs = await storedBlobs();
    expect(blobs.some((b) => b.length > data.length)).toBe(true);
    expect(blobs.some((b) => b.includes(probe))).toBe(false);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: B, Prefix: 'sse-s3' }));
    expect(listed.Contents?.[0]?.Size).toBe(data.length);
  });

  it('ranges decrypt only what they ask for, across chunk boundaries, suffix and open-ended', async () => {
    for (const [range, from, to] of [
      ['bytes=0-0', 0, 0],
      ['bytes=65530-65545', 65530, 65545],
      ['bytes=131072-196607', 131072, 196607],
      ['bytes=-100', data.length - 100, data.length - 1],
      ['bytes=199990-', 199990, data.length - 1],
    ] as const) {
      const { body, out } = await getBytes('sse-s3', { Range: range });
      expect(body.equals(data.subarray(from, to + 1)), range).toBe(true);
      expect(out.ContentLength, range).toBe(to - from + 1);
      expect(out.ContentRange, range).toBe(`bytes ${from}-${to}/${data.length}`);
    }
  });

  it('checksums are of the plaintext', async () => {
    const sha = createHash('sha256').update(data).digest('base64');
    const put = await s3.send(new PutObjectCommand({ Bucket: B, Key: 'sse-sum', Body: data, ServerSideEncryption: 'AES256', ChecksumAlgorithm: 'SHA256' }));
    expect(put.ChecksumSHA256).toBe(sha);
    const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: 'sse-sum', ChecksumMode: 'ENABLED' }));
    expect(head.ChecksumSHA256).toBe(sha);
  });

  it('multipart: parts and the object are AES256; a range spanning parts decrypts; the ETag is the usual -N', async () => {
    const p1 = randomBytes(5 * MiB);
    const p2 = randomBytes(5 * MiB + 3);
    const up = await s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'sse-mpu', ServerSideEncryption: 'AES256' }));
    expect(up.ServerSideEncryption).toBe('AES256');
    const r1 = await s3.send(new UploadPartCommand({ Bucket: B, Key: 'sse-mpu', UploadId: up.UploadId, PartNumber: 1, Body: p1 }));
    const r2 = await s3.send(new UploadPartCommand({ Bucket: B, Key: 'sse-mpu', UploadId: up.UploadId, PartNumber: 2, Body: p2 }));
    expect(r1.ServerSideEncryption).toBe('AES256');
    expect(r1.ETag).toBe(`"${md5(p1)}"`);
    const done = await s3.send(
      new CompleteMultipartUploadCommand({ Bucket: B, Key: 'sse-mpu', UploadId: up.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: r1.ETag }, { PartNumber: 2, ETag: r2.ETag }] } }),
    );
    expect(done.ServerSideEncryption).toBe('AES256');
    expect(done.ETag).toMatch(/-2"$/);
    const all = Buffer.concat([p1, p2]);
    const { body, out } = await getBytes('sse-mpu');
    expect(out.ServerSideEncryption).toBe('AES256');
    expect(body.equals(all)).toBe(true);
    const span = await getBytes('sse-mpu', { Range: `bytes=${5 * MiB - 70_000}-${5 * MiB + 70_000}` });
    expect(span.body.equals(all.subarray(5 * MiB - 70_000, 5 * MiB + 70_001))).toBe(true);
    const part2 = await getBytes('sse-mpu', { PartNumber: 2 });
    expect(part2.body.equals(p2)).toBe(true);
  });

  it('copies between modes: plain → SSE-S3, SSE-S3 → plain (no header: the bucket has no default), SSE-S3 → SSE-S3, in place to SSE-S3', async () => {
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'plain', Body: data }));
    const c1 = await s3.send(new CopyObjectCommand({ Bucket: B, Key: 'plain-to-sse', CopySource: `${B}/plain`, ServerSideEncryption: 'AES256' }));
    expect(c1.ServerSideEncryption).toBe('AES256');
    expect(c1.CopyObjectResult?.ETag).toBe(`"${md5(data)}"`);
    const c2 = await s3.send(new CopyObjectCommand({ Bucket: B, Key: 'sse-to-plain', CopySource: `${B}/sse-s3` }));
    expect(c2.ServerSideEncryption).toBeUndefined();
    const c3 = await s3.send(new CopyObjectCommand({ Bucket: B, Key: 'sse-to-sse', CopySource: `${B}/sse-mpu`, ServerSideEncryption: 'AES256' }));
    expect(c3.ServerSideEncryption).toBe('AES256');
    for (const [key, sse] of [['plain-to-sse', 'AES256'], ['sse-to-plain', undefined]] as const) {
      const { body, out } = await getBytes(key);
      expect(body.equals(data), key).toBe(true);
      expect(out.ServerSideEncryption, key).toBe(sse);
    }
    expect((await getBytes('sse-to-sse')).body.length).toBe(10 * MiB + 3);
    await s3.send(new CopyObjectCommand({ Bucket: B, Key: 'plain', CopySource: `${B}/plain`, ServerSideEncryption: 'AES256' }));
    expect((await getBytes('plain')).out.ServerSideEncryption).toBe('AES256');
  });

  it('a re-sealing copy refused for another reason (a grant to an unknown id, If-None-Match) leaves no blob behind', async () => {
    const count = async () => (await storedBlobs()).length;
    const before = await count();
    const bad = s3.send(new CopyObjectCommand({ Bucket: B, Key: 'refused-copy', CopySource: `${B}/sse-s3`, GrantRead: 'id="no-such-project"' }));
    expect((await failure(bad)).status).toBe(400);
    const cond = s3.send(new CopyObjectCommand({ Bucket: B, Key: 'sse-s3', CopySource: `${B}/plain-to-sse`, IfNoneMatch: '*' }));
    expect((await failure(cond)).status).toBe(412);
    expect(await count()).toBe(before);
  });

  it('UploadPartCopy from an SSE-S3 source into a plain upload', async () => {
    const up = await s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'partcopy' }));
    const part = await s3.send(new UploadPartCopyCommand({ Bucket: B, Key: 'partcopy', UploadId: up.UploadId, PartNumber: 1, CopySource: `${B}/sse-s3`, CopySourceRange: 'bytes=10-70009' }));
    expect(part.CopyPartResult?.ETag).toBe(`"${md5(data.subarray(10, 70010))}"`);
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: 'partcopy', UploadId: up.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.CopyPartResult?.ETag }] } }));
    const { body, out } = await getBytes('partcopy');
    expect(body.equals(data.subarray(10, 70010))).toBe(true);
    expect(out.ServerSideEncryption).toBeUndefined();
  });

  it('objects written before a key rotation stay readable; new objects use the new key', async () => {
    const before = randomBytes(1000);
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'before-rotation', Body: before, ServerSideEncryption: 'AES256' }));
    const dataDir = ringDataDir;
    const msg = await rotateSseKeysCommand({ ...srv.sys.config, dataDir });
    expect(msg).toContain('new primary');
    expect(ring.keys().length).toBe(2);
    expect(sseKeyDir({ ...srv.sys.config, dataDir })).toBe(`${dataDir}/sse-keys`);
    const after = randomBytes(1000);
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'after-rotation', Body: after, ServerSideEncryption: 'AES256' }));
    expect((await getBytes('before-rotation')).body.equals(before)).toBe(true);
    expect((await getBytes('after-rotation')).body.equals(after)).toBe(true);
    expect((await getBytes('sse-s3')).body.equals(data)).toBe(true);
  });
});

describe('SSE-C (customer-provided keys)', () => {
  const key = randomBytes(32);
  const other = randomBytes(32);
  const sseC = (k: Buffer) => ({ SSECustomerAlgorithm: 'AES256', SSECustomerKey: k.toString('base64'), SSECustomerKeyMD5: createHash('md5').update(k).digest('base64') });
  const srcC = (k: Buffer) => ({ CopySourceSSECustomerAlgorithm: 'AES256', CopySourceSSECustomerKey: k.toString('base64'), CopySourceSSECustomerKeyMD5: createHash('md5').update(k).digest('base64') });
  const data = randomBytes(150_000);

  it('PUT echoes the algorithm and key MD5; the ETag is not the plaintext MD5; GET/HEAD need the key; the blob holds neither the plaintext nor the key', async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket: B, Key: 'ssec', Body: data, ...sseC(key) }));
    expect(put.SSECustomerAlgorithm).toBe('AES256');
    expect(put.SSECustomerKeyMD5).toBe(sseC(key).SSECustomerKeyMD5);
    expect(put.ServerSideEncryption).toBeUndefined();
    expect(put.ETag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(put.ETag).not.toBe(`"${md5(data)}"`);
    const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: 'ssec', ...sseC(key) }));
    expect(head).toMatchObject({ SSECustomerAlgorithm: 'AES256', SSECustomerKeyMD5: sseC(key).SSECustomerKeyMD5, ContentLength: data.length, ETag: put.ETag });
    const { body, out } = await getBytes('ssec', sseC(key));
    expect(body.equals(data)).toBe(true);
    expect(out.SSECustomerKeyMD5).toBe(sseC(key).SSECustomerKeyMD5);
    const blobs = await storedBlobs();
    expect(blobs.some((b) => b.includes(data.subarray(5000, 5064)))).toBe(false);
    expect(blobs.some((b) => b.includes(key))).toBe(false);
    const rows = srv.sys.db.sqlite.prepare("SELECT encryption FROM obj_objects WHERE name = 'ssec'").all() as Array<{ encryption: string }>;
    expect(rows[0]!.encryption).not.toContain(key.toString('base64'));
    expect(rows[0]!.encryption).not.toContain(sseC(key).SSECustomerKeyMD5);
  });

  it('without the key → 400 InvalidRequest; another key → 403 AccessDenied (GET and HEAD)', async () => {
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: B, Key: 'ssec' })))).toMatchObject({ code: 'InvalidRequest', status: 400 });
    expect(await failure(s3.send(new HeadObjectCommand({ Bucket: B, Key: 'ssec' })))).toMatchObject({ status: 400 });
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: B, Key: 'ssec', ...sseC(other) })))).toMatchObject({ code: 'AccessDenied', status: 403 });
    expect(await failure(s3.send(new HeadObjectCommand({ Bucket: B, Key: 'ssec', ...sseC(other) })))).toMatchObject({ status: 403 });
  });

  it('a key MD5 that does not match, or a missing MD5 → 400 InvalidArgument and nothing stored', async () => {
    // The SDK computes the key MD5 itself, so the wrong and missing MD5 go out as raw signed requests.
    const wrong = await rawS3(srv.url, {
      method: 'PUT',
      path: `/${B}/ssec-bad`,
      access: srv.admin.access,
      secret: srv.admin.secret,
      body: 'x',
      headers: { 'x-amz-server-side-encryption-customer-algorithm': 'AES256', 'x-amz-server-side-encryption-customer-key': key.toString('base64'), 'x-amz-server-side-encryption-customer-key-md5': createHash('md5').update(other).digest('base64') },
    });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain('<Code>InvalidArgument</Code>');
    const r = await rawS3(srv.url, {
      method: 'PUT',
      path: `/${B}/ssec-bad`,
      access: srv.admin.access,
      secret: srv.admin.secret,
      body: 'x',
      headers: { 'x-amz-server-side-encryption-customer-algorithm': 'AES256', 'x-amz-server-side-encryption-customer-key': key.toString('base64') },
    });
    expect(r.status).toBe(400);
    expect(await r.text()).toContain('<Code>InvalidArgument</Code>');
    const short = await rawS3(srv.url, {
      method: 'PUT',
      path: `/${B}/ssec-bad`,
      access: srv.admin.access,
      secret: srv.admin.secret,
      body: 'x',
      headers: { 'x-amz-server-side-encryption-customer-algorithm': 'AES256', 'x-amz-server-side-encryption-customer-key': randomBytes(16).toString('base64'), 'x-amz-server-side-encryption-customer-key-md5': 'AAAAAAAAAAAAAAAAAAAAAA==' },
    });
    expect(short.status).toBe(400);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: B, Prefix: 'ssec-bad' }));
    expect(listed.Contents ?? []).toEqual([]);
  });

  it('ranges need the key and decrypt only what they ask for', async () => {
    const { body, out } = await getBytes('ssec', { ...sseC(key), Range: 'bytes=65000-140000' });
    expect(body.equals(data.subarray(65000, 140001))).toBe(true);
    expect(out.ContentRange).toBe(`bytes 65000-140000/${data.length}`);
  });

  it('multipart: every part needs the upload key (none → 400, another → 403); ranges across parts; listing shows the plaintext size', async () => {
    const p1 = randomBytes(5 * MiB);
    const p2 = randomBytes(1000);
    const up = await s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'ssec-mpu', ...sseC(key) }));
    expect(up.SSECustomerAlgorithm).toBe('AES256');
    expect(await failure(s3.send(new UploadPartCommand({ Bucket: B, Key: 'ssec-mpu', UploadId: up.UploadId, PartNumber: 1, Body: p1 })))).toMatchObject({ code: 'InvalidRequest', status: 400 });
    expect(await failure(s3.send(new UploadPartCommand({ Bucket: B, Key: 'ssec-mpu', UploadId: up.UploadId, PartNumber: 1, Body: p1, ...sseC(other) })))).toMatchObject({ status: 403 });
    const r1 = await s3.send(new UploadPartCommand({ Bucket: B, Key: 'ssec-mpu', UploadId: up.UploadId, PartNumber: 1, Body: p1, ...sseC(key) }));
    expect(r1.SSECustomerKeyMD5).toBe(sseC(key).SSECustomerKeyMD5);
    expect(r1.ETag).not.toBe(`"${md5(p1)}"`);
    const r2 = await s3.send(new UploadPartCommand({ Bucket: B, Key: 'ssec-mpu', UploadId: up.UploadId, PartNumber: 2, Body: p2, ...sseC(key) }));
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: 'ssec-mpu', UploadId: up.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: r1.ETag }, { PartNumber: 2, ETag: r2.ETag }] } }));
    const all = Buffer.concat([p1, p2]);
    expect((await getBytes('ssec-mpu', sseC(key))).body.equals(all)).toBe(true);
    const span = await getBytes('ssec-mpu', { ...sseC(key), Range: `bytes=${5 * MiB - 10}-${5 * MiB + 9}` });
    expect(span.body.equals(all.subarray(5 * MiB - 10, 5 * MiB + 10))).toBe(true);
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: B, Key: 'ssec-mpu', ...sseC(other) })))).toMatchObject({ status: 403 });
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: B, Prefix: 'ssec-mpu' }));
    expect(listed.Contents?.[0]?.Size).toBe(all.length);
  });

  it('copies: SSE-C → plain with the source key, plain → SSE-C, SSE-C → SSE-C under another key; a missing or wrong source key is refused', async () => {
    expect(await failure(s3.send(new CopyObjectCommand({ Bucket: B, Key: 'ssec-copy', CopySource: `${B}/ssec` })))).toMatchObject({ code: 'InvalidRequest', status: 400 });
    expect(await failure(s3.send(new CopyObjectCommand({ Bucket: B, Key: 'ssec-copy', CopySource: `${B}/ssec`, ...srcC(other) })))).toMatchObject({ status: 403 });
    const toPlain = await s3.send(new CopyObjectCommand({ Bucket: B, Key: 'ssec-to-plain', CopySource: `${B}/ssec`, ...srcC(key) }));
    expect(toPlain.CopyObjectResult?.ETag).toBe(`"${md5(data)}"`);
    expect((await getBytes('ssec-to-plain')).body.equals(data)).toBe(true);
    const toC = await s3.send(new CopyObjectCommand({ Bucket: B, Key: 'plain-to-ssec', CopySource: `${B}/ssec-to-plain`, ...sseC(other) }));
    expect(toC.SSECustomerKeyMD5).toBe(sseC(other).SSECustomerKeyMD5);
    expect((await getBytes('plain-to-ssec', sseC(other))).body.equals(data)).toBe(true);
    await s3.send(new CopyObjectCommand({ Bucket: B, Key: 'ssec-rekeyed', CopySource: `${B}/ssec-mpu`, ...srcC(key), ...sseC(other) }));
    expect((await getBytes('ssec-rekeyed', sseC(other))).body.length).toBe(5 * MiB + 1000);
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: B, Key: 'ssec-rekeyed', ...sseC(key) })))).toMatchObject({ status: 403 });
    const toS3 = await s3.send(new CopyObjectCommand({ Bucket: B, Key: 'ssec-to-sse-s3', CopySource: `${B}/ssec`, ...srcC(key), ServerSideEncryption: 'AES256' }));
    expect(toS3.ServerSideEncryption).toBe('AES256');
    expect((await getBytes('ssec-to-sse-s3')).body.equals(data)).toBe(true);
  });

  it('UploadPartCopy from an SSE-C source into an SSE-C upload under another key', async () => {
    const up = await s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'ssec-partcopy', ...sseC(other) }));
    const part = await s3.send(new UploadPartCopyCommand({ Bucket: B, Key: 'ssec-partcopy', UploadId: up.UploadId, PartNumber: 1, CopySource: `${B}/ssec`, CopySourceRange: 'bytes=0-99', ...srcC(key), ...sseC(other) }));
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: 'ssec-partcopy', UploadId: up.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.CopyPartResult?.ETag }] } }));
    expect((await getBytes('ssec-partcopy', sseC(other))).body.equals(data.subarray(0, 100))).toBe(true);
  });

  it('SSE-C and x-amz-server-side-encryption together → 400 InvalidArgument', async () => {
    expect(await failure(s3.send(new PutObjectCommand({ Bucket: B, Key: 'both', Body: 'x', ServerSideEncryption: 'AES256', ...sseC(key) })))).toMatchObject({ code: 'InvalidArgument', status: 400 });
  });
});

describe('bucket default encryption (Put/Get/DeleteBucketEncryption)', () => {
  const D = 'sse-default';

  it('without a configuration GetBucketEncryption is 404 ServerSideEncryptionConfigurationNotFoundError', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: D }));
    expect(await failure(s3.send(new GetBucketEncryptionCommand({ Bucket: D })))).toMatchObject({ code: 'ServerSideEncryptionConfigurationNotFoundError', status: 404 });
  });

  it('AES256 is stored, answered, and applied to new objects without SSE headers (PUT, multipart, copy); explicit SSE-C still wins', async () => {
    await s3.send(new PutBucketEncryptionCommand({ Bucket: D, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } }));
    const got = await s3.send(new GetBucketEncryptionCommand({ Bucket: D }));
    expect(got.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm).toBe('AES256');
    const put = await s3.send(new PutObjectCommand({ Bucket: D, Key: 'auto', Body: 'secret by default' }));
    expect(put.ServerSideEncryption).toBe('AES256');
    expect((await s3.send(new HeadObjectCommand({ Bucket: D, Key: 'auto' }))).ServerSideEncryption).toBe('AES256');
    const up = await s3.send(new CreateMultipartUploadCommand({ Bucket: D, Key: 'auto-mpu' }));
    expect(up.ServerSideEncryption).toBe('AES256');
    const copy = await s3.send(new CopyObjectCommand({ Bucket: D, Key: 'auto-copy', CopySource: `${B}/sse-to-plain` }));
    expect(copy.ServerSideEncryption).toBe('AES256');
    const key = randomBytes(32);
    const c = await s3.send(new PutObjectCommand({ Bucket: D, Key: 'explicit-c', Body: 'x', SSECustomerAlgorithm: 'AES256', SSECustomerKey: key.toString('base64') }));
    expect(c.ServerSideEncryption).toBeUndefined();
    expect(c.SSECustomerAlgorithm).toBe('AES256');
    expect((await storedBlobs()).some((b) => b.includes(Buffer.from('secret by default')))).toBe(false);
  });

  it('aws:kms → 501 NotImplemented, an unknown algorithm → 400 MalformedXML; the configuration is unchanged', async () => {
    const kms = s3.send(new PutBucketEncryptionCommand({ Bucket: D, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'alias/x' } }] } }));
    expect(await failure(kms)).toMatchObject({ code: 'NotImplemented', status: 501 });
    const bogus = s3.send(new PutBucketEncryptionCommand({ Bucket: D, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'ROT13' as never } }] } }));
    expect(await failure(bogus)).toMatchObject({ code: 'MalformedXML', status: 400 });
    const got = await s3.send(new GetBucketEncryptionCommand({ Bucket: D }));
    expect(got.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm).toBe('AES256');
  });

  it('another project may not read or change it (403); DeleteBucketEncryption makes new objects plain, old ones stay encrypted', async () => {
    const demo = s3ClientFor(srv, srv.demo);
    expect(await failure(demo.send(new GetBucketEncryptionCommand({ Bucket: D })))).toMatchObject({ code: 'AccessDenied', status: 403 });
    expect(await failure(demo.send(new DeleteBucketEncryptionCommand({ Bucket: D })))).toMatchObject({ code: 'AccessDenied', status: 403 });
    demo.destroy();
    await s3.send(new DeleteBucketEncryptionCommand({ Bucket: D }));
    expect(await failure(s3.send(new GetBucketEncryptionCommand({ Bucket: D })))).toMatchObject({ code: 'ServerSideEncryptionConfigurationNotFoundError' });
    const put = await s3.send(new PutObjectCommand({ Bucket: D, Key: 'after-delete', Body: 'plain again' }));
    expect(put.ServerSideEncryption).toBeUndefined();
    expect((await s3.send(new HeadObjectCommand({ Bucket: D, Key: 'auto' }))).ServerSideEncryption).toBe('AES256');
  });
});

describe('the same objects through Swift', () => {
  let token: string;
  let swiftBase: string;
  const swift = (method: string, path: string, headers: Record<string, string> = {}, body?: string) =>
    fetch(`${swiftBase}${path}`, { method, headers: { 'x-auth-token': token, ...headers }, body });

  beforeAll(async () => {
    token = await adminSwiftToken(srv);
    swiftBase = `${srv.url}/object/v1/AUTH_${srv.admin.projectId}`;
  });

  it('Swift GET decrypts SSE-S3 objects (whole, ranged, multipart) with the S3 ETag', async () => {
    const s3Side = await getBytes('sse-s3');
    const r = await swift('GET', `/${B}/sse-s3`);
    expect(r.status).toBe(200);
    expect(Buffer.from(await r.arrayBuffer()).equals(s3Side.body)).toBe(true);
    expect(`"${r.headers.get('etag')}"`).toBe(s3Side.out.ETag);
    const ranged = await swift('GET', `/${B}/sse-s3`, { range: 'bytes=65535-65540' });
    expect(ranged.status).toBe(206);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(s3Side.body.subarray(65535, 65541))).toBe(true);
    const mpu = await swift('GET', `/${B}/sse-mpu`);
    expect(Buffer.from(await mpu.arrayBuffer()).length).toBe(10 * MiB + 3);
  });

  it('Swift SLO and DLO manifests over SSE-S3 segments read back decrypted', async () => {
    const a = randomBytes(70_000);
    const b = randomBytes(1234);
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'seg/1', Body: a, ServerSideEncryption: 'AES256' }));
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'seg/2', Body: b, ServerSideEncryption: 'AES256' }));
    const slo = await swift('PUT', `/${B}/slo-over-sse?multipart-manifest=put`, { 'content-type': 'application/json' }, JSON.stringify([{ path: `/${B}/seg/1` }, { path: `/${B}/seg/2`, range: '10-19' }]));
    expect(slo.status).toBe(201);
    expect(Buffer.from(await (await swift('GET', `/${B}/slo-over-sse`)).arrayBuffer()).equals(Buffer.concat([a, b.subarray(10, 20)]))).toBe(true);
    const dlo = await swift('PUT', `/${B}/dlo-over-sse`, { 'x-object-manifest': `${B}/seg/` }, '');
    expect(dlo.status).toBe(201);
    const ranged = await swift('GET', `/${B}/dlo-over-sse`, { range: 'bytes=69990-70009' });
    expect(Buffer.from(await ranged.arrayBuffer()).equals(Buffer.concat([a, b]).subarray(69990, 70010))).toBe(true);
  });

  it('Swift cannot read SSE-C objects: GET and COPY are 400 with the reason, never the ciphertext; an SLO over an SSE-C segment is refused', async () => {
    const r = await swift('GET', `/${B}/ssec`);
    expect(r.status).toBe(400);
    expect(await r.text()).toMatch(/Server Side Encryption/);
    const copy = await swift('COPY', `/${B}/ssec`, { destination: `/${B}/ssec-swift-copy` });
    expect(copy.status).toBe(400);
    expect((await swift('HEAD', `/${B}/ssec-swift-copy`)).status).toBe(404);
    const slo = await swift('PUT', `/${B}/slo-over-ssec?multipart-manifest=put`, { 'content-type': 'application/json' }, JSON.stringify([{ path: `/${B}/ssec` }]));
    expect(slo.status).toBe(400);
    expect(await slo.text()).toMatch(/SSE-C/);
  });

  it('a Swift PUT into a bucket with default encryption is stored encrypted and reads back through both faces', async () => {
    await s3.send(new PutBucketEncryptionCommand({ Bucket: B, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } }));
    const put = await swift('PUT', `/${B}/from-swift`, {}, 'swift secret bytes');
    expect(put.status).toBe(201);
    expect(put.headers.get('etag')).toBe(md5(Buffer.from('swift secret bytes')));
    const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: 'from-swift' }));
    expect(head.ServerSideEncryption).toBe('AES256');
    expect(await (await swift('GET', `/${B}/from-swift`)).text()).toBe('swift secret bytes');
    expect((await storedBlobs()).some((b) => b.includes(Buffer.from('swift secret bytes')))).toBe(false);
    await s3.send(new DeleteBucketEncryptionCommand({ Bucket: B }));
  });
});

describe('GetObjectAttributes of an SSE-C object', () => {
  it('needs the key (400 without), and answers the plaintext size with it', async () => {
    const key = randomBytes(32);
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'attrs-c', Body: 'twelve bytes', SSECustomerAlgorithm: 'AES256', SSECustomerKey: key.toString('base64') }));
    expect(await failure(s3.send(new GetObjectAttributesCommand({ Bucket: B, Key: 'attrs-c', ObjectAttributes: ['ObjectSize'] })))).toMatchObject({ status: 400 });
    const a = await s3.send(new GetObjectAttributesCommand({ Bucket: B, Key: 'attrs-c', ObjectAttributes: ['ObjectSize'], SSECustomerAlgorithm: 'AES256', SSECustomerKey: key.toString('base64') }));
    expect(a.ObjectSize).toBe(12);
  });
});
