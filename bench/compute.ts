// Compute benchmark: a boot storm (min_count=N, zero simulated delay, until all ACTIVE) and GET /servers/detail, each against a raw baseline measured in the same run.
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { createServer, request } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { BullMqQueue } from '../backends/queue/bullmq-queue.js';
import { GroupCommit } from '../core/db/group-commit.js';
import { openDatabase } from '../core/db/index.js';
import { createOutboxStore, enqueueInTx, walBookkeeping } from '../core/jobs/outbox.js';
import type { JobName } from '../core/jobs/port.js';
import { buildSystem } from '../gateway/app.js';
import { loadConfig } from '../gateway/config.js';

const N = Number(process.env.SKYBRIDGE_BENCH_BOOTS ?? 200);
const LIST = Number(process.env.SKYBRIDGE_BENCH_LIST ?? 1000);
const IMAGE = '5b1e3c2a-0d6f-4a7e-9c1b-000000000001';

const out = (s: string) => process.stdout.write(s);

/**
 * With SKYBRIDGE_BENCH_CPU_PROFILE=prefix, the embedded storm and the skybridge side of the listing are profiled
 * alone, into prefix-<name>.cpuprofile (open it in Chrome's DevTools).
 */
async function profiled<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const prefix = process.env.SKYBRIDGE_BENCH_CPU_PROFILE;
  if (!prefix) return fn();
  const file = `${prefix}-${name}.cpuprofile`;
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  }
}

/**
 * The raw baseline of a boot: the same row writes a boot makes (insert, the scheduler's host claim and
 * placement, four build-stage updates, ACTIVE), one transaction each as the real flow commits them, as
 * prepared statements on a file database with the same durability (WAL, synchronous=FULL).
 */
function rawBootStorm(dir: string, n: number): number {
  const db = new Database(join(dir, 'raw.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE inst (id TEXT PRIMARY KEY, project TEXT, vm TEXT, task TEXT, host TEXT, progress INT, updated INT); CREATE TABLE node (host TEXT PRIMARY KEY, used INT, total INT); CREATE TABLE jobs (id TEXT PRIMARY KEY, name TEXT, payload TEXT, status TEXT)');
  db.prepare("INSERT INTO node VALUES ('h1', 0, 1000000)").run();
  const ins = db.prepare("INSERT INTO inst VALUES (?, 'p', 'building', 'scheduling', NULL, 0, ?)");
  const job = db.prepare("INSERT INTO jobs VALUES (?, ?, ?, 'pending')");
  const claim = db.prepare("UPDATE node SET used = used + 512 WHERE host = 'h1' AND used + 512 <= total");
  const place = db.prepare("UPDATE inst SET host = 'h1', updated = ? WHERE id = ? AND host IS NULL");
  const step = db.prepare('UPDATE inst SET task = ?, progress = ?, updated = ? WHERE id = ? AND task = ?');
  const done = db.prepare("UPDATE inst SET vm = 'active', task = NULL, progress = 100, updated = ? WHERE id = ? AND task = 'spawning'");
  const finish = db.prepare("UPDATE jobs SET status = 'done' WHERE id = ?");
  const t0 = performance.now();
  const ids = Array.from({ length: n }, () => randomUUID());
  db.transaction(() => {
    for (const id of ids) {
      ins.run(id, Date.now());
      job.run(`s-${id}`, 'schedule', id);
    }
  })();
  for (const id of ids) {
    db.transaction(() => {
      claim.run();
      place.run(Date.now(), id);
      job.run(`b-${id}`, 'build', id);
      finish.run(`s-${id}`);
    })();
    const stages: Array<[string, string, number]> = [
      ['scheduling', 'networking', 10],
      ['networking', 'block_device_mapping', 30],
      ['block_device_mapping', 'spawning', 60],
    ];
    for (const [from, to, p] of stages) db.transaction(() => step.run(to, p, Date.now(), id, from))();
    db.transaction(() => {
      done.run(Date.now(), id);
      finish.run(`b-${id}`);
    })();
  }
  const ms = performance.now() - t0;
  db.close();
  return ms;
}

function get(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((res, rej) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (r) => {
      let body = '';
      r.setEncoding('utf8');
      r.on('data', (c: string) => (body += c));
      r.on('end', () => res({ status: r.statusCode ?? 0, body }));
    });
    req.on('error', rej);
    req.end();
  });
}

/**
 * Requests per second of each target over `rounds` sequential GETs, the targets taking turns request by
 * request: on a shared machine both see the same load, so their ratio holds while the load moves.
 */
async function rpsInTurns(targets: Array<{ port: number; path: string; headers: Record<string, string> }>, rounds: number): Promise<number[]> {
  const spent = targets.map(() => 0);
  for (const t of targets) await get(t.port, t.path, t.headers);
  for (let i = 0; i < rounds; i++) {
    for (const [k, t] of targets.entries()) {
      const t0 = performance.now();
      const r = await get(t.port, t.path, t.headers);
      spent[k]! += performance.now() - t0;
      if (r.status !== 200) throw new Error(`GET ${t.path} answered ${r.status}: ${r.body.slice(0, 200)}`);
    }
  }
  return spent.map((ms) => (rounds * 1000) / ms);
}

/** Chains run before either queue scenario's clock starts (connections opened, code warm). */
const WARM_CHAINS = 5;

/**
 * The raw BullMQ baseline of a storm on Redis: `boots` chains of `names.length` jobs, one queue per job name
 * (as skybridge has), each job's processor adding the chain's next job (as a schedule adds the build), with
 * `concurrency` per worker and the options skybridge adds its jobs with. Milliseconds until every chain ended.
 */
async function rawBullMqStorm(redisUrl: string, prefix: string, names: string[], boots: number, concurrency: number): Promise<number> {
  const connection = { url: redisUrl, maxRetriesPerRequest: null };
  const queues = names.map((n) => new Queue(n, { connection, prefix }));
  const opts = { attempts: 5, backoff: { type: 'custom' }, removeOnComplete: { age: 86400 }, removeOnFail: { age: 7 * 86400 } };
  let left = 0;
  let allDone = () => {};
  const workers = names.map(
    (n, i) =>
      new Worker(
        n,
        async (job) => {
          const next = queues[i + 1];
          if (next) await next.add(names[i + 1]!, job.data, { ...opts, jobId: `${names[i + 1]}-${(job.data as { boot: number }).boot}` });
          else if (--left === 0) allDone();
        },
        { connection, prefix, concurrency, settings: { backoffStrategy: () => 10 } },
      ),
  );
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  const chains = (count: number, from: number) => {
    left = count;
    const done = new Promise<void>((res) => (allDone = res));
    return Promise.all(Array.from({ length: count }, (_, k) => queues[0]!.add(names[0]!, { boot: from + k }, { ...opts, jobId: `${names[0]}-${from + k}` }))).then(() => done);
  };
  await chains(WARM_CHAINS, boots);
  const t0 = performance.now();
  await chains(boots, 0);
  const ms = performance.now() - t0;
  await Promise.all(workers.map((w) => w.close()));
  await Promise.all(queues.map((q) => q.close()));
  return ms;
}

/**
 * The same chains through skybridge's queue path with no-op processors: each job written to the outbox in a
 * transaction (the first of every chain in one, as a create writes them; the next in a group commit, as the
 * scheduler writes the build), relayed into BullMQ, delivered by the adapter's workers and completed. The
 * difference to `rawBullMqStorm` is what skybridge's queue costs per boot.
 */
async function adapterBullMqStorm(dir: string, redisUrl: string, prefix: string, names: string[], boots: number, concurrency: number): Promise<number> {
  const odb = openDatabase(join(dir, 'queue-bench.db'));
  const commits = new GroupCommit(odb.db);
  const queue = new BullMqQueue({ store: createOutboxStore(odb.db, Date.now, { bookkeeping: walBookkeeping(odb.sqlite) }), redisUrl, prefix, concurrency });
  let left = 0;
  let allDone = () => {};
  names.forEach((name, i) =>
    queue.process(name as JobName, async (payload) => {
      const next = names[i + 1] as JobName | undefined;
      if (next) {
        await commits.run((tx) => enqueueInTx(tx, next, payload as never));
        queue.notify();
      } else if (--left === 0) allDone();
    }),
  );
  await queue.start();
  /** `count` chains written in one transaction (as a create writes its schedules); resolves when all ended. */
  const chains = (count: number, from: number) => {
    left = count;
    const done = new Promise<void>((res) => (allDone = res));
    odb.db.transaction((tx) => {
      for (let boot = from; boot < from + count; boot++) enqueueInTx(tx, names[0] as JobName, { boot } as never);
    });
    queue.notify();
    return done;
  };
  try {
    // Warmed up as the raw baseline is (its queues connected before the clock starts): the relay opens a queue's connection at its first job.
    await chains(WARM_CHAINS, boots);
    const t0 = performance.now();
    await chains(boots, 0);
    return performance.now() - t0;
  } finally {
    await queue.close();
    await commits.drain();
    odb.close();
  }
}

/** Deletes every Redis key under `prefix` (the bench's own, fresh per run). */
async function dropRedisPrefix(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** True when Redis answers at `redisUrl` within a second. */
async function redisAnswers(redisUrl: string): Promise<boolean> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

/**
 * The storm on the BullMQ adapter (its own data dir and Redis prefix) and the raw BullMQ baseline carrying
 * as many jobs per boot, on the same Redis; the job names and count per boot are read from the outbox.
 */
async function bullMqScenario(dir: string, redisUrl: string): Promise<{ storm: number; raw: number; adapter: number; names: string[] }> {
  const prefix = `skybridge-bench-${randomUUID().slice(0, 8)}`;
  const { sys, token } = await startSystem(join(dir, 'data-redis'), { REDIS_URL: redisUrl, SKYBRIDGE_REDIS_PREFIX: `${prefix}-sky` });
  let open = true;
  try {
    const before = sys.db.sqlite.prepare('SELECT count(*) FROM jobs').pluck().get() as number;
    const { ms, reservationId } = await bootStorm(sys, token, N, 'storm-bullmq');
    // The names a boot's jobs carry, in the order a boot runs them (each name once per boot in this flow).
    const rows = sys.db.sqlite.prepare('SELECT name, count(*) AS n, min(created_at) AS first FROM jobs GROUP BY name ORDER BY first').all() as Array<{ name: string; n: number }>;
    const perBoot = rows.filter((r) => r.n >= N).map((r) => r.name);
    const total = sys.db.sqlite.prepare('SELECT count(*) FROM jobs').pluck().get() as number;
    if (total - before !== perBoot.length * N) out(`(note: the storm ${reservationId} wrote ${total - before} jobs, not ${perBoot.length} per boot)\n`);
    // Closed first: the baseline gets the machine (and Redis) to itself, as the storm had.
    await sys.close();
    open = false;
    const raw = await rawBullMqStorm(redisUrl, `${prefix}-raw`, perBoot, N, sys.config.jobConcurrency);
    const adapter = await adapterBullMqStorm(dir, redisUrl, `${prefix}-queue`, perBoot, N, sys.config.jobConcurrency);
    return { storm: ms, raw, adapter, names: perBoot };
  } finally {
    if (open) await sys.close();
    await dropRedisPrefix(redisUrl, `${prefix}-sky`);
    await dropRedisPrefix(redisUrl, `${prefix}-raw`);
    await dropRedisPrefix(redisUrl, `${prefix}-queue`);
  }
}

type System = Awaited<ReturnType<typeof buildSystem>>;

/** A started system on its own data dir (simulated hosts with room for every bench server, zero delays) and an admin token. */
async function startSystem(dataDir: string, extra: Record<string, string> = {}): Promise<{ sys: System; token: string }> {
  const config = loadConfig({
    SKYBRIDGE_DATA_DIR: dataDir,
    SKYBRIDGE_LOG_LEVEL: 'silent',
    SKYBRIDGE_ADMIN_PASSWORD: 'bench-secret',
    SKYBRIDGE_PASSWORD_HASH_COST: '1024',
    SKYBRIDGE_FAKE_HOSTS: '4',
    SKYBRIDGE_FAKE_HOST_RAM_MB: String(1 << 22),
    SKYBRIDGE_FAKE_HOST_VCPUS: '100000',
    SKYBRIDGE_FAKE_SPAWN_MS: '0',
    SKYBRIDGE_FAKE_POWER_MS: '0',
    SKYBRIDGE_COMPUTE_QUOTA_INSTANCES: String(N + LIST + 10),
    SKYBRIDGE_COMPUTE_QUOTA_CORES: String(10 * (N + LIST + 10)),
    SKYBRIDGE_COMPUTE_QUOTA_RAM: String(1024 * (N + LIST + 10)),
    ...extra,
  });
  const sys = await buildSystem(config);
  await sys.start();
  const b = sys.firstStart.bootstrap;
  const tok = await sys.app.request('/identity/v3/auth/tokens', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: b.admin.userName, domain: { id: 'default' }, password: b.admin.password } } }, scope: { project: { name: b.admin.projectName, domain: { id: 'default' } } } } }),
  });
  return { sys, token: tok.headers.get('x-subject-token')! };
}

/** `POST /servers` with min_count=n, then waits until all n are ACTIVE: the milliseconds until then and until the 202. */
async function bootStorm(sys: System, token: string, n: number, name: string): Promise<{ ms: number; acceptedMs: number; reservationId: string }> {
  const t0 = performance.now();
  const r = await sys.app.request('/compute/v2.1/servers', {
    method: 'POST',
    headers: { 'x-auth-token': token, 'content-type': 'application/json' },
    body: JSON.stringify({ server: { name, imageRef: IMAGE, flavorRef: '42', min_count: n, return_reservation_id: true } }),
  });
  if (r.status !== 202) throw new Error(`boot storm refused: ${r.status} ${await r.text()}`);
  const acceptedMs = performance.now() - t0;
  const { reservation_id: reservationId } = (await r.json()) as { reservation_id: string };
  // Watched with one cheap prepared count: listing 200 servers every 5 ms took ~15% of the one thread the storm runs on.
  const tally = sys.db.sqlite.prepare("SELECT sum(vm_state = 'active' AND task_state IS NULL) AS active, sum(vm_state = 'error') AS failed FROM cmp_instances WHERE reservation_id = ?");
  for (;;) {
    const t = tally.get(reservationId) as { active: number | null; failed: number | null };
    if (t.failed) throw new Error(`a server of ${name} went to ERROR`);
    if (t.active === n) break;
    await new Promise((res) => setTimeout(res, 5));
  }
  const ms = performance.now() - t0;
  const ctx = { requestId: 'bench', auth: (await sys.identity.tokens.validate(token)).context };
  const { instances } = sys.compute.listServers(ctx, { reservationId });
  if (instances.length !== n || !instances.every((s) => s.status === 'ACTIVE')) throw new Error(`${name} is not all ACTIVE through the API`);
  return { ms, acceptedMs, reservationId };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'skybridge-bench-compute-'));
  const { sys, token } = await startSystem(join(dir, 'data'));
  try {
    const ctx = { requestId: 'bench', auth: (await sys.identity.tokens.validate(token)).context };

    // Boot storm.
    out(`compute bench: boot storm of ${N} servers (min_count=${N}, zero simulated delay, 4 hosts), then GET /servers/detail with ${LIST} servers; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
    const raw = rawBootStorm(dir, N);
    const storm = await profiled('storm', () => bootStorm(sys, token, N, 'storm'));

    // GET /servers/detail with LIST servers (the storm's plus more), over TCP, against a raw prepared query behind node:http.
    const more = LIST - N;
    if (more > 0) await bootStorm(sys, token, more, 'fill');
    const gw = serve({ fetch: sys.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((res) => gw.once('listening', res));
    const gwPort = (gw.address() as { port: number }).port;
    const stmt = sys.db.sqlite.prepare('SELECT * FROM cmp_instances WHERE project_id = ? AND deleted_at IS NULL ORDER BY created_at DESC, id DESC');
    const projectId = ctx.auth.projectId!;
    const base = createServer((_req, res) => {
      const rows = stmt.all(projectId);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ servers: rows }));
    });
    await new Promise<void>((res) => base.listen(0, '127.0.0.1', res));
    const basePort = (base.address() as { port: number }).port;
    const rounds = Number(process.env.SKYBRIDGE_BENCH_LIST_ROUNDS ?? 20);
    const [baseRps, gwRps] = await profiled('detail', () =>
      rpsInTurns(
        [
          { port: basePort, path: '/', headers: {} },
          { port: gwPort, path: '/compute/v2.1/servers/detail', headers: { 'x-auth-token': token } },
        ],
        rounds,
      ),
    );
    const check = JSON.parse((await get(gwPort, '/compute/v2.1/servers/detail', { 'x-auth-token': token })).body) as { servers: unknown[] };
    gw.close();
    base.close();

    // The same storm with jobs on BullMQ, against raw BullMQ carrying as many jobs per boot on the same Redis.
    const redisUrl = process.env.SKYBRIDGE_BENCH_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    const bull = (await redisAnswers(redisUrl)) ? await bullMqScenario(dir, redisUrl) : undefined;

    out('\n| measure | skybridge | raw baseline | ratio (baseline time / skybridge time) | goal |\n|---|---|---|---|---|\n');
    out(`| boot storm ${N} servers → all ACTIVE | ${storm.ms.toFixed(0)} ms (202 after ${storm.acceptedMs.toFixed(0)} ms) | ${raw.toFixed(0)} ms (same row writes, prepared SQL) | ${(raw / storm.ms).toFixed(2)}× | ${N >= 1000 ? '≤ 10000' : '≤ 2000'} ms |\n`);
    if (bull) {
      const chains = `${N} chains of ${bull.names.length} no-op jobs (${bull.names.join(' → ')}, a boot's jobs), same queues and concurrency`;
      out(`| boot storm ${N} servers on BullMQ (${redisUrl}) → all ACTIVE | ${bull.storm.toFixed(0)} ms | ${bull.raw.toFixed(0)} ms (raw BullMQ: ${chains}) | ${(bull.raw / bull.storm).toFixed(2)}× | (the whole boot against the queue alone) |\n`);
      out(`| queue overhead per boot on BullMQ (outbox write, relay, delivery, completion) | ${(bull.adapter / N).toFixed(2)} ms/boot (${bull.adapter.toFixed(0)} ms: ${chains}) | ${(bull.raw / N).toFixed(2)} ms/boot (raw BullMQ) | ${(bull.raw / bull.adapter).toFixed(2)}× | ≥ 0.8× |\n`);
    } else out(`| boot storm and queue overhead on BullMQ | skipped: no Redis answers at ${redisUrl} (SKYBRIDGE_BENCH_REDIS_URL) | | | ≥ 0.8× |\n`);
    out(`| GET /servers/detail, ${check.servers.length} servers | ${gwRps.toFixed(1)} req/s | ${baseRps.toFixed(1)} req/s (prepared query + JSON behind node:http) | ${(gwRps / baseRps).toFixed(2)}× | ≥ 0.7× |\n`);
  } finally {
    await sys.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
