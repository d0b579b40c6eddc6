// GETs of multipart objects over real files close every blob file handle: whole, ranged across parts, by part, and when the client disconnects mid-body.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../backends/blob/fs-blob-store.js';
import { rawS3, signV4, startS3Server, type RawRequest, type S3TestServer } from './s3-server.js';

const MIB = 1024 * 1024;
const B = 'handles';
const PARTS = [Buffer.alloc(5 * MIB, 'a'), Buffer.alloc(5 * MIB, 'b'), Buffer.alloc(MIB, 'c')];
const WHOLE = Buffer.concat(PARTS);

let srv: S3TestServer;
let root: string;
type Req = Omit<RawRequest, 'access' | 'secret'>;
const s3 = (r: Req) => rawS3(srv.url, { access: srv.admin.access, secret: srv.admin.secret, ...r });

/** File descriptors of this process (the server runs in it) open on files under the blob directory. */
function blobFds(): number {
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`).startsWith(root)) n++;
    } catch {
      // The descriptor closed while we looked.
    }
  }
  return n;
}

/** Polls until no blob file is open (or ~5 s pass) and returns the count: handles close asynchronously after the response. */
async function settledBlobFds(): Promise<number> {
  for (let i = 0; i < 100 && blobFds() > 0; i++) await new Promise((r) => setTimeout(r, 50));
  return blobFds();
}

/** A signed GET that reads `keep` bytes of the body, then destroys the connection (a client going away mid-body). */
async function abortedGet(headers: Record<string, string>, keep: number): Promise<number> {
  const { url, init } = await signV4(srv.url, { method: 'GET', path: `/${B}/big`, headers, access: srv.admin.access, secret: srv.admin.secret });
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers: init.headers }, (res) => {
      let got = 0;
      res.on('data', (chunk: Buffer) => {
        got += chunk.length;
        if (got >= keep) {
          req.destroy();
          resolve(res.statusCode ?? 0);
        }
      });
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', (e) => (req.destroyed ? undefined : reject(e)));
    req.end();
  });
}

beforeAll(async () => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'skybridge-fds-')));
  srv = await startS3Server({}, { blobStore: new FsBlobStore({ root, readChunkBytes: 64 * 1024 }) });
  expect((await s3({ method: 'PUT', path: `/${B}` })).status).toBe(200);
  const init = await (await s3({ method: 'POST', path: `/${B}/big`, query: { uploads: '' } })).text();
  const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(init)![1]!;
  const etags: string[] = [];
  for (const [i, part] of PARTS.entries()) {
    const r = await s3({ method: 'PUT', path: `/${B}/big`, query: { partNumber: String(i + 1), uploadId }, body: part });
    etags.push(r.headers.get('etag')!);
  }
  const body = `<CompleteMultipartUpload>${etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
  expect((await s3({ method: 'POST', path: `/${B}/big`, query: { uploadId }, body })).status).toBe(200);
}, 60_000);

afterAll(async () => {
  await srv?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('blob file handles of multipart GETs', () => {
  it('whole, ranged (within and across parts) and per-part reads return the right bytes and leave no file open', async () => {
    const reads: Array<[Record<string, string>, Record<string, string>, Buffer]> = [
      [{}, {}, WHOLE],
      [{ range: `bytes=${5 * MIB - 10}-${10 * MIB + 10}` }, {}, WHOLE.subarray(5 * MIB - 10, 10 * MIB + 11)],
      [{ range: 'bytes=100-199' }, {}, WHOLE.subarray(100, 200)],
      [{ range: `bytes=-${MIB + 5}` }, {}, WHOLE.subarray(WHOLE.length - MIB - 5)],
      [{}, { partNumber: '2' }, PARTS[1]!],
    ];
    for (const [headers, query, want] of reads) {
      const r = await s3({ method: 'GET', path: `/${B}/big`, headers, query });
      const got = Buffer.from(await r.arrayBuffer());
      expect(createHash('md5').update(got).digest('hex')).toBe(createHash('md5').update(want).digest('hex'));
    }
    expect(await settledBlobFds()).toBe(0);
  });

  it('clients that disconnect mid-body, whole or ranged across parts, leave no file open', async () => {
    for (let i = 0; i < 6; i++) {
      expect(await abortedGet({}, 64 * 1024)).toBe(200);
      expect(await abortedGet({ range: `bytes=${5 * MIB - 1000}-${10 * MIB + 1000}` }, 2000)).toBe(206);
      expect(await abortedGet({ range: `bytes=${4 * MIB}-` }, (i + 1) * 300 * 1024)).toBe(206);
    }
    expect(await settledBlobFds()).toBe(0);
    // The server is still serving the object whole afterwards.
    expect(Buffer.from(await (await s3({ method: 'GET', path: `/${B}/big` })).arrayBuffer()).equals(WHOLE)).toBe(true);
  });

  it('a GET refused after the object is found (an override no header can carry) is 400 InvalidArgument and leaves no file open', async () => {
    expect((await s3({ method: 'PUT', path: `/${B}/small`, body: 'small object' })).status).toBe(200);
    for (const [path, query] of [
      [`/${B}/small`, {}],
      [`/${B}/big`, { partNumber: '2' }],
      [`/${B}/big`, {}],
    ] as Array<[string, Record<string, string>]>) {
      const r = await s3({ method: 'GET', path, query: { ...query, 'response-content-type': 'text/plain\r\nx-injected: 1' } });
      const text = await r.text();
      expect([path, r.status, /<Code>([^<]*)<\/Code>/.exec(text)?.[1]]).toEqual([path, 400, 'InvalidArgument']);
    }
    expect(await settledBlobFds()).toBe(0);
  });
});
