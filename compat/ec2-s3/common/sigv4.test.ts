// SigV4 verification checked against an independent signer (@smithy/signature-v4), plus aws-chunked chains.
import { createHash, createHmac } from 'node:crypto';
import { getSigningKey, SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/core/protocols';
import { describe, expect, it } from 'vitest';
import { awsChunkedDecoder, BodyGuard } from './aws-chunked.js';
import { AwsError } from './aws-error.js';
import { parseV2, verifyV2 } from './sigv2.js';
import { checkScope, isStrictQuery, parseV4, presignedHeaders, SigningKeyCache, strictPercentDecode, uriEncode, verifyV4, type WireRequest } from './sigv4.js';
import { authenticate, type Ec2KeyLookup } from './authenticate.js';
import type { AuthContext } from '../../../core/context.js';
import { Sha256 } from '../../../test/harness/node-sha256.js';

const creds = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };


const signer = new SignatureV4({ service: 's3', region: 'us-east-1', credentials: creds, sha256: Sha256, uriEscapePath: false, applyChecksum: false });

/** Signs like the SDK: the path is already encoded per segment, the query is a decoded map. */
async function signed(method: string, rawPath: string, query: Record<string, string> = {}, body = '', extraHeaders: Record<string, string> = {}, when = new Date()) {
  const payloadHash = createHash('sha256').update(body).digest('hex');
  const req = new HttpRequest({
    method,
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: 8080,
    path: rawPath,
    query,
    headers: { host: '127.0.0.1:8080', 'x-amz-content-sha256': payloadHash, ...extraHeaders },
    body,
  });
  const s = await signer.sign(req, { signingDate: when });
  const rawQuery = Object.entries(query)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  const wire: WireRequest = { method, rawPath, rawQuery, headers: new Headers(s.headers as Record<string, string>) };
  return wire;
}

const verify = (w: WireRequest, secret = creds.secretAccessKey, now = Date.now()) => verifyV4(parseV4(w)!, secret, w, { now, service: 's3' });

describe('SigV4 header auth', () => {
  it('accepts requests signed over raw paths with dot segments, spaces and unicode', async () => {
    for (const path of ['/b/a/../k', '/b/./x', '/b/sp%20ace%2Bplus', '/b/%C3%A9t%C3%A9//double', '/b']) {
      const w = await signed('PUT', path, { uploads: '' }, 'hello');
      await expect(verify(w)).resolves.toBeTruthy();
    }
  });

  it('accepts list queries with encoded values', async () => {
    const w = await signed('GET', '/bkt', { 'list-type': '2', prefix: 'a b/ü', delimiter: '/', 'encoding-type': 'url' });
    await expect(verify(w)).resolves.toBeTruthy();
  });

  it('rejects a wrong secret with SignatureDoesNotMatch', async () => {
    const w = await signed('GET', '/b/k');
    await expect(verify(w, 'wrong')).rejects.toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
  });

  it('rejects a request whose path was changed after signing', async () => {
    const w = await signed('GET', '/b/a/../k');
    await expect(verify({ ...w, rawPath: '/b/k' })).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
  });

  it('enforces the 15-minute skew', async () => {
    const w = await signed('GET', '/b/k', {}, '', {}, new Date(Date.now() - 16 * 60_000));
    await expect(verify(w)).rejects.toMatchObject({ code: 'RequestTimeTooSkewed', status: 403 });
    const ok = await signed('GET', '/b/k', {}, '', {}, new Date(Date.now() - 14 * 60_000));
    await expect(verify(ok)).resolves.toBeTruthy();
  });

  it('rejects the wrong service', async () => {
    const w = await signed('GET', '/b/k');
    await expect(verifyV4(parseV4(w)!, creds.secretAccessKey, w, { now: Date.now(), service: 'ec2' })).rejects.toBeInstanceOf(AwsError);
  });
});

describe('SigV4 presigned URLs', () => {
  const presign = async (expiresIn: number, when = new Date()) => {
    // As the S3 presigner does: the payload is declared unsigned, and that header is not sent.
    const req = new HttpRequest({ method: 'GET', protocol: 'http:', hostname: '127.0.0.1', port: 8080, path: '/b/k%20x', query: {}, headers: { host: '127.0.0.1:8080', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
    const p = await signer.presign(req, { expiresIn, signingDate: when, unsignableHeaders: new Set(['x-amz-content-sha256']) });
    const rawQuery = Object.entries(p.query as Record<string, string>)
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
      .join('&');
    return { method: 'GET', rawPath: '/b/k%20x', rawQuery, headers: new Headers({ host: '127.0.0.1:8080' }) } satisfies WireRequest;
  };

  it('accepts a valid one and rejects it once expired', async () => {
    const w = await presign(60);
    await expect(verify(w)).resolves.toBeTruthy();
    await expect(verify(w, creds.secretAccessKey, Date.now() + 120_000)).rejects.toMatchObject({ code: 'AccessDenied', message: 'Request has expired' });
  });

  it('refuses expiries above 7 days or not positive with 403', async () => {
    const w = await presign(60);
    for (const bad of ['604801', '0', '-5']) {
      const q = w.rawQuery.replace(/X-Amz-Expires=\d+/, `X-Amz-Expires=${bad}`);
      expect(() => parseV4({ ...w, rawQuery: q })).toThrow(expect.objectContaining({ status: 403 }));
    }
  });
});

describe('aws-chunked signed bodies', () => {
  async function chunkedBody(chunks: string[], tamper = false) {
    const when = new Date();
    const req = new HttpRequest({
      method: 'PUT',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 8080,
      path: '/b/k',
      query: {},
      headers: { host: '127.0.0.1:8080', 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' },
    });
    const s = await signer.sign(req, { signingDate: when });
    const wire: WireRequest = { method: 'PUT', rawPath: '/b/k', rawQuery: '', headers: new Headers(s.headers as Record<string, string>) };
    const seed = /Signature=([0-9a-f]+)/.exec(wire.headers.get('authorization')!)![1]!;
    const amzDate = wire.headers.get('x-amz-date')!;
    const scope = `${amzDate.slice(0, 8)}/us-east-1/s3/aws4_request`;
    let prev = seed;
    let out = '';
    for (const data of [...chunks, '']) {
      const sts = ['AWS4-HMAC-SHA256-PAYLOAD', amzDate, scope, prev, createHash('sha256').update('').digest('hex'), createHash('sha256').update(data).digest('hex')].join('\n');
      const sig = await signer.sign(sts, { signingDate: when });
      prev = sig;
      out += `${Buffer.byteLength(data).toString(16)};chunk-signature=${sig}\r\n${tamper && data === chunks[0] ? data.toUpperCase() : data}\r\n`;
    }
    return { wire, body: out };
  }

  async function decode(wire: WireRequest, body: string, split = 7) {
    const verified = await verify(wire);
    const guard = new BodyGuard();
    const dec = awsChunkedDecoder({ mode: 'signed', verified, guard });
    const bytes = Buffer.from(body);
    const src = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < bytes.length; i += split) c.enqueue(bytes.subarray(i, i + split));
        c.close();
      },
    });
    const text = await new Response(src.pipeThrough(dec.stream)).text();
    return text;
  }

  it('decodes and verifies every chunk, whatever the network splits', async () => {
    const { wire, body } = await chunkedBody(['hello ', 'world', 'x'.repeat(70000)]);
    expect(await decode(wire, body)).toBe(`hello world${'x'.repeat(70000)}`);
    const small = await chunkedBody(['hello ', 'world']);
    expect(await decode(small.wire, small.body, 1)).toBe('hello world');
  });

  it('fails a tampered chunk with SignatureDoesNotMatch', async () => {
    const { wire, body } = await chunkedBody(['hello ', 'world'], true);
    await expect(decode(wire, body)).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
  });

  it('fails a truncated body with IncompleteBody', async () => {
    const { wire, body } = await chunkedBody(['hello ', 'world']);
    await expect(decode(wire, body.slice(0, 40))).rejects.toMatchObject({ code: 'IncompleteBody' });
  });
});

describe('unsigned trailer bodies', () => {
  it('reads data and trailers', async () => {
    const guard = new BodyGuard();
    const dec = awsChunkedDecoder({ mode: 'unsigned-trailer', guard, decodedLength: 11 });
    const src = new Response('5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n').body!;
    expect(await new Response(src.pipeThrough(dec.stream)).text()).toBe('hello world');
    expect(dec.trailers.get('x-amz-checksum-crc32')).toBe('DUoRhQ==');
  });
});

describe('SigV2', () => {
  it('verifies header and query forms', () => {
    const date = new Date().toUTCString();
    const sts = `GET\n\n\n${date}\n/b/k?acl`;
    const sig = createHmac('sha1', creds.secretAccessKey).update(sts).digest('base64');
    const w: WireRequest = { method: 'GET', rawPath: '/b/k', rawQuery: 'acl', headers: new Headers({ date, authorization: `AWS ${creds.accessKeyId}:${sig}` }) };
    expect(() => verifyV2(parseV2(w)!, creds.secretAccessKey, w, '/b/k', Date.now())).not.toThrow();
    expect(() => verifyV2(parseV2(w)!, 'nope', w, '/b/k', Date.now())).toThrow(expect.objectContaining({ code: 'SignatureDoesNotMatch' }));
    const exp = Math.floor(Date.now() / 1000) + 60;
    const qsig = createHmac('sha1', creds.secretAccessKey).update(`GET\n\n\n${exp}\n/b/k`).digest('base64');
    const q: WireRequest = { method: 'GET', rawPath: '/b/k', rawQuery: `AWSAccessKeyId=${creds.accessKeyId}&Expires=${exp}&Signature=${encodeURIComponent(qsig)}`, headers: new Headers() };
    expect(() => verifyV2(parseV2(q)!, creds.secretAccessKey, q, '/b/k', Date.now())).not.toThrow();
    expect(() => verifyV2(parseV2(q)!, creds.secretAccessKey, q, '/b/k', Date.now() + 120_000)).toThrow(expect.objectContaining({ code: 'AccessDenied' }));
  });
});

describe('SigV4 building blocks', () => {
  /** The byte-by-byte reference encoding SigV4 specifies. */
  const reference = (str: string, keepSlash = false) =>
    [...Buffer.from(str, 'utf8')]
      .map((b) => {
        const ch = String.fromCharCode(b);
        return /[A-Za-z0-9\-._~]/.test(ch) || (keepSlash && ch === '/') ? ch : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
      })
      .join('');

  it('uriEncode matches the byte-wise reference, with and without slashes kept', () => {
    const samples = ['plain-key_1.txt~', "a b+c/d?e&f=g!h'i(j)k*l", 'ünïcødé/日本語/😀', '%41%2F', '\ud800lone', '', '/', 'x/y//z', '\u0000\u007f'];
    for (let i = 0; i < 300; i++) samples.push(String.fromCharCode(...Array.from({ length: 12 }, (_, j) => (i * 7919 + j * 104729) % 0x2fff)));
    for (const str of samples) {
      expect(uriEncode(str)).toBe(reference(str));
      expect(uriEncode(str, true)).toBe(reference(str, true));
    }
  });

  it('SigningKeyCache derives the same key as the SDK, per day, region, service and secret', async () => {
    const cache = new SigningKeyCache();
    for (const [date, region, service, secret] of [
      ['20240101', 'us-east-1', 's3', creds.secretAccessKey],
      ['20240102', 'us-east-1', 's3', creds.secretAccessKey],
      ['20240101', 'RegionOne', 's3', creds.secretAccessKey],
      ['20240101', 'us-east-1', 'ec2', creds.secretAccessKey],
      ['20240101', 'us-east-1', 's3', 'another/secret+'],
    ] as const) {
      const sdk = await getSigningKey(Sha256, { accessKeyId: creds.accessKeyId, secretAccessKey: secret }, date, region, service);
      expect(Buffer.from(cache.get(secret, date, region, service)).toString('hex')).toBe(Buffer.from(sdk).toString('hex'));
      expect(cache.get(secret, date, region, service)).toBe(cache.get(secret, date, region, service));
    }
  });

  it('verifies with a cache the same as without', async () => {
    const cache = new SigningKeyCache();
    const w = await signed('GET', '/bkt/key');
    await expect(verifyV4(parseV4(w)!, creds.secretAccessKey, w, { now: Date.now(), service: 's3', signingKeys: cache })).resolves.toBeTruthy();
    await expect(verifyV4(parseV4(w)!, 'wrong', w, { now: Date.now(), service: 's3', signingKeys: cache })).rejects.toBeInstanceOf(AwsError);
  });
});

/** A presigned URL as the SDK presigner makes it, with `hoisted` headers moved into the query and signed there. */
async function presigned(method: string, rawPath: string, hoisted: Record<string, string> = {}, opts: { region?: string; when?: Date } = {}) {
  const s = opts.region ? new SignatureV4({ service: 's3', region: opts.region, credentials: creds, sha256: Sha256, uriEscapePath: false, applyChecksum: false }) : signer;
  const req = new HttpRequest({ method, protocol: 'http:', hostname: '127.0.0.1', port: 8080, path: rawPath, query: {}, headers: { host: '127.0.0.1:8080', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', ...hoisted } });
  const p = await s.presign(req, { expiresIn: 300, signingDate: opts.when ?? new Date(), unsignableHeaders: new Set(['x-amz-content-sha256']) });
  const rawQuery = Object.entries(p.query as Record<string, string>)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  return { method, rawPath, rawQuery, headers: new Headers({ host: '127.0.0.1:8080' }) } satisfies WireRequest;
}

const addHeaders = (w: WireRequest, extra: Record<string, string>): WireRequest => {
  const headers = new Headers(w.headers);
  for (const [k, v] of Object.entries(extra)) headers.set(k, v);
  return { ...w, headers };
};

describe('every x-amz-* header must be signed', () => {
  it('a presigned PUT with x-amz-copy-source and x-amz-acl added is AccessDenied naming both', async () => {
    const w = addHeaders(await presigned('PUT', '/b/dst'), { 'x-amz-copy-source': '/b/private-key', 'x-amz-acl': 'public-read' });
    await expect(verify(w)).rejects.toMatchObject({
      code: 'AccessDenied',
      status: 403,
      message: 'There were headers present in the request which were not signed',
      fields: { HeadersNotSigned: 'x-amz-acl, x-amz-copy-source' },
    });
  });

  it('a header-signed PUT with x-amz-acl added is AccessDenied', async () => {
    const w = addHeaders(await signed('PUT', '/b/k', {}, 'x'), { 'x-amz-acl': 'public-read' });
    await expect(verify(w)).rejects.toMatchObject({ code: 'AccessDenied', fields: { HeadersNotSigned: 'x-amz-acl' } });
  });

  it('header form: even x-amz-content-sha256 and x-amz-date must be signed, as S3 answers', async () => {
    const w = await signed('GET', '/b/k');
    const auth = w.headers.get('authorization')!.replace(/SignedHeaders=[^,]+/, 'SignedHeaders=host');
    await expect(verify(addHeaders(w, { authorization: auth }))).rejects.toMatchObject({ code: 'AccessDenied', fields: { HeadersNotSigned: 'x-amz-content-sha256, x-amz-date' } });
  });

  it('presigned: the payload hash and x-amz-date headers may be unsigned (the hash is bound by the canonical request)', async () => {
    const w = addHeaders(await presigned('GET', '/b/k'), { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'x-amz-date': '20000101T000000Z' });
    await expect(verify(w)).resolves.toBeTruthy();
  });

  it('presigned: x-amz-* query parameters the presigner hoisted are signed, and stand for headers', async () => {
    const w = await presigned('PUT', '/b/k', { 'x-amz-acl': 'public-read', 'x-amz-meta-colour': 'blue' });
    expect(w.rawQuery).toContain('x-amz-acl=public-read');
    await expect(verify(w)).resolves.toBeTruthy();
    const h = presignedHeaders(w);
    expect(h.get('x-amz-acl')).toBe('public-read');
    expect(h.get('x-amz-meta-colour')).toBe('blue');
    expect(h.get('x-amz-signature')).toBeNull();
    expect(h.get('x-amz-credential')).toBeNull();
    // Tampering with a hoisted parameter breaks the signature.
    await expect(verify({ ...w, rawQuery: w.rawQuery.replace('public-read', 'public-read-write') })).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
  });
});

describe('SigV4 credential scope', () => {
  const rules = { now: Date.now(), service: 's3', regions: ['RegionOne', 'us-east-1'] };
  const regional = new SignatureV4({ service: 's3', region: 'us-west-2', credentials: creds, sha256: Sha256, uriEscapePath: false, applyChecksum: false });

  it('a header signed for another region is 400 AuthorizationHeaderMalformed naming the expected region', async () => {
    const req = new HttpRequest({ method: 'GET', protocol: 'http:', hostname: '127.0.0.1', port: 8080, path: '/b/k', query: {}, headers: { host: '127.0.0.1:8080', 'x-amz-content-sha256': EMPTY } });
    const s = await regional.sign(req);
    const w: WireRequest = { method: 'GET', rawPath: '/b/k', rawQuery: '', headers: new Headers(s.headers as Record<string, string>) };
    const p = parseV4(w)!;
    expect(() => checkScope(p, rules)).toThrow(
      expect.objectContaining({
        code: 'AuthorizationHeaderMalformed',
        status: 400,
        message: "The authorization header is malformed; the region 'us-west-2' is wrong; expecting 'RegionOne'",
        fields: { Region: 'RegionOne' },
      }),
    );
    await expect(verifyV4(p, creds.secretAccessKey, w, rules)).rejects.toMatchObject({ code: 'AuthorizationHeaderMalformed' });
  });

  it('a presigned URL for another region is 400 AuthorizationQueryParametersError', async () => {
    const w = await presigned('GET', '/b/k', {}, { region: 'us-west-2' });
    expect(() => checkScope(parseV4(w)!, rules)).toThrow(
      expect.objectContaining({ code: 'AuthorizationQueryParametersError', status: 400, fields: { Region: 'RegionOne' }, message: expect.stringContaining("the region 'us-west-2' is wrong") }),
    );
  });

  it('the configured region and us-east-1 are accepted', async () => {
    for (const region of ['RegionOne', 'us-east-1']) {
      const w = await presigned('GET', '/b/k', {}, { region });
      await expect(verifyV4(parseV4(w)!, creds.secretAccessKey, w, rules)).resolves.toBeTruthy();
    }
  });

  it('a scope date other than x-amz-date\'s, or another service, is malformed', async () => {
    const w = await signed('GET', '/b/k');
    const auth = w.headers.get('authorization')!;
    const otherDay = addHeaders(w, { authorization: auth.replace(/\/(\d{8})\//, '/19990101/') });
    expect(() => checkScope(parseV4(otherDay)!, rules)).toThrow(expect.objectContaining({ code: 'AuthorizationHeaderMalformed', message: expect.stringContaining('Invalid credential date') }));
    const ec2 = addHeaders(w, { authorization: auth.replace('/s3/aws4_request', '/ec2/aws4_request') });
    expect(() => checkScope(parseV4(ec2)!, rules)).toThrow(expect.objectContaining({ code: 'AuthorizationHeaderMalformed', message: expect.stringContaining('incorrect service') }));
    const term = addHeaders(w, { authorization: auth.replace('/aws4_request', '/aws5_request') });
    expect(() => parseV4(term)).toThrow(expect.objectContaining({ code: 'AuthorizationHeaderMalformed', status: 400 }));
  });
});

const EMPTY = createHash('sha256').update('').digest('hex');

describe('malformed SigV4 claims are 4xx, never a crash', () => {
  const keys: Ec2KeyLookup = (k) => (k === creds.accessKeyId ? { secret: creds.secretAccessKey, context: {} as AuthContext } : undefined);
  const opts = { service: 's3', regions: ['RegionOne', 'us-east-1'], now: Date.now(), v2Resource: '/b/k' };
  const outcome = async (w: WireRequest): Promise<string> => {
    try {
      await authenticate(w, keys, opts);
      return 'ok';
    } catch (e) {
      if (!(e instanceof AwsError)) return `crash: ${String(e)}`;
      return e.status >= 400 && e.status < 500 ? 'refused' : `status ${e.status}`;
    }
  };

  it('a SignedHeaders entry that is not a header name is 400 AuthorizationHeaderMalformed', async () => {
    const w = await signed('GET', '/b/k');
    for (const sh of ['host;x"amz-date', 'host;;x-amz-date', 'host;x amz', 'host;é', '', ';']) {
      const bad = addHeaders(w, { authorization: w.headers.get('authorization')!.replace(/SignedHeaders=[^,]+/, `SignedHeaders=${sh}`) });
      expect(() => parseV4(bad), sh).toThrow(expect.objectContaining({ code: 'AuthorizationHeaderMalformed', status: 400 }));
    }
    const p = await presigned('GET', '/b/k');
    const q = { ...p, rawQuery: p.rawQuery.replace(/X-Amz-SignedHeaders=[^&]+/, `X-Amz-SignedHeaders=${encodeURIComponent('host;x"y;\u00e9\u65e5')}`) };
    expect(() => parseV4(q)).toThrow(expect.objectContaining({ code: 'AuthorizationQueryParametersError', status: 400 }));
  });

  it('fuzzed Authorization headers and presigned queries never give a 5xx or a crash', async () => {
    const good = await signed('GET', '/b/k');
    const goodAuth = good.headers.get('authorization')!;
    const pre = await presigned('GET', '/b/k');
    let seed = 42;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    const pieces = ['AWS4-HMAC-SHA256 ', 'Credential=', 'SignedHeaders=', 'Signature=', ',', ';', '/', '=', ' ', '"', 'host', 'x-amz-date', creds.accessKeyId, '20240101', 'RegionOne', 's3', 'aws4_request', '\u00e9', 'A'.repeat(5000), '%', '%ZZ', '\t'];
    const mutate = (s: string) => {
      const i = rnd(s.length + 1);
      const op = rnd(3);
      if (op === 0) return s.slice(0, i) + s.slice(i + 1 + rnd(20));
      if (op === 1) return s.slice(0, i) + pieces[rnd(pieces.length)] + s.slice(i);
      return s.slice(0, i) + pieces[rnd(pieces.length)] + s.slice(i + rnd(10));
    };
    const cases: WireRequest[] = [];
    for (let n = 0; n < 400; n++) {
      let a = goodAuth;
      for (let m = 1 + rnd(4); m > 0; m--) a = mutate(a);
      // Headers cannot carry what the wire cannot (non-Latin-1, CR/LF): those never reach us.
      const latin = a.replace(/[^\x20-\x7e\xa0-\xff\t]/g, '?');
      cases.push(addHeaders(good, { authorization: latin }));
      let q = pre.rawQuery;
      for (let m = 1 + rnd(4); m > 0; m--) q = mutate(q);
      cases.push({ ...pre, rawQuery: q });
    }
    cases.push(addHeaders(good, { authorization: goodAuth + ', Credential=x' }));
    cases.push({ ...pre, rawQuery: `${pre.rawQuery}&X-Amz-Credential=other` });
    cases.push({ ...pre, rawQuery: pre.rawQuery.replace(/X-Amz-Credential=[^&]+/, 'X-Amz-Credential=') });
    cases.push(addHeaders(good, { authorization: 'AWS4-HMAC-SHA256 ' }));
    cases.push(addHeaders(good, { authorization: `AWS4-HMAC-SHA256 Credential=${'/'.repeat(3000)}, SignedHeaders=host, Signature=00` }));
    cases.push(addHeaders(good, { authorization: 'AWS ' }));
    cases.push(addHeaders(good, { authorization: 'AWS :::' }));
    cases.push({ ...pre, rawQuery: 'AWSAccessKeyId=&Signature=&Expires=1' });
    cases.push({ ...pre, rawQuery: `x-amz-acl=${encodeURIComponent('a\r\nb')}&${pre.rawQuery}` });
    const crashes: string[] = [];
    for (const w of cases) {
      const o = await outcome(w);
      if (o !== 'ok' && o !== 'refused') crashes.push(`${o} for ${w.headers.get('authorization') ?? w.rawQuery}`);
    }
    expect(crashes).toEqual([]);
  });

  it('an Authorization header together with query-string authentication is 400 InvalidArgument', async () => {
    const w = await signed('GET', '/b/k');
    const pre = await presigned('GET', '/b/k');
    expect(await authenticate({ ...w, rawQuery: pre.rawQuery }, keys, opts).catch((e: AwsError) => e.code)).toBe('InvalidArgument');
  });
});

describe('SigV2 signs every x-amz-* header', () => {
  it('a request signed with x-amz-acl verifies; one with x-amz-acl added or changed after signing does not', () => {
    const date = new Date().toUTCString();
    const sts = `PUT\n\ntext/plain\n${date}\nx-amz-acl:private\nx-amz-meta-a:1\n/b/k`;
    const sig = createHmac('sha1', creds.secretAccessKey).update(sts).digest('base64');
    const headers = { date, 'content-type': 'text/plain', 'x-amz-acl': 'private', 'x-amz-meta-a': '1', authorization: `AWS ${creds.accessKeyId}:${sig}` };
    const w: WireRequest = { method: 'PUT', rawPath: '/b/k', rawQuery: '', headers: new Headers(headers) };
    expect(() => verifyV2(parseV2(w)!, creds.secretAccessKey, w, '/b/k', Date.now())).not.toThrow();
    const changes: Array<Record<string, string>> = [{ 'x-amz-acl': 'public-read' }, { 'x-amz-copy-source': '/b/secret' }, { 'content-type': 'text/html' }, { 'content-md5': '1B2M2Y8AsgTpgAmY7PhCfg==' }];
    for (const extra of changes) {
      const t: WireRequest = { ...w, headers: new Headers({ ...headers, ...extra }) };
      expect(() => verifyV2(parseV2(t)!, creds.secretAccessKey, t, '/b/k', Date.now()), JSON.stringify(extra)).toThrow(expect.objectContaining({ code: 'SignatureDoesNotMatch' }));
    }
  });

  it('a presigned SigV2 URL with an x-amz-* header added fails', () => {
    const exp = Math.floor(Date.now() / 1000) + 60;
    const qsig = createHmac('sha1', creds.secretAccessKey).update(`PUT\n\n\n${exp}\n/b/k`).digest('base64');
    const q: WireRequest = { method: 'PUT', rawPath: '/b/k', rawQuery: `AWSAccessKeyId=${creds.accessKeyId}&Expires=${exp}&Signature=${encodeURIComponent(qsig)}`, headers: new Headers() };
    expect(() => verifyV2(parseV2(q)!, creds.secretAccessKey, q, '/b/k', Date.now())).not.toThrow();
    const t = { ...q, headers: new Headers({ 'x-amz-acl': 'public-read' }) };
    expect(() => verifyV2(parseV2(t)!, creds.secretAccessKey, t, '/b/k', Date.now())).toThrow(expect.objectContaining({ code: 'SignatureDoesNotMatch' }));
  });
});

/** The Fetch Headers a Node entry builds from raw headers: a repeated header becomes one `a, b` value. */
function fromRaw(raw: string[]): Headers {
  const h = new Headers();
  for (let i = 0; i < raw.length; i += 2) h.append(raw[i]!, raw[i + 1]!);
  return h;
}

describe('a header sent more than once is signed with its values joined by ","', () => {
  it('SigV2: botocore\'s string to sign (`x-amz-meta-a:1,2`) verifies when the header came twice', () => {
    const date = new Date().toUTCString();
    const sig = createHmac('sha1', creds.secretAccessKey).update(`PUT\n\n\n${date}\nx-amz-meta-a:1,2\n/b/k`).digest('base64');
    const rawHeaders = ['Date', date, 'Authorization', `AWS ${creds.accessKeyId}:${sig}`, 'X-Amz-Meta-A', '1', 'x-amz-meta-a', ' 2 '];
    const w: WireRequest = { method: 'PUT', rawPath: '/b/k', rawQuery: '', headers: fromRaw(rawHeaders), rawHeaders };
    expect(() => verifyV2(parseV2(w)!, creds.secretAccessKey, w, '/b/k', Date.now())).not.toThrow();
    // One header whose value is `1, 2` is another request.
    const one = ['Date', date, 'Authorization', `AWS ${creds.accessKeyId}:${sig}`, 'x-amz-meta-a', '1, 2'];
    const o: WireRequest = { ...w, headers: fromRaw(one), rawHeaders: one };
    expect(() => verifyV2(parseV2(o)!, creds.secretAccessKey, o, '/b/k', Date.now())).toThrow(expect.objectContaining({ code: 'SignatureDoesNotMatch' }));
  });

  it('SigV4: a signer\'s `x-amz-meta-a:1,2` verifies when the header came twice', async () => {
    const w = await signed('PUT', '/b/k', {}, '', { 'x-amz-meta-a': '1,2' });
    const raw: string[] = [];
    w.headers.forEach((v, k) => {
      if (k === 'x-amz-meta-a') raw.push(k, '1', k, '2');
      else raw.push(k, v);
    });
    await expect(verify({ ...w, headers: fromRaw(raw), rawHeaders: raw })).resolves.toBeTruthy();
  });
});

describe('session tokens and time windows', () => {
  const keys: Ec2KeyLookup = (k) => (k === creds.accessKeyId ? { secret: creds.secretAccessKey, context: {} as AuthContext } : undefined);
  const opts = { service: 's3', regions: ['us-east-1'], now: Date.now(), v2Resource: '/b/k' };

  it('x-amz-security-token with a long-term key is 400 InvalidToken (header, presigned and SigV2 forms)', async () => {
    const w = await signed('GET', '/b/k', {}, '', { 'x-amz-security-token': 'FwoGZXIvYXdzEXAMPLE' });
    await expect(authenticate(w, keys, opts)).rejects.toMatchObject({ code: 'InvalidToken', status: 400, message: 'The provided token is malformed or otherwise invalid.' });
    const req = new HttpRequest({ method: 'GET', protocol: 'http:', hostname: '127.0.0.1', port: 8080, path: '/b/k', query: { 'X-Amz-Security-Token': 'tok' }, headers: { host: '127.0.0.1:8080' } });
    const p = await signer.presign(req, { expiresIn: 60 });
    const rawQuery = Object.entries(p.query as Record<string, string>).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
    await expect(authenticate({ method: 'GET', rawPath: '/b/k', rawQuery, headers: new Headers({ host: '127.0.0.1:8080' }) }, keys, opts)).rejects.toMatchObject({ code: 'InvalidToken' });
    const date = new Date().toUTCString();
    const sig = createHmac('sha1', creds.secretAccessKey).update(`GET\n\n\n${date}\nx-amz-security-token:tok\n/b/k`).digest('base64');
    const v2: WireRequest = { method: 'GET', rawPath: '/b/k', rawQuery: '', headers: new Headers({ date, 'x-amz-security-token': 'tok', authorization: `AWS ${creds.accessKeyId}:${sig}` }) };
    await expect(authenticate(v2, keys, opts)).rejects.toMatchObject({ code: 'InvalidToken' });
  });

  it('an expired presigned URL names X-Amz-Expires, Expires (from X-Amz-Date) and ServerTime to the second; a week and a second is refused with AWS\'s wording', async () => {
    const when = new Date(Date.UTC(2026, 11, 2, 10, 0, 0));
    const req = new HttpRequest({ method: 'GET', protocol: 'http:', hostname: '127.0.0.1', port: 8080, path: '/b/k', query: {}, headers: { host: '127.0.0.1:8080', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
    const p = await signer.presign(req, { expiresIn: 60, signingDate: when, unsignableHeaders: new Set(['x-amz-content-sha256']) });
    const rawQuery = Object.entries(p.query as Record<string, string>).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
    const w: WireRequest = { method: 'GET', rawPath: '/b/k', rawQuery, headers: new Headers({ host: '127.0.0.1:8080' }) };
    const err = await verify(w, creds.secretAccessKey, when.getTime() + 61_000).catch((e: AwsError) => e);
    expect(err).toMatchObject({ code: 'AccessDenied', message: 'Request has expired', status: 403 });
    expect((err as AwsError).fields).toMatchObject({ 'X-Amz-Expires': 60, Expires: '2026-12-02T10:01:00Z', ServerTime: '2026-12-02T10:01:01Z' });
    await expect(verify(w, creds.secretAccessKey, when.getTime() + 60_000)).resolves.toBeTruthy();
    const long = { ...w, rawQuery: rawQuery.replace(/X-Amz-Expires=\d+/, 'X-Amz-Expires=604801') };
    expect(() => parseV4(long)).toThrow(expect.objectContaining({ code: 'AuthorizationQueryParametersError', message: 'X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds' }));
    const week = { ...w, rawQuery: rawQuery.replace(/X-Amz-Expires=\d+/, 'X-Amz-Expires=604800') };
    expect(parseV4(week)?.expires).toBe(604800);
  });

  it('RequestTimeTooSkewed names RequestTime, ServerTime and the allowed skew', async () => {
    const now = Date.UTC(2026, 11, 2, 10, 0, 0);
    const w = await signed('GET', '/b/k', {}, '', {}, new Date(now - 16 * 60_000));
    const err = await verify(w, creds.secretAccessKey, now).catch((e: AwsError) => e);
    expect(err).toMatchObject({ code: 'RequestTimeTooSkewed', status: 403 });
    expect((err as AwsError).fields).toMatchObject({ RequestTime: '20261202T094400Z', ServerTime: '2026-12-02T10:00:00Z', MaxAllowedSkewMilliseconds: 900000 });
  });

  it('an expired SigV2 presigned URL names Expires and ServerTime', () => {
    const exp = Math.floor(Date.UTC(2026, 11, 2, 10, 0, 0) / 1000);
    const qsig = createHmac('sha1', creds.secretAccessKey).update(`GET\n\n\n${exp}\n/b/k`).digest('base64');
    const q: WireRequest = { method: 'GET', rawPath: '/b/k', rawQuery: `AWSAccessKeyId=${creds.accessKeyId}&Expires=${exp}&Signature=${encodeURIComponent(qsig)}`, headers: new Headers() };
    expect(() => verifyV2(parseV2(q)!, creds.secretAccessKey, q, '/b/k', exp * 1000 + 5000)).toThrow(
      expect.objectContaining({ code: 'AccessDenied', fields: expect.objectContaining({ Expires: '2026-12-02T10:00:00Z', ServerTime: '2026-12-02T10:00:05Z' }) }),
    );
  });
});

describe('strictPercentDecode', () => {
  it('decodes UTF-8 escapes and refuses what has no exact UTF-8 decoding', () => {
    expect(strictPercentDecode('caf%C3%A9/%E2%98%83 a+b')).toBe('café/☃ a+b');
    expect(strictPercentDecode('alias-%25ff')).toBe('alias-%ff');
    for (const bad of ['%ff', '%c0%af', '%ed%a0%80', '%zz', 'a%', '%f', 'x\ud800']) expect(strictPercentDecode(bad), bad).toBeUndefined();
    expect(isStrictQuery('prefix=a%2Fb&list-type=2&uploads')).toBe(true);
    expect(isStrictQuery('prefix=%ff')).toBe(false);
    expect(isStrictQuery('%ff=1')).toBe(false);
  });
});
