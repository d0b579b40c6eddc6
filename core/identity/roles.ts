// Keystone roles (global and domain-specific) and role inference rules (admin ⇒ member ⇒ reader).
import { and, eq, isNull, or, type SQL } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import { impliedRoles, roleAssignments, roles } from '../db/schema/identity.js';
import { errors } from '../errors.js';
import { authorize } from '../policy/index.js';
import { duplicate, mustGetDomain, mustGetRole, newId, type RoleRow } from './lookup.js';
import type { IdentityDeps, Revoker } from './ports.js';

export type { RoleRow } from './lookup.js';

/** Fields of `POST /v3/roles`. */
export interface RoleCreate {
  name: string;
  domainId?: string | null;
  description?: string | null;
  /** Keystone lets bootstrap choose ids; normally generated. */
  id?: string;
}

/** A role inference rule with both roles resolved. */
export interface InferenceRule {
  prior: RoleRow;
  implied: RoleRow;
}

/** Keystone's `[assignment] prohibited_implied_role`. */
const PROHIBITED_IMPLIED = ['admin'];

/** Roles and their implications. */
export class RolesService {
  constructor(
    private readonly deps: IdentityDeps,
    private readonly revoker: Revoker,
  ) {}

  /** `POST /v3/roles` (`identity:create_role`); names are unique per domain (or globally for global roles). */
  create(ctx: RequestContext, input: RoleCreate): RoleRow {
    authorize(ctx, 'identity:create_role', { domainId: input.domainId ?? undefined });
    const domainId = input.domainId ?? null;
    if (domainId) mustGetDomain(this.deps.db, domainId);
    if (this.findByName(input.name, domainId)) throw duplicate('role', input.name, domainId);
    const row: RoleRow = { id: input.id ?? newId(), name: input.name, domainId, description: input.description ?? null, createdAt: this.deps.clock.now() };
    this.deps.db.insert(roles).values(row).run();
    return row;
  }

  /** `GET /v3/roles`; `domain_id` unset lists global roles, as Keystone does. */
  list(ctx: RequestContext, filter: { name?: string; domainId?: string } = {}): RoleRow[] {
    authorize(ctx, 'identity:list_roles', { domainId: filter.domainId ?? ctx.auth?.domainId });
    const where: SQL[] = [filter.domainId ? eq(roles.domainId, filter.domainId) : isNull(roles.domainId)];
    if (filter.name !== undefined) where.push(eq(roles.name, filter.name));
    return this.deps.db.select().from(roles).where(and(...where)).orderBy(roles.name).all();
  }

  /** `GET /v3/roles/{id}`. */
  get(ctx: RequestContext, id: string): RoleRow {
    const row = this.deps.db.select().from(roles).where(eq(roles.id, id)).get();
    authorize(ctx, 'identity:get_role', { domainId: row?.domainId ?? ctx.auth?.domainId });
    if (!row) throw errors.notFound('role', id);
    return row;
  }

  /** `PATCH /v3/roles/{id}`. */
  update(ctx: RequestContext, id: string, patch: { name?: string; description?: string | null }): RoleRow {
    authorize(ctx, 'identity:update_role', {});
    const current = mustGetRole(this.deps.db, id);
    const next = { ...current };
    if (patch.name !== undefined && patch.name !== current.name) {
      if (this.findByName(patch.name, current.domainId)) throw duplicate('role', patch.name, current.domainId);
      next.name = patch.name;
    }
    if (patch.description !== undefined) next.description = patch.description;
    this.deps.db.update(roles).set(next).where(eq(roles.id, id)).run();
    return next;
  }

  /** `DELETE /v3/roles/{id}`: its grants and inference rules go too; tokens carrying it are revoked. */
  delete(ctx: RequestContext, id: string): void {
    authorize(ctx, 'identity:delete_role', {});
    mustGetRole(this.deps.db, id);
    this.deps.db.transaction((tx) => {
      tx.delete(roleAssignments).where(eq(roleAssignments.roleId, id)).run();
      tx.delete(impliedRoles).where(or(eq(impliedRoles.priorRoleId, id), eq(impliedRoles.impliedRoleId, id))).run();
      tx.delete(roles).where(eq(roles.id, id)).run();
    });
    this.revoker.revoke({ roleId: id });
  }

  /** `PUT /v3/roles/{prior}/implies/{implied}` (`identity:create_implied_role`). */
  createImplied(ctx: RequestContext, priorId: string, impliedId: string): InferenceRule {
    authorize(ctx, 'identity:create_implied_role', {});
    return this.addImplication(priorId, impliedId);
  }

  /** The unchecked form, for bootstrap (`keystone-manage bootstrap` makes admin ⇒ member ⇒ reader). */
  addImplication(priorId: string, impliedId: string): InferenceRule {
    const prior = mustGetRole(this.deps.db, priorId);
    const implied = mustGetRole(this.deps.db, impliedId);
    if (PROHIBITED_IMPLIED.includes(implied.name)) throw errors.forbidden(`${implied.name} cannot be an implied roles.`);
    // Keystone forbids only a global role implying a domain-specific one; a domain-specific role may
    // imply a role of any domain.
    if (prior.domainId === null && implied.domainId) throw errors.forbidden(`${implied.id} cannot be an implied roles.`);
    if (priorId === impliedId || this.implies(impliedId, priorId)) throw errors.invalid('Role inference would create a cycle.');
    this.deps.db.insert(impliedRoles).values({ priorRoleId: priorId, impliedRoleId: impliedId }).onConflictDoNothing().run();
    this.revoker.granted();
    return { prior, implied };
  }

  /** `GET`/`HEAD /v3/roles/{prior}/implies/{implied}`. */
  getImplied(ctx: RequestContext, priorId: string, impliedId: string): InferenceRule {
    authorize(ctx, 'identity:get_implied_role', {});
    const prior = mustGetRole(this.deps.db, priorId);
    const implied = mustGetRole(this.deps.db, impliedId);
    if (!this.directlyImplies(priorId, impliedId)) throw errors.notFound('implied role', impliedId, `${priorId} does not imply ${impliedId}.`);
    return { prior, implied };
  }

  /** `DELETE /v3/roles/{prior}/implies/{implied}`: tokens carrying the prior role are revoked. */
  deleteImplied(ctx: RequestContext, priorId: string, impliedId: string): void {
    authorize(ctx, 'identity:delete_implied_role', {});
    mustGetRole(this.deps.db, priorId);
    mustGetRole(this.deps.db, impliedId);
    if (!this.directlyImplies(priorId, impliedId)) throw errors.notFound('implied role', impliedId, `${priorId} does not imply ${impliedId}.`);
    this.deps.db.delete(impliedRoles).where(and(eq(impliedRoles.priorRoleId, priorId), eq(impliedRoles.impliedRoleId, impliedId))).run();
    this.revoker.revoke({ roleId: priorId });
  }

  /** `GET /v3/roles/{prior}/implies`: the roles the prior role directly implies. */
  listImplied(ctx: RequestContext, priorId: string): { prior: RoleRow; implies: RoleRow[] } {
    authorize(ctx, 'identity:list_implied_roles', {});
    const prior = mustGetRole(this.deps.db, priorId);
    const implies = this.deps.db
      .select({ id: impliedRoles.impliedRoleId })
      .from(impliedRoles)
      .where(eq(impliedRoles.priorRoleId, priorId))
      .all()
      .map((r) => mustGetRole(this.deps.db, r.id));
    return { prior, implies };
  }

  /** `GET /v3/role_inferences`: every rule, grouped by prior role. */
  listInferences(ctx: RequestContext): Array<{ prior: RoleRow; implies: RoleRow[] }> {
    authorize(ctx, 'identity:list_role_inference_rules', {});
    const byPrior = new Map<string, RoleRow[]>();
    for (const r of this.deps.db.select().from(impliedRoles).all()) {
      const list = byPrior.get(r.priorRoleId) ?? [];
      list.push(mustGetRole(this.deps.db, r.impliedRoleId));
      byPrior.set(r.priorRoleId, list);
    }
    return [...byPrior].map(([id, implies]) => ({ prior: mustGetRole(this.deps.db, id), implies }));
  }

  private findByName(name: string, domainId: string | null): RoleRow | undefined {
    return this.deps.db
      .select()
      .from(roles)
      .where(and(eq(roles.name, name), domainId ? eq(roles.domainId, domainId) : isNull(roles.domainId)))
      .get();
  }

  private directlyImplies(priorId: string, impliedId: string): boolean {
    return !!this.deps.db.select().from(impliedRoles).where(and(eq(impliedRoles.priorRoleId, priorId), eq(impliedRoles.impliedRoleId, impliedId))).get();
  }

  /** True when `from` implies `to`, transitively. */
  private implies(from: string, to: string): boolean {
    const seen = new Set<string>();
    const queue = [from];
    while (queue.length) {
      const cur = queue.pop()!;
      if (cur === to) return true;
      if (seen.has(cur)) continue;
      seen.add(cur);
      for (const r of this.deps.db.select().from(impliedRoles).where(eq(impliedRoles.priorRoleId, cur)).all()) queue.push(r.impliedRoleId);
    }
    return false;
  }
}
