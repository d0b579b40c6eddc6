// Who may do what to a container or object: project roles, Swift container ACLs, S3 grants and TempURL grants.
import type { AuthContext, RequestContext } from '../context.js';
import type { AclPermission, StoredAcl } from './types.js';

/** The caller's standing on a project: none, or the strongest role they hold on it. */
export type ProjectRole = 'admin' | 'member' | 'reader' | undefined;

const WRITE_ROLES = ['admin', 'member', 'swiftoperator'];

/** The role that may operate on every account (Swift keystoneauth's `reseller_admin_role`), matched case-insensitively. */
export const RESELLER_ADMIN_ROLE = 'ResellerAdmin';

/** True when the caller holds the reseller admin role (in whatever project the token is scoped to). */
export const isResellerAdmin = (ctx: RequestContext): boolean => !!ctx.auth?.roles.some((r) => r.toLowerCase() === RESELLER_ADMIN_ROLE.toLowerCase());

/**
 * The caller's role on `projectId`: a project-scoped token for that project is required, except that a
 * reseller admin acts as an admin of every account, as keystoneauth authorises `reseller_request`s.
 */
export function projectRole(ctx: RequestContext, projectId: string): ProjectRole {
  const a = ctx.auth;
  if (a && isResellerAdmin(ctx)) return 'admin';
  if (!a || a.projectId !== projectId) return undefined;
  if (a.roles.includes('admin')) return 'admin';
  if (a.roles.some((r) => WRITE_ROLES.includes(r))) return 'member';
  if (a.roles.includes('reader')) return 'reader';
  return undefined;
}

export const canWriteRole = (r: ProjectRole) => r === 'admin' || r === 'member';

/** Keystone's default domain id: the only domain whose identities Swift matches by name (keystoneauth's `default_domain_id`). */
const DEFAULT_DOMAIN_ID = 'default';

/** The Swift account a container belongs to: its project, and that project's domain (undefined when the project is gone). */
export interface SwiftAccount {
  projectId: string;
  domainId: string | undefined;
}

/**
 * Whether ACL entries may name the caller by project and user *name*. Names are unique only within a
 * domain, so keystoneauth (`_is_name_allowed_in_acl`) honours them only when the user, the scoped
 * project and the *account's* project are all in the default domain; a same-named identity in any
 * other domain, or any identity on an account of another domain, matches ids only.
 */
function namesAllowed(a: AuthContext, account: SwiftAccount): boolean {
  if (a.userDomainId !== DEFAULT_DOMAIN_ID) return false;
  if (a.projectDomainId !== undefined && a.projectDomainId !== DEFAULT_DOMAIN_ID) return false;
  return account.domainId === DEFAULT_DOMAIN_ID;
}

/**
 * One element of an `X-Container-Read`/`Write` string matches the authenticated caller, as keystoneauth
 * does: `project:user` is matched by id or `*` (`_authorize_cross_tenant`), and by name only when
 * {@link namesAllowed}; a bare role name counts only for a token scoped to the account's own project
 * (keystoneauth checks roles after its tenant-mismatch denial), case-insensitively.
 */
function userRefMatches(el: string, a: AuthContext, account: SwiftAccount): boolean {
  const i = el.indexOf(':');
  if (i === -1) return a.projectId === account.projectId && a.roles.some((r) => r.toLowerCase() === el.toLowerCase());
  const p = el.slice(0, i);
  const u = el.slice(i + 1);
  const byName = namesAllowed(a, account);
  const pOk = p === '*' || (!!a.projectId && p === a.projectId) || (byName && !!a.projectName && p === a.projectName);
  const uOk = u === '*' || u === a.userId || (byName && u === a.userName);
  return pOk && uOk;
}

function elements(acl: string | null | undefined): string[] {
  return (acl ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Swift read ACL of a container of `account`: object GET/HEAD (`.r:*` allows anyone; user refs allow those users). */
export function swiftReadAllowsObject(acl: string | null | undefined, ctx: RequestContext, account: SwiftAccount): boolean {
  const els = elements(acl);
  if (els.includes('.r:*')) return true;
  const a = ctx.auth;
  return !!a && els.some((e) => !e.startsWith('.') && userRefMatches(e, a, account));
}

/** Swift read ACL of a container of `account`: listing (anonymous needs `.rlistings`; user refs allow listing too). */
export function swiftReadAllowsListing(acl: string | null | undefined, ctx: RequestContext, account: SwiftAccount): boolean {
  const els = elements(acl);
  if (els.includes('.rlistings')) return true;
  const a = ctx.auth;
  return !!a && els.some((e) => !e.startsWith('.') && userRefMatches(e, a, account));
}

/** Swift write ACL of a container of `account`: object PUT/POST/DELETE by the users it names. */
export function swiftWriteAllows(acl: string | null | undefined, ctx: RequestContext, account: SwiftAccount): boolean {
  const a = ctx.auth;
  return !!a && elements(acl).some((e) => !e.startsWith('.') && userRefMatches(e, a, account));
}

/** True when an S3 ACL grants `perm` (or FULL_CONTROL) to the caller; an object's owning project has full control whatever its grants. */
export function s3AclAllows(acl: StoredAcl | undefined, ctx: RequestContext, perm: AclPermission): boolean {
  if (!acl) return false;
  if (acl.owner !== undefined && ctx.auth?.projectId === acl.owner) return true;
  return acl.grants.some((g) => {
    if (g.permission !== perm && g.permission !== 'FULL_CONTROL') return false;
    const ge = g.grantee;
    if (ge.type === 'group') return ge.group === 'AllUsers' || (ge.group === 'AuthenticatedUsers' && !!ctx.auth);
    return !!ctx.auth && ctx.auth.projectId === ge.projectId;
  });
}
