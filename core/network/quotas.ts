// Per-project network quotas: limits (stored overrides over configured defaults), usage counts, and the check made inside each create.
import { and, count, eq, ne } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import { netFloatingIps, netNetworks, netPorts, netQuotas, netRouters, netSecurityGroupRules, netSecurityGroups, netSubnetPools, netSubnets } from '../db/schema/network.js';
import { errors } from '../errors.js';
import type { DbOrTx } from '../jobs/outbox.js';
import { badRequest, isAdmin, type NetCtx } from './context.js';
import { QUOTA_RESOURCES, type QuotaDetail, type QuotaResource, type Quotas } from './types.js';

/** The project's current count of `resource`. */
export function usage(db: DbOrTx, projectId: string, resource: QuotaResource): number {
  const n = (q: { get(): { n: number } | undefined }) => Number(q.get()?.n ?? 0);
  switch (resource) {
    case 'network':
      return n(db.select({ n: count() }).from(netNetworks).where(eq(netNetworks.projectId, projectId)));
    case 'subnet':
      return n(db.select({ n: count() }).from(netSubnets).where(eq(netSubnets.projectId, projectId)));
    case 'port':
      return n(db.select({ n: count() }).from(netPorts).where(and(eq(netPorts.projectId, projectId), ne(netPorts.deviceOwner, 'network:router_gateway'))));
    case 'router':
      return n(db.select({ n: count() }).from(netRouters).where(eq(netRouters.projectId, projectId)));
    case 'floatingip':
      return n(db.select({ n: count() }).from(netFloatingIps).where(eq(netFloatingIps.projectId, projectId)));
    case 'security_group':
      return n(db.select({ n: count() }).from(netSecurityGroups).where(eq(netSecurityGroups.projectId, projectId)));
    case 'security_group_rule':
      return n(db.select({ n: count() }).from(netSecurityGroupRules).where(eq(netSecurityGroupRules.projectId, projectId)));
    case 'subnetpool':
      return n(db.select({ n: count() }).from(netSubnetPools).where(eq(netSubnetPools.projectId, projectId)));
    case 'rbac_policy':
      return 0;
  }
}

/** The project's limits: stored overrides over the configured defaults (prepared: inside a transaction it reads that transaction's writes). */
export function limitsOf(nc: NetCtx, projectId: string): Quotas {
  const out = { ...nc.settings.defaultQuotas };
  for (const r of nc.stmts.quotasOf(projectId)) {
    if ((QUOTA_RESOURCES as readonly string[]).includes(r.resource)) out[r.resource as QuotaResource] = r.limit;
  }
  return out;
}

/**
 * Refuses a create that would take `projectId` over its `resource` limit (Neutron's OverQuota, 409:
 * "Quota exceeded for resources: ['port']."). Called inside the creating transaction, which runs alone.
 */
export function checkQuota(nc: NetCtx, tx: DbOrTx, projectId: string, resource: QuotaResource, delta = 1): void {
  if (!projectId) return;
  const limit = limitsOf(nc, projectId)[resource];
  if (limit < 0) return;
  if (usage(tx, projectId, resource) + delta > limit) {
    throw errors.quota(`Quota exceeded for resources: ['${resource}'].`, { type: 'OverQuota', resource });
  }
}

/** Only admins read other projects' quotas or change any (Neutron's policy). */
function requireQuotaRead(ctx: RequestContext, projectId: string): void {
  if (!ctx.auth) throw errors.unauthenticated();
  if (!isAdmin(ctx) && ctx.auth.projectId !== projectId) throw errors.forbidden(`rule:get_quota is disallowed by policy`, { reason: 'policy' });
}

export function getQuotas(nc: NetCtx, ctx: RequestContext, projectId: string): Quotas {
  requireQuotaRead(ctx, projectId);
  return limitsOf(nc, projectId);
}

export function getQuotaDetails(nc: NetCtx, ctx: RequestContext, projectId: string): Record<QuotaResource, QuotaDetail> {
  requireQuotaRead(ctx, projectId);
  const limits = limitsOf(nc, projectId);
  const out = {} as Record<QuotaResource, QuotaDetail>;
  for (const r of QUOTA_RESOURCES) out[r] = { limit: limits[r], used: usage(nc.db, projectId, r), reserved: 0 };
  return out;
}

export function defaultQuotas(nc: NetCtx, ctx: RequestContext): Quotas {
  if (!ctx.auth) throw errors.unauthenticated();
  return { ...nc.settings.defaultQuotas };
}

/** Projects with a stored override and their limits (admin). */
export function listQuotas(nc: NetCtx, ctx: RequestContext): Array<{ projectId: string; quotas: Quotas }> {
  if (!isAdmin(ctx)) throw errors.forbidden('rule:get_quota is disallowed by policy', { reason: 'policy' });
  const projects = [...new Set(nc.db.select({ p: netQuotas.projectId }).from(netQuotas).all().map((r) => r.p))].sort();
  return projects.map((p) => ({ projectId: p, quotas: limitsOf(nc, p) }));
}

/** Sets limits (admin); a limit is an integer ≥ -1. */
export function updateQuotas(nc: NetCtx, ctx: RequestContext, projectId: string, changes: Record<string, unknown>): Quotas {
  if (!isAdmin(ctx)) throw errors.forbidden('rule:update_quota is disallowed by policy', { reason: 'policy' });
  const set: Array<[QuotaResource, number]> = [];
  for (const [k, v] of Object.entries(changes)) {
    if (!(QUOTA_RESOURCES as readonly string[]).includes(k)) throw badRequest(`Unrecognized attribute(s) '${k}'`, 'HTTPBadRequest');
    const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < -1) throw badRequest(`Invalid input for ${k}. Reason: '${String(v)}' is not an integer ≥ -1.`, 'HTTPBadRequest');
    set.push([k as QuotaResource, n]);
  }
  nc.db.transaction((tx) => {
    for (const [resource, limit] of set) {
      tx.insert(netQuotas).values({ projectId, resource, limit }).onConflictDoUpdate({ target: [netQuotas.projectId, netQuotas.resource], set: { limit } }).run();
    }
  });
  return limitsOf(nc, projectId);
}

/** Back to the defaults (admin). */
export function resetQuotas(nc: NetCtx, ctx: RequestContext, projectId: string): void {
  if (!isAdmin(ctx)) throw errors.forbidden('rule:delete_quota is disallowed by policy', { reason: 'policy' });
  nc.db.delete(netQuotas).where(eq(netQuotas.projectId, projectId)).run();
}
