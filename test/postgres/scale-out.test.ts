// Scale-out with real processes: two gateways and one worker on one PostgreSQL database and one Redis, driven by the openstack, aws and swift CLIs; then a gateway and the worker are killed mid-work.
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgresUrl } from '../../core/db/testing.js';
import { DEBIAN_AWS } from '../clients/aws.js';
import { keystone, passwordToken } from '../clients/keystone-http.js';
import { cleanEnv, md5, parseEnvFile, requireCli, run, runOk, type Ec2Key } from '../clients/object-fixture.js';
import { startServer, type RunningServer } from '../harness/server.js';

const REDIS_URL = process.env.SKYBRIDGE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `sbtest-scale-${randomBytes(4).toString('hex')}`;
const ADMIN_PASSWORD = 'admin-secret';
const USER_PASSWORD = 'so-user-secret';

let a: RunningServer;
let b: RunningServer;
let w: RunningServer;
let dataDir: string;
let work: string;
let admin: Ec2Key;
/** The slow web-download source of the worker-kill case, and the requests it saw. */
let web: Server;
let webPort: number;
const webBytes = randomBytes(1 << 20);
const webHits: string[] = [];
let webStarted: () => void = () => undefined;

const s3 = (s: RunningServer, key: Ec2Key) =>
  new S3Client({ endpoint: s.url, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: key.access, secretAccessKey: key.secret }, maxAttempts: 1 });

/** The openstack CLI as admin, authenticating at `s` (the catalog it gets points back at `s`); `script` lines are commands for its interactive mode. */
const openstack = (s: RunningServer, args: string[], script?: string[]) =>
  runOk('openstack', [...args], {
    input: script?.join('\n'),
    env: cleanEnv({
      OS_AUTH_URL: `${s.url}/identity/v3`,
      OS_USERNAME: 'admin',
      OS_PASSWORD: ADMIN_PASSWORD,
      OS_PROJECT_NAME: 'admin',
      OS_USER_DOMAIN_NAME: 'Default',
      OS_PROJECT_DOMAIN_NAME: 'Default',
      OS_IDENTITY_API_VERSION: '3',
      OS_INTERFACE: 'public',
    }),
  });

/** Polls `probe` until it returns true (each gateway refreshes shared state every second; this bounds the wait, it asserts no timing). */
async function eventually(probe: () => Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const queue = (name: string) => new Queue(name, { connection: { url: REDIS_URL }, prefix });

beforeAll(async () => {
  await requireCli('openstack');
  await requireCli('swift');
  await requireCli(DEBIAN_AWS);
  // The slow source: 1 MiB in 16 pieces, 150 ms apart, so the worker is still fetching when it is killed.
  web = createServer((req, res) => {
    webHits.push(req.url ?? '');
    webStarted();
    res.writeHead(200, { 'content-length': String(webBytes.length), 'content-type': 'application/octet-stream' });
    let i = 0;
    const piece = webBytes.length / 16;
    const next = () => {
      if (res.destroyed) return;
      if (i === 16) return void res.end();
      res.write(webBytes.subarray(i * piece, ++i * piece));
      setTimeout(next, 150);
    };
    res.on('error', () => undefined);
    next();
  });
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  webPort = (web.address() as AddressInfo).port;

  // One database, one Redis prefix and one data dir (fs blobs, SSE keys) shared by all three, as on one machine.
  dataDir = mkdtempSync(join(tmpdir(), 'skybridge-scale-out-'));
  work = mkdtempSync(join(tmpdir(), 'skybridge-scale-out-work-'));
  const env = {
    SKYBRIDGE_DATABASE_URL: freshPostgresUrl(),
    REDIS_URL,
    SKYBRIDGE_REDIS_PREFIX: prefix,
    SKYBRIDGE_ADMIN_PASSWORD: ADMIN_PASSWORD,
    SKYBRIDGE_PASSWORD_HASH_COST: '1024',
    SKYBRIDGE_JOB_LEASE_SECONDS: '2',
    SKYBRIDGE_IMAGE_IMPORT_ALLOW: '127.0.0.1/32',
    SKYBRIDGE_IMAGE_IMPORT_PORTS: String(webPort),
  };
  // All three start at once: migrations, bootstrap and the generated password files must not collide.
  [a, b, w] = await Promise.all([
    startServer({ env: { ...env, SKYBRIDGE_ROLE: 'gateway' }, dataDir, timeoutMs: 90_000 }),
    startServer({ env: { ...env, SKYBRIDGE_ROLE: 'gateway' }, dataDir, timeoutMs: 90_000 }),
    startServer({ env: { ...env, SKYBRIDGE_ROLE: 'worker' }, dataDir, timeoutMs: 90_000 }),
  ]);
  const aws = parseEnvFile(readFileSync(join(dataDir, 'aws.env'), 'utf8'));
  admin = { access: aws.AWS_ACCESS_KEY_ID!, secret: aws.AWS_SECRET_ACCESS_KEY! };
}, 180_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop(), w?.stop()]);
  await new Promise((r) => web?.close(r));
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('two gateways and a worker on PostgreSQL and Redis', { timeout: 120_000 }, () => {
  let user: Ec2Key;
  let projectId: string;
  const bucket = 'scale-out';
  const body = randomBytes(1536 * 1024);

  it('the worker serves only /healthz; a project, user and EC2 credential made through gateway A sign an aws s3 cp upload to A', async () => {
    expect((await fetch(`${w.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${w.url}/identity/v3`)).status).toBe(404);
    // One CLI process runs the four commands (its interactive mode reads them from stdin): each CLI start costs seconds.
    const out = await openstack(a, [], [
      'project create so-project -f value -c id',
      `user create --password ${USER_PASSWORD} --project so-project so-user -f value -c id`,
      'role add --project so-project --user so-user member',
      'ec2 credentials create --project so-project --user so-user -f value -c access -c secret',
    ]);
    // The ids it printed, in order: project, user, access key, secret.
    const ids = out.stdout.match(/\b[0-9a-f]{32}\b/g) ?? [];
    expect(ids, `${out.stdout}\n${out.stderr}`).toHaveLength(4);
    projectId = ids[0]!;
    user = { access: ids[2]!, secret: ids[3]! };
    await s3(a, user).send(new CreateBucketCommand({ Bucket: bucket }));
    const file = join(work, 'upload.bin');
    writeFileSync(file, body);
    await runOk(DEBIAN_AWS, ['s3', 'cp', file, `s3://${bucket}/hello.bin`, '--endpoint-url', a.url], {
      env: cleanEnv({ AWS_ACCESS_KEY_ID: user.access, AWS_SECRET_ACCESS_KEY: user.secret, AWS_DEFAULT_REGION: 'us-east-1', AWS_CONFIG_FILE: join(work, 'none') }),
    });
  });

  it('through gateway B: the token from A validates, the object reads back byte-identical, swift list shows it', async () => {
    const t = await passwordToken(a.url, 'so-user', USER_PASSWORD, 'so-project');
    expect(t.status).toBe(201);
    const checked = await keystone(b.url, t.id, 'GET', '/auth/tokens', undefined, { 'x-subject-token': t.id });
    expect(checked.status).toBe(200);
    expect(checked.body.token.project.id).toBe(projectId);
    const got = await s3(b, user).send(new GetObjectCommand({ Bucket: bucket, Key: 'hello.bin' }));
    expect(md5(await got.Body!.transformToByteArray())).toBe(md5(body));
    const listed = await run('swift', ['--auth-version', '3', 'list', bucket], {
      env: cleanEnv({
        OS_AUTH_URL: `${b.url}/identity/v3`,
        OS_USERNAME: 'so-user',
        OS_PASSWORD: USER_PASSWORD,
        OS_PROJECT_NAME: 'so-project',
        OS_USER_DOMAIN_NAME: 'Default',
        OS_PROJECT_DOMAIN_NAME: 'Default',
      }),
      cwd: work,
    });
    expect(listed.stderr).toBe('');
    expect(listed.stdout.split('\n')).toContain('hello.bin');
  });

  it('a token revoked on B is refused by A; an EC2 credential deleted on A stops signing on B at once', async () => {
    const t = await passwordToken(a.url, 'so-user', USER_PASSWORD, 'so-project');
    expect((await keystone(a.url, t.id, 'GET', `/projects/${projectId}`)).status).toBe(200);
    expect((await keystone(b.url, t.id, 'DELETE', '/auth/tokens', undefined, { 'x-subject-token': t.id })).status).toBe(204);
    await eventually(async () => (await keystone(a.url, t.id, 'GET', `/projects/${projectId}`)).status === 401, 'gateway A refuses the token revoked on B');

    await s3(b, user).send(new ListObjectsV2Command({ Bucket: bucket }));
    await openstack(a, ['ec2', 'credentials', 'delete', '--user', 'so-user', user.access]);
    await expect(s3(b, user).send(new ListObjectsV2Command({ Bucket: bucket }))).rejects.toMatchObject({ name: 'InvalidAccessKeyId' });
  });

  it('X-Delete-After: the expiry job runs once, on the worker, and the object is gone from both gateways', async () => {
    const token = (await passwordToken(a.url, 'admin', ADMIN_PASSWORD, 'admin'));
    const swiftUrl = (s: RunningServer) => `${s.url}/object/v1/AUTH_${token.projectId}`;
    const h = { 'x-auth-token': token.id };
    expect((await fetch(`${swiftUrl(a)}/expiring`, { method: 'PUT', headers: h })).status).toBe(201);
    const put = await fetch(`${swiftUrl(a)}/expiring/soon`, { method: 'PUT', headers: { ...h, 'x-delete-after': '1' }, body: 'short-lived' });
    expect(put.status).toBe(201);
    const q = queue('object.expire');
    try {
      const expiryJobs = async () => (await q.getJobs(['completed', 'failed', 'active', 'wait', 'delayed'])).filter((j) => (j.data as { name?: string }).name === 'soon');
      await eventually(async () => (await expiryJobs()).some((j) => j.finishedOn !== undefined), 'the expiry job finished');
      const listing = await fetch(`${swiftUrl(b)}/expiring?format=json`, { headers: h });
      expect(await listing.json()).toEqual([]);
      expect((await fetch(`${swiftUrl(b)}/expiring/soon`, { headers: h })).status).toBe(404);
      const jobs = await expiryJobs();
      expect(jobs).toHaveLength(1);
      expect(jobs[0]!.attemptsStarted).toBe(1);
      expect(jobs[0]!.failedReason ?? null).toBeNull();
      expect(await jobs[0]!.isCompleted()).toBe(true);
    } finally {
      await q.close();
    }
  });

  it('SIGKILL of gateway A during 50 uploads over both: B keeps serving; after A restarts every acknowledged upload is whole and nothing half-written shows', async () => {
    await s3(a, admin).send(new CreateBucketCommand({ Bucket: 'kill-a' }));
    const bodies = Array.from({ length: 50 }, () => randomBytes(256 * 1024 + Math.floor(Math.random() * 65536)));
    const acked = new Set<number>();
    let killed: Promise<void> | undefined;
    const uploads = bodies.map((bytes, i) =>
      s3(i % 2 ? b : a, admin)
        .send(new PutObjectCommand({ Bucket: 'kill-a', Key: `obj-${i}`, Body: bytes }))
        .then(() => {
          acked.add(i);
          // Once a few writes landed, A dies in the middle of the others.
          if (acked.size === 6) killed = a.kill();
        }),
    );
    const outcomes = await Promise.allSettled(uploads);
    await killed;
    // Every upload sent to B succeeded; B still answers.
    for (let i = 1; i < 50; i += 2) expect(outcomes[i]!.status).toBe('fulfilled');
    expect((await s3(b, admin).send(new ListObjectsV2Command({ Bucket: 'kill-a' }))).KeyCount).toBeGreaterThan(0);

    // A restarts while B's view is checked, then A's.
    const restarting = a.restart();
    for (const s of [b, a]) {
      if (s === a) await restarting;
      const listed = (await s3(s, admin).send(new ListObjectsV2Command({ Bucket: 'kill-a' }))).Contents ?? [];
      const byKey = new Map(listed.map((o) => [o.Key!, o.Size]));
      for (const i of acked) expect(byKey.get(`obj-${i}`)).toBe(bodies[i]!.length);
      // A listed object is a whole one: its size is its body's, and its bytes read back the same.
      for (const [key, size] of byKey) {
        const i = Number(key.slice(4));
        expect(size).toBe(bodies[i]!.length);
        const got = await s3(s, admin).send(new GetObjectCommand({ Bucket: 'kill-a', Key: key }));
        expect(md5(await got.Body!.transformToByteArray())).toBe(md5(bodies[i]!));
      }
    }
  });

  it('the worker killed in the middle of an image import: after its restart the import completes, once', async () => {
    const token = await passwordToken(a.url, 'admin', ADMIN_PASSWORD, 'admin');
    const api = async (method: string, path: string, reqBody?: unknown) => {
      const res = await fetch(`${a.url}/image${path}`, {
        method,
        headers: { 'x-auth-token': token.id, ...(reqBody ? { 'content-type': 'application/json' } : {}) },
        body: reqBody ? JSON.stringify(reqBody) : undefined,
      });
      const text = await res.text();
      return { status: res.status, json: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
    };
    const created = await api('POST', '/v2/images', { name: 'slow-import', disk_format: 'raw', container_format: 'bare' });
    expect(created.status).toBe(201);
    const id = created.json.id as string;
    const fetching = new Promise<void>((r) => (webStarted = r));
    expect((await api('POST', `/v2/images/${id}/import`, { method: { name: 'web-download', uri: `http://127.0.0.1:${webPort}/disk.raw` } })).status).toBe(202);
    await fetching;
    await w.kill();
    expect((await api('GET', `/v2/images/${id}`)).json.status).toBe('importing');
    await w.restart();
    await eventually(async () => (await api('GET', `/v2/images/${id}`)).json.status !== 'importing', 'the import finished', 40_000);
    expect((await api('GET', `/v2/images/${id}`)).json).toMatchObject({ status: 'active', size: webBytes.length, checksum: md5(webBytes) });
    const tasks = (await api('GET', `/v2/images/${id}/tasks`)).json.tasks as Array<{ status: string }>;
    expect(tasks.map((t) => t.status)).toEqual(['success']);
    // The fetch the kill cut off, and the one that completed.
    expect(webHits).toEqual(['/disk.raw', '/disk.raw']);
    const q = queue('image.import');
    try {
      expect(await q.getJobCounts('completed', 'failed', 'active', 'wait', 'delayed')).toEqual({ completed: 1, failed: 0, active: 0, wait: 0, delayed: 0 });
    } finally {
      await q.close();
    }
  });
});
