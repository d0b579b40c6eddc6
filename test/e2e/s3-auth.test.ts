// S3 requests the SDK will not send: bad signatures, unknown keys, skew, presign expiry, digests, truncation, raw keys, chunked, SigV2, Expect.
import { GetObjectCommand, ListObjectsV2Command, PutObjectAclCommand, PutObjectCommand, S3Client, CreateBucketCommand } from '@aws-sdk/client-s3';
import { createHash, createHmac } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presignV4, rawS3, signedChunkedUpload, signV4, startS3Server, type S3TestServer, s3ClientFor } from './s3-server.js';

let srv: S3TestServer;
let s3: S3Client;
const B = 'auth-bucket';
const md5b64 = (s: string) => createHash('md5').update(s).digest('base64');

async function errorOf(r: Response): Promise<{ status: number; code?: string; requestId?: string; header: string | null }> {
  const text = await r.text();
  return { status: r.status, code: /<Code>([^<]*)<\/Code>/.exec(text)?.[1], requestId: /<RequestId>([^<]*)<\/RequestId>/.exec(text)?.[1], header: r.headers.get('x-amz-request-id') };
}

const admin = () => ({ access: srv.admin.access, secret: srv.admin.secret });

/** Sends raw bytes over a socket and collects what comes back until the server closes or `until` matches. */
function rawSocket(port: number, head: string, opts: { body?: Buffer; waitFor100?: boolean; endAfterBody?: boolean } = {}): Promise<string> {
  return new Promise((res, rej) => {
    const sock = connect(port, '127.0.0.1');
    let got = '';
    let sentBody = false;
    const sendBody = () => {
      if (sentBody || !opts.body) return;
      sentBody = true;
      sock.write(opts.body);
      if (opts.endAfterBody) sock.end();
    };
    sock.on('connect', () => {
      sock.write(head);
      if (!opts.waitFor100) sendBody();
    });
    sock.on('data', (d) => {
      got += d.toString('latin1');
      if (opts.waitFor100 && got.startsWith('HTTP/1.1 100')) sendBody();
      if (/HTTP\/1\.1 [2-5]\d\d[\s\S]*\r\n\r\n/.test(got.replace(/^HTTP\/1\.1 100 Continue\r\n\r\n/, ''))) setTimeout(() => sock.destroy(), 50);
    });
    sock.on('close', () => res(got));
    sock.on('error', rej);
    setTimeout(() => sock.destroy(), 5000);
  });
}

beforeAll(async () => {
  srv = await startS3Server();
  s3 = s3ClientFor(srv, srv.admin);
  await s3.send(new CreateBucketCommand({ Bucket: B }));
  await s3.send(new PutObjectCommand({ Bucket: B, Key: 'k', Body: 'secret data' }));
}, 60_000);

afterAll(async () => {
  s3?.destroy();
  await srv?.close();
});

describe('signature failures', () => {
  it('wrong secret → 403 SignatureDoesNotMatch with RequestId equal to the header', async () => {
    const e = await errorOf(await rawS3(srv.url, { method: 'GET', path: `/${B}/k`, access: srv.admin.access, secret: 'wrong' }));
    expect(e).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    expect(e.requestId).toBe(e.header);
  });

  it('unknown key → 403 InvalidAccessKeyId', async () => {
    const e = await errorOf(await rawS3(srv.url, { method: 'GET', path: `/${B}/k`, access: 'AKIDUNKNOWN', secret: 'x' }));
    expect(e).toMatchObject({ status: 403, code: 'InvalidAccessKeyId' });
  });

  it('skewed clock → 403 RequestTimeTooSkewed', async () => {
    const e = await errorOf(await rawS3(srv.url, { method: 'GET', path: `/${B}/k`, ...admin(), when: new Date(Date.now() - 20 * 60_000) }));
    expect(e).toMatchObject({ status: 403, code: 'RequestTimeTooSkewed' });
  });

  it('anonymous read of a private object → 403, then 200 once public-read', async () => {
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'pub', Body: 'open' }));
    expect((await errorOf(await fetch(`${srv.url}/${B}/pub`))).code).toBe('AccessDenied');
    await s3.send(new PutObjectAclCommand({ Bucket: B, Key: 'pub', ACL: 'public-read' }));
    const r = await fetch(`${srv.url}/${B}/pub`);
    expect(r.status).toBe(200);
    expect(await r.text()).toBe('open');
  });
});

describe('presigned URLs', () => {
  it('work with plain fetch, expire, and refuse more than 7 days', async () => {
    const url = await presignV4(srv.url, { method: 'GET', path: `/${B}/k`, ...admin(), expiresIn: 300 });
    const ok = await fetch(url);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('secret data');
    const old = await presignV4(srv.url, { method: 'GET', path: `/${B}/k`, ...admin(), expiresIn: 60, when: new Date(Date.now() - 3600_000) });
    expect(await errorOf(await fetch(old))).toMatchObject({ status: 403, code: 'AccessDenied' });
    const long = (await presignV4(srv.url, { method: 'GET', path: `/${B}/k`, ...admin(), expiresIn: 300 })).replace(/X-Amz-Expires=\d+/, 'X-Amz-Expires=604801');
    expect((await fetch(long)).status).toBe(403);
  });

  it('accepts SigV2 query and header signatures', async () => {
    const exp = Math.floor(Date.now() / 1000) + 300;
    const sig = createHmac('sha1', srv.admin.secret).update(`GET\n\n\n${exp}\n/${B}/k`).digest('base64');
    const r = await fetch(`${srv.url}/${B}/k?AWSAccessKeyId=${srv.admin.access}&Expires=${exp}&Signature=${encodeURIComponent(sig)}`);
    expect(r.status).toBe(200);
    const date = new Date().toUTCString();
    const hsig = createHmac('sha1', srv.admin.secret).update(`GET\n\n\n${date}\n/${B}/?location`).digest('base64');
    const loc = await fetch(`${srv.url}/${B}/?location`, { headers: { date, authorization: `AWS ${srv.admin.access}:${hsig}` } });
    expect(loc.status).toBe(200);
    expect(await loc.text()).toContain('<LocationConstraint');
  });
});

describe('body integrity', () => {
  it('bad Content-MD5 → InvalidDigest; wrong one → BadDigest and nothing stored', async () => {
    const bad = await rawS3(srv.url, { method: 'PUT', path: `/${B}/md5`, ...admin(), body: 'abc', headers: { 'content-md5': 'not!base64' } });
    expect((await errorOf(bad)).code).toBe('InvalidDigest');
    const wrong = await rawS3(srv.url, { method: 'PUT', path: `/${B}/md5`, ...admin(), body: 'abc', headers: { 'content-md5': md5b64('xyz') } });
    expect(await errorOf(wrong)).toMatchObject({ status: 400, code: 'BadDigest' });
    expect((await rawS3(srv.url, { method: 'HEAD', path: `/${B}/md5`, ...admin() })).status).toBe(404);
    const right = await rawS3(srv.url, { method: 'PUT', path: `/${B}/md5`, ...admin(), body: 'abc', headers: { 'content-md5': md5b64('abc') } });
    expect(right.status).toBe(200);
  });

  it('payload hash mismatch → XAmzContentSHA256Mismatch and nothing stored', async () => {
    const r = await rawS3(srv.url, { method: 'PUT', path: `/${B}/sha`, ...admin(), body: 'abc', payloadHash: createHash('sha256').update('abd').digest('hex') });
    expect(await errorOf(r)).toMatchObject({ status: 400, code: 'XAmzContentSHA256Mismatch' });
    expect((await rawS3(srv.url, { method: 'HEAD', path: `/${B}/sha`, ...admin() })).status).toBe(404);
  });

  it('truncated body (Content-Length larger than sent) stores nothing', async () => {
    const { init } = await signV4(srv.url, { method: 'PUT', path: `/${B}/trunc`, ...admin(), payloadHash: 'UNSIGNED-PAYLOAD' });
    const head = [`PUT /${B}/trunc HTTP/1.1`, `Host: 127.0.0.1:${srv.port}`, ...Object.entries(init.headers).map(([k, v]) => `${k}: ${v}`), 'Content-Length: 100', '', ''].join('\r\n');
    await rawSocket(srv.port, head, { body: Buffer.from('only ten b'), endAfterBody: true });
    expect((await rawS3(srv.url, { method: 'HEAD', path: `/${B}/trunc`, ...admin() })).status).toBe(404);
  });

  it('signed aws-chunked (minio-go style) uploads verify every chunk', async () => {
    const chunks = [Buffer.alloc(65536, 'a'), Buffer.alloc(1000, 'b')];
    const r = await signedChunkedUpload(srv.url, { path: `/${B}/chunked`, ...admin(), chunks });
    expect(r.status).toBe(200);
    const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: 'chunked' }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.concat(chunks))).toBe(true);
  });
});

describe('raw keys', () => {
  it('stores keys with ../ verbatim and never touches paths outside the blob store', async () => {
    for (const key of ['a/../escape', '../up', './dot', 'x//y']) await s3.send(new PutObjectCommand({ Bucket: B, Key: key, Body: key }));
    const list = await s3.send(new ListObjectsV2Command({ Bucket: B }));
    expect(list.Contents?.map((c) => c.Key)).toEqual(expect.arrayContaining(['a/../escape', '../up', './dot', 'x//y']));
    const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: 'a/../escape' }));
    expect(await got.Body!.transformToString()).toBe('a/../escape');
    expect(readdirSync(srv.sys.config.dataDir)).not.toContain('up');
  });
});

describe('Expect: 100-continue', () => {
  it('answers 403 before the body to a bad signature, and 100 to a good one', async () => {
    const bad = await signV4(srv.url, { method: 'PUT', path: `/${B}/expect`, access: srv.admin.access, secret: 'wrong', payloadHash: 'UNSIGNED-PAYLOAD' });
    const headOf = (h: Record<string, string>) =>
      [`PUT /${B}/expect HTTP/1.1`, `Host: 127.0.0.1:${srv.port}`, ...Object.entries(h).map(([k, v]) => `${k}: ${v}`), 'Content-Length: 5', 'Expect: 100-continue', '', ''].join('\r\n');
    const refused = await rawSocket(srv.port, headOf(bad.init.headers), { body: Buffer.from('hello'), waitFor100: true });
    expect(refused).toMatch(/^HTTP\/1\.1 403/);
    const good = await signV4(srv.url, { method: 'PUT', path: `/${B}/expect`, ...admin(), payloadHash: 'UNSIGNED-PAYLOAD' });
    const accepted = await rawSocket(srv.port, headOf(good.init.headers), { body: Buffer.from('hello'), waitFor100: true });
    expect(accepted).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200/);
  });
});

describe('routing', () => {
  it('answers NotImplemented for unimplemented operations and EC2 POST /', async () => {
    expect(await errorOf(await rawS3(srv.url, { method: 'GET', path: `/${B}`, query: { notification: '' }, ...admin() }))).toMatchObject({ status: 501, code: 'NotImplemented' });
    const ec2 = await fetch(`${srv.url}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=DescribeInstances&Version=2016-11-15' });
    expect(ec2.status).toBe(501);
    expect(await ec2.text()).toMatch(/<Response><Errors><Error><Code>NotImplemented<\/Code>/);
  });
});

describe('unsigned x-amz-* headers are refused', () => {
  const notSigned = async (r: Response) => {
    const text = await r.text();
    return { status: r.status, code: /<Code>([^<]*)<\/Code>/.exec(text)?.[1], message: /<Message>([^<]*)<\/Message>/.exec(text)?.[1], headers: /<HeadersNotSigned>([^<]*)<\/HeadersNotSigned>/.exec(text)?.[1] };
  };

  it('a presigned PUT with x-amz-copy-source and x-amz-acl added copies nothing and publishes nothing', async () => {
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'private-key', Body: 'top secret' }));
    const url = await presignV4(srv.url, { method: 'PUT', path: `/${B}/stolen`, ...admin(), expiresIn: 300 });
    const r = await fetch(url, { method: 'PUT', headers: { 'x-amz-copy-source': `/${B}/private-key`, 'x-amz-acl': 'public-read' }, body: '' });
    expect(await notSigned(r)).toEqual({ status: 403, code: 'AccessDenied', message: 'There were headers present in the request which were not signed', headers: 'x-amz-acl, x-amz-copy-source' });
    expect((await rawS3(srv.url, { method: 'HEAD', path: `/${B}/stolen`, ...admin() })).status).toBe(404);
    expect((await fetch(`${srv.url}/${B}/stolen`)).status).toBe(403);
  });

  it('a header-signed PUT with x-amz-acl added after signing is refused and the object stays private', async () => {
    const { url, init } = await signV4(srv.url, { method: 'PUT', path: `/${B}/acl-added`, ...admin(), body: 'mine' });
    const r = await fetch(url, { ...init, headers: { ...init.headers, 'x-amz-acl': 'public-read' } });
    expect(await notSigned(r)).toMatchObject({ status: 403, code: 'AccessDenied', headers: 'x-amz-acl' });
    expect((await rawS3(srv.url, { method: 'HEAD', path: `/${B}/acl-added`, ...admin() })).status).toBe(404);
  });

  it('x-amz-acl signed into a presigned URL (hoisted to the query, as the SDK presigner does) is applied', async () => {
    const url = await presignV4(srv.url, { method: 'PUT', path: `/${B}/hoisted`, ...admin(), expiresIn: 300, headers: { 'x-amz-acl': 'public-read' } });
    expect(url).toContain('x-amz-acl=public-read');
    expect((await fetch(url, { method: 'PUT', body: 'shared on purpose' })).status).toBe(200);
    const anon = await fetch(`${srv.url}/${B}/hoisted`);
    expect(anon.status).toBe(200);
    expect(await anon.text()).toBe('shared on purpose');
  });

  it('x-amz-copy-source signed into a presigned URL makes it a CopyObject, as the signer meant', async () => {
    const url = await presignV4(srv.url, { method: 'PUT', path: `/${B}/presigned-copy`, ...admin(), expiresIn: 300, headers: { 'x-amz-copy-source': `/${B}/k` } });
    const r = await fetch(url, { method: 'PUT' });
    expect(r.status).toBe(200);
    expect(await r.text()).toContain('<CopyObjectResult');
    const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: 'presigned-copy' }));
    expect(await got.Body!.transformToString()).toBe('secret data');
  });

  it('SigV2: an x-amz-acl header added to a signed PUT fails the signature', async () => {
    const date = new Date().toUTCString();
    const sig = createHmac('sha1', srv.admin.secret).update(`PUT\n\n\n${date}\n/${B}/v2-added`).digest('base64');
    const r = await fetch(`${srv.url}/${B}/v2-added`, { method: 'PUT', headers: { date, authorization: `AWS ${srv.admin.access}:${sig}`, 'x-amz-acl': 'public-read' }, body: 'x' });
    expect(await errorOf(r)).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    expect((await rawS3(srv.url, { method: 'HEAD', path: `/${B}/v2-added`, ...admin() })).status).toBe(404);
  });
});

describe('credential scope region', () => {
  it('a request signed for us-west-2 is 400 AuthorizationHeaderMalformed naming RegionOne; RegionOne and us-east-1 are accepted', async () => {
    const r = await rawS3(srv.url, { method: 'GET', path: `/${B}/k`, ...admin(), region: 'us-west-2' });
    const text = await r.text();
    expect(r.status).toBe(400);
    expect(text).toContain('<Code>AuthorizationHeaderMalformed</Code>');
    expect(text).toContain("the region 'us-west-2' is wrong; expecting 'RegionOne'");
    expect(text).toContain('<Region>RegionOne</Region>');
    for (const region of ['RegionOne', 'us-east-1']) expect((await rawS3(srv.url, { method: 'GET', path: `/${B}/k`, ...admin(), region })).status).toBe(200);
  });

  it('a presigned URL for us-west-2 is 400 AuthorizationQueryParametersError', async () => {
    const url = await presignV4(srv.url, { method: 'GET', path: `/${B}/k`, ...admin(), expiresIn: 300, region: 'us-west-2' });
    const r = await fetch(url);
    const text = await r.text();
    expect(r.status).toBe(400);
    expect(text).toContain('<Code>AuthorizationQueryParametersError</Code>');
    expect(text).toContain('<Region>RegionOne</Region>');
  });
});

describe('malformed authorization', () => {
  it('a SignedHeaders entry that is not a header name is 400 AuthorizationHeaderMalformed, not 500', async () => {
    const { url, init } = await signV4(srv.url, { method: 'GET', path: `/${B}/k`, ...admin() });
    const authorization = init.headers.authorization!.replace(/SignedHeaders=[^,]+/, 'SignedHeaders=host;x"amz-date');
    const r = await fetch(url, { ...init, headers: { ...init.headers, authorization } });
    expect(await errorOf(r)).toMatchObject({ status: 400, code: 'AuthorizationHeaderMalformed' });
    const pre = (await presignV4(srv.url, { method: 'GET', path: `/${B}/k`, ...admin(), expiresIn: 60 })).replace(/X-Amz-SignedHeaders=[^&]+/, 'X-Amz-SignedHeaders=host%3Bx%22amz-date');
    expect(await errorOf(await fetch(pre))).toMatchObject({ status: 400, code: 'AuthorizationQueryParametersError' });
  });
});

describe('signed requests with odd auth-related header values never crash', () => {
  it('answers every one with success, an S3 4xx, or 501 NotImplemented for what is not implemented', async () => {
    const odd: Array<[string, Record<string, string>, string?]> = [
      ['PUT', { 'x-amz-decoded-content-length': 'abc' }, 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD'],
      ['PUT', { 'x-amz-decoded-content-length': '-1' }, 'STREAMING-UNSIGNED-PAYLOAD-TRAILER'],
      ['PUT', { 'x-amz-trailer': 'x-amz-checksum-nope' }, 'STREAMING-UNSIGNED-PAYLOAD-TRAILER'],
      ['PUT', {}, 'NOT-A-HASH'],
      ['PUT', {}, 'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD'],
      ['PUT', { 'content-md5': '' }],
      ['PUT', { 'x-amz-checksum-crc32': '!!' }],
      ['PUT', { 'x-amz-copy-source': '%' }],
      ['PUT', { 'x-amz-copy-source': `/${B}/${'%ff'.repeat(10)}` }],
      ['PUT', { 'x-amz-server-side-encryption-customer-algorithm': 'AES256', 'x-amz-server-side-encryption-customer-key': '' }],
      ['PUT', { 'x-amz-object-ownership': '\u00e9' }],
      ['GET', { 'x-amz-expected-bucket-owner': '' }],
      ['GET', { 'x-amz-security-token': 'x'.repeat(4000) }],
    ];
    const statuses: string[] = [];
    for (const [method, headers, payloadHash] of odd) {
      const r = await rawS3(srv.url, { method, path: `/${B}/odd`, ...admin(), headers, body: method === 'PUT' ? 'abc' : undefined, payloadHash });
      const e = await errorOf(r);
      const crashed = r.status >= 500 && !(r.status === 501 && e.code === 'NotImplemented');
      if (crashed || (r.status >= 400 && !e.code)) statuses.push(`${JSON.stringify(headers)} ${payloadHash ?? ''} → ${r.status} ${e.code}`);
    }
    expect(statuses).toEqual([]);
  });
});

/** A request over TCP; a header with several values is sent as several header lines. */
function sendRaw(method: string, path: string, headers: Record<string, string | string[]>, body = ''): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${srv.url}${path}`, { method, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('auth details', () => {
  it('SigV2: a header sent twice is signed as botocore signs it, values joined with ","', async () => {
    const date = new Date().toUTCString();
    const sig = createHmac('sha1', srv.admin.secret).update(`PUT\n\n\n${date}\nx-amz-meta-pair:1,2\n/${B}/v2-twice`).digest('base64');
    const r = await sendRaw('PUT', `/${B}/v2-twice`, { date, authorization: `AWS ${srv.admin.access}:${sig}`, 'x-amz-meta-pair': ['1', '2'] }, 'twice');
    expect(r.status).toBe(200);
    const head = await s3.send(new GetObjectCommand({ Bucket: B, Key: 'v2-twice' }));
    expect(await head.Body!.transformToString()).toBe('twice');
  });

  it('a session token with a long-term key is 400 InvalidToken, and nothing is written', async () => {
    const withToken = new S3Client({
      endpoint: srv.url,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: srv.admin.access, secretAccessKey: srv.admin.secret, sessionToken: 'FwoGZXIvYXdzEXAMPLETOKEN' },
    });
    try {
      const e = await withToken.send(new PutObjectCommand({ Bucket: B, Key: 'with-token', Body: 'x' })).catch((err: { name?: string; $metadata?: { httpStatusCode?: number }; message?: string }) => err);
      expect(e).toMatchObject({ name: 'InvalidToken', $metadata: { httpStatusCode: 400 }, message: 'The provided token is malformed or otherwise invalid.' });
    } finally {
      withToken.destroy();
    }
    expect((await rawS3(srv.url, { method: 'HEAD', path: `/${B}/with-token`, ...admin() })).status).toBe(404);
  });

  it('an expired presigned URL answers AccessDenied with X-Amz-Expires, Expires and ServerTime; 604801 s uses AWS\'s wording', async () => {
    const when = new Date(Math.floor(Date.now() / 1000) * 1000 - 3600_000);
    const old = await presignV4(srv.url, { method: 'GET', path: `/${B}/k`, ...admin(), expiresIn: 60, when });
    const r = await fetch(old);
    const text = await r.text();
    expect(r.status).toBe(403);
    expect(text).toContain('<Message>Request has expired</Message>');
    expect(text).toContain('<X-Amz-Expires>60</X-Amz-Expires>');
    expect(text).toContain(`<Expires>${new Date(when.getTime() + 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z')}</Expires>`);
    expect(text).toMatch(/<ServerTime>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ<\/ServerTime>/);
    const long = (await presignV4(srv.url, { method: 'GET', path: `/${B}/k`, ...admin(), expiresIn: 300 })).replace(/X-Amz-Expires=\d+/, 'X-Amz-Expires=604801');
    const l = await fetch(long);
    expect(await l.text()).toContain('X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds');
  });
});
