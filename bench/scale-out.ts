// Scale-out scenario: S3 GET 4 KiB from one gateway, then from two gateways on one PostgreSQL database at once (summed req/s).
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, runLoad, startProcess, type LoadResult, type LoadSpec, type RequestTemplate, type ServedProcess } from './harness.js';
import { readAwsEnv, signS3, type S3Key } from './s3-sign.js';

const CONCURRENCY = 64;
const BODY = Buffer.alloc(4096, 7);

async function send(target: string, key: S3Key, method: string, path: string, body?: Buffer): Promise<void> {
  const headers = await signS3(target, key, method, path, body ? { 'content-length': String(body.length) } : {});
  const u = new URL(target);
  const status = await new Promise<number>((res, rej) => {
    const req = request({ host: u.hostname, port: u.port, method, path, headers }, (r) => {
      r.resume();
      r.on('end', () => res(r.statusCode ?? 0));
    });
    req.on('error', rej);
    req.end(body);
  });
  if (status !== 200) throw new Error(`${method} ${path} -> ${status}`);
}

/** The result of the scenario: one gateway alone, and two together (their req/s summed, the slower p99). */
export interface ScaleOutResult {
  one: LoadResult;
  two: LoadResult;
}

/** Starts two gateways on `databaseUrl` sharing one data dir (blobs, keys), and measures GETs through one and through both. */
export async function runScaleOut(databaseUrl: string, scale: number): Promise<ScaleOutResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'skybridge-bench-scale-'));
  const started: ServedProcess[] = [];
  try {
    const env = (port: number) => ({
      SKYBRIDGE_HOST: '127.0.0.1',
      SKYBRIDGE_PORT: String(port),
      SKYBRIDGE_DATA_DIR: dataDir,
      SKYBRIDGE_ADMIN_PASSWORD: 'bench-Admin-Secret1',
      SKYBRIDGE_LOG_LEVEL: 'warn',
      SKYBRIDGE_DATABASE_URL: databaseUrl,
    });
    const pa = await freePort();
    const a = await startProcess('gateway/main.ts', env(pa), pa);
    started.push(a);
    const pb = await freePort();
    const b = await startProcess('gateway/main.ts', env(pb), pb);
    started.push(b);
    const key = readAwsEnv(dataDir);
    await send(a.url, key, 'PUT', '/bench-scale');
    await send(a.url, key, 'PUT', '/bench-scale/small.bin', BODY);
    const template = async (target: string): Promise<RequestTemplate> => ({ method: 'GET', path: '/bench-scale/small.bin', headers: await signS3(target, key, 'GET', '/bench-scale/small.bin'), expectStatus: 200 });
    const spec = async (name: string, s: ServedProcess, concurrency: number): Promise<LoadSpec> => ({
      name,
      target: s.url,
      concurrency,
      maxRequests: Math.round(30_000 * scale),
      maxDurationMs: 10_000 * scale,
      warmupRequests: 500,
      templates: [await template(s.url)],
    });
    const one = await runLoad(await spec('S3 GetObject 4 KiB, 1 gateway (PostgreSQL)', a, CONCURRENCY), { serverPid: a.pid });
    const [ra, rb] = await Promise.all([
      runLoad(await spec('gateway A', a, CONCURRENCY / 2), { serverPid: a.pid }),
      runLoad(await spec('gateway B', b, CONCURRENCY / 2), { serverPid: b.pid }),
    ]);
    const two: LoadResult = {
      name: 'S3 GetObject 4 KiB, 2 gateways (PostgreSQL, summed)',
      requests: ra.requests + rb.requests,
      errors: ra.errors + rb.errors,
      errorSamples: [...ra.errorSamples, ...rb.errorSamples],
      durationMs: Math.max(ra.durationMs, rb.durationMs),
      rps: ra.rps + rb.rps,
      p50: Math.max(ra.p50, rb.p50),
      p99: Math.max(ra.p99, rb.p99),
      max: Math.max(ra.max, rb.max),
    };
    return { one, two };
  } finally {
    await Promise.all(started.map((p) => p.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  }
}
