// Large GETs over the node adapter (bodies written straight from file reads): S3 whole, ranged, sealed (SSE-S3) and multi-part, Swift SLO and DLO, a read that outlives an overwrite and a delete.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../backends/blob/fs-blob-store.js';
import { adminSwiftToken, rawS3, signV4, startS3Server, type RawRequest, type S3TestServer } from './s3-server.js';

const MIB = 1024 * 1024;
const B = 'large-get';
const DATA = randomBytes(3 * MIB + 4321);

let srv: S3TestServer;
let root: string;
let token: string;
type Req = Omit<RawRequest, 'access' | 'secret'>;
const s3 = (r: Req) => rawS3(srv.url, { access: srv.admin.access, secret: srv.admin.secret, ...r });
const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');
const swift = (method: string, path: string, init: { headers?: Record<string, string>; body?: Uint8Array | string } = {}) =>
  fetch(`${srv.url}/object/v1/AUTH_${srv.admin.projectId}${path}`, { method, headers: { 'x-auth-token': token, ...init.headers }, body: init.body as BodyInit | undefined });

/** File descriptors of this process (the server runs in it) open on blob files, once they settle (~5 s at most). */
async function openBlobFiles(): Promise<number> {
  const count = () =>
    readdirSync('/proc/self/fd').filter((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`).startsWith(root);
      } catch {
        return false;
      }
    }).length;
  for (let i = 0; i < 100 && count() > 0; i++) await new Promise((r) => setTimeout(r, 50));
  return count();
}

async function getBytes(r: Omit<Req, 'method'>): Promise<{ status: number; body: Buffer }> {
  const res = await s3({ ...r, method: 'GET' });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
}

beforeAll(async () => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'skybridge-large-get-')));
  srv = await startS3Server({}, { blobStore: new FsBlobStore({ root }) });
  token = await adminSwiftToken(srv);
  expect((await s3({ method: 'PUT', path: `/${B}` })).status).toBe(200);
  expect((await s3({ method: 'PUT', path: `/${B}/plain`, body: DATA })).status).toBe(200);
  expect((await s3({ method: 'PUT', path: `/${B}/sealed`, body: DATA, headers: { 'x-amz-server-side-encryption': 'AES256' } })).status).toBe(200);
}, 60_000);

afterAll(async () => {
  await srv?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('large GETs over the node adapter', () => {
  it('S3: whole and ranged reads of a plain and of a sealed object return the right bytes', async () => {
    for (const key of ['plain', 'sealed']) {
      const whole = await getBytes({ path: `/${B}/${key}` });
      expect([key, whole.status, whole.body.length, md5(whole.body)]).toEqual([key, 200, DATA.length, md5(DATA)]);
      const mid = await getBytes({ path: `/${B}/${key}`, headers: { range: `bytes=${MIB - 7}-${2 * MIB + 9}` } });
      expect([key, mid.status, md5(mid.body)]).toEqual([key, 206, md5(DATA.subarray(MIB - 7, 2 * MIB + 10))]);
      const tail = await getBytes({ path: `/${B}/${key}`, headers: { range: `bytes=-${200 * 1024}` } });
      expect([key, tail.status, md5(tail.body)]).toEqual([key, 206, md5(DATA.subarray(DATA.length - 200 * 1024))]);
    }
  });

  it('S3: a multipart object reads whole, across its parts and by part number', async () => {
    // Every part but the last is at least 5 MiB.
    const all = [randomBytes(5 * MIB), randomBytes(700 * 1024)];
    const init = await (await s3({ method: 'POST', path: `/${B}/mp`, query: { uploads: '' } })).text();
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(init)![1]!;
    const etags: string[] = [];
    for (const [i, p] of all.entries()) etags.push((await s3({ method: 'PUT', path: `/${B}/mp`, query: { partNumber: String(i + 1), uploadId }, body: p })).headers.get('etag')!);
    const body = `<CompleteMultipartUpload>${etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
    expect((await s3({ method: 'POST', path: `/${B}/mp`, query: { uploadId }, body })).status).toBe(200);
    const whole = Buffer.concat(all);
    expect(md5((await getBytes({ path: `/${B}/mp` })).body)).toBe(md5(whole));
    const across = await getBytes({ path: `/${B}/mp`, headers: { range: `bytes=${5 * MIB - 100}-${5 * MIB + 100 * 1024}` } });
    expect([across.status, md5(across.body)]).toEqual([206, md5(whole.subarray(5 * MIB - 100, 5 * MIB + 100 * 1024 + 1))]);
    const second = await getBytes({ path: `/${B}/mp`, query: { partNumber: '2' } });
    expect([second.status, md5(second.body)]).toEqual([206, md5(all[1]!)]);
  });

  it('Swift: an SLO and a DLO over large segments read whole and ranged', async () => {
    const segs = [DATA.subarray(0, 1.5 * MIB), DATA.subarray(1.5 * MIB)];
    expect((await swift('PUT', '/lg-segs')).status).toBe(201);
    for (const [i, s] of segs.entries()) expect((await swift('PUT', `/lg-segs/part/${i}`, { body: s })).status).toBe(201);
    const manifest = JSON.stringify(segs.map((_, i) => ({ path: `/lg-segs/part/${i}` })));
    expect((await swift('PUT', `/${B}/slo?multipart-manifest=put`, { body: manifest })).status).toBe(201);
    expect((await swift('PUT', `/${B}/dlo`, { body: '', headers: { 'x-object-manifest': 'lg-segs/part/' } })).status).toBe(201);
    for (const name of ['slo', 'dlo', 'plain']) {
      const whole = await swift('GET', `/${B}/${name}`);
      expect([name, whole.status, md5(Buffer.from(await whole.arrayBuffer()))]).toEqual([name, 200, md5(DATA)]);
      const ranged = await swift('GET', `/${B}/${name}`, { headers: { range: `bytes=${MIB}-${2 * MIB}` } });
      expect([name, ranged.status, md5(Buffer.from(await ranged.arrayBuffer()))]).toEqual([name, 206, md5(DATA.subarray(MIB, 2 * MIB + 1))]);
    }
  });

  it('a GET that has started completes with the old bytes when the object is overwritten, then deleted, meanwhile', async () => {
    const big = randomBytes(16 * MIB);
    expect((await s3({ method: 'PUT', path: `/${B}/moving`, body: big })).status).toBe(200);
    const { url, init } = await signV4(srv.url, { method: 'GET', path: `/${B}/moving`, access: srv.admin.access, secret: srv.admin.secret });
    const got = await new Promise<Buffer>((resolve, reject) => {
      const req = request(url, { method: 'GET', headers: init.headers }, (res) => {
        const parts: Buffer[] = [];
        let changed = false;
        res.on('data', (c: Buffer) => {
          parts.push(c);
          if (changed) return;
          changed = true;
          // The body has started: stop reading while the object is replaced and then removed.
          res.pause();
          void (async () => {
            expect((await s3({ method: 'PUT', path: `/${B}/moving`, body: 'replaced' })).status).toBe(200);
            expect((await s3({ method: 'DELETE', path: `/${B}/moving` })).status).toBe(204);
            res.resume();
          })().catch(reject);
        });
        res.on('end', () => resolve(Buffer.concat(parts)));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
    expect([got.length, md5(got)]).toEqual([big.length, md5(big)]);
    expect((await s3({ method: 'GET', path: `/${B}/moving` })).status).toBe(404);
  });

  it('clients that disconnect mid-body (S3 and Swift, whole and ranged) leave no blob file open', async () => {
    const cut = async (url: string, headers: Record<string, string>) =>
      new Promise<void>((resolve, reject) => {
        const req = request(url, { method: 'GET', headers }, (res) => {
          res.once('data', () => {
            req.destroy();
            resolve();
          });
          res.on('end', () => resolve());
        });
        req.on('error', (e) => (req.destroyed ? undefined : reject(e)));
        req.end();
      });
    for (const range of [undefined, `bytes=${MIB}-`]) {
      const { url, init } = await signV4(srv.url, { method: 'GET', path: `/${B}/plain`, headers: range ? { range } : {}, access: srv.admin.access, secret: srv.admin.secret });
      await cut(url, init.headers);
      await cut(`${srv.url}/object/v1/AUTH_${srv.admin.projectId}/${B}/plain`, { 'x-auth-token': token, ...(range ? { range } : {}) });
      await cut(`${srv.url}/object/v1/AUTH_${srv.admin.projectId}/${B}/slo`, { 'x-auth-token': token, ...(range ? { range } : {}) });
    }
    expect(await openBlobFiles()).toBe(0);
    expect(md5((await getBytes({ path: `/${B}/plain` })).body)).toBe(md5(DATA));
  });
});
