// Metadata-only object updates (Swift POST object).
import { eq } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import { errors } from '../errors.js';
import { objObjects } from '../db/schema/objects.js';
import { assertWrite, requireContainer } from './authorize.js';
import { checkDeleteAt, cleanSysMeta, liveObject, lowerKeys, noSuchKey } from './object-rows.js';
import { validateObjectName } from './rules.js';
import type { ObjectStoreContext } from './store-context.js';
import type { ObjectInfo, ObjectRef, UpdateObjectMetadataOptions } from './types.js';
import { objectInfo } from './views.js';

/** Swift object POST: replaces user metadata (and content type / system metadata / delete-at) without touching bytes. */
export async function updateObjectMetadata(store: ObjectStoreContext, ctx: RequestContext, ref: ObjectRef, opts: UpdateObjectMetadataOptions): Promise<ObjectInfo> {
  validateObjectName(ref.name);
  const c = requireContainer(store, ref, ctx);
  assertWrite(store, ctx, c, ref.name, opts, 'POST');
  checkDeleteAt(store, opts.deleteAt);
  const row = store.db.transaction((tx) => {
    const r = liveObject(store, c.id, ref.name);
    if (!r) throw noSuchKey(ref.name);
    if (opts.dloManifest !== undefined && r.kind !== 'simple' && r.kind !== 'dlo') {
      throw errors.invalid('X-Object-Manifest may only be set on a plain object or a dynamic large object manifest.', { reason: 'InvalidRequest' });
    }
    const deleteAt = opts.keepDeleteAt ? r.deleteAt : (opts.deleteAt ?? null);
    const set = {
      userMeta: lowerKeys(opts.userMetadata),
      contentType: opts.contentType ?? r.contentType,
      sysMeta: opts.systemMetadata ? cleanSysMeta(opts.systemMetadata) : r.sysMeta,
      deleteAt,
      lastModified: store.now(),
      ...(opts.dloManifest !== undefined ? { kind: 'dlo', dloManifest: opts.dloManifest } : {}),
    };
    tx.update(objObjects).set(set).where(eq(objObjects.id, r.id)).run();
    if (deleteAt && deleteAt !== r.deleteAt) {
      store.enqueue(tx, 'object.expire', { projectId: c.projectId, container: c.name, name: r.name, versionId: r.id }, { runAt: deleteAt, jobId: `expire:${r.id}:${deleteAt}` });
    }
    return { ...r, ...set };
  });
  return objectInfo(c, row);
}
