// The load-generator process: reads a LoadSpec on stdin, drives N concurrent keep-alive loops over node:http, prints a LoadResult.
import { Agent, request } from 'node:http';
import { pathToFileURL } from 'node:url';
import type { LoadSpec, RequestTemplate } from './harness.js';
import { summariseLoad } from './load-summary.js';

type Factory = (i: number) => RequestTemplate | Promise<RequestTemplate>;

async function readStdin(): Promise<string> {
  let s = '';
  for await (const chunk of process.stdin) s += chunk;
  return s;
}

function send(agent: Agent, target: URL, t: RequestTemplate): Promise<{ status: number; body: string }> {
  return new Promise((res, rej) => {
    const req = request(
      { agent, host: target.hostname, port: target.port, method: t.method, path: t.path, headers: t.headers },
      (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => res({ status: r.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        r.on('error', rej);
      },
    );
    req.on('error', rej);
    req.end(t.body);
  });
}

async function main(): Promise<void> {
  const spec = JSON.parse(await readStdin()) as LoadSpec;
  const target = new URL(spec.target);
  let factory: Factory;
  if (spec.factoryModule) {
    const mod = (await import(pathToFileURL(spec.factoryModule).href)) as { createFactory(args: unknown): Factory | Promise<Factory> };
    factory = await mod.createFactory(spec.factoryArgs);
  } else {
    const ts = spec.templates ?? [];
    if (!ts.length) throw new Error('a LoadSpec needs templates or a factoryModule');
    factory = (i) => ts[i % ts.length]!;
  }
  const agent = new Agent({ keepAlive: true, maxSockets: spec.concurrency });

  let next = 0;
  const warm = async () => {
    while (next < spec.warmupRequests) await send(agent, target, await factory(next++));
  };
  await Promise.all(Array.from({ length: spec.concurrency }, warm));

  const latencies: number[] = [];
  const errorSamples: string[] = [];
  let errors = 0;
  let issued = 0;
  const start = performance.now();
  const deadline = start + spec.maxDurationMs;
  const loop = async () => {
    while (issued < spec.maxRequests && performance.now() < deadline) {
      const i = spec.warmupRequests + issued++;
      const t = await factory(i);
      const t0 = performance.now();
      try {
        const r = await send(agent, target, t);
        latencies.push(performance.now() - t0);
        if (r.status !== t.expectStatus) {
          errors++;
          if (errorSamples.length < 3) errorSamples.push(`${t.method} ${t.path} -> ${r.status} ${r.body.slice(0, 200)}`);
        }
      } catch (e) {
        latencies.push(performance.now() - t0);
        errors++;
        if (errorSamples.length < 3) errorSamples.push(`${t.method} ${t.path} -> ${String(e)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: spec.concurrency }, loop));
  const durationMs = performance.now() - start;
  agent.destroy();

  const result = summariseLoad(spec.name, latencies, errors, errorSamples, durationMs);
  process.stdout.write(JSON.stringify(result));
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
