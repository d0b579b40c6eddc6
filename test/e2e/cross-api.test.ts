// One store, two faces: objects written through S3 read through Swift and the reverse (small, multipart/SLO, DLO), over TCP.
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startObjectFixture, uniq, type ObjectFixture } from '../clients/object-fixture.js';

const MiB = 1 << 20;
const md5 = (b: Uint8Array | string) => createHash('md5').update(b).digest('hex');
/** S3's multipart ETag: md5 of the binary part MD5s, `-N`. */
const s3MultipartEtag = (parts: Buffer[]) => `"${md5(Buffer.concat(parts.map((p) => Buffer.from(md5(p), 'hex'))))}-${parts.length}"`;
/** Swift's SLO ETag: md5 of the concatenated hex segment etags, quoted. */
const swiftSloEtag = (parts: Buffer[]) => `"${md5(parts.map((p) => md5(p)).join(''))}"`;
const sameSecond = (a: Date | string | null | undefined, b: Date | string | null | undefined) => {
  expect(a, 'last-modified present').toBeTruthy();
  expect(new Date(a!).getTime()).toBe(new Date(b!).getTime());
};

let fx: ObjectFixture;
let s3: S3Client;
let swiftBase: string;
const bucket = uniq('cross');

/** A Swift request with the admin's Keystone token; `path` is appended verbatim to the account URL. */
async function swift(method: string, path: string, init: { headers?: Record<string, string>; body?: Uint8Array | string } = {}): Promise<Response> {
  return fetch(`${swiftBase}${path}`, { method, headers: { 'x-auth-token': fx.admin.token, ...init.headers }, body: init.body as BodyInit | undefined });
}

async function s3Bytes(key: string) {
  const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return { ...r, bytes: Buffer.from(await r.Body!.transformToByteArray()) };
}

beforeAll(async () => {
  fx = await startObjectFixture();
  swiftBase = fx.swiftUrl(fx.admin.projectId);
  s3 = new S3Client({
    endpoint: fx.url,
    region: fx.region,
    forcePathStyle: true,
    credentials: { accessKeyId: fx.admin.ec2.access, secretAccessKey: fx.admin.ec2.secret },
  });
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
}, 120_000);

afterAll(async () => {
  s3?.destroy();
  await fx?.dispose();
});

describe('S3 → Swift', () => {
  it('a small object: same bytes, size, ETag, content type, metadata and last-modified', async () => {
    const body = randomBytes(1500);
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'small/s3.bin', Body: body, ContentType: 'text/x-cross', Metadata: { color: 'blue', 'two-words': 'a b' } }),
    );
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'small/s3.bin' }));
    expect(head.ETag).toBe(`"${md5(body)}"`);

    const r = await swift('GET', `/${bucket}/small/s3.bin`);
    expect(r.status).toBe(200);
    const got = Buffer.from(await r.arrayBuffer());
    expect(md5(got)).toBe(md5(body));
    expect(r.headers.get('content-length')).toBe(String(body.length));
    expect(r.headers.get('etag')).toBe(md5(body));
    expect(r.headers.get('content-type')).toBe('text/x-cross');
    expect(r.headers.get('x-object-meta-color')).toBe('blue');
    expect(r.headers.get('x-object-meta-two-words')).toBe('a b');
    sameSecond(r.headers.get('last-modified'), head.LastModified);

    const list = await swift('GET', `/${bucket}?format=json&prefix=small/`);
    const rows = (await list.json()) as Array<{ name: string; hash: string; bytes: number; content_type: string }>;
    expect(rows.find((o) => o.name === 'small/s3.bin')).toMatchObject({ hash: md5(body), bytes: body.length, content_type: 'text/x-cross' });
  });

  it('a multipart object reads as an SLO with every byte', async () => {
    const parts = [randomBytes(5 * MiB), randomBytes(1000)];
    const key = 'big/s3-multipart.bin';
    const { UploadId } = await s3.send(
      new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: 'application/x-mpu', Metadata: { origin: 's3-mpu' } }),
    );
    const etags: string[] = [];
    for (const [i, p] of parts.entries()) {
      const up = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: i + 1, Body: p }));
      etags.push(up.ETag!);
    }
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId,
        MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
      }),
    );
    expect(done.ETag).toBe(s3MultipartEtag(parts));
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));

    const r = await swift('GET', `/${bucket}/${key}`);
    expect(r.status).toBe(200);
    const got = Buffer.from(await r.arrayBuffer());
    expect(got.length).toBe(parts[0]!.length + parts[1]!.length);
    expect(md5(got)).toBe(md5(Buffer.concat(parts)));
    expect(r.headers.get('content-length')).toBe(String(got.length));
    // swiftclient verifies body MD5 against Etag unless the object says it is a large object.
    expect(r.headers.get('x-static-large-object')).toBe('True');
    expect(r.headers.get('etag')).toBe(swiftSloEtag(parts));
    expect(r.headers.get('content-type')).toBe('application/x-mpu');
    expect(r.headers.get('x-object-meta-origin')).toBe('s3-mpu');
    sameSecond(r.headers.get('last-modified'), head.LastModified);
  });
});

describe('Swift → S3', () => {
  it('a small object: same bytes, size, ETag, content type, metadata and last-modified', async () => {
    const body = randomBytes(2500);
    const put = await swift('PUT', `/${bucket}/small/swift.bin`, {
      headers: { 'content-type': 'application/x-swift', 'x-object-meta-flavor': 'mint', 'X-Object-Meta-Camel-Case': 'Yes' },
      body,
    });
    expect(put.status).toBe(201);
    expect(put.headers.get('etag')).toBe(md5(body));
    const sh = await swift('HEAD', `/${bucket}/small/swift.bin`);

    const r = await s3Bytes('small/swift.bin');
    expect(md5(r.bytes)).toBe(md5(body));
    expect(r.ContentLength).toBe(body.length);
    expect(r.ETag).toBe(`"${md5(body)}"`);
    expect(r.ContentType).toBe('application/x-swift');
    expect(r.Metadata).toEqual({ flavor: 'mint', 'camel-case': 'Yes' });
    sameSecond(r.LastModified, sh.headers.get('last-modified'));

    const list = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'small/' }));
    expect(list.Contents?.find((o) => o.Key === 'small/swift.bin')).toMatchObject({ ETag: `"${md5(body)}"`, Size: body.length });
  });

  it('an SLO reads with every byte and a multipart-style ETag', async () => {
    const segs = [randomBytes(300_000), randomBytes(200_001)];
    for (const [i, s] of segs.entries()) expect((await swift('PUT', `/${bucket}/slo-segs/${i}`, { body: s })).status).toBe(201);
    const manifest = segs.map((s, i) => ({ path: `/${bucket}/slo-segs/${i}`, etag: md5(s), size_bytes: s.length }));
    const put = await swift('PUT', `/${bucket}/big/swift-slo.bin?multipart-manifest=put`, {
      headers: { 'content-type': 'application/x-slo', 'x-object-meta-kind': 'slo' },
      body: JSON.stringify(manifest),
    });
    expect(put.status).toBe(201);
    const sh = await swift('HEAD', `/${bucket}/big/swift-slo.bin`);
    expect(sh.headers.get('etag')).toBe(swiftSloEtag(segs));

    const r = await s3Bytes('big/swift-slo.bin');
    expect(md5(r.bytes)).toBe(md5(Buffer.concat(segs)));
    expect(r.ContentLength).toBe(segs[0]!.length + segs[1]!.length);
    expect(r.ETag).toBe(s3MultipartEtag(segs));
    expect(r.ContentType).toBe('application/x-slo');
    expect(r.Metadata).toEqual({ kind: 'slo' });
    sameSecond(r.LastModified, sh.headers.get('last-modified'));
  });

  it('a DLO reads as the concatenation of its segments', async () => {
    const segs = [randomBytes(100_000), randomBytes(70_000), randomBytes(5)];
    for (const [i, s] of segs.entries()) expect((await swift('PUT', `/${bucket}/dlo-segs/part-${i}`, { body: s })).status).toBe(201);
    const put = await swift('PUT', `/${bucket}/big/swift-dlo.bin`, {
      headers: { 'x-object-manifest': `${bucket}/dlo-segs/part-`, 'content-type': 'application/x-dlo', 'x-object-meta-kind': 'dlo' },
      body: '',
    });
    expect(put.status).toBe(201);
    const sh = await swift('HEAD', `/${bucket}/big/swift-dlo.bin`);
    expect(sh.headers.get('x-object-manifest')).toBe(`${bucket}/dlo-segs/part-`);
    expect(sh.headers.get('content-length')).toBe(String(100_000 + 70_000 + 5));

    const r = await s3Bytes('big/swift-dlo.bin');
    expect(md5(r.bytes)).toBe(md5(Buffer.concat(segs)));
    expect(r.ContentLength).toBe(100_000 + 70_000 + 5);
    // Never a bare MD5 for a large object, or clients would check the body against it.
    expect(r.ETag).toBe(s3MultipartEtag(segs));
    expect(r.ContentType).toBe('application/x-dlo');
    expect(r.Metadata).toEqual({ kind: 'dlo' });
  });
});

describe('changes through one face show through the other', () => {
  it('Swift POST replaces the metadata S3 sees', async () => {
    const p = await swift('POST', `/${bucket}/small/s3.bin`, { headers: { 'x-object-meta-state': 'posted' } });
    expect(p.status).toBe(202);
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'small/s3.bin' }));
    expect(head.Metadata).toEqual({ state: 'posted' });
  });

  it('an S3 overwrite is what Swift reads; a Swift delete is what S3 sees', async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'small/swift.bin', Body: 'replaced by s3' }));
    const r = await swift('GET', `/${bucket}/small/swift.bin`);
    expect(await r.text()).toBe('replaced by s3');
    expect(r.headers.get('x-object-meta-flavor')).toBeNull();
    expect((await swift('DELETE', `/${bucket}/small/swift.bin`)).status).toBe(204);
    await expect(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'small/swift.bin' }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('a bucket made by S3 is a container in the Swift account, with the same object count', async () => {
    const r = await swift('GET', '?format=json');
    const rows = (await r.json()) as Array<{ name: string; count: number; bytes: number }>;
    const row = rows.find((c) => c.name === bucket);
    expect(row).toBeDefined();
    const list = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    expect(row!.count).toBe(list.KeyCount);
  });
});
