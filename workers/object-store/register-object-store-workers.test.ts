// The object-store processors: idempotent blob gc, and routing of expiry and multipart cleanup to the object service.
import { describe, expect, it } from 'vitest';
import { MemoryBlobStore } from '../../backends/blob/memory-blob-store.js';
import type { EnqueueOptions, JobName, JobPayloads, JobProcessor } from '../../core/jobs/port.js';
import { registerObjectStoreWorkers, type ObjectJobTarget } from './register-object-store-workers.js';

/** Captures what gets registered so each processor can be called directly, and what processors enqueue. */
function fakeQueue() {
  const processors = new Map<string, JobProcessor<JobName>>();
  const enqueued: Array<{ name: JobName; payload: unknown; jobId?: string }> = [];
  return {
    processors,
    enqueued,
    process<N extends JobName>(name: N, p: JobProcessor<N>) {
      processors.set(name, p as unknown as JobProcessor<JobName>);
    },
    async enqueue<N extends JobName>(name: N, payload: JobPayloads[N], opts?: EnqueueOptions) {
      // The outbox deduplicates by job id.
      if (!opts?.jobId || !enqueued.some((j) => j.jobId === opts.jobId)) enqueued.push({ name, payload, jobId: opts?.jobId });
      return opts?.jobId ?? String(enqueued.length);
    },
    run<N extends JobName>(name: N, payload: JobPayloads[N]) {
      return processors.get(name)!(payload, { jobId: 'j', attempt: 1 });
    },
  };
}

const body = (s: string) => new Blob([s]).stream();

describe('object-store workers', () => {
  it('blob.gc deletes the listed blobs, and running it again is harmless', async () => {
    const blobs = new MemoryBlobStore();
    await blobs.put('a', body('1'));
    await blobs.put('b', body('2'));
    await blobs.put('keep', body('3'));
    const q = fakeQueue();
    registerObjectStoreWorkers(q, { blobs });
    await q.run('blob.gc', { blobKeys: ['a', 'b', 'never-existed'] });
    await q.run('blob.gc', { blobKeys: ['a', 'b', 'never-existed'] });
    expect(await blobs.stat('a')).toBeUndefined();
    expect(await blobs.stat('b')).toBeUndefined();
    expect(await blobs.stat('keep')).toEqual({ size: 1 });
  });

  it('blob.gc skips invalid keys and keys still referenced', async () => {
    const blobs = new MemoryBlobStore();
    await blobs.put('shared', body('x'));
    await blobs.put('orphan', body('y'));
    const q = fakeQueue();
    registerObjectStoreWorkers(q, { blobs, isBlobReferenced: async (k) => k === 'shared' });
    await q.run('blob.gc', { blobKeys: ['../etc/passwd', 'shared', 'orphan'] });
    expect(await blobs.stat('shared')).toEqual({ size: 1 });
    expect(await blobs.stat('orphan')).toBeUndefined();
  });

  it('routes object.expire and multipart.cleanup to the object service when there is one', async () => {
    const seen: unknown[] = [];
    const objects: ObjectJobTarget = {
      expireObject: async (p) => void seen.push(['expire', p]),
      abortStaleUpload: async (id) => void seen.push(['abort', id]),
    };
    const without = fakeQueue();
    registerObjectStoreWorkers(without, { blobs: new MemoryBlobStore() });
    expect([...without.processors.keys()]).toEqual(['blob.gc']);

    const q = fakeQueue();
    registerObjectStoreWorkers(q, { blobs: new MemoryBlobStore(), objects });
    const exp = { projectId: 'p', container: 'c', name: 'o', versionId: 'v' };
    await q.run('object.expire', exp);
    await q.run('multipart.cleanup', { uploadId: 'u1' });
    expect(seen).toEqual([
      ['expire', exp],
      ['abort', 'u1'],
    ]);
  });

  it('hands blob.gc to the object service when it collects blobs itself', async () => {
    const blobs = new MemoryBlobStore();
    await blobs.put('k', body('1'));
    const collected: string[][] = [];
    const q = fakeQueue();
    registerObjectStoreWorkers(q, {
      blobs,
      objects: { expireObject: async () => {}, abortStaleUpload: async () => {}, collectBlobs: async (keys) => void collected.push(keys) },
    });
    await q.run('blob.gc', { blobKeys: ['k'] });
    expect(collected).toEqual([['k']]);
    expect(await blobs.stat('k')).toEqual({ size: 1 });
  });

  it('blob.audit hands unreferenced blobs older than the cutoff to blob.gc, and leaves young and referenced ones', async () => {
    let clock = 1_000_000;
    const blobs = new MemoryBlobStore({ now: () => clock });
    await blobs.put('orphan-old', body('12345'));
    await blobs.put('referenced-old', body('1'));
    clock += 60_000;
    // Written just now: its metadata may be about to commit.
    await blobs.put('orphan-young', body('1'));
    const q = fakeQueue();
    registerObjectStoreWorkers(q, {
      blobs,
      objects: { expireObject: async () => {}, abortStaleUpload: async () => {}, isBlobReferenced: (k) => k === 'referenced-old' },
    });
    await q.run('blob.audit', { cutoff: clock - 30_000 });
    expect(q.enqueued).toEqual([{ name: 'blob.gc', payload: { blobKeys: ['orphan-old'] }, jobId: expect.stringMatching(/^blob\.audit-gc:/) }]);
    // Nothing is deleted by the audit itself: blob.gc (which re-checks references) does that.
    expect(await blobs.stat('orphan-old')).toEqual({ size: 5 });
    await q.run('blob.audit', { cutoff: clock - 30_000 });
    expect(q.enqueued).toHaveLength(1);
    await q.run('blob.gc', q.enqueued[0]!.payload as JobPayloads['blob.gc']);
    expect(await blobs.stat('orphan-old')).toBeUndefined();
    expect(await blobs.stat('referenced-old')).toEqual({ size: 1 });
    expect(await blobs.stat('orphan-young')).toEqual({ size: 1 });
  });

  it('blob.audit is not registered where references cannot be checked', async () => {
    const q = fakeQueue();
    registerObjectStoreWorkers(q, { blobs: new MemoryBlobStore(), objects: { expireObject: async () => {}, abortStaleUpload: async () => {} } });
    expect(q.processors.has('blob.audit')).toBe(false);
  });
});
