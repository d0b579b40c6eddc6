// SIGKILL during 50 concurrent PutObjects, restart on the same data dir: every acknowledged upload is intact, nothing else appears.
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../harness/server.js';
import { startObjectFixture, tempDir, uniq, type ObjectFixture } from './object-fixture.js';
import { rawS3, type RawS3 } from './raw-s3.js';

const UPLOADS = 50;
/** Kill once this many uploads have been acknowledged, so the rest are in flight. */
const KILL_AFTER = 8;

type Outcome =
  /** 2xx received: must be present with the right MD5. */
  | 'acknowledged'
  /** A non-2xx answer, or the body was never completely sent: must be absent. */
  | 'refused'
  | 'unsent'
  /** Body fully sent, no answer: present-and-correct or absent, never corrupt. */
  | 'lost';

interface Upload {
  key: string;
  body: Buffer;
  md5: string;
  outcome?: Outcome;
}

let fx: ObjectFixture;
let s3: RawS3;
let second: RunningServer | undefined;
const data = tempDir('skybridge-crash-');
const bucket = uniq('crash');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends the body in eight pieces with short random pauses, so uploads overlap the kill. */
async function upload(u: Upload, onAck: () => void): Promise<void> {
  const signed = await s3.sign({ method: 'PUT', path: `/${bucket}/${u.key}`, payloadHash: 'UNSIGNED-PAYLOAD', headers: { 'content-length': String(u.body.length) } });
  const port = Number(new URL(fx.url).port);
  await new Promise<void>((resolve) => {
    let finished = false;
    const req = request({ host: '127.0.0.1', port, method: 'PUT', path: signed.path, headers: signed.headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => {
        const ok = (res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300;
        u.outcome = ok ? 'acknowledged' : 'refused';
        if (ok) onAck();
        resolve();
      });
      res.on('error', () => {
        u.outcome = finished ? 'lost' : 'unsent';
        resolve();
      });
    });
    req.on('finish', () => (finished = true));
    req.on('error', () => {
      if (!u.outcome) u.outcome = finished ? 'lost' : 'unsent';
      resolve();
    });
    void (async () => {
      const q = Math.ceil(u.body.length / 8);
      for (let o = 0; o < u.body.length; o += q) {
        if (req.destroyed) return;
        req.write(u.body.subarray(o, o + q));
        await sleep(randomInt(5, 60));
      }
      req.end();
    })();
  });
}

beforeAll(async () => {
  fx = await startObjectFixture({ dataDir: data.path });
  s3 = rawS3(fx.url, fx.admin.ec2, fx.region);
  const r = await s3.send({ method: 'PUT', path: `/${bucket}` });
  expect(r.status, r.text).toBe(200);
}, 120_000);

afterAll(async () => {
  await second?.stop();
  // The first process is already dead (SIGKILL); the harness's kill() would signal it again.
  data.cleanup();
});

describe('crash during concurrent uploads', () => {
  it('SIGKILL mid-way, restart: acknowledged uploads intact, unsent ones absent, nothing corrupt or extra', async () => {
    const uploads: Upload[] = Array.from({ length: UPLOADS }, (_, i) => {
      const body = randomBytes(randomInt(1024, 2 * 1024 * 1024 + 1));
      return { key: `obj-${String(i).padStart(2, '0')}`, body, md5: createHash('md5').update(body).digest('hex') };
    });
    let acks = 0;
    let killing: Promise<void> | undefined;
    const all = Promise.all(
      // Staggered starts: when the kill comes, some uploads are done, some half-sent, some not started.
      uploads.map(async (u, i) => {
        await sleep(i * 15);
        await upload(u, () => {
          if (++acks === KILL_AFTER) killing = fx.server.kill();
        });
      }),
    );
    await all;
    await (killing ?? fx.server.kill());
    // A new process on the same data dir (the harness's restart() expects a process that exited, not one killed by a signal).
    second = await startServer({ dataDir: data.path, env: { SKYBRIDGE_PASSWORD_HASH_COST: '1024' } });
    s3 = rawS3(second.url, fx.admin.ec2, fx.region);

    const counts = Object.fromEntries(['acknowledged', 'refused', 'unsent', 'lost'].map((o) => [o, uploads.filter((u) => u.outcome === o).length]));
    expect(counts.acknowledged, JSON.stringify(counts)).toBeGreaterThanOrEqual(KILL_AFTER);

    for (const u of uploads) {
      const r = await s3.send({ method: 'GET', path: `/${bucket}/${u.key}` });
      const got = r.status === 200 ? createHash('md5').update(r.body).digest('hex') : undefined;
      const where = `${u.key} (${u.outcome}, ${u.body.length} bytes): HTTP ${r.status}`;
      if (u.outcome === 'acknowledged') {
        expect(r.status, where).toBe(200);
        expect(got, where).toBe(u.md5);
      } else if (u.outcome === 'lost') {
        expect([200, 404], where).toContain(r.status);
        if (got !== undefined) expect(got, where).toBe(u.md5);
      } else {
        expect(r.status, where).toBe(404);
      }
    }

    const list = await s3.send({ method: 'GET', path: `/${bucket}`, query: { 'list-type': '2' } });
    expect(list.status).toBe(200);
    const listed = [...list.text.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1]!);
    const allowed = new Set(uploads.filter((u) => u.outcome === 'acknowledged' || u.outcome === 'lost').map((u) => u.key));
    for (const k of listed) expect(allowed.has(k), `listed ${k}`).toBe(true);
    for (const u of uploads.filter((x) => x.outcome === 'acknowledged')) expect(listed).toContain(u.key);
  });
});
