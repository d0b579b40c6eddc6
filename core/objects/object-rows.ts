// Object rows in a write transaction: live lookups, insert/replace/remove with counters, blob references, write conditions.
import { eq, inArray, sql } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import { objBlobRefs, objContainers, objObjects } from '../db/schema/objects.js';
import { projects } from '../db/schema/identity.js';
import { type CoreError, errors } from '../errors.js';
import { checkQuota } from './quotas.js';
import { normalizeEtag } from './rules.js';
import type { ContainerRow, ObjectRow, ObjectStoreContext, Tx } from './store-context.js';
import { displaceForWrite } from './versions.js';
import type { MetadataUpdate, ObjectRef, StoredAcl, SystemMetadata } from './types.js';

const SYS_META_KEYS: Array<keyof SystemMetadata> = ['contentEncoding', 'contentDisposition', 'cacheControl', 'expires', 'contentLanguage'];

/** The system metadata keys the store keeps (others are dropped). */
export const cleanSysMeta = (m: SystemMetadata | undefined): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const k of SYS_META_KEYS) if (m?.[k] !== undefined) out[k] = m[k]!;
  return out;
};

/** User metadata with lower-cased keys (both faces treat names case-insensitively). */
export const lowerKeys = (m: Record<string, string> | undefined): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m ?? {})) out[k.toLowerCase()] = v;
  return out;
};

/** Swift POST semantics for account/container metadata: set keys (an empty value removes), remove keys. */
export function applyMetadataUpdate(current: Record<string, string>, u: MetadataUpdate): Record<string, string> {
  const out = { ...current };
  for (const [k, v] of Object.entries(u.set ?? {})) {
    if (v === '') delete out[k.toLowerCase()];
    else out[k.toLowerCase()] = v;
  }
  for (const k of u.remove ?? []) delete out[k.toLowerCase()];
  return out;
}

/** The row of that name, unless expired; prepared, so it reads inside whatever transaction is open. */
export function liveObject(store: ObjectStoreContext, containerId: string, name: string): ObjectRow | undefined {
  return liveRow(store, store.stmts.objectByName(containerId, name));
}

/** The row unless it has expired (an expired row still occupies its name until removed). */
export function liveRow(store: ObjectStoreContext, row: ObjectRow | null | undefined): ObjectRow | undefined {
  if (!row || (row.deleteAt !== null && row.deleteAt <= store.now())) return undefined;
  return row;
}

/** The NotFound of a missing object (S3 NoSuchKey). */
export function noSuchKey(name: string): CoreError {
  return errors.notFound('object', name, 'The specified key does not exist.');
}

/** Counts one more reference to each blob key, in `tx`. */
export function addRefs(store: ObjectStoreContext, tx: Tx, keys: string[]): void {
  const now = store.now();
  for (const k of keys) store.stmts.addRef(k, now);
}

/** Decrements refs; keys reaching zero get a delayed `blob.gc` job in the same transaction. */
export function releaseRefs(store: ObjectStoreContext, tx: Tx, keys: string[]): void {
  if (!keys.length) return;
  const now = store.now();
  const free: string[] = [];
  for (const k of keys) {
    const r = tx
      .update(objBlobRefs)
      .set({ refs: sql`${objBlobRefs.refs} - 1`, updatedAt: now })
      .where(eq(objBlobRefs.blobKey, k))
      .returning({ refs: objBlobRefs.refs })
      .get();
    if (!r || r.refs <= 0) free.push(k);
  }
  if (free.length) store.enqueue(tx, 'blob.gc', { blobKeys: [...new Set(free)] }, { runAt: now + (store.deps.gcDelayMs ?? 60_000) });
}

/** Every blob key an object row references (its own blob and its manifest's). */
function rowBlobKeys(row: Pick<ObjectRow, 'blobKey' | 'manifest'>): string[] {
  const keys = row.blobKey ? [row.blobKey] : [];
  for (const e of row.manifest ?? []) keys.push(e.blobKey);
  return keys;
}

/** Removes an object row in `tx`: counters, refs and GC follow. */
export function removeRow(store: ObjectStoreContext, tx: Tx, row: ObjectRow): void {
  tx.delete(objObjects).where(eq(objObjects.id, row.id)).run();
  tx.update(objContainers)
    .set({ objectCount: sql`${objContainers.objectCount} - 1`, bytesUsed: sql`${objContainers.bytesUsed} - ${row.size}`, updatedAt: store.now() })
    .where(eq(objContainers.id, row.containerId))
    .run();
  releaseRefs(store, tx, rowBlobKeys(row));
}

/**
 * Inserts `row` as the current version of its name (last committed wins), in `tx`. What it replaces
 * goes by the container's versioning (`versions.ts`): removed, kept as a noncurrent S3 version, or
 * archived by Swift versioned writes. Returns the new row's stored S3 version id (null: the null version).
 */
export function writeRow(store: ObjectStoreContext, tx: Tx, row: typeof objObjects.$inferInsert, ref: ObjectRef & { projectId: string }, current?: ObjectRow | null): string | null {
  // `current`: the row of that name the caller already read in this transaction (null: none); looked up when omitted.
  const old = current === undefined ? store.stmts.objectByName(row.containerId, row.name) : (current ?? undefined);
  const { versionId, archived } = displaceForWrite(store, tx, row.containerId, row.name, old, row.id!);
  store.stmts.insertObject({ ...row, versionId });
  store.stmts.bumpContainer(row.containerId, 1, row.size, store.now());
  // Quotas hold for every write, from either face, on the counters this transaction leaves (a throw rolls it
  // back). A noncurrent S3 version leaves the counters, as the replaced object would; a Swift archive copy is
  // a write into the versions container, held to that container's quotas, and grows the account.
  const delta = { bytes: row.size - (old?.size ?? 0), objects: old ? 0 : 1 };
  checkQuota(store.stmts, row.containerId, { ...delta, accountBytes: delta.bytes + (archived?.bytes ?? 0) }, { applied: true });
  if (archived) checkQuota(store.stmts, archived.containerId, { ...archived, accountBytes: 0 }, { applied: true });
  addRefs(store, tx, rowBlobKeys({ blobKey: row.blobKey ?? null, manifest: row.manifest ?? null }));
  if (row.deleteAt) {
    store.enqueue(tx, 'object.expire', { projectId: ref.projectId, container: ref.container, name: row.name, versionId: row.id! }, { runAt: row.deleteAt, jobId: `expire:${row.id}` });
  }
  return versionId;
}

/**
 * Conditional-write checks against the current row (S3 If-None-Match: * / If-Match; Swift If-None-Match: *).
 * `raced`: the conditions held when the request started and this is the re-check at commit, so a failure
 * means another write committed meanwhile (S3's 409 ConditionalRequestConflict; Swift still answers 412).
 */
export function checkWriteConditions(store: ObjectStoreContext, current: ObjectRow | undefined, ifNoneMatch: '*' | undefined, ifMatch: string | undefined, name: string, raced = false): void {
  const failed = () =>
    raced
      ? errors.conflict('object', 'The conditional request cannot succeed due to a conflicting operation against this resource.', { reason: 'ConditionalRequestConflict' })
      : errors.conflict('object', 'At least one of the pre-conditions you specified did not hold.', { reason: 'PreconditionFailed' });
  if (ifNoneMatch === '*' && current) throw failed();
  if (ifMatch !== undefined) {
    if (!current) throw raced ? failed() : noSuchKey(name);
    const want = normalizeEtag(ifMatch);
    if (want !== '*' && want !== current.etag && want !== current.swiftEtag) throw failed();
  }
}

/** Invalid unless a requested delete-at is a finite time in the future. */
export function checkDeleteAt(store: ObjectStoreContext, deleteAt: number | null | undefined): void {
  if (deleteAt !== undefined && deleteAt !== null && (!Number.isFinite(deleteAt) || deleteAt <= store.now())) {
    throw errors.invalid('X-Delete-At in past', { reason: 'InvalidArgument' });
  }
}

/** The ACL a write by the caller stores: an object written into another project's container is owned by the writer's project. */
export function writerAcl(ctx: RequestContext, c: ContainerRow, acl: StoredAcl): StoredAcl {
  const writer = ctx.auth?.projectId;
  return writer && writer !== c.projectId ? { ...acl, owner: writer } : acl;
}

/** Invalid `InvalidArgument` when a grant names a project that does not exist. */
export function validateAclGrants(store: ObjectStoreContext, acl: StoredAcl): void {
  const ids = acl.grants.flatMap((g) => (g.grantee.type === 'project' ? [g.grantee.projectId] : []));
  if (!ids.length) return;
  const found = new Set(store.db.select({ id: projects.id }).from(projects).where(inArray(projects.id, ids)).all().map((r) => r.id));
  for (const id of ids) if (!found.has(id)) throw errors.invalid('Invalid id', { reason: 'InvalidArgument', id });
}
