// S3 PostObject (browser form upload): SigV4 policy signature, conditions, success_action_*, and the errors S3 answers.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawS3, startS3Server, type S3TestServer } from './s3-server.js';

/** The form fields a browser posts, signed as the SDK presigned-post helpers sign them. */
function signedFields(key: { access: string; secret: string }, conditions: unknown[], opts: { expiresInMs?: number; region?: string; when?: Date } = {}) {
  const when = opts.when ?? new Date();
  const date = when.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const day = date.slice(0, 8);
  const region = opts.region ?? 'RegionOne';
  const credential = `${key.access}/${day}/${region}/s3/aws4_request`;
  const fields: Record<string, string> = { 'x-amz-algorithm': 'AWS4-HMAC-SHA256', 'x-amz-credential': credential, 'x-amz-date': date };
  const policy = {
    expiration: new Date(when.getTime() + (opts.expiresInMs ?? 600_000)).toISOString(),
    conditions: [...conditions, { 'x-amz-algorithm': 'AWS4-HMAC-SHA256' }, { 'x-amz-credential': credential }, { 'x-amz-date': date }],
  };
  const b64 = Buffer.from(JSON.stringify(policy)).toString('base64');
  const h = (k: string | Buffer, d: string) => createHmac('sha256', k).update(d).digest();
  const signingKey = h(h(h(h(`AWS4${key.secret}`, day), region), 's3'), 'aws4_request');
  return { ...fields, policy: b64, 'x-amz-signature': createHmac('sha256', signingKey).update(b64).digest('hex') };
}

describe('PostObject', () => {
  let s: S3TestServer;
  const bucket = 'post-form';
  const post = (fields: Record<string, string>, content = 'form body', filename = 'photo.jpg') => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.set(k, v);
    form.set('file', new Blob([content]), filename);
    return fetch(`${s.url}/${bucket}`, { method: 'POST', body: form, redirect: 'manual' });
  };
  const get = (key: string) => rawS3(s.url, { method: 'GET', path: `/${bucket}/${key}`, access: s.admin.access, secret: s.admin.secret, region: 'RegionOne' });

  beforeAll(async () => {
    s = await startS3Server();
    expect((await rawS3(s.url, { method: 'PUT', path: `/${bucket}`, access: s.admin.access, secret: s.admin.secret, region: 'RegionOne' })).status).toBe(200);
  });
  afterAll(async () => s.close());

  it('stores the file under the key (${filename} substituted) with Content-Type and metadata; 204 by default', async () => {
    const fields = {
      key: 'uploads/${filename}',
      'Content-Type': 'image/jpeg',
      'x-amz-meta-owner': 'alice',
      ...signedFields(s.admin, [{ bucket }, ['starts-with', '$key', 'uploads/'], ['starts-with', '$Content-Type', 'image/'], { 'x-amz-meta-owner': 'alice' }]),
    };
    const r = await post(fields);
    expect(r.status).toBe(204);
    expect(r.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
    const got = await get('uploads/photo.jpg');
    expect(got.status).toBe(200);
    expect(await got.text()).toBe('form body');
    expect(got.headers.get('content-type')).toBe('image/jpeg');
    expect(got.headers.get('x-amz-meta-owner')).toBe('alice');
  });

  it('success_action_status 201 answers a PostResponse document; success_action_redirect a 303 with bucket, key and etag', async () => {
    const created = await post({ key: 'a.txt', success_action_status: '201', ...signedFields(s.admin, [{ bucket }, { key: 'a.txt' }, { success_action_status: '201' }]) });
    expect(created.status).toBe(201);
    const xml = await created.text();
    expect(xml).toContain('<PostResponse>');
    expect(xml).toContain(`<Bucket>${bucket}</Bucket><Key>a.txt</Key>`);
    const redirect = 'https://app.example/done?x=1';
    const r = await post({ key: 'b.txt', success_action_redirect: redirect, ...signedFields(s.admin, [{ bucket }, { key: 'b.txt' }, { success_action_redirect: redirect }]) });
    expect(r.status).toBe(303);
    const to = new URL(r.headers.get('location')!);
    expect(to.origin + to.pathname).toBe('https://app.example/done');
    expect(to.searchParams.get('x')).toBe('1');
    expect(to.searchParams.get('key')).toBe('b.txt');
    expect(to.searchParams.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
  });

  it('refuses what the policy does not allow, and writes nothing', async () => {
    const failing = [
      [{ key: 'other/x', ...signedFields(s.admin, [{ bucket }, ['starts-with', '$key', 'uploads/']]) }, 403, 'AccessDenied', 'Policy Condition failed'],
      [{ key: 'extra', acl: 'public-read', ...signedFields(s.admin, [{ bucket }, { key: 'extra' }]) }, 403, 'AccessDenied', 'Extra input fields: acl'],
      [{ key: 'late', ...signedFields(s.admin, [{ bucket }, { key: 'late' }], { expiresInMs: -1000 }) }, 403, 'AccessDenied', 'Policy expired'],
      [{ key: 'big', ...signedFields(s.admin, [{ bucket }, { key: 'big' }, ['content-length-range', 0, 4]]) }, 400, 'EntityTooLarge', ''],
      [{ key: 'wrong-bucket', ...signedFields(s.admin, [{ bucket: 'another' }, { key: 'wrong-bucket' }]) }, 403, 'AccessDenied', 'Policy Condition failed'],
      [{ key: 'bad-sig', ...signedFields({ access: s.admin.access, secret: 'not-the-secret' }, [{ bucket }, { key: 'bad-sig' }]) }, 403, 'SignatureDoesNotMatch', ''],
      [{ key: 'anon' }, 403, 'AccessDenied', ''],
    ] as const;
    for (const [fields, status, code, message] of failing) {
      const r = await post(fields as Record<string, string>);
      const body = await r.text();
      expect(r.status, `${fields.key}: ${body}`).toBe(status);
      expect(body).toContain(`<Code>${code}</Code>`);
      expect(body).toContain(message);
      expect((await get(fields.key)).status).toBe(404);
    }
  });

  it('a POST that is not a multipart form is 412 PreconditionFailed; SigV2 forms are NotImplemented', async () => {
    const r = await fetch(`${s.url}/${bucket}`, { method: 'POST', body: 'key=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(r.status).toBe(412);
    expect(await r.text()).toContain('multipart/form-data');
    const v2 = await post({ key: 'v2', AWSAccessKeyId: s.admin.access, policy: 'e30=', signature: 'abc' });
    expect(v2.status).toBe(501);
  });

  it('PutObject\'s refusals apply to the same fields (a storage class it does not have)', async () => {
    const r = await post({ key: 'cold', 'x-amz-storage-class': 'GLACIER', ...signedFields(s.admin, [{ bucket }, { key: 'cold' }, { 'x-amz-storage-class': 'GLACIER' }]) });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect((await get('cold')).status).toBe(404);
  });
});
