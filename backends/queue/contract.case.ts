// The JobQueue contract both adapters run: delivery, retries, dedup, delays, outbox rollback, drain, close.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EnqueueOptions, JobName, JobPayloads, JobQueue } from '../../core/jobs/port.js';

/** A fresh backing (outbox + broker) per test; queues it makes share it, as processes share one deployment. */
export interface QueueFixture {
  /** A new, unstarted queue over the shared backing, with fast retries (≥ 3 attempts, backoff in ms). */
  makeQueue(): JobQueue;
  /** Writes a job in a real database transaction that commits or rolls back. */
  enqueueInTx<N extends JobName>(name: N, payload: JobPayloads[N], opts: EnqueueOptions, outcome: 'commit' | 'rollback'): void;
  /** Closes every queue it made and wipes the backing. */
  cleanup(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `cond` until true; fails after `timeoutMs` (a liveness bound, not a timing assertion). */
async function eventually(cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await sleep(10);
  }
}

interface Call {
  name: JobName;
  payload: unknown;
  jobId: string;
  attempt: number;
  at: number;
}

/** Runs the queue contract against fixtures made by `make`. */
export function jobQueueContract(name: string, make: () => Promise<QueueFixture>): void {
  describe(`JobQueue contract: ${name}`, () => {
    let f: QueueFixture;
    let q: JobQueue;
    let calls: Call[];
    const record =
      <N extends JobName>(n: N) =>
      async (payload: JobPayloads[N], meta: { jobId: string; attempt: number }) => {
        calls.push({ name: n, payload, ...meta, at: Date.now() });
      };

    beforeEach(async () => {
      f = await make();
      q = f.makeQueue();
      calls = [];
    });
    afterEach(async () => {
      await f.cleanup();
    });

    it('delivers an enqueued job once, to the processor of its name', async () => {
      q.process('blob.gc', record('blob.gc'));
      q.process('multipart.cleanup', record('multipart.cleanup'));
      await q.start();
      const id = await q.enqueue('blob.gc', { blobKeys: ['k1', 'k2'] });
      await q.drain();
      expect(calls).toHaveLength(1);
      expect(calls[0]).toMatchObject({ name: 'blob.gc', payload: { blobKeys: ['k1', 'k2'] }, jobId: id, attempt: 1 });
      await q.drain();
      expect(calls).toHaveLength(1);
    });

    it('retries a processor that throws until it succeeds', async () => {
      q.process('multipart.cleanup', async (payload, meta) => {
        calls.push({ name: 'multipart.cleanup', payload, ...meta, at: Date.now() });
        if (meta.attempt < 3) throw new Error(`transient failure ${meta.attempt}`);
      });
      await q.start();
      const id = await q.enqueue('multipart.cleanup', { uploadId: 'u-1' });
      await q.drain();
      expect(calls.map((c) => c.attempt)).toEqual([1, 2, 3]);
      expect(new Set(calls.map((c) => c.jobId))).toEqual(new Set([id]));
    });

    it('runs a job once however often its deterministic id is enqueued', async () => {
      q.process('blob.gc', record('blob.gc'));
      const a = await q.enqueue('blob.gc', { blobKeys: ['x'] }, { jobId: 'gc:blob-x' });
      const b = await q.enqueue('blob.gc', { blobKeys: ['x'] }, { jobId: 'gc:blob-x' });
      expect(a).toBe('gc:blob-x');
      expect(b).toBe('gc:blob-x');
      await q.start();
      await q.drain();
      await q.enqueue('blob.gc', { blobKeys: ['x'] }, { jobId: 'gc:blob-x' });
      await q.drain();
      expect(calls).toHaveLength(1);
      expect(calls[0]!.jobId).toBe('gc:blob-x');
    });

    it('does not deliver a delayed job before its runAt, and delivers it after', async () => {
      q.process('object.expire', record('object.expire'));
      await q.start();
      const runAt = Date.now() + 400;
      await q.enqueue('object.expire', { projectId: 'p', container: 'c', name: 'o', versionId: 'v' }, { runAt });
      // drain covers due jobs only: the delayed one does not hold it up.
      await q.drain();
      await eventually(() => calls.length === 1);
      expect(calls[0]!.at).toBeGreaterThanOrEqual(runAt);
    });

    it('never delivers a job whose enqueuing transaction rolled back', async () => {
      q.process('blob.gc', record('blob.gc'));
      f.enqueueInTx('blob.gc', { blobKeys: ['rolled-back'] }, { jobId: 'tx-rolled-back' }, 'rollback');
      f.enqueueInTx('blob.gc', { blobKeys: ['committed'] }, { jobId: 'tx-committed' }, 'commit');
      await q.start();
      await eventually(() => calls.length >= 1);
      await q.drain();
      expect(calls.map((c) => c.jobId)).toEqual(['tx-committed']);
    });

    it('drain() resolves only when every due job is done', async () => {
      let done = 0;
      q.process('blob.gc', async () => {
        await sleep(20);
        done++;
      });
      await q.start();
      for (let i = 0; i < 6; i++) await q.enqueue('blob.gc', { blobKeys: [`k${i}`] });
      await q.drain();
      expect(done).toBe(6);
    });

    it('stops delivering after close(); the job waits for the next queue', async () => {
      q.process('blob.gc', record('blob.gc'));
      await q.start();
      await q.close();
      const id = await q.enqueue('blob.gc', { blobKeys: ['after-close'] });
      await sleep(300);
      expect(calls).toEqual([]);
      const next = f.makeQueue();
      const later: string[] = [];
      next.process('blob.gc', async (_p, meta) => {
        later.push(meta.jobId);
      });
      await next.start();
      await eventually(() => later.length === 1);
      await next.drain();
      expect(later).toEqual([id]);
      expect(calls).toEqual([]);
    });
  });
}
