// Outbox store rules: transactional enqueue, dedup, claiming with leases, fenced completion, pruning.
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type OpenDb } from '../db/index.js';
import { openTestDatabase } from '../db/testing.js';
import { jobs } from '../db/schema/jobs.js';
import { createOutboxStore, enqueueInTx } from './outbox.js';
import type { OutboxStore } from './port.js';

describe('job outbox', () => {
  let odb: OpenDb;
  let now = 1_000_000;
  let store: OutboxStore;
  const names = ['blob.gc'] as const;
  beforeEach(() => {
    odb = openTestDatabase();
    now = 1_000_000;
    store = createOutboxStore(odb.db, () => now);
  });
  afterEach(() => odb.close());

  it('writes a job only if the surrounding transaction commits', () => {
    expect(() =>
      odb.db.transaction((tx) => {
        enqueueInTx(tx, 'blob.gc', { blobKeys: ['a'] }, { jobId: 'rolled-back' });
        throw new Error('rollback');
      }),
    ).toThrow('rollback');
    odb.db.transaction((tx) => {
      enqueueInTx(tx, 'blob.gc', { blobKeys: ['b'] }, { jobId: 'committed' });
    });
    expect(odb.db.select({ id: jobs.id }).from(jobs).all()).toEqual([{ id: 'committed' }]);
  });

  it('deduplicates by job id, keeping the first payload', async () => {
    await store.add('blob.gc', { blobKeys: ['first'] }, { jobId: 'same' });
    await store.add('blob.gc', { blobKeys: ['second'] }, { jobId: 'same' });
    const claimed = await store.claim({ names, limit: 10, leaseMs: 1000 });
    expect(claimed).toHaveLength(1);
    expect(claimed[0]).toMatchObject({ id: 'same', payload: { blobKeys: ['first'] }, attempts: 1 });
  });

  it('claims only due jobs of the given names, once', async () => {
    await store.add('blob.gc', { blobKeys: [] }, { jobId: 'due' });
    await store.add('blob.gc', { blobKeys: [] }, { jobId: 'later', runAt: now + 5000 });
    await store.add('multipart.cleanup', { uploadId: 'u' }, { jobId: 'other-name' });
    expect((await store.claim({ names, limit: 10, leaseMs: 60_000 })).map((j) => j.id)).toEqual(['due']);
    expect(await store.claim({ names, limit: 10, leaseMs: 60_000 })).toEqual([]);
    now += 5000;
    expect((await store.claim({ names, limit: 10, leaseMs: 60_000 })).map((j) => j.id)).toEqual(['later']);
  });

  it('re-delivers a job whose claim expired, and fences out the stale worker', async () => {
    await store.add('blob.gc', { blobKeys: [] }, { jobId: 'j' });
    const [first] = await store.claim({ names, limit: 1, leaseMs: 1000 });
    expect(first!.attempts).toBe(1);
    now += 1000;
    const [second] = await store.claim({ names, limit: 1, leaseMs: 1000 });
    expect(second!.attempts).toBe(2);
    expect(await store.extend('j', 1, now + 5000)).toBe(false);
    await store.complete('j', 1);
    expect(await store.hasOutstanding(names)).toBe(true);
    await store.complete('j', 2);
    expect(await store.hasOutstanding(names)).toBe(false);
  });

  it('takes back a running job, before its lease ends, once its holder stopped beating; a live holder keeps it', async () => {
    await store.add('blob.gc', { blobKeys: [] }, { jobId: 'dead' });
    await store.add('blob.gc', { blobKeys: [] }, { jobId: 'live' });
    await store.beat('a');
    await store.beat('b');
    const lease = 300_000;
    expect((await store.claim({ names, limit: 1, leaseMs: lease, consumer: { holder: 'a', staleMs: 10_000 } })).map((j) => j.id)).toEqual(['dead']);
    expect((await store.claim({ names, limit: 1, leaseMs: lease, consumer: { holder: 'b', staleMs: 10_000 } })).map((j) => j.id)).toEqual(['live']);
    now += 5_000;
    await store.beat('b');
    expect(await store.claim({ names, limit: 10, leaseMs: lease, consumer: { holder: 'c', staleMs: 10_000 } })).toEqual([]);
    // 'a' was SIGKILLed: no beat for longer than staleMs; 'b' beats on.
    now += 6_000;
    await store.beat('b');
    const taken = await store.claim({ names, limit: 10, leaseMs: lease, consumer: { holder: 'c', staleMs: 10_000 } });
    expect(taken.map((j) => [j.id, j.attempts])).toEqual([['dead', 2]]);
    // The dead holder's late completion is fenced out; a holder that retired cleanly holds nothing live.
    await store.complete('dead', 1);
    expect(odb.db.select({ status: jobs.status, lockedBy: jobs.lockedBy }).from(jobs).where(eq(jobs.id, 'dead')).get()).toEqual({ status: 'running', lockedBy: 'c' });
    await store.beat('c');
    await store.retire('b');
    expect((await store.claim({ names, limit: 10, leaseMs: lease, consumer: { holder: 'c', staleMs: 10_000 } })).map((j) => j.id)).toEqual(['live']);
  });

  it('counts a job waiting for a retry as outstanding, and a failed one as finished', async () => {
    await store.add('blob.gc', { blobKeys: [] }, { jobId: 'r' });
    await store.claim({ names, limit: 1, leaseMs: 1000 });
    await store.retry('r', 1, now + 60_000, 'boom');
    expect(await store.hasOutstanding(names)).toBe(true);
    now += 60_000;
    await store.claim({ names, limit: 1, leaseMs: 1000 });
    await store.fail('r', 2, 'boom again');
    expect(await store.hasOutstanding(names)).toBe(false);
    const row = odb.db.select().from(jobs).get();
    expect(row).toMatchObject({ status: 'failed', lastError: 'boom again', attempts: 2 });
  });

  it('relays pending jobs once and prunes finished rows', async () => {
    await store.add('blob.gc', { blobKeys: [] }, { jobId: 'a', runAt: now + 10 });
    await store.add('blob.gc', { blobKeys: [] }, { jobId: 'b' });
    expect((await store.pendingForRelay(10)).map((j) => j.id)).toEqual(['b', 'a']);
    await store.markRelayed(['a', 'b']);
    expect(await store.pendingForRelay(10)).toEqual([]);
    await store.add('blob.gc', { blobKeys: [] }, { jobId: 'a' });
    expect(await store.pendingForRelay(10)).toEqual([]);
    now += 100;
    expect(await store.prune(now - 50)).toBe(2);
    expect(odb.db.select().from(jobs).all()).toEqual([]);
  });
});
