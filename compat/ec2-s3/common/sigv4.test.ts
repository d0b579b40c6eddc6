// SigV4 verification checked against an independent signer (@smithy/signature-v4), plus aws-chunked chains.
import { createHash, createHmac } from 'node:crypto';
import { getSigningKey, SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/core/protocols';
import { describe, expect, it } from 'vitest';
import { awsChunkedDecoder, BodyGuard } from './aws-chunked.js';
import { AwsError } from './aws-error.js';
import { parseV2, verifyV2 } from './sigv2.js';
import { isStrictQuery, parseV4, SigningKeyCache, strictPercentDecode, uriEncode, verifyV4, type WireRequest } from './sigv4.js';
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
