// The conductor's role: every state change the scheduler and compute agents report, written as compare-and-swap updates with action events and faults.
import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Tx } from '../db/group-commit.js';
import { cmpInstances, cmpMigrations, cmpServerGroupMembers, cmpServerGroups, type InstanceAddress } from '../db/schema/compute.js';
import { errors } from '../errors.js';
import { finishEvent, fullInstance, latestActionId, newId, recordFault, startEvent, type ComputeContext, type InstanceRow } from './context.js';
import { claimOnHost, hostStates, releaseOnHost, type Claim } from './hosts.js';
import { POWER, TASK, VM } from './states.js';
import type { Hypervisor, Instance } from './types.js';

/** What the scheduler's filters and weighers look at for one instance (Nova's RequestSpec). */
export interface RequestSpec {
  instanceId: string;
  projectId: string;
  vcpus: number;
  ramMb: number;
  diskGb: number;
  imageProperties: Record<string, string>;
  availabilityZone: string | null;
  hints: Record<string, unknown>;
  /** Hosts a previous attempt failed on (never picked again). */
  triedHosts: string[];
  /** The instance's server group and the hosts its other members are on. */
  group?: { policy: string; rules: Record<string, number>; memberHosts: string[] };
  /** Hosts of the instances named in `same_host` / `different_host` hints. */
  sameHost: string[];
  differentHost: string[];
  /** Set for an unshelve (the instance was offloaded). */
  unshelve: boolean;
}

/** The event names Nova records for a build, by step. */
const EVENTS = { schedule: 'conductor_schedule_and_build_instances', build: 'compute__do_build_and_run_instance' } as const;

const claimOf = (r: { flavor: { vcpus: number; ramMb: number; diskGb: number } }): Claim => ({ vcpus: r.flavor.vcpus, ramMb: r.flavor.ramMb, diskGb: r.flavor.diskGb });

/** The instance row (internal, no policy), or undefined once it is gone. */
export function loadRow(cc: ComputeContext, id: string): InstanceRow | undefined {
  return cc.stmts.instanceById(id);
}

/** The full instance (internal, no policy). */
export function loadInstance(cc: ComputeContext, id: string): Instance | undefined {
  const row = loadRow(cc, id);
  return row ? fullInstance(cc.db, row, cc.stmts.tagsOf(id)) : undefined;
}

/** The scheduler's input for an instance still waiting for a host; undefined when it no longer is (deleted, already placed). */
export function requestSpec(cc: ComputeContext, id: string): RequestSpec | undefined {
  const row = loadRow(cc, id);
  if (!row || row.deletedAt !== null || row.host !== null) return undefined;
  const unshelve = row.taskState === TASK.UNSHELVING;
  if (!unshelve && !(row.vmState === VM.BUILDING && row.taskState === TASK.SCHEDULING)) return undefined;
  // A fresh boot schedules with the image properties its create recorded (Nova's RequestSpec): one image read per server cost most of a storm's scheduling.
  const recorded = unshelve ? undefined : row.schedule.imageProperties;
  let imageProperties: Record<string, string> = recorded ?? {};
  if (!recorded && row.imageId) {
    try {
      imageProperties = cc.images.get({ requestId: 'scheduler', auth: { userId: 'nova', userName: 'nova', userDomainId: 'default', projectId: row.projectId, roles: ['admin'], roleIds: [], methods: [], issuedAt: 0, expiresAt: 0 } }, row.imageId).properties;
    } catch {
      imageProperties = {};
    }
  }
  const hostsOf = (ids: string[]) =>
    ids.length
      ? cc.db
          .select({ host: cmpInstances.host })
          .from(cmpInstances)
          .where(and(inArray(cmpInstances.id, ids), isNull(cmpInstances.deletedAt)))
          .all()
          .map((r) => r.host)
          .filter((h): h is string => !!h)
      : [];
  const asList = (v: unknown) => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);
  let group: RequestSpec['group'];
  if (row.serverGroupId) {
    const g = cc.db.select().from(cmpServerGroups).where(eq(cmpServerGroups.id, row.serverGroupId)).get();
    if (g) {
      const members = cc.db
        .select({ id: cmpServerGroupMembers.instanceId })
        .from(cmpServerGroupMembers)
        .where(eq(cmpServerGroupMembers.groupId, g.id))
        .all()
        .map((m) => m.id)
        .filter((m) => m !== id);
      group = { policy: g.policy, rules: g.rules, memberHosts: hostsOf(members) };
    }
  }
  return {
    instanceId: id,
    projectId: row.projectId,
    vcpus: row.flavor.vcpus,
    ramMb: row.flavor.ramMb,
    diskGb: row.flavor.diskGb,
    imageProperties,
    availabilityZone: row.requestedZone,
    hints: row.schedule.hints,
    triedHosts: row.schedule.triedHosts,
    group,
    sameHost: hostsOf(asList(row.schedule.hints.same_host)),
    differentHost: hostsOf(asList(row.schedule.hints.different_host)),
    unshelve,
  };
}

/** The hosts the scheduler chooses from. */
export const schedulerHosts = (cc: ComputeContext): Hypervisor[] => hostStates(cc);

/** The scheduler's choice for a spec among the host states: the hosts to try, best first, or the filter that left none. */
export type HostChoice = (spec: RequestSpec, hosts: Hypervisor[]) => { hosts: string[]; rejectedBy?: string };

/** What `scheduleInstance` did: placed on `host`, failed with Nova's no-valid-host fault (`why`), or nothing (the instance no longer waits for a host). */
export type ScheduleOutcome = { host: string } | { noValidHost: string } | undefined;

/**
 * Nova's schedule-and-build step for an instance waiting for a host, in one transaction of the next
 * group commit: reads its request spec and the host states, lets `choose` filter and weigh them, claims
 * the first candidate with room (atomically), records the schedule event and writes the `compute.build`
 * job; with no host left, ERROR with "No valid host was found". Reading and claiming in one batch item
 * means concurrent schedules see each other's claims and group members (spread and anti-affinity hold).
 * Resolves once durable.
 */
export async function scheduleInstance(cc: ComputeContext, id: string, attempt: number, choose: HostChoice): Promise<ScheduleOutcome> {
  const outcome = await cc.commits.run((tx): ScheduleOutcome => {
    const spec = requestSpec(cc, id);
    if (!spec) return undefined;
    const hosts = hostStates(cc);
    const selection = choose(spec, hosts);
    const host = selection.hosts.length ? placeInstance(cc, tx, id, selection.hosts.map((h) => hosts.find((x) => x.host === h)!), attempt) : undefined;
    if (host) return { host };
    const why = selection.rejectedBy ? `There are not enough hosts available (filter ${selection.rejectedBy} returned 0 hosts).` : 'There are not enough hosts available.';
    noValidHost(cc, tx, id, why);
    return { noValidHost: why };
  });
  if (outcome && 'host' in outcome) cc.notify();
  return outcome;
}

/** Places the instance on the first of `candidates` whose resources it can claim; undefined when none had room any more. */
function placeInstance(cc: ComputeContext, tx: Tx, id: string, candidates: Hypervisor[], attempt: number): string | undefined {
  const now = cc.now();
  const row = loadRow(cc, id);
  if (!row || row.deletedAt !== null || row.host !== null) return undefined;
  const expectTask = row.taskState === TASK.UNSHELVING ? TASK.UNSHELVING : TASK.SCHEDULING;
  if (row.taskState !== expectTask) return undefined;
  const actionId = cc.stmts.latestActionId(id, expectTask === TASK.UNSHELVING ? 'unshelve' : 'create');
  const claim = claimOf(row);
  for (const node of candidates) {
    const host = node.host;
    if (!cc.stmts.claimOnHost({ host, ...claim })) continue;
    tx.update(cmpInstances)
      .set({ host, node: node.hypervisorHostname, availabilityZone: node.zone, schedule: { ...row.schedule, attempts: attempt }, updatedAt: now })
      .where(and(eq(cmpInstances.id, id), isNull(cmpInstances.host), eq(cmpInstances.taskState, expectTask)))
      .run();
    if (actionId) {
      cc.stmts.startEvent(newId(), actionId, EVENTS.schedule, null, now);
      cc.stmts.finishEvent(actionId, EVENTS.schedule, 'Success', now, null);
    }
    // Written in the transaction that places the instance, so it exists exactly once; no deterministic id (an unshelve builds again).
    cc.enqueue(tx, 'compute.build', { instanceId: id, host, attempt });
    return host;
  }
  return undefined;
}

/** Ends a build that found no host: ERROR with Nova's "No valid host was found" fault (quota stays claimed, as in Nova). */
function noValidHost(cc: ComputeContext, tx: Tx, id: string, reason: string): void {
  const now = cc.now();
  const row = tx.select().from(cmpInstances).where(eq(cmpInstances.id, id)).get();
  if (!row || row.deletedAt !== null || row.host !== null) return;
  if (row.taskState !== TASK.SCHEDULING && row.taskState !== TASK.UNSHELVING) return;
  const unshelve = row.taskState === TASK.UNSHELVING;
  tx.update(cmpInstances)
    .set(unshelve ? { taskState: null, updatedAt: now } : { vmState: VM.ERROR, taskState: null, powerState: POWER.NOSTATE, updatedAt: now })
    .where(and(eq(cmpInstances.id, id), eq(cmpInstances.taskState, row.taskState)))
    .run();
  recordFault(tx, id, { code: 500, message: 'No valid host was found. ', details: reason }, now);
  const actionId = latestActionId(tx, id, unshelve ? 'unshelve' : 'create');
  if (actionId) {
    startEvent(tx, actionId, EVENTS.schedule, null, now);
    finishEvent(tx, actionId, EVENTS.schedule, 'Error', now, `NoValidHost: ${reason}`);
  }
}

/**
 * Moves a build on `host` from one task state to the next (`scheduling → networking →
 * block_device_mapping → spawning`), each stage its own commit (the API shows every one), joined with
 * the other builds' writes of the same turn in one group commit. Resolves once durable; false when the
 * instance left that state (deleted meanwhile): the agent then stops. `addresses`, when the step
 * leaves networking, are written in the same transaction.
 */
export function buildStep(cc: ComputeContext, id: string, host: string, from: string, to: string, progress: number, addresses?: Record<string, InstanceAddress[]>): Promise<boolean> {
  const now = cc.now();
  return cc.commits.run(() => {
    const n = cc.stmts.buildStep({ id, host, from, to, progress, now, addresses });
    if (n && from === TASK.SCHEDULING) {
      const actionId = cc.stmts.latestActionId(id, 'create');
      if (actionId) cc.stmts.startEvent(newId(), actionId, EVENTS.build, host, now);
    }
    return n > 0;
  });
}

/** The ports are bound: their addresses go on the instance (shown while it still builds); resolves once durable. */
export async function setAddresses(cc: ComputeContext, id: string, addresses: Record<string, InstanceAddress[]>): Promise<void> {
  const now = cc.now();
  await cc.commits.run((tx) => tx.update(cmpInstances).set({ addresses, updatedAt: now }).where(eq(cmpInstances.id, id)).run());
}

/** The build finished: ACTIVE, running, launched now (an unshelve ends the same way); resolves once durable. */
export function buildDone(cc: ComputeContext, id: string, host: string, from: string): Promise<boolean> {
  const now = cc.now();
  return cc.commits.run(() => {
    const n = cc.stmts.buildDone({ id, host, from, now });
    const actionId = n ? cc.stmts.latestActionId(id, from === TASK.UNSHELVING ? 'unshelve' : 'create') : undefined;
    if (actionId) cc.stmts.finishEvent(actionId, EVENTS.build, 'Success', now, null);
    return n > 0;
  });
}

/**
 * A build failed on `host`: its claim is returned and the instance goes back to scheduling with the
 * host excluded (a `compute.schedule` job for the next attempt), or, after `maxAttempts`, to ERROR with
 * Nova's fault. Resolves, once durable, with what happened.
 */
export async function buildFailed(cc: ComputeContext, id: string, host: string, attempt: number, why: string): Promise<'rescheduled' | 'error' | 'gone'> {
  const now = cc.now();
  const out = await cc.commits.run((tx) => {
    const row = tx.select().from(cmpInstances).where(eq(cmpInstances.id, id)).get();
    if (!row || row.deletedAt !== null || row.host !== host || row.taskState === TASK.DELETING) return 'gone' as const;
    releaseOnHost(tx, host, claimOf(row));
    const actionId = latestActionId(tx, id, row.taskState === TASK.UNSHELVING ? 'unshelve' : 'create');
    if (actionId) finishEvent(tx, actionId, EVENTS.build, 'Error', now, why);
    const unshelve = row.schedule && row.vmState === VM.SHELVED_OFFLOADED;
    if (attempt < cc.maxAttempts) {
      tx.update(cmpInstances)
        .set({ host: null, node: null, addresses: {}, taskState: unshelve ? TASK.UNSHELVING : TASK.SCHEDULING, progress: 0, schedule: { ...row.schedule, attempts: attempt, triedHosts: [...row.schedule.triedHosts, host] }, updatedAt: now })
        .where(eq(cmpInstances.id, id))
        .run();
      cc.enqueue(tx, 'compute.schedule', { instanceId: id, attempt: attempt + 1 });
      return 'rescheduled' as const;
    }
    tx.update(cmpInstances)
      .set(unshelve ? { host: null, node: null, taskState: null, updatedAt: now } : { host: null, node: null, vmState: VM.ERROR, taskState: null, powerState: POWER.NOSTATE, updatedAt: now })
      .where(eq(cmpInstances.id, id))
      .run();
    recordFault(tx, id, { code: 500, message: 'No valid host was found. ', details: `Exceeded maximum number of retries. Exceeded max scheduling attempts ${cc.maxAttempts} for instance ${id}. Last exception: ${why}`, host }, now);
    return 'error' as const;
  });
  if (out === 'rescheduled') cc.notify();
  return out;
}

/** Columns an action's end sets, besides clearing the task state. */
export type ActionResult = Partial<Pick<InstanceRow, 'vmState' | 'powerState' | 'flavor' | 'newFlavor' | 'oldFlavor' | 'previousVmState' | 'host' | 'node' | 'availabilityZone' | 'launchedAt' | 'addresses' | 'progress'>>;

/** Starts the event of an action the API recorded (`compute_stop_instance`...). */
export function actionStarted(cc: ComputeContext, id: string, action: string, host: string | null): void {
  const now = cc.now();
  cc.db.transaction((tx) => {
    const actionId = latestActionId(tx, id, action);
    if (actionId) startEvent(tx, actionId, `compute_${eventName(action)}`, host, now);
  });
}

const eventName = (action: string) =>
  ({ stop: 'stop_instance', start: 'start_instance', reboot: 'reboot_instance', rebuild: 'rebuild_instance', resize: 'resize_instance', confirmResize: 'confirm_resize', revertResize: 'revert_resize', createImage: 'snapshot_instance', shelve: 'shelve_instance', pause: 'pause_instance', unpause: 'unpause_instance', suspend: 'suspend_instance', resume: 'resume_instance', rescue: 'rescue_instance', unrescue: 'unrescue_instance', changePassword: 'set_admin_password', delete: 'terminate_instance', migrate: 'resize_instance', 'live-migration': 'live_migration' })[action] ?? action;

/**
 * An action ended well: the task state clears (compare-and-swap on the one the API set) and `set` is
 * applied; the event is finished. False if the instance left that task state (deleted meanwhile).
 */
export function actionDone(
  cc: ComputeContext,
  id: string,
  action: string,
  taskState: string,
  set: ActionResult = {},
  hostDelta?: { host: string; release?: Claim; claim?: Claim },
  migration?: { id: number; status: string },
): boolean {
  const now = cc.now();
  return cc.db.transaction((tx) => {
    const n = tx
      .update(cmpInstances)
      .set({ ...set, taskState: null, updatedAt: now })
      .where(and(eq(cmpInstances.id, id), eq(cmpInstances.taskState, taskState), isNull(cmpInstances.deletedAt)))
      .run().changes;
    if (!n) return false;
    if (hostDelta?.release) releaseOnHost(tx, hostDelta.host, hostDelta.release);
    if (hostDelta?.claim && !claimOnHost(tx, hostDelta.host, hostDelta.claim)) throw errors.conflict('host', `Host ${hostDelta.host} has no room for the claim.`);
    // The migration record ends with the move, so the books never count a finished move on two hosts.
    if (migration) tx.update(cmpMigrations).set({ status: migration.status, updatedAt: now }).where(eq(cmpMigrations.id, migration.id)).run();
    const actionId = latestActionId(tx, id, action);
    if (actionId) finishEvent(tx, actionId, `compute_${eventName(action)}`, 'Success', now);
    return true;
  });
}

/** Moves a running action to its next task state (`resize_prep → resize_migrating…`). */
export function actionStep(cc: ComputeContext, id: string, from: string, to: string): boolean {
  return (
    cc.db
      .update(cmpInstances)
      .set({ taskState: to, updatedAt: cc.now() })
      .where(and(eq(cmpInstances.id, id), eq(cmpInstances.taskState, from), isNull(cmpInstances.deletedAt)))
      .run().changes > 0
  );
}

/** An action failed: the task state reverts to none (the vm_state is kept, as Nova's `reverts_task_state`), a fault and an Error event are recorded. */
export function actionFailed(cc: ComputeContext, id: string, action: string, taskState: string, why: string, host: string | null, set: ActionResult = {}): void {
  const now = cc.now();
  cc.db.transaction((tx) => {
    const n = tx
      .update(cmpInstances)
      .set({ ...set, taskState: null, updatedAt: now })
      .where(and(eq(cmpInstances.id, id), eq(cmpInstances.taskState, taskState)))
      .run().changes;
    if (!n) return;
    recordFault(tx, id, { code: 500, message: why.slice(0, 255), details: why, host }, now);
    const actionId = latestActionId(tx, id, action);
    if (actionId) finishEvent(tx, actionId, `compute_${eventName(action)}`, 'Error', now, why);
  });
}

/** Claims extra resources on a host for a resize (true when they fit). */
export function claimExtra(cc: ComputeContext, host: string, c: Claim): boolean {
  return cc.db.transaction((tx) => claimOnHost(tx, host, c));
}

/**
 * Recovery at an agent's start (Nova's `init_instance`): every instance on its hosts left mid-task with
 * no job to finish it ends ACTIVE (actions revert their task state) or ERROR with a fault (builds).
 * `hasJob` tells whether a job for the instance is still outstanding.
 */
export function recoverHost(cc: ComputeContext, host: string, hasJob: (instanceId: string) => boolean): number {
  const rows = cc.db
    .select()
    .from(cmpInstances)
    .where(and(eq(cmpInstances.host, host), isNull(cmpInstances.deletedAt)))
    .all()
    .filter((r) => r.taskState !== null && !hasJob(r.id));
  const now = cc.now();
  for (const r of rows) {
    cc.db.transaction((tx) => {
      if (r.vmState === VM.BUILDING) {
        tx.update(cmpInstances).set({ vmState: VM.ERROR, taskState: null, powerState: POWER.NOSTATE, updatedAt: now }).where(and(eq(cmpInstances.id, r.id), eq(cmpInstances.taskState, r.taskState!))).run();
        recordFault(tx, r.id, { code: 500, message: 'Instance build was interrupted by a restart of its compute service.', host }, now);
      } else {
        tx.update(cmpInstances).set({ taskState: null, updatedAt: now }).where(and(eq(cmpInstances.id, r.id), eq(cmpInstances.taskState, r.taskState!))).run();
      }
    });
  }
  return rows.length;
}
