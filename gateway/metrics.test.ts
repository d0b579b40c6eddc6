// GET /metrics (Prometheus text), access-log lines (sub-resource and operation, never signatures), the browser landing page.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../core/logger.js';
import { presignV4, rawS3, startS3Server, type S3TestServer } from '../test/e2e/s3-server.js';

/** A logger that keeps every object it is given. */
function recordingLogger(lines: Array<Record<string, unknown>>): Logger {
  const keep = (o: object | string) => void lines.push(typeof o === 'string' ? { msg: o } : (o as Record<string, unknown>));
  const l: Logger = { info: keep, warn: keep, error: keep, debug: keep, child: () => l };
  return l;
}

describe('metrics, access log, landing page', () => {
  let s: S3TestServer;
  const lines: Array<Record<string, unknown>> = [];
  const s3 = (method: string, path: string, query?: Record<string, string>, body?: string) =>
    rawS3(s.url, { method, path, query, body, access: s.admin.access, secret: s.admin.secret, region: 'RegionOne' });

  beforeAll(async () => {
    s = await startS3Server({}, { logger: recordingLogger(lines) });
  });
  afterAll(async () => s.close());

  it('counts requests by family, operation and status, with latency, bytes, queue and commit metrics', async () => {
    expect((await s3('PUT', '/metrics-bucket')).status).toBe(200);
    expect((await s3('PUT', '/metrics-bucket/k', undefined, 'hello world')).status).toBe(200);
    expect((await s3('GET', '/metrics-bucket', { acl: '' })).status).toBe(200);
    expect((await s3('GET', '/no-such-bucket', { tagging: '' })).status).toBe(404);
    expect((await fetch(`${s.url}/identity/v3/auth/tokens`)).status).toBe(401);
    const r = await fetch(`${s.url}/metrics`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/plain');
    const text = await r.text();
    expect(text).toContain('skybridge_http_requests_total{family="s3",operation="PutObject",status="200"} 1');
    expect(text).toContain('skybridge_http_requests_total{family="s3",operation="GetBucketAcl",status="200"} 1');
    expect(text).toContain('skybridge_http_requests_total{family="s3",operation="GetBucketTagging",status="404"} 1');
    expect(text).toMatch(/skybridge_http_request_duration_seconds_bucket\{le="[^"]+",family="s3",operation="PutObject"\} 1/);
    expect(text).toMatch(/skybridge_http_request_bytes_total\{family="s3"\} 11/);
    expect(text).toMatch(/skybridge_db_commit_duration_seconds_count [1-9]/);
    expect(text).toContain('# TYPE skybridge_queue_jobs gauge');
    expect(text).toContain('# TYPE skybridge_jobs_total counter');
    expect(text).toContain('process_cpu_user_seconds_total');
    // Keystone and Glance have no operation table: the matched route pattern names the operation.
    expect(text).toMatch(/skybridge_http_requests_total\{family="keystone",operation="GET \/identity\/v3\/auth\/tokens",status="401"\} 1/);
  });

  it('a signed GET /metrics is still S3 (ListObjects on a bucket named metrics)', async () => {
    const r = await s3('GET', '/metrics');
    expect(r.status).toBe(404);
    expect(await r.text()).toContain('<Code>NoSuchBucket</Code>');
  });

  it('access-log lines name the sub-resource and the operation, never a presigned signature', async () => {
    const url = await presignV4(s.url, { method: 'GET', path: '/metrics-bucket/k', access: s.admin.access, secret: s.admin.secret, expiresIn: 300, region: 'RegionOne' });
    expect((await fetch(url)).status).toBe(200);
    const signature = new URL(url).searchParams.get('X-Amz-Signature')!;
    const access = lines.filter((l) => 'status' in l && 'path' in l);
    expect(access.find((l) => l.operation === 'GetBucketAcl')).toMatchObject({ method: 'GET', path: '/metrics-bucket', query: 'acl', family: 's3', status: 200 });
    expect(access.find((l) => l.operation === 'GetBucketTagging')).toMatchObject({ path: '/no-such-bucket', query: 'tagging', status: 404 });
    expect((await fetch(`${s.url}/network/`)).status).toBe(200);
    expect((await fetch(`${s.url}/compute/`)).status).toBe(200);
    expect(lines.filter((l) => 'status' in l && 'path' in l).filter((l) => l.path === '/network/' || l.path === '/compute/').map((l) => l.family)).toEqual(['neutron', 'nova']);
    const presigned = access.find((l) => l.operation === 'GetObject')!;
    expect(presigned.query).toContain('X-Amz-Signature');
    expect(JSON.stringify(lines)).not.toContain(signature);
    expect(JSON.stringify(lines)).not.toContain(s.admin.secret);
  });

  it('a browser at / gets an HTML page naming the endpoints; S3 clients still get XML', async () => {
    const page = await fetch(`${s.url}/`, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain(`${s.sys.config.publicUrl}/identity/v3`);
    expect(html).toContain('/metrics');
    const anonymous = await fetch(`${s.url}/`);
    expect(anonymous.status).toBe(403);
    expect(await anonymous.text()).toContain('<Code>AccessDenied</Code>');
    // fetch cannot set Host: a virtual-hosted bucket's `/` is its listing, never the page.
    const vhost = await new Promise<string>((res, rej) => {
      const req = request(`${s.url}/`, { headers: { accept: 'text/html', host: 'metrics-bucket.s3.localhost' } }, (r) => {
        let body = '';
        r.on('data', (d) => (body += d));
        r.on('end', () => res(body));
      });
      req.on('error', rej);
      req.end();
    });
    expect(vhost).toContain('<Code>AccessDenied</Code>');
    const signed = await s3('GET', '/');
    expect(signed.status).toBe(200);
    expect(await signed.text()).toContain('<ListAllMyBucketsResult');
  });
});
