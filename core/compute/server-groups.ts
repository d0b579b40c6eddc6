// Server groups (affinity, anti-affinity and the soft variants, rules at 2.64) and instance action records.
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import { cmpInstanceActionEvents, cmpInstanceActions, cmpServerGroupMembers, cmpServerGroups } from '../db/schema/compute.js';
import { errors } from '../errors.js';
import { isAdmin, loadVisible, newId, projectOf, requireRule, type ComputeContext } from './context.js';
import { checkCount } from './quotas.js';
import type { InstanceAction, ServerGroup } from './types.js';

export const GROUP_POLICIES = ['affinity', 'anti-affinity', 'soft-affinity', 'soft-anti-affinity'] as const;

type GroupRow = typeof cmpServerGroups.$inferSelect;

function toGroup(cc: ComputeContext, g: GroupRow): ServerGroup {
  const members = cc.db
    .select({ id: cmpServerGroupMembers.instanceId })
    .from(cmpServerGroupMembers)
    .where(eq(cmpServerGroupMembers.groupId, g.id))
    .all()
    .map((m) => m.id);
  return { id: g.id, name: g.name, policy: g.policy, rules: g.rules, members, projectId: g.projectId, userId: g.userId };
}

export function createServerGroup(cc: ComputeContext, ctx: RequestContext, input: { name: string; policy: string; rules?: Record<string, number> }): ServerGroup {
  requireRule(ctx, 'os_compute_api:os-server-groups:create', { projectId: ctx.auth?.projectId });
  const projectId = projectOf(ctx);
  if (!(GROUP_POLICIES as readonly string[]).includes(input.policy)) throw errors.invalid(`Invalid input for field/attribute policy. Value: ${input.policy}.`, { reason: 'policy' });
  const rules = input.rules ?? {};
  if (Object.keys(rules).length && input.policy !== 'anti-affinity') throw errors.invalid('Only anti-affinity policy supports rules.', { reason: 'rules' });
  const row: GroupRow = { id: newId(), projectId, userId: ctx.auth!.userId, name: input.name, policy: input.policy, rules, createdAt: cc.now() };
  cc.db.transaction((tx) => {
    checkCount(cc, tx, 'server_groups', { userId: row.userId, projectId });
    tx.insert(cmpServerGroups).values(row).run();
  });
  return toGroup(cc, row);
}

export function listServerGroups(cc: ComputeContext, ctx: RequestContext, opts: { allProjects?: boolean; limit?: number; offset?: number } = {}): ServerGroup[] {
  requireRule(ctx, 'os_compute_api:os-server-groups', { projectId: ctx.auth?.projectId });
  const all = opts.allProjects && isAdmin(ctx);
  let rows = (all ? cc.db.select().from(cmpServerGroups) : cc.db.select().from(cmpServerGroups).where(eq(cmpServerGroups.projectId, projectOf(ctx)))).orderBy(asc(cmpServerGroups.createdAt)).all();
  if (opts.offset) rows = rows.slice(opts.offset);
  if (opts.limit !== undefined) rows = rows.slice(0, opts.limit);
  return rows.map((g) => toGroup(cc, g));
}

export function getServerGroup(cc: ComputeContext, ctx: RequestContext, id: string): ServerGroup {
  const g = cc.db.select().from(cmpServerGroups).where(eq(cmpServerGroups.id, id)).get();
  if (!g || (g.projectId !== ctx.auth?.projectId && !isAdmin(ctx))) throw errors.notFound('server group', id, `Instance group ${id} could not be found.`);
  requireRule(ctx, 'os_compute_api:os-server-groups', { projectId: g.projectId });
  return toGroup(cc, g);
}

export function deleteServerGroup(cc: ComputeContext, ctx: RequestContext, id: string): void {
  const g = getServerGroup(cc, ctx, id);
  requireRule(ctx, 'os_compute_api:os-server-groups:delete', { projectId: g.projectId });
  cc.db.delete(cmpServerGroups).where(eq(cmpServerGroups.id, id)).run();
}

/** `os-instance-actions`: newest first; a deleted server's actions stay readable (Nova reads them with read_deleted). */
export function listInstanceActions(cc: ComputeContext, ctx: RequestContext, instanceId: string, opts: { limit?: number; marker?: string; changesSince?: number } = {}): InstanceAction[] {
  const row = loadVisible(cc, ctx, instanceId, { includeDeleted: true });
  requireRule(ctx, 'os_compute_api:os-instance-actions:list', { projectId: row.projectId });
  let rows = cc.db.select().from(cmpInstanceActions).where(eq(cmpInstanceActions.instanceId, instanceId)).orderBy(desc(cmpInstanceActions.startTime), desc(cmpInstanceActions.id)).all();
  if (opts.changesSince !== undefined) rows = rows.filter((r) => r.updatedAt >= opts.changesSince!);
  if (opts.marker !== undefined) {
    const i = rows.findIndex((r) => r.requestId === opts.marker);
    if (i < 0) throw errors.invalid(`Marker ${opts.marker} could not be found.`, { reason: 'marker' });
    rows = rows.slice(i + 1);
  }
  if (opts.limit !== undefined) rows = rows.slice(0, opts.limit);
  return rows.map((r) => ({ action: r.action, instanceId: r.instanceId, requestId: r.requestId, projectId: r.projectId, userId: r.userId, message: r.message, startTime: r.startTime, updatedAt: r.updatedAt }));
}

/** One action by its request id, with its events. */
export function getInstanceAction(cc: ComputeContext, ctx: RequestContext, instanceId: string, requestId: string): InstanceAction {
  const row = loadVisible(cc, ctx, instanceId, { includeDeleted: true });
  requireRule(ctx, 'os_compute_api:os-instance-actions:list', { projectId: row.projectId });
  const a = cc.db
    .select()
    .from(cmpInstanceActions)
    .where(and(eq(cmpInstanceActions.instanceId, instanceId), eq(cmpInstanceActions.requestId, requestId)))
    .get();
  if (!a) throw errors.notFound('instance action', requestId, `Action ${requestId} on instance ${instanceId} could not be found`);
  const events = cc.db.select().from(cmpInstanceActionEvents).where(inArray(cmpInstanceActionEvents.actionId, [a.id])).orderBy(asc(cmpInstanceActionEvents.startTime)).all();
  return {
    action: a.action,
    instanceId: a.instanceId,
    requestId: a.requestId,
    projectId: a.projectId,
    userId: a.userId,
    message: a.message,
    startTime: a.startTime,
    updatedAt: a.updatedAt,
    events: events.map((e) => ({ event: e.event, host: e.host, result: e.result, traceback: e.traceback, startTime: e.startTime, finishTime: e.finishTime })),
  };
}
