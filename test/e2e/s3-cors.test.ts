// Bucket CORS: configuration through @aws-sdk/client-s3, preflights and actual cross-origin requests as a browser sends them (raw fetch).
import {
  CreateBucketCommand,
  DeleteBucketCorsCommand,
  GetBucketCorsCommand,
  PutBucketCorsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Server, type S3TestServer, s3Failure as failure, s3ClientFor } from './s3-server.js';

let srv: S3TestServer;
let s3: S3Client;
let demo: S3Client;
const Bucket = 'cors-bucket';

beforeAll(async () => {
  srv = await startS3Server();
  s3 = s3ClientFor(srv, srv.admin);
  demo = s3ClientFor(srv, srv.demo);
  await s3.send(new CreateBucketCommand({ Bucket }));
  await s3.send(new PutObjectCommand({ Bucket, Key: 'page.html', Body: 'hello', ACL: 'public-read' }));
}, 60_000);

afterAll(async () => {
  s3?.destroy();
  demo?.destroy();
  await srv?.close();
});

const rules = [
  {
    ID: 'app',
    AllowedOrigins: ['https://app.example.com', 'https://*.example.org'],
    AllowedMethods: ['GET', 'PUT'],
    AllowedHeaders: ['Content-Type', 'x-amz-*'],
    ExposeHeaders: ['ETag', 'x-amz-request-id'],
    MaxAgeSeconds: 600,
  },
  { AllowedOrigins: ['*'], AllowedMethods: ['HEAD'] },
];

const preflight = (path: string, headers: Record<string, string>) => fetch(`${srv.url}${path}`, { method: 'OPTIONS', headers });

describe('CORS configuration', () => {
  it('a bucket without CORS answers 404 NoSuchCORSConfiguration, and preflights 403 CORSResponse', async () => {
    expect(await failure(s3.send(new GetBucketCorsCommand({ Bucket })))).toMatchObject({ code: 'NoSuchCORSConfiguration', status: 404 });
    const res = await preflight(`/${Bucket}/page.html`, { Origin: 'https://app.example.com', 'Access-Control-Request-Method': 'GET' });
    expect(res.status).toBe(403);
    const body = await res.text();
    expect(body).toContain('<Code>CORSResponse</Code>');
    expect(body).toContain('CORS is not enabled for this bucket.');
  });

  it('PutBucketCors stores the rules and GetBucketCors answers them back', async () => {
    await s3.send(new PutBucketCorsCommand({ Bucket, CORSConfiguration: { CORSRules: rules } }));
    const got = await s3.send(new GetBucketCorsCommand({ Bucket }));
    expect(got.CORSRules).toEqual([rules[0], { AllowedOrigins: ['*'], AllowedMethods: ['HEAD'] }]);
  });

  it('refuses what S3 refuses, and keeps the rules it had', async () => {
    const bad = async (rule: Record<string, unknown>) => failure(s3.send(new PutBucketCorsCommand({ Bucket, CORSConfiguration: { CORSRules: [rule as never] } })));
    expect(await bad({ AllowedOrigins: ['*'], AllowedMethods: ['PATCH'] })).toMatchObject({
      code: 'InvalidRequest',
      status: 400,
      message: 'Found unsupported HTTP method in CORS config. Unsupported method is PATCH',
    });
    expect(await bad({ AllowedOrigins: ['https://*.*.example.com'], AllowedMethods: ['GET'] })).toMatchObject({ code: 'InvalidRequest', status: 400 });
    expect(await bad({ AllowedOrigins: ['*'], AllowedMethods: ['GET'], AllowedHeaders: ['x-*-*'] })).toMatchObject({ code: 'InvalidRequest', status: 400 });
    expect(await bad({ AllowedOrigins: ['*'], AllowedMethods: ['GET'], ExposeHeaders: ['*'] })).toMatchObject({ code: 'InvalidRequest', status: 400 });
    expect(await bad({ AllowedMethods: ['GET'] })).toMatchObject({ code: 'MalformedXML', status: 400 });
    expect(await failure(s3.send(new PutBucketCorsCommand({ Bucket, CORSConfiguration: { CORSRules: [] } })))).toMatchObject({ code: 'MalformedXML', status: 400 });
    expect((await s3.send(new GetBucketCorsCommand({ Bucket }))).CORSRules).toHaveLength(2);
  });

  it('only the owner sets or reads the rules', async () => {
    expect(await failure(demo.send(new GetBucketCorsCommand({ Bucket })))).toMatchObject({ code: 'AccessDenied', status: 403 });
    expect(await failure(demo.send(new PutBucketCorsCommand({ Bucket, CORSConfiguration: { CORSRules: rules } })))).toMatchObject({ code: 'AccessDenied', status: 403 });
    expect(await failure(demo.send(new DeleteBucketCorsCommand({ Bucket })))).toMatchObject({ code: 'AccessDenied', status: 403 });
  });
});

describe('preflight OPTIONS (unauthenticated)', () => {
  it('a matching rule answers 200 with the Access-Control-* headers', async () => {
    const res = await preflight(`/${Bucket}/page.html`, {
      Origin: 'https://app.example.com',
      'Access-Control-Request-Method': 'PUT',
      'Access-Control-Request-Headers': 'Content-Type, X-Amz-Meta-Owner',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(res.headers.get('access-control-allow-methods')).toBe('GET, PUT');
    expect(res.headers.get('access-control-allow-headers')).toBe('content-type, x-amz-meta-owner');
    expect(res.headers.get('access-control-max-age')).toBe('600');
    expect(res.headers.get('access-control-expose-headers')).toBe('ETag, x-amz-request-id');
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('vary')).toContain('Origin');
  });

  it('a wildcard origin matches, and a rule for any origin answers `*`', async () => {
    const sub = await preflight(`/${Bucket}/x`, { Origin: 'https://cdn.example.org', 'Access-Control-Request-Method': 'GET' });
    expect(sub.status).toBe(200);
    expect(sub.headers.get('access-control-allow-origin')).toBe('https://cdn.example.org');
    const any = await preflight(`/${Bucket}`, { Origin: 'https://elsewhere.test', 'Access-Control-Request-Method': 'HEAD' });
    expect(any.status).toBe(200);
    expect(any.headers.get('access-control-allow-origin')).toBe('*');
    expect(any.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('no matching origin, method or header: 403 CORSResponse "This CORS request is not allowed"', async () => {
    const cases: Array<Record<string, string>> = [
      { Origin: 'https://evil.test', 'Access-Control-Request-Method': 'PUT' },
      { Origin: 'https://app.example.com', 'Access-Control-Request-Method': 'DELETE' },
      { Origin: 'https://app.example.com', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' },
    ];
    for (const h of cases) {
      const res = await preflight(`/${Bucket}/page.html`, h);
      expect(res.status).toBe(403);
      const body = await res.text();
      expect(body).toContain('<Code>CORSResponse</Code>');
      expect(body).toContain('This CORS request is not allowed');
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('without Origin or a valid Access-Control-Request-Method: 400', async () => {
    expect((await preflight(`/${Bucket}/page.html`, {})).status).toBe(400);
    expect((await preflight(`/${Bucket}/page.html`, { Origin: 'https://app.example.com' })).status).toBe(400);
    expect((await preflight(`/${Bucket}/page.html`, { Origin: 'https://app.example.com', 'Access-Control-Request-Method': 'PATCH' })).status).toBe(400);
  });
});

describe('actual cross-origin requests', () => {
  it('carry the matching rule\'s headers (Expose-Headers included); other origins get none', async () => {
    const ok = await fetch(`${srv.url}/${Bucket}/page.html`, { headers: { Origin: 'https://app.example.com' } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('hello');
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(ok.headers.get('access-control-expose-headers')).toBe('ETag, x-amz-request-id');
    expect(ok.headers.get('vary')).toContain('Origin');
    const other = await fetch(`${srv.url}/${Bucket}/page.html`, { headers: { Origin: 'https://evil.test' } });
    expect(other.status).toBe(200);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    // Errors carry them too, so the page can read why.
    const missing = await fetch(`${srv.url}/${Bucket}/missing`, { headers: { Origin: 'https://app.example.com' } });
    expect(missing.status).toBe(403);
    expect(missing.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
  });

  it('DeleteBucketCors removes the rules: preflights are refused again', async () => {
    await s3.send(new DeleteBucketCorsCommand({ Bucket }));
    expect(await failure(s3.send(new GetBucketCorsCommand({ Bucket })))).toMatchObject({ code: 'NoSuchCORSConfiguration' });
    expect((await preflight(`/${Bucket}/page.html`, { Origin: 'https://app.example.com', 'Access-Control-Request-Method': 'GET' })).status).toBe(403);
    const res = await fetch(`${srv.url}/${Bucket}/page.html`, { headers: { Origin: 'https://app.example.com' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});
