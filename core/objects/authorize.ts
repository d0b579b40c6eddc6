// Who may do what in the object store: project roles, container ACLs, S3 grants and TempURL grants, checked against stored rows.
import type { RequestContext } from '../context.js';
import { errors } from '../errors.js';
import { canWriteRole, projectRole, s3AclAllows, swiftReadAllowsListing, swiftReadAllowsObject, swiftWriteAllows, type SwiftAccount } from './access.js';
import { bucketConfigs, effectiveS3Acl, effectiveSwiftAcl, policyDecision, type BucketConfigDocs } from './bucket-guard.js';
import type { PolicyDecision } from './bucket-policy.js';
import { parseDloManifest } from './rules.js';
import type { ContainerRow, ObjectRow, ObjectStoreContext } from './store-context.js';
import type { AccessOptions, ContainerRef, StoredAcl } from './types.js';

/** Forbidden unless the caller holds a role on `projectId` (a writing role when `write`). */
export function requireProjectRole(ctx: RequestContext, projectId: string, write: boolean): void {
  const role = projectRole(ctx, projectId);
  if (!role || (write && !canWriteRole(role))) throw errors.forbidden();
}

/** The Swift account `c` belongs to (its project's domain is looked up: names in ACLs depend on it). */
function swiftAccount(store: ObjectStoreContext, c: ContainerRow): SwiftAccount {
  return { projectId: c.projectId, domainId: store.stmts.projectDomainId(c.projectId) };
}

/** Resolves a container ref (S3: the caller's own of that name, else the oldest of that name anywhere). */
export function findContainer(store: ObjectStoreContext, ref: ContainerRef, ctx: RequestContext): ContainerRow | undefined {
  if (ref.projectId !== undefined) return store.stmts.containerByProjectName(ref.projectId, ref.container);
  const own = ctx.auth?.projectId;
  if (own) {
    const mine = store.stmts.containerByProjectName(own, ref.container);
    if (mine) return mine;
  }
  return store.stmts.oldestContainerByName(ref.container);
}

/** The container `ref` resolves to (see findContainer); NotFound `container` when there is none. */
export function requireContainer(store: ObjectStoreContext, ref: ContainerRef, ctx: RequestContext): ContainerRow {
  const c = findContainer(store, ref, ctx);
  if (!c) throw errors.notFound('container', ref.container, 'The specified bucket does not exist.');
  return c;
}

/** True when `access` carries a TempURL grant this service issued that covers `name` in `c` for `method`. */
function grantCovers(store: ObjectStoreContext, access: AccessOptions | undefined, c: ContainerRow, name: string | undefined, method: string): boolean {
  const g = access?.grant;
  if (!g || !store.grants.has(g) || g.projectId !== c.projectId || g.container !== c.name || name === undefined) return false;
  if (g.isPrefix ? !name.startsWith(g.name) : g.name !== name) return false;
  if (g.method === method) return true;
  return method === 'HEAD' && (g.method === 'GET' || g.method === 'PUT' || g.method === 'POST');
}

/** The bucket's configuration and its policy's decision for `action` on `key` (bucket level when undefined). */
function guard(store: ObjectStoreContext, ctx: RequestContext, c: ContainerRow, action: string, key?: string, prefix?: string): { docs: BucketConfigDocs; decision: PolicyDecision } {
  const docs = bucketConfigs(store, c.id);
  return { docs, decision: policyDecision(ctx, c, docs, { action, key, prefix }) };
}

/**
 * Container listing: refused by a policy Deny; else any owner role, a policy Allow, a Swift read ACL
 * allowing listings, or an S3 READ grant on the bucket (public ones dropped under IgnorePublicAcls).
 */
export function canListContainer(store: ObjectStoreContext, ctx: RequestContext, c: ContainerRow, action = 's3:ListBucket', opts: { prefix?: string; key?: string } = {}): boolean {
  const { docs, decision } = guard(store, ctx, c, action, opts.key, opts.prefix);
  if (decision === 'deny') return false;
  if (projectRole(ctx, c.projectId) || decision === 'allow') return true;
  return swiftReadAllowsListing(effectiveSwiftAcl(docs, c.swiftRead), ctx, swiftAccount(store, c)) || s3AclAllows(effectiveS3Acl(docs, c.s3Acl as StoredAcl), ctx, 'READ');
}

/**
 * Forbidden unless the caller may list `c` (see canListContainer). `opts.prefix` is the listing's
 * prefix (policy `s3:prefix`); `opts.key` names the object for object-level listing actions (ListParts).
 */
export function assertList(store: ObjectStoreContext, ctx: RequestContext, c: ContainerRow, opts: { prefix?: string; key?: string } = {}): void {
  if (!canListContainer(store, ctx, c, ctx.facts?.action ?? 's3:ListBucket', opts)) throw errors.forbidden('Access Denied');
}

/** True when the caller may read objects of `c` by its role or the container's Swift read ACL (what a static web site needs). */
export function mayReadObjects(store: ObjectStoreContext, ctx: RequestContext, c: ContainerRow): boolean {
  const { docs, decision } = guard(store, ctx, c, 's3:GetObject', '');
  if (decision === 'deny') return false;
  return !!projectRole(ctx, c.projectId) || decision === 'allow' || swiftReadAllowsObject(effectiveSwiftAcl(docs, c.swiftRead), ctx, swiftAccount(store, c));
}

/**
 * Object reads: refused by a policy Deny (TempURLs included); else owner role, Swift read ACL, a TempURL
 * grant, a policy Allow, or the object's S3 grant (public grants dropped under IgnorePublicAcls).
 * Returns the bucket's configuration it read (readers use its lifecycle rules).
 */
export function assertReadObject(store: ObjectStoreContext, ctx: RequestContext, c: ContainerRow, name: string, row: ObjectRow | undefined, access: AccessOptions | undefined, method = 'GET'): BucketConfigDocs {
  const { docs, decision } = guard(store, ctx, c, ctx.facts?.action ?? 's3:GetObject', name);
  if (decision === 'deny') throw errors.forbidden('Access Denied');
  if (projectRole(ctx, c.projectId) || decision === 'allow' || grantCovers(store, access, c, name, method)) return docs;
  if (swiftReadAllowsObject(effectiveSwiftAcl(docs, c.swiftRead), ctx, swiftAccount(store, c))) return docs;
  if (row && s3AclAllows(effectiveS3Acl(docs, row.acl as StoredAcl), ctx, 'READ')) return docs;
  // A missing key is NoSuchKey only to a caller who may list the container (S3: 403 without s3:ListBucket).
  if (!row && canListContainer(store, ctx, c)) return docs;
  throw errors.forbidden('Access Denied');
}

/**
 * A DLO's bytes come from listing its segment container, which Swift does as the requester: reading (or
 * copying) the manifest needs listing access there too, else anyone who may write one container could read
 * every container of the account through a manifest. Segments beside the manifest are readable already, and
 * a TempURL (which cannot create manifests) stands for its account's owner.
 */
export function assertDloSegmentsReadable(store: ObjectStoreContext, ctx: RequestContext, c: ContainerRow, row: ObjectRow, access: AccessOptions | undefined): void {
  if (row.kind !== 'dlo') return;
  const segContainer = parseDloManifest(row.dloManifest ?? '').container;
  if (segContainer === c.name) return;
  const sc = store.stmts.containerByProjectName(c.projectId, segContainer);
  if (!sc || canListContainer(store, ctx, sc)) return;
  const g = access?.grant;
  if (g && store.grants.has(g) && g.projectId === c.projectId) return;
  throw errors.forbidden('Access Denied');
}

/**
 * Swift fetches an SLO's segments as the caller, so reading its bytes needs object read on every
 * other container holding segments (a public manifest over a private segment container is not a
 * way round that container's ACL). A TempURL grant covers the whole request, as in Swift.
 */
export function assertSloSegmentsReadable(store: ObjectStoreContext, ctx: RequestContext, c: ContainerRow, row: ObjectRow, access: AccessOptions | undefined): void {
  if (row.kind !== 'slo' || !row.manifest) return;
  const g = access?.grant;
  if (g && store.grants.has(g) && g.projectId === c.projectId) return;
  const checked = new Set<string>([c.name]);
  for (const e of row.manifest) {
    if (!e.path) continue;
    const name = e.path.slice(1, e.path.indexOf('/', 1));
    if (checked.has(name)) continue;
    checked.add(name);
    const sc = store.stmts.containerByProjectName(c.projectId, name);
    if (!sc) continue;
    const { docs, decision } = guard(store, ctx, sc, 's3:GetObject', e.path.slice(name.length + 2));
    if (decision === 'deny') throw errors.forbidden('Access Denied');
    if (projectRole(ctx, sc.projectId) || decision === 'allow') continue;
    if (swiftReadAllowsObject(effectiveSwiftAcl(docs, sc.swiftRead), ctx, swiftAccount(store, sc)) || s3AclAllows(effectiveS3Acl(docs, sc.s3Acl as StoredAcl), ctx, 'READ')) continue;
    throw errors.forbidden('Access Denied');
  }
}

/**
 * Object writes: refused by a policy Deny (TempURLs included); else member role, a policy Allow, Swift
 * write ACL, the bucket's S3 WRITE grant (public ones dropped under IgnorePublicAcls), or a TempURL grant.
 */
export function assertWrite(store: ObjectStoreContext, ctx: RequestContext, c: ContainerRow, name: string | undefined, access: AccessOptions | undefined, method = 'PUT'): void {
  const { docs, decision } = guard(store, ctx, c, ctx.facts?.action ?? (method === 'DELETE' ? 's3:DeleteObject' : 's3:PutObject'), name);
  if (decision === 'deny') throw errors.forbidden('Access Denied');
  if (canWriteRole(projectRole(ctx, c.projectId)) || decision === 'allow') return;
  if (swiftWriteAllows(effectiveSwiftAcl(docs, c.swiftWrite), ctx, swiftAccount(store, c)) || s3AclAllows(effectiveS3Acl(docs, c.s3Acl as StoredAcl), ctx, 'WRITE') || grantCovers(store, access, c, name, method)) return;
  throw errors.forbidden('Access Denied');
}

/**
 * Forbidden when the bucket policy explicitly denies `action` (ctx.facts.action when set) on `key`, for
 * checks that grant by other means (ACP grants); returns the S3 ACL `acl` as the bucket honours it.
 */
export function assertNotDenied(store: ObjectStoreContext, ctx: RequestContext, c: ContainerRow, action: string, key: string | undefined, acl?: StoredAcl): StoredAcl | undefined {
  const { docs, decision } = guard(store, ctx, c, ctx.facts?.action ?? action, key);
  if (decision === 'deny') throw errors.forbidden('Access Denied');
  return effectiveS3Acl(docs, acl);
}

/**
 * Bucket-level owner operations (ACL, tagging, versioning, deletion): a member role on the owner
 * project, unless the bucket policy explicitly denies `action`.
 */
export function assertOwnerBucketAction(store: ObjectStoreContext, ctx: RequestContext, c: ContainerRow, action: string): void {
  requireProjectRole(ctx, c.projectId, true);
  if (guard(store, ctx, c, ctx.facts?.action ?? action).decision === 'deny') throw errors.forbidden('Access Denied');
}
