// Virtual-hosted addressing with the real JS SDK (no path style): {bucket}.s3.<public host>, {bucket}.<public host>, and SigV2 against a bucket host.
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createHmac, randomBytes } from 'node:crypto';
import { Agent, request, type RequestOptions } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presignV4, startS3Server, type S3TestServer } from './s3-server.js';

/** The public host the server is configured with; nothing resolves it, the agent below sends every name to loopback. */
const PUBLIC_HOST = 'skybridge.test';

let srv: S3TestServer;
const agent = new Agent({
  keepAlive: true,
  lookup: (_host, opts, cb) => (opts.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4)),
});
const clients: S3Client[] = [];

/** An SDK client in its default (virtual-hosted) addressing, against `http://<host>:<port>`. */
function sdk(host: string): S3Client {
  const c = new S3Client({
    endpoint: `http://${host}:${srv.port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: srv.admin.access, secretAccessKey: srv.admin.secret },
    requestHandler: { httpAgent: agent },
  });
  clients.push(c);
  return c;
}

/** A plain HTTP request to loopback with the given Host header. */
function raw(opts: RequestOptions & { host: string }): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((res, rej) => {
    const req = request({ ...opts, host: '127.0.0.1', port: srv.port, headers: { ...opts.headers, host: `${opts.host}:${srv.port}` } }, (r) => {
      let body = '';
      r.setEncoding('utf8');
      r.on('data', (d: string) => (body += d));
      r.on('end', () => res({ status: r.statusCode ?? 0, body, headers: r.headers }));
    });
    req.on('error', rej);
    req.end();
  });
}

beforeAll(async () => {
  srv = await startS3Server({ SKYBRIDGE_PUBLIC_URL: `http://${PUBLIC_HOST}:8080` });
}, 60_000);

afterAll(async () => {
  for (const c of clients) c.destroy();
  agent.destroy();
  await srv?.close();
});

describe('{bucket}.s3.<public host>', () => {
  it('creates, writes, lists, reads and deletes with the bucket in the Host only', async () => {
    const s3 = sdk(`s3.${PUBLIC_HOST}`);
    const seen: string[] = [];
    s3.middlewareStack.add(
      (next) => async (args) => {
        const r = args.request as { hostname?: string; path?: string };
        seen.push(`${r.hostname} ${r.path}`);
        return next(args);
      },
      { step: 'finalizeRequest', name: 'recordHost' },
    );
    await s3.send(new CreateBucketCommand({ Bucket: 'vhost' }));
    await s3.send(new PutObjectCommand({ Bucket: 'vhost', Key: 'dir/a b+c.txt', Body: 'hello' }));
    expect(seen).toContain(`vhost.s3.${PUBLIC_HOST} /dir/a%20b%2Bc.txt`);
    await s3.send(new HeadBucketCommand({ Bucket: 'vhost' }));
    const list = await s3.send(new ListObjectsV2Command({ Bucket: 'vhost', Delimiter: '/' }));
    expect(list.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['dir/']);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'vhost', Key: 'dir/a b+c.txt' }));
    expect(await got.Body!.transformToString()).toBe('hello');
  });

  it('multipart (lib-storage) and DeleteObjects work virtual-hosted', async () => {
    const s3 = sdk(`s3.${PUBLIC_HOST}`);
    const data = randomBytes(6 * 1024 * 1024);
    const done = await new Upload({ client: s3, params: { Bucket: 'vhost', Key: 'big.bin', Body: data }, partSize: 5 * 1024 * 1024 }).done();
    expect(done.ETag).toMatch(/-2"$/);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'vhost', Key: 'big.bin' }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(data)).toBe(true);
    const del = await s3.send(new DeleteObjectsCommand({ Bucket: 'vhost', Delete: { Objects: [{ Key: 'big.bin' }] } }));
    expect(del.Deleted?.map((d) => d.Key)).toEqual(['big.bin']);
  });

  it('a presigned GET signed for the bucket host works, and not on another bucket’s host', async () => {
    const url = new URL(
      await presignV4(`http://vhost.s3.${PUBLIC_HOST}:${srv.port}`, { method: 'GET', path: '/dir/a%20b%2Bc.txt', access: srv.admin.access, secret: srv.admin.secret, expiresIn: 300 }),
    );
    const ok = await raw({ method: 'GET', host: url.hostname, path: url.pathname + url.search });
    expect(ok).toMatchObject({ status: 200, body: 'hello' });
    const other = await raw({ method: 'GET', host: `other.s3.${PUBLIC_HOST}`, path: url.pathname + url.search });
    expect(other.status).toBe(403);
  });

  it('SigV2 header auth signs /bucket/key for a bucket host', async () => {
    const date = new Date().toUTCString();
    const sts = `GET\n\n\n${date}\n/vhost/dir/a%20b%2Bc.txt`;
    const sig = createHmac('sha1', srv.admin.secret).update(sts).digest('base64');
    const r = await raw({ method: 'GET', host: `vhost.s3.${PUBLIC_HOST}`, path: '/dir/a%20b%2Bc.txt', headers: { date, authorization: `AWS ${srv.admin.access}:${sig}` } });
    expect(r).toMatchObject({ status: 200, body: 'hello' });
  });

  it('the public host itself and s3.<public host> stay path style', async () => {
    const direct = await raw({ method: 'GET', host: `s3.${PUBLIC_HOST}`, path: '/vhost/dir/a%20b%2Bc.txt' });
    expect(direct.status).toBe(403);
    expect(direct.body).toContain('<Resource>/vhost/dir/a%20b%2Bc.txt</Resource>');
    const missing = await raw({ method: 'GET', host: PUBLIC_HOST, path: '/no-such-bucket/k' });
    expect(missing.body).toContain('<Code>NoSuchBucket</Code>');
  });
});

describe('{bucket}.<public host> (the SDK default for an endpoint of http://<public host>)', () => {
  it('reads what the other style wrote, and deletes the bucket', async () => {
    const s3 = sdk(PUBLIC_HOST);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'vhost', Key: 'dir/a b+c.txt' }));
    expect(await got.Body!.transformToString()).toBe('hello');
    await s3.send(new DeleteObjectsCommand({ Bucket: 'vhost', Delete: { Objects: [{ Key: 'dir/a b+c.txt' }] } }));
    await s3.send(new DeleteBucketCommand({ Bucket: 'vhost' }));
    const gone = await raw({ method: 'HEAD', host: `vhost.${PUBLIC_HOST}`, path: '/' });
    expect(gone.status).toBe(404);
  });
});
