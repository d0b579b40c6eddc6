// Image benchmark suite: Glance data upload and download of a large image against the plain-Node PUT/GET baselines, and GET /v2/images with 1,000 images against a raw query.
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, printRatioTable, runLoad, startProcess, type RatioRow, type ServedProcess } from './harness.js';
import type { BenchContext, BenchSuite } from './suite.js';

/** Size of the large image; `SKYBRIDGE_BENCH_LARGE_BYTES` overrides the 1 GiB default. */
const LARGE = Number(process.env.SKYBRIDGE_BENCH_LARGE_BYTES ?? 1 << 30);
/** Goals from the image issue: skybridge's throughput over the baseline's. */
const GOALS = { upload: 0.8, download: 0.8, list: 0.5 };
const IMAGES = 1000;

function* zeros(length: number): Iterable<Buffer> {
  const chunk = Buffer.alloc(Math.min(length, 1 << 20));
  for (let left = length; left > 0; left -= chunk.length) yield left >= chunk.length ? chunk : chunk.subarray(0, left);
}

/** One request; the body (if any) is written chunk by chunk and the answer's body is counted and discarded. */
function send(target: string, method: string, path: string, headers: Record<string, string>, chunks?: Iterable<Buffer>): Promise<{ status: number; bytes: number; text: string }> {
  const u = new URL(target);
  return new Promise((res, rej) => {
    const req = request({ host: u.hostname, port: u.port, method, path, headers }, (r) => {
      let bytes = 0;
      let text = '';
      r.on('data', (c: Buffer) => {
        bytes += c.length;
        if (text.length < 4096) text += c.toString();
      });
      r.on('end', () => res({ status: r.statusCode ?? 0, bytes, text }));
      r.on('error', rej);
    });
    req.on('error', rej);
    void (async () => {
      for (const c of chunks ?? []) if (!req.write(c)) await new Promise((r) => req.once('drain', r));
      req.end();
    })();
  });
}

/** Bytes per second of `rounds` sequential runs of `once`. */
async function throughput(rounds: number, bytes: number, once: (i: number) => Promise<void>): Promise<number> {
  let ms = 0;
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    await once(i);
    ms += performance.now() - t0;
  }
  return (bytes * rounds * 1000) / ms;
}

const mib = (bps: number) => `${(bps / (1 << 20)).toFixed(0)} MiB/s`;

export const imageSuite: BenchSuite = {
  name: 'image',
  async run(ctx: BenchContext): Promise<RatioRow[]> {
    const { skybridge, scale } = ctx;
    const out = (s: string) => process.stdout.write(s);
    const work = mkdtempSync(join(tmpdir(), 'skybridge-bench-image-'));
    const started: ServedProcess[] = [];
    try {
      const login = await fetch(`${skybridge.url}/identity/v3/auth/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: 'admin', domain: { name: 'Default' }, password: skybridge.info.adminPassword } } }, scope: { project: { name: 'admin', domain: { name: 'Default' } } } } }),
      });
      await login.body?.cancel();
      const token = login.headers.get('x-subject-token')!;
      const auth = { 'x-auth-token': token };
      const createImage = async (name: string) => {
        const r = await send(skybridge.url, 'POST', '/image/v2/images', { ...auth, 'content-type': 'application/json' }, [Buffer.from(JSON.stringify({ name, disk_format: 'raw', container_format: 'bare' }))]);
        if (r.status !== 201) throw new Error(`create image -> ${r.status} ${r.text.slice(0, 200)}`);
        return (JSON.parse(r.text) as { id: string }).id;
      };

      const staticDir = join(work, 'static');
      mkdirSync(staticDir);
      const fd = openSync(join(staticDir, 'large.bin'), 'w');
      for (const c of zeros(LARGE)) writeSync(fd, c);
      closeSync(fd);
      const [putPort, staticPort, listPort] = [await freePort(), await freePort(), await freePort()];
      const putBase = await startProcess('bench/baseline-put-server.ts', { PORT: String(putPort), BASELINE_DIR: join(work, 'put') }, putPort);
      started.push(putBase);
      const staticBase = await startProcess('bench/baseline-static-server.ts', { PORT: String(staticPort), BASELINE_DIR: staticDir }, staticPort);
      started.push(staticBase);
      out(`\nimage suite: ${LARGE}-byte image, ${IMAGES} images listed\n`);

      const rounds = Math.max(1, Math.round(4 * scale));
      const ids: string[] = [];
      const length = { 'content-length': String(LARGE), 'content-type': 'application/octet-stream' };
      const upBase = await throughput(rounds, LARGE, async (i) => {
        const r = await send(putBase.url, 'PUT', `/large-${i}`, length, zeros(LARGE));
        if (r.status !== 200) throw new Error(`baseline PUT -> ${r.status}`);
      });
      const upSky = await throughput(rounds, LARGE, async () => {
        const id = await createImage(`bench-large-${ids.length}`);
        ids.push(id);
        const r = await send(skybridge.url, 'PUT', `/image/v2/images/${id}/file`, { ...auth, ...length }, zeros(LARGE));
        if (r.status !== 204) throw new Error(`upload -> ${r.status} ${r.text.slice(0, 200)}`);
      });
      out(`upload:   skybridge ${mib(upSky)} vs baseline ${mib(upBase)} (write+fsync+rename): ratio ${(upSky / upBase).toFixed(2)} (goal ${GOALS.upload})\n`);
      const downBase = await throughput(rounds, LARGE, async () => {
        const r = await send(staticBase.url, 'GET', '/large.bin', {});
        if (r.bytes !== LARGE) throw new Error(`baseline GET -> ${r.status}, ${r.bytes} bytes`);
      });
      const downSky = await throughput(rounds, LARGE, async (i) => {
        const r = await send(skybridge.url, 'GET', `/image/v2/images/${ids[i % ids.length]}/file`, auth);
        if (r.bytes !== LARGE) throw new Error(`download -> ${r.status}, ${r.bytes} bytes`);
      });
      out(`download: skybridge ${mib(downSky)} vs baseline ${mib(downBase)} (static file): ratio ${(downSky / downBase).toFixed(2)} (goal ${GOALS.download})\n`);

      for (let i = ids.length; i < IMAGES; i++) await createImage(`bench-list-${i}`);
      const listBase = await startProcess('bench/baseline-image-list.ts', { PORT: String(listPort), BASELINE_DB: join(skybridge.info.dataDir!, 'skybridge.db') }, listPort);
      started.push(listBase);
      const spec = (name: string, target: string, path: string, headers: Record<string, string>) => ({
        name,
        target,
        concurrency: 8,
        maxRequests: Math.round(2_000 * scale),
        maxDurationMs: 15_000 * scale,
        warmupRequests: 50,
        templates: [{ method: 'GET', path, headers, expectStatus: 200 }],
      });
      const base = await runLoad(spec(`baseline raw query of ${IMAGES} images (node:http)`, listBase.url, '/', {}), { serverPid: listBase.pid });
      const sky = await runLoad(spec(`skybridge GET /v2/images?limit=${IMAGES}`, skybridge.url, `/image/v2/images?limit=${IMAGES}`, auth), { serverPid: skybridge.pid });
      out('\n');
      printRatioTable(base, [{ result: sky, goal: GOALS.list, note: 'token validation, visibility, tags and properties included' }]);
      return [];
    } finally {
      await Promise.all(started.map((p) => p.stop()));
      rmSync(work, { recursive: true, force: true });
    }
  },
};
