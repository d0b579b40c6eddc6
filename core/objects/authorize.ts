// Who may do what in the object store: project roles, container ACLs, S3 grants and TempURL grants, checked against stored rows.
import type { RequestContext } from '../context.js';
import { errors } from '../errors.js';
import { canWriteRole, projectRole, s3AclAllows, swiftReadAllowsListing, swiftReadAllowsObject, swiftWriteAllows, type SwiftAccount } from './access.js';
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

/** Container listing: any owner role, a Swift read ACL allowing listings, or an S3 READ grant on the bucket. */
function canListContainer(store: ObjectStoreContext, ctx: RequestContext, c: ContainerRow): boolean {
  return !!projectRole(ctx, c.projectId) || swiftReadAllowsListing(c.swiftRead, ctx, swiftAccount(store, c)) || s3AclAllows(c.s3Acl as StoredAcl, ctx, 'READ');
}

/** Forbidden unless the caller may list `c` (see canListContainer). */
export function assertList(store: ObjectStoreContext, ctx: RequestContext, c: ContainerRow): void {
  if (!canListContainer(store, ctx, c)) throw errors.forbidden('Access Denied');
}

/** Object reads: owner role, Swift read ACL, the object's S3 grant, or a TempURL grant. */
export function assertReadObject(store: ObjectStoreContext, ctx: RequestContext, c: ContainerRow, name: string, row: ObjectRow | undefined, access: AccessOptions | undefined, method = 'GET'): void {
  if (projectRole(ctx, c.projectId) || swiftReadAllowsObject(c.swiftRead, ctx, swiftAccount(store, c)) || grantCovers(store, access, c, name, method)) return;
  if (row && s3AclAllows(row.acl as StoredAcl, ctx, 'READ')) return;
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
    if (!sc || projectRole(ctx, sc.projectId) || swiftReadAllowsObject(sc.swiftRead, ctx, swiftAccount(store, sc)) || s3AclAllows(sc.s3Acl as StoredAcl, ctx, 'READ')) continue;
    throw errors.forbidden('Access Denied');
  }
}

/** Object writes: member role, Swift write ACL, the bucket's S3 WRITE grant, or a TempURL grant. */
export function assertWrite(store: ObjectStoreContext, ctx: RequestContext, c: ContainerRow, name: string | undefined, access: AccessOptions | undefined, method = 'PUT'): void {
  if (canWriteRole(projectRole(ctx, c.projectId))) return;
  if (swiftWriteAllows(c.swiftWrite, ctx, swiftAccount(store, c)) || s3AclAllows(c.s3Acl as StoredAcl, ctx, 'WRITE') || grantCovers(store, access, c, name, method)) return;
  throw errors.forbidden('Access Denied');
}
