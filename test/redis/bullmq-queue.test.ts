// Runs the JobQueue contract on the BullMQ adapter against the real Redis at 127.0.0.1:6379.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BullMqQueue, fromBullJobId, toBullJobId } from '../../backends/queue/bullmq-queue.js';
import { jobQueueContract } from '../../backends/queue/contract.case.js';
import { exponentialRetry } from '../../backends/queue/retry.js';
import type { JobQueue } from '../../core/jobs/port.js';
import { MemoryBlobStore } from '../../backends/blob/memory-blob-store.js';
import { EmbeddedQueue } from '../../backends/queue/embedded-queue.js';
import { registerObjectStoreWorkers } from '../../workers/object-store/register-object-store-workers.js';
import { openTestOutbox } from '../harness/outbox.js';

const REDIS_URL = 'redis://127.0.0.1:6379';
const runPrefix = `sbtest-${process.pid}-${randomBytes(4).toString('hex')}`;
let admin: Redis;
let fixtureNo = 0;

async function deleteKeys(pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await admin.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await admin.del(...keys);
  } while (cursor !== '0');
}

beforeAll(async () => {
  admin = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 3000 });
  admin.on('error', () => undefined);
  try {
    await admin.connect();
    await admin.ping();
  } catch (e) {
    admin.disconnect();
    throw new Error(
      `Redis is not reachable at 127.0.0.1:6379 (${String(e)}). Start it with: redis-server --daemonize yes --port 6379 (Debian package: redis-server)`,
    );
  }
});

afterAll(async () => {
  if (admin?.status === 'ready') {
    await deleteKeys(`${runPrefix}*`);
    await admin.quit();
  }
});

jobQueueContract('bullmq', async () => {
  const outbox = openTestOutbox();
  const prefix = `${runPrefix}-${fixtureNo++}`;
  const queues: JobQueue[] = [];
  return {
    makeQueue() {
      const q = new BullMqQueue({ store: outbox.store, redisUrl: REDIS_URL, prefix, relayPollMs: 20, retry: exponentialRetry(5, 5, 50) });
      queues.push(q);
      return q;
    },
    enqueueInTx: outbox.enqueueInTx,
    async cleanup() {
      for (const q of queues) await q.close();
      outbox.close();
      await deleteKeys(`${prefix}:*`);
    },
  };
});

describe('BullMQ job ids', () => {
  it('escapes outbox ids injectively into ids BullMQ accepts', () => {
    const ids = ['gc:blob-x', '12345', 'a%3Ab', 'a:b', 'plain'];
    const bull = ids.map(toBullJobId);
    expect(new Set(bull).size).toBe(ids.length);
    for (const b of bull) {
      expect(b).not.toContain(':');
      expect(`${parseInt(b, 10)}`).not.toBe(b);
    }
    expect(bull.map(fromBullJobId)).toEqual(ids);
  });
});

describe('BullMQ jobs that fail for good', () => {
  it('end failed in the outbox too (crash recovery stops waiting for them); a retried attempt does not', async () => {
    const outbox = openTestOutbox();
    const prefix = `${runPrefix}-failed`;
    const q = new BullMqQueue({ store: outbox.store, redisUrl: REDIS_URL, prefix, relayPollMs: 20, retry: exponentialRetry(2, 5, 5) });
    let calls = 0;
    q.process('blob.gc', async () => {
      calls++;
      throw new Error('boom');
    });
    try {
      await q.start();
      await q.enqueue('blob.gc', { blobKeys: [] }, { jobId: 'doomed' });
      await q.drain();
      let counts: Array<{ name: string; status: string; count: number }> = [];
      for (let i = 0; i < 200; i++) {
        counts = await outbox.store.counts();
        if (counts.some((c) => c.status === 'failed')) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      expect(calls).toBe(2);
      expect(counts).toEqual([{ name: 'blob.gc', status: 'failed', count: 1 }]);
    } finally {
      await q.close();
      outbox.close();
      await deleteKeys(`${prefix}:*`);
    }
  });
});

describe('blob auditor on both queues', () => {
  for (const kind of ['embedded', 'bullmq'] as const) {
    it(`${kind}: a blob.audit job hands old unreferenced blobs to blob.gc, which removes them; young and referenced blobs stay`, async () => {
      const outbox = openTestOutbox();
      const prefix = `${runPrefix}-audit-${kind}`;
      const queue: JobQueue =
        kind === 'bullmq'
          ? new BullMqQueue({ store: outbox.store, redisUrl: REDIS_URL, prefix, relayPollMs: 20, retry: exponentialRetry(5, 5, 50) })
          : new EmbeddedQueue({ store: outbox.store, pollMs: 20 });
      let clock = 5_000_000;
      const blobs = new MemoryBlobStore({ now: () => clock });
      await blobs.put('orphan', new Blob(['left by a crash']).stream());
      await blobs.put('live', new Blob(['an object']).stream());
      clock += 7_200_000;
      await blobs.put('landing', new Blob(['metadata about to commit']).stream());
      registerObjectStoreWorkers(queue, { blobs, isBlobReferenced: (k) => k === 'live' });
      try {
        await queue.start();
        await queue.enqueue('blob.audit', { cutoff: clock - 3_600_000 }, { jobId: 'blob.audit:1' });
        await queue.drain();
        const left: string[] = [];
        for await (const k of blobs.list()) left.push(k);
        expect(left.sort()).toEqual(['landing', 'live']);
      } finally {
        await queue.close();
        outbox.close();
        if (kind === 'bullmq') await deleteKeys(`${prefix}:*`);
      }
    });
  }
});
