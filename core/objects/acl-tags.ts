// Object and container ACLs (S3 Get/PutObjectAcl, GetBucketAcl) and object tag sets.
import { eq } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import { objObjects } from '../db/schema/objects.js';
import { errors } from '../errors.js';
import { canWriteRole, projectRole, s3AclAllows } from './access.js';
import { assertNotDenied, assertReadObject, assertWrite, requireContainer } from './authorize.js';
import { refusePublicAcl } from './bucket-guard.js';
import { liveObject, noSuchKey, validateAclGrants } from './object-rows.js';
import { toStoredAcl, validateObjectName, validateTags } from './rules.js';
import type { ContainerRow, ObjectRow, ObjectStoreContext } from './store-context.js';
import type { AccessOptions, ContainerRef, ObjectRef, S3Acl, StoredAcl } from './types.js';

/** An object for a tag read (object read access) or tag write (object write access); NoSuchKey when missing. */
function objectForAcp(store: ObjectStoreContext, ctx: RequestContext, ref: ObjectRef, write: boolean): { c: ContainerRow; row: ObjectRow } {
  validateObjectName(ref.name);
  const c = requireContainer(store, ref, ctx);
  const row = liveObject(store, c.id, ref.name);
  if (write) assertWrite(store, ctx, c, ref.name, {});
  else assertReadObject(store, ctx, c, ref.name, row, {});
  if (!row) throw noSuchKey(ref.name);
  return { c, row };
}

/**
 * An object for an ACL read or write: READ_ACP is any role on the project or a READ_ACP grant, WRITE_ACP
 * a writing role or a WRITE_ACP grant. Object READ and bucket WRITE are not enough, as in S3 (a WRITE
 * grantee could otherwise grant itself READ on every object).
 */
function objectForAclChange(store: ObjectStoreContext, ctx: RequestContext, ref: ObjectRef, perm: 'READ_ACP' | 'WRITE_ACP'): { c: ContainerRow; row: ObjectRow } {
  validateObjectName(ref.name);
  const c = requireContainer(store, ref, ctx);
  const row = liveObject(store, c.id, ref.name);
  const role = projectRole(ctx, c.projectId);
  const byRole = perm === 'READ_ACP' ? role !== undefined : canWriteRole(role);
  const acl = assertNotDenied(store, ctx, c, perm === 'READ_ACP' ? 's3:GetObjectAcl' : 's3:PutObjectAcl', ref.name, row?.acl as StoredAcl | undefined);
  if (!byRole && !(row && s3AclAllows(acl, ctx, perm))) throw errors.forbidden('Access Denied');
  if (!row) throw noSuchKey(ref.name);
  return { c, row };
}

/** The object's tag set (empty object when none). */
export async function getObjectTags(store: ObjectStoreContext, ctx: RequestContext, ref: ObjectRef, access: AccessOptions = {}): Promise<Record<string, string>> {
  void access;
  return { ...(objectForAcp(store, ctx, ref, false).row.tags ?? {}) };
}

/** Replaces (or with `null` removes) the object's tag set; does not change lastModified. */
export async function putObjectTags(store: ObjectStoreContext, ctx: RequestContext, ref: ObjectRef, tags: Record<string, string> | null, access: AccessOptions = {}): Promise<void> {
  void access;
  const { row } = objectForAcp(store, ctx, ref, true);
  if (tags) validateTags(tags, 10);
  store.db.update(objObjects).set({ tags }).where(eq(objObjects.id, row.id)).run();
}

/** The object's ACL (owner = container project); needs READ_ACP. */
export async function getObjectAcl(store: ObjectStoreContext, ctx: RequestContext, ref: ObjectRef): Promise<{ owner: string; acl: StoredAcl }> {
  const { c, row } = objectForAclChange(store, ctx, ref, 'READ_ACP');
  return { owner: c.projectId, acl: row.acl as StoredAcl };
}

/** Replaces the object's ACL (needs WRITE_ACP); does not change lastModified. Grants to unknown projects → 'InvalidArgument'. */
export async function putObjectAcl(store: ObjectStoreContext, ctx: RequestContext, ref: ObjectRef, acl: S3Acl): Promise<void> {
  const { c, row } = objectForAclChange(store, ctx, ref, 'WRITE_ACP');
  const stored = toStoredAcl(acl);
  validateAclGrants(store, stored);
  refusePublicAcl(store, c, { s3: stored });
  store.db.update(objObjects).set({ acl: stored }).where(eq(objObjects.id, row.id)).run();
}

/** The container's S3 ACL (owner = project). */
export async function getContainerAcl(store: ObjectStoreContext, ctx: RequestContext, ref: ContainerRef): Promise<{ owner: string; acl: StoredAcl }> {
  const c = requireContainer(store, ref, ctx);
  const honoured = assertNotDenied(store, ctx, c, 's3:GetBucketAcl', undefined, c.s3Acl as StoredAcl);
  if (!projectRole(ctx, c.projectId) && !s3AclAllows(honoured, ctx, 'READ_ACP')) throw errors.forbidden('Access Denied');
  return { owner: c.projectId, acl: c.s3Acl as StoredAcl };
}
