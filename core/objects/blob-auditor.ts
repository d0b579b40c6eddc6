// The blob auditor: finds stored blobs nothing references (left by a crash between a blob landing and its metadata committing) and hands them to blob.gc.
import { createHash } from 'node:crypto';
import type { BlobStore } from '../../backends/blob/types.js';
import type { PeriodicScheduler } from '../jobs/periodic.js';
import type { JobQueue } from '../jobs/port.js';
import { silentLogger, type Logger } from '../logger.js';

/** What one audit needs. */
export interface BlobAuditDeps {
  blobs: Pick<BlobStore, 'entries'>;
  /** True when an object version or a part references the key (ObjectService.isBlobReferenced). */
  isBlobReferenced(blobKey: string): boolean | Promise<boolean>;
  /** Where orphans go: `blob.gc` jobs in the outbox, so they are removed by the normal, re-checking GC path. */
  queue: Pick<JobQueue, 'enqueue'>;
  logger?: Logger;
  /** Keys per `blob.gc` job (default 500). */
  batchSize?: number;
}

/** What an audit found. */
export interface BlobAuditReport {
  /** Blobs looked at (all ages). */
  scanned: number;
  /** Unreferenced blobs written before the cutoff, handed to `blob.gc`. */
  orphans: number;
  orphanBytes: number;
  /** `blob.gc` jobs enqueued. */
  jobs: number;
}

/**
 * One audit pass: every stored blob written before `cutoff` that nothing references is enqueued for
 * `blob.gc`. Only older blobs are judged because a put lands its blob just before its metadata
 * commits: a young unreferenced blob may be a write in progress, and the grace period (now − cutoff)
 * is what keeps it safe. Temp files of writes in progress and parts of open multipart uploads are never
 * candidates (the first are not listed, the second are referenced). `blob.gc` re-checks references
 * before deleting, so a repeated or overlapping audit is harmless; each batch's job id is derived from
 * its keys, so enqueuing the same orphans twice makes one job.
 */
export async function auditBlobs(deps: BlobAuditDeps, cutoff: number): Promise<BlobAuditReport> {
  const logger = deps.logger ?? silentLogger;
  const batchSize = deps.batchSize ?? 500;
  const report: BlobAuditReport = { scanned: 0, orphans: 0, orphanBytes: 0, jobs: 0 };
  let batch: string[] = [];
  const flush = async () => {
    if (!batch.length) return;
    const keys = batch.sort();
    batch = [];
    const digest = createHash('sha256').update(keys.join('\n')).digest('hex').slice(0, 32);
    await deps.queue.enqueue('blob.gc', { blobKeys: keys }, { jobId: `blob.audit-gc:${digest}` });
    report.jobs++;
  };
  for await (const e of deps.blobs.entries()) {
    report.scanned++;
    if (e.modifiedAt >= cutoff) continue;
    if (await deps.isBlobReferenced(e.key)) continue;
    report.orphans++;
    report.orphanBytes += e.size;
    batch.push(e.key);
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  if (report.orphans) logger.warn({ ...report, cutoff }, 'blob audit: unreferenced blobs handed to blob.gc');
  return report;
}

/** When audits run and how old an unreferenced blob must be to count as an orphan. */
export interface BlobAuditSchedule {
  intervalMs: number;
  /** Age below which an unreferenced blob is presumed a write whose metadata is about to commit. */
  graceMs: number;
  now?: () => number;
}

/**
 * Enqueues a `blob.audit` job every `intervalMs` (and at start), with the cutoff now − grace. The job id
 * names the interval, so however many processes share the outbox, one audit runs per interval, on
 * whichever worker (embedded queue or BullMQ) claims it.
 */
export function scheduleBlobAudit(periodic: PeriodicScheduler, queue: Pick<JobQueue, 'enqueue'>, s: BlobAuditSchedule): void {
  const now = s.now ?? Date.now;
  periodic.every(
    'blob audit',
    s.intervalMs,
    async () => {
      const t = now();
      await queue.enqueue('blob.audit', { cutoff: t - s.graceMs }, { jobId: `blob.audit:${Math.floor(t / s.intervalMs)}` });
    },
    { runAtStart: true },
  );
}
