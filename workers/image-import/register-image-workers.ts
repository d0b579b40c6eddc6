// Registers the image job processors: `image.import` runs an import task (glance-direct, web-download) to its end.
import type { JobQueue } from '../../core/jobs/port.js';

/** What the import processor calls; the image service implements it (idempotent, records failures on the task). */
export interface ImageJobTarget {
  runImport(taskId: string): Promise<void>;
}

/** Registers the image processors on `queue`; call before `queue.start()`. */
export function registerImageWorkers(queue: Pick<JobQueue, 'process'>, deps: { images: ImageJobTarget }): void {
  queue.process('image.import', ({ taskId }) => deps.images.runImport(taskId));
}
