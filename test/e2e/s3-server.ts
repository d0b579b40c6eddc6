// In-process skybridge on a loopback port (same Node wiring as gateway/main.ts), plus a raw SigV4/SigV2 requester for S3 tests.
import { serve } from '@hono/node-server';
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/core/protocols';
import { writeDirect } from '../../gateway/direct-body.js';
import { requestBodyOnce } from '../../gateway/request-body.js';
import type { SystemOverrides } from '../../gateway/app.js';
import { buildTestSystem, type TestSystem } from '../harness/system.js';
import { Sha256 } from '../harness/node-sha256.js';
import { S3Client, S3ServiceException } from '@aws-sdk/client-s3';


export interface S3TestServer {
  sys: TestSystem;
  url: string;
  port: number;
  admin: { access: string; secret: string; projectId: string };
  demo: { access: string; secret: string; projectId: string };
  close(): Promise<void>;
}

/**
 * Builds an in-memory system (`configEnv` over the test defaults, `overrides` such as a recording logger or a file blob store)
 * and serves it on 127.0.0.1 with raw paths, deferred `100 Continue` and direct writes of file-backed bodies, as main.ts does.
 */
export async function startS3Server(configEnv: Record<string, string> = {}, overrides: SystemOverrides = {}): Promise<S3TestServer> {
  const sys = await buildTestSystem(configEnv, overrides);
  const server = serve({
    fetch: async (req, env: { incoming?: { url?: string }; outgoing?: unknown }) => {
      const out = env.outgoing as ServerResponse | undefined;
      const incoming = env.incoming as IncomingMessage | undefined;
      let sent = false;
      const res = await sys.app.fetch(req, {
        rawPath: env.incoming?.url,
        requestBody: requestBodyOnce(incoming),
        rawHeaders: incoming?.rawHeaders,
        remoteAddress: incoming?.socket?.remoteAddress,
        writeContinue: () => {
          if (sent || !out || out.headersSent) return;
          sent = true;
          if (incoming?.headers.expect?.toLowerCase() === '100-continue') out.writeContinue();
        },
      });
      return writeDirect(res, incoming?.method, out);
    },
    hostname: '127.0.0.1',
    port: 0,
  });
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => server.emit('request', req, res));
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => server.emit('request', req, res));
  await new Promise<void>((r) => (server.listening ? r() : server.once('listening', () => r())));
  const port = (server.address() as AddressInfo).port;
  const b = sys.firstStart.bootstrap;
  return {
    sys,
    url: `http://127.0.0.1:${port}`,
    port,
    admin: { ...b.admin.ec2, projectId: b.admin.projectId },
    demo: { ...b.demo.ec2, projectId: b.demo.projectId },
    async close() {
      await new Promise<void>((r) => server.close(() => r()));
      await sys.dispose();
    },
  };
}

export interface RawRequest {
  method: string;
  /** Raw path as it goes on the wire (already encoded). */
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Payload hash to sign; default: the real hex SHA-256 of the body. */
  payloadHash?: string;
  access: string;
  secret: string;
  when?: Date;
  region?: string;
}

function signer(r: { access: string; secret: string; region?: string }) {
  return new SignatureV4({
    service: 's3',
    region: r.region ?? 'us-east-1',
    credentials: { accessKeyId: r.access, secretAccessKey: r.secret },
    sha256: Sha256,
    uriEscapePath: false,
    applyChecksum: false,
  });
}

const qs = (q: Record<string, string>) =>
  Object.entries(q)
    .map(([k, v]) => (v === '' ? encodeURIComponent(k) : `${encodeURIComponent(k)}=${encodeURIComponent(v)}`))
    .join('&');

/** Signs a request with SigV4 (smithy, independent of the server's verifier) and returns fetch arguments. */
export async function signV4(base: string, r: RawRequest): Promise<{ url: string; init: RequestInit & { headers: Record<string, string> } }> {
  const u = new URL(base);
  const body = r.body ?? '';
  const payloadHash = r.payloadHash ?? createHash('sha256').update(body).digest('hex');
  const req = new HttpRequest({
    method: r.method,
    protocol: 'http:',
    hostname: u.hostname,
    port: Number(u.port),
    path: r.path,
    query: r.query ?? {},
    headers: { host: u.host, 'x-amz-content-sha256': payloadHash, ...r.headers },
  });
  const s = await signer(r).sign(req, { signingDate: r.when ?? new Date() });
  const q = qs(r.query ?? {});
  const headers = { ...(s.headers as Record<string, string>) };
  delete headers.host;
  return { url: `${base}${r.path}${q ? `?${q}` : ''}`, init: { method: r.method, headers, body: r.method === 'GET' || r.method === 'HEAD' ? undefined : (body as BodyInit) } };
}

/** Sends a SigV4-signed request. */
export async function rawS3(base: string, r: RawRequest): Promise<Response> {
  const { url, init } = await signV4(base, r);
  return fetch(url, { ...init, duplex: 'half' } as RequestInit);
}

/**
 * A presigned SigV4 GET/PUT URL, as `aws s3 presign` makes it; `headers` (x-amz-*) are hoisted into the
 * query and signed there, as the SDK presigner does.
 */
export async function presignV4(
  base: string,
  r: { method: string; path: string; access: string; secret: string; expiresIn: number; when?: Date; region?: string; headers?: Record<string, string> },
): Promise<string> {
  const u = new URL(base);
  const req = new HttpRequest({
    method: r.method,
    protocol: 'http:',
    hostname: u.hostname,
    port: Number(u.port),
    path: r.path,
    query: {},
    headers: { host: u.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', ...r.headers },
  });
  const p = await signer(r).presign(req, { expiresIn: r.expiresIn, signingDate: r.when ?? new Date(), unsignableHeaders: new Set(['x-amz-content-sha256']) });
  return `${base}${r.path}?${qs(p.query as Record<string, string>)}`;
}

/** The body of a STREAMING-AWS4-HMAC-SHA256-PAYLOAD upload (as minio-go sends it), signed chunk by chunk. */
export async function signedChunkedUpload(base: string, r: { path: string; access: string; secret: string; chunks: Buffer[] }): Promise<Response> {
  const when = new Date();
  const decoded = r.chunks.reduce((n, c) => n + c.length, 0);
  const { url, init } = await signV4(base, {
    method: 'PUT',
    path: r.path,
    access: r.access,
    secret: r.secret,
    payloadHash: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
    headers: { 'x-amz-decoded-content-length': String(decoded) },
    when,
  });
  const seed = /Signature=([0-9a-f]+)/.exec(init.headers.authorization!)![1]!;
  const amzDate = init.headers['x-amz-date']!;
  const scope = `${amzDate.slice(0, 8)}/us-east-1/s3/aws4_request`;
  const empty = createHash('sha256').update('').digest('hex');
  let prev = seed;
  const parts: Buffer[] = [];
  for (const data of [...r.chunks, Buffer.alloc(0)]) {
    const sts = ['AWS4-HMAC-SHA256-PAYLOAD', amzDate, scope, prev, empty, createHash('sha256').update(data).digest('hex')].join('\n');
    prev = await signer(r).sign(sts, { signingDate: when });
    parts.push(Buffer.from(`${data.length.toString(16)};chunk-signature=${prev}\r\n`), data, Buffer.from('\r\n'));
  }
  const body = Buffer.concat(parts);
  return fetch(url, { ...init, body: body as unknown as BodyInit, headers: { ...init.headers, 'content-length': String(body.length) } });
}

/** The S3 error code an SDK call fails with (the exception's name), or undefined when it succeeds. */
export async function s3ErrorName(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    return e instanceof S3ServiceException ? e.name : String(e);
  }
}

/** An @aws-sdk/client-s3 client for `srv` signing with `key` (path-style, us-east-1), as the e2e tests drive the server. */
export function s3ClientFor(srv: Pick<S3TestServer, 'url'>, key: { access: string; secret: string }): S3Client {
  return new S3Client({ endpoint: srv.url, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: key.access, secretAccessKey: key.secret } });
}

/** How an SDK call failed: S3 error code, HTTP status and message; `{}` when it succeeds. Anything but an S3 error is rethrown. */
export async function s3Failure(p: Promise<unknown>): Promise<{ code?: string; status?: number; message?: string }> {
  try {
    await p;
    return {};
  } catch (e) {
    if (!(e instanceof S3ServiceException)) throw e;
    return { code: e.name, status: e.$metadata.httpStatusCode, message: e.message };
  }
}

/** A Keystone token for the bootstrap admin scoped to its project, asked for over the wire as the swift CLI does. */
export async function adminSwiftToken(srv: Pick<S3TestServer, 'url' | 'admin'>): Promise<string> {
  const r = await fetch(`${srv.url}/identity/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: { methods: ['password'], password: { user: { name: 'admin', domain: { id: 'default' }, password: 'admin-secret' } } },
        scope: { project: { id: srv.admin.projectId } },
      },
    }),
  });
  if (r.status !== 201) throw new Error(`Keystone login answered ${r.status}, not 201`);
  return r.headers.get('x-subject-token')!;
}
