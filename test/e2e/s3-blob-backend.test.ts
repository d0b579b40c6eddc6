// A skybridge whose blob backend is an S3 bucket on a second skybridge: S3 and Swift serve the same bytes, and a failing cluster answers 503.
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { startFaultProxy, type FaultProxy } from '../harness/fault-proxy.js';
import { startS3Remote, type S3Remote } from '../harness/s3-remote.js';
import { startServer } from '../harness/server.js';
import { adminSwiftToken, s3Failure, startS3Server, type S3TestServer } from './s3-server.js';

const MiB = 1 << 20;
const REMOTE_BUCKET = 'front-blobs';
const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');

let remote: S3Remote;
let proxy: FaultProxy;
let front: S3TestServer;
let s3: S3Client;
let token: string;

function pattern(size: number, seed: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * seed + (i >> 12)) & 0xff;
  return b;
}

/** The S3 settings pointing a skybridge at the remote, through `endpoint`. */
function s3BlobEnv(endpoint: string): Record<string, string> {
  return {
    SKYBRIDGE_BLOB_BACKEND: 's3',
    SKYBRIDGE_BLOB_S3_ENDPOINT: endpoint,
    SKYBRIDGE_BLOB_S3_BUCKET: REMOTE_BUCKET,
    SKYBRIDGE_BLOB_S3_ACCESS_KEY_ID: remote.accessKeyId,
    SKYBRIDGE_BLOB_S3_SECRET_ACCESS_KEY: remote.secretAccessKey,
    SKYBRIDGE_BLOB_S3_PART_SIZE: String(5 * MiB),
  };
}

async function remoteBlobs(): Promise<string[]> {
  const r = await remote.client.send(new ListObjectsV2Command({ Bucket: REMOTE_BUCKET }));
  return (r.Contents ?? []).map((o) => o.Key!);
}

async function s3Bytes(bucket: string, key: string, range?: string): Promise<Buffer> {
  const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: range }));
  return Buffer.from(await r.Body!.transformToByteArray());
}

function swift(method: string, path: string, body?: Buffer): Promise<Response> {
  return fetch(`${front.url}/object/v1/AUTH_${front.admin.projectId}/${path}`, { method, headers: { 'x-auth-token': token }, body: body as BodyInit | undefined });
}

beforeAll(async () => {
  remote = await startS3Remote();
  await remote.createBucket(REMOTE_BUCKET);
  proxy = await startFaultProxy(remote.endpoint);
  front = await startS3Server(s3BlobEnv(proxy.url));
  // One attempt: the 503s below must be the front's answers, not hidden by the SDK's retries.
  s3 = new S3Client({ endpoint: front.url, region: 'us-east-1', forcePathStyle: true, maxAttempts: 1, credentials: { accessKeyId: front.admin.access, secretAccessKey: front.admin.secret } });
  token = await adminSwiftToken(front);
  await s3.send(new CreateBucketCommand({ Bucket: 'photos' }));
}, 90_000);

afterAll(async () => {
  s3?.destroy();
  await front?.close();
  await proxy?.close();
  await remote?.dispose();
});

describe('objects stored in an S3-compatible cluster', () => {
  const bucket = 'photos';

  it('serves S3 PUT, GET, ranges, copy and multipart, and Swift GET, byte-identical, with the bytes on the remote', async () => {
    const before = (await remoteBlobs()).length;
    const small = pattern(1000, 3);
    const big = pattern(12 * MiB + 777, 5);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'small.bin', Body: small }));
    const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'dir/big.bin', Body: big }));
    expect(put.ETag).toBe(`"${md5(big)}"`);
    expect((await s3Bytes(bucket, 'small.bin')).equals(small)).toBe(true);
    expect((await s3Bytes(bucket, 'dir/big.bin')).equals(big)).toBe(true);
    expect((await s3Bytes(bucket, 'dir/big.bin', `bytes=${5 * MiB - 3}-${5 * MiB + 3}`)).equals(big.subarray(5 * MiB - 3, 5 * MiB + 4))).toBe(true);

    const parts = [pattern(5 * MiB, 7), pattern(5 * MiB, 11), pattern(123_456, 13)];
    const up = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'multi.bin' }));
    const done: Array<{ PartNumber: number; ETag?: string }> = [];
    for (const [i, body] of parts.entries()) {
      const r = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'multi.bin', UploadId: up.UploadId, PartNumber: i + 1, Body: body }));
      done.push({ PartNumber: i + 1, ETag: r.ETag });
    }
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'multi.bin', UploadId: up.UploadId, MultipartUpload: { Parts: done } }));
    const whole = Buffer.concat(parts);
    expect((await s3Bytes(bucket, 'multi.bin')).equals(whole)).toBe(true);
    expect((await s3Bytes(bucket, 'multi.bin', `bytes=${5 * MiB - 2}-${10 * MiB + 2}`)).equals(whole.subarray(5 * MiB - 2, 10 * MiB + 3))).toBe(true);

    await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'copy.bin', CopySource: `${bucket}/dir/big.bin` }));
    expect((await s3Bytes(bucket, 'copy.bin')).equals(big)).toBe(true);

    for (const [key, bytes] of [['small.bin', small], ['dir/big.bin', big], ['multi.bin', whole], ['copy.bin', big]] as const) {
      const r = await swift('GET', `${bucket}/${key}`);
      expect(r.status, key).toBe(200);
      expect(Buffer.from(await r.arrayBuffer()).equals(bytes), key).toBe(true);
    }
    const viaSwift = pattern(2 * MiB, 17);
    expect((await swift('PUT', `${bucket}/from-swift.bin`, viaSwift)).status).toBe(201);
    expect((await s3Bytes(bucket, 'from-swift.bin')).equals(viaSwift)).toBe(true);

    // Every byte went to the remote bucket (under the default prefix); this skybridge keeps none.
    const blobs = await remoteBlobs();
    expect(blobs.length).toBeGreaterThanOrEqual(before + 5);
    expect(blobs.every((k) => k.startsWith('blobs/'))).toBe(true);
  });

  it('removes a deleted object’s blob from the remote (blob gc through the store)', async () => {
    const without = new Set(await remoteBlobs());
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'doomed.bin', Body: pattern(4096, 19) }));
    const added = (await remoteBlobs()).filter((k) => !without.has(k));
    expect(added).toHaveLength(1);
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'doomed.bin' }));
    // The delete schedules blob.gc a minute later (readers may still stream); run it now, as that job would.
    await front.sys.queue.enqueue('blob.gc', { blobKeys: [added[0]!.slice('blobs/'.length)] });
    let left = await remoteBlobs();
    for (let i = 0; i < 100 && left.includes(added[0]!); i++) {
      await new Promise((r) => setTimeout(r, 100));
      left = await remoteBlobs();
    }
    expect(new Set(left)).toEqual(without);
  });

  it('audits the remote bucket: an unreferenced blob there goes to blob gc, referenced ones stay', async () => {
    const data = pattern(5000, 37);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'audited.bin', Body: data }));
    // What a crash between a blob landing and its metadata committing leaves behind.
    await remote.client.send(new PutObjectCommand({ Bucket: REMOTE_BUCKET, Key: 'blobs/orphan-from-a-crash', Body: 'stray' }));
    // Everything written so far is older than this cutoff: only references protect it.
    await front.sys.queue.enqueue('blob.audit', { cutoff: Date.now() + 2000 });
    let left = await remoteBlobs();
    for (let i = 0; i < 100 && left.includes('blobs/orphan-from-a-crash'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      left = await remoteBlobs();
    }
    expect(left).not.toContain('blobs/orphan-from-a-crash');
    expect((await s3Bytes(bucket, 'audited.bin')).equals(data)).toBe(true);
    expect((await s3Bytes(bucket, 'small.bin')).length).toBe(1000);
  });

  it('answers 503 on S3 and Swift while the cluster fails (5xx, dropped connections, unreachable), and recovers', async () => {
    const data = pattern(3000, 23);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'steady.bin', Body: data }));
    for (const mode of [{ kind: 'status', status: 503 }, { kind: 'status', status: 500 }, { kind: 'reset' }] as const) {
      proxy.set(mode);
      const label = JSON.stringify(mode);
      expect(await s3Failure(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'steady.bin' }))), label).toMatchObject({ code: 'ServiceUnavailable', status: 503 });
      expect(await s3Failure(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'lost.bin', Body: data }))), label).toMatchObject({ code: 'ServiceUnavailable', status: 503 });
      expect((await swift('GET', `${bucket}/steady.bin`)).status, label).toBe(503);
      expect((await swift('PUT', `${bucket}/lost-swift.bin`, data)).status, label).toBe(503);
    }
    proxy.set({ kind: 'pass' });
    expect((await s3Bytes(bucket, 'steady.bin')).equals(data)).toBe(true);
    // A write refused for want of a blob store left no object behind.
    expect(await s3Failure(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'lost.bin' })))).toMatchObject({ code: 'NoSuchKey', status: 404 });
    expect((await swift('GET', `${bucket}/lost-swift.bin`)).status).toBe(404);
  });

  it('survives a cluster that breaks off in the middle of a read: that response is cut, the next ones are whole', async () => {
    const data = pattern(3 * MiB, 31);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'fragile.bin', Body: data }));
    proxy.set({ kind: 'cut-body', afterBytes: MiB });
    // The status and length were sent before the break: the client sees a body that ends early, never a quiet short object.
    const broken = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'fragile.bin' }));
    const got = await broken.Body!.transformToByteArray().then(
      (b) => b.length,
      () => -1,
    );
    expect(got).not.toBe(data.length);
    const swiftBroken = await swift('GET', `${bucket}/fragile.bin`);
    expect(await swiftBroken.arrayBuffer().then((b) => b.byteLength, () => -1)).not.toBe(data.length);
    proxy.set({ kind: 'pass' });
    expect((await fetch(`${front.url}/healthz`)).status).toBe(200);
    expect((await s3Bytes(bucket, 'fragile.bin')).equals(data)).toBe(true);
  });

  it('answers 503 when the cluster cannot be reached at all', async () => {
    const orphan = await startS3Server({ ...s3BlobEnv('http://127.0.0.1:9') });
    try {
      const c = new S3Client({ endpoint: orphan.url, region: 'us-east-1', forcePathStyle: true, maxAttempts: 1, credentials: { accessKeyId: orphan.admin.access, secretAccessKey: orphan.admin.secret } });
      await c.send(new CreateBucketCommand({ Bucket: 'nowhere' }));
      expect(await s3Failure(c.send(new PutObjectCommand({ Bucket: 'nowhere', Key: 'k', Body: 'abc' })))).toMatchObject({ code: 'ServiceUnavailable', status: 503 });
      c.destroy();
    } finally {
      await orphan.close();
    }
  });
});

describe('starting a skybridge process with the S3 blob backend', () => {
  it('serves objects from the remote bucket', async () => {
    const srv = await startServer({ env: { ...s3BlobEnv(remote.endpoint), SKYBRIDGE_PASSWORD_HASH_COST: '1024', SKYBRIDGE_BLOB_S3_PREFIX: 'process/' } });
    try {
      const env = Object.fromEntries([...readFileSync(`${srv.dataDir}/aws.env`, 'utf8').matchAll(/^export (\w+)='?([^'\n]*)'?$/gm)].map((m) => [m[1], m[2]]));
      const c = new S3Client({ endpoint: srv.url, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! } });
      const data = pattern(6 * MiB, 29);
      await c.send(new CreateBucketCommand({ Bucket: 'proc' }));
      await c.send(new PutObjectCommand({ Bucket: 'proc', Key: 'k.bin', Body: data }));
      const got = await c.send(new GetObjectCommand({ Bucket: 'proc', Key: 'k.bin' }));
      expect(Buffer.from(await got.Body!.transformToByteArray()).equals(data)).toBe(true);
      expect((await remoteBlobs()).some((k) => k.startsWith('process/'))).toBe(true);
      c.destroy();
    } finally {
      await srv.dispose();
    }
  });

  it('refuses to start with a missing setting or bucket, naming the variable', async () => {
    // Our own data dir: the harness cannot remove one whose server never came up.
    const dataDir = mkdtempSync(join(tmpdir(), 'skybridge-s3-refused-'));
    onTestFinished(() => rmSync(dataDir, { recursive: true, force: true }));
    const missing = await startServer({ dataDir, env: { SKYBRIDGE_BLOB_BACKEND: 's3' } }).then(
      () => 'started',
      (e: Error) => e.message,
    );
    expect(missing).toMatch(/SKYBRIDGE_BLOB_S3_ENDPOINT: required when SKYBRIDGE_BLOB_BACKEND=s3/);
    const noBucket = await startServer({ dataDir, env: { ...s3BlobEnv(remote.endpoint), SKYBRIDGE_BLOB_S3_BUCKET: 'no-such-bucket' } }).then(
      () => 'started',
      (e: Error) => e.message,
    );
    expect(noBucket).toMatch(/SKYBRIDGE_BLOB_S3_BUCKET: no bucket no-such-bucket/);
  });
});
