// Runs the JobQueue contract on the embedded (outbox-table) queue, plus its crash redelivery.
import { describe, expect, it } from 'vitest';
import type { JobQueue } from '../../core/jobs/port.js';
import { openTestOutbox } from '../../test/harness/outbox.js';
import { jobQueueContract } from './contract.case.js';
import { EmbeddedQueue } from './embedded-queue.js';
import { exponentialRetry } from './retry.js';

jobQueueContract('embedded', async () => {
  const outbox = openTestOutbox();
  const queues: JobQueue[] = [];
  return {
    makeQueue() {
      const q = new EmbeddedQueue({ store: outbox.store, pollMs: 20, retry: exponentialRetry(5, 5, 50) });
      queues.push(q);
      return q;
    },
    enqueueInTx: outbox.enqueueInTx,
    async cleanup() {
      for (const q of queues) await q.close();
      outbox.close();
    },
  };
});

describe('EmbeddedQueue specifics', () => {
  it('redelivers the job of a worker that died holding it, once its lease expires', async () => {
    const outbox = openTestOutbox();
    await outbox.store.add('blob.gc', { blobKeys: ['a'] }, { jobId: 'orphaned' });
    // A worker that claims the job and then vanishes (process killed): it never completes it.
    const [claimed] = await outbox.store.claim({ names: ['blob.gc'], limit: 1, leaseMs: 200 });
    expect(claimed!.attempts).toBe(1);
    const q = new EmbeddedQueue({ store: outbox.store, pollMs: 20, leaseMs: 200 });
    const seen: Array<{ jobId: string; attempt: number }> = [];
    q.process('blob.gc', async (_p, meta) => {
      seen.push(meta);
    });
    await q.start();
    await q.drain();
    expect(seen).toEqual([{ jobId: 'orphaned', attempt: 2 }]);
    await q.close();
    outbox.close();
  });

  it('gives a job up after maxAttempts and keeps draining', async () => {
    const outbox = openTestOutbox();
    const q = new EmbeddedQueue({ store: outbox.store, pollMs: 20, retry: exponentialRetry(2, 5, 5) });
    let tries = 0;
    q.process('blob.gc', async () => {
      tries++;
      throw new Error('always');
    });
    await q.start();
    await q.enqueue('blob.gc', { blobKeys: [] });
    await q.drain();
    expect(tries).toBe(2);
    await q.close();
    outbox.close();
  });

  it('keeps a long job leased while it runs (no double delivery)', async () => {
    const outbox = openTestOutbox();
    // The lease is renewed every leaseMs/3; the job outlives several leases.
    const q1 = new EmbeddedQueue({ store: outbox.store, pollMs: 10, leaseMs: 1500 });
    const q2 = new EmbeddedQueue({ store: outbox.store, pollMs: 10, leaseMs: 1500 });
    const runs: string[] = [];
    const slow = async (_p: unknown, meta: { jobId: string }) => {
      runs.push(meta.jobId);
      await new Promise((r) => setTimeout(r, 3500));
    };
    q1.process('blob.gc', slow);
    q2.process('blob.gc', slow);
    await q1.start();
    await q2.start();
    await q1.enqueue('blob.gc', { blobKeys: [] }, { jobId: 'long' });
    await q1.drain();
    await q2.drain();
    expect(runs).toEqual(['long']);
    await q1.close();
    await q2.close();
    outbox.close();
  });
});
