// Object versions: S3 bucket versioning (noncurrent versions and delete markers in obj_versions) and Swift versioned writes (archive containers).
import type Database from 'better-sqlite3';
import { and, desc, eq, isNull } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import { jsonTextField } from '../db/index.js';
import { objObjects, objVersions } from '../db/schema/objects.js';
import { errors } from '../errors.js';
import { assertList, assertWrite, requireContainer } from './authorize.js';
import { checkWriteConditions, liveRow, noSuchKey, releaseRefs, removeRow } from './object-rows.js';
import { checkQuota } from './quotas.js';
import { compareBytes, newId, prefixUpperBound, validateObjectName } from './rules.js';
import { objectInfo, projectDisplayNames } from './views.js';
import { type ContainerRow, type ObjectRow, type ObjectStoreContext, type Tx } from './store-context.js';
import type { DeleteObjectOptions, DeleteObjectResult, ObjectInfo, ObjectKind, ObjectRef, ContainerRef, VersionedAccessOptions, VersionListing, VersionListOptions, VersioningStatus } from './types.js';

/** A noncurrent version or delete marker row. */
export type VersionRow = typeof objVersions.$inferSelect;

/** How writes to a container keep what they replace. */
export interface ContainerVersioning {
  /** S3 bucket versioning; null when never enabled. */
  s3: VersioningStatus | null;
  /** Swift versioned writes: the archive container (same account) and its mode. */
  swift: { location: string; mode: 'stack' | 'history' } | null;
  projectId: string;
}

/** The S3 wire form of a stored version id (NULL is the "null" version). */
export const wireVersionId = (v: string | null | undefined): string => v ?? 'null';

/** The S3 version id a response shows: the version's id when the bucket's versioning was ever set, else none. */
export function s3VersionIdOf(c: Pick<ContainerRow, 'versioning'>, versionId: string | null | undefined): string | undefined {
  return c.versioning ? wireVersionId(versionId) : undefined;
}

/** InvalidArgument unless `v` is `null` or a version id this store issues (32 hex digits). */
export function validateVersionId(v: string): void {
  if (v !== 'null' && !/^[0-9a-f]{32}$/.test(v)) throw errors.invalid('Invalid version id specified', { reason: 'InvalidArgument', argumentName: 'versionId', argumentValue: v });
}

/** NotFound `version` (S3 NoSuchVersion). */
export function noSuchVersion(versionId: string): ReturnType<typeof errors.notFound> {
  const e = errors.notFound('version', versionId, 'The specified version does not exist.');
  e.detail.versionId = versionId;
  return e;
}

const sqliteOf = (store: ObjectStoreContext): Database.Database => (store.db as unknown as { $client: Database.Database }).$client;

/** The container's versioning settings, read on the connection's current transaction. */
export function containerVersioning(store: ObjectStoreContext, containerId: string): ContainerVersioning {
  const r = store.stmts.containerVersioning(containerId);
  return {
    s3: (r?.versioning as VersioningStatus | null) ?? null,
    swift: r?.location ? { location: r.location, mode: r.mode === 'history' ? 'history' : 'stack' } : null,
    projectId: r?.projectId ?? '',
  };
}

/** The newest noncurrent row of a name (a delete marker or an object version), if any. */
function newestNoncurrent(tx: Tx, containerId: string, name: string): VersionRow | undefined {
  return tx.select().from(objVersions).where(and(eq(objVersions.containerId, containerId), eq(objVersions.name, name))).orderBy(desc(objVersions.seq)).limit(1).get();
}

/** Moves the current row into the noncurrent versions (counters drop; its blobs stay referenced). */
function archiveCurrent(store: ObjectStoreContext, tx: Tx, row: ObjectRow): void {
  tx.delete(objObjects).where(eq(objObjects.id, row.id)).run();
  store.stmts.bumpContainer(row.containerId, -1, -row.size, store.now());
  tx.insert(objVersions).values({ ...row, deleteMarker: false }).run();
}

/** Permanently drops a noncurrent row, releasing its blobs. */
function dropNoncurrent(store: ObjectStoreContext, tx: Tx, row: VersionRow): void {
  tx.delete(objVersions).where(eq(objVersions.seq, row.seq)).run();
  const keys = row.blobKey ? [row.blobKey] : [];
  for (const e of row.manifest ?? []) keys.push(e.blobKey);
  releaseRefs(store, tx, keys);
}

/** Drops the noncurrent "null" version of a name, if there is one (a suspended write replaces it). */
function dropNoncurrentNull(store: ObjectStoreContext, tx: Tx, containerId: string, name: string): void {
  const nul = tx.select().from(objVersions).where(and(eq(objVersions.containerId, containerId), eq(objVersions.name, name), isNull(objVersions.versionId))).get();
  if (nul) dropNoncurrent(store, tx, nul);
}

/** When a name has no current row and its newest noncurrent row is an object version, that version becomes current again. */
export function promoteNewest(store: ObjectStoreContext, tx: Tx, containerId: string, name: string): void {
  if (store.stmts.objectByName(containerId, name)) return;
  const top = newestNoncurrent(tx, containerId, name);
  if (!top || top.deleteMarker) return;
  tx.delete(objVersions).where(eq(objVersions.seq, top.seq)).run();
  tx.insert(objObjects).values({ ...top }).run();
  store.stmts.bumpContainer(containerId, 1, top.size, store.now());
}

/** Swift's archive name of a version: `<len(name) as 3 hex digits><name>/<timestamp>` (Swift's normalized seconds). */
export function swiftArchiveName(name: string, lastModifiedMs: number, tick = 0): string {
  // Swift timestamps count 10 µs ticks; `tick` moves a name on when another version took that instant.
  const u = Math.round(lastModifiedMs) * 100 + tick;
  const ts = `${String(Math.floor(u / 100000)).padStart(10, '0')}.${String(u % 100000).padStart(5, '0')}`;
  return `${Buffer.byteLength(name, 'utf8').toString(16).padStart(3, '0')}${name}/${ts}`;
}

/** The first free archive name of a version at or after its own instant (versions archived in order keep their order). */
function freeArchiveName(store: ObjectStoreContext, ac: ContainerRow, name: string, lastModifiedMs: number): string {
  for (let tick = 0; ; tick++) {
    const n = swiftArchiveName(name, lastModifiedMs, tick);
    if (!store.stmts.objectByName(ac.id, n)) return n;
  }
}

/** The archive container of Swift versioned writes, in the same account; Conflict 'VersionsContainerMissing' when absent. */
function swiftArchiveContainer(store: ObjectStoreContext, v: ContainerVersioning): ContainerRow {
  const ac = store.stmts.containerByProjectName(v.projectId, v.swift!.location);
  if (!ac) throw errors.conflict('container', `The versions container ${v.swift!.location} does not exist.`, { reason: 'VersionsContainerMissing' });
  return ac;
}

/** What an archive write added to a container's counters (net of a same-named entry it replaced). */
export interface ArchiveDelta {
  containerId: string;
  bytes: number;
  objects: number;
}

/** Writes `row` into the archive container under `name` (replacing a same-named archive entry), sharing its blobs. */
function putArchiveRow(store: ObjectStoreContext, tx: Tx, ac: ContainerRow, name: string, row: Omit<ObjectRow, 'id' | 'containerId' | 'name'>): ArchiveDelta {
  const existing = store.stmts.objectByName(ac.id, name);
  if (existing) removeRow(store, tx, existing);
  const copy = { ...row, id: newId(), containerId: ac.id, name, versionId: null, deleteAt: null };
  tx.insert(objObjects).values(copy).run();
  store.stmts.bumpContainer(ac.id, 1, copy.size, store.now());
  const keys = copy.blobKey ? [copy.blobKey] : [];
  for (const e of copy.manifest ?? []) keys.push(e.blobKey);
  const now = store.now();
  for (const k of keys) store.stmts.addRef(k, now);
  return { containerId: ac.id, bytes: copy.size - (existing?.size ?? 0), objects: existing ? 0 : 1 };
}

/**
 * Makes room for a new current row of `old`'s name by the container's rules: unversioned replaces it,
 * S3 Enabled keeps it as a noncurrent version, Suspended replaces only the "null" version, Swift
 * versioned writes move it into the archive container. Returns the new row's stored version id.
 * Called by `writeRow` inside the write's transaction; `newRowId` is the new row's id. Returns the new
 * row's stored version id and, when a Swift archive copy was written, what it added to the versions
 * container (for its quotas: an archive write is a write).
 */
export function displaceForWrite(
  store: ObjectStoreContext,
  tx: Tx,
  containerId: string,
  name: string,
  old: ObjectRow | undefined,
  newRowId: string,
): { versionId: string | null; archived?: ArchiveDelta } {
  const v = containerVersioning(store, containerId);
  const live = old ? liveRow(store, old) : undefined;
  if (v.s3 === 'Enabled') {
    if (live) archiveCurrent(store, tx, live);
    else if (old) removeRow(store, tx, old);
    return { versionId: newRowId };
  }
  if (v.s3 === 'Suspended') {
    if (live && live.versionId !== null) archiveCurrent(store, tx, live);
    else if (old) removeRow(store, tx, old);
    dropNoncurrentNull(store, tx, containerId, name);
    return { versionId: null };
  }
  let archived: ArchiveDelta | undefined;
  // Swift does not version DLO manifests (their content is their segments).
  if (v.swift && live && live.kind !== 'dlo') {
    const ac = swiftArchiveContainer(store, v);
    archived = putArchiveRow(store, tx, ac, freeArchiveName(store, ac, name, live.lastModified), live);
  }
  if (old) removeRow(store, tx, old);
  return { versionId: null, archived };
}

/** A version of a name by S3 version id: the current row or a noncurrent one (delete markers included). */
export function findVersion(store: ObjectStoreContext, c: ContainerRow, name: string, versionId: string): { current?: ObjectRow; noncurrent?: VersionRow } | undefined {
  validateVersionId(versionId);
  const cur = store.stmts.objectByName(c.id, name);
  const stored = versionId === 'null' ? null : versionId;
  if (cur && cur.versionId === stored) return liveRow(store, cur) ? { current: cur } : undefined;
  const nc = store.db
    .select()
    .from(objVersions)
    .where(and(eq(objVersions.containerId, c.id), eq(objVersions.name, name), stored === null ? isNull(objVersions.versionId) : eq(objVersions.versionId, stored)))
    .get();
  return nc ? { noncurrent: nc } : undefined;
}

/**
 * The row a versioned read addresses: by `versionId` (NotFound 'version' when absent; InvalidState
 * 'DeleteMarker' for a delete marker, S3 405), else the current row (NotFound 'object' with
 * `deleteMarker` when the latest version is a delete marker).
 */
export function rowForRead(store: ObjectStoreContext, c: ContainerRow, name: string, versionId: string | undefined, current: ObjectRow | undefined): ObjectRow | undefined {
  if (versionId === undefined) {
    if (current || !c.versioning) return current;
    const top = newestNoncurrent(store.db as unknown as Tx, c.id, name);
    if (top?.deleteMarker) {
      const e = noSuchKey(name);
      Object.assign(e.detail, { deleteMarker: true, versionId: wireVersionId(top.versionId) });
      throw e;
    }
    return undefined;
  }
  const f = findVersion(store, c, name, versionId);
  if (!f) throw noSuchVersion(versionId);
  if (f.current) return f.current;
  const nc = f.noncurrent!;
  if (nc.deleteMarker) {
    throw errors.invalidState('The specified method is not allowed against this resource.', { reason: 'DeleteMarker', versionId, lastModified: nc.lastModified });
  }
  const { seq, deleteMarker, ...row } = nc;
  void seq;
  void deleteMarker;
  return row as ObjectRow;
}

/** Updates columns of a stored version by row id, wherever it lives (current or noncurrent). */
export function updateStoredVersion(store: ObjectStoreContext, rowId: string, set: Partial<Pick<ObjectRow, 'tags' | 'acl'>>): void {
  const r = store.db.update(objObjects).set(set).where(eq(objObjects.id, rowId)).run();
  if (r.changes === 0) store.db.update(objVersions).set(set).where(eq(objVersions.id, rowId)).run();
}

/** A stored version by row id, current or noncurrent (delete markers excluded). */
export function storedVersionById(store: ObjectStoreContext, rowId: string): ObjectRow | undefined {
  const cur = store.db.select().from(objObjects).where(eq(objObjects.id, rowId)).get();
  if (cur) return cur;
  const nc = store.db.select().from(objVersions).where(eq(objVersions.id, rowId)).get();
  if (!nc || nc.deleteMarker) return undefined;
  const { seq, deleteMarker, ...row } = nc;
  void seq;
  void deleteMarker;
  return row as ObjectRow;
}

/** True while the row (current or noncurrent) still exists, inside a write transaction. */
export function rowStillStored(tx: Tx, row: ObjectRow): boolean {
  return !!tx.select({ id: objObjects.id }).from(objObjects).where(eq(objObjects.id, row.id)).get() || !!tx.select({ id: objVersions.id }).from(objVersions).where(eq(objVersions.id, row.id)).get();
}

/** True when the container holds noncurrent versions or delete markers (a bucket with them is not empty). */
export function hasNoncurrent(tx: Tx, containerId: string): boolean {
  return !!tx.select({ seq: objVersions.seq }).from(objVersions).where(eq(objVersions.containerId, containerId)).limit(1).get();
}

/**
 * DeleteObject by the container's rules. With `versionId`: removes that version for good (S3; a
 * missing version is no error); the previous version becomes current when the current one goes.
 * Without: S3 Enabled/Suspended add a delete marker; Swift stack mode restores the newest archived
 * version, history mode archives the object and a delete marker; otherwise the row is removed.
 */
export async function deleteObjectVersioned(store: ObjectStoreContext, ctx: RequestContext, ref: ObjectRef, opts: DeleteObjectOptions = {}): Promise<DeleteObjectResult> {
  validateObjectName(ref.name);
  if (opts.versionId !== undefined) validateVersionId(opts.versionId);
  const c = requireContainer(store, ref, ctx);
  assertWrite(store, ctx, c, ref.name, opts, 'DELETE');
  return store.db.transaction((tx) => {
    const row = store.stmts.objectByName(c.id, ref.name);
    const live = row ? liveRow(store, row) : undefined;
    if (opts.ifMatch !== undefined) checkWriteConditions(store, live, undefined, opts.ifMatch, ref.name);
    if (opts.versionId !== undefined) return deleteVersion(store, tx, c, ref.name, opts.versionId);
    const v = containerVersioning(store, c.id);
    if (v.s3) {
      const markerId = newId();
      const stored = v.s3 === 'Enabled' ? markerId : null;
      if (live && (v.s3 === 'Enabled' || live.versionId !== null)) archiveCurrent(store, tx, live);
      else if (row) removeRow(store, tx, row);
      if (v.s3 === 'Suspended') dropNoncurrentNull(store, tx, c.id, ref.name);
      tx.insert(objVersions)
        .values({
          id: markerId,
          containerId: c.id,
          name: ref.name,
          size: 0,
          etag: '',
          swiftEtag: '',
          contentType: '',
          lastModified: store.now(),
          kind: 'simple',
          deleteMarker: true,
          versionId: stored,
        })
        .run();
      return { existed: !!live, deleteMarker: true, versionId: wireVersionId(stored) };
    }
    if (v.swift) return swiftDelete(store, tx, c, v, ref.name, row, live);
    if (row) removeRow(store, tx, row);
    return { existed: !!live };
  });
}

/**
 * Makes an earlier version of a name its current one again, keeping its version id (Swift object_versioning's
 * PUT `?version-id`): the current version, if any, becomes noncurrent (nothing is removed, no byte moves).
 * NotFound 'version' when there is no such version; InvalidState 'DeleteMarker' for a delete marker. Needs
 * write access; the container's quotas hold for what the name's current object grows by.
 */
export async function restoreObjectVersion(store: ObjectStoreContext, ctx: RequestContext, ref: ObjectRef, opts: VersionedAccessOptions & { versionId: string }): Promise<ObjectInfo> {
  validateObjectName(ref.name);
  validateVersionId(opts.versionId);
  const c = requireContainer(store, ref, ctx);
  assertWrite(store, ctx, c, ref.name, opts, 'PUT');
  const row = store.db.transaction((tx) => {
    const f = findVersion(store, c, ref.name, opts.versionId);
    if (!f) throw noSuchVersion(opts.versionId);
    if (f.current) return f.current;
    const nc = f.noncurrent!;
    if (nc.deleteMarker) throw errors.invalidState('The specified method is not allowed against this resource.', { reason: 'DeleteMarker', versionId: opts.versionId, lastModified: nc.lastModified });
    const cur = store.stmts.objectByName(c.id, ref.name);
    const live = cur ? liveRow(store, cur) : undefined;
    if (live) archiveCurrent(store, tx, live);
    else if (cur) removeRow(store, tx, cur);
    const { seq, deleteMarker, ...restored } = nc;
    void seq;
    void deleteMarker;
    tx.delete(objVersions).where(eq(objVersions.seq, nc.seq)).run();
    tx.insert(objObjects).values(restored).run();
    store.stmts.bumpContainer(c.id, 1, restored.size, store.now());
    checkQuota(store.stmts, c.id, { bytes: restored.size - (live?.size ?? 0), objects: live ? 0 : 1 }, { applied: true });
    return restored as ObjectRow;
  });
  return objectInfo(c, row);
}

/** Permanent removal of one version (current, noncurrent or delete marker). */
function deleteVersion(store: ObjectStoreContext, tx: Tx, c: ContainerRow, name: string, versionId: string): DeleteObjectResult {
  const f = findVersion(store, c, name, versionId);
  if (!f) return { existed: false, versionId };
  if (f.current) {
    removeRow(store, tx, f.current);
    promoteNewest(store, tx, c.id, name);
    return { existed: true, versionId };
  }
  const nc = f.noncurrent!;
  dropNoncurrent(store, tx, nc);
  promoteNewest(store, tx, c.id, name);
  return { existed: true, versionId, deleteMarker: nc.deleteMarker || undefined };
}

/** Swift DELETE in a container with versioned writes (stack: restore the newest archive; history: archive and mark deleted). */
function swiftDelete(store: ObjectStoreContext, tx: Tx, c: ContainerRow, v: ContainerVersioning, name: string, row: ObjectRow | undefined, live: ObjectRow | undefined): DeleteObjectResult {
  // Stack mode with no archive container has nothing to restore: a plain delete, as Swift's listing of it finds nothing.
  if (v.swift!.mode === 'stack' && !store.stmts.containerByProjectName(v.projectId, v.swift!.location)) {
    if (row) removeRow(store, tx, row);
    return { existed: !!live };
  }
  const ac = swiftArchiveContainer(store, v);
  if (v.swift!.mode === 'history') {
    if (!live) {
      if (row) removeRow(store, tx, row);
      return { existed: false };
    }
    const copy = putArchiveRow(store, tx, ac, freeArchiveName(store, ac, name, live.lastModified), live);
    const now = store.now();
    const marker = putArchiveRow(store, tx, ac, freeArchiveName(store, ac, name, Math.max(now, live.lastModified)), {
      size: 0,
      etag: 'd41d8cd98f00b204e9800998ecf8427e',
      swiftEtag: 'd41d8cd98f00b204e9800998ecf8427e',
      contentType: SWIFT_DELETE_MARKER,
      userMeta: {},
      sysMeta: {},
      lastModified: now,
      deleteAt: null,
      tags: null,
      acl: { grants: [] },
      checksum: null,
      kind: 'simple',
      blobKey: null,
      manifest: null,
      dloManifest: null,
      encryption: null,
      versionId: null,
    });
    removeRow(store, tx, live);
    // The archive copy and the marker are writes into the versions container: its quotas hold (the account
    // does not grow, the object only moved).
    checkQuota(store.stmts, ac.id, { bytes: copy.bytes + marker.bytes, objects: copy.objects + marker.objects, accountBytes: 0 }, { applied: true });
    return { existed: true };
  }
  // Stack mode: the newest archived version (names sort by their zero-padded timestamp) comes back. A delete
  // marker on top (left by an earlier history mode) undoes that delete: with a current object, only it goes;
  // without one, the version under the marker comes back and the marker goes too.
  const [newest, next] = archivedVersions(store, ac, name, 2);
  if (newest && isSwiftDeleteMarker(newest) && live) {
    removeRow(store, tx, live);
    return { existed: true };
  }
  const restore = newest && isSwiftDeleteMarker(newest) ? next : newest;
  if (row) removeRow(store, tx, row);
  if (!restore || isSwiftDeleteMarker(restore)) return { existed: !!live };
  const { id, containerId, name: archivedName, ...rest } = restore;
  void id;
  void containerId;
  void archivedName;
  putArchiveRow(store, tx, c, name, rest);
  removeRow(store, tx, restore);
  if (restore !== newest) removeRow(store, tx, newest!);
  return { existed: true };
}

const SWIFT_DELETE_MARKER = 'application/x-deleted;swift_versions_deleted=1';

const isSwiftDeleteMarker = (r: ObjectRow): boolean => r.contentType === SWIFT_DELETE_MARKER;

/** The newest `n` archive entries of `name` in the archive container, newest first. */
function archivedVersions(store: ObjectStoreContext, ac: ContainerRow, name: string, n: number): ObjectRow[] {
  const prefix = `${Buffer.byteLength(name, 'utf8').toString(16).padStart(3, '0')}${name}/`;
  const ids = sqliteOf(store)
    .prepare('SELECT id FROM obj_objects WHERE container_id = ? AND name >= ? AND name < CAST(? AS TEXT) ORDER BY name DESC LIMIT ?')
    .pluck()
    .all(ac.id, prefix, prefixUpperBound(prefix), n) as string[];
  return ids.map((i) => store.db.select().from(objObjects).where(eq(objObjects.id, i)).get()!).filter((r) => liveRow(store, r));
}

/** Listing columns of both tables, snake_case as the raw query returns them. */
interface VersionListRow {
  name: string;
  seq: number;
  delete_marker: number;
  version_id: string | null;
  size: number;
  etag: string;
  swift_etag: string;
  content_type: string;
  kind: string;
  last_modified: number;
  delete_at: number | null;
  /** The ACL's owner: set only when a writer of another project owns the version. */
  owner: string | null;
}

const CURRENT_SEQ = Number.MAX_SAFE_INTEGER;

/** A position in (name ascending, seq descending) order: strictly after `name` when `seq` is undefined, else after that version of it. */
interface Cursor {
  name: Buffer;
  seq?: number;
  inclusive?: boolean;
}

/**
 * ListObjectVersions: every version and delete marker of the container, by key then newest first,
 * with prefix / delimiter roll-up and key-marker / version-id-marker pagination. Needs listing access.
 */
export async function listObjectVersions(store: ObjectStoreContext, ctx: RequestContext, ref: ContainerRef, opts: VersionListOptions = {}): Promise<VersionListing> {
  const c = requireContainer(store, ref, ctx);
  assertList(store, ctx, c);
  const limit = Math.min(Math.max(opts.limit ?? 1000, 0), 1000);
  if (opts.versionIdMarker !== undefined && !opts.keyMarker) {
    throw errors.invalid('A version id marker cannot be given without a key marker.', { reason: 'InvalidArgument', argumentName: 'versionIdMarker' });
  }
  if (opts.versionIdMarker !== undefined) validateVersionId(opts.versionIdMarker);
  if (limit === 0) return { entries: [], isTruncated: false, ownerNames: {} };
  const prefix = opts.prefix ?? '';
  const delim = opts.delimiter || undefined;
  const keyMarker = opts.keyMarker || undefined;
  const now = store.now();
  const sqlite = sqliteOf(store);

  let lower: Cursor | undefined = prefix ? { name: Buffer.from(prefix), inclusive: true } : undefined;
  if (keyMarker !== undefined && (!prefix || compareBytes(keyMarker, prefix) >= 0)) {
    lower = { name: Buffer.from(keyMarker) };
    if (opts.versionIdMarker !== undefined) {
      const f = findVersion(store, c, keyMarker, opts.versionIdMarker);
      if (f) lower.seq = f.current ? CURRENT_SEQ : f.noncurrent!.seq;
    }
  }
  const upper = prefix ? prefixUpperBound(prefix) : undefined;

  const query = (cur: Cursor | undefined, n: number): VersionListRow[] => {
    const side = (table: string, seqExpr: string, markerExpr: string) => {
      const conds = ['container_id = ?'];
      const params: unknown[] = [c.id];
      if (cur) {
        if (cur.inclusive) {
          conds.push('name >= CAST(? AS TEXT)');
          params.push(cur.name);
        } else if (cur.seq !== undefined) {
          conds.push(`(name > CAST(? AS TEXT) OR (name = CAST(? AS TEXT) AND ${seqExpr} < ?))`);
          params.push(cur.name, cur.name, cur.seq);
        } else {
          conds.push('name > CAST(? AS TEXT)');
          params.push(cur.name);
        }
      }
      if (upper) {
        conds.push('name < CAST(? AS TEXT)');
        params.push(upper);
      }
      return { sql: `SELECT name, ${seqExpr} AS seq, ${markerExpr} AS delete_marker, version_id, size, etag, swift_etag, content_type, kind, last_modified, delete_at, ${jsonTextField(sqlite, 'acl', 'owner')} AS owner FROM ${table} WHERE ${conds.join(' AND ')}`, params };
    };
    const a = side('obj_objects', String(CURRENT_SEQ), '0');
    const b = side('obj_versions', 'seq', 'delete_marker');
    return sqlite.prepare(`${a.sql} UNION ALL ${b.sql} ORDER BY name ASC, seq DESC LIMIT ?`).all(...a.params, ...b.params, n) as VersionListRow[];
  };

  const want = limit + 1;
  type Out = VersionListing['entries'][number];
  const out: Out[] = [];
  let cur = lower;
  const latestSeen = new Set<string>();
  for (;;) {
    const batch = Math.min(want - out.length + 8, 1000);
    const rows = query(cur, batch);
    let reseek = false;
    for (const r of rows) {
      if (delim) {
        const rest = r.name.slice(prefix.length);
        const i = rest.indexOf(delim);
        if (i !== -1) {
          const cp = prefix + rest.slice(0, i + delim.length);
          const seen = keyMarker !== undefined && compareBytes(cp, keyMarker) <= 0;
          if (!seen) out.push({ type: 'prefix', prefix: cp });
          cur = { name: prefixUpperBound(cp), inclusive: true };
          reseek = true;
          break;
        }
      }
      cur = { name: Buffer.from(r.name), seq: r.seq };
      if (r.seq === CURRENT_SEQ && r.delete_at !== null && r.delete_at <= now) continue;
      const isLatest = r.seq === CURRENT_SEQ || (r.delete_marker === 1 && isNewestMarker(store, c.id, r, latestSeen));
      out.push({
        type: r.delete_marker ? 'deleteMarker' : 'version',
        name: r.name,
        versionId: wireVersionId(r.version_id),
        isLatest,
        lastModified: r.last_modified,
        size: r.size,
        etag: r.etag,
        swiftEtag: r.swift_etag,
        contentType: r.content_type,
        kind: r.kind as ObjectKind,
        ownerProjectId: r.owner ?? c.projectId,
      });
      if (out.length >= want) break;
    }
    if (out.length >= want) break;
    if (!reseek && rows.length < batch) break;
    if (cur && upper && Buffer.compare(cur.name, upper) >= 0) break;
  }
  const isTruncated = out.length > limit;
  const entries = isTruncated ? out.slice(0, limit) : out;
  const last = entries.at(-1);
  return {
    entries,
    isTruncated,
    nextKeyMarker: isTruncated && last ? (last.type === 'prefix' ? last.prefix : last.name) : undefined,
    nextVersionIdMarker: isTruncated && last && last.type !== 'prefix' ? last.versionId : undefined,
    ownerNames: projectDisplayNames(store, [c.projectId, ...entries.flatMap((e) => (e.type === 'prefix' ? [] : [e.ownerProjectId]))]),
  };
}

/** A delete marker is the latest version when its name has no current row and nothing newer. */
function isNewestMarker(store: ObjectStoreContext, containerId: string, r: VersionListRow, checked: Set<string>): boolean {
  if (checked.has(r.name)) return false;
  checked.add(r.name);
  if (store.stmts.objectByName(containerId, r.name)) return false;
  const top = newestNoncurrent(store.db as unknown as Tx, containerId, r.name);
  return top?.seq === r.seq;
}
