// Moving servers between hosts (admin): cold migration through VERIFY_RESIZE with confirm/revert, live migration, and the migration records.
import { and, desc, eq, gt, inArray, isNull, lt, or, type SQL } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import { cmpComputeNodes, cmpInstances, cmpMigrations } from '../db/schema/compute.js';
import { errors } from '../errors.js';
import type { DbOrTx } from '../jobs/outbox.js';
import { finishEvent, isAdmin, latestActionId, loadVisible, newId, recordAction, recordFault, requireRule, startEvent, type ComputeContext, type InstanceRow } from './context.js';
import { claimOnHost, hostStates, releaseOnHost, type Claim } from './hosts.js';
import { TASK, checkState } from './states.js';
import type { RequestSpec } from './conductor.js';

export type MigrationRow = typeof cmpMigrations.$inferSelect;
export type MigrationType = 'migration' | 'live-migration' | 'resize';

/** Statuses of a migration still holding resources on both hosts (Nova's resource tracker counts these). */
export const OPEN_STATUSES = ['pre-migrating', 'migrating', 'post-migrating', 'finished', 'confirming', 'reverting', 'queued', 'accepted', 'preparing', 'running'] as const;
/** Live migrations in progress (what `GET /servers/{id}/migrations` lists). */
const LIVE_IN_PROGRESS = ['queued', 'accepted', 'preparing', 'running'];

/** A migration as the API shows it. */
export interface Migration {
  id: number;
  uuid: string;
  instanceId: string;
  projectId: string;
  userId: string;
  migrationType: string;
  status: string;
  sourceCompute: string;
  sourceNode: string;
  destCompute: string | null;
  destNode: string | null;
  destHost: string | null;
  oldFlavorId: string;
  newFlavorId: string;
  createdAt: number;
  updatedAt: number;
}

/** `GET /os-migrations` filters (Nova's). */
export interface ListMigrationsOptions {
  instanceId?: string;
  host?: string;
  status?: string;
  migrationType?: string;
  sourceCompute?: string;
  changesSince?: number;
  changesBefore?: number;
  userId?: string;
  projectId?: string;
  limit?: number;
  marker?: string;
}

const claimOf = (r: InstanceRow): Claim => ({ vcpus: r.flavor.vcpus, ramMb: r.flavor.ramMb, diskGb: r.flavor.diskGb });
const toMigration = (r: MigrationRow): Migration => {
  const { requestedHost: _requested, requestedOp: _op, ...m } = r;
  return m;
};

/** The newest open migration of an instance (undefined when it is not moving). */
export function openMigration(db: DbOrTx, instanceId: string): MigrationRow | undefined {
  return db
    .select()
    .from(cmpMigrations)
    .where(and(eq(cmpMigrations.instanceId, instanceId), inArray(cmpMigrations.status, [...OPEN_STATUSES])))
    .orderBy(desc(cmpMigrations.id))
    .limit(1)
    .get();
}

/** The host an admin named must exist and differ from the server's (Nova's ComputeHostNotFound / UnableToMigrateToSelf). */
function checkTarget(cc: ComputeContext, row: InstanceRow, host: string | undefined): void {
  if (host === undefined) return;
  if (!hostStates(cc).some((h) => h.host === host)) throw errors.invalid(`Compute host ${host} could not be found.`, { reason: 'host' });
  if (host === row.host) throw errors.invalid(`Unable to migrate instance (${row.id}) to current host (${host}).`, { reason: 'host' });
}

/**
 * Starts a move: state check, task state compare-and-swap, the migration record, the action and a
 * `compute.schedule` job for the scheduler to pick a destination, in one transaction.
 */
function beginMove(cc: ComputeContext, ctx: RequestContext, id: string, kind: 'migrate' | 'live', host: string | undefined): void {
  const row = loadVisible(cc, ctx, id);
  requireRule(ctx, kind === 'migrate' ? 'os_compute_api:os-migrate-server:migrate' : 'os_compute_api:os-migrate-server:migrate_live', { projectId: row.projectId });
  const wire = kind === 'migrate' ? 'migrate' : 'os-migrateLive';
  checkState(wire, row, wire);
  if (!row.host) throw errors.invalidState(`Cannot '${wire}' instance ${id} while it is in vm_state ${row.vmState}`, { reason: 'vm_state' });
  checkTarget(cc, row, host);
  const now = cc.now();
  cc.db.transaction((tx) => {
    const task = kind === 'migrate' ? TASK.RESIZE_PREP : TASK.MIGRATING;
    const changed = tx
      .update(cmpInstances)
      .set(kind === 'migrate' ? { taskState: task, newFlavor: row.flavor, previousVmState: row.vmState, updatedAt: now } : { taskState: task, updatedAt: now })
      .where(and(eq(cmpInstances.id, id), eq(cmpInstances.updatedAt, row.updatedAt), eq(cmpInstances.vmState, row.vmState)))
      .run().changes;
    if (!changed) throw errors.invalidState(`Cannot '${wire}' instance ${id} while it is in task_state ${row.taskState}`, { reason: 'task_state' });
    const mig = tx
      .insert(cmpMigrations)
      .values({
        uuid: newId(),
        instanceId: id,
        projectId: row.projectId,
        userId: ctx.auth?.userId ?? '',
        migrationType: kind === 'migrate' ? 'migration' : 'live-migration',
        status: kind === 'migrate' ? 'pre-migrating' : 'accepted',
        sourceCompute: row.host!,
        sourceNode: row.node ?? row.host!,
        destCompute: null,
        destNode: null,
        destHost: null,
        requestedHost: host ?? null,
        oldFlavorId: row.flavor.id,
        newFlavorId: row.flavor.id,
        createdAt: now,
        updatedAt: now,
      })
      .returning({ id: cmpMigrations.id })
      .get();
    recordAction(tx, ctx, row, kind === 'migrate' ? 'migrate' : 'live-migration', now);
    cc.enqueue(tx, 'compute.schedule', { instanceId: id, attempt: 1, migrationId: mig.id });
  });
  cc.notify();
}

/** Cold migration (admin; `host` from 2.56): the server moves to another host and waits in VERIFY_RESIZE. */
export const migrateServer = (cc: ComputeContext, ctx: RequestContext, id: string, host?: string) => beginMove(cc, ctx, id, 'migrate', host);

/** Live migration (admin): the server keeps running and ends on another host, ACTIVE (or PAUSED) as it was. */
export const liveMigrateServer = (cc: ComputeContext, ctx: RequestContext, id: string, host?: string) => beginMove(cc, ctx, id, 'live', host);

/** `GET /os-migrations` (admin), newest first. */
export function listMigrations(cc: ComputeContext, ctx: RequestContext, o: ListMigrationsOptions = {}): Migration[] {
  requireRule(ctx, 'os_compute_api:os-migrations:index');
  const m = cmpMigrations;
  const cond: SQL[] = [];
  if (o.instanceId) cond.push(eq(m.instanceId, o.instanceId));
  if (o.status) cond.push(eq(m.status, o.status));
  if (o.migrationType) cond.push(eq(m.migrationType, o.migrationType));
  if (o.sourceCompute) cond.push(eq(m.sourceCompute, o.sourceCompute));
  if (o.host) cond.push(or(eq(m.sourceCompute, o.host), eq(m.destCompute, o.host))!);
  if (o.changesSince !== undefined) cond.push(gt(m.updatedAt, o.changesSince - 1));
  if (o.changesBefore !== undefined) cond.push(lt(m.updatedAt, o.changesBefore + 1));
  if (o.userId) cond.push(eq(m.userId, o.userId));
  if (o.projectId) cond.push(eq(m.projectId, o.projectId));
  if (o.marker) {
    const mk = cc.db.select().from(m).where(eq(m.uuid, o.marker)).get();
    if (!mk) throw errors.invalid(`Marker ${o.marker} could not be found.`, { reason: 'marker' });
    cond.push(lt(m.id, mk.id));
  }
  const q = cc.db
    .select()
    .from(m)
    .where(cond.length ? and(...cond) : undefined)
    .orderBy(desc(m.createdAt), desc(m.id));
  return (o.limit !== undefined ? q.limit(o.limit).all() : q.all()).map(toMigration);
}

/** `GET /servers/{id}/migrations` (admin, 2.23): the server's live migrations in progress. */
export function listServerMigrations(cc: ComputeContext, ctx: RequestContext, id: string): Migration[] {
  const row = loadVisible(cc, ctx, id);
  requireRule(ctx, 'os_compute_api:servers:migrations:index', { projectId: row.projectId });
  return cc.db
    .select()
    .from(cmpMigrations)
    .where(and(eq(cmpMigrations.instanceId, id), eq(cmpMigrations.migrationType, 'live-migration'), inArray(cmpMigrations.status, LIVE_IN_PROGRESS)))
    .orderBy(desc(cmpMigrations.id))
    .all()
    .map(toMigration);
}

/** One live migration in progress of a server (404 otherwise, with Nova's message). */
export function getServerMigration(cc: ComputeContext, ctx: RequestContext, id: string, migrationId: string): Migration {
  const row = loadVisible(cc, ctx, id);
  requireRule(ctx, 'os_compute_api:servers:migrations:show', { projectId: row.projectId });
  const mig = listServerMigrations(cc, ctx, id).find((m) => String(m.id) === migrationId);
  if (mig) return mig;
  const any = cc.db.select().from(cmpMigrations).where(eq(cmpMigrations.instanceId, id)).all().find((m) => String(m.id) === migrationId);
  if (any && any.migrationType !== 'live-migration') throw errors.notFound('migration', migrationId, `Migration ${migrationId} for instance ${id} is not a live-migration.`);
  if (any) throw errors.notFound('migration', migrationId, `Migration ${migrationId} for instance ${id} is not in progress.`);
  throw errors.notFound('migration', migrationId, `Migration ${migrationId} for instance ${id} does not exist.`);
}

/** The live migration `migrationId` of server `id`, for force-complete and abort (Nova's `get_by_id_and_instance`). */
function liveMigrationOf(cc: ComputeContext, id: string, migrationId: string, notFound: 'invalid' | 'notFound'): MigrationRow {
  const mig = /^\d+$/.test(migrationId) ? cc.db.select().from(cmpMigrations).where(and(eq(cmpMigrations.id, Number(migrationId)), eq(cmpMigrations.instanceId, id))).get() : undefined;
  if (mig) return mig;
  const message = `Migration ${migrationId} not found for instance ${id}`;
  throw notFound === 'invalid' ? errors.invalid(message, { reason: 'migration' }) : errors.notFound('migration', migrationId, message);
}

/**
 * Asks the agent running a live migration to act (`op`), once the server's lock, states and the
 * migration's status allow it; the action is recorded. Nova's `InvalidMigrationState` (400) when the
 * migration is not in one of `statuses`.
 */
function requestLiveMigrationOp(cc: ComputeContext, ctx: RequestContext, row: InstanceRow, mig: MigrationRow, op: 'force-complete' | 'abort', statuses: readonly string[]): void {
  const method = op === 'abort' ? 'abort live migration' : 'force complete';
  if (mig.migrationType !== 'live-migration' || !statuses.includes(mig.status)) {
    throw errors.invalid(`Migration ${mig.id} state of instance ${row.id} is ${mig.status}. Cannot ${method} while the migration is in this state.`, { reason: 'migration_state' });
  }
  const now = cc.now();
  cc.db.transaction((tx) => {
    // An abort already asked for stands: a later force-complete does not undo it.
    const where = op === 'abort' ? eq(cmpMigrations.id, mig.id) : and(eq(cmpMigrations.id, mig.id), or(isNull(cmpMigrations.requestedOp), eq(cmpMigrations.requestedOp, 'force-complete')));
    tx.update(cmpMigrations).set({ requestedOp: op, updatedAt: now }).where(and(where, inArray(cmpMigrations.status, [...statuses]))).run();
    const action = op === 'abort' ? 'live_migration_cancel' : 'live_migration_force_complete';
    const actionId = recordAction(tx, ctx, row, action, now);
    startEvent(tx, actionId, `compute_${op === 'abort' ? 'live_migration_abort' : 'live_migration_force_complete'}`, row.host, now);
    finishEvent(tx, actionId, `compute_${op === 'abort' ? 'live_migration_abort' : 'live_migration_force_complete'}`, 'Success', now);
  });
}

/**
 * `POST /servers/{id}/migrations/{migration_id}/action` `force_complete` (admin, 2.22): a running live
 * migration completes at once (the guest is paused for its last copy). 400 when the migration is unknown
 * or not `running`, 409 when the server is locked or not migrating.
 */
export function forceCompleteLiveMigration(cc: ComputeContext, ctx: RequestContext, id: string, migrationId: string): void {
  const row = loadVisible(cc, ctx, id);
  requireRule(ctx, 'os_compute_api:servers:migrations:force_complete', { projectId: row.projectId });
  if (row.locked && !isAdmin(ctx)) throw errors.invalidState(`Instance ${id} is locked`, { reason: 'locked' });
  checkState('force_complete', row);
  requestLiveMigrationOp(cc, ctx, row, liveMigrationOf(cc, id, migrationId, 'invalid'), 'force-complete', ['running']);
}

/**
 * `DELETE /servers/{id}/migrations/{migration_id}` (admin, 2.24): a running live migration is aborted;
 * the server stays on its source host as it was and the migration ends `cancelled`. From 2.65 a
 * migration still queued or preparing can be aborted too. 404 for an unknown migration, 400 for one
 * in another status, 409 when the server is locked or not migrating.
 */
export function abortLiveMigration(cc: ComputeContext, ctx: RequestContext, id: string, migrationId: string, opts: { queued?: boolean } = {}): void {
  const row = loadVisible(cc, ctx, id);
  requireRule(ctx, 'os_compute_api:servers:migrations:delete', { projectId: row.projectId });
  if (row.locked && !isAdmin(ctx)) throw errors.invalidState(`Instance ${id} is locked`, { reason: 'locked' });
  checkState('abort live migration', row);
  const mig = liveMigrationOf(cc, id, migrationId, 'notFound');
  requestLiveMigrationOp(cc, ctx, row, mig, 'abort', opts.queued ? ['running', 'queued', 'accepted', 'preparing'] : ['running']);
}

// What the scheduler and compute agents call (bound into the conductor).

/** What an admin asked of a live migration in progress (the agent polls it while the driver copies). */
export function liveMigrationRequest(cc: ComputeContext, migrationId: number): 'force-complete' | 'abort' | undefined {
  return cc.db.select({ op: cmpMigrations.requestedOp }).from(cmpMigrations).where(eq(cmpMigrations.id, migrationId)).get()?.op ?? undefined;
}

/** The scheduler's input for a move: the server's needs, its current host excluded, the admin's host forced. */
export function migrationSpec(cc: ComputeContext, migrationId: number): { spec: RequestSpec; host?: string } | undefined {
  const mig = cc.db.select().from(cmpMigrations).where(eq(cmpMigrations.id, migrationId)).get();
  if (!mig || mig.destCompute !== null || !['pre-migrating', 'accepted'].includes(mig.status)) return undefined;
  const row = cc.db.select().from(cmpInstances).where(eq(cmpInstances.id, mig.instanceId)).get();
  if (!row || row.deletedAt !== null) return undefined;
  return {
    spec: {
      instanceId: row.id,
      projectId: row.projectId,
      vcpus: row.flavor.vcpus,
      ramMb: row.flavor.ramMb,
      diskGb: row.flavor.diskGb,
      imageProperties: {},
      availabilityZone: null,
      hints: mig.requestedHost ? { force_host: mig.requestedHost } : {},
      triedHosts: [mig.sourceCompute],
      sameHost: [],
      differentHost: [],
      unshelve: false,
    },
    host: mig.requestedHost ?? undefined,
  };
}

/**
 * Claims the server's resources on the first candidate with room (the source keeps its claim until
 * the move is confirmed or completes) and writes the agent's `compute.action` job, in one transaction.
 */
export function placeMigration(cc: ComputeContext, migrationId: number, candidates: string[]): string | undefined {
  const now = cc.now();
  const placed = cc.db.transaction((tx) => {
    const mig = tx.select().from(cmpMigrations).where(eq(cmpMigrations.id, migrationId)).get();
    if (!mig || mig.destCompute !== null) return undefined;
    const row = tx.select().from(cmpInstances).where(eq(cmpInstances.id, mig.instanceId)).get();
    if (!row || row.deletedAt !== null) return undefined;
    const task = mig.migrationType === 'migration' ? TASK.RESIZE_PREP : TASK.MIGRATING;
    if (row.taskState !== task) return undefined;
    for (const host of candidates) {
      if (host === mig.sourceCompute || !claimOnHost(tx, host, claimOf(row))) continue;
      const node = tx.select().from(cmpComputeNodes).where(eq(cmpComputeNodes.host, host)).get();
      tx.update(cmpMigrations)
        .set({ destCompute: host, destNode: node?.hypervisorHostname ?? host, destHost: node?.hostIp ?? null, status: mig.migrationType === 'migration' ? 'pre-migrating' : 'preparing', updatedAt: now })
        .where(eq(cmpMigrations.id, migrationId))
        .run();
      cc.enqueue(tx, 'compute.action', { instanceId: row.id, action: mig.migrationType === 'migration' ? 'migrate' : 'live-migration', taskState: task });
      return host;
    }
    return undefined;
  });
  if (placed) cc.notify();
  return placed;
}

/** A move ends without moving (no host, or the agent failed): the task state reverts, the migration is `error`, the destination's claim goes back. */
export function migrationFailed(cc: ComputeContext, migrationId: number, why: string): void {
  const now = cc.now();
  cc.db.transaction((tx) => {
    const mig = tx.select().from(cmpMigrations).where(eq(cmpMigrations.id, migrationId)).get();
    if (!mig || !(OPEN_STATUSES as readonly string[]).includes(mig.status)) return;
    const row = tx.select().from(cmpInstances).where(eq(cmpInstances.id, mig.instanceId)).get();
    tx.update(cmpMigrations).set({ status: 'error', updatedAt: now }).where(eq(cmpMigrations.id, migrationId)).run();
    if (!row || row.deletedAt !== null) return;
    if (mig.destCompute && row.host !== mig.destCompute) releaseOnHost(tx, mig.destCompute, claimOf(row));
    const cold = mig.migrationType === 'migration';
    tx.update(cmpInstances)
      .set(cold ? { taskState: null, newFlavor: null, previousVmState: null, vmState: row.previousVmState ?? row.vmState, updatedAt: now } : { taskState: null, updatedAt: now })
      .where(eq(cmpInstances.id, row.id))
      .run();
    recordFault(tx, row.id, { code: 500, message: why.slice(0, 255), details: why, host: mig.sourceCompute }, now);
    const actionId = latestActionId(tx, row.id, cold ? 'migrate' : 'live-migration');
    if (actionId) {
      const event = cold ? 'conductor_migrate_server' : 'conductor_live_migrate_instance';
      startEvent(tx, actionId, event, null, now);
      finishEvent(tx, actionId, event, 'Error', now, why);
    }
  });
}

/** Moves a migration record to its next status. */
export function migrationStatus(cc: ComputeContext, migrationId: number, status: string): void {
  cc.db.update(cmpMigrations).set({ status, updatedAt: cc.now() }).where(eq(cmpMigrations.id, migrationId)).run();
}

/** The open migration of an instance (the agent's view: confirm and revert of a move differ from a resize's). */
export const instanceMigration = (cc: ComputeContext, instanceId: string): MigrationRow | undefined => openMigration(cc.db, instanceId);
