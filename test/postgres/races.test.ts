// Two gateway processes on one PostgreSQL database: concurrent creates of one bucket and 50 concurrent overwrites of one key keep one winner per write and exact counters.
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListBucketsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgresUrl } from '../../core/db/testing.js';
import { parseEnvFile } from '../clients/object-fixture.js';
import { startServer, type RunningServer } from '../harness/server.js';

let a: RunningServer;
let b: RunningServer;
let dataDir: string;
let creds: { accessKeyId: string; secretAccessKey: string };

const client = (s: RunningServer) => new S3Client({ endpoint: s.url, region: 'us-east-1', forcePathStyle: true, credentials: creds, maxAttempts: 1 });

beforeAll(async () => {
  // One database and one data dir (blobs, keys) shared by both gateways, as on one machine with a shared directory.
  dataDir = mkdtempSync(join(tmpdir(), 'skybridge-pg-race-'));
  const env = { SKYBRIDGE_DATABASE_URL: freshPostgresUrl(), SKYBRIDGE_ADMIN_PASSWORD: 'admin-secret', SKYBRIDGE_PASSWORD_HASH_COST: '1024' };
  a = await startServer({ env, dataDir });
  b = await startServer({ env, dataDir });
  const aws = parseEnvFile(readFileSync(join(dataDir, 'aws.env'), 'utf8'));
  creds = { accessKeyId: aws.AWS_ACCESS_KEY_ID!, secretAccessKey: aws.AWS_SECRET_ACCESS_KEY! };
});

afterAll(async () => {
  await a?.stop();
  await b?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('two gateways on one PostgreSQL database', () => {
  it('both processes answer from the same model', async () => {
    await client(a).send(new CreateBucketCommand({ Bucket: 'seen-by-both' }));
    const names = (await client(b).send(new ListBucketsCommand({}))).Buckets?.map((x) => x.Name);
    expect(names).toContain('seen-by-both');
  });

  it('creating the same bucket through both at once: one is created, the other is told it already exists', async () => {
    for (let i = 0; i < 10; i++) {
      const bucket = `race-${i}`;
      const outcomes = await Promise.all(
        [a, b].map((s) =>
          client(s)
            .send(new CreateBucketCommand({ Bucket: bucket }))
            .then(() => 'created')
            .catch((e: { name?: string }) => e.name ?? 'error'),
        ),
      );
      expect(outcomes.sort()).toEqual(['BucketAlreadyOwnedByYou', 'created']);
    }
    const names = (await client(a).send(new ListBucketsCommand({}))).Buckets!.map((x) => x.Name!).filter((n) => n.startsWith('race-'));
    expect(names.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `race-${i}`).sort());
  });

  it('50 concurrent overwrites of one key from two gateways: every write acknowledged, the last one wins whole, counters exact', async () => {
    await client(a).send(new CreateBucketCommand({ Bucket: 'hot' }));
    const bodies = Array.from({ length: 50 }, (_, i) => Buffer.alloc(1000 + i * 37, String.fromCharCode(65 + (i % 26))));
    const etags = await Promise.all(
      bodies.map((body, i) => client(i % 2 ? b : a).send(new PutObjectCommand({ Bucket: 'hot', Key: 'k', Body: body })).then((r) => r.ETag)),
    );
    expect(etags.every((e) => typeof e === 'string')).toBe(true);
    const got = await client(b).send(new GetObjectCommand({ Bucket: 'hot', Key: 'k' }));
    const bytes = Buffer.from(await got.Body!.transformToByteArray());
    const winner = bodies.findIndex((x) => x.equals(bytes));
    expect(winner).toBeGreaterThanOrEqual(0);
    expect(got.ETag).toBe(`"${createHash('md5').update(bytes).digest('hex')}"`);
    const head = await client(a).send(new HeadObjectCommand({ Bucket: 'hot', Key: 'k' }));
    expect(head.ContentLength).toBe(bytes.length);
    // The container counters (Swift's HEAD, which reads them) count the one live object and its bytes, nothing of the 49 replaced.
    const tokenRes = await fetch(`${a.url}/identity/v3/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: 'admin', domain: { id: 'default' }, password: 'admin-secret' } } }, scope: { project: { name: 'admin', domain: { id: 'default' } } } } }),
    });
    const token = tokenRes.headers.get('x-subject-token')!;
    const projectId = ((await tokenRes.json()) as { token: { project: { id: string } } }).token.project.id;
    const container = await fetch(`${b.url}/object/v1/AUTH_${projectId}/hot`, { method: 'HEAD', headers: { 'x-auth-token': token } });
    expect(container.status).toBe(204);
    expect(container.headers.get('x-container-object-count')).toBe('1');
    expect(container.headers.get('x-container-bytes-used')).toBe(String(bytes.length));
  });
});
