// Keystone domains: CRUD; disabling revokes the domain's tokens, deleting needs a disabled domain and cascades.
import { and, eq, inArray, type SQL } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import { applicationCredentials, credentials, domains, groupMembers, groups, passwordHistory, projects, roleAssignments, roles, users } from '../db/schema/identity.js';
import { assertJsonDepth } from '../bounded-json.js';
import { errors } from '../errors.js';
import { authorize } from '../policy/index.js';
import { duplicate, newId, type DomainRow, EXTRA_TOO_DEEP } from './lookup.js';
import type { IdentityDeps, Revoker } from './ports.js';

export type { DomainRow } from './lookup.js';

/** Fields of `POST /v3/domains`. */
export interface DomainCreate {
  name: string;
  description?: string;
  enabled?: boolean;
  /** Keystone lets an administrator choose the id (as `keystone-manage bootstrap` does with `default`). */
  id?: string;
  extra?: Record<string, unknown>;
}

/** Fields of `PATCH /v3/domains/{id}`. */
export type DomainUpdate = Partial<Omit<DomainCreate, 'id'>>;

/** Domains: the namespaces of projects, users, groups and domain-specific roles. */
export class DomainsService {
  constructor(
    private readonly deps: IdentityDeps,
    private readonly revoker: Revoker,
  ) {}

  /** `POST /v3/domains` (`identity:create_domain`). */
  create(ctx: RequestContext, input: DomainCreate): DomainRow {
    authorize(ctx, 'identity:create_domain', {});
    assertJsonDepth(input.extra, EXTRA_TOO_DEEP);
    const { db } = this.deps;
    if (db.select({ id: domains.id }).from(domains).where(eq(domains.name, input.name)).get()) throw duplicate('domain', input.name);
    const id = input.id ?? newId();
    if (db.select({ id: domains.id }).from(domains).where(eq(domains.id, id)).get()) {
      throw errors.conflict('domain', `Conflict occurred attempting to store domain - Duplicate ID, ${id}.`, { reason: 'duplicate', id });
    }
    const row: DomainRow = { id, name: input.name, description: input.description ?? '', enabled: input.enabled ?? true, extra: input.extra ?? {}, createdAt: this.deps.clock.now() };
    db.insert(domains).values(row).run();
    return row;
  }

  /** `GET /v3/domains` (`identity:list_domains`), filtered by `name` and `enabled`. */
  list(ctx: RequestContext, filter: { name?: string; enabled?: boolean } = {}): DomainRow[] {
    authorize(ctx, 'identity:list_domains', {});
    const where: SQL[] = [];
    if (filter.name !== undefined) where.push(eq(domains.name, filter.name));
    if (filter.enabled !== undefined) where.push(eq(domains.enabled, filter.enabled));
    return this.deps.db.select().from(domains).where(and(...where)).orderBy(domains.name).all();
  }

  /** `GET /v3/domains/{id}` (`identity:get_domain`): also allowed to users whose token is in that domain. */
  get(ctx: RequestContext, id: string): DomainRow {
    authorize(ctx, 'identity:get_domain', { domainId: id });
    const row = this.deps.db.select().from(domains).where(eq(domains.id, id)).get();
    if (!row) throw errors.notFound('domain', id);
    return row;
  }

  /** `PATCH /v3/domains/{id}`; disabling revokes every token scoped to or issued in the domain. */
  update(ctx: RequestContext, id: string, patch: DomainUpdate): DomainRow {
    authorize(ctx, 'identity:update_domain', { domainId: id });
    const { db } = this.deps;
    const current = db.select().from(domains).where(eq(domains.id, id)).get();
    if (!current) throw errors.notFound('domain', id);
    const next = { ...current };
    if (patch.name !== undefined && patch.name !== current.name) {
      if (db.select({ id: domains.id }).from(domains).where(eq(domains.name, patch.name)).get()) throw duplicate('domain', patch.name);
      next.name = patch.name;
    }
    if (patch.description !== undefined) next.description = patch.description;
    if (patch.enabled !== undefined) next.enabled = patch.enabled;
    assertJsonDepth(patch.extra, EXTRA_TOO_DEEP);
    if (patch.extra !== undefined) next.extra = { ...current.extra, ...patch.extra };
    db.update(domains).set(next).where(eq(domains.id, id)).run();
    if (current.enabled && !next.enabled) this.revokeDomain(id);
    return next;
  }

  /** `DELETE /v3/domains/{id}`: the domain must be disabled first; its projects, users, groups and roles go with it. */
  delete(ctx: RequestContext, id: string): void {
    authorize(ctx, 'identity:delete_domain', { domainId: id });
    const { db } = this.deps;
    const current = db.select().from(domains).where(eq(domains.id, id)).get();
    if (!current) throw errors.notFound('domain', id);
    if (current.enabled) throw errors.forbidden('Cannot delete a domain that is enabled, please disable it first.', { reason: 'domain_enabled' });
    const userIds = db.select({ id: users.id }).from(users).where(eq(users.domainId, id)).all().map((r) => r.id);
    const projectIds = db.select({ id: projects.id }).from(projects).where(eq(projects.domainId, id)).all().map((r) => r.id);
    const groupIds = db.select({ id: groups.id }).from(groups).where(eq(groups.domainId, id)).all().map((r) => r.id);
    const roleIds = db.select({ id: roles.id }).from(roles).where(eq(roles.domainId, id)).all().map((r) => r.id);
    db.transaction((tx) => {
      const targets = [id, ...projectIds];
      tx.delete(roleAssignments).where(inArray(roleAssignments.targetId, targets)).run();
      const actors = [...userIds, ...groupIds];
      if (actors.length) tx.delete(roleAssignments).where(inArray(roleAssignments.actorId, actors)).run();
      if (roleIds.length) tx.delete(roleAssignments).where(inArray(roleAssignments.roleId, roleIds)).run();
      if (userIds.length) {
        tx.delete(groupMembers).where(inArray(groupMembers.userId, userIds)).run();
        tx.delete(applicationCredentials).where(inArray(applicationCredentials.userId, userIds)).run();
        tx.delete(credentials).where(inArray(credentials.userId, userIds)).run();
        tx.delete(passwordHistory).where(inArray(passwordHistory.userId, userIds)).run();
      }
      if (groupIds.length) tx.delete(groupMembers).where(inArray(groupMembers.groupId, groupIds)).run();
      if (projectIds.length) {
        tx.delete(applicationCredentials).where(inArray(applicationCredentials.projectId, projectIds)).run();
        tx.delete(credentials).where(inArray(credentials.projectId, projectIds)).run();
      }
      tx.delete(users).where(eq(users.domainId, id)).run();
      tx.delete(groups).where(eq(groups.domainId, id)).run();
      tx.delete(projects).where(eq(projects.domainId, id)).run();
      tx.delete(roles).where(eq(roles.domainId, id)).run();
      tx.delete(domains).where(eq(domains.id, id)).run();
    });
    this.revokeDomain(id);
    for (const userId of userIds) this.revoker.revoke({ userId });
    for (const projectId of projectIds) this.revoker.revoke({ projectId });
  }

  private revokeDomain(id: string): void {
    this.revoker.revoke({ domainId: id });
    for (const p of this.deps.db.select({ id: projects.id }).from(projects).where(eq(projects.domainId, id)).all()) this.revoker.revoke({ projectId: p.id });
    for (const u of this.deps.db.select({ id: users.id }).from(users).where(eq(users.domainId, id)).all()) this.revoker.revoke({ userId: u.id });
  }
}
