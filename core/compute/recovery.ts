// Recovery after a crash (Nova's init_instance and resource audit): instances left mid-task with no job to finish them, and hosts' used resources.
import { and, eq, gt, inArray, isNotNull, isNull, lte, or } from 'drizzle-orm';
import { cmpComputeNodes, cmpInstances, cmpMigrations } from '../db/schema/compute.js';
import { jobs } from '../db/schema/jobs.js';
import { recordFault, type ComputeContext, type InstanceRow } from './context.js';
import { recountHost } from './hosts.js';
import { OPEN_STATUSES } from './migrations.js';
import { adjustInstance } from './quotas.js';
import { POWER, TASK, VM } from './states.js';

const COMPUTE_JOBS = ['compute.schedule', 'compute.build', 'compute.action', 'compute.delete'];

/** Task states of a build: an instance left in one of them with no job cannot finish booting. */
const BUILD_TASKS = new Set<string>([TASK.SCHEDULING, TASK.NETWORKING, TASK.BLOCK_DEVICE_MAPPING, TASK.SPAWNING]);
const REBUILD_TASKS = new Set<string>([TASK.REBUILDING, 'rebuild_block_device_mapping', 'rebuild_spawning']);
/** A resize or cold migration before it reached VERIFY_RESIZE: the server stays where it was. */
const RESIZE_TASKS = new Set<string>([TASK.RESIZE_PREP, TASK.RESIZE_MIGRATING, 'resize_migrated', TASK.RESIZE_FINISH]);

/** What one recovery pass did. */
export interface RecoveryReport {
  /** Instances set to ERROR with a fault. */
  errored: string[];
  /** Instances whose task state was reverted (the vm_state they had stays). */
  reverted: string[];
  /** Deletes started again (a `compute.delete` job written). */
  deletes: string[];
  /** Hosts whose used resources were recounted. */
  hosts: number;
}

/**
 * The instances some outstanding job will still move on: pending, running (its lease, renewed by a
 * live worker, expires when the worker died and the job is delivered again), or relayed to Redis
 * less than `relayedMs` ago (BullMQ owns it then).
 */
function instancesWithJobs(cc: ComputeContext, relayedMs: number): Set<string> {
  const rows = cc.db
    .select({ payload: jobs.payload })
    .from(jobs)
    .where(and(inArray(jobs.name, COMPUTE_JOBS), or(inArray(jobs.status, ['pending', 'running', 'relaying']), and(eq(jobs.status, 'relayed'), gt(jobs.updatedAt, cc.now() - relayedMs)))))
    .all();
  return new Set(rows.map((r) => (r.payload as { instanceId?: string }).instanceId).filter((id): id is string => !!id));
}

/**
 * Nova's `init_instance`, fleet-wide: every instance with a task state, unchanged for `graceMs`, that
 * no outstanding job will move on, ends in a state a user can act on: a build or rebuild goes to
 * ERROR with a fault, a delete is started again, a resize or migration that had not reached
 * VERIFY_RESIZE goes back to where it was (quota too), anything else has its task state reverted.
 * Every write is a compare-and-swap on the row's `updated_at`, so a worker that moved it meanwhile wins.
 * Then every host's used resources are set to the sum of its live instances.
 */
export function recoverInstances(cc: ComputeContext, opts: { graceMs?: number; relayedMs?: number } = {}): RecoveryReport {
  const now = cc.now();
  const report: RecoveryReport = { errored: [], reverted: [], deletes: [], hosts: 0 };
  const stuck = cc.db
    .select()
    .from(cmpInstances)
    .where(and(isNull(cmpInstances.deletedAt), isNotNull(cmpInstances.taskState), lte(cmpInstances.updatedAt, now - (opts.graceMs ?? 30_000))))
    .all();
  if (stuck.length) {
    // Read after the instances: a job that finished in between has already changed its instance's row.
    const busy = instancesWithJobs(cc, opts.relayedMs ?? 3_600_000);
    for (const row of stuck) {
      if (busy.has(row.id)) continue;
      try {
        recoverOne(cc, row, now, report);
      } catch (e) {
        // One instance that cannot be put right (a quota that no longer fits) must not stop the others.
        cc.logger.warn({ instance: row.id, task: row.taskState, err: e instanceof Error ? e.message : String(e) }, 'compute recovery: instance left as it is');
      }
    }
  }
  const hosts = cc.db.select({ host: cmpComputeNodes.host }).from(cmpComputeNodes).all();
  for (const h of hosts) cc.db.transaction((tx) => recountHost(tx, h.host));
  report.hosts = hosts.length;
  if (report.deletes.length) cc.notify();
  return report;
}

function recoverOne(cc: ComputeContext, row: InstanceRow, now: number, report: RecoveryReport): void {
  const task = row.taskState!;
  const same = and(eq(cmpInstances.id, row.id), eq(cmpInstances.taskState, task), eq(cmpInstances.updatedAt, row.updatedAt), isNull(cmpInstances.deletedAt));
  cc.db.transaction((tx) => {
    if (task === TASK.DELETING) {
      if (!tx.update(cmpInstances).set({ updatedAt: now }).where(same).run().changes) return;
      cc.enqueue(tx, 'compute.delete', { instanceId: row.id });
      report.deletes.push(row.id);
      return;
    }
    if (row.vmState === VM.BUILDING || BUILD_TASKS.has(task) || REBUILD_TASKS.has(task)) {
      if (!tx.update(cmpInstances).set({ vmState: VM.ERROR, taskState: null, powerState: row.vmState === VM.BUILDING ? POWER.NOSTATE : row.powerState, updatedAt: now }).where(same).run().changes) return;
      const what = REBUILD_TASKS.has(task) ? 'rebuild' : 'build';
      recordFault(tx, row.id, { code: 500, message: `Instance ${what} was interrupted (task state ${task}) and cannot be resumed.`, details: 'Recovered after a restart of the compute service.', host: row.host }, now);
      report.errored.push(row.id);
      return;
    }
    if (RESIZE_TASKS.has(task) || task === TASK.MIGRATING) {
      const back = row.previousVmState ?? row.vmState;
      if (!tx.update(cmpInstances).set({ vmState: back, taskState: null, newFlavor: null, previousVmState: null, updatedAt: now }).where(same).run().changes) return;
      // The move never happened: its record ends in error, so the destination's books drop it.
      tx.update(cmpMigrations).set({ status: 'error', updatedAt: now }).where(and(eq(cmpMigrations.instanceId, row.id), inArray(cmpMigrations.status, [...OPEN_STATUSES]))).run();
      // The resize moved the quota to the new flavor when it began.
      if (row.newFlavor && row.newFlavor.id !== row.flavor.id) adjustInstance(cc, tx, row.projectId, row.flavor.vcpus - row.newFlavor.vcpus, row.flavor.ramMb - row.newFlavor.ramMb);
      report.reverted.push(row.id);
      return;
    }
    if (!tx.update(cmpInstances).set({ taskState: null, updatedAt: now }).where(same).run().changes) return;
    // A revert moved the quota back to the old flavor when it began; back in VERIFY_RESIZE it counts the new one again.
    if (task === TASK.RESIZE_REVERTING && row.newFlavor && row.newFlavor.id !== row.flavor.id) {
      adjustInstance(cc, tx, row.projectId, row.newFlavor.vcpus - row.flavor.vcpus, row.newFlavor.ramMb - row.flavor.ramMb);
    }
    report.reverted.push(row.id);
  });
}
