// Maintenance entry points the object-store workers call: expiry, stale upload cleanup, blob GC.
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import { objBlobRefs, objObjects } from '../db/schema/objects.js';
import { dropUpload } from './multipart.js';
import { removeRow } from './object-rows.js';
import { promoteNewest } from './versions.js';
import type { ObjectStoreContext } from './store-context.js';

/** `object.expire`: delete the object if it is still that version and past its delete-at. Idempotent. */
export async function expireObject(store: ObjectStoreContext, payload: { projectId: string; container: string; name: string; versionId: string }): Promise<void> {
  store.db.transaction((tx) => {
    const row = tx.select().from(objObjects).where(eq(objObjects.id, payload.versionId)).get();
    if (row && row.deleteAt !== null && row.deleteAt <= store.now()) {
      removeRow(store, tx, row);
      // In an S3-versioned bucket the previous version (if not a delete marker) becomes current again.
      promoteNewest(store, tx, row.containerId, row.name);
    }
  });
}

/** `multipart.cleanup`: abort the upload if it still exists. Idempotent. */
export async function abortStaleUpload(store: ObjectStoreContext, uploadId: string): Promise<void> {
  dropUpload(store, uploadId);
}

/** `blob.gc`: delete those blobs no longer referenced by any object or part. Idempotent. */
export async function collectBlobs(store: ObjectStoreContext, blobKeys: string[]): Promise<void> {
  for (const key of new Set(blobKeys)) {
    if (isBlobReferenced(store, key)) continue;
    await store.blobs.delete(key);
    store.db.delete(objBlobRefs).where(and(eq(objBlobRefs.blobKey, key), sql`${objBlobRefs.refs} <= 0`)).run();
  }
}

/** True when the blob key is referenced (the auditor leaves it alone). */
export function isBlobReferenced(store: ObjectStoreContext, blobKey: string): boolean {
  const r = store.db.select({ refs: objBlobRefs.refs }).from(objBlobRefs).where(eq(objBlobRefs.blobKey, blobKey)).get();
  return !!r && r.refs > 0;
}

/** Every referenced blob key, in key order (auditor). */
export async function* listBlobRefs(store: ObjectStoreContext): AsyncIterable<string> {
  let after = '';
  for (;;) {
    const rows = store.db
      .select({ k: objBlobRefs.blobKey })
      .from(objBlobRefs)
      .where(and(gt(objBlobRefs.blobKey, after), gt(objBlobRefs.refs, 0)))
      .orderBy(asc(objBlobRefs.blobKey))
      .limit(1000)
      .all();
    if (!rows.length) return;
    for (const r of rows) yield r.k;
    after = rows.at(-1)!.k;
  }
}
