// Object deletes: one object, and bulk deletes in one container.
import { and, eq } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import { objObjects } from '../db/schema/objects.js';
import { isCoreError } from '../errors.js';
import { assertWrite, requireContainer } from './authorize.js';
import { checkWriteConditions, removeRow } from './object-rows.js';
import { validateObjectName } from './rules.js';
import type { ObjectStoreContext } from './store-context.js';
import type { AccessOptions, ContainerRef, DeleteObjectOptions, DeleteObjectsResult, ObjectRef } from './types.js';

/** Deletes the object; idempotent (`existed` false when there was none). Needs write access. */
export async function deleteObject(store: ObjectStoreContext, ctx: RequestContext, ref: ObjectRef, opts: DeleteObjectOptions = {}): Promise<{ existed: boolean }> {
  validateObjectName(ref.name);
  const c = requireContainer(store, ref, ctx);
  assertWrite(store, ctx, c, ref.name, opts, 'DELETE');
  return store.db.transaction((tx) => {
    const row = tx.select().from(objObjects).where(and(eq(objObjects.containerId, c.id), eq(objObjects.name, ref.name))).get();
    const live = row && (row.deleteAt === null || row.deleteAt > store.now()) ? row : undefined;
    if (opts.ifMatch !== undefined) checkWriteConditions(store, live, undefined, opts.ifMatch, ref.name);
    if (row) removeRow(store, tx, row);
    return { existed: !!live };
  });
}

/**
 * Bulk delete in one container (S3 DeleteObjects, Swift bulk delete); missing names count as deleted.
 * An entry with `ifMatch` is deleted only over that ETag (S3's per-object `ETag`), else it is that name's error.
 */
export async function deleteObjects(store: ObjectStoreContext, ctx: RequestContext, ref: ContainerRef, names: Array<string | { name: string; ifMatch?: string }>, access: AccessOptions = {}): Promise<DeleteObjectsResult> {
  const c = requireContainer(store, ref, ctx);
  const out: DeleteObjectsResult = { deleted: [], errors: [] };
  for (const entry of names) {
    const { name, ifMatch } = typeof entry === 'string' ? { name: entry, ifMatch: undefined } : entry;
    try {
      await deleteObject(store, ctx, { projectId: c.projectId, container: c.name, name }, { ...access, ...(ifMatch !== undefined ? { ifMatch } : {}) });
      out.deleted.push(name);
    } catch (e) {
      if (!isCoreError(e)) throw e;
      out.errors.push({ name, kind: e.kind, reason: e.detail.reason, resource: e.detail.resource, message: e.message });
    }
  }
  return out;
}
