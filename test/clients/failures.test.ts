// Failure cases over TCP with a raw signer: clock skew, expired presign, bad Content-MD5, truncated bodies, `../` keys.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startObjectFixture, tempDir, uniq, type ObjectFixture } from './object-fixture.js';
import { httpSend, rawS3, type RawS3 } from './raw-s3.js';

let fx: ObjectFixture;
let s3: RawS3;
const bucket = uniq('failures');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every file under `dir` (relative paths), skipping the sqlite files, which change on any write. */
function files(dir: string, skip: (rel: string) => boolean = () => false): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      const rel = relative(dir, p);
      if (skip(rel)) continue;
      if (statSync(p).isDirectory()) walk(p);
      else out.push(rel);
    }
  };
  walk(dir);
  return out.sort();
}
/** Under the test's own root, the data dir sits three levels deep, so `../` escapes would land in dirs this test owns. */
const root = tempDir('skybridge-failures-');
const dataDir = join(root.path, 'a', 'b', 'data');
const outsideBlobs = (rel: string) => rel === 'a/b/data/blobs' || rel.startsWith('a/b/data/skybridge.db');

beforeAll(async () => {
  mkdirSync(dataDir, { recursive: true });
  fx = await startObjectFixture({ dataDir });
  s3 = rawS3(fx.url, fx.admin.ec2, fx.region);
  const r = await s3.send({ method: 'PUT', path: `/${bucket}` });
  expect(r.status, r.text).toBe(200);
  const put = await s3.send({ method: 'PUT', path: `/${bucket}/present.txt`, body: 'present' });
  expect(put.status, put.text).toBe(200);
}, 120_000);

afterAll(async () => {
  await fx?.dispose();
  root.cleanup();
});

describe('authentication failures', () => {
  it('a request signed 20 minutes in the past is refused with RequestTimeTooSkewed', async () => {
    const r = await s3.send({ method: 'GET', path: `/${bucket}/present.txt`, signingDate: new Date(Date.now() - 20 * 60_000) });
    expect(r.status).toBe(403);
    expect(r.text).toContain('<Code>RequestTimeTooSkewed</Code>');
  });

  it('a request signed 20 minutes in the future is refused too', async () => {
    const r = await s3.send({ method: 'GET', path: `/${bucket}/present.txt`, signingDate: new Date(Date.now() + 20 * 60_000) });
    expect(r.status).toBe(403);
    expect(r.text).toContain('<Code>RequestTimeTooSkewed</Code>');
  });

  it('a presigned URL works until it expires, then answers 403 AccessDenied', async () => {
    const fresh = await fetch(await s3.presign('GET', `/${bucket}/present.txt`, 300));
    expect(fresh.status).toBe(200);
    expect(await fresh.text()).toBe('present');
    const expired = await fetch(await s3.presign('GET', `/${bucket}/present.txt`, 60, new Date(Date.now() - 3600_000)));
    expect(expired.status).toBe(403);
    const text = await expired.text();
    expect(text).toContain('<Code>AccessDenied</Code>');
    expect(text).toMatch(/expired/i);
  });

  it('an anonymous request to a private bucket is refused with AccessDenied', async () => {
    const r = await fetch(`${fx.url}/${bucket}/present.txt`);
    expect(r.status).toBe(403);
    expect(await r.text()).toContain('<Code>AccessDenied</Code>');
  });
});

describe('integrity failures store nothing', () => {
  it('a Content-MD5 that is not base64 of 16 bytes is refused with InvalidDigest', async () => {
    const r = await s3.send({ method: 'PUT', path: `/${bucket}/md5-invalid`, body: 'data', headers: { 'content-md5': 'not-an-md5!' } });
    expect(r.status).toBe(400);
    expect(r.text).toContain('<Code>InvalidDigest</Code>');
    expect((await s3.send({ method: 'HEAD', path: `/${bucket}/md5-invalid` })).status).toBe(404);
  });

  it('a well-formed but wrong Content-MD5 is refused with BadDigest', async () => {
    const wrong = createHash('md5').update('other data').digest('base64');
    const r = await s3.send({ method: 'PUT', path: `/${bucket}/md5-wrong`, body: 'data', headers: { 'content-md5': wrong } });
    expect(r.status).toBe(400);
    expect(r.text).toContain('<Code>BadDigest</Code>');
    expect((await s3.send({ method: 'HEAD', path: `/${bucket}/md5-wrong` })).status).toBe(404);
  });

  it('a body shorter than its Content-Length (connection closed) leaves no object and no blob file', async () => {
    const blobsDir = join(fx.server.dataDir, 'blobs');
    const before = files(blobsDir);
    const key = 'truncated.bin';
    const signed = await s3.sign({
      method: 'PUT',
      path: `/${bucket}/${key}`,
      payloadHash: 'UNSIGNED-PAYLOAD',
      headers: { 'content-length': '1048576' },
    });
    const sock = connect(Number(new URL(fx.url).port), '127.0.0.1');
    await new Promise<void>((r, j) => sock.once('connect', r).once('error', j));
    const head = [`PUT ${signed.path} HTTP/1.1`, ...Object.entries(signed.headers).map(([k, v]) => `${k}: ${v}`), '', ''].join('\r\n');
    sock.write(head);
    sock.write(randomBytes(100_000));
    await sleep(300);
    sock.destroy();
    // The server notices the reset asynchronously; give it a bounded while to clean up.
    let after = files(blobsDir);
    for (let i = 0; i < 50 && after.join() !== before.join(); i++) {
      await sleep(100);
      after = files(blobsDir);
    }
    expect(after).toEqual(before);
    expect((await s3.send({ method: 'HEAD', path: `/${bucket}/${key}` })).status).toBe(404);
    const list = await s3.send({ method: 'GET', path: `/${bucket}`, query: { 'list-type': '2' } });
    expect(list.text).not.toContain(key);
  });
});

describe('keys with dot segments are names, never paths', () => {
  // Raw wire paths → the key each must be stored as.
  const cases: Array<[string, string]> = [
    ['../../escape-s3.txt', '../../escape-s3.txt'],
    ['a/../../../b.txt', 'a/../../../b.txt'],
    ['%2e%2e/%2e%2e/encoded.txt', '../../encoded.txt'],
    ['./x/./y', './x/./y'],
    ['..', '..'],
  ];

  it('PUT and GET round-trip them verbatim, listings show them verbatim, and nothing lands outside the blob dir', async () => {
    const outsideBefore = files(root.path, outsideBlobs);
    for (const [wire, key] of cases) {
      const body = `body of ${key}`;
      const put = await s3.send({ method: 'PUT', path: `/${bucket}/${wire}`, body });
      expect(put.status, `${wire}: ${put.text}`).toBe(200);
      const get = await s3.send({ method: 'GET', path: `/${bucket}/${wire}` });
      expect(get.status, wire).toBe(200);
      expect(get.text, wire).toBe(body);
    }
    const list = await s3.send({ method: 'GET', path: `/${bucket}`, query: { 'list-type': '2' } });
    const keys = [...list.text.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
    for (const [, key] of cases) expect(keys).toContain(key);

    expect(files(root.path, outsideBlobs)).toEqual(outsideBefore);
    for (const name of ['escape-s3.txt', 'b.txt', 'encoded.txt']) expect(existsSync(join(tmpdir(), name))).toBe(false);
  });

  it('the Swift face stores `../` names verbatim too, and they read back through S3', async () => {
    const base = `/object/v1/AUTH_${fx.admin.projectId}/${bucket}`;
    const put = await httpSend(fx.url, 'PUT', `${base}/../../escape-swift.txt`, { 'x-auth-token': fx.admin.token, 'content-length': '5' }, 'swift');
    expect(put.status, put.text).toBe(201);
    const get = await httpSend(fx.url, 'GET', `${base}/../../escape-swift.txt`, { 'x-auth-token': fx.admin.token });
    expect(get.text).toBe('swift');
    const via = await s3.send({ method: 'GET', path: `/${bucket}/../../escape-swift.txt` });
    expect(via.text).toBe('swift');
    const list = await httpSend(fx.url, 'GET', `${base}?format=json&prefix=..`, { 'x-auth-token': fx.admin.token });
    expect((JSON.parse(list.text) as Array<{ name: string }>).map((o) => o.name)).toContain('../../escape-swift.txt');
    expect(files(root.path, outsideBlobs).filter((f) => f.endsWith('escape-swift.txt'))).toEqual([]);
    expect(existsSync(join(tmpdir(), 'escape-swift.txt'))).toBe(false);
  });
});
