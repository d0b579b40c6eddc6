// What the compute service's modules share: the database, images, networking, the clock, policy checks, rows → model.
import { randomBytes, randomUUID } from 'node:crypto';
import { and, desc, eq, isNull } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import { GroupCommit } from '../db/group-commit.js';
import type { Db } from '../db/index.js';
import { cmpInstanceActionEvents, cmpInstanceActions, cmpInstanceFaults, cmpInstanceTags, cmpInstances } from '../db/schema/compute.js';
import { errors } from '../errors.js';
import { enqueueInTx, type DbOrTx } from '../jobs/outbox.js';
import type { EnqueueOptions, JobName, JobPayloads } from '../jobs/port.js';
import type { Logger } from '../logger.js';
import type { ImageService } from '../image/index.js';
import { can } from '../policy/index.js';
import { computeRules } from '../policy/compute-rules.js';
import type { ComputeNetworking } from './ports.js';
import { statusOf } from './states.js';
import { DEFAULT_QUOTAS, type ComputeSettings, type Instance, type QuotaResource } from './types.js';
import { prepareComputeStatements, type ComputeStatements } from './statements.js';

/** Writes a job inside a transaction (the job outbox by default). */
export type ComputeEnqueue = <N extends JobName>(tx: DbOrTx, name: N, payload: JobPayloads[N], opts?: EnqueueOptions) => string;

/** What the compute service is built from (in the composition root). */
export interface ComputeServiceDeps {
  db: Db;
  images: ImageService;
  logger: Logger;
  /** Ports and addresses; without it, servers boot with no network (`networks: none`). */
  networking?: ComputeNetworking;
  /** Defaults to the job outbox. */
  enqueueInTx?: ComputeEnqueue;
  /** Called after a transaction that wrote jobs commits, so the queue looks at once instead of at its next poll. */
  notify?: () => void;
  settings?: ComputeSettings;
  clock?: { now(): number };
  /** The group commit the conductor's build writes join (the composition root shares one with the network service); default: its own. */
  commits?: GroupCommit;
}

/** The shared state of one ComputeService. */
export interface ComputeContext {
  db: Db;
  images: ImageService;
  logger: Logger;
  networking?: ComputeNetworking;
  enqueue: ComputeEnqueue;
  notify: () => void;
  defaultQuotas: Record<QuotaResource, number>;
  serviceDownMs: number;
  maxAttempts: number;
  defaultZone: string;
  stmts: ComputeStatements;
  /** The conductor's build-path writes (placement, stages, ACTIVE): one synced commit for the writes of a turn. */
  commits: GroupCommit;
  now(): number;
}

export type InstanceRow = typeof cmpInstances.$inferSelect;

/** The columns a server's model shows (what listings read): the row without the scheduler's, the resize's and the boot's bookkeeping. */
export type ShownRow = Omit<InstanceRow, 'schedule' | 'requestedNetworks' | 'adminPass' | 'newFlavor' | 'oldFlavor' | 'previousVmState' | 'requestedZone'>;

/** True for a caller with the admin role. */
export const isAdmin = (ctx: RequestContext): boolean => !!ctx.auth?.roles.includes('admin');

/** Enforces a Nova policy rule on `target` (403 with Nova's policy message). */
export function requireRule(ctx: RequestContext, rule: string, target: { projectId?: string; userId?: string } = {}): void {
  if (!ctx.auth) throw errors.unauthenticated();
  if (!can(ctx, rule, target, computeRules)) {
    throw errors.forbidden(`Policy doesn't allow ${rule} to be performed.`, { reason: 'policy', rule });
  }
}

/** The caller's project (every compute call is project-scoped). */
export function projectOf(ctx: RequestContext): string {
  const p = ctx.auth?.projectId;
  if (!p) throw errors.forbidden('A project-scoped token is required.', { reason: 'scope' });
  return p;
}

/** `i-` + 17 hex digits. */
export const newEc2Id = (prefix: 'i' | 'key' = 'i'): string => `${prefix}-${randomBytes(9).toString('hex').slice(0, 17)}`;

export const newId = (): string => randomUUID();

/** Row → model (tags and fault loaded separately when asked). */
export function toInstance(row: ShownRow, tags: string[] = [], fault?: Instance['fault']): Instance {
  return {
    id: row.id,
    ec2Id: row.ec2Id,
    projectId: row.projectId,
    userId: row.userId,
    name: row.name,
    hostname: row.hostname,
    description: row.description,
    reservationId: row.reservationId,
    launchIndex: row.launchIndex,
    flavor: row.flavor,
    imageId: row.imageId,
    keyName: row.keyName,
    keyData: row.keyData,
    userData: row.userData,
    metadata: row.metadata,
    vmState: row.vmState,
    taskState: row.taskState,
    powerState: row.powerState,
    status: statusOf(row.vmState, row.taskState),
    host: row.host,
    node: row.node,
    availabilityZone: row.availabilityZone,
    locked: row.locked,
    lockedBy: row.lockedBy,
    lockedReason: row.lockedReason,
    accessIpv4: row.accessIpv4,
    accessIpv6: row.accessIpv6,
    configDrive: row.configDrive,
    progress: row.progress,
    addresses: row.addresses,
    securityGroups: row.securityGroups,
    serverGroupId: row.serverGroupId,
    tags,
    launchedAt: row.launchedAt,
    terminatedAt: row.terminatedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    deletedAt: row.deletedAt,
    ...(fault ? { fault } : {}),
  };
}

/** The newest fault of an instance, if any. */
export function latestFault(db: DbOrTx, instanceId: string): Instance['fault'] | undefined {
  const f = db.select().from(cmpInstanceFaults).where(eq(cmpInstanceFaults.instanceId, instanceId)).orderBy(desc(cmpInstanceFaults.createdAt)).limit(1).get();
  return f ? { code: f.code, message: f.message, details: f.details, createdAt: f.createdAt } : undefined;
}

export function tagsOf(db: DbOrTx, instanceId: string): string[] {
  return db
    .select({ tag: cmpInstanceTags.tag })
    .from(cmpInstanceTags)
    .where(eq(cmpInstanceTags.instanceId, instanceId))
    .all()
    .map((r) => r.tag)
    .sort();
}

/** Full model of one row: tags (read unless given), and the fault when the status shows one (ERROR, DELETED). */
export function fullInstance(db: DbOrTx, row: InstanceRow, tags?: string[]): Instance {
  const status = statusOf(row.vmState, row.taskState);
  const fault = status === 'ERROR' || status === 'DELETED' ? latestFault(db, row.id) : undefined;
  return toInstance(row, tags ?? tagsOf(db, row.id), fault);
}

/**
 * The instance `id` as the caller may see it: its own project's (any project for an admin), not
 * deleted. Anything else is Nova's 404, so other tenants cannot even learn it exists.
 */
export function loadVisible(cc: ComputeContext, ctx: RequestContext, id: string, opts: { includeDeleted?: boolean } = {}): InstanceRow {
  const row = cc.db.select().from(cmpInstances).where(eq(cmpInstances.id, id)).get();
  const notFound = errors.notFound('instance', id, `Instance ${id} could not be found.`);
  if (!row) throw notFound;
  if (row.deletedAt !== null && !opts.includeDeleted) throw notFound;
  if (!isAdmin(ctx) && row.projectId !== ctx.auth?.projectId) throw notFound;
  return row;
}

/** The row of a user action on an instance (what `recordAction` inserts). */
export function actionValues(ctx: RequestContext, inst: { id: string; projectId: string }, action: string, now: number): typeof cmpInstanceActions.$inferInsert & { id: string } {
  return { id: newId(), instanceId: inst.id, requestId: `req-${ctx.requestId}`, action, projectId: inst.projectId, userId: ctx.auth?.userId ?? '', message: null, startTime: now, updatedAt: now };
}

/** Records a user action (and returns its id) inside `tx`. */
export function recordAction(tx: DbOrTx, ctx: RequestContext, inst: { id: string; projectId: string }, action: string, now: number): string {
  const values = actionValues(ctx, inst, action, now);
  tx.insert(cmpInstanceActions).values(values).run();
  return values.id;
}

/** Starts (or restarts, on a re-delivery) an event of an action. */
export function startEvent(tx: DbOrTx, actionId: string, event: string, host: string | null, now: number): void {
  tx.insert(cmpInstanceActionEvents)
    .values({ id: newId(), actionId, event, host, result: null, traceback: null, startTime: now, finishTime: null })
    .onConflictDoUpdate({ target: [cmpInstanceActionEvents.actionId, cmpInstanceActionEvents.event], set: { host, startTime: now, finishTime: null, result: null } })
    .run();
}

/** Finishes an event (`Success` or `Error`), and marks the action's message on error. */
export function finishEvent(tx: DbOrTx, actionId: string, event: string, result: 'Success' | 'Error', now: number, traceback: string | null = null): void {
  tx.update(cmpInstanceActionEvents)
    .set({ result, finishTime: now, traceback })
    .where(and(eq(cmpInstanceActionEvents.actionId, actionId), eq(cmpInstanceActionEvents.event, event)))
    .run();
  tx.update(cmpInstanceActions)
    .set({ updatedAt: now, ...(result === 'Error' ? { message: 'Error' } : {}) })
    .where(eq(cmpInstanceActions.id, actionId))
    .run();
}

/** The newest action of `action` on an instance (a worker finds the one the API recorded). */
export function latestActionId(db: DbOrTx, instanceId: string, action: string): string | undefined {
  return db
    .select({ id: cmpInstanceActions.id })
    .from(cmpInstanceActions)
    .where(and(eq(cmpInstanceActions.instanceId, instanceId), eq(cmpInstanceActions.action, action)))
    .orderBy(desc(cmpInstanceActions.startTime))
    .limit(1)
    .get()?.id;
}

/** Records a fault on an instance. */
export function recordFault(tx: DbOrTx, instanceId: string, f: { code: number; message: string; details?: string; host?: string | null }, now: number): void {
  tx.insert(cmpInstanceFaults)
    .values({ id: newId(), instanceId, code: f.code, message: f.message, details: f.details ?? '', host: f.host ?? null, createdAt: now })
    .run();
}

/** Live (not deleted) instances condition. */
export const live = isNull(cmpInstances.deletedAt);

export function buildContext(deps: ComputeServiceDeps): ComputeContext {
  const clock = deps.clock ?? { now: () => Date.now() };
  return {
    db: deps.db,
    images: deps.images,
    logger: deps.logger,
    networking: deps.networking,
    enqueue: deps.enqueueInTx ?? ((tx, name, payload, opts) => enqueueInTx(tx, name, payload, opts, clock.now())),
    notify: deps.notify ?? (() => {}),
    defaultQuotas: { ...DEFAULT_QUOTAS, ...(deps.settings?.defaultQuotas ?? {}) },
    serviceDownMs: (deps.settings?.serviceDownSeconds ?? 60) * 1000,
    maxAttempts: deps.settings?.maxAttempts ?? 3,
    defaultZone: deps.settings?.defaultZone ?? 'nova',
    stmts: prepareComputeStatements(deps.db),
    commits: deps.commits ?? new GroupCommit(deps.db),
    now: () => clock.now(),
  };
}
