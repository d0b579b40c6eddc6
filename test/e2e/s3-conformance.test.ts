// S3 wire behaviours the SDK hides or never sends: error envelopes, conditional reads and writes, part reads, listings, copies, attributes, signed trailers.
import { createHash, createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checksumOf } from '../../core/objects/checksums.js';
import { rawS3, signV4, startS3Server, type RawRequest, type S3TestServer } from './s3-server.js';

let srv: S3TestServer;
const B = 'conformance';
const HELLO_ETAG = `"${createHash('md5').update('hello world').digest('hex')}"`;

type Req = Omit<RawRequest, 'access' | 'secret'>;
const s3 = (r: Req) => rawS3(srv.url, { access: srv.admin.access, secret: srv.admin.secret, ...r });
const asDemo = (r: Req) => rawS3(srv.url, { access: srv.demo.access, secret: srv.demo.secret, ...r });

/** Status, error code and the XML text of a response. */
async function read(r: Response): Promise<{ status: number; code?: string; text: string; headers: Headers }> {
  const text = await r.text();
  return { status: r.status, code: /<Code>([^<]*)<\/Code>/.exec(text)?.[1], text, headers: r.headers };
}

const el = (text: string, name: string) => [...text.matchAll(new RegExp(`<${name}>([^<]*)</${name}>`, 'g'))].map((m) => m[1]);

beforeAll(async () => {
  srv = await startS3Server();
  await s3({ method: 'PUT', path: `/${B}` });
  await s3({ method: 'PUT', path: `/${B}/hello.txt`, body: 'hello world', headers: { 'content-type': 'text/plain' } });
}, 60_000);

afterAll(async () => {
  await srv?.close();
});

describe('error envelope', () => {
  it('<Error> has Code, Message, Resource, the missing key, and RequestId equal to x-amz-request-id; HEAD has no body', async () => {
    const r = await read(await s3({ method: 'GET', path: `/${B}/no%20such` }));
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toBe('application/xml');
    expect(el(r.text, 'Code')).toEqual(['NoSuchKey']);
    expect(el(r.text, 'Message')[0]).toBeTruthy();
    expect(el(r.text, 'Resource')).toEqual([`/${B}/no%20such`]);
    expect(el(r.text, 'Key')).toEqual(['no such']);
    expect(el(r.text, 'RequestId')).toEqual([r.headers.get('x-amz-request-id')]);
    const head = await read(await s3({ method: 'HEAD', path: `/${B}/no%20such` }));
    expect(head.status).toBe(404);
    expect(head.text).toBe('');
    expect(head.headers.get('x-amz-request-id')).toBeTruthy();
  });

  it('a copy from a missing source names the source key or bucket', async () => {
    const key = await read(await s3({ method: 'PUT', path: `/${B}/dest`, headers: { 'x-amz-copy-source': `/${B}/gone.txt` } }));
    expect([key.status, key.code, el(key.text, 'Key')]).toEqual([404, 'NoSuchKey', ['gone.txt']]);
    const bucket = await read(await s3({ method: 'PUT', path: `/${B}/dest`, headers: { 'x-amz-copy-source': '/no-such-bucket/x' } }));
    expect([bucket.status, bucket.code, el(bucket.text, 'BucketName')]).toEqual([404, 'NoSuchBucket', ['no-such-bucket']]);
  });
});

describe('operations newer than the model', () => {
  it('RenameObject and UpdateObjectEncryption answer NotImplemented and leave the object as it was (never a PutObject)', async () => {
    for (const query of [{ renameObject: '' }, { encryption: '' }] as Array<Record<string, string>>) {
      const r = await read(await s3({ method: 'PUT', path: `/${B}/hello.txt`, query, headers: { 'x-amz-rename-source': `/${B}/other` } }));
      expect([r.status, r.code]).toEqual([501, 'NotImplemented']);
    }
    const meta = await read(await s3({ method: 'GET', path: `/${B}`, query: { metadataTable: '' } }));
    expect([meta.status, meta.code]).toEqual([501, 'NotImplemented']);
    const got = await s3({ method: 'GET', path: `/${B}/hello.txt` });
    expect(await got.text()).toBe('hello world');
  });
});

describe('conditional requests', () => {
  it('GET/HEAD: If-None-Match and If-Modified-Since → 304 with the ETag, If-Match and If-Unmodified-Since → 412, If-Match wins over If-Unmodified-Since', async () => {
    const future = new Date(Date.now() + 3600_000).toUTCString();
    const past = 'Thu, 01 Jan 2015 00:00:00 GMT';
    const inm = await read(await s3({ method: 'GET', path: `/${B}/hello.txt`, headers: { 'if-none-match': HELLO_ETAG } }));
    expect([inm.status, inm.headers.get('etag'), inm.text]).toEqual([304, HELLO_ETAG, '']);
    expect((await s3({ method: 'HEAD', path: `/${B}/hello.txt`, headers: { 'if-modified-since': future } })).status).toBe(304);
    expect((await read(await s3({ method: 'GET', path: `/${B}/hello.txt`, headers: { 'if-match': '"other"' } }))).code).toBe('PreconditionFailed');
    expect((await read(await s3({ method: 'GET', path: `/${B}/hello.txt`, headers: { 'if-unmodified-since': past } }))).status).toBe(412);
    expect((await s3({ method: 'GET', path: `/${B}/hello.txt`, headers: { 'if-match': HELLO_ETAG, 'if-unmodified-since': past } })).status).toBe(200);
  });

  it('PUT and CompleteMultipartUpload: If-None-Match * and If-Match; If-Match on a missing key is NoSuchKey', async () => {
    expect((await read(await s3({ method: 'PUT', path: `/${B}/hello.txt`, body: 'x', headers: { 'if-none-match': '*' } }))).code).toBe('PreconditionFailed');
    expect((await read(await s3({ method: 'PUT', path: `/${B}/hello.txt`, body: 'x', headers: { 'if-match': '"other"' } }))).code).toBe('PreconditionFailed');
    expect((await read(await s3({ method: 'PUT', path: `/${B}/absent.txt`, body: 'x', headers: { 'if-match': HELLO_ETAG } }))).code).toBe('NoSuchKey');
    expect((await s3({ method: 'PUT', path: `/${B}/fresh.txt`, body: 'x', headers: { 'if-none-match': '*' } })).status).toBe(200);
    const id = el((await read(await s3({ method: 'POST', path: `/${B}/hello.txt`, query: { uploads: '' } }))).text, 'UploadId')[0]!;
    const etag = (await s3({ method: 'PUT', path: `/${B}/hello.txt`, query: { partNumber: '1', uploadId: id }, body: 'p' })).headers.get('etag');
    const body = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${etag}</ETag></Part></CompleteMultipartUpload>`;
    expect((await read(await s3({ method: 'POST', path: `/${B}/hello.txt`, query: { uploadId: id }, body, headers: { 'if-none-match': '*' } }))).code).toBe('PreconditionFailed');
    expect(await (await s3({ method: 'GET', path: `/${B}/hello.txt` })).text()).toBe('hello world');
  });

  it('CopyObject source conditions', async () => {
    const h = { 'x-amz-copy-source': `/${B}/hello.txt` };
    expect((await read(await s3({ method: 'PUT', path: `/${B}/c1`, headers: { ...h, 'x-amz-copy-source-if-match': '"other"' } }))).code).toBe('PreconditionFailed');
    expect((await read(await s3({ method: 'PUT', path: `/${B}/c1`, headers: { ...h, 'x-amz-copy-source-if-none-match': HELLO_ETAG } }))).code).toBe('PreconditionFailed');
    expect((await s3({ method: 'PUT', path: `/${B}/c1`, headers: { ...h, 'x-amz-copy-source-if-match': HELLO_ETAG } })).status).toBe(200);
  });
});

describe('reads', () => {
  it('response-* overrides replace the stored headers', async () => {
    const r = await s3({
      method: 'GET',
      path: `/${B}/hello.txt`,
      query: { 'response-content-type': 'x/y', 'response-content-disposition': 'attachment; filename="h.txt"', 'response-cache-control': 'no-cache', 'response-content-language': 'fr', 'response-expires': 'Thu, 01 Dec 1994 16:00:00 GMT' },
    });
    expect(Object.fromEntries(['content-type', 'content-disposition', 'cache-control', 'content-language', 'expires'].map((k) => [k, r.headers.get(k)]))).toEqual({
      'content-type': 'x/y',
      'content-disposition': 'attachment; filename="h.txt"',
      'cache-control': 'no-cache',
      'content-language': 'fr',
      expires: 'Thu, 01 Dec 1994 16:00:00 GMT',
    });
    expect(await r.text()).toBe('hello world');
  });

  it('ranges: suffix, open, beyond the end (416), several (ignored)', async () => {
    const suffix = await s3({ method: 'GET', path: `/${B}/hello.txt`, headers: { range: 'bytes=-5' } });
    expect([suffix.status, suffix.headers.get('content-range'), await suffix.text()]).toEqual([206, 'bytes 6-10/11', 'world']);
    const open = await s3({ method: 'GET', path: `/${B}/hello.txt`, headers: { range: 'bytes=4-' } });
    expect([open.status, await open.text()]).toEqual([206, 'o world']);
    expect((await read(await s3({ method: 'GET', path: `/${B}/hello.txt`, headers: { range: 'bytes=40-50' } }))).code).toBe('InvalidRange');
    const multi = await s3({ method: 'GET', path: `/${B}/hello.txt`, headers: { range: 'bytes=0-1,4-5' } });
    expect([multi.status, await multi.text()]).toEqual([200, 'hello world']);
  });

  it('partNumber on a single-part object: 1 is the whole object, 2 is InvalidPart', async () => {
    const one = await s3({ method: 'GET', path: `/${B}/hello.txt`, query: { partNumber: '1' } });
    expect([one.status, one.headers.get('x-amz-mp-parts-count'), one.headers.get('etag'), await one.text()]).toEqual([206, '1', HELLO_ETAG, 'hello world']);
    expect((await read(await s3({ method: 'GET', path: `/${B}/hello.txt`, query: { partNumber: '2' } }))).code).toBe('InvalidPart');
    expect((await read(await s3({ method: 'GET', path: `/${B}/hello.txt`, query: { partNumber: '1' }, headers: { range: 'bytes=0-1' } }))).code).toBe('InvalidRequest');
  });

  it('GetObjectAttributes answers only what was asked, ETag unquoted', async () => {
    const r = await read(await s3({ method: 'GET', path: `/${B}/hello.txt`, query: { attributes: '' }, headers: { 'x-amz-object-attributes': 'ETag,ObjectSize' } }));
    expect(r.status).toBe(200);
    expect([el(r.text, 'ETag'), el(r.text, 'ObjectSize'), el(r.text, 'StorageClass')]).toEqual([[HELLO_ETAG.slice(1, -1)], ['11'], []]);
  });
});

describe('listings', () => {
  beforeAll(async () => {
    for (const k of ['l/a%2Bb', 'l/c%20d', 'l/sub/e', 'l/sub/f', 'l/z']) await s3({ method: 'PUT', path: `/${B}/${k}`, body: 'x' });
  });

  it('V1: marker, NextMarker only with a delimiter, encoding-type=url encodes keys and prefixes', async () => {
    const page = await read(await s3({ method: 'GET', path: `/${B}`, query: { prefix: 'l/', delimiter: '/', 'max-keys': '2', 'encoding-type': 'url' } }));
    expect(el(page.text, 'Key')).toEqual(['l/a%2Bb', 'l/c%20d']);
    expect(el(page.text, 'IsTruncated')).toEqual(['true']);
    expect(el(page.text, 'NextMarker')).toEqual(['l/c%20d']);
    const next = await read(await s3({ method: 'GET', path: `/${B}`, query: { prefix: 'l/', delimiter: '/', marker: 'l/c d' } }));
    expect(el(next.text, 'Prefix')).toEqual(['l/', 'l/sub/']);
    expect(el(next.text, 'Key')).toEqual(['l/z']);
    const flat = await read(await s3({ method: 'GET', path: `/${B}`, query: { prefix: 'l/', 'max-keys': '1' } }));
    expect(el(flat.text, 'NextMarker')).toEqual([]);
  });

  it('encoding-type=url encodes exactly the fields S3 encodes in each listing (V1 leaves Prefix as sent), control characters included', async () => {
    for (const k of ['enc%20%2B/a%20b', 'enc%20%2B/ctl%01/x', 'enc%20%2B/ctl%01/y', 'enc%20%2B/%C3%BC']) await s3({ method: 'PUT', path: `/${B}/${k}`, body: 'x' });
    for (const k of ['enc%20%2B/up%20load', 'enc%20%2B/ctl%01/up']) await s3({ method: 'POST', path: `/${B}/${k}`, query: { uploads: '' } });
    const q = { prefix: 'enc +/', delimiter: '/', 'encoding-type': 'url' };
    const keys = ['enc%20%2B/a%20b', 'enc%20%2B/%C3%BC'];
    const cp = 'enc%20%2B/ctl%01/';

    const v1 = (await read(await s3({ method: 'GET', path: `/${B}`, query: { ...q, marker: 'enc +/' } }))).text;
    expect(el(v1, 'Prefix')).toEqual(['enc +/', cp]);
    expect(el(v1, 'Marker')).toEqual(['enc%20%2B/']);
    expect([el(v1, 'Key'), el(v1, 'Delimiter'), el(v1, 'EncodingType')]).toEqual([keys, ['/'], ['url']]);

    const v2 = (await read(await s3({ method: 'GET', path: `/${B}`, query: { ...q, 'list-type': '2', 'start-after': 'enc +/' } }))).text;
    expect(el(v2, 'Prefix')).toEqual(['enc%20%2B/', cp]);
    expect([el(v2, 'StartAfter'), el(v2, 'Key'), el(v2, 'Delimiter')]).toEqual([['enc%20%2B/'], keys, ['/']]);

    const versions = (await read(await s3({ method: 'GET', path: `/${B}`, query: { ...q, versions: '', 'key-marker': 'enc +/' } }))).text;
    expect(el(versions, 'Prefix')).toEqual(['enc%20%2B/', cp]);
    expect([el(versions, 'KeyMarker'), el(versions, 'Key'), el(versions, 'Delimiter')]).toEqual([['enc%20%2B/'], keys, ['/']]);

    const uploads = (await read(await s3({ method: 'GET', path: `/${B}`, query: { ...q, uploads: '', 'key-marker': 'enc +/' } }))).text;
    expect(el(uploads, 'Prefix')).toEqual(['enc%20%2B/', cp]);
    expect([el(uploads, 'KeyMarker'), el(uploads, 'Key'), el(uploads, 'Delimiter')]).toEqual([['enc%20%2B/'], ['enc%20%2B/up%20load'], ['/']]);
  });

  it('V2: start-after, continuation tokens, fetch-owner, max-keys 0, KeyCount', async () => {
    const first = await read(await s3({ method: 'GET', path: `/${B}`, query: { 'list-type': '2', prefix: 'l/', 'start-after': 'l/c d', 'max-keys': '2' } }));
    expect(el(first.text, 'Key')).toEqual(['l/sub/e', 'l/sub/f']);
    expect(el(first.text, 'Owner')).toEqual([]);
    const token = el(first.text, 'NextContinuationToken')[0]!;
    const second = await read(await s3({ method: 'GET', path: `/${B}`, query: { 'list-type': '2', prefix: 'l/', 'continuation-token': token, 'fetch-owner': 'true' } }));
    expect(el(second.text, 'Key')).toEqual(['l/z']);
    expect(el(second.text, 'ID')).toEqual([srv.admin.projectId]);
    expect(el(second.text, 'KeyCount')).toEqual(['1']);
    const none = await read(await s3({ method: 'GET', path: `/${B}`, query: { 'list-type': '2', 'max-keys': '0' } }));
    expect([el(none.text, 'KeyCount'), el(none.text, 'IsTruncated')]).toEqual([['0'], ['false']]);
  });

  it('ListObjectVersions: every object once, as version "null"', async () => {
    const r = await read(await s3({ method: 'GET', path: `/${B}`, query: { versions: '', prefix: 'l/sub/' } }));
    expect([el(r.text, 'Key'), el(r.text, 'VersionId'), el(r.text, 'IsLatest')]).toEqual([['l/sub/e', 'l/sub/f'], ['null', 'null'], ['true', 'true']]);
  });
});

describe('writes', () => {
  it('DeleteObjects: Quiet reports only errors; more than 1000 keys is MalformedXML', async () => {
    const quiet = await read(await s3({ method: 'POST', path: `/${B}`, query: { delete: '' }, body: '<Delete><Quiet>true</Quiet><Object><Key>fresh.txt</Key></Object></Delete>' }));
    expect([quiet.status, el(quiet.text, 'Key')]).toEqual([200, []]);
    const many = `<Delete>${Array.from({ length: 1001 }, (_, i) => `<Object><Key>k${i}</Key></Object>`).join('')}</Delete>`;
    expect((await read(await s3({ method: 'POST', path: `/${B}`, query: { delete: '' }, body: many }))).code).toBe('MalformedXML');
  });

  it('CopyObject: COPY keeps metadata, REPLACE sets new, a copy onto itself must change something', async () => {
    await s3({ method: 'PUT', path: `/${B}/meta.txt`, body: 'm', headers: { 'x-amz-meta-color': 'blue', 'content-type': 'text/plain' } });
    await s3({ method: 'PUT', path: `/${B}/meta-copy.txt`, headers: { 'x-amz-copy-source': `/${B}/meta.txt`, 'x-amz-meta-ignored': 'x' } });
    const kept = await s3({ method: 'HEAD', path: `/${B}/meta-copy.txt` });
    expect([kept.headers.get('x-amz-meta-color'), kept.headers.get('x-amz-meta-ignored'), kept.headers.get('content-type')]).toEqual(['blue', null, 'text/plain']);
    expect((await read(await s3({ method: 'PUT', path: `/${B}/meta.txt`, headers: { 'x-amz-copy-source': `/${B}/meta.txt` } }))).code).toBe('InvalidRequest');
    await s3({ method: 'PUT', path: `/${B}/meta.txt`, headers: { 'x-amz-copy-source': `/${B}/meta.txt`, 'x-amz-metadata-directive': 'REPLACE', 'x-amz-meta-shape': 'round', 'content-type': 'text/x' } });
    const replaced = await s3({ method: 'HEAD', path: `/${B}/meta.txt` });
    expect([replaced.headers.get('x-amz-meta-color'), replaced.headers.get('x-amz-meta-shape'), replaced.headers.get('content-type')]).toEqual([null, 'round', 'text/x']);
  });

  it('CompleteMultipartUpload with a wrong ETag: InvalidPart naming the upload, part and ETag', async () => {
    const id = el((await read(await s3({ method: 'POST', path: `/${B}/mp`, query: { uploads: '' } }))).text, 'UploadId')[0]!;
    await s3({ method: 'PUT', path: `/${B}/mp`, query: { partNumber: '1', uploadId: id }, body: 'p' });
    const bad = '"00000000000000000000000000000000"';
    const r = await read(await s3({ method: 'POST', path: `/${B}/mp`, query: { uploadId: id }, body: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${bad}</ETag></Part></CompleteMultipartUpload>` }));
    expect([r.code, el(r.text, 'UploadId'), el(r.text, 'PartNumber'), el(r.text, 'ETag')]).toEqual(['InvalidPart', [id], ['1'], [bad]]);
  });

  it('bucket tagging is the owner’s: a READ grantee gets AccessDenied', async () => {
    await s3({ method: 'PUT', path: `/${B}`, query: { tagging: '' }, body: '<Tagging><TagSet><Tag><Key>team</Key><Value>a</Value></Tag></TagSet></Tagging>' });
    await s3({ method: 'PUT', path: `/${B}`, query: { acl: '' }, headers: { 'x-amz-grant-read': `id="${srv.demo.projectId}"` } });
    expect((await asDemo({ method: 'GET', path: `/${B}` })).status).toBe(200);
    expect((await read(await asDemo({ method: 'GET', path: `/${B}`, query: { tagging: '' } }))).code).toBe('AccessDenied');
    expect(el((await read(await s3({ method: 'GET', path: `/${B}`, query: { tagging: '' } }))).text, 'Value')).toEqual(['a']);
  });
});

describe('STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER', () => {
  /** PUTs `data` in signed chunks with a signed CRC32 trailer of value `crc`. */
  async function signedTrailerPut(key: string, data: Buffer, crc: string): Promise<Response> {
    const when = new Date();
    const { url, init } = await signV4(srv.url, {
      method: 'PUT',
      path: `/${B}/${key}`,
      access: srv.admin.access,
      secret: srv.admin.secret,
      payloadHash: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
      headers: { 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': String(data.length), 'x-amz-trailer': 'x-amz-checksum-crc32' },
      when,
    });
    const amzDate = init.headers['x-amz-date']!;
    const day = amzDate.slice(0, 8);
    const scope = `${day}/us-east-1/s3/aws4_request`;
    let k: Buffer = Buffer.from(`AWS4${srv.admin.secret}`);
    for (const part of [day, 'us-east-1', 's3', 'aws4_request']) k = createHmac('sha256', k).update(part).digest();
    const sign = (sts: string) => createHmac('sha256', k).update(sts).digest('hex');
    const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
    let prev = /Signature=([0-9a-f]+)/.exec(init.headers.authorization!)![1]!;
    const out: Buffer[] = [];
    for (const chunk of [data.subarray(0, 7), data.subarray(7), Buffer.alloc(0)]) {
      prev = sign(['AWS4-HMAC-SHA256-PAYLOAD', amzDate, scope, prev, sha(''), sha(chunk)].join('\n'));
      out.push(Buffer.from(`${chunk.length.toString(16)};chunk-signature=${prev}\r\n`), chunk, Buffer.from(chunk.length ? '\r\n' : ''));
    }
    const trailer = `x-amz-checksum-crc32:${crc}`;
    const trailerSig = sign(['AWS4-HMAC-SHA256-TRAILER', amzDate, scope, prev, sha(`${trailer}\n`)].join('\n'));
    out.push(Buffer.from(`${trailer}\r\nx-amz-trailer-signature:${trailerSig}\r\n\r\n`));
    const body = Buffer.concat(out);
    return fetch(url, { ...init, body, headers: { ...init.headers, 'content-length': String(body.length) } });
  }

  it('stores the object and its checksum when every chunk, the trailer and the CRC verify; a wrong CRC is BadDigest and stores nothing', async () => {
    const data = Buffer.from('signed chunks with a trailer');
    const good = await signedTrailerPut('trailer.txt', data, checksumOf('crc32', data));
    expect(good.status).toBe(200);
    const got = await s3({ method: 'GET', path: `/${B}/trailer.txt`, headers: { 'x-amz-checksum-mode': 'ENABLED' } });
    expect([got.headers.get('x-amz-checksum-crc32'), got.headers.get('content-encoding'), await got.text()]).toEqual([checksumOf('crc32', data), null, data.toString()]);
    expect((await read(await signedTrailerPut('bad-trailer.txt', data, 'AAAAAA=='))).code).toBe('BadDigest');
    expect((await s3({ method: 'HEAD', path: `/${B}/bad-trailer.txt` })).status).toBe(404);
  });
});
