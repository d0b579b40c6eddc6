// Registers the object-store job processors: blob garbage collection, the orphan-blob auditor, object expiry, abandoned multipart cleanup.
import type { BlobStore } from '../../backends/blob/types.js';
import { isCoreError } from '../../core/errors.js';
import type { JobPayloads, JobQueue } from '../../core/jobs/port.js';
import { silentLogger, type Logger } from '../../core/logger.js';
import { auditBlobs } from '../../core/objects/blob-auditor.js';

/**
 * What the expiry and multipart-cleanup jobs call; the object service implements it. Both must
 * be idempotent and must re-check the state the job expected (delivery is at-least-once and the
 * object may have been overwritten or the upload completed since the job was written).
 */
export interface ObjectJobTarget {
  /** Deletes the object if it is still version `payload.versionId` and its delete-at has passed; otherwise does nothing. */
  expireObject(payload: JobPayloads['object.expire']): Promise<void>;
  /** Aborts the upload (and schedules its parts' blobs for gc) if it is still incomplete; otherwise does nothing. */
  abortStaleUpload(uploadId: string): Promise<void>;
  /**
   * When present, `blob.gc` hands its keys here instead of deleting them itself, so the service
   * can re-check references and clean its own bookkeeping. Must be idempotent.
   */
  collectBlobs?(blobKeys: string[]): Promise<void>;
  /** True when an object version or part references the key; `blob.audit` needs it (or `isBlobReferenced` below). */
  isBlobReferenced?(blobKey: string): boolean | Promise<boolean>;
}

/** What the object-store processors need. */
export interface ObjectStoreWorkerDeps {
  /** `entries` lets `blob.audit` run here; without it the audit is left for a process that has it. */
  blobs: Pick<BlobStore, 'delete'> & Partial<Pick<BlobStore, 'entries'>>;
  /** Without it, `object.expire` and `multipart.cleanup` are left for a process that has one. */
  objects?: ObjectJobTarget;
  /**
   * Optional safety net for `blob.gc`: a key still referenced (e.g. shared by a copy) is kept.
   * The enqueuer should only list unreferenced keys; this guards against a mistake costing data.
   */
  isBlobReferenced?: (key: string) => boolean | Promise<boolean>;
  logger?: Logger;
}

/** Registers the object-store processors on `queue` (which `blob.audit` also enqueues `blob.gc` on); call before `queue.start()`. */
export function registerObjectStoreWorkers(queue: Pick<JobQueue, 'process' | 'enqueue'>, deps: ObjectStoreWorkerDeps): void {
  const logger = deps.logger ?? silentLogger;

  queue.process('blob.gc', async ({ blobKeys }, meta) => {
    if (deps.objects?.collectBlobs) return deps.objects.collectBlobs(blobKeys);
    for (const key of blobKeys) {
      if (deps.isBlobReferenced && (await deps.isBlobReferenced(key))) {
        logger.warn({ job_id: meta.jobId, blob: key }, 'blob.gc: blob still referenced; kept');
        continue;
      }
      try {
        // Idempotent: a key already gone (an earlier delivery) is fine.
        await deps.blobs.delete(key);
      } catch (e) {
        // A malformed key can never succeed; retrying it would only block the rest.
        if (isCoreError(e, 'Invalid')) logger.error({ job_id: meta.jobId, blob: key }, 'blob.gc: invalid blob key skipped');
        else throw e;
      }
    }
  });

  // The auditor judges references, so it runs only where it can ask for them: never delete on a guess.
  const isReferenced = deps.objects?.isBlobReferenced?.bind(deps.objects) ?? deps.isBlobReferenced;
  const blobs = deps.blobs;
  if (isReferenced && blobs.entries) {
    const entries = blobs.entries.bind(blobs);
    queue.process('blob.audit', async ({ cutoff }) => {
      await auditBlobs({ blobs: { entries }, isBlobReferenced: isReferenced, queue, logger }, cutoff);
    });
  }

  const objects = deps.objects;
  if (objects) {
    queue.process('object.expire', (payload) => objects.expireObject(payload));
    queue.process('multipart.cleanup', ({ uploadId }) => objects.abortStaleUpload(uploadId));
  }
}
