// A raw SigV4 S3 requester over node:http (paths sent exactly as given), for what real clients and SDKs will not send.
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Ec2Key } from './object-fixture.js';
import { Sha256 } from '../harness/node-sha256.js';


/** One request to sign and send. */
export interface RawS3Request {
  method: string;
  /** Path exactly as it goes on the wire (already percent-encoded, dot segments kept). */
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Default: hex SHA-256 of the body. */
  payloadHash?: string;
  /** Default: now. */
  signingDate?: Date;
}

/** What came back. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
}

/** A signer bound to a server and a key. */
export interface RawS3 {
  /** Signs and returns the headers to send (host included) and the full path with query. */
  sign(req: RawS3Request): Promise<{ path: string; headers: Record<string, string> }>;
  /** Signs and sends over node:http. */
  send(req: RawS3Request): Promise<RawResponse>;
  /** A presigned URL for `path` (query-signed, UNSIGNED-PAYLOAD). */
  presign(method: string, path: string, expiresIn: number, signingDate?: Date): Promise<string>;
}

/** RFC 3986 encoding as SigV4 canonical queries use it. */
const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const queryString = (q: Record<string, string | string[] | null> | undefined) =>
  Object.entries(q ?? {})
    .flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x] as const) : [[k, v ?? ''] as const]))
    .map(([k, v]) => (v === '' ? `${enc(k)}=` : `${enc(k)}=${enc(v)}`))
    .join('&');

/** Sends one HTTP request with a raw path; resolves with the whole response. */
export function httpSend(baseUrl: string, method: string, path: string, headers: Record<string, string>, body?: Buffer | string): Promise<RawResponse> {
  const u = new URL(baseUrl);
  return new Promise((res, rej) => {
    const req = request({ host: u.hostname, port: u.port, method, path, headers }, (r) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => {
        const b = Buffer.concat(chunks);
        res({ status: r.statusCode ?? 0, headers: r.headers, body: b, text: b.toString('utf8') });
      });
      r.on('error', rej);
    });
    req.on('error', rej);
    req.end(body);
  });
}

/** A raw signer/sender for `baseUrl` with `key`, region `region`, service `s3`. */
export function rawS3(baseUrl: string, key: Ec2Key, region: string): RawS3 {
  const u = new URL(baseUrl);
  const signer = new SignatureV4({
    credentials: { accessKeyId: key.access, secretAccessKey: key.secret },
    region,
    service: 's3',
    sha256: Sha256,
    uriEscapePath: false,
    applyChecksum: false,
  });
  const sign: RawS3['sign'] = async (r) => {
    const body = r.body === undefined ? Buffer.alloc(0) : Buffer.from(r.body);
    const payloadHash = r.payloadHash ?? createHash('sha256').update(body).digest('hex');
    const headers: Record<string, string> = { host: u.host, 'x-amz-content-sha256': payloadHash, ...r.headers };
    if (body.length || r.method === 'PUT' || r.method === 'POST') headers['content-length'] ??= String(body.length);
    const signed = await signer.sign(
      { method: r.method, protocol: 'http:', hostname: u.hostname, port: Number(u.port), path: r.path, query: r.query ?? {}, headers },
      { signingDate: r.signingDate ?? new Date() },
    );
    const qs = queryString(r.query);
    return { path: qs ? `${r.path}?${qs}` : r.path, headers: signed.headers as Record<string, string> };
  };
  return {
    sign,
    async send(r) {
      const s = await sign(r);
      return httpSend(baseUrl, r.method, s.path, s.headers, r.body);
    },
    async presign(method, path, expiresIn, signingDate = new Date()) {
      const p = await signer.presign(
        // As the S3 presigner does: the payload hash comes from this header, which is neither signed nor hoisted.
        { method, protocol: 'http:', hostname: u.hostname, port: Number(u.port), path, query: {}, headers: { host: u.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } },
        { expiresIn, signingDate, unhoistableHeaders: new Set(['x-amz-content-sha256']), unsignableHeaders: new Set(['x-amz-content-sha256']) },
      );
      return `${baseUrl}${path}?${queryString(p.query as Record<string, string | string[] | null>)}`;
    },
  };
}
