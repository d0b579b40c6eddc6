// Who may do what to a container or object: project roles, Swift container ACLs, S3 grants and TempURL grants.
import type { AuthContext, RequestContext } from '../context.js';
import type { AclPermission, StoredAcl } from './types.js';

/** The caller's standing on a project: none, or the strongest role they hold on it. */
export type ProjectRole = 'admin' | 'member' | 'reader' | undefined;

const WRITE_ROLES = ['admin', 'member', 'swiftoperator'];

/** The caller's role on `projectId` (a project-scoped token for that project is required). */
export function projectRole(ctx: RequestContext, projectId: string): ProjectRole {
  const a = ctx.auth;
  if (!a || a.projectId !== projectId) return undefined;
  if (a.roles.includes('admin')) return 'admin';
  if (a.roles.some((r) => WRITE_ROLES.includes(r))) return 'member';
  if (a.roles.includes('reader')) return 'reader';
  return undefined;
}

export const canWriteRole = (r: ProjectRole) => r === 'admin' || r === 'member';

/** Keystone's default domain id: the only domain whose identities Swift matches by name (keystoneauth's `default_domain_id`). */
const DEFAULT_DOMAIN_ID = 'default';

/**
 * Whether ACL entries may name the caller by project and user *name*. Names are unique only within a
 * domain, so keystoneauth (`_is_name_allowed_in_acl`) honours them only when the user and the scoped
 * project are both in the default domain; a same-named identity in any other domain matches ids only.
 */
function namesAllowed(a: AuthContext): boolean {
  return a.userDomainId === DEFAULT_DOMAIN_ID && (a.projectDomainId === undefined || a.projectDomainId === DEFAULT_DOMAIN_ID);
}

/**
 * One element of an `X-Container-Read`/`Write` string matches the authenticated caller: keystoneauth's
 * `_authorize_cross_tenant`, where `project:user` is matched by id or `*`, and by name only when
 * {@link namesAllowed}.
 */
function userRefMatches(el: string, a: AuthContext): boolean {
  const i = el.indexOf(':');
  if (i === -1) return a.roles.includes(el);
  const p = el.slice(0, i);
  const u = el.slice(i + 1);
  const byName = namesAllowed(a);
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

/** Swift read ACL: object GET/HEAD (`.r:*` allows anyone; user refs allow those users). */
export function swiftReadAllowsObject(acl: string | null | undefined, ctx: RequestContext): boolean {
  const els = elements(acl);
  if (els.includes('.r:*')) return true;
  const a = ctx.auth;
  return !!a && els.some((e) => !e.startsWith('.') && userRefMatches(e, a));
}

/** Swift read ACL: container listing (anonymous needs `.rlistings`; user refs allow listing too). */
export function swiftReadAllowsListing(acl: string | null | undefined, ctx: RequestContext): boolean {
  const els = elements(acl);
  if (els.includes('.rlistings')) return true;
  const a = ctx.auth;
  return !!a && els.some((e) => !e.startsWith('.') && userRefMatches(e, a));
}

/** Swift write ACL: object PUT/POST/DELETE by the users it names. */
export function swiftWriteAllows(acl: string | null | undefined, ctx: RequestContext): boolean {
  const a = ctx.auth;
  return !!a && elements(acl).some((e) => !e.startsWith('.') && userRefMatches(e, a));
}

/** True when an S3 ACL grants `perm` (or FULL_CONTROL) to the caller. */
export function s3AclAllows(acl: StoredAcl | undefined, ctx: RequestContext, perm: AclPermission): boolean {
  if (!acl) return false;
  return acl.grants.some((g) => {
    if (g.permission !== perm && g.permission !== 'FULL_CONTROL') return false;
    const ge = g.grantee;
    if (ge.type === 'group') return ge.group === 'AllUsers' || (ge.group === 'AuthenticatedUsers' && !!ctx.auth);
    return !!ctx.auth && ctx.auth.projectId === ge.projectId;
  });
}
