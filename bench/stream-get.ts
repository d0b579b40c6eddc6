// A load-generator process for large bodies: GETs at concurrency N, streaming and discarding each body, prints a LoadResult.
import { Agent, request } from 'node:http';
import type { LoadResult, RequestTemplate } from './harness.js';
import { summariseLoad } from './load-summary.js';

/** What the parent sends on stdin. */
export interface StreamGetSpec {
  name: string;
  target: string;
  template: RequestTemplate;
  /** Every response must carry exactly this many body bytes. */
  expectBytes: number;
  concurrency: number;
  maxRequests: number;
  maxDurationMs: number;
  warmupRequests: number;
}

async function readStdin(): Promise<string> {
  let s = '';
  for await (const chunk of process.stdin) s += chunk;
  return s;
}

function get(agent: Agent, target: URL, t: RequestTemplate): Promise<{ status: number; bytes: number }> {
  return new Promise((res, rej) => {
    const req = request({ agent, host: target.hostname, port: target.port, method: t.method, path: t.path, headers: t.headers }, (r) => {
      let bytes = 0;
      r.on('data', (c: Buffer) => (bytes += c.length));
      r.on('end', () => res({ status: r.statusCode ?? 0, bytes }));
      r.on('error', rej);
    });
    req.on('error', rej);
    req.end();
  });
}

async function main(): Promise<void> {
  const spec = JSON.parse(await readStdin()) as StreamGetSpec;
  const target = new URL(spec.target);
  const agent = new Agent({ keepAlive: true, maxSockets: spec.concurrency });
  for (let i = 0; i < spec.warmupRequests; i++) await get(agent, target, spec.template);
  const latencies: number[] = [];
  const errorSamples: string[] = [];
  let errors = 0;
  let issued = 0;
  let bytes = 0;
  const start = performance.now();
  const deadline = start + spec.maxDurationMs;
  const loop = async () => {
    while (issued < spec.maxRequests && performance.now() < deadline) {
      issued++;
      const t0 = performance.now();
      try {
        const r = await get(agent, target, spec.template);
        bytes += r.bytes;
        if (r.status !== spec.template.expectStatus || r.bytes !== spec.expectBytes) {
          errors++;
          if (errorSamples.length < 3) errorSamples.push(`GET ${spec.template.path} -> ${r.status}, ${r.bytes} bytes`);
        }
      } catch (e) {
        errors++;
        if (errorSamples.length < 3) errorSamples.push(String(e));
      }
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: spec.concurrency }, loop));
  const durationMs = performance.now() - start;
  agent.destroy();
  const result: LoadResult & { bytesPerSecond: number } = { ...summariseLoad(spec.name, latencies, errors, errorSamples, durationMs), bytesPerSecond: (bytes / durationMs) * 1000 };
  process.stdout.write(JSON.stringify(result));
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
