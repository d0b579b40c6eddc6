// Containers (Swift) and buckets (S3): create, head, update, delete and owner resolution.
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import { objAccounts, objBucketConfigs, objContainers, objObjects, objParts, objUploads, type StoredAclJson } from '../db/schema/objects.js';
import { errors } from '../errors.js';
import { assertList, assertOwnerBucketAction, findContainer, mayReadObjects, requireContainer, requireProjectRole } from './authorize.js';
import { refusePublicAcl } from './bucket-guard.js';
import { applyMetadataUpdate, lowerKeys, releaseRefs, validateAclGrants } from './object-rows.js';
import { validateContainerQuota } from './quotas.js';
import { newId, toStoredAcl, validateBucketName, validateContainerName, validateTags } from './rules.js';
import type { ContainerRow, ObjectStoreContext } from './store-context.js';
import type { AccessOptions, ContainerInfo, ContainerRef, CreateContainerOptions, StoredAcl, UpdateContainerOptions } from './types.js';
import { containerInfo } from './views.js';
import { hasNoncurrent } from './versions.js';

/**
 * Creates a container (Swift PUT: `created: false` and metadata/ACL merged when it exists → 202).
 * With `opts.s3`: S3 naming and global-uniqueness rules (see CreateContainerOptions). Member role needed.
 * S3 callers pass `ref.projectId` undefined: the container is created in the caller's project.
 */
export async function createContainer(store: ObjectStoreContext, ctx: RequestContext, ref: ContainerRef, opts: CreateContainerOptions = {}): Promise<{ created: boolean; info: ContainerInfo }> {
  const projectId = ref.projectId ?? ctx.auth?.projectId;
  if (!ctx.auth) throw errors.forbidden('Access Denied');
  if (!projectId) throw errors.forbidden('A project-scoped token is required.');
  requireProjectRole(ctx, projectId, true);
  if (opts.s3) validateBucketName(ref.container);
  else validateContainerName(ref.container);
  validateContainerQuota(opts.metadata);
  if (opts.tags) validateTags(opts.tags, 50);
  const s3Acl = opts.s3Acl ? toStoredAcl(opts.s3Acl) : undefined;
  if (s3Acl) validateAclGrants(store, s3Acl);
  const now = store.now();
  const result = store.db.transaction((tx) => {
    const existing = tx.select().from(objContainers).where(and(eq(objContainers.projectId, projectId), eq(objContainers.name, ref.container))).get();
    if (opts.s3) {
      const other = tx.select({ id: objContainers.id }).from(objContainers).where(and(eq(objContainers.name, ref.container), sql`${objContainers.projectId} <> ${projectId}`)).get();
      if (other) throw errors.conflict('container', 'The requested bucket name is not available.', { reason: 'BucketAlreadyExists', id: ref.container });
      if (existing) {
        // Re-creating one's bucket changes nothing (contents, ACL and tags stay); asking for another ACL or tags is refused, as RGW does for ACLs.
        const otherTags = opts.tags !== undefined && JSON.stringify(opts.tags) !== JSON.stringify(existing.tags ?? {});
        if ((s3Acl && JSON.stringify(s3Acl) !== JSON.stringify(existing.s3Acl as StoredAclJson)) || otherTags) {
          throw errors.conflict('container', 'The requested bucket name is not available.', { reason: 'BucketAlreadyExists', id: ref.container });
        }
        if (opts.s3.failIfOwned) throw errors.conflict('container', 'Your previous request to create the named bucket succeeded and you already own it.', { reason: 'BucketAlreadyOwnedByYou', id: ref.container });
        return { created: false, row: existing };
      }
    }
    if (existing) {
      refusePublicAcl(store, existing, { s3: s3Acl, swiftRead: opts.swiftAcl?.read, swiftWrite: opts.swiftAcl?.write });
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
      tags: opts.tags && Object.keys(opts.tags).length ? opts.tags : null,
      region: opts.region ?? store.deps.region,
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
  return { created: result.created, info: containerInfo(ctx, result.row) };
}

/** Container counters, metadata and ACLs. Needs read access (owner role, or a read/listing ACL). */
export async function headContainer(store: ObjectStoreContext, ctx: RequestContext, ref: ContainerRef, access: AccessOptions = {}): Promise<ContainerInfo> {
  void access;
  const c = requireContainer(store, ref, ctx);
  assertList(store, ctx, c);
  return containerInfo(ctx, c);
}

/**
 * The container's static-web settings (its `web-*` metadata, names without the prefix) when the caller may read
 * its objects; undefined otherwise, or when it has none, so a private container's site shows nothing of itself.
 */
export async function staticWebSettings(store: ObjectStoreContext, ctx: RequestContext, ref: ContainerRef): Promise<Record<string, string> | undefined> {
  const c = findContainer(store, ref, ctx);
  if (!c || !mayReadObjects(store, ctx, c)) return undefined;
  const web = Object.fromEntries(Object.entries(c.metadata ?? {}).flatMap(([k, v]) => (k.toLowerCase().startsWith('web-') ? [[k.toLowerCase().slice(4), v]] : [])));
  return Object.keys(web).length ? web : undefined;
}

/** Swift container POST / S3 Put{BucketAcl,BucketTagging,BucketVersioning}. Owner member role needed. */
export async function updateContainer(store: ObjectStoreContext, ctx: RequestContext, ref: ContainerRef, update: UpdateContainerOptions): Promise<ContainerInfo> {
  const c = requireContainer(store, ref, ctx);
  const action = update.s3Acl || update.swiftAcl ? 's3:PutBucketAcl' : update.versioning ? 's3:PutBucketVersioning' : 's3:PutBucketTagging';
  assertOwnerBucketAction(store, ctx, c, action);
  validateContainerQuota(update.metadata?.set);
  const set: Partial<ContainerRow> = {};
  if (update.metadata) set.metadata = applyMetadataUpdate(c.metadata, update.metadata);
  if (update.swiftAcl?.read !== undefined) set.swiftRead = update.swiftAcl.read;
  if (update.swiftAcl?.write !== undefined) set.swiftWrite = update.swiftAcl.write;
  if (update.s3Acl) {
    const acl = toStoredAcl(update.s3Acl);
    validateAclGrants(store, acl);
    set.s3Acl = acl;
  }
  refusePublicAcl(store, c, { s3: set.s3Acl as StoredAcl | undefined, swiftRead: set.swiftRead, swiftWrite: set.swiftWrite });
  if (update.tags !== undefined) {
    if (update.tags) validateTags(update.tags, 50);
    set.tags = update.tags;
  }
  if (update.versioning) {
    if (c.swiftVersionsLocation || update.swiftVersions) throw errors.conflict('container', 'Versioning cannot be enabled on a container whose writes are archived by Swift versioned writes.', { reason: 'VersioningConflict' });
    set.versioning = update.versioning;
  }
  if (update.swiftVersions !== undefined) {
    if (update.swiftVersions && c.versioning) throw errors.conflict('container', 'Swift versioned writes cannot be set on a bucket with S3 versioning.', { reason: 'VersioningConflict' });
    if (update.swiftVersions) {
      validateContainerName(update.swiftVersions.location);
      if (update.swiftVersions.location === c.name) throw errors.invalid('The versions container must not be the container itself.', { reason: 'InvalidArgument' });
    }
    set.swiftVersionsLocation = update.swiftVersions?.location ?? null;
    set.swiftVersionsMode = update.swiftVersions?.mode ?? null;
  }
  if (Object.keys(set).length) store.db.update(objContainers).set(set).where(eq(objContainers.id, c.id)).run();
  return containerInfo(ctx, store.db.select().from(objContainers).where(eq(objContainers.id, c.id)).get()!);
}

/**
 * Deletes a container without objects, noncurrent versions or delete markers; Conflict `BucketNotEmpty`
 * otherwise. In-progress multipart uploads do not keep it (S3 deletes the bucket and drops them): their
 * parts are released in the same transaction, so their blobs go through the normal `blob.gc` path.
 */
export async function deleteContainer(store: ObjectStoreContext, ctx: RequestContext, ref: ContainerRef): Promise<void> {
  const c = requireContainer(store, ref, ctx);
  assertOwnerBucketAction(store, ctx, c, 's3:DeleteBucket');
  store.db.transaction((tx) => {
    const obj = tx.select({ id: objObjects.id }).from(objObjects).where(eq(objObjects.containerId, c.id)).limit(1).get();
    if (obj || hasNoncurrent(tx, c.id)) throw errors.conflict('container', 'The bucket you tried to delete is not empty.', { reason: 'BucketNotEmpty', id: c.name });
    const uploads = tx.select({ id: objUploads.id }).from(objUploads).where(eq(objUploads.containerId, c.id)).all().map((u) => u.id);
    if (uploads.length) {
      const parts = tx.select({ blobKey: objParts.blobKey }).from(objParts).where(inArray(objParts.uploadId, uploads)).all();
      tx.delete(objParts).where(inArray(objParts.uploadId, uploads)).run();
      releaseRefs(store, tx, parts.map((p) => p.blobKey));
    }
    tx.delete(objUploads).where(eq(objUploads.containerId, c.id)).run();
    tx.delete(objBucketConfigs).where(eq(objBucketConfigs.containerId, c.id)).run();
    tx.delete(objContainers).where(eq(objContainers.id, c.id)).run();
  });
}

/** Which project owns the bucket of that name (S3 resolution, see ContainerRef); undefined if none. No auth check. */
export async function findContainerOwner(store: ObjectStoreContext, ctx: RequestContext, name: string): Promise<string | undefined> {
  return findContainer(store, { container: name }, ctx)?.projectId;
}
