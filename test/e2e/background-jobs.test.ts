// The composition root's background wiring: blob store and queue on the System, jobs from the outbox processed end to end.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryBlobStore } from '../../backends/blob/memory-blob-store.js';
import { enqueueInTx } from '../../core/jobs/outbox.js';
import { buildSystem } from '../../gateway/app.js';
import { loadConfig } from '../../gateway/config.js';
import { buildTestSystem } from '../harness/system.js';

describe('background jobs wiring', () => {
  it('a blob.gc job written in a transaction deletes the blob once the queue runs', async () => {
    const blobs = new MemoryBlobStore();
    const sys = await buildTestSystem({}, { blobStore: blobs });
    try {
      expect(sys.blobs.backend).toBe(blobs);
      await blobs.put('orphaned-blob', new Blob(['bytes']).stream());
      sys.db.db.transaction((tx) => {
        enqueueInTx(tx, 'blob.gc', { blobKeys: ['orphaned-blob'] });
      });
      await sys.queue.drain();
      expect(await blobs.stat('orphaned-blob')).toBeUndefined();
    } finally {
      await sys.dispose();
    }
  });

  it('by default stores blobs as files under $DATA_DIR/blobs', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'skybridge-jobs-'));
    const config = loadConfig({ SKYBRIDGE_DATA_DIR: dataDir, SKYBRIDGE_LOG_LEVEL: 'silent', SKYBRIDGE_ADMIN_PASSWORD: 'admin-secret', SKYBRIDGE_PASSWORD_HASH_COST: '1024' });
    const sys = await buildSystem(config);
    try {
      await sys.start();
      await sys.blobs.put('on-disk', new Blob(['x']).stream());
      expect(readdirSync(join(dataDir, 'blobs')).some((n) => /^[0-9a-f]{2}$/.test(n))).toBe(true);
      await sys.queue.enqueue('blob.gc', { blobKeys: ['on-disk'] });
      await sys.queue.drain();
      expect(await sys.blobs.stat('on-disk')).toBeUndefined();
    } finally {
      await sys.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
