// Object deletes: one object, and bulk deletes in one container.
import type { RequestContext } from '../context.js';
import { isCoreError } from '../errors.js';
import { requireContainer } from './authorize.js';
import type { ObjectStoreContext } from './store-context.js';
import type { AccessOptions, ContainerRef, DeleteObjectOptions, DeleteObjectResult, DeleteObjectsResult, DeleteTarget, ObjectRef } from './types.js';
import { deleteObjectVersioned } from './versions.js';

/**
 * Deletes the object; idempotent (`existed` false when there was none). Needs write access. In a
 * versioned container the container's rules apply (`versions.ts`): a delete marker, a version removed
 * by id, or Swift's restore/archive.
 */
export async function deleteObject(store: ObjectStoreContext, ctx: RequestContext, ref: ObjectRef, opts: DeleteObjectOptions = {}): Promise<DeleteObjectResult> {
  return deleteObjectVersioned(store, ctx, ref, opts);
}

/**
 * Bulk delete in one container (S3 DeleteObjects, Swift bulk delete); missing names (and versions) count as deleted.
 * An entry with `ifMatch` is deleted only over that ETag (S3's per-object `ETag`), else it is that name's error.
 */
export async function deleteObjects(store: ObjectStoreContext, ctx: RequestContext, ref: ContainerRef, names: Array<string | DeleteTarget>, access: AccessOptions = {}): Promise<DeleteObjectsResult> {
  const c = requireContainer(store, ref, ctx);
  const out: DeleteObjectsResult = { deleted: [], results: [], errors: [] };
  for (const t of names) {
    const { name, versionId, ifMatch } = typeof t === 'string' ? { name: t, versionId: undefined, ifMatch: undefined } : t;
    try {
      const r = await deleteObject(store, ctx, { projectId: c.projectId, container: c.name, name }, { ...access, versionId, ...(ifMatch !== undefined ? { ifMatch } : {}) });
      out.deleted.push(name);
      out.results.push({ name, requestedVersionId: versionId, ...r });
    } catch (e) {
      if (!isCoreError(e)) throw e;
      out.errors.push({ name, versionId, kind: e.kind, reason: e.detail.reason, resource: e.detail.resource, message: e.message });
    }
  }
  return out;
}
