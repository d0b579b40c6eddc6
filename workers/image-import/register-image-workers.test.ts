// The image processors: `image.import` hands the task id to the image service.
import { describe, expect, it } from 'vitest';
import type { JobProcessor } from '../../core/jobs/port.js';
import { registerImageWorkers } from './register-image-workers.js';

describe('registerImageWorkers', () => {
  it('runs image.import jobs through the image service', async () => {
    const processors = new Map<string, JobProcessor<'image.import'>>();
    const ran: string[] = [];
    registerImageWorkers({ process: (name, p) => void processors.set(name, p as JobProcessor<'image.import'>) }, { images: { runImport: async (id) => void ran.push(id) } });
    expect([...processors.keys()]).toEqual(['image.import']);
    await processors.get('image.import')!({ taskId: 't1' }, { jobId: 'image.import:t1', attempt: 1 });
    expect(ran).toEqual(['t1']);
  });
});
