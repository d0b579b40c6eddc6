// Object and container ACLs (S3 Get/PutObjectAcl, GetBucketAcl) and object tag sets.
import type { RequestContext } from '../context.js';
import { errors } from '../errors.js';
import { canWriteRole, projectRole, s3AclAllows } from './access.js';
import { assertNotDenied, assertReadObject, assertWrite, canListContainer, requireContainer } from './authorize.js';
import { refusePublicAcl } from './bucket-guard.js';
import { liveObject, noSuchKey, validateAclGrants } from './object-rows.js';
import { toStoredAcl, validateObjectName, validateTags } from './rules.js';
import type { ContainerRow, ObjectRow, ObjectStoreContext } from './store-context.js';
import { aclView } from './views.js';
import type { AclView, ContainerRef, ObjectRef, S3Acl, StoredAcl, VersionedAccessOptions } from './types.js';
import { rowForRead, updateStoredVersion } from './versions.js';

/**
 * The container and the row of `ref` (its `versionId` version, else the live one). A failed version lookup is
 * returned, not thrown, so that the caller checks access first and a caller without it learns nothing of versions.
 */
function lookupVersion(store: ObjectStoreContext, ctx: RequestContext, ref: ObjectRef, versionId?: string): { c: ContainerRow; row?: ObjectRow; lookupError?: unknown } {
  validateObjectName(ref.name);
  const c = requireContainer(store, ref, ctx);
  try {
    return { c, row: rowForRead(store, c, ref.name, versionId, liveObject(store, c.id, ref.name)) };
  } catch (e) {
    return { c, lookupError: e };
  }
}

/** An object (or `versionId`'s version) for a tag read (object read access) or tag write (object write access); NoSuchKey when missing. */
function objectForAcp(store: ObjectStoreContext, ctx: RequestContext, ref: ObjectRef, write: boolean, versionId?: string): { c: ContainerRow; row: ObjectRow } {
  const { c, row, lookupError } = lookupVersion(store, ctx, ref, versionId);
  if (write) assertWrite(store, ctx, c, ref.name, {});
  else assertReadObject(store, ctx, c, ref.name, row, {});
  if (lookupError) throw lookupError;
  if (!row) throw noSuchKey(ref.name);
  return { c, row };
}

/**
 * An object for an ACL read or write: READ_ACP is any role on the project or a READ_ACP grant, WRITE_ACP
 * a writing role or a WRITE_ACP grant. Object READ and bucket WRITE are not enough, as in S3 (a WRITE
 * grantee could otherwise grant itself READ on every object).
 */
function objectForAclChange(store: ObjectStoreContext, ctx: RequestContext, ref: ObjectRef, perm: 'READ_ACP' | 'WRITE_ACP', versionId?: string): { c: ContainerRow; row: ObjectRow } {
  const { c, row, lookupError } = lookupVersion(store, ctx, ref, versionId);
  const role = projectRole(ctx, c.projectId);
  const byRole = perm === 'READ_ACP' ? role !== undefined : canWriteRole(role);
  const acl = assertNotDenied(store, ctx, c, perm === 'READ_ACP' ? 's3:GetObjectAcl' : 's3:PutObjectAcl', ref.name, row?.acl as StoredAcl | undefined);
  // As for reads, a missing key is NoSuchKey only to a caller who may list the container.
  if (!row && (byRole || canListContainer(store, ctx, c))) throw noSuchKey(ref.name);
  if (!byRole && !(row && s3AclAllows(acl, ctx, perm))) throw errors.forbidden('Access Denied');
  if (lookupError) throw lookupError;
  if (!row) throw noSuchKey(ref.name);
  return { c, row };
}

/** The object's tag set (empty object when none). */
export async function getObjectTags(store: ObjectStoreContext, ctx: RequestContext, ref: ObjectRef, access: VersionedAccessOptions = {}): Promise<Record<string, string>> {
  return { ...(objectForAcp(store, ctx, ref, false, access.versionId).row.tags ?? {}) };
}

/** Replaces (or with `null` removes) the object's tag set; does not change lastModified. */
export async function putObjectTags(store: ObjectStoreContext, ctx: RequestContext, ref: ObjectRef, tags: Record<string, string> | null, access: VersionedAccessOptions = {}): Promise<void> {
  const { row } = objectForAcp(store, ctx, ref, true, access.versionId);
  if (tags) validateTags(tags, 10);
  updateStoredVersion(store, row.id, { tags });
}

/** The object's ACL (owner = the writing project, else the container's); needs READ_ACP (the owner always has it). */
export async function getObjectAcl(store: ObjectStoreContext, ctx: RequestContext, ref: ObjectRef, access: VersionedAccessOptions = {}): Promise<AclView> {
  const { c, row } = objectForAclChange(store, ctx, ref, 'READ_ACP', access.versionId);
  return aclView(store, c.projectId, row.acl as StoredAcl);
}

/** Replaces the object's ACL (needs WRITE_ACP); does not change lastModified. Grants to unknown projects → 'InvalidArgument'. */
export async function putObjectAcl(store: ObjectStoreContext, ctx: RequestContext, ref: ObjectRef, acl: S3Acl, access: VersionedAccessOptions = {}): Promise<void> {
  const { c, row } = objectForAclChange(store, ctx, ref, 'WRITE_ACP', access.versionId);
  const owner = (row.acl as StoredAcl).owner;
  // The owner stays the writer: replacing the grants does not transfer the object.
  const stored = owner === undefined ? toStoredAcl(acl) : { ...toStoredAcl(acl), owner };
  validateAclGrants(store, stored);
  refusePublicAcl(store, c, { s3: stored });
  updateStoredVersion(store, row.id, { acl: stored });
}

/** The container's S3 ACL (owner = project). */
export async function getContainerAcl(store: ObjectStoreContext, ctx: RequestContext, ref: ContainerRef): Promise<AclView> {
  const c = requireContainer(store, ref, ctx);
  const honoured = assertNotDenied(store, ctx, c, 's3:GetBucketAcl', undefined, c.s3Acl as StoredAcl);
  if (!projectRole(ctx, c.projectId) && !s3AclAllows(honoured, ctx, 'READ_ACP')) throw errors.forbidden('Access Denied');
  return aclView(store, c.projectId, c.s3Acl as StoredAcl);
}
