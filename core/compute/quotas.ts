// Compute quotas: limits (defaults or per project), atomic claims of instances/cores/RAM, and the usage os-quota-sets and limits show.
import { and, count, eq, isNull, sql } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import { cmpInstances, cmpKeypairs, cmpQuotaLimits, cmpQuotaUsage, cmpServerGroups } from '../db/schema/compute.js';
import { errors } from '../errors.js';
import type { DbOrTx } from '../jobs/outbox.js';
import { isAdmin, requireRule, type ComputeContext } from './context.js';
import { QUOTA_RESOURCES, type QuotaDetail, type QuotaResource } from './types.js';

/** A project's limit for each resource (-1: unlimited). */
export function limitsOf(cc: ComputeContext, db: DbOrTx, projectId: string): Record<QuotaResource, number> {
  const out = { ...cc.defaultQuotas };
  for (const r of db.select().from(cmpQuotaLimits).where(eq(cmpQuotaLimits.projectId, projectId)).all()) {
    if ((QUOTA_RESOURCES as readonly string[]).includes(r.resource)) out[r.resource as QuotaResource] = r.hardLimit;
  }
  return out;
}

function usageRow(db: DbOrTx, projectId: string) {
  return db.select().from(cmpQuotaUsage).where(eq(cmpQuotaUsage.projectId, projectId)).get() ?? { projectId, instances: 0, cores: 0, ramMb: 0 };
}

/**
 * Claims `n` instances of `vcpus`/`ramMb` each for `projectId` inside `tx` with ONE conditional
 * UPDATE, so concurrent boots (any process, either database) never pass the limits. Throws Nova's
 * quota message (403 on the wire) naming the first resource over its limit.
 */
export function claimInstances(cc: ComputeContext, tx: DbOrTx, projectId: string, n: number, vcpus: number, ramMb: number): void {
  const lim = limitsOf(cc, tx, projectId);
  tx.insert(cmpQuotaUsage).values({ projectId, instances: 0, cores: 0, ramMb: 0 }).onConflictDoNothing().run();
  const cond = [eq(cmpQuotaUsage.projectId, projectId)];
  if (lim.instances >= 0) cond.push(sql`${cmpQuotaUsage.instances} + ${n} <= ${lim.instances}`);
  if (lim.cores >= 0) cond.push(sql`${cmpQuotaUsage.cores} + ${n * vcpus} <= ${lim.cores}`);
  if (lim.ram >= 0) cond.push(sql`${cmpQuotaUsage.ramMb} + ${n * ramMb} <= ${lim.ram}`);
  const changed = tx
    .update(cmpQuotaUsage)
    .set({ instances: sql`${cmpQuotaUsage.instances} + ${n}`, cores: sql`${cmpQuotaUsage.cores} + ${n * vcpus}`, ramMb: sql`${cmpQuotaUsage.ramMb} + ${n * ramMb}` })
    .where(and(...cond))
    .run().changes;
  if (changed > 0) return;
  const used = usageRow(tx, projectId);
  const over: Array<[string, number, number, number]> = [
    ['instances', n, used.instances, lim.instances],
    ['cores', n * vcpus, used.cores, lim.cores],
    ['ram', n * ramMb, used.ramMb, lim.ram],
  ];
  const bad = over.filter(([, req, u, l]) => l >= 0 && u + req > l);
  const [res, req, u, l] = bad[0] ?? over[0]!;
  throw errors.quota(`Quota exceeded for ${res}: Requested ${req}, but already used ${u} of ${l} ${res}`, { reason: 'instances', resource: res, allowed: Math.max(0, l - u) });
}

/** Returns what one instance claimed (on delete, or when a boot is rolled back). */
export function releaseInstance(tx: DbOrTx, projectId: string, vcpus: number, ramMb: number): void {
  tx.update(cmpQuotaUsage)
    .set({
      instances: sql`CASE WHEN ${cmpQuotaUsage.instances} > 0 THEN ${cmpQuotaUsage.instances} - 1 ELSE 0 END`,
      cores: sql`CASE WHEN ${cmpQuotaUsage.cores} > ${vcpus} THEN ${cmpQuotaUsage.cores} - ${vcpus} ELSE 0 END`,
      ramMb: sql`CASE WHEN ${cmpQuotaUsage.ramMb} > ${ramMb} THEN ${cmpQuotaUsage.ramMb} - ${ramMb} ELSE 0 END`,
    })
    .where(eq(cmpQuotaUsage.projectId, projectId))
    .run();
}

/** Moves a resized instance's claim from one flavor to another (conditional on the limits when growing). */
export function adjustInstance(cc: ComputeContext, tx: DbOrTx, projectId: string, dVcpus: number, dRam: number): void {
  const lim = limitsOf(cc, tx, projectId);
  const cond = [eq(cmpQuotaUsage.projectId, projectId)];
  if (dVcpus > 0 && lim.cores >= 0) cond.push(sql`${cmpQuotaUsage.cores} + ${dVcpus} <= ${lim.cores}`);
  if (dRam > 0 && lim.ram >= 0) cond.push(sql`${cmpQuotaUsage.ramMb} + ${dRam} <= ${lim.ram}`);
  const changed = tx
    .update(cmpQuotaUsage)
    .set({ cores: sql`${cmpQuotaUsage.cores} + ${dVcpus}`, ramMb: sql`${cmpQuotaUsage.ramMb} + ${dRam}` })
    .where(and(...cond))
    .run().changes;
  if (changed === 0) {
    const used = usageRow(tx, projectId);
    const res = dVcpus > 0 && lim.cores >= 0 && used.cores + dVcpus > lim.cores ? 'cores' : 'ram';
    const req = res === 'cores' ? dVcpus : dRam;
    throw errors.quota(`Quota exceeded for ${res}: Requested ${req}, but already used ${res === 'cores' ? used.cores : used.ramMb} of ${lim[res]} ${res}`, { reason: 'instances', resource: res });
  }
}

/** Counts a countable resource (key pairs, server groups) against its limit before creating one more. */
export function checkCount(cc: ComputeContext, tx: DbOrTx, resource: 'key_pairs' | 'server_groups', owner: { userId: string; projectId: string }): void {
  const lim = limitsOf(cc, tx, owner.projectId)[resource];
  if (lim < 0) return;
  const used =
    resource === 'key_pairs'
      ? Number(tx.select({ n: count() }).from(cmpKeypairs).where(eq(cmpKeypairs.userId, owner.userId)).get()?.n ?? 0)
      : Number(tx.select({ n: count() }).from(cmpServerGroups).where(eq(cmpServerGroups.projectId, owner.projectId)).get()?.n ?? 0);
  if (used + 1 > lim) {
    throw errors.quota(resource === 'key_pairs' ? 'Quota exceeded, too many key pairs.' : 'Quota exceeded, too many server groups.', { reason: resource });
  }
}

/** Usage of every resource for `os-quota-sets/{p}/detail` and `limits`. */
export function quotaDetail(cc: ComputeContext, ctx: RequestContext, projectId: string, userId?: string): Record<QuotaResource, QuotaDetail> {
  if (projectId !== ctx.auth?.projectId && !isAdmin(ctx)) requireRule(ctx, 'os_compute_api:os-quota-sets:show', { projectId });
  const lim = limitsOf(cc, cc.db, projectId);
  const used = usageRow(cc.db, projectId);
  const keypairs = userId ? Number(cc.db.select({ n: count() }).from(cmpKeypairs).where(eq(cmpKeypairs.userId, userId)).get()?.n ?? 0) : 0;
  const groups = Number(cc.db.select({ n: count() }).from(cmpServerGroups).where(eq(cmpServerGroups.projectId, projectId)).get()?.n ?? 0);
  const inUse: Partial<Record<QuotaResource, number>> = { instances: used.instances, cores: used.cores, ram: used.ramMb, key_pairs: keypairs, server_groups: groups };
  return Object.fromEntries(QUOTA_RESOURCES.map((r) => [r, { limit: lim[r], inUse: inUse[r] ?? 0, reserved: 0 }])) as Record<QuotaResource, QuotaDetail>;
}

/** Sets a project's limits (admin); a limit below current usage is refused unless `force`. */
export function updateQuotas(cc: ComputeContext, ctx: RequestContext, projectId: string, changes: Partial<Record<QuotaResource, number>>, force = false): Record<QuotaResource, number> {
  requireRule(ctx, 'os_compute_api:os-quota-sets:update', { projectId });
  const used = usageRow(cc.db, projectId);
  cc.db.transaction((tx) => {
    for (const [resource, value] of Object.entries(changes) as Array<[QuotaResource, number]>) {
      if (!Number.isInteger(value) || value < -1) throw errors.invalid(`Quota limit ${value} for ${resource} must be -1 or greater.`);
      const inUse = resource === 'instances' ? used.instances : resource === 'cores' ? used.cores : resource === 'ram' ? used.ramMb : 0;
      if (!force && value >= 0 && value < inUse) throw errors.invalid(`Quota limit ${value} for ${resource} must be greater than or equal to already used and reserved ${inUse}.`);
      tx.insert(cmpQuotaLimits).values({ projectId, resource, hardLimit: value }).onConflictDoUpdate({ target: [cmpQuotaLimits.projectId, cmpQuotaLimits.resource], set: { hardLimit: value } }).run();
    }
  });
  return limitsOf(cc, cc.db, projectId);
}

/** Drops a project's own limits (back to the defaults). */
export function deleteQuotas(cc: ComputeContext, ctx: RequestContext, projectId: string): void {
  requireRule(ctx, 'os_compute_api:os-quota-sets:update', { projectId });
  cc.db.delete(cmpQuotaLimits).where(eq(cmpQuotaLimits.projectId, projectId)).run();
}

/** Recomputes a project's usage from its live instances (recovery after a crash; keeps claims honest). */
export function recountUsage(tx: DbOrTx, projectId: string): void {
  const rows = tx.select({ flavor: cmpInstances.flavor }).from(cmpInstances).where(and(eq(cmpInstances.projectId, projectId), isNull(cmpInstances.deletedAt))).all();
  const cores = rows.reduce((a, r) => a + r.flavor.vcpus, 0);
  const ram = rows.reduce((a, r) => a + r.flavor.ramMb, 0);
  tx.insert(cmpQuotaUsage)
    .values({ projectId, instances: rows.length, cores, ramMb: ram })
    .onConflictDoUpdate({ target: cmpQuotaUsage.projectId, set: { instances: rows.length, cores, ramMb: ram } })
    .run();
}
