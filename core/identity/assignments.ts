// Keystone role assignments: grants on projects, domains and the system, listing, and effective-role computation.
import { and, eq, inArray, isNotNull, or, type SQL } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import type { Db } from '../db/index.js';
import { domains, groupMembers, groups, impliedRoles, projects, roleAssignments, roles, users } from '../db/schema/identity.js';
import { errors } from '../errors.js';
import { authorize, seesAll } from '../policy/index.js';
import { mustGetDomain, mustGetGroup, mustGetProject, mustGetRole, mustGetUser, type ProjectRow, type RoleRow } from './lookup.js';
import type { IdentityDeps, Revoker } from './ports.js';

/** A token scope for which effective roles are computed. */
export type AssignmentScope = { projectId: string } | { domainId: string } | { system: true };

/** Who holds a grant. */
export type Actor = { userId: string } | { groupId: string };

/** One grant as stored: actor holds role on target, optionally inherited to the target's projects. */
export interface Grant {
  actor: Actor;
  target: AssignmentScope;
  roleId: string;
  inherited?: boolean;
}

/** A display name with its owning domain, for `include_names`. */
export interface NamedRef {
  id: string;
  name: string;
  domain?: { id: string; name: string };
}

/** One row of `GET /v3/role_assignments`. */
export interface AssignmentEntry {
  roleId: string;
  userId?: string;
  groupId?: string;
  scope: AssignmentScope;
  /** True for an `OS-INHERIT` assignment shown as such (never in effective mode). */
  inherited: boolean;
  /** The stored grant this entry comes from (differs in effective mode: group, inheritance, implication). */
  source: Grant;
  /** Effective mode: the user is in this group, which holds the grant. */
  viaGroupId?: string;
  /** Effective mode: the role was implied by this one. */
  priorRoleId?: string;
  /** With `include_names`. */
  names?: { role: NamedRef; user?: NamedRef; group?: NamedRef; project?: NamedRef; domain?: NamedRef };
}

/** Filters of `GET /v3/role_assignments`. */
export interface AssignmentQuery {
  userId?: string;
  groupId?: string;
  roleId?: string;
  projectId?: string;
  domainId?: string;
  system?: boolean;
  /** `scope.OS-INHERIT:inherited_to=projects`. */
  inheritedToProjects?: boolean;
  effective?: boolean;
  includeNames?: boolean;
  includeSubtree?: boolean;
}

type AssignmentRow = typeof roleAssignments.$inferSelect;
type AssignmentType = AssignmentRow['type'];

const SYSTEM_TARGET = 'system';

function typeOf(actor: Actor, target: AssignmentScope): AssignmentType {
  const a = 'userId' in actor ? 'User' : 'Group';
  const t = 'projectId' in target ? 'Project' : 'domainId' in target ? 'Domain' : 'System';
  return `${a}${t}` as AssignmentType;
}

function targetIdOf(target: AssignmentScope): string {
  return 'projectId' in target ? target.projectId : 'domainId' in target ? target.domainId : SYSTEM_TARGET;
}

function actorIdOf(actor: Actor): string {
  return 'userId' in actor ? actor.userId : actor.groupId;
}

function grantOf(row: AssignmentRow): Grant {
  const actor: Actor = row.type.startsWith('User') ? { userId: row.actorId } : { groupId: row.actorId };
  const target: AssignmentScope = row.type.endsWith('Project')
    ? { projectId: row.targetId }
    : row.type.endsWith('Domain')
      ? { domainId: row.targetId }
      : { system: true };
  return { actor, target, roleId: row.roleId, inherited: row.inherited };
}

/** Role grants to users and groups. */
export class AssignmentsService {
  constructor(
    private readonly deps: IdentityDeps,
    private readonly revoker: Revoker,
  ) {}

  /** Grants a role (`PUT .../roles/{role}`); granting twice is a no-op, as in Keystone. */
  grant(ctx: RequestContext, g: Grant): void {
    this.authorizeGrant(ctx, 'create', g);
    this.mustExist(g);
    this.deps.db
      .insert(roleAssignments)
      .values({ type: typeOf(g.actor, g.target), actorId: actorIdOf(g.actor), targetId: targetIdOf(g.target), roleId: g.roleId, inherited: !!g.inherited })
      .onConflictDoNothing()
      .run();
    this.revoker.granted();
  }

  /** Checks a grant (`HEAD`/`GET .../roles/{role}`); 404 with Keystone's text when absent. */
  check(ctx: RequestContext, g: Grant): void {
    this.authorizeGrant(ctx, 'check', g);
    this.mustExist(g);
    if (!this.findRow(g)) throw this.notFound(g);
  }

  /** Revokes a grant and revokes the tokens that carried it. */
  revoke(ctx: RequestContext, g: Grant): void {
    this.authorizeGrant(ctx, 'revoke', g);
    this.mustExist(g);
    const row = this.findRow(g);
    if (!row) throw this.notFound(g);
    this.deps.db.delete(roleAssignments).where(this.rowWhere(g)).run();
    const userIds = 'userId' in g.actor ? [g.actor.userId] : this.memberIds(g.actor.groupId);
    for (const userId of userIds) {
      if (g.inherited || 'system' in g.target) this.revoker.revoke({ userId, roleId: g.roleId });
      else if ('projectId' in g.target) this.revoker.revoke({ userId, projectId: g.target.projectId, roleId: g.roleId });
      else this.revoker.revoke({ userId, domainId: g.target.domainId, roleId: g.roleId });
    }
  }

  /** Roles granted directly to `actor` on `target` (`GET /v3/projects/{p}/users/{u}/roles` and friends). */
  listGrants(ctx: RequestContext, actor: Actor, target: AssignmentScope, inherited = false): RoleRow[] {
    this.authorizeGrant(ctx, 'list', { actor, target, roleId: '' });
    if ('userId' in actor) mustGetUser(this.deps.db, actor.userId);
    else mustGetGroup(this.deps.db, actor.groupId);
    this.mustGetTarget(target);
    const ids = this.deps.db
      .select({ roleId: roleAssignments.roleId })
      .from(roleAssignments)
      .where(
        and(
          eq(roleAssignments.type, typeOf(actor, target)),
          eq(roleAssignments.actorId, actorIdOf(actor)),
          eq(roleAssignments.targetId, targetIdOf(target)),
          eq(roleAssignments.inherited, inherited),
        ),
      )
      .all()
      .map((r) => r.roleId);
    if (!ids.length) return [];
    return this.deps.db.select().from(roles).where(inArray(roles.id, ids)).orderBy(roles.name).all();
  }

  /** The user's roles on `scope`: direct, via groups, inherited from domains/parents, implied roles expanded. */
  effectiveRoles(userId: string, scope: AssignmentScope): Array<{ id: string; name: string }> {
    const { db } = this.deps;
    const actors = [userId, ...db.select({ g: groupMembers.groupId }).from(groupMembers).where(eq(groupMembers.userId, userId)).all().map((r) => r.g)];
    const conds: SQL[] = [];
    if ('projectId' in scope) {
      const project = db.select().from(projects).where(eq(projects.id, scope.projectId)).get();
      if (!project) return [];
      conds.push(and(inArray(roleAssignments.type, ['UserProject', 'GroupProject']), eq(roleAssignments.targetId, project.id), eq(roleAssignments.inherited, false))!);
      conds.push(and(inArray(roleAssignments.type, ['UserDomain', 'GroupDomain']), eq(roleAssignments.targetId, project.domainId), eq(roleAssignments.inherited, true))!);
      const ancestors = this.ancestorIds(project);
      if (ancestors.length) {
        conds.push(and(inArray(roleAssignments.type, ['UserProject', 'GroupProject']), inArray(roleAssignments.targetId, ancestors), eq(roleAssignments.inherited, true))!);
      }
    } else if ('domainId' in scope) {
      conds.push(and(inArray(roleAssignments.type, ['UserDomain', 'GroupDomain']), eq(roleAssignments.targetId, scope.domainId), eq(roleAssignments.inherited, false))!);
    } else {
      conds.push(and(inArray(roleAssignments.type, ['UserSystem', 'GroupSystem']), eq(roleAssignments.targetId, SYSTEM_TARGET))!);
    }
    const direct = db
      .select({ roleId: roleAssignments.roleId, type: roleAssignments.type, actorId: roleAssignments.actorId })
      .from(roleAssignments)
      .where(and(inArray(roleAssignments.actorId, actors), or(...conds)))
      .all()
      // A user row must name this user, a group row one of its groups (ids never collide, but be exact).
      .filter((r) => (r.type.startsWith('User') ? r.actorId === userId : r.actorId !== userId))
      .map((r) => r.roleId);
    const all = this.expandImplied(new Set(direct));
    if (!all.size) return [];
    return db
      .select({ id: roles.id, name: roles.name, domainId: roles.domainId })
      .from(roles)
      .where(inArray(roles.id, [...all]))
      .orderBy(roles.name)
      .all()
      // Domain-specific roles never appear in tokens; they only carry implications.
      .filter((r) => r.domainId === null)
      .map(({ id, name }) => ({ id, name }));
  }

  /** Ids of the projects on which the user holds any role (directly, via groups or by inheritance). */
  projectIdsForUser(userId: string): string[] {
    return [...new Set(this.effectiveEntries({ userId, effective: true }).filter((e) => 'projectId' in e.scope).map((e) => (e.scope as { projectId: string }).projectId))];
  }

  /** Ids of the domains on which the user holds a (non-inherited) role, directly or via groups. */
  domainIdsForUser(userId: string): string[] {
    return [...new Set(this.effectiveEntries({ userId, effective: true }).filter((e) => 'domainId' in e.scope).map((e) => (e.scope as { domainId: string }).domainId))];
  }

  /** True when the user holds any system role. */
  hasSystemRoles(userId: string): boolean {
    return this.effectiveRoles(userId, { system: true }).length > 0;
  }

  /** `GET /v3/users/{id}/projects` (`identity:list_user_projects`). */
  listProjectsForUser(ctx: RequestContext, userId: string): ProjectRow[] {
    const user = this.deps.db.select().from(users).where(eq(users.id, userId)).get();
    authorize(ctx, 'identity:list_user_projects', { userId, domainId: user?.domainId });
    if (!user) throw errors.notFound('user', userId);
    const ids = this.projectIdsForUser(userId);
    if (!ids.length) return [];
    return this.deps.db.select().from(projects).where(inArray(projects.id, ids)).orderBy(projects.name).all();
  }

  /** `GET /v3/role_assignments` (`identity:list_role_assignments`). */
  list(ctx: RequestContext, q: AssignmentQuery): AssignmentEntry[] {
    const { db } = this.deps;
    if (q.projectId && q.domainId) throw errors.invalid('Specify a domain or project, not both');
    if (q.userId && q.groupId) throw errors.invalid('Specify a user or group, not both');
    if (q.effective && q.groupId) throw errors.invalid('Combining effective and group filter will always result in an empty list.');
    if (q.includeSubtree && !q.projectId) throw errors.invalid('scope.project.id must be specified if include_subtree is also specified');
    const targetDomain = q.domainId ?? (q.projectId ? db.select({ d: projects.domainId }).from(projects).where(eq(projects.id, q.projectId)).get()?.d : undefined);
    authorize(ctx, q.includeSubtree ? 'identity:list_role_assignments_for_tree' : 'identity:list_role_assignments', {
      domainId: targetDomain ?? ctx.auth?.domainId,
      projectId: q.projectId,
    });
    let entries = this.effectiveEntries(q);
    if (!seesAll(ctx)) {
      // A domain reader sees only assignments on its domain and that domain's projects.
      const own = ctx.auth?.domainId;
      const inDomain = new Set(db.select({ id: projects.id }).from(projects).where(eq(projects.domainId, own ?? '')).all().map((r) => r.id));
      entries = entries.filter((e) => ('domainId' in e.scope ? e.scope.domainId === own : 'projectId' in e.scope ? inDomain.has(e.scope.projectId) : false));
    }
    if (q.includeNames) this.attachNames(entries);
    return entries;
  }

  private effectiveEntries(q: AssignmentQuery): AssignmentEntry[] {
    const { db } = this.deps;
    const where: SQL[] = [];
    let userGroups: string[] = [];
    if (q.userId) {
      userGroups = q.effective ? this.groupIdsOf(q.userId) : [];
      where.push(inArray(roleAssignments.actorId, [q.userId, ...userGroups]));
    }
    if (q.groupId) where.push(and(eq(roleAssignments.actorId, q.groupId), inArray(roleAssignments.type, ['GroupProject', 'GroupDomain', 'GroupSystem']))!);
    if (q.roleId && !q.effective) where.push(eq(roleAssignments.roleId, q.roleId));
    const rows = db.select().from(roleAssignments).where(and(...where)).all();
    let entries: AssignmentEntry[] = rows.map((row) => {
      const g = grantOf(row);
      return { roleId: row.roleId, ...('userId' in g.actor ? { userId: g.actor.userId } : { groupId: g.actor.groupId }), scope: g.target, inherited: row.inherited, source: g };
    });
    if (q.effective) {
      const tree = this.projectTree();
      const expanded: AssignmentEntry[] = [];
      for (const e of entries) {
        if (e.groupId) {
          const members = q.userId ? (userGroups.includes(e.groupId) ? [q.userId] : []) : this.memberIds(e.groupId);
          for (const m of members) expanded.push({ ...e, userId: m, groupId: undefined, viaGroupId: e.groupId });
        } else if (!q.userId || e.userId === q.userId) expanded.push(e);
      }
      const placed: AssignmentEntry[] = [];
      for (const e of expanded) {
        if (!e.inherited) {
          placed.push(e);
          continue;
        }
        const projectIds = 'domainId' in e.scope ? tree.inDomain(e.scope.domainId) : 'projectId' in e.scope ? tree.descendants(e.scope.projectId) : [];
        for (const projectId of projectIds) placed.push({ ...e, scope: { projectId }, inherited: false });
      }
      const rules = this.inferenceRules();
      entries = [];
      for (const e of placed) {
        entries.push(e);
        for (const implied of this.expandImplied(new Set([e.roleId]), rules)) {
          if (implied !== e.roleId) entries.push({ ...e, roleId: implied, priorRoleId: e.roleId });
        }
      }
      // Domain-specific roles only carry implications: Keystone strips them from effective listings
      // after expanding what they imply (_strip_domain_roles).
      const domainRoles = new Set(db.select({ id: roles.id }).from(roles).where(isNotNull(roles.domainId)).all().map((r) => r.id));
      if (domainRoles.size) entries = entries.filter((e) => !domainRoles.has(e.roleId));
      if (q.roleId) entries = entries.filter((e) => e.roleId === q.roleId);
    }
    if (q.projectId) {
      const ids = new Set([q.projectId, ...(q.includeSubtree ? this.projectTree().descendants(q.projectId) : [])]);
      entries = entries.filter((e) => 'projectId' in e.scope && ids.has(e.scope.projectId));
    }
    if (q.domainId) entries = entries.filter((e) => 'domainId' in e.scope && e.scope.domainId === q.domainId);
    if (q.system) entries = entries.filter((e) => 'system' in e.scope);
    if (q.inheritedToProjects) entries = entries.filter((e) => e.inherited);
    return entries;
  }

  private attachNames(entries: AssignmentEntry[]): void {
    const { db } = this.deps;
    const domainNames = new Map(db.select({ id: domains.id, name: domains.name }).from(domains).all().map((d) => [d.id, d.name]));
    const dom = (id: string | null) => (id ? { id, name: domainNames.get(id) ?? '' } : undefined);
    const cache = new Map<string, NamedRef>();
    const named = (kind: string, id: string, load: () => { name: string; domainId: string | null } | undefined): NamedRef => {
      const key = `${kind}:${id}`;
      let ref = cache.get(key);
      if (!ref) {
        const row = load();
        ref = { id, name: row?.name ?? '', ...(row?.domainId ? { domain: dom(row.domainId) } : {}) };
        cache.set(key, ref);
      }
      return ref;
    };
    for (const e of entries) {
      e.names = { role: named('role', e.roleId, () => db.select({ name: roles.name, domainId: roles.domainId }).from(roles).where(eq(roles.id, e.roleId)).get()) };
      if (e.userId) e.names.user = named('user', e.userId, () => db.select({ name: users.name, domainId: users.domainId }).from(users).where(eq(users.id, e.userId!)).get());
      if (e.groupId) e.names.group = named('group', e.groupId, () => db.select({ name: groups.name, domainId: groups.domainId }).from(groups).where(eq(groups.id, e.groupId!)).get());
      if ('projectId' in e.scope) {
        const pid = e.scope.projectId;
        e.names.project = named('project', pid, () => db.select({ name: projects.name, domainId: projects.domainId }).from(projects).where(eq(projects.id, pid)).get());
      }
      if ('domainId' in e.scope) {
        const did = e.scope.domainId;
        e.names.domain = { id: did, name: domainNames.get(did) ?? '' };
      }
    }
  }

  /** Every inference rule as prior → implied ids. */
  private inferenceRules(): Map<string, string[]> {
    const map = new Map<string, string[]>();
    for (const r of this.deps.db.select().from(impliedRoles).all()) {
      const list = map.get(r.priorRoleId) ?? [];
      list.push(r.impliedRoleId);
      map.set(r.priorRoleId, list);
    }
    return map;
  }

  /** The closure of `ids` under role inference. */
  private expandImplied(ids: Set<string>, rules = this.inferenceRules()): Set<string> {
    const out = new Set(ids);
    const queue = [...ids];
    while (queue.length) {
      for (const next of rules.get(queue.pop()!) ?? []) {
        if (!out.has(next)) {
          out.add(next);
          queue.push(next);
        }
      }
    }
    return out;
  }

  private projectTree() {
    const rows = this.deps.db.select({ id: projects.id, parentId: projects.parentId, domainId: projects.domainId }).from(projects).all();
    const children = new Map<string, string[]>();
    for (const r of rows) {
      if (!r.parentId) continue;
      const list = children.get(r.parentId) ?? [];
      list.push(r.id);
      children.set(r.parentId, list);
    }
    return {
      inDomain: (domainId: string) => rows.filter((r) => r.domainId === domainId).map((r) => r.id),
      descendants: (id: string) => {
        const out: string[] = [];
        const queue = [...(children.get(id) ?? [])];
        while (queue.length) {
          const next = queue.pop()!;
          out.push(next);
          queue.push(...(children.get(next) ?? []));
        }
        return out;
      },
    };
  }

  private ancestorIds(project: ProjectRow): string[] {
    const out: string[] = [];
    let parent = project.parentId;
    while (parent && !out.includes(parent)) {
      out.push(parent);
      parent = this.deps.db.select({ p: projects.parentId }).from(projects).where(eq(projects.id, parent)).get()?.p ?? null;
    }
    return out;
  }

  private groupIdsOf(userId: string): string[] {
    return this.deps.db.select({ g: groupMembers.groupId }).from(groupMembers).where(eq(groupMembers.userId, userId)).all().map((r) => r.g);
  }

  private memberIds(groupId: string): string[] {
    return this.deps.db.select({ u: groupMembers.userId }).from(groupMembers).where(eq(groupMembers.groupId, groupId)).all().map((r) => r.u);
  }

  private rowWhere(g: Grant): SQL {
    return and(
      eq(roleAssignments.type, typeOf(g.actor, g.target)),
      eq(roleAssignments.actorId, actorIdOf(g.actor)),
      eq(roleAssignments.targetId, targetIdOf(g.target)),
      eq(roleAssignments.roleId, g.roleId),
      eq(roleAssignments.inherited, !!g.inherited),
    )!;
  }

  private findRow(g: Grant): AssignmentRow | undefined {
    return this.deps.db.select().from(roleAssignments).where(this.rowWhere(g)).get();
  }

  private notFound(g: Grant) {
    return errors.notFound(
      'role_assignment',
      g.roleId,
      `Could not find role assignment with role: ${g.roleId}, user or group: ${actorIdOf(g.actor)}, project, domain, or system: ${targetIdOf(g.target)}.`,
    );
  }

  private mustGetTarget(target: AssignmentScope): void {
    if ('projectId' in target) mustGetProject(this.deps.db, target.projectId);
    else if ('domainId' in target) mustGetDomain(this.deps.db, target.domainId);
  }

  private mustExist(g: Grant): void {
    mustGetRole(this.deps.db, g.roleId);
    if ('userId' in g.actor) mustGetUser(this.deps.db, g.actor.userId);
    else mustGetGroup(this.deps.db, g.actor.groupId);
    this.mustGetTarget(g.target);
  }

  private authorizeGrant(ctx: RequestContext, op: 'create' | 'check' | 'revoke' | 'list', g: Grant): void {
    if ('system' in g.target) {
      const who = 'userId' in g.actor ? 'user' : 'group';
      const action = op === 'list' ? `identity:list_system_grants_for_${who}` : `identity:${op}_system_grant_for_${who}`;
      authorize(ctx, action, {});
      return;
    }
    const action = op === 'list' ? 'identity:list_grants' : op === 'check' ? 'identity:check_grant' : `identity:${op}_grant`;
    const domainId = 'domainId' in g.target ? g.target.domainId : domainOfProject(this.deps.db, g.target.projectId);
    authorize(ctx, action, { domainId, projectId: 'projectId' in g.target ? g.target.projectId : undefined, userId: 'userId' in g.actor ? g.actor.userId : undefined });
  }
}

function domainOfProject(db: Db, projectId: string): string | undefined {
  return db.select({ d: projects.domainId }).from(projects).where(eq(projects.id, projectId)).get()?.d;
}
