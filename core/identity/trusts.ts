// OS-TRUST: a trustor delegates some of its roles on a project to a trustee, who may then get trust-scoped tokens (and redelegate, within limits).
import { and, eq, isNull } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import { trusts } from '../db/schema/catalog.js';
import { projects, roles, users } from '../db/schema/identity.js';
import { errors } from '../errors.js';
import type { RoleRow } from './lookup.js';
import { newId } from './lookup.js';
import type { TrustRecord } from './lookups.js';
import type { IdentityDeps, Revoker } from './ports.js';
import type { RoleResolver } from './tokens/token-service.js';

export type TrustRow = TrustRecord;

/** Keystone's `[trust] max_redelegation_count` default: how deep a chain of redelegations may go. */
export const MAX_REDELEGATION_COUNT = 3;

/** Fields of `POST /v3/OS-TRUST/trusts`. */
export interface TrustCreate {
  trustorUserId: string;
  trusteeUserId: string;
  projectId?: string;
  impersonation: boolean;
  /** Roles by id or by name (names are global roles, or the project's domain's). */
  roles: Array<{ id?: string; name?: string }>;
  expiresAt?: number | null;
  remainingUses?: number | null;
  allowRedelegation?: boolean;
  redelegationCount?: number | null;
}

const forbidden = (what: string) => errors.forbidden(`You are not authorized to perform the requested action: ${what}.`, { reason: 'forbidden-action' });

/** Trusts: create, read, delete, and the checks a trust-scoped token issue makes. */
export class TrustsService {
  constructor(
    private readonly deps: IdentityDeps,
    private readonly revoker: Revoker,
    private readonly roleResolver: RoleResolver,
  ) {}

  private isAdmin(ctx: RequestContext): boolean {
    return !!ctx.auth?.roles.includes('admin');
  }

  private row(id: string): TrustRow | undefined {
    const t = this.deps.db.select().from(trusts).where(eq(trusts.id, id)).get();
    if (!t || t.deletedAt !== null) return undefined;
    if (t.expiresAt !== null && t.expiresAt <= this.deps.clock.now()) return undefined;
    return t;
  }

  /** Role rows by id, in the trust's order. */
  rolesOf(t: TrustRow): RoleRow[] {
    return t.roleIds.map((id) => this.deps.db.select().from(roles).where(eq(roles.id, id)).get()).filter((r): r is RoleRow => r !== undefined);
  }

  /**
   * `POST /v3/OS-TRUST/trusts`: only the trustor creates (`user_id:%(trust.trustor_user_id)s`), delegating roles it
   * holds on the project. From a trust-scoped token it is a redelegation: the parent must allow it, and the new
   * trust may not widen roles, project, impersonation or expiry, and has one redelegation fewer.
   */
  create(ctx: RequestContext, input: TrustCreate): TrustRow {
    const a = ctx.auth;
    if (!a) throw errors.unauthenticated();
    if (a.userId !== input.trustorUserId) throw forbidden('identity:create_trust');
    if (a.appCredentialId) throw forbidden('Using an application credential to create a trust is not allowed');
    const { db } = this.deps;
    const now = this.deps.clock.now();
    if (input.expiresAt !== undefined && input.expiresAt !== null && input.expiresAt <= now) throw errors.invalid('Expiration time must be in the future.');
    if (input.remainingUses !== undefined && input.remainingUses !== null && (!Number.isInteger(input.remainingUses) || input.remainingUses <= 0)) {
      throw errors.invalid("Invalid input for field 'remaining_uses': must be a positive integer or null.");
    }
    if (input.impersonation === undefined || typeof input.impersonation !== 'boolean') throw errors.invalid("Invalid input for field 'impersonation': 'impersonation' is a required property");
    if (!this.userExists(input.trusteeUserId)) throw errors.notFound('user', input.trusteeUserId);
    if (!this.userExists(input.trustorUserId)) throw errors.notFound('user', input.trustorUserId);
    if (input.trusteeUserId === input.trustorUserId) throw forbidden('a trust needs a trustee other than its trustor');
    const roleIds = this.resolveRoles(input.roles, input.projectId);
    if (input.projectId === undefined && roleIds.length) throw errors.invalid('A trust without a project cannot delegate roles.');
    if (input.projectId !== undefined) {
      if (!roleIds.length) throw errors.invalid("Invalid input for field 'roles': a trust on a project needs at least one role.");
    }
    // A redelegation delegates what the parent trust holds (checked below); a first trust, what the trustor holds.
    if (input.projectId !== undefined && !a.trustId) {
      const held = new Set(this.roleResolver.effectiveRoles(input.trustorUserId, { projectId: input.projectId }).map((r) => r.id));
      for (const id of roleIds) if (!held.has(id)) throw forbidden(`The trustor does not hold role ${id} on the project`);
    }
    let redelegationCount = 0;
    if (input.allowRedelegation) {
      const asked = input.redelegationCount ?? MAX_REDELEGATION_COUNT;
      if (!Number.isInteger(asked) || asked < 0) throw errors.invalid("Invalid input for field 'redelegation_count'.");
      if (asked > MAX_REDELEGATION_COUNT) throw forbidden(`Requested redelegation depth of ${asked} is greater than allowed ${MAX_REDELEGATION_COUNT}`);
      redelegationCount = asked;
    }
    let parentId: string | null = null;
    if (a.trustId) {
      const parent = this.row(a.trustId);
      if (!parent) throw errors.unauthenticated();
      if (parent.trusteeUserId !== input.trustorUserId) throw forbidden('A redelegated trust must have the redelegated trust\'s trustee as its trustor');
      if (parent.redelegationCount <= 0) throw forbidden('Requested redelegation is not allowed by the trust this token was issued through');
      if (input.projectId !== (parent.projectId ?? undefined)) throw forbidden('A redelegated trust must be on the same project');
      if (roleIds.some((id) => !parent.roleIds.includes(id))) throw forbidden('Some of the requested roles are not in the redelegated trust');
      if (input.impersonation && !parent.impersonation) throw forbidden('Impersonation is not allowed because the redelegated trust does not allow it');
      if (parent.expiresAt !== null && (input.expiresAt === undefined || input.expiresAt === null || input.expiresAt > parent.expiresAt)) {
        throw forbidden('The requested expiration is later than the redelegated trust\'s');
      }
      if (input.allowRedelegation && redelegationCount >= parent.redelegationCount) {
        if (input.redelegationCount !== undefined && input.redelegationCount !== null) throw forbidden(`Requested redelegation depth of ${redelegationCount} is greater than allowed ${parent.redelegationCount - 1}`);
      }
      redelegationCount = input.allowRedelegation ? Math.min(redelegationCount, parent.redelegationCount - 1) : 0;
      parentId = parent.id;
    }
    const row: TrustRow = {
      id: newId(),
      trustorUserId: input.trustorUserId,
      trusteeUserId: input.trusteeUserId,
      projectId: input.projectId ?? null,
      impersonation: input.impersonation,
      roleIds,
      expiresAt: input.expiresAt ?? null,
      remainingUses: input.remainingUses ?? null,
      redelegationCount,
      redelegatedTrustId: parentId,
      extra: {},
      createdAt: now,
      deletedAt: null,
    };
    db.insert(trusts).values(row).run();
    return row;
  }

  private userExists(id: string): boolean {
    return !!this.deps.db.select({ id: users.id }).from(users).where(eq(users.id, id)).get();
  }

  private resolveRoles(refs: Array<{ id?: string; name?: string }>, projectId: string | undefined): string[] {
    const { db } = this.deps;
    const domainId = projectId ? db.select({ d: projects.domainId }).from(projects).where(eq(projects.id, projectId)).get()?.d : undefined;
    if (projectId && domainId === undefined) throw errors.notFound('project', projectId);
    const out: string[] = [];
    for (const ref of refs) {
      const r = ref.id
        ? db.select().from(roles).where(eq(roles.id, ref.id)).get()
        : db
            .select()
            .from(roles)
            .where(eq(roles.name, ref.name ?? ''))
            .all()
            .find((x) => x.domainId === null || x.domainId === domainId);
      if (!r) throw errors.notFound('role', ref.id ?? ref.name ?? '');
      if (!out.includes(r.id)) out.push(r.id);
    }
    return out;
  }

  /** `GET /v3/OS-TRUST/trusts`: admins see all; others must filter by themselves as trustor or trustee. */
  list(ctx: RequestContext, f: { trustorUserId?: string; trusteeUserId?: string } = {}): TrustRow[] {
    const a = ctx.auth;
    if (!a) throw errors.unauthenticated();
    if (!this.isAdmin(ctx)) {
      const self = (f.trustorUserId !== undefined && f.trustorUserId === a.userId) || (f.trusteeUserId !== undefined && f.trusteeUserId === a.userId);
      if (!self) throw forbidden('identity:list_trusts');
    }
    const where = [isNull(trusts.deletedAt)];
    if (f.trustorUserId !== undefined) where.push(eq(trusts.trustorUserId, f.trustorUserId));
    if (f.trusteeUserId !== undefined) where.push(eq(trusts.trusteeUserId, f.trusteeUserId));
    const now = this.deps.clock.now();
    return this.deps.db
      .select()
      .from(trusts)
      .where(and(...where))
      .orderBy(trusts.createdAt)
      .all()
      .filter((t) => t.expiresAt === null || t.expiresAt > now);
  }

  /** `GET /v3/OS-TRUST/trusts/{id}`: the trustor, the trustee or an admin; 404 for anyone else, as for a missing one. */
  get(ctx: RequestContext, id: string): TrustRow {
    const a = ctx.auth;
    if (!a) throw errors.unauthenticated();
    const t = this.row(id);
    if (!t) throw errors.notFound('trust', id);
    if (!this.isAdmin(ctx) && a.userId !== t.trustorUserId && a.userId !== t.trusteeUserId) throw forbidden('identity:get_trust');
    return t;
  }

  /** `DELETE /v3/OS-TRUST/trusts/{id}`: the trustor or an admin; the trusts redelegated from it go too, and every token issued through them. */
  delete(ctx: RequestContext, id: string): void {
    const a = ctx.auth;
    if (!a) throw errors.unauthenticated();
    const t = this.row(id);
    if (!t) throw errors.notFound('trust', id);
    if (!this.isAdmin(ctx) && a.userId !== t.trustorUserId) throw forbidden('identity:delete_trust');
    const now = this.deps.clock.now();
    const chain = [t.id];
    for (let i = 0; i < chain.length; i++) {
      for (const child of this.deps.db.select({ id: trusts.id }).from(trusts).where(and(eq(trusts.redelegatedTrustId, chain[i]!), isNull(trusts.deletedAt))).all()) chain.push(child.id);
    }
    this.deps.db.transaction((tx) => {
      for (const tid of chain) tx.update(trusts).set({ deletedAt: now }).where(eq(trusts.id, tid)).run();
    });
    for (const tid of chain) this.revoker.revoke({ auditId: tid });
  }

  /**
   * For a trust-scoped token issue: the trust must be live and the caller its trustee; a use is consumed when the
   * trust counts them (Forbidden once none are left). Returns what the token is issued for.
   */
  consume(trusteeUserId: string, id: string): { userId: string; projectId: string; expiresAt: number | null; trustId: string } {
    const t = this.row(id);
    if (!t) throw errors.notFound('trust', id);
    if (t.trusteeUserId !== trusteeUserId) throw forbidden('The user is not the trustee of this trust');
    if (t.projectId === null) throw forbidden('A trust without a project cannot scope a token');
    if (t.remainingUses !== null) {
      if (t.remainingUses <= 0) throw errors.forbidden('No remaining uses for trust.', { reason: 'trust-use-limit' });
      // Compare-and-set so two concurrent issues cannot both take the last use.
      const r = this.deps.db
        .update(trusts)
        .set({ remainingUses: t.remainingUses - 1 })
        .where(and(eq(trusts.id, id), eq(trusts.remainingUses, t.remainingUses)))
        .run();
      if (r.changes === 0) throw errors.forbidden('No remaining uses for trust.', { reason: 'trust-use-limit' });
    }
    return { userId: t.impersonation ? t.trustorUserId : t.trusteeUserId, projectId: t.projectId, expiresAt: t.expiresAt, trustId: t.id };
  }
}
