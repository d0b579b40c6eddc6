// Multipart uploads with flexible checksums through the JS SDK: per-part checksums, COMPOSITE and FULL_OBJECT object checksums, and S3's refusals.
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectAttributesCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
  type ChecksumAlgorithm,
  type ChecksumType,
  type CompletedPart,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checksumOf, type ChecksumAlgorithm as Alg } from '../../core/objects/checksums.js';
import { rawS3, startS3Server, type S3TestServer, s3ErrorName as code, s3ClientFor } from './s3-server.js';

let srv: S3TestServer;
let s3: S3Client;
const B = 'mpu-checksums';
const MiB = 1024 * 1024;
const part1 = randomBytes(5 * MiB);
const part2 = randomBytes(1234);
const whole = Buffer.concat([part1, part2]);

type Field = `Checksum${Uppercase<Alg>}`;
const field = (alg: ChecksumAlgorithm) => `Checksum${alg}` as Field;
const sum = (alg: ChecksumAlgorithm, d: Buffer) => checksumOf(alg.toLowerCase() as Alg, d);

/** Creates an upload and sends both parts with the algorithm; returns the upload id and the parts as Complete lists them. */
async function twoParts(key: string, alg: ChecksumAlgorithm, type?: ChecksumType): Promise<{ id: string; parts: CompletedPart[] }> {
  const c = await s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: key, ChecksumAlgorithm: alg, ChecksumType: type }));
  const parts: CompletedPart[] = [];
  for (const [i, body] of [part1, part2].entries()) {
    const r = await s3.send(new UploadPartCommand({ Bucket: B, Key: key, UploadId: c.UploadId, PartNumber: i + 1, Body: body, ChecksumAlgorithm: alg }));
    expect(r[field(alg)]).toBe(sum(alg, body));
    parts.push({ PartNumber: i + 1, ETag: r.ETag, [field(alg)]: r[field(alg)] });
  }
  return { id: c.UploadId!, parts };
}

beforeAll(async () => {
  srv = await startS3Server();
  s3 = s3ClientFor(srv, srv.admin);
  await s3.send(new CreateBucketCommand({ Bucket: B }));
}, 60_000);

afterAll(async () => {
  s3?.destroy();
  await srv?.close();
});

describe('object checksum of a completed upload', () => {
  const cases: Array<[ChecksumAlgorithm, ChecksumType]> = [
    ['CRC32', 'COMPOSITE'],
    ['CRC32C', 'COMPOSITE'],
    ['SHA1', 'COMPOSITE'],
    ['SHA256', 'COMPOSITE'],
    ['CRC32', 'FULL_OBJECT'],
    ['CRC32C', 'FULL_OBJECT'],
    ['CRC64NVME', 'FULL_OBJECT'],
  ];
  it.each(cases)('%s %s', async (alg, type) => {
    const key = `obj-${alg}-${type}`;
    const { id, parts } = await twoParts(key, alg, type);
    const listed = await s3.send(new ListPartsCommand({ Bucket: B, Key: key, UploadId: id }));
    expect(listed.ChecksumAlgorithm).toBe(alg);
    expect(listed.ChecksumType).toBe(type);
    expect(listed.Parts?.map((p) => p[field(alg)])).toEqual(parts.map((p) => p[field(alg)]));
    const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: key, UploadId: id, MultipartUpload: { Parts: parts } }));
    const expected =
      type === 'FULL_OBJECT'
        ? sum(alg, whole)
        : `${sum(alg, Buffer.concat(parts.map((p) => Buffer.from(p[field(alg)]!, 'base64'))))}-2`;
    expect(done[field(alg)]).toBe(expected);
    expect(done.ChecksumType).toBe(type);
    const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: key, ChecksumMode: 'ENABLED' }));
    expect(head[field(alg)]).toBe(expected);
    expect(head.ChecksumType).toBe(type);
    const attrs = await s3.send(new GetObjectAttributesCommand({ Bucket: B, Key: key, ObjectAttributes: ['Checksum'] }));
    expect(attrs.Checksum?.[field(alg)]).toBe(expected);
    expect(attrs.Checksum?.ChecksumType).toBe(type);
  });

  it('CRC64NVME defaults to FULL_OBJECT and lib-storage completes it', async () => {
    const up = new Upload({ client: s3, params: { Bucket: B, Key: 'lib-crc64', Body: whole, ChecksumAlgorithm: 'CRC64NVME' }, partSize: 5 * MiB, queueSize: 2 });
    const done = await up.done();
    expect(done.ChecksumCRC64NVME).toBe(sum('CRC64NVME', whole));
    expect(done.ETag).toBe(`"${createHash('md5').update(Buffer.concat([createHash('md5').update(part1).digest(), createHash('md5').update(part2).digest()])).digest('hex')}-2"`);
  });

  it('a part copied into a checksummed upload gets its checksum too', async () => {
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'copy-src', Body: part1 }));
    const c = await s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'copied', ChecksumAlgorithm: 'CRC32C', ChecksumType: 'FULL_OBJECT' }));
    const p1 = await s3.send(new UploadPartCopyCommand({ Bucket: B, Key: 'copied', UploadId: c.UploadId, PartNumber: 1, CopySource: `${B}/copy-src` }));
    expect(p1.CopyPartResult?.ChecksumCRC32C).toBe(sum('CRC32C', part1));
    const p2 = await s3.send(new UploadPartCommand({ Bucket: B, Key: 'copied', UploadId: c.UploadId, PartNumber: 2, Body: part2, ChecksumAlgorithm: 'CRC32C' }));
    const done = await s3.send(
      new CompleteMultipartUploadCommand({ Bucket: B, Key: 'copied', UploadId: c.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.CopyPartResult?.ETag }, { PartNumber: 2, ETag: p2.ETag }] } }),
    );
    expect(done.ChecksumCRC32C).toBe(sum('CRC32C', whole));
  });

  it('ListMultipartUploads shows the algorithm and type of each upload', async () => {
    const c = await s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'pending', ChecksumAlgorithm: 'CRC32', ChecksumType: 'FULL_OBJECT' }));
    expect(c.ChecksumType).toBe('FULL_OBJECT');
    const l = await s3.send(new ListMultipartUploadsCommand({ Bucket: B, Prefix: 'pending' }));
    expect(l.Uploads?.map((u) => [u.Key, u.ChecksumAlgorithm, u.ChecksumType])).toEqual([['pending', 'CRC32', 'FULL_OBJECT']]);
  });
});

describe('refusals', () => {
  it('FULL_OBJECT with a SHA, COMPOSITE with CRC64NVME, a type without an algorithm → InvalidRequest', async () => {
    expect(await code(s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'x', ChecksumAlgorithm: 'SHA256', ChecksumType: 'FULL_OBJECT' })))).toBe('InvalidRequest');
    expect(await code(s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'x', ChecksumAlgorithm: 'CRC64NVME', ChecksumType: 'COMPOSITE' })))).toBe('InvalidRequest');
    expect(await code(s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'x', ChecksumType: 'COMPOSITE' })))).toBe('InvalidRequest');
  });

  it('a part with another algorithm than the upload’s → InvalidRequest', async () => {
    const c = await s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'mixed', ChecksumAlgorithm: 'CRC32' }));
    expect(await code(s3.send(new UploadPartCommand({ Bucket: B, Key: 'mixed', UploadId: c.UploadId, PartNumber: 1, Body: part2, ChecksumAlgorithm: 'SHA256' })))).toBe('InvalidRequest');
  });

  it('COMPOSITE completion without part checksums → InvalidRequest; a wrong part checksum → InvalidPart', async () => {
    const { id, parts } = await twoParts('strict', 'SHA256', 'COMPOSITE');
    const bare = parts.map((p) => ({ PartNumber: p.PartNumber, ETag: p.ETag }));
    // The SDK would fill in nothing here; send the XML ourselves so no middleware adds checksums.
    const xml = (ps: CompletedPart[]) =>
      `<CompleteMultipartUpload>${ps.map((p) => `<Part><PartNumber>${p.PartNumber}</PartNumber><ETag>${p.ETag}</ETag>${p.ChecksumSHA256 ? `<ChecksumSHA256>${p.ChecksumSHA256}</ChecksumSHA256>` : ''}</Part>`).join('')}</CompleteMultipartUpload>`;
    const send = (ps: CompletedPart[]) => rawS3(srv.url, { method: 'POST', path: `/${B}/strict`, query: { uploadId: id }, body: xml(ps), access: srv.admin.access, secret: srv.admin.secret });
    const missing = await send(bare);
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain('<Code>InvalidRequest</Code>');
    const wrong = await send([parts[0]!, { ...parts[1]!, ChecksumSHA256: parts[0]!.ChecksumSHA256 }]);
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain('<Code>InvalidPart</Code>');
    expect((await send(parts)).status).toBe(200);
  });

  it('FULL_OBJECT completion checks a whole-object checksum and the checksum type', async () => {
    const { id, parts } = await twoParts('whole', 'CRC32C', 'FULL_OBJECT');
    expect(await code(s3.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: 'whole', UploadId: id, ChecksumType: 'COMPOSITE', MultipartUpload: { Parts: parts } })))).toBe('InvalidRequest');
    expect(await code(s3.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: 'whole', UploadId: id, ChecksumCRC32C: 'AAAAAA==', MultipartUpload: { Parts: parts } })))).toBe('BadDigest');
    const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: 'whole', UploadId: id, ChecksumType: 'FULL_OBJECT', ChecksumCRC32C: sum('CRC32C', whole), MultipartUpload: { Parts: parts } }));
    expect(done.ChecksumCRC32C).toBe(sum('CRC32C', whole));
  });
});

describe('GetObjectAttributes ObjectParts', () => {
  it('pages the parts of a checksummed multipart object with their sizes and checksums', async () => {
    const key = 'attrs-parts';
    const { id, parts } = await twoParts(key, 'SHA256');
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: key, UploadId: id, MultipartUpload: { Parts: parts } }));
    const all = await s3.send(new GetObjectAttributesCommand({ Bucket: B, Key: key, ObjectAttributes: ['ObjectParts'] }));
    expect(all.ObjectParts).toEqual({
      TotalPartsCount: 2,
      PartNumberMarker: '0',
      MaxParts: 1000,
      IsTruncated: false,
      NextPartNumberMarker: '2',
      Parts: [
        { PartNumber: 1, Size: part1.length, ChecksumSHA256: sum('SHA256', part1) },
        { PartNumber: 2, Size: part2.length, ChecksumSHA256: sum('SHA256', part2) },
      ],
    });
    const first = await s3.send(new GetObjectAttributesCommand({ Bucket: B, Key: key, ObjectAttributes: ['ObjectParts'], MaxParts: 1 }));
    expect(first.ObjectParts).toMatchObject({ TotalPartsCount: 2, MaxParts: 1, IsTruncated: true, NextPartNumberMarker: '1' });
    expect(first.ObjectParts?.Parts?.map((p) => p.PartNumber)).toEqual([1]);
    const next = await s3.send(
      new GetObjectAttributesCommand({ Bucket: B, Key: key, ObjectAttributes: ['ObjectParts'], MaxParts: 1, PartNumberMarker: first.ObjectParts?.NextPartNumberMarker }),
    );
    expect(next.ObjectParts).toMatchObject({ PartNumberMarker: '1', IsTruncated: false, NextPartNumberMarker: '2' });
    expect(next.ObjectParts?.Parts?.map((p) => [p.PartNumber, p.Size])).toEqual([[2, part2.length]]);
  });

  it('an object without an additional checksum shows only its parts count, a simple object none', async () => {
    const c = await s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'attrs-plain' }));
    const done: CompletedPart[] = [];
    for (const [i, body] of [part1, part2].entries()) {
      const r = await s3.send(new UploadPartCommand({ Bucket: B, Key: 'attrs-plain', UploadId: c.UploadId, PartNumber: i + 1, Body: body }));
      done.push({ PartNumber: i + 1, ETag: r.ETag });
    }
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: 'attrs-plain', UploadId: c.UploadId, MultipartUpload: { Parts: done } }));
    const plain = await s3.send(new GetObjectAttributesCommand({ Bucket: B, Key: 'attrs-plain', ObjectAttributes: ['ObjectParts', 'ObjectSize'] }));
    expect(plain.ObjectParts).toEqual({ TotalPartsCount: 2 });
    expect(plain.ObjectSize).toBe(whole.length);
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'attrs-simple', Body: 'x' }));
    const simple = await s3.send(new GetObjectAttributesCommand({ Bucket: B, Key: 'attrs-simple', ObjectAttributes: ['ObjectParts', 'ETag'] }));
    expect(simple.ObjectParts).toBeUndefined();
  });
});
