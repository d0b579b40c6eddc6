// The one object store both faces call: Swift (`compat/openstack/swift`) and S3 (`compat/ec2-s3/s3`).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { and, asc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import type Database from 'better-sqlite3';
import type { BlobDigest, BlobStore, BlobWriteResult } from '../../backends/blob/types.js';
import type { RequestContext } from '../context.js';
import { GroupCommit } from '../db/group-commit.js';
import type { Db } from '../db/index.js';
import { objAccounts, objBlobRefs, objContainers, objObjects, objParts, objUploads, type ManifestEntry, type StoredAclJson } from '../db/schema/objects.js';
import { projects } from '../db/schema/identity.js';
import { CoreError, errors, isCoreError } from '../errors.js';
import { enqueueInTx as outboxEnqueue, type DbOrTx } from '../jobs/outbox.js';
import type { EnqueueOptions, JobName, JobPayloads } from '../jobs/port.js';
import type { Logger } from '../logger.js';
import { canWriteRole, projectRole, s3AclAllows, swiftReadAllowsListing, swiftReadAllowsObject, swiftWriteAllows } from './access.js';
import { NameLister } from './listing.js';
import { checkPartAlgorithm, multipartChecksum, uploadChecksumType } from './multipart-checksum.js';
import {
  checkConditions,
  compareBytes,
  concatEtag,
  MAX_OBJECT_SIZE,
  multipartEtag,
  newBlobKey,
  newId,
  normalizeEtag,
  parseDloManifest,
  parseSloRange,
  prefixUpperBound,
  resolveByteRange,
  toStoredAcl,
  validateBucketName,
  validateContainerName,
  validateObjectName,
  validateTags,
} from './rules.js';
import { prepareObjectStatements, type ObjectStatements } from './statements.js';
import { emptyStream, openPieces, slicePieces, type Piece } from './streams.js';
import type {
  AccessOptions,
  AccountInfo,
  Checksum,
  ChecksumAlgorithm,
  ChecksumType,
  ChecksumRequest,
  CompleteMultipartOptions,
  CompleteMultipartResult,
  CompletePart,
  ContainerInfo,
  ContainerListing,
  ContainerRef,
  CopyObjectOptions,
  CopyObjectResult,
  CreateContainerOptions,
  CreateMultipartOptions,
  DeleteObjectOptions,
  DeleteObjectsResult,
  DeleteSloResult,
  GetObjectOptions,
  GetObjectResult,
  HeadObjectResult,
  ListOptions,
  ListPartsOptions,
  ListUploadsOptions,
  MetadataUpdate,
  MultipartUpload,
  ObjectInfo,
  ObjectKind,
  ObjectListing,
  ObjectMaintenance,
  ObjectRef,
  PartInfo,
  PartListing,
  PutObjectOptions,
  PutObjectResult,
  PutSloOptions,
  S3Acl,
  SloSegmentInfo,
  SloSegmentInput,
  StoredAcl,
  SystemMetadata,
  TempUrlGrant,
  TempUrlInput,
  UpdateContainerOptions,
  UpdateObjectMetadataOptions,
  UploadListing,
  UploadPartCopyOptions,
  UploadPartOptions,
} from './types.js';

/** Writes a job into the caller's open (synchronous) database transaction: the outbox. */
export type TxEnqueue = <N extends JobName>(tx: DbOrTx, name: N, payload: JobPayloads[N], opts?: EnqueueOptions) => void;

/** Everything the object service is built from (in `gateway/app.ts`). */
export interface ObjectServiceDeps {
  db: Db;
  blobs: BlobStore;
  logger: Logger;
  /** Region reported for containers created without one. */
  region: string;
  /** Enqueue inside a db transaction; defaults to the job outbox (`core/jobs/outbox.ts`). */
  enqueueInTx?: TxEnqueue;
  clock?: { now(): number };
  /** Delay before unreferenced blobs are deleted, so readers streaming an old version finish (default 60 s). */
  gcDelayMs?: number;
  /** Incomplete multipart uploads are aborted this long after initiation (default 7 days). */
  multipartTtlMs?: number;
  /** Smallest non-last multipart part (S3: 5 MiB); tests lower it. */
  minPartSize?: number;
}

type ContainerRow = typeof objContainers.$inferSelect;
type ObjectRow = typeof objObjects.$inferSelect;
type UploadRow = typeof objUploads.$inferSelect;
type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Listing columns, snake_case as the raw listing query returns them. */
interface ListRow {
  name: string;
  size: number;
  etag: string;
  swift_etag: string;
  content_type: string;
  last_modified: number;
  kind: string;
  delete_at: number | null;
}

const MAX_LIST = 10000;
const SYS_META_KEYS: Array<keyof SystemMetadata> = ['contentEncoding', 'contentDisposition', 'cacheControl', 'expires', 'contentLanguage'];

const cleanSysMeta = (m: SystemMetadata | undefined): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const k of SYS_META_KEYS) if (m?.[k] !== undefined) out[k] = m[k]!;
  return out;
};
const lowerKeys = (m: Record<string, string> | undefined): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m ?? {})) out[k.toLowerCase()] = v;
  return out;
};

/**
 * Accounts, containers, objects, multipart uploads, SLO/DLO manifests and TempURL checks, with the
 * authorization rules of both faces: the caller needs a role on the owning project (reader reads;
 * member/admin write) unless a container ACL (Swift `X-Container-Read/Write`) or an S3 ACL grants
 * access. Every error is a CoreError described in `types.ts`. Forbidden for an anonymous caller is
 * what Swift answers 401 for.
 */
export class ObjectService implements ObjectMaintenance {
  private readonly db: Db;
  private readonly blobs: BlobStore;
  private readonly enqueue: TxEnqueue;
  private readonly lister: NameLister;
  private readonly containerLister: NameLister;
  private readonly grants = new WeakSet<object>();
  private readonly stmts: ObjectStatements;
  private readonly commits: GroupCommit;

  constructor(private readonly deps: ObjectServiceDeps) {
    this.db = deps.db;
    this.blobs = deps.blobs;
    this.enqueue = deps.enqueueInTx ?? ((tx, name, payload, opts) => void outboxEnqueue(tx, name, payload, opts, this.now()));
    // drizzle's better-sqlite3 handle carries its connection; listings use it for cached prepared statements.
    const sqlite = (deps.db as unknown as { $client: Database.Database }).$client;
    this.lister = new NameLister(sqlite, 'obj_objects', 'container_id', 'name, size, etag, swift_etag, content_type, last_modified, kind, delete_at');
    this.containerLister = new NameLister(sqlite, 'obj_containers', 'project_id', 'id, name, object_count, bytes_used, created_at, updated_at, region');
    this.stmts = prepareObjectStatements(deps.db);
    this.commits = new GroupCommit(deps.db);
  }

  private now(): number {
    return this.deps.clock?.now() ?? Date.now();
  }

  // ------------------------------------------------------------ access helpers

  private requireProjectRole(ctx: RequestContext, projectId: string, write: boolean): void {
    const role = projectRole(ctx, projectId);
    if (!role || (write && !canWriteRole(role))) throw errors.forbidden();
  }

  /** Resolves a container ref (S3: the caller's own of that name, else the oldest of that name anywhere). */
  private findContainer(ref: ContainerRef, ctx: RequestContext): ContainerRow | undefined {
    if (ref.projectId !== undefined) return this.stmts.containerByProjectName(ref.projectId, ref.container);
    const own = ctx.auth?.projectId;
    if (own) {
      const mine = this.stmts.containerByProjectName(own, ref.container);
      if (mine) return mine;
    }
    return this.stmts.oldestContainerByName(ref.container);
  }

  private container(ref: ContainerRef, ctx: RequestContext): ContainerRow {
    const c = this.findContainer(ref, ctx);
    if (!c) throw errors.notFound('container', ref.container, 'The specified bucket does not exist.');
    return c;
  }

  private grantCovers(access: AccessOptions | undefined, c: ContainerRow, name: string | undefined, method: string): boolean {
    const g = access?.grant;
    if (!g || !this.grants.has(g) || g.projectId !== c.projectId || g.container !== c.name || name === undefined) return false;
    if (g.isPrefix ? !name.startsWith(g.name) : g.name !== name) return false;
    if (g.method === method) return true;
    return method === 'HEAD' && (g.method === 'GET' || g.method === 'PUT' || g.method === 'POST');
  }

  private canListContainer(ctx: RequestContext, c: ContainerRow): boolean {
    return !!projectRole(ctx, c.projectId) || swiftReadAllowsListing(c.swiftRead, ctx) || s3AclAllows(c.s3Acl as StoredAcl, ctx, 'READ');
  }

  private assertList(ctx: RequestContext, c: ContainerRow): void {
    if (!this.canListContainer(ctx, c)) throw errors.forbidden('Access Denied');
  }

  /** Object reads: owner role, Swift read ACL, the object's S3 grant, or a TempURL grant. */
  private assertReadObject(ctx: RequestContext, c: ContainerRow, name: string, row: ObjectRow | undefined, access: AccessOptions | undefined, method = 'GET'): void {
    if (projectRole(ctx, c.projectId) || swiftReadAllowsObject(c.swiftRead, ctx) || this.grantCovers(access, c, name, method)) return;
    if (row && s3AclAllows(row.acl as StoredAcl, ctx, 'READ')) return;
    throw errors.forbidden('Access Denied');
  }

  /**
   * A DLO's bytes come from listing its segment container, which Swift does as the requester: reading (or
   * copying) the manifest needs listing access there too, else anyone who may write one container could read
   * every container of the account through a manifest. Segments beside the manifest are readable already, and
   * a TempURL (which cannot create manifests) stands for its account's owner.
   */
  private assertDloSegmentsReadable(ctx: RequestContext, c: ContainerRow, row: ObjectRow, access: AccessOptions | undefined): void {
    if (row.kind !== 'dlo') return;
    const segContainer = parseDloManifest(row.dloManifest ?? '').container;
    if (segContainer === c.name) return;
    const sc = this.stmts.containerByProjectName(c.projectId, segContainer);
    if (!sc || this.canListContainer(ctx, sc)) return;
    const g = access?.grant;
    if (g && this.grants.has(g) && g.projectId === c.projectId) return;
    throw errors.forbidden('Access Denied');
  }

  /**
   * Swift fetches an SLO's segments as the caller, so reading its bytes needs object read on every
   * other container holding segments (a public manifest over a private segment container is not a
   * way round that container's ACL). A TempURL grant covers the whole request, as in Swift.
   */
  private assertSloSegmentsReadable(ctx: RequestContext, c: ContainerRow, row: ObjectRow, access: AccessOptions | undefined): void {
    if (row.kind !== 'slo' || !row.manifest) return;
    const g = access?.grant;
    if (g && this.grants.has(g) && g.projectId === c.projectId) return;
    const checked = new Set<string>([c.name]);
    for (const e of row.manifest) {
      if (!e.path) continue;
      const name = e.path.slice(1, e.path.indexOf('/', 1));
      if (checked.has(name)) continue;
      checked.add(name);
      const sc = this.stmts.containerByProjectName(c.projectId, name);
      if (!sc || projectRole(ctx, sc.projectId) || swiftReadAllowsObject(sc.swiftRead, ctx) || s3AclAllows(sc.s3Acl as StoredAcl, ctx, 'READ')) continue;
      throw errors.forbidden('Access Denied');
    }
  }

  /** Object writes: member role, Swift write ACL, the bucket's S3 WRITE grant, or a TempURL grant. */
  private assertWrite(ctx: RequestContext, c: ContainerRow, name: string | undefined, access: AccessOptions | undefined, method = 'PUT'): void {
    if (canWriteRole(projectRole(ctx, c.projectId))) return;
    if (swiftWriteAllows(c.swiftWrite, ctx) || s3AclAllows(c.s3Acl as StoredAcl, ctx, 'WRITE') || this.grantCovers(access, c, name, method)) return;
    throw errors.forbidden('Access Denied');
  }

  /** The row of that name, unless expired; prepared, so it reads inside whatever transaction is open. */
  private liveObject(containerId: string, name: string): ObjectRow | undefined {
    return this.live(this.stmts.objectByName(containerId, name));
  }

  /** The row unless it has expired (an expired row still occupies its name until removed). */
  private live(row: ObjectRow | null | undefined): ObjectRow | undefined {
    if (!row || (row.deleteAt !== null && row.deleteAt <= this.now())) return undefined;
    return row;
  }

  private noSuchKey(name: string): CoreError {
    return errors.notFound('object', name, 'The specified key does not exist.');
  }

  // ------------------------------------------------------------ blob references

  private addRefs(tx: Tx, keys: string[]): void {
    const now = this.now();
    for (const k of keys) this.stmts.addRef(k, now);
  }

  /** Decrements refs; keys reaching zero get a delayed `blob.gc` job in the same transaction. */
  private releaseRefs(tx: Tx, keys: string[]): void {
    if (!keys.length) return;
    const now = this.now();
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
    if (free.length) this.enqueue(tx, 'blob.gc', { blobKeys: [...new Set(free)] }, { runAt: now + (this.deps.gcDelayMs ?? 60_000) });
  }

  private rowBlobKeys(row: Pick<ObjectRow, 'blobKey' | 'manifest'>): string[] {
    const keys = row.blobKey ? [row.blobKey] : [];
    for (const e of row.manifest ?? []) keys.push(e.blobKey);
    return keys;
  }

  /** Removes an object row in `tx`: counters, refs and GC follow. */
  private removeRow(tx: Tx, row: ObjectRow): void {
    tx.delete(objObjects).where(eq(objObjects.id, row.id)).run();
    tx.update(objContainers)
      .set({ objectCount: sql`${objContainers.objectCount} - 1`, bytesUsed: sql`${objContainers.bytesUsed} - ${row.size}`, updatedAt: this.now() })
      .where(eq(objContainers.id, row.containerId))
      .run();
    this.releaseRefs(tx, this.rowBlobKeys(row));
  }

  /** Inserts `row` replacing any current version of that name (last committed wins), in `tx`. */
  private writeRow(tx: Tx, row: typeof objObjects.$inferInsert, ref: ObjectRef & { projectId: string }, current?: ObjectRow | null): void {
    // `current`: the row of that name the caller already read in this transaction (null: none); looked up when omitted.
    const old = current === undefined ? this.stmts.objectByName(row.containerId, row.name) : (current ?? undefined);
    if (old) this.removeRow(tx, old);
    this.stmts.insertObject(row);
    this.stmts.bumpContainer(row.containerId, 1, row.size, this.now());
    this.addRefs(tx, this.rowBlobKeys({ blobKey: row.blobKey ?? null, manifest: row.manifest ?? null }));
    if (row.deleteAt) {
      this.enqueue(tx, 'object.expire', { projectId: ref.projectId, container: ref.container, name: row.name, versionId: row.id! }, { runAt: row.deleteAt, jobId: `expire:${row.id}` });
    }
  }

  /** Conditional-write checks against the current row (S3 If-None-Match: * / If-Match; Swift If-None-Match: *). */
  private checkWriteConditions(current: ObjectRow | undefined, ifNoneMatch: '*' | undefined, ifMatch: string | undefined, name: string): void {
    if (ifNoneMatch === '*' && current) throw errors.conflict('object', 'At least one of the pre-conditions you specified did not hold.', { reason: 'PreconditionFailed' });
    if (ifMatch !== undefined) {
      if (!current) throw this.noSuchKey(name);
      const want = normalizeEtag(ifMatch);
      if (want !== '*' && want !== current.etag && want !== current.swiftEtag) {
        throw errors.conflict('object', 'At least one of the pre-conditions you specified did not hold.', { reason: 'PreconditionFailed' });
      }
    }
  }

  private checkDeleteAt(deleteAt: number | null | undefined): void {
    if (deleteAt !== undefined && deleteAt !== null && (!Number.isFinite(deleteAt) || deleteAt <= this.now())) {
      throw errors.invalid('X-Delete-At in past', { reason: 'InvalidArgument' });
    }
  }

  private validateAclGrants(acl: StoredAcl): void {
    const ids = acl.grants.flatMap((g) => (g.grantee.type === 'project' ? [g.grantee.projectId] : []));
    if (!ids.length) return;
    const found = new Set(this.db.select({ id: projects.id }).from(projects).where(inArray(projects.id, ids)).all().map((r) => r.id));
    for (const id of ids) if (!found.has(id)) throw errors.invalid('Invalid id', { reason: 'InvalidArgument', id });
  }

  // ------------------------------------------------------------ streaming writes

  /** Streams a body into a fresh blob and verifies MD5 and checksum; on any failure nothing is left behind. */
  private async writeBlob(body: ReadableStream<Uint8Array>, o: { expectedSize?: number; expectedMd5?: string; checksum?: ChecksumRequest }): Promise<{ res: BlobWriteResult; checksum?: Checksum }> {
    if (o.expectedSize !== undefined && o.expectedSize > MAX_OBJECT_SIZE) {
      await body.cancel().catch(() => undefined);
      throw errors.invalid('Your proposed upload exceeds the maximum allowed size', { reason: 'EntityTooLarge' });
    }
    const key = newBlobKey();
    const digests: BlobDigest[] = o.checksum ? [o.checksum.algorithm] : [];
    const res = await this.blobs.put(key, body, { digests, expectedSize: o.expectedSize });
    try {
      if (o.expectedMd5 !== undefined && normalizeEtag(o.expectedMd5) !== res.md5) {
        throw errors.invalid('The Content-MD5 you specified did not match what we received.', { reason: 'BadDigest', expected: o.expectedMd5, calculated: res.md5 });
      }
      let checksum: Checksum | undefined;
      if (o.checksum) {
        const value = res.digests[o.checksum.algorithm];
        const expected = typeof o.checksum.expected === 'function' ? o.checksum.expected() : o.checksum.expected;
        if (value === undefined) throw errors.notImplemented(`checksum ${o.checksum.algorithm}`);
        if (expected !== undefined && expected !== value) {
          throw errors.invalid(`The ${o.checksum.algorithm.toUpperCase()} you specified did not match the calculated checksum.`, { reason: 'BadChecksum', algorithm: o.checksum.algorithm });
        }
        checksum = { algorithm: o.checksum.algorithm, value, type: 'FULL_OBJECT' };
      }
      return { res, checksum };
    } catch (e) {
      await this.blobs.delete(key).catch(() => undefined);
      throw e;
    }
  }

  /** Runs a commit transaction for a freshly written blob; deletes the blob when the commit fails. */
  /** Group-committed with concurrent writes: one fsync for the batch, each settled only once the batch is durable. */
  private commitOrDrop<T>(blobKey: string, fn: (tx: Tx) => T): Promise<T> {
    return this.commits.run(fn).catch((e: unknown) =>
      this.blobs
        .delete(blobKey)
        .catch(() => undefined)
        .then(() => {
          throw e;
        }),
    );
  }

  // ------------------------------------------------------------ shaping

  private info(c: ContainerRow, r: ObjectRow): ObjectInfo {
    const parts = r.manifest ? new Set(r.manifest.map((e) => e.partNumber)).size : undefined;
    return {
      projectId: c.projectId,
      container: c.name,
      name: r.name,
      versionId: r.id,
      size: r.size,
      etag: r.etag,
      swiftEtag: r.swiftEtag,
      contentType: r.contentType,
      userMetadata: { ...r.userMeta },
      systemMetadata: { ...r.sysMeta } as SystemMetadata,
      lastModified: r.lastModified,
      deleteAt: r.deleteAt ?? undefined,
      kind: r.kind as ObjectKind,
      partsCount: r.kind === 'multipart' || r.kind === 'slo' ? parts : undefined,
      dloManifest: r.dloManifest ?? undefined,
      checksum: (r.checksum as Checksum | null) ?? undefined,
      tagCount: Object.keys(r.tags ?? {}).length,
      acl: r.acl as StoredAcl,
    };
  }

  private containerInfo(ctx: RequestContext, c: ContainerRow): ContainerInfo {
    return {
      projectId: c.projectId,
      name: c.name,
      objectCount: c.objectCount,
      bytesUsed: c.bytesUsed,
      metadata: { ...c.metadata },
      swiftAcl: { read: c.swiftRead, write: c.swiftWrite },
      s3Acl: c.s3Acl as StoredAcl,
      tags: c.tags ?? undefined,
      region: c.region,
      versioning: (c.versioning as ContainerInfo['versioning']) ?? undefined,
      createdAt: c.createdAt,
      lastModified: c.updatedAt,
      callerIsOwner: !!projectRole(ctx, c.projectId),
    };
  }

  // ------------------------------------------------------------ accounts

  /** Counters and metadata of the project's account (zeros for an account never used). Reader role needed. */
  async headAccount(ctx: RequestContext, projectId: string): Promise<AccountInfo> {
    this.requireProjectRole(ctx, projectId, false);
    return this.accountInfo(projectId);
  }

  private accountInfo(projectId: string): AccountInfo {
    const acct = this.db.select().from(objAccounts).where(eq(objAccounts.projectId, projectId)).get();
    const sums = this.db
      .select({ n: sql<number>`count(*)`, objects: sql<number>`coalesce(sum(${objContainers.objectCount}), 0)`, bytes: sql<number>`coalesce(sum(${objContainers.bytesUsed}), 0)` })
      .from(objContainers)
      .where(eq(objContainers.projectId, projectId))
      .get();
    return {
      projectId,
      containerCount: Number(sums?.n ?? 0),
      objectCount: Number(sums?.objects ?? 0),
      bytesUsed: Number(sums?.bytes ?? 0),
      metadata: { ...(acct?.metadata ?? {}) },
      createdAt: acct?.createdAt ?? this.now(),
    };
  }

  /** Swift account POST: set/remove account metadata (incl. `temp-url-key`, `temp-url-key-2`). Member role needed. */
  async updateAccountMetadata(ctx: RequestContext, projectId: string, update: MetadataUpdate): Promise<AccountInfo> {
    this.requireProjectRole(ctx, projectId, true);
    this.db.transaction((tx) => {
      const acct = tx.select().from(objAccounts).where(eq(objAccounts.projectId, projectId)).get();
      const meta = applyMetadataUpdate(acct?.metadata ?? {}, update);
      if (acct) tx.update(objAccounts).set({ metadata: meta }).where(eq(objAccounts.projectId, projectId)).run();
      else tx.insert(objAccounts).values({ projectId, metadata: meta, createdAt: this.now() }).run();
    });
    return this.accountInfo(projectId);
  }

  /** The project's containers in byte order of name (Swift account GET, S3 ListBuckets). Reader role needed. */
  async listContainers(ctx: RequestContext, projectId: string, opts: ListOptions = {}): Promise<ContainerListing> {
    this.requireProjectRole(ctx, projectId, false);
    const limit = Math.min(Math.max(opts.limit ?? MAX_LIST, 0), MAX_LIST);
    if (limit === 0) return { containers: [], isTruncated: false };
    type Row = { id: string; name: string; object_count: number; bytes_used: number; created_at: number; updated_at: number; region: string };
    const { entries, isTruncated } = this.containerLister.list<Row>(projectId, { ...opts, delimiter: undefined }, limit);
    const containers = entries.flatMap((e) =>
      e.type === 'row'
        ? [{ name: e.row.name, projectId, objectCount: e.row.object_count, bytesUsed: e.row.bytes_used, createdAt: e.row.created_at, lastModified: e.row.updated_at, region: e.row.region }]
        : [],
    );
    return { containers, isTruncated, nextMarker: isTruncated ? containers.at(-1)?.name : undefined };
  }

  // ------------------------------------------------------------ containers

  /**
   * Creates a container (Swift PUT: `created: false` and metadata/ACL merged when it exists → 202).
   * With `opts.s3`: S3 naming and global-uniqueness rules (see CreateContainerOptions). Member role needed.
   * S3 callers pass `ref.projectId` undefined: the container is created in the caller's project.
   */
  async createContainer(ctx: RequestContext, ref: ContainerRef, opts: CreateContainerOptions = {}): Promise<{ created: boolean; info: ContainerInfo }> {
    const projectId = ref.projectId ?? ctx.auth?.projectId;
    if (!ctx.auth) throw errors.forbidden('Access Denied');
    if (!projectId) throw errors.forbidden('A project-scoped token is required.');
    this.requireProjectRole(ctx, projectId, true);
    if (opts.s3) validateBucketName(ref.container);
    else validateContainerName(ref.container);
    const s3Acl = opts.s3Acl ? toStoredAcl(opts.s3Acl) : undefined;
    if (s3Acl) this.validateAclGrants(s3Acl);
    const now = this.now();
    const result = this.db.transaction((tx) => {
      const existing = tx.select().from(objContainers).where(and(eq(objContainers.projectId, projectId), eq(objContainers.name, ref.container))).get();
      if (opts.s3) {
        const other = tx.select({ id: objContainers.id }).from(objContainers).where(and(eq(objContainers.name, ref.container), sql`${objContainers.projectId} <> ${projectId}`)).get();
        if (other) throw errors.conflict('container', 'The requested bucket name is not available.', { reason: 'BucketAlreadyExists', id: ref.container });
        if (existing) {
          const prevCanned = (existing.s3Acl as StoredAclJson).canned;
          if (opts.s3Acl || (prevCanned && prevCanned !== 'private')) {
            throw errors.conflict('container', 'The requested bucket name is not available.', { reason: 'BucketAlreadyExists', id: ref.container });
          }
          if (opts.s3.failIfOwned) throw errors.conflict('container', 'Your previous request to create the named bucket succeeded and you already own it.', { reason: 'BucketAlreadyOwnedByYou', id: ref.container });
          return { created: false, row: existing };
        }
      }
      if (existing) {
        const set: Partial<ContainerRow> = {};
        if (opts.metadata) set.metadata = { ...existing.metadata, ...lowerKeys(opts.metadata) };
        if (opts.swiftAcl?.read !== undefined) set.swiftRead = opts.swiftAcl.read;
        if (opts.swiftAcl?.write !== undefined) set.swiftWrite = opts.swiftAcl.write;
        if (s3Acl) set.s3Acl = s3Acl;
        if (Object.keys(set).length) tx.update(objContainers).set(set).where(eq(objContainers.id, existing.id)).run();
        return { created: false, row: tx.select().from(objContainers).where(eq(objContainers.id, existing.id)).get()! };
      }
      const row = {
        id: newId(),
        projectId,
        name: ref.container,
        metadata: lowerKeys(opts.metadata),
        swiftRead: opts.swiftAcl?.read ?? null,
        swiftWrite: opts.swiftAcl?.write ?? null,
        s3Acl: s3Acl ?? { canned: 'private', grants: [] },
        tags: null,
        region: opts.region ?? this.deps.region,
        versioning: null,
        objectCount: 0,
        bytesUsed: 0,
        createdAt: now,
        updatedAt: now,
      };
      tx.insert(objContainers).values(row).run();
      tx.insert(objAccounts).values({ projectId, metadata: {}, createdAt: now }).onConflictDoNothing().run();
      return { created: true, row: row as ContainerRow };
    });
    return { created: result.created, info: this.containerInfo(ctx, result.row) };
  }

  /** Container counters, metadata and ACLs. Needs read access (owner role, or a read/listing ACL). */
  async headContainer(ctx: RequestContext, ref: ContainerRef, access: AccessOptions = {}): Promise<ContainerInfo> {
    void access;
    const c = this.container(ref, ctx);
    this.assertList(ctx, c);
    return this.containerInfo(ctx, c);
  }

  /** Swift container POST / S3 Put{BucketAcl,BucketTagging,BucketVersioning}. Owner member role needed. */
  async updateContainer(ctx: RequestContext, ref: ContainerRef, update: UpdateContainerOptions): Promise<ContainerInfo> {
    const c = this.container(ref, ctx);
    this.requireProjectRole(ctx, c.projectId, true);
    const set: Partial<ContainerRow> = {};
    if (update.metadata) set.metadata = applyMetadataUpdate(c.metadata, update.metadata);
    if (update.swiftAcl?.read !== undefined) set.swiftRead = update.swiftAcl.read;
    if (update.swiftAcl?.write !== undefined) set.swiftWrite = update.swiftAcl.write;
    if (update.s3Acl) {
      const acl = toStoredAcl(update.s3Acl);
      this.validateAclGrants(acl);
      set.s3Acl = acl;
    }
    if (update.tags !== undefined) {
      if (update.tags) validateTags(update.tags, 50);
      set.tags = update.tags;
    }
    if (update.versioning) set.versioning = update.versioning;
    if (Object.keys(set).length) this.db.update(objContainers).set(set).where(eq(objContainers.id, c.id)).run();
    return this.containerInfo(ctx, this.db.select().from(objContainers).where(eq(objContainers.id, c.id)).get()!);
  }

  /** Deletes an empty container; Conflict `BucketNotEmpty` when it has objects or open uploads. */
  async deleteContainer(ctx: RequestContext, ref: ContainerRef): Promise<void> {
    const c = this.container(ref, ctx);
    this.requireProjectRole(ctx, c.projectId, true);
    this.db.transaction((tx) => {
      const obj = tx.select({ id: objObjects.id }).from(objObjects).where(eq(objObjects.containerId, c.id)).limit(1).get();
      const up = tx.select({ id: objUploads.id }).from(objUploads).where(and(eq(objUploads.containerId, c.id), isNull(objUploads.completedVersionId))).limit(1).get();
      if (obj || up) throw errors.conflict('container', 'The bucket you tried to delete is not empty.', { reason: 'BucketNotEmpty', id: c.name });
      tx.delete(objUploads).where(eq(objUploads.containerId, c.id)).run();
      tx.delete(objContainers).where(eq(objContainers.id, c.id)).run();
    });
  }

  /** Which project owns the bucket of that name (S3 resolution, see ContainerRef); undefined if none. No auth check. */
  async findContainerOwner(ctx: RequestContext, name: string): Promise<string | undefined> {
    return this.findContainer({ container: name }, ctx)?.projectId;
  }

  /** Objects (and rolled-up prefixes) of a container, in byte order. Needs listing access. Expired objects are omitted. */
  async listObjects(ctx: RequestContext, ref: ContainerRef, opts: ListOptions = {}, access: AccessOptions = {}): Promise<ObjectListing> {
    void access;
    const c = this.container(ref, ctx);
    this.assertList(ctx, c);
    const limit = Math.min(Math.max(opts.limit ?? MAX_LIST, 0), MAX_LIST);
    if (limit === 0) return { entries: [], isTruncated: false };
    const now = this.now();
    const { entries, isTruncated } = this.lister.list<ListRow>(c.id, opts, limit, (r) => r.delete_at !== null && r.delete_at <= now);
    const out = entries.map((e) =>
      e.type === 'prefix'
        ? e
        : {
            type: 'object' as const,
            name: e.row.name,
            size: e.row.size,
            etag: e.row.etag,
            swiftEtag: e.row.swift_etag,
            contentType: e.row.content_type,
            lastModified: e.row.last_modified,
            kind: e.row.kind as ObjectKind,
          },
    );
    if (opts.resolveDynamicManifests) {
      for (const e of out) {
        if (e.type !== 'object' || e.kind !== 'dlo') continue;
        const row = this.liveObject(c.id, e.name);
        if (!row) continue;
        const r = this.resolvePieces(c, row);
        e.size = r.size;
        e.swiftEtag = concatEtag(r.etags);
        e.etag = r.etags.length ? multipartEtag(r.etags) : e.swiftEtag;
      }
    }
    const last = out.at(-1);
    return { entries: out, isTruncated, nextMarker: isTruncated && last ? (last.type === 'prefix' ? last.prefix : last.name) : undefined };
  }

  // ------------------------------------------------------------ objects

  /**
   * Streams `body` to a fresh blob, verifies size/MD5/checksum, then commits the object row (the write
   * that completes last wins). A failed body leaves no row and no blob. The replaced version's blobs
   * are released and collected later by a `blob.gc` job.
   */
  async putObject(ctx: RequestContext, ref: ObjectRef, body: ReadableStream<Uint8Array>, opts: PutObjectOptions = {}): Promise<PutObjectResult> {
    let c: ContainerRow;
    try {
      validateObjectName(ref.name);
      c = this.container(ref, ctx);
      this.assertWrite(ctx, c, ref.name, opts);
      this.checkDeleteAt(opts.deleteAt);
      if (opts.tags) validateTags(opts.tags, 10);
      // Fail fast before reading the body (Expect: 100-continue clients send nothing yet).
      this.checkWriteConditions(this.liveObject(c.id, ref.name), opts.ifNoneMatch, opts.ifMatch, ref.name);
    } catch (e) {
      await body.cancel().catch(() => undefined);
      throw e;
    }
    const acl = toStoredAcl(opts.acl);
    this.validateAclGrants(acl);
    const { res, checksum } = await this.writeBlob(body, opts);
    const id = newId();
    const now = this.now();
    await this.commitOrDrop(res.key, (tx) => {
      if (!this.stmts.containerExists(c.id)) throw errors.notFound('container', ref.container, 'The specified bucket does not exist.');
      const current = this.stmts.objectByName(c.id, ref.name) ?? null;
      this.checkWriteConditions(this.live(current), opts.ifNoneMatch, opts.ifMatch, ref.name);
      this.writeRow(
        tx,
        {
          id,
          containerId: c.id,
          name: ref.name,
          size: res.size,
          etag: res.md5,
          swiftEtag: res.md5,
          contentType: opts.contentType || 'application/octet-stream',
          userMeta: lowerKeys(opts.userMetadata),
          sysMeta: cleanSysMeta(opts.systemMetadata),
          lastModified: now,
          deleteAt: opts.deleteAt ?? null,
          tags: opts.tags ?? null,
          acl,
          checksum: checksum ?? null,
          kind: opts.dloManifest !== undefined ? 'dlo' : 'simple',
          blobKey: res.key,
          manifest: null,
          dloManifest: opts.dloManifest ?? null,
        },
        { ...ref, projectId: c.projectId },
        current,
      );
    });
    return { etag: res.md5, swiftEtag: res.md5, size: res.size, lastModified: now, versionId: id, checksum };
  }

  /** The pieces (blob runs) making up an object, with part boundaries; DLOs are resolved now. */
  private resolvePieces(c: ContainerRow, row: ObjectRow, depth = 0): { pieces: Array<Piece & { partNumber: number; etag: string }>; size: number; etags: string[] } {
    if (row.kind === 'dlo') {
      if (depth > 0) return { pieces: [], size: 0, etags: [] };
      const { container: segContainer, prefix } = parseDloManifest(row.dloManifest ?? '');
      const sc = this.db.select().from(objContainers).where(and(eq(objContainers.projectId, c.projectId), eq(objContainers.name, segContainer))).get();
      const pieces: Array<Piece & { partNumber: number; etag: string }> = [];
      const etags: string[] = [];
      let size = 0;
      if (sc) {
        const now = this.now();
        const segs = this.db
          .select()
          .from(objObjects)
          .where(
            and(
              eq(objObjects.containerId, sc.id),
              sql`${objObjects.name} >= ${prefix}`,
              prefix ? sql`${objObjects.name} < CAST(${prefixUpperBound(prefix)} AS TEXT)` : undefined,
            ),
          )
          .orderBy(asc(objObjects.name))
          .all()
          .filter((s) => s.name.startsWith(prefix) && (s.deleteAt === null || s.deleteAt > now) && !(sc.id === row.containerId && s.name === row.name));
        segs.sort((a, b) => compareBytes(a.name, b.name));
        segs.forEach((s, i) => {
          const sub = this.resolvePieces(sc, s, depth + 1);
          for (const p of sub.pieces) pieces.push({ ...p, partNumber: i + 1 });
          size += sub.size;
          etags.push(s.etag);
        });
      }
      return { pieces, size, etags };
    }
    if (row.manifest) {
      const pieces = row.manifest.map((e) => ({ blobKey: e.blobKey, offset: e.offset, size: e.size, partNumber: e.partNumber, etag: e.etag }));
      return { pieces, size: row.size, etags: [] };
    }
    return this.storedPieces(row);
  }

  /** The row's own blob as one piece (a simple object, or a DLO manifest read as itself). */
  private storedPieces(row: ObjectRow): { pieces: Array<Piece & { partNumber: number; etag: string }>; size: number; etags: string[] } {
    return { pieces: [{ blobKey: row.blobKey!, offset: 0, size: row.size, partNumber: 1, etag: row.etag }], size: row.size, etags: [row.etag] };
  }

  private async readObject(ctx: RequestContext, ref: ObjectRef, opts: GetObjectOptions, method: 'GET' | 'HEAD'): Promise<{ head: HeadObjectResult; pieces: Piece[] }> {
    validateObjectName(ref.name);
    const c = this.container(ref, ctx);
    const row = this.liveObject(c.id, ref.name);
    this.assertReadObject(ctx, c, ref.name, row, opts, method);
    if (!row) throw this.noSuchKey(ref.name);
    // The manifest itself is an ordinary stored object: its own bytes and etag, no segment lookup.
    const dlo = row.kind === 'dlo' && !opts.dloManifestItself;
    if (dlo) this.assertDloSegmentsReadable(ctx, c, row, opts);
    if (method === 'GET') this.assertSloSegmentsReadable(ctx, c, row, opts);
    const info = this.info(c, row);
    const r = row.kind === 'dlo' && !dlo ? this.storedPieces(row) : this.resolvePieces(c, row);
    let pieces: Piece[] = r.pieces;
    if (dlo) {
      info.size = r.size;
      info.swiftEtag = concatEtag(r.etags);
      info.etag = r.etags.length ? multipartEtag(r.etags) : info.swiftEtag;
    }
    checkConditions(opts.conditions, info);
    let range: HeadObjectResult['range'];
    if (opts.partNumber !== undefined) {
      const n = opts.partNumber;
      const count = info.partsCount ?? 1;
      if (!Number.isInteger(n) || n < 1 || n > 10000) throw errors.invalid('Part number must be an integer between 1 and 10000, inclusive', { reason: 'InvalidArgument' });
      if (n > count) throw errors.invalid('The requested partnumber is not satisfiable', { reason: 'InvalidPart', partNumber: n });
      if (row.kind === 'multipart' || row.kind === 'slo') {
        let start = 0;
        for (const p of r.pieces) {
          if (p.partNumber >= n) break;
          start += p.size;
        }
        const partPieces = r.pieces.filter((p) => p.partNumber === n);
        const len = partPieces.reduce((a, p) => a + p.size, 0);
        range = { start, end: start + len - 1, size: info.size };
        pieces = partPieces;
      } else {
        range = { start: 0, end: info.size - 1, size: info.size };
      }
      if (info.size === 0) range = undefined;
    } else if (opts.range) {
      const r = resolveByteRange(opts.range, info.size);
      range = { ...r, size: info.size };
      pieces = slicePieces(pieces, r.start, r.end);
    }
    return { head: { info, range }, pieces };
  }

  /** Metadata (and the range/part the request would get) after evaluating conditions; no body. */
  async headObject(ctx: RequestContext, ref: ObjectRef, opts: GetObjectOptions = {}): Promise<HeadObjectResult> {
    return (await this.readObject(ctx, ref, opts, 'HEAD')).head;
  }

  /** Metadata plus the bytes (range or part when asked; manifests stream their segments in order). */
  async getObject(ctx: RequestContext, ref: ObjectRef, opts: GetObjectOptions = {}): Promise<GetObjectResult> {
    const { head, pieces } = await this.readObject(ctx, ref, opts, 'GET');
    const body = head.info.size === 0 ? emptyStream() : await openPieces(this.blobs, pieces);
    return { ...head, body };
  }

  /** Deletes the object; idempotent (`existed` false when there was none). Needs write access. */
  async deleteObject(ctx: RequestContext, ref: ObjectRef, opts: DeleteObjectOptions = {}): Promise<{ existed: boolean }> {
    validateObjectName(ref.name);
    const c = this.container(ref, ctx);
    this.assertWrite(ctx, c, ref.name, opts, 'DELETE');
    return this.db.transaction((tx) => {
      const row = tx.select().from(objObjects).where(and(eq(objObjects.containerId, c.id), eq(objObjects.name, ref.name))).get();
      const live = row && (row.deleteAt === null || row.deleteAt > this.now()) ? row : undefined;
      if (opts.ifMatch !== undefined) this.checkWriteConditions(live, undefined, opts.ifMatch, ref.name);
      if (row) this.removeRow(tx, row);
      return { existed: !!live };
    });
  }

  /** Bulk delete in one container (S3 DeleteObjects, Swift bulk delete); missing names count as deleted. */
  async deleteObjects(ctx: RequestContext, ref: ContainerRef, names: string[], access: AccessOptions = {}): Promise<DeleteObjectsResult> {
    const c = this.container(ref, ctx);
    const out: DeleteObjectsResult = { deleted: [], errors: [] };
    for (const name of names) {
      try {
        await this.deleteObject(ctx, { projectId: c.projectId, container: c.name, name }, access);
        out.deleted.push(name);
      } catch (e) {
        if (!isCoreError(e)) throw e;
        out.errors.push({ name, kind: e.kind, reason: e.detail.reason, message: e.message });
      }
    }
    return out;
  }

  /** Server-side copy sharing the source's blobs (no byte copy); source read access and destination write access needed. */
  async copyObject(ctx: RequestContext, source: ObjectRef, dest: ObjectRef, opts: CopyObjectOptions = {}): Promise<CopyObjectResult> {
    validateObjectName(source.name);
    validateObjectName(dest.name);
    const sc = this.container(source, ctx);
    const src = this.liveObject(sc.id, source.name);
    this.assertReadObject(ctx, sc, source.name, src, {});
    if (!src) throw this.noSuchKey(source.name);
    if (!opts.copyManifest) {
      this.assertDloSegmentsReadable(ctx, sc, src, {});
      this.assertSloSegmentsReadable(ctx, sc, src, {});
    }
    checkConditions(opts.sourceConditions, src, true);
    const dc = this.container(dest, ctx);
    this.assertWrite(ctx, dc, dest.name, opts);
    this.checkDeleteAt(opts.deleteAt);
    const replace = opts.metadataDirective === 'REPLACE';
    if (sc.id === dc.id && source.name === dest.name && opts.metadataDirective === 'COPY' && opts.tagsDirective !== 'REPLACE' && !opts.acl && !opts.mergeMetadata) {
      throw errors.invalid(
        'This copy request is illegal because it is trying to copy an object to itself without changing the object\'s metadata, storage class, website redirect location or encryption attributes.',
        { reason: 'InvalidRequest' },
      );
    }
    let kind = src.kind;
    let manifest = src.manifest;
    let blobKey = src.blobKey;
    let size = src.size;
    let etag = src.etag;
    let swiftEtag = src.swiftEtag;
    let dloManifest = src.dloManifest;
    if (src.kind === 'dlo' && !opts.copyManifest) {
      // The copy of a DLO is its current content, frozen as a manifest over the segments' blobs.
      const r = this.resolvePieces(sc, src);
      kind = 'multipart';
      manifest = r.pieces.map((p) => ({ blobKey: p.blobKey, offset: p.offset, size: p.size, etag: p.etag, partNumber: p.partNumber }));
      blobKey = null;
      size = r.size;
      dloManifest = null;
      swiftEtag = concatEtag(r.etags);
      etag = r.etags.length ? multipartEtag(r.etags) : swiftEtag;
    } else if (src.kind === 'slo' && !opts.copyManifest) {
      // Swift copies an SLO's content, not its manifest: the copy must not own the source's segment objects
      // (`multipart-manifest=delete` of the copy would delete them). It keeps sharing the segments' blobs.
      kind = 'multipart';
    }
    const userMeta = replace ? lowerKeys(opts.userMetadata) : opts.mergeMetadata ? { ...src.userMeta, ...lowerKeys(opts.userMetadata) } : { ...src.userMeta };
    const contentType = replace || opts.mergeMetadata ? (opts.contentType ?? src.contentType) : src.contentType;
    const sysMeta = replace ? cleanSysMeta(opts.systemMetadata) : opts.mergeMetadata ? { ...src.sysMeta, ...cleanSysMeta(opts.systemMetadata) } : { ...src.sysMeta };
    const tags = opts.tagsDirective === 'REPLACE' ? (opts.tags ?? null) : src.tags;
    if (tags) validateTags(tags, 10);
    const acl = toStoredAcl(opts.acl);
    this.validateAclGrants(acl);
    const id = newId();
    const now = this.now();
    this.db.transaction((tx) => {
      // Re-read the source inside the transaction: its blobs are still referenced, so sharing them is safe.
      const again = tx.select().from(objObjects).where(eq(objObjects.id, src.id)).get();
      if (!again) throw this.noSuchKey(source.name);
      this.checkWriteConditions(this.liveObject(dc.id, dest.name), opts.ifNoneMatch, opts.ifMatch, dest.name);
      this.writeRow(
        tx,
        {
          id,
          containerId: dc.id,
          name: dest.name,
          size,
          etag,
          swiftEtag,
          contentType,
          userMeta,
          sysMeta,
          lastModified: now,
          deleteAt: opts.deleteAt ?? null,
          tags,
          acl,
          checksum: src.checksum,
          kind,
          blobKey,
          manifest,
          dloManifest,
        },
        { ...dest, projectId: dc.projectId },
      );
    });
    return { etag, swiftEtag, size, lastModified: now, sourceLastModified: src.lastModified, versionId: id, checksum: (src.checksum as Checksum | null) ?? undefined };
  }

  /** Swift object POST: replaces user metadata (and content type / system metadata / delete-at) without touching bytes. */
  async updateObjectMetadata(ctx: RequestContext, ref: ObjectRef, opts: UpdateObjectMetadataOptions): Promise<ObjectInfo> {
    validateObjectName(ref.name);
    const c = this.container(ref, ctx);
    this.assertWrite(ctx, c, ref.name, opts, 'POST');
    this.checkDeleteAt(opts.deleteAt);
    const row = this.db.transaction((tx) => {
      const r = this.liveObject(c.id, ref.name);
      if (!r) throw this.noSuchKey(ref.name);
      const deleteAt = opts.keepDeleteAt ? r.deleteAt : (opts.deleteAt ?? null);
      const set = {
        userMeta: lowerKeys(opts.userMetadata),
        contentType: opts.contentType ?? r.contentType,
        sysMeta: opts.systemMetadata ? cleanSysMeta(opts.systemMetadata) : r.sysMeta,
        deleteAt,
        lastModified: this.now(),
      };
      tx.update(objObjects).set(set).where(eq(objObjects.id, r.id)).run();
      if (deleteAt && deleteAt !== r.deleteAt) {
        this.enqueue(tx, 'object.expire', { projectId: c.projectId, container: c.name, name: r.name, versionId: r.id }, { runAt: deleteAt, jobId: `expire:${r.id}:${deleteAt}` });
      }
      return { ...r, ...set };
    });
    return this.info(c, row);
  }

  private objectForAcp(ctx: RequestContext, ref: ObjectRef, write: boolean): { c: ContainerRow; row: ObjectRow } {
    validateObjectName(ref.name);
    const c = this.container(ref, ctx);
    const row = this.liveObject(c.id, ref.name);
    if (write) this.assertWrite(ctx, c, ref.name, {});
    else this.assertReadObject(ctx, c, ref.name, row, {});
    if (!row) throw this.noSuchKey(ref.name);
    return { c, row };
  }

  /**
   * An object for an ACL read or write: READ_ACP is any role on the project or a READ_ACP grant, WRITE_ACP
   * a writing role or a WRITE_ACP grant. Object READ and bucket WRITE are not enough, as in S3 (a WRITE
   * grantee could otherwise grant itself READ on every object).
   */
  private objectForAclChange(ctx: RequestContext, ref: ObjectRef, perm: 'READ_ACP' | 'WRITE_ACP'): { c: ContainerRow; row: ObjectRow } {
    validateObjectName(ref.name);
    const c = this.container(ref, ctx);
    const row = this.liveObject(c.id, ref.name);
    const role = projectRole(ctx, c.projectId);
    const byRole = perm === 'READ_ACP' ? role !== undefined : canWriteRole(role);
    if (!byRole && !(row && s3AclAllows(row.acl as StoredAcl, ctx, perm))) throw errors.forbidden('Access Denied');
    if (!row) throw this.noSuchKey(ref.name);
    return { c, row };
  }

  /** The object's tag set (empty object when none). */
  async getObjectTags(ctx: RequestContext, ref: ObjectRef, access: AccessOptions = {}): Promise<Record<string, string>> {
    void access;
    return { ...(this.objectForAcp(ctx, ref, false).row.tags ?? {}) };
  }

  /** Replaces (or with `null` removes) the object's tag set; does not change lastModified. */
  async putObjectTags(ctx: RequestContext, ref: ObjectRef, tags: Record<string, string> | null, access: AccessOptions = {}): Promise<void> {
    void access;
    const { row } = this.objectForAcp(ctx, ref, true);
    if (tags) validateTags(tags, 10);
    this.db.update(objObjects).set({ tags }).where(eq(objObjects.id, row.id)).run();
  }

  /** The object's ACL (owner = container project); needs READ_ACP. */
  async getObjectAcl(ctx: RequestContext, ref: ObjectRef): Promise<{ owner: string; acl: StoredAcl }> {
    const { c, row } = this.objectForAclChange(ctx, ref, 'READ_ACP');
    return { owner: c.projectId, acl: row.acl as StoredAcl };
  }

  /** Replaces the object's ACL (needs WRITE_ACP); does not change lastModified. Grants to unknown projects → 'InvalidArgument'. */
  async putObjectAcl(ctx: RequestContext, ref: ObjectRef, acl: S3Acl): Promise<void> {
    const { row } = this.objectForAclChange(ctx, ref, 'WRITE_ACP');
    const stored = toStoredAcl(acl);
    this.validateAclGrants(stored);
    this.db.update(objObjects).set({ acl: stored }).where(eq(objObjects.id, row.id)).run();
  }

  /** The container's S3 ACL (owner = project). */
  async getContainerAcl(ctx: RequestContext, ref: ContainerRef): Promise<{ owner: string; acl: StoredAcl }> {
    const c = this.container(ref, ctx);
    if (!projectRole(ctx, c.projectId) && !s3AclAllows(c.s3Acl as StoredAcl, ctx, 'READ_ACP')) throw errors.forbidden('Access Denied');
    return { owner: c.projectId, acl: c.s3Acl as StoredAcl };
  }

  // ------------------------------------------------------------ multipart

  private upload(ctx: RequestContext, ref: ObjectRef, uploadId: string, write: boolean): { c: ContainerRow; up: UploadRow } {
    const c = this.container(ref, ctx);
    if (write) this.assertWrite(ctx, c, ref.name, {});
    else this.assertList(ctx, c);
    const up = this.db.select().from(objUploads).where(eq(objUploads.id, uploadId)).get();
    if (!up || up.containerId !== c.id || up.name !== ref.name) {
      throw errors.notFound('upload', uploadId, 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.');
    }
    return { c, up };
  }

  private uploadView(c: ContainerRow, up: UploadRow): MultipartUpload {
    const s = up.settings as { checksumAlgorithm?: ChecksumAlgorithm; checksumType?: ChecksumType };
    return {
      uploadId: up.id,
      projectId: c.projectId,
      container: c.name,
      name: up.name,
      initiated: up.initiated,
      initiatorUserId: up.initiatorUserId ?? undefined,
      initiatorUserName: up.initiatorUserName ?? undefined,
      checksumAlgorithm: s.checksumAlgorithm,
      checksumType: s.checksumType,
    };
  }

  /** Starts an upload into an existing container; metadata is applied at completion. */
  async createMultipartUpload(ctx: RequestContext, ref: ObjectRef, opts: CreateMultipartOptions = {}): Promise<MultipartUpload> {
    validateObjectName(ref.name);
    const c = this.container(ref, ctx);
    this.assertWrite(ctx, c, ref.name, opts);
    this.checkDeleteAt(opts.deleteAt);
    if (opts.tags) validateTags(opts.tags, 10);
    const acl = toStoredAcl(opts.acl);
    this.validateAclGrants(acl);
    const checksumType = uploadChecksumType(opts.checksumAlgorithm, opts.checksumType);
    const now = this.now();
    const row: UploadRow = {
      id: newId(),
      containerId: c.id,
      name: ref.name,
      initiated: now,
      initiatorUserId: ctx.auth?.userId ?? null,
      initiatorUserName: ctx.auth?.userName ?? null,
      settings: {
        contentType: opts.contentType,
        userMeta: lowerKeys(opts.userMetadata),
        sysMeta: cleanSysMeta(opts.systemMetadata),
        tags: opts.tags,
        acl,
        checksumAlgorithm: opts.checksumAlgorithm,
        checksumType,
        deleteAt: opts.deleteAt,
      },
      completedVersionId: null,
      completedEtag: null,
    };
    this.db.transaction((tx) => {
      tx.insert(objUploads).values(row).run();
      this.enqueue(tx, 'multipart.cleanup', { uploadId: row.id }, { runAt: now + (this.deps.multipartTtlMs ?? 7 * 86_400_000), jobId: `mpu:${row.id}` });
    });
    return this.uploadView(c, row);
  }

  private assertPartNumber(n: number): void {
    if (!Number.isInteger(n) || n < 1 || n > 10000) throw errors.invalid('Part number must be an integer between 1 and 10000, inclusive', { reason: 'InvalidArgument' });
  }

  /** Records a written part blob in `uploadId`, replacing an earlier part of that number. */
  private commitPart(uploadId: string, partNumber: number, res: BlobWriteResult, checksum: Checksum | undefined): Promise<PartInfo> {
    const now = this.now();
    return this.commitOrDrop(res.key, (tx) => {
      const up = tx.select().from(objUploads).where(eq(objUploads.id, uploadId)).get();
      if (!up || up.completedVersionId) throw errors.notFound('upload', uploadId, 'The specified upload does not exist.');
      const old = tx.select().from(objParts).where(and(eq(objParts.uploadId, uploadId), eq(objParts.partNumber, partNumber))).get();
      if (old) {
        tx.delete(objParts).where(and(eq(objParts.uploadId, uploadId), eq(objParts.partNumber, partNumber))).run();
        this.releaseRefs(tx, [old.blobKey]);
      }
      tx.insert(objParts).values({ uploadId, partNumber, blobKey: res.key, size: res.size, etag: res.md5, checksum: checksum?.value ?? null, lastModified: now }).run();
      this.addRefs(tx, [res.key]);
      return { partNumber, size: res.size, etag: res.md5, lastModified: now, checksum };
    });
  }

  /** Streams one part (1..10000) to a fresh blob; a re-upload of the same number replaces it (last finished wins). */
  async uploadPart(ctx: RequestContext, ref: ObjectRef, uploadId: string, partNumber: number, body: ReadableStream<Uint8Array>, opts: UploadPartOptions = {}): Promise<PartInfo> {
    let algorithm: ChecksumAlgorithm | undefined;
    try {
      this.assertPartNumber(partNumber);
      algorithm = (this.upload(ctx, ref, uploadId, true).up.settings as { checksumAlgorithm?: ChecksumAlgorithm }).checksumAlgorithm;
      checkPartAlgorithm(algorithm, opts.checksum?.algorithm);
    } catch (e) {
      await body.cancel().catch(() => undefined);
      throw e;
    }
    // Parts of an upload with an algorithm always get that checksum, sent or not: completion needs them all.
    const { res, checksum } = await this.writeBlob(body, { ...opts, checksum: opts.checksum ?? (algorithm ? { algorithm } : undefined) });
    return this.commitPart(uploadId, partNumber, res, checksum);
  }

  /** Copies a source object (or a byte range of it) into a part; the part's ETag is the MD5 of the copied bytes. */
  async uploadPartCopy(ctx: RequestContext, ref: ObjectRef, uploadId: string, partNumber: number, source: ObjectRef, opts: UploadPartCopyOptions = {}): Promise<PartInfo> {
    this.assertPartNumber(partNumber);
    const algorithm = (this.upload(ctx, ref, uploadId, true).up.settings as { checksumAlgorithm?: ChecksumAlgorithm }).checksumAlgorithm;
    const range = opts.sourceRange;
    if (range && (range.start < 0 || range.end < range.start)) throw errors.invalid('The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy', { reason: 'InvalidArgument' });
    const { head, pieces } = await this.readObject(ctx, source, {}, 'GET');
    checkConditions(opts.sourceConditions, head.info, true);
    let use = pieces;
    if (range) {
      if (range.end >= head.info.size) throw errors.invalid('The requested range is not satisfiable', { reason: 'InvalidRange', size: head.info.size });
      use = slicePieces(pieces, range.start, range.end);
    }
    const size = range ? range.end - range.start + 1 : head.info.size;
    const body = size === 0 ? emptyStream() : await openPieces(this.blobs, use);
    const { res, checksum } = await this.writeBlob(body, { expectedSize: size, checksum: algorithm ? { algorithm } : undefined });
    return this.commitPart(uploadId, partNumber, res, checksum);
  }

  /** Parts uploaded so far, by part number. */
  async listParts(ctx: RequestContext, ref: ObjectRef, uploadId: string, opts: ListPartsOptions = {}): Promise<PartListing> {
    const { c, up } = this.upload(ctx, ref, uploadId, false);
    if (up.completedVersionId) throw errors.notFound('upload', uploadId, 'The specified upload does not exist.');
    const max = Math.min(Math.max(opts.maxParts ?? 1000, 0), 1000);
    const rows = this.db
      .select()
      .from(objParts)
      .where(and(eq(objParts.uploadId, uploadId), gt(objParts.partNumber, opts.partNumberMarker ?? 0)))
      .orderBy(asc(objParts.partNumber))
      .limit(max + 1)
      .all();
    const isTruncated = rows.length > max;
    const { checksumAlgorithm } = up.settings as { checksumAlgorithm?: ChecksumAlgorithm };
    const parts = rows.slice(0, max).map((p) => ({
      partNumber: p.partNumber,
      size: p.size,
      etag: p.etag,
      lastModified: p.lastModified,
      checksum: p.checksum && checksumAlgorithm ? { algorithm: checksumAlgorithm, value: p.checksum, type: 'FULL_OBJECT' as const } : undefined,
    }));
    return { upload: this.uploadView(c, up), parts, isTruncated, nextPartNumberMarker: isTruncated ? parts.at(-1)?.partNumber : undefined };
  }

  /** In-progress uploads of a container, by key then initiation. */
  async listMultipartUploads(ctx: RequestContext, ref: ContainerRef, opts: ListUploadsOptions = {}): Promise<UploadListing> {
    const c = this.container(ref, ctx);
    this.assertList(ctx, c);
    const max = Math.min(Math.max(opts.maxUploads ?? 1000, 0), 1000);
    const prefix = opts.prefix ?? '';
    const rows = this.db
      .select()
      .from(objUploads)
      .where(and(eq(objUploads.containerId, c.id), isNull(objUploads.completedVersionId)))
      .all()
      .filter((u) => u.name.startsWith(prefix))
      .sort((a, b) => compareBytes(a.name, b.name) || a.initiated - b.initiated || compareBytes(a.id, b.id));
    const uploads: MultipartUpload[] = [];
    const commonPrefixes: string[] = [];
    let isTruncated = false;
    let last: { key: string; id?: string } | undefined;
    for (const u of rows) {
      if (opts.keyMarker !== undefined) {
        const cmp = compareBytes(u.name, opts.keyMarker);
        if (cmp < 0) continue;
        if (cmp === 0) {
          if (opts.uploadIdMarker === undefined) continue;
          const idx = rows.findIndex((r) => r.id === opts.uploadIdMarker);
          if (idx === -1 || rows.indexOf(u) <= idx) continue;
        }
      }
      let cp: string | undefined;
      if (opts.delimiter) {
        const i = u.name.indexOf(opts.delimiter, prefix.length);
        if (i !== -1) cp = u.name.slice(0, i + opts.delimiter.length);
      }
      if (cp !== undefined && commonPrefixes.at(-1) === cp) continue;
      if (cp !== undefined && opts.keyMarker !== undefined && compareBytes(cp, opts.keyMarker) <= 0) continue;
      if (uploads.length + commonPrefixes.length >= max) {
        isTruncated = true;
        break;
      }
      if (cp !== undefined) {
        commonPrefixes.push(cp);
        last = { key: cp };
      } else {
        uploads.push(this.uploadView(c, u));
        last = { key: u.name, id: u.id };
      }
    }
    return { uploads, commonPrefixes, isTruncated, nextKeyMarker: isTruncated ? last?.key : undefined, nextUploadIdMarker: isTruncated ? last?.id : undefined };
  }

  /**
   * Completes with S3's rules (InvalidPart, InvalidPartOrder, EntityTooSmall, MalformedManifest for no
   * parts) and writes a manifest object with ETag `hex(md5(concat(binary part md5s)))-N`; no byte copy.
   * Repeating a Complete that already succeeded returns the same result.
   */
  async completeMultipartUpload(ctx: RequestContext, ref: ObjectRef, uploadId: string, parts: CompletePart[], opts: CompleteMultipartOptions = {}): Promise<CompleteMultipartResult> {
    const { c, up } = this.upload(ctx, ref, uploadId, true);
    if (up.completedVersionId) {
      const done = this.db.select().from(objObjects).where(eq(objObjects.id, up.completedVersionId)).get();
      if (done) return { etag: done.etag, size: done.size, lastModified: done.lastModified, versionId: done.id, checksum: (done.checksum as Checksum | null) ?? undefined };
      throw errors.notFound('upload', uploadId, 'The specified upload does not exist.');
    }
    if (!parts.length) throw errors.invalid('The XML you provided was not well-formed or did not validate against our published schema', { reason: 'MalformedManifest' });
    // A part number listed twice (re-uploaded part) counts once, with the last listed ETag.
    const chosen: CompletePart[] = [];
    for (const p of parts) {
      const prev = chosen.at(-1);
      if (prev && p.partNumber < prev.partNumber) throw errors.invalid('The list of parts was not in ascending order. The parts list must be specified in order by part number.', { reason: 'InvalidPartOrder' });
      if (prev && p.partNumber === prev.partNumber) chosen[chosen.length - 1] = p;
      else chosen.push(p);
    }
    const stored = new Map(this.db.select().from(objParts).where(eq(objParts.uploadId, uploadId)).all().map((p) => [p.partNumber, p]));
    const minPart = this.deps.minPartSize ?? 5 * 1024 * 1024;
    const used = chosen.map((p) => {
      const s = stored.get(p.partNumber);
      if (!s || normalizeEtag(p.etag) !== s.etag) {
        throw errors.invalid('One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not have matched the part\'s entity tag.', { reason: 'InvalidPart', partNumber: p.partNumber, etag: p.etag, uploadId });
      }
      return s;
    });
    used.forEach((s, i) => {
      if (i < used.length - 1 && s.size < minPart) {
        throw errors.invalid('Your proposed upload is smaller than the minimum allowed object size.', { reason: 'EntityTooSmall', partNumber: s.partNumber, size: s.size, minSize: minPart, etag: s.etag });
      }
    });
    const etag = multipartEtag(used.map((p) => p.etag));
    const swiftEtag = concatEtag(used.map((p) => p.etag));
    const size = used.reduce((a, p) => a + p.size, 0);
    const settings = up.settings as {
      contentType?: string;
      userMeta?: Record<string, string>;
      sysMeta?: Record<string, string>;
      tags?: Record<string, string>;
      acl?: StoredAcl;
      checksumAlgorithm?: ChecksumAlgorithm;
      checksumType?: ChecksumType;
      deleteAt?: number;
    };
    const checksum = multipartChecksum(settings.checksumAlgorithm, uploadChecksumType(settings.checksumAlgorithm, settings.checksumType), used, {
      given: chosen.map((p) => p.checksum),
      type: opts.checksumType,
      expected: opts.checksum,
    });
    const manifest: ManifestEntry[] = used.map((p) => ({ blobKey: p.blobKey, offset: 0, size: p.size, etag: p.etag, partNumber: p.partNumber, checksum: p.checksum ?? undefined }));
    const id = newId();
    const now = this.now();
    this.db.transaction((tx) => {
      const again = tx.select().from(objUploads).where(eq(objUploads.id, uploadId)).get();
      if (!again || again.completedVersionId) throw errors.notFound('upload', uploadId, 'The specified upload does not exist.');
      this.checkWriteConditions(this.liveObject(c.id, ref.name), opts.ifNoneMatch, opts.ifMatch, ref.name);
      this.writeRow(
        tx,
        {
          id,
          containerId: c.id,
          name: ref.name,
          size,
          etag,
          swiftEtag,
          contentType: settings.contentType || 'application/octet-stream',
          userMeta: settings.userMeta ?? {},
          sysMeta: settings.sysMeta ?? {},
          lastModified: now,
          deleteAt: settings.deleteAt && settings.deleteAt > now ? settings.deleteAt : null,
          tags: settings.tags ?? null,
          acl: settings.acl ?? { canned: 'private', grants: [] },
          checksum: checksum ?? null,
          kind: 'multipart',
          blobKey: null,
          manifest,
          dloManifest: null,
        },
        { ...ref, projectId: c.projectId },
      );
      const all = tx.select().from(objParts).where(eq(objParts.uploadId, uploadId)).all();
      tx.delete(objParts).where(eq(objParts.uploadId, uploadId)).run();
      this.releaseRefs(tx, all.map((p) => p.blobKey));
      tx.update(objUploads).set({ completedVersionId: id, completedEtag: etag }).where(eq(objUploads.id, uploadId)).run();
    });
    return { etag, size, lastModified: now, versionId: id, checksum };
  }

  /** Deletes an upload and releases its parts, in one transaction. */
  private dropUpload(uploadId: string): void {
    this.db.transaction((tx) => {
      const parts = tx.select().from(objParts).where(eq(objParts.uploadId, uploadId)).all();
      tx.delete(objParts).where(eq(objParts.uploadId, uploadId)).run();
      tx.delete(objUploads).where(eq(objUploads.id, uploadId)).run();
      this.releaseRefs(tx, parts.map((p) => p.blobKey));
    });
  }

  /** Aborts the upload and releases its parts; NotFound 'upload' when unknown. */
  async abortMultipartUpload(ctx: RequestContext, ref: ObjectRef, uploadId: string): Promise<void> {
    const { up } = this.upload(ctx, ref, uploadId, true);
    if (up.completedVersionId) throw errors.notFound('upload', uploadId, 'The specified upload does not exist.');
    this.dropUpload(uploadId);
  }

  // ------------------------------------------------------------ SLO / DLO

  /** Swift `multipart-manifest=put`: validates every segment (ManifestSegmentErrors) and stores an SLO referencing their bytes. */
  async putSloManifest(ctx: RequestContext, ref: ObjectRef, segments: SloSegmentInput[], opts: PutSloOptions = {}): Promise<PutObjectResult> {
    validateObjectName(ref.name);
    const c = this.container(ref, ctx);
    this.assertWrite(ctx, c, ref.name, opts);
    this.checkDeleteAt(opts.deleteAt);
    if (!segments.length || segments.length > 1000) throw errors.invalid('Manifest must have 1 to 1000 segments.', { reason: 'MalformedManifest' });
    const problems: Array<[string, string]> = [];
    const manifest: ManifestEntry[] = [];
    const segEtags: string[] = [];
    const partEtags: string[] = [];
    segments.forEach((s, i) => {
      const path = s.path.startsWith('/') ? s.path.slice(1) : s.path;
      const slash = path.indexOf('/');
      if (slash <= 0 || slash === path.length - 1) {
        problems.push([s.path, '400 Bad Request']);
        return;
      }
      const segC = this.findContainer({ projectId: c.projectId, container: path.slice(0, slash) }, ctx);
      const segName = path.slice(slash + 1);
      const seg = segC ? this.liveObject(segC.id, segName) : undefined;
      if (!segC || !seg) {
        problems.push([s.path, '404 Not Found']);
        return;
      }
      try {
        this.assertReadObject(ctx, segC, segName, seg, {});
      } catch {
        problems.push([s.path, '403 Forbidden']);
        return;
      }
      if (seg.kind === 'dlo') {
        problems.push([s.path, 'Nested DLO is not supported']);
        return;
      }
      if (s.etag != null && normalizeEtag(s.etag) !== seg.swiftEtag && normalizeEtag(s.etag) !== seg.etag) problems.push([s.path, 'Etag Mismatch']);
      if (s.sizeBytes != null && s.sizeBytes !== seg.size) problems.push([s.path, 'Size Mismatch']);
      let pieces = this.resolvePieces(segC, seg).pieces as Piece[];
      let range: { start: number; end: number } | undefined;
      if (s.range !== undefined) {
        range = parseSloRange(s.range, seg.size);
        if (!range) {
          problems.push([s.path, 'Unsatisfiable Range']);
          return;
        }
        pieces = slicePieces(pieces, range.start, range.end);
      }
      const segEtag = s.range !== undefined ? `${seg.swiftEtag}:${range!.start}-${range!.end};` : seg.swiftEtag;
      segEtags.push(segEtag);
      partEtags.push(seg.etag);
      for (const p of pieces) {
        manifest.push({ blobKey: p.blobKey, offset: p.offset, size: p.size, etag: seg.swiftEtag, partNumber: i + 1, path: `/${segC.name}/${segName}`, range: s.range, contentType: seg.contentType, lastModified: seg.lastModified });
      }
      if (!pieces.length) manifest.push({ blobKey: seg.blobKey ?? '', offset: 0, size: 0, etag: seg.swiftEtag, partNumber: i + 1, path: `/${segC.name}/${segName}`, range: s.range, contentType: seg.contentType, lastModified: seg.lastModified });
    });
    if (problems.length) throw errors.invalid('Invalid SLO manifest segments.', { reason: 'ManifestSegmentErrors', errors: problems });
    const swiftEtag = concatEtag(segEtags);
    if (opts.expectedEtag !== undefined && normalizeEtag(opts.expectedEtag) !== swiftEtag) {
      throw errors.invalid('Etag mismatch with the manifest.', { reason: 'BadDigest', expected: opts.expectedEtag, calculated: swiftEtag });
    }
    const entries = manifest.filter((e) => e.blobKey !== '');
    const size = entries.reduce((a, e) => a + e.size, 0);
    const etag = multipartEtag(partEtags);
    const id = newId();
    const now = this.now();
    this.db.transaction((tx) => {
      this.checkWriteConditions(this.liveObject(c.id, ref.name), opts.ifNoneMatch, undefined, ref.name);
      // The segments' rows may have been replaced since validation; their blobs must still be referenced to share them.
      for (const e of entries) {
        const r = tx.select().from(objBlobRefs).where(eq(objBlobRefs.blobKey, e.blobKey)).get();
        if (!r || r.refs <= 0) throw errors.conflict('object', 'A segment changed while the manifest was stored; retry.', { reason: 'ManifestSegmentErrors', errors: [[e.path ?? '', '409 Conflict']] });
      }
      this.writeRow(
        tx,
        {
          id,
          containerId: c.id,
          name: ref.name,
          size,
          etag,
          swiftEtag,
          contentType: opts.contentType || 'application/octet-stream',
          userMeta: lowerKeys(opts.userMetadata),
          sysMeta: cleanSysMeta(opts.systemMetadata),
          lastModified: now,
          deleteAt: opts.deleteAt ?? null,
          tags: null,
          acl: { canned: 'private', grants: [] },
          checksum: null,
          kind: 'slo',
          blobKey: null,
          manifest: entries,
          dloManifest: null,
        },
        { ...ref, projectId: c.projectId },
      );
    });
    return { etag, swiftEtag, size, lastModified: now, versionId: id };
  }

  /** Swift `multipart-manifest=get`: the stored segment list of an SLO (also of an S3 multipart object). */
  async getSloManifest(ctx: RequestContext, ref: ObjectRef, access: AccessOptions = {}): Promise<{ info: ObjectInfo; segments: SloSegmentInfo[] }> {
    validateObjectName(ref.name);
    const c = this.container(ref, ctx);
    const row = this.liveObject(c.id, ref.name);
    this.assertReadObject(ctx, c, ref.name, row, access);
    if (!row) throw this.noSuchKey(ref.name);
    const segments: SloSegmentInfo[] = [];
    const byPart = new Map<number, SloSegmentInfo>();
    for (const e of row.manifest ?? []) {
      const seg = byPart.get(e.partNumber);
      if (seg) {
        seg.bytes += e.size;
        continue;
      }
      const s: SloSegmentInfo = {
        name: e.path ?? `/${c.name}/${row.name}/${e.partNumber}`,
        hash: e.etag,
        bytes: e.size,
        contentType: e.contentType ?? 'application/octet-stream',
        lastModified: e.lastModified ?? row.lastModified,
        range: e.range,
      };
      byPart.set(e.partNumber, s);
      segments.push(s);
    }
    return { info: this.info(c, row), segments };
  }

  /** Swift `multipart-manifest=delete`: deletes the manifest and its segment objects. */
  async deleteSloManifest(ctx: RequestContext, ref: ObjectRef, access: AccessOptions = {}): Promise<DeleteSloResult> {
    const { segments, info } = await this.getSloManifest(ctx, ref, access);
    const out: DeleteSloResult = { deleted: [], notFound: [], errors: [] };
    if (info.kind !== 'slo') {
      await this.deleteObject(ctx, ref, access);
      out.deleted.push(`/${info.container}/${info.name}`);
      return out;
    }
    for (const s of segments) {
      const path = s.name.slice(1);
      const slash = path.indexOf('/');
      try {
        const r = await this.deleteObject(ctx, { projectId: info.projectId, container: path.slice(0, slash), name: path.slice(slash + 1) }, access);
        (r.existed ? out.deleted : out.notFound).push(s.name);
      } catch (e) {
        if (isCoreError(e, 'NotFound')) out.notFound.push(s.name);
        else if (isCoreError(e)) out.errors.push({ name: s.name, reason: e.detail.reason ?? e.kind });
        else throw e;
      }
    }
    await this.deleteObject(ctx, ref, access);
    out.deleted.push(`/${info.container}/${info.name}`);
    return out;
  }

  // ------------------------------------------------------------ temp URLs

  /** Checks a Swift TempURL signature against the account's and container's keys; Invalid 'TempUrlInvalid' otherwise. */
  async verifyTempUrl(input: TempUrlInput): Promise<TempUrlGrant> {
    const invalid = () => errors.invalid('Temp URL invalid', { reason: 'TempUrlInvalid' });
    if (!Number.isFinite(input.expires) || input.expires * 1000 <= this.now()) throw invalid();
    if (input.ipRange && (!input.clientIp || !ipInRange(input.clientIp, input.ipRange))) throw invalid();
    const acct = this.db.select().from(objAccounts).where(eq(objAccounts.projectId, input.projectId)).get();
    const cont = this.db.select().from(objContainers).where(and(eq(objContainers.projectId, input.projectId), eq(objContainers.name, input.container))).get();
    const keys = [acct?.metadata['temp-url-key'], acct?.metadata['temp-url-key-2'], cont?.metadata['temp-url-key'], cont?.metadata['temp-url-key-2']].filter((k): k is string => !!k);
    if (!keys.length || !cont) throw invalid();
    let algo: 'sha1' | 'sha256' | 'sha512';
    let given: Buffer;
    const sig = input.signature;
    const m = /^(sha1|sha256|sha512):(.+)$/.exec(sig);
    if (m) {
      algo = m[1] as typeof algo;
      given = Buffer.from(m[2]!.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    } else if (/^[0-9a-f]{40}$/i.test(sig)) {
      algo = 'sha1';
      given = Buffer.from(sig, 'hex');
    } else if (/^[0-9a-f]{64}$/i.test(sig)) {
      algo = 'sha256';
      given = Buffer.from(sig, 'hex');
    } else if (/^[0-9a-f]{128}$/i.test(sig)) {
      algo = 'sha512';
      given = Buffer.from(sig, 'hex');
    } else throw invalid();
    const methods = input.method === 'HEAD' ? ['HEAD', 'GET', 'PUT', 'POST'] : [input.method];
    const path = (input.prefix ? 'prefix:' : '') + input.signedPath;
    for (const method of methods) {
      const msg = `${input.ipRange ? `ip=${input.ipRange}\n` : ''}${method}\n${input.expires}\n${path}`;
      for (const key of keys) {
        const want = createHmac(algo, key).update(msg).digest();
        if (want.length === given.length && timingSafeEqual(want, given)) {
          const grant: TempUrlGrant = Object.freeze({ projectId: input.projectId, container: input.container, name: input.name, isPrefix: !!input.prefix, method });
          this.grants.add(grant);
          return grant;
        }
      }
    }
    throw invalid();
  }

  // ------------------------------------------------------------ maintenance (workers)

  async expireObject(payload: { projectId: string; container: string; name: string; versionId: string }): Promise<void> {
    this.db.transaction((tx) => {
      const row = tx.select().from(objObjects).where(eq(objObjects.id, payload.versionId)).get();
      if (row && row.deleteAt !== null && row.deleteAt <= this.now()) this.removeRow(tx, row);
    });
  }

  async abortStaleUpload(uploadId: string): Promise<void> {
    this.dropUpload(uploadId);
  }

  async collectBlobs(blobKeys: string[]): Promise<void> {
    for (const key of new Set(blobKeys)) {
      if (this.isBlobReferenced(key)) continue;
      await this.blobs.delete(key);
      this.db.delete(objBlobRefs).where(and(eq(objBlobRefs.blobKey, key), sql`${objBlobRefs.refs} <= 0`)).run();
    }
  }

  isBlobReferenced(blobKey: string): boolean {
    const r = this.db.select({ refs: objBlobRefs.refs }).from(objBlobRefs).where(eq(objBlobRefs.blobKey, blobKey)).get();
    return !!r && r.refs > 0;
  }

  async *listBlobRefs(): AsyncIterable<string> {
    let after = '';
    for (;;) {
      const rows = this.db
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
}

/** Swift POST semantics for account/container metadata: set keys (an empty value removes), remove keys. */
function applyMetadataUpdate(current: Record<string, string>, u: MetadataUpdate): Record<string, string> {
  const out = { ...current };
  for (const [k, v] of Object.entries(u.set ?? {})) {
    if (v === '') delete out[k.toLowerCase()];
    else out[k.toLowerCase()] = v;
  }
  for (const k of u.remove ?? []) delete out[k.toLowerCase()];
  return out;
}

/** IPv4 address in CIDR range (or equal to a bare address); IPv6 compares literally. */
function ipInRange(ip: string, range: string): boolean {
  const [net, bitsRaw] = range.split('/');
  const toInt = (a: string) => {
    const p = a.split('.').map(Number);
    if (p.length !== 4 || p.some((n) => !Number.isInteger(n) || n < 0 || n > 255)) return undefined;
    return ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0;
  };
  const a = toInt(ip);
  const n = toInt(net ?? '');
  if (a === undefined || n === undefined) return ip === range;
  const bits = bitsRaw === undefined ? 32 : Number(bitsRaw);
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (a & mask) === (n & mask);
}
