// SIGKILL during uploads, several times, then a restart with a short audit grace: the blob directory returns to exactly the referenced blobs and every acknowledged object reads back.
import Database from 'better-sqlite3';
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../harness/server.js';
import { startObjectFixture, tempDir, uniq, type ObjectFixture } from './object-fixture.js';
import { rawS3, type RawS3 } from './raw-s3.js';

const ROUNDS = 3;
const UPLOADS_PER_ROUND = 30;
/** Kill once this many uploads of the round have been acknowledged, so others are in flight. */
const KILL_AFTER = 6;
const ENV = { SKYBRIDGE_PASSWORD_HASH_COST: '1024' };

const data = tempDir('skybridge-crash-audit-');
const blobRoot = join(data.path, 'blobs');
const bucket = uniq('audit');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let fx: ObjectFixture | undefined;
let server: RunningServer | undefined;

/** Blob files in the shard directories (not temp files). */
function blobFiles(): string[] {
  const out: string[] = [];
  for (const a of readdirSync(blobRoot).filter((n) => /^[0-9a-f]{2}$/.test(n))) {
    for (const b of readdirSync(join(blobRoot, a)).filter((n) => /^[0-9a-f]$/.test(n))) out.push(...readdirSync(join(blobRoot, a, b)));
  }
  return out.sort();
}

/** Temp files of writes that never finished. */
const tempFiles = () => (existsSync(join(blobRoot, 'tmp')) ? readdirSync(join(blobRoot, 'tmp')) : []);

/** Keys one query returns, read beside the running server. */
function keys(query: string): string[] {
  const db = new Database(join(data.path, 'skybridge.db'), { fileMustExist: true });
  try {
    return (db.prepare(query).all() as Array<{ k: string }>).map((r) => r.k).sort();
  } finally {
    db.close();
  }
}

/** Blob keys the database references (object versions and parts) whose bytes are files; small bodies are kept inline in the database. */
const referencedBlobs = () => keys("SELECT blob_key AS k FROM obj_blob_refs WHERE refs > 0 AND blob_key NOT LIKE 'inline:%'");
/** Inline blobs stored, and those referenced: written in one transaction with their reference, a crash leaves none unreferenced. */
const inlineBlobs = () => keys('SELECT blob_key AS k FROM obj_inline_blobs');
const referencedInline = () => keys("SELECT blob_key AS k FROM obj_blob_refs WHERE refs > 0 AND blob_key LIKE 'inline:%'");

/** PUTs `body` in pieces with short pauses, so uploads overlap the kill; true once a 2xx arrived. */
async function upload(s3: RawS3, url: string, key: string, body: Buffer): Promise<boolean> {
  const signed = await s3.sign({ method: 'PUT', path: `/${bucket}/${key}`, payloadHash: 'UNSIGNED-PAYLOAD', headers: { 'content-length': String(body.length) } });
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port: Number(new URL(url).port), method: 'PUT', path: signed.path, headers: signed.headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300));
      res.on('error', () => resolve(false));
    });
    req.on('error', () => resolve(false));
    void (async () => {
      const q = Math.ceil(body.length / 4);
      for (let o = 0; o < body.length; o += q) {
        if (req.destroyed) return;
        req.write(body.subarray(o, o + q));
        await sleep(randomInt(2, 30));
      }
      req.end();
    })();
  });
}

afterAll(async () => {
  await server?.stop();
  data.cleanup();
});

describe('crash leftovers and the blob auditor', () => {
  it(`${ROUNDS} SIGKILLs mid-upload, restart with a 1 s grace: blobs = referenced set, acknowledged objects intact, no temp files`, async () => {
    fx = await startObjectFixture({ dataDir: data.path, env: ENV });
    let s3 = rawS3(fx.url, fx.admin.ec2, fx.region);
    expect((await s3.send({ method: 'PUT', path: `/${bucket}` })).status).toBe(200);
    const acknowledged = new Map<string, string>();
    const openUploads: Array<{ key: string; uploadId: string; etag: string; body: Buffer }> = [];
    let url = fx.url;
    let kill = () => fx!.server.kill();

    for (let round = 0; round < ROUNDS; round++) {
      // An upload left open across the crashes: its part's blob is referenced and must survive the audit.
      const mpKey = `open-${round}`;
      const init = await s3.send({ method: 'POST', path: `/${bucket}/${mpKey}`, query: { uploads: '' } });
      const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(init.text)![1]!;
      const partBody = randomBytes(4096);
      const part = await s3.send({ method: 'PUT', path: `/${bucket}/${mpKey}`, query: { partNumber: '1', uploadId }, body: partBody });
      expect(part.status).toBe(200);
      openUploads.push({ key: mpKey, uploadId, etag: part.headers['etag'] as string, body: partBody });

      let acks = 0;
      let killing: Promise<void> | undefined;
      await Promise.all(
        Array.from({ length: UPLOADS_PER_ROUND }, async (_, i) => {
          await sleep(i * 10);
          const key = `r${round}-obj-${i}`;
          // One in four is small enough to be kept inline in the database, the rest are files.
          const body = randomBytes(i % 4 === 0 ? randomInt(1, 16 * 1024) : randomInt(16 * 1024 + 1, 768 * 1024));
          if (await upload(s3, url, key, body)) {
            acknowledged.set(key, createHash('md5').update(body).digest('hex'));
            if (++acks === KILL_AFTER) killing = kill();
          }
        }),
      );
      await (killing ?? kill());
      if (round < ROUNDS - 1) {
        // The default grace (an hour): nothing left by the crash is audited away yet.
        server = await startServer({ dataDir: data.path, env: ENV });
        url = server.url;
        s3 = rawS3(url, fx.admin.ec2, fx.region);
        const current = server;
        kill = () => current.kill();
      }
    }
    server = undefined;

    // A leftover that no request made (as a crash between rename and commit leaves), in its shard directory.
    const planted = 'plantedOrphanBlob';
    const h = createHash('md5').update(planted).digest('hex');
    mkdirSync(join(blobRoot, h.slice(0, 2), h.slice(2, 3)), { recursive: true });
    writeFileSync(join(blobRoot, h.slice(0, 2), h.slice(2, 3), planted), randomBytes(1000));
    const orphans = blobFiles().filter((k) => !referencedBlobs().includes(k));
    expect(orphans).toContain(planted);

    server = await startServer({ dataDir: data.path, env: { ...ENV, SKYBRIDGE_BLOB_AUDIT_GRACE: '1', SKYBRIDGE_BLOB_AUDIT_INTERVAL: '1' } });
    s3 = rawS3(server.url, fx.admin.ec2, fx.region);
    // The auditor runs every second; wait until it has caught up (bounded), then compare exactly.
    for (let i = 0; i < 120; i++) {
      if (JSON.stringify(blobFiles()) === JSON.stringify(referencedBlobs()) && tempFiles().length === 0) break;
      await sleep(250);
    }
    expect(blobFiles(), `${orphans.length} orphans before the audit`).toEqual(referencedBlobs());
    expect(tempFiles()).toEqual([]);
    expect(inlineBlobs()).toEqual(referencedInline());

    expect(acknowledged.size).toBeGreaterThanOrEqual(ROUNDS * KILL_AFTER);
    for (const [key, md5] of acknowledged) {
      const r = await s3.send({ method: 'GET', path: `/${bucket}/${key}` });
      expect([key, r.status, createHash('md5').update(r.body).digest('hex')]).toEqual([key, 200, md5]);
    }
    for (const u of openUploads) {
      const body = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${u.etag}</ETag></Part></CompleteMultipartUpload>`;
      expect((await s3.send({ method: 'POST', path: `/${bucket}/${u.key}`, query: { uploadId: u.uploadId }, body })).status).toBe(200);
      expect((await s3.send({ method: 'GET', path: `/${bucket}/${u.key}` })).body.equals(u.body)).toBe(true);
    }
    await server.stop();
    server = undefined;
    expect(blobFiles()).toEqual(referencedBlobs());
  }, 300_000);
});
