// S3 names on the wire: echoed XML-illegal characters still give an S3 <Error>, and no two wire spellings of a key, bucket, copy source or query name one thing.
import { createHash } from 'node:crypto';
import { Parser } from 'xml2js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawS3, startS3Server, type RawRequest, type S3TestServer } from './s3-server.js';

let srv: S3TestServer;
const B = 'wire-names';

type Req = Omit<RawRequest, 'access' | 'secret'>;
const s3 = (r: Req) => rawS3(srv.url, { access: srv.admin.access, secret: srv.admin.secret, ...r });

/** Status, content type and the document parsed by a strict XML 1.0 parser (throws on anything not well-formed). */
async function readXml(r: Response): Promise<{ status: number; type: string | null; doc: Record<string, any> }> {
  const text = await r.text();
  const doc = (await new Parser({ strict: true, explicitArray: false }).parseStringPromise(text)) as Record<string, any>;
  return { status: r.status, type: r.headers.get('content-type'), doc };
}

beforeAll(async () => {
  srv = await startS3Server();
  expect((await s3({ method: 'PUT', path: `/${B}` })).status).toBe(200);
}, 60_000);

afterAll(async () => {
  await srv?.close();
});

describe('errors that echo characters XML 1.0 cannot carry', () => {
  it('a bucket name with U+0001 answers an S3 <Error>, not a JSON 500', async () => {
    const r = await readXml(await s3({ method: 'GET', path: '/%01nobucket/key' }));
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(r.type).toBe('application/xml');
    expect(r.doc.Error.Code).toMatch(/^(NoSuchBucket|InvalidBucketName)$/);
  });

  it('a missing key containing U+FFFE answers 404 NoSuchKey with a parseable <Key>', async () => {
    const r = await readXml(await s3({ method: 'GET', path: `/${B}/x%EF%BF%BEy` }));
    expect([r.status, r.doc.Error.Code]).toEqual([404, 'NoSuchKey']);
    expect(r.doc.Error.Key).toBe('x\ufffdy');
  });

  it('CompleteMultipartUpload naming part ETag "\\x01" answers 400 InvalidPart', async () => {
    const init = await readXml(await s3({ method: 'POST', path: `/${B}/mp`, query: { uploads: '' } }));
    const uploadId = init.doc.InitiateMultipartUploadResult.UploadId as string;
    expect((await s3({ method: 'PUT', path: `/${B}/mp`, query: { partNumber: '1', uploadId }, body: 'part' })).status).toBe(200);
    const body = '<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>\x01</ETag></Part></CompleteMultipartUpload>';
    const r = await readXml(await s3({ method: 'POST', path: `/${B}/mp`, query: { uploadId }, body }));
    expect([r.status, r.doc.Error.Code]).toEqual([400, 'InvalidPart']);
  });

  it('a listing holding a key with U+0001 is well-formed XML; encoding-type=url gives the exact key', async () => {
    expect((await s3({ method: 'PUT', path: `/${B}/ctl%01key`, body: 'c' })).status).toBe(200);
    const plain = await readXml(await s3({ method: 'GET', path: `/${B}`, query: { 'list-type': '2', prefix: 'ctl' } }));
    expect(plain.status).toBe(200);
    expect(plain.doc.ListBucketResult.Contents.Key).toBe('ctl\ufffdkey');
    const url = await readXml(await s3({ method: 'GET', path: `/${B}`, query: { 'list-type': '2', prefix: 'ctl', 'encoding-type': 'url' } }));
    expect(url.doc.ListBucketResult.Contents.Key).toBe('ctl%01key');
    expect(await (await s3({ method: 'GET', path: `/${B}/ctl%01key` })).text()).toBe('c');
  });
});

describe('keys, buckets and parameters that are not UTF-8', () => {
  it('PUT of a key spelled with invalid UTF-8 is 400 InvalidURI and never lands on the %25-escaped key', async () => {
    expect((await s3({ method: 'PUT', path: `/${B}/alias-%25ff`, body: 'literal percent' })).status).toBe(200);
    for (const bad of ['alias-%ff', 'alias-%c0%af', 'alias-%ed%a0%80', 'alias-%zz', 'alias-%f']) {
      const r = await readXml(await s3({ method: 'PUT', path: `/${B}/${bad}`, body: 'overwrite?' }));
      expect([bad, r.status, r.doc.Error.Code]).toEqual([bad, 400, 'InvalidURI']);
      expect((await readXml(await s3({ method: 'GET', path: `/${B}/${bad}` }))).doc.Error.Code).toBe('InvalidURI');
    }
    expect(await (await s3({ method: 'GET', path: `/${B}/alias-%25ff` })).text()).toBe('literal percent');
    const listed = await readXml(await s3({ method: 'GET', path: `/${B}`, query: { prefix: 'alias-' } }));
    expect(listed.doc.ListBucketResult.Contents.Key).toBe('alias-%ff');
  });

  it('a bucket name and a multipart key spelled with invalid UTF-8 are 400 InvalidURI', async () => {
    expect((await readXml(await s3({ method: 'PUT', path: '/bad%ffbucket' }))).doc.Error.Code).toBe('InvalidURI');
    expect((await readXml(await s3({ method: 'POST', path: `/${B}/mp%ff`, query: { uploads: '' } }))).doc.Error.Code).toBe('InvalidURI');
  });

  it('x-amz-copy-source spelled with invalid UTF-8 is 400 InvalidArgument and copies nothing', async () => {
    const r = await readXml(await s3({ method: 'PUT', path: `/${B}/copy-dest`, headers: { 'x-amz-copy-source': `/${B}/alias-%ff` } }));
    expect([r.status, r.doc.Error.Code, r.doc.Error.ArgumentName]).toEqual([400, 'InvalidArgument', 'x-amz-copy-source']);
    expect((await s3({ method: 'HEAD', path: `/${B}/copy-dest` })).status).toBe(404);
    const ok = await s3({ method: 'PUT', path: `/${B}/copy-dest`, headers: { 'x-amz-copy-source': `/${B}/alias-%25ff` } });
    expect(ok.status).toBe(200);
  });

  it('listing parameters spelled with invalid UTF-8 are 400 InvalidURI', async () => {
    for (const q of ['prefix=%ff', 'marker=%c0%af', 'delimiter=%ed%a0%80', 'list-type=2&start-after=%ff', 'prefix=%zz']) {
      const r = await readXml(await fetch(`${srv.url}/${B}?${q}`));
      expect([q, r.status, r.doc.Error.Code]).toEqual([q, 400, 'InvalidURI']);
    }
  });

  it('a DeleteObjects document that is not UTF-8 is 400 MalformedXML and deletes nothing', async () => {
    expect((await s3({ method: 'PUT', path: `/${B}/del-%EF%BF%BD`, body: 'd' })).status).toBe(200);
    const body = Buffer.concat([Buffer.from('<Delete><Object><Key>del-'), Buffer.from([0xff]), Buffer.from('</Key></Object></Delete>')]);
    const md5 = createHash('md5').update(body).digest('base64');
    const r = await readXml(await s3({ method: 'POST', path: `/${B}`, query: { delete: '' }, body, headers: { 'content-md5': md5 } }));
    expect([r.status, r.doc.Error.Code]).toEqual([400, 'MalformedXML']);
    expect((await s3({ method: 'HEAD', path: `/${B}/del-%EF%BF%BD` })).status).toBe(200);
  });
});
