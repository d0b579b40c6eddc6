// Keystone v3 wire shapes of identity resources: every entity with links.self under `{publicUrl}/identity/v3`.
import type { AppCredRow } from '../../../core/identity/application-credentials.js';
import type { AssignmentEntry, Grant } from '../../../core/identity/assignments.js';
import type { CredentialRow, Ec2Credential } from '../../../core/identity/credentials.js';
import type { DomainRow } from '../../../core/identity/domains.js';
import type { GroupRow } from '../../../core/identity/groups.js';
import type { ProjectRow } from '../../../core/identity/projects.js';
import type { RoleRow } from '../../../core/identity/roles.js';
import type { UserRow } from '../../../core/identity/users.js';

/** Keystone's timestamp format: microseconds and `Z`. */
export function isoTime(ms: number | null | undefined): string | null {
  if (ms === null || ms === undefined) return null;
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/**
 * A timestamp as Keystone echoes stored datetimes (Python's `isoformat()` of a naive UTC value):
 * no zone suffix, and microseconds only when there are any (`2026-12-02T13:33:25.714775`).
 */
export function naiveIsoMicros(us: number | null | undefined): string | null {
  if (us === null || us === undefined) return null;
  const ms = Math.floor(us / 1000);
  const micros = us - Math.floor(us / 1_000_000) * 1_000_000;
  const seconds = new Date(ms).toISOString().slice(0, 19);
  return micros ? `${seconds}.${String(micros).padStart(6, '0')}` : seconds;
}

/** Renders identity entities with links under `base` (`{publicUrl}/identity`). */
export class KeystoneViews {
  constructor(private readonly base: string) {}

  private link(path: string) {
    return { self: `${this.base}/v3/${path}` };
  }

  domain(d: DomainRow) {
    return { ...d.extra, id: d.id, name: d.name, description: d.description, enabled: d.enabled, tags: [], options: {}, links: this.link(`domains/${d.id}`) };
  }

  project(p: ProjectRow) {
    return {
      ...p.extra,
      id: p.id,
      name: p.name,
      domain_id: p.domainId,
      description: p.description,
      enabled: p.enabled,
      parent_id: p.parentId ?? p.domainId,
      is_domain: false,
      tags: p.tags,
      options: {},
      links: this.link(`projects/${p.id}`),
    };
  }

  user(u: UserRow) {
    const out: Record<string, unknown> = {
      ...u.extra,
      id: u.id,
      name: u.name,
      domain_id: u.domainId,
      enabled: u.enabled,
      password_expires_at: isoTime(u.passwordExpiresAt),
      options: u.options,
      links: this.link(`users/${u.id}`),
    };
    if (u.email !== null) out.email = u.email;
    if (u.description !== null) out.description = u.description;
    if (u.defaultProjectId !== null) out.default_project_id = u.defaultProjectId;
    return out;
  }

  group(g: GroupRow) {
    return { id: g.id, name: g.name, domain_id: g.domainId, description: g.description, links: this.link(`groups/${g.id}`) };
  }

  role(r: RoleRow) {
    const out: Record<string, unknown> = { id: r.id, name: r.name, domain_id: r.domainId, options: {}, links: this.link(`roles/${r.id}`) };
    if (r.description !== null) out.description = r.description;
    return out;
  }

  /** A role as it appears inside an inference rule (`{id, name, links}`). */
  roleRef(r: RoleRow) {
    return { id: r.id, name: r.name, links: this.link(`roles/${r.id}`) };
  }

  applicationCredential(a: AppCredRow, roles: RoleRow[], secret?: string) {
    const out: Record<string, unknown> = {
      id: a.id,
      name: a.name,
      description: a.description,
      user_id: a.userId,
      project_id: a.projectId,
      system: null,
      expires_at: naiveIsoMicros(a.expiresAtMicros ?? (a.expiresAt === null ? null : a.expiresAt * 1000)),
      unrestricted: a.unrestricted,
      roles: roles.map((r) => ({ id: r.id, name: r.name, domain_id: r.domainId })),
      access_rules: a.accessRules,
      links: this.link(`users/${a.userId}/application_credentials/${a.id}`),
    };
    if (secret !== undefined) out.secret = secret;
    return out;
  }

  credential(r: CredentialRow) {
    return { id: r.id, user_id: r.userId, project_id: r.projectId, type: r.type, blob: r.blob, links: this.link(`credentials/${r.id}`) };
  }

  ec2Credential(e: Ec2Credential) {
    return {
      user_id: e.userId,
      tenant_id: e.projectId,
      access: e.access,
      secret: e.secret,
      trust_id: e.trustId,
      links: this.link(`users/${e.userId}/credentials/OS-EC2/${e.access}`),
    };
  }

  /** The URL path of a stored grant, as Keystone's `links.assignment`. */
  grantPath(g: Grant): string {
    const actor = 'userId' in g.actor ? `users/${g.actor.userId}` : `groups/${g.actor.groupId}`;
    if ('system' in g.target) return `${this.base}/v3/system/${actor}/roles/${g.roleId}`;
    const target = 'projectId' in g.target ? `projects/${g.target.projectId}` : `domains/${g.target.domainId}`;
    if (g.inherited) return `${this.base}/v3/OS-INHERIT/${target}/${actor}/roles/${g.roleId}/inherited_to_projects`;
    return `${this.base}/v3/${target}/${actor}/roles/${g.roleId}`;
  }

  roleAssignment(e: AssignmentEntry) {
    const n = e.names;
    const scope: Record<string, unknown> = {};
    if ('projectId' in e.scope) scope.project = n?.project ?? { id: e.scope.projectId };
    else if ('domainId' in e.scope) scope.domain = n?.domain ?? { id: e.scope.domainId };
    else scope.system = { all: true };
    if (e.inherited) scope['OS-INHERIT:inherited_to'] = 'projects';
    const links: Record<string, string> = { assignment: this.grantPath(e.source) };
    if (e.viaGroupId && e.userId) links.membership = `${this.base}/v3/groups/${e.viaGroupId}/users/${e.userId}`;
    if (e.priorRoleId) links.prior_role = `${this.base}/v3/roles/${e.priorRoleId}`;
    const out: Record<string, unknown> = { role: n?.role ?? { id: e.roleId }, scope, links };
    if (e.userId) out.user = n?.user ?? { id: e.userId };
    if (e.groupId) out.group = n?.group ?? { id: e.groupId };
    return out;
  }
}
