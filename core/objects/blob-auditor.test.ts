// The auditor's own rules: the cutoff, batching into blob.gc jobs, and one blob.audit job per interval.
import { describe, expect, it } from 'vitest';
import type { BlobEntry } from '../../backends/blob/types.js';
import type { PeriodicScheduler } from '../jobs/periodic.js';
import type { EnqueueOptions, JobName } from '../jobs/port.js';
import { auditBlobs, scheduleBlobAudit } from './blob-auditor.js';

function recordingQueue() {
  const jobs: Array<{ name: JobName; payload: unknown; opts?: EnqueueOptions }> = [];
  return { jobs, enqueue: async (name: JobName, payload: unknown, opts?: EnqueueOptions) => (jobs.push({ name, payload, opts }), opts?.jobId ?? 'id') };
}

describe('auditBlobs', () => {
  it('batches old orphans into blob.gc jobs and skips blobs written at or after the cutoff', async () => {
    const stored: BlobEntry[] = [...['o1', 'o2', 'o3', 'o4', 'o5'].map((key) => ({ key, size: 2, modifiedAt: 1000 })), { key: 'at-cutoff', size: 1, modifiedAt: 2000 }];
    const blobs = {
      async *entries() {
        yield* stored;
      },
    };
    const q = recordingQueue();
    const report = await auditBlobs({ blobs, isBlobReferenced: () => false, queue: q, batchSize: 2 }, 2000);
    expect(report).toEqual({ scanned: 6, orphans: 5, orphanBytes: 10, jobs: 3 });
    expect(q.jobs.flatMap((j) => (j.payload as { blobKeys: string[] }).blobKeys).sort()).toEqual(['o1', 'o2', 'o3', 'o4', 'o5']);
    expect(new Set(q.jobs.map((j) => j.opts?.jobId)).size).toBe(3);
  });
});

describe('scheduleBlobAudit', () => {
  it('enqueues blob.audit at start and every interval, with cutoff now - grace and one job id per interval', async () => {
    const tasks: Array<{ ms: number; fn: () => Promise<void> | void; runAtStart?: boolean }> = [];
    const periodic = { every: (_n: string, ms: number, fn: () => Promise<void> | void, o?: { runAtStart?: boolean }) => void tasks.push({ ms, fn, runAtStart: o?.runAtStart }) } as unknown as PeriodicScheduler;
    let now = 10 * 60_000 + 5;
    const q = recordingQueue();
    scheduleBlobAudit(periodic, q, { intervalMs: 60_000, graceMs: 30_000, now: () => now });
    expect(tasks.map((t) => [t.ms, t.runAtStart])).toEqual([[60_000, true]]);
    await tasks[0]!.fn();
    now += 1000;
    await tasks[0]!.fn();
    now += 60_000;
    await tasks[0]!.fn();
    expect(q.jobs.map((j) => [j.name, (j.payload as { cutoff: number }).cutoff, j.opts?.jobId])).toEqual([
      ['blob.audit', 10 * 60_000 + 5 - 30_000, 'blob.audit:10'],
      ['blob.audit', 10 * 60_000 + 1005 - 30_000, 'blob.audit:10'],
      ['blob.audit', 11 * 60_000 + 1005 - 30_000, 'blob.audit:11'],
    ]);
  });
});
