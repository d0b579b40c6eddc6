// Simple tenant usage (Nova's os-simple-tenant-usage) and the admin's reset of a server's state.
import { and, asc, eq, gt, isNotNull, isNull, lt, or, type SQL } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import { cmpInstances } from '../db/schema/compute.js';
import { errors } from '../errors.js';
import { loadVisible, requireRule, type ComputeContext } from './context.js';
import { VM } from './states.js';

/** One server's part of a period. */
export interface ServerUsage {
  instanceId: string;
  name: string;
  hours: number;
  memoryMb: number;
  localGb: number;
  vcpus: number;
  projectId: string;
  flavor: string;
  startedAt: number;
  endedAt: number | null;
  /** `terminated` once deleted, else the vm_state. */
  state: string;
  /** Seconds since launch (until the end for a terminated server). */
  uptime: number;
}

/** A project's usage over a period: hours × the flavor's memory, disk and vCPUs, summed. */
export interface TenantUsage {
  projectId: string;
  start: number;
  stop: number;
  totalHours: number;
  totalMemoryMbUsage: number;
  totalLocalGbUsage: number;
  totalVcpusUsage: number;
  servers: ServerUsage[];
}

export interface UsageOptions {
  start: number;
  end: number;
  /** Only this project (the `show` call). */
  projectId?: string;
  /** 2.40: a page of servers after the server `marker`. */
  limit?: number;
  marker?: string;
}

/** Nova's `_hours_for`: the part of [start, end] the server ran (launched, not yet terminated), in hours. */
function hoursFor(launchedAt: number, terminatedAt: number | null, start: number, end: number): number {
  if (terminatedAt !== null && terminatedAt < start) return 0;
  if (launchedAt > end) return 0;
  const from = Math.max(launchedAt, start);
  const to = Math.min(terminatedAt ?? end, end);
  return Math.max(0, to - from) / 3_600_000;
}

/**
 * Usage by project over [start, end], as Nova computes it: every server launched before the end and
 * not terminated before the start (deleted ones too) counts its hours in the period times its flavor.
 * Listing every project needs the admin rule; one project its reader.
 */
export function tenantUsages(cc: ComputeContext, ctx: RequestContext, o: UsageOptions): TenantUsage[] {
  if (o.projectId === undefined) requireRule(ctx, 'os_compute_api:os-simple-tenant-usage:list');
  else requireRule(ctx, 'os_compute_api:os-simple-tenant-usage:show', { projectId: o.projectId });
  if (!(o.start < o.end)) throw errors.invalid('Invalid start time. The start time cannot occur after the end time.', { reason: 'period' });
  const i = cmpInstances;
  const cond: SQL[] = [isNotNull(i.launchedAt), lt(i.launchedAt, o.end), or(isNull(i.terminatedAt), gt(i.terminatedAt, o.start))!];
  if (o.projectId !== undefined) cond.push(eq(i.projectId, o.projectId));
  if (o.marker) {
    const mk = cc.db.select({ createdAt: i.createdAt, id: i.id }).from(i).where(eq(i.id, o.marker)).get();
    if (!mk) throw errors.invalid(`marker [${o.marker}] not found`, { reason: 'marker' });
    cond.push(or(gt(i.createdAt, mk.createdAt), and(eq(i.createdAt, mk.createdAt), gt(i.id, mk.id)))!);
  }
  const q = cc.db
    .select()
    .from(i)
    .where(and(...cond))
    .orderBy(asc(i.createdAt), asc(i.id));
  const rows = o.limit !== undefined ? q.limit(o.limit).all() : q.all();
  const now = cc.now();
  const byProject = new Map<string, TenantUsage>();
  for (const r of rows) {
    const launched = r.launchedAt!;
    const hours = hoursFor(launched, r.terminatedAt, o.start, o.end);
    const localGb = r.flavor.diskGb + r.flavor.ephemeralGb;
    const u = byProject.get(r.projectId) ?? { projectId: r.projectId, start: o.start, stop: o.end, totalHours: 0, totalMemoryMbUsage: 0, totalLocalGbUsage: 0, totalVcpusUsage: 0, servers: [] };
    byProject.set(r.projectId, u);
    u.totalHours += hours;
    u.totalMemoryMbUsage += r.flavor.ramMb * hours;
    u.totalLocalGbUsage += localGb * hours;
    u.totalVcpusUsage += r.flavor.vcpus * hours;
    const ended = r.terminatedAt;
    u.servers.push({
      instanceId: r.id,
      name: r.name,
      hours,
      memoryMb: r.flavor.ramMb,
      localGb,
      vcpus: r.flavor.vcpus,
      projectId: r.projectId,
      flavor: r.flavor.name,
      startedAt: launched,
      endedAt: ended,
      state: ended !== null ? 'terminated' : r.vmState,
      uptime: Math.floor(((ended ?? now) - launched) / 1000),
    });
  }
  return [...byProject.values()];
}

/** `os-resetState` (admin): the vm_state becomes `active` or `error` and the task state none, whatever the server was doing. */
export function resetState(cc: ComputeContext, ctx: RequestContext, id: string, state: 'active' | 'error'): void {
  const row = loadVisible(cc, ctx, id);
  requireRule(ctx, 'os_compute_api:os-admin-actions:reset_state', { projectId: row.projectId });
  cc.db
    .update(cmpInstances)
    .set({ vmState: state === 'active' ? VM.ACTIVE : VM.ERROR, taskState: null, updatedAt: cc.now() })
    .where(and(eq(cmpInstances.id, id), isNull(cmpInstances.deletedAt)))
    .run();
}
