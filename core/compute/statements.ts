// Prepared statements for the compute service's hot paths (a project's server list, the conductor's build steps): drizzle built the SQL of each query on every call.
import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { cmpComputeNodes, cmpInstanceActionEvents, cmpInstanceActions, cmpInstanceTags, cmpInstances, cmpServices, type InstanceAddress } from '../db/schema/compute.js';

/**
 * The list queries, prepared once per connection. They run on the connection's open transaction when
 * called inside one (both databases give the service a single connection).
 */
export function prepareComputeStatements(db: Db) {
  const p = sql.placeholder;
  const liveOfProject = db
    .select()
    .from(cmpInstances)
    .where(and(eq(cmpInstances.projectId, p('projectId')), isNull(cmpInstances.deletedAt)))
    .prepare();
  // The tags of a project's live servers in one joined query, instead of `IN (...)` chunks built per call.
  const tagsOfLive = db
    .select({ instanceId: cmpInstanceTags.instanceId, tag: cmpInstanceTags.tag })
    .from(cmpInstanceTags)
    .innerJoin(cmpInstances, eq(cmpInstances.id, cmpInstanceTags.instanceId))
    .where(and(eq(cmpInstances.projectId, p('projectId')), isNull(cmpInstances.deletedAt)))
    .prepare();
  // A placeholder as an SQL value: `set()` takes no bare placeholder (values go to the driver as they are, so JSON is passed as text).
  const v = (name: string) => sql`${p(name)}`;
  const byId = db.select().from(cmpInstances).where(eq(cmpInstances.id, p('id'))).prepare();
  const tagsOf = db.select({ tag: cmpInstanceTags.tag }).from(cmpInstanceTags).where(eq(cmpInstanceTags.instanceId, p('id'))).prepare();
  const latestAction = db
    .select({ id: cmpInstanceActions.id })
    .from(cmpInstanceActions)
    .where(and(eq(cmpInstanceActions.instanceId, p('id')), eq(cmpInstanceActions.action, p('action'))))
    .orderBy(desc(cmpInstanceActions.startTime))
    .limit(1)
    .prepare();
  const startEvent = db
    .insert(cmpInstanceActionEvents)
    .values({ id: p('id'), actionId: p('actionId'), event: p('event'), host: p('host'), result: null, traceback: null, startTime: p('now'), finishTime: null })
    .onConflictDoUpdate({ target: [cmpInstanceActionEvents.actionId, cmpInstanceActionEvents.event], set: { host: v('host'), startTime: v('now'), finishTime: null, result: null } })
    .prepare();
  const finishEvent = db
    .update(cmpInstanceActionEvents)
    .set({ result: v('result'), finishTime: v('now'), traceback: v('traceback') })
    .where(and(eq(cmpInstanceActionEvents.actionId, p('actionId')), eq(cmpInstanceActionEvents.event, p('event'))))
    .prepare();
  const touchAction = db.update(cmpInstanceActions).set({ updatedAt: v('now') }).where(eq(cmpInstanceActions.id, p('actionId'))).prepare();
  const failAction = db.update(cmpInstanceActions).set({ updatedAt: v('now'), message: 'Error' }).where(eq(cmpInstanceActions.id, p('actionId'))).prepare();
  const onBuildHost = and(eq(cmpInstances.id, p('id')), eq(cmpInstances.host, p('host')), eq(cmpInstances.taskState, p('from')), isNull(cmpInstances.deletedAt));
  const buildStep = db.update(cmpInstances).set({ taskState: v('to'), progress: v('progress'), updatedAt: v('now') }).where(onBuildHost).prepare();
  const buildStepAddresses = db.update(cmpInstances).set({ taskState: v('to'), progress: v('progress'), updatedAt: v('now'), addresses: v('addresses') }).where(onBuildHost).prepare();
  const buildDone = db
    .update(cmpInstances)
    .set({ vmState: 'active', taskState: null, powerState: 1, progress: 100, launchedAt: v('now'), updatedAt: v('now') })
    .where(onBuildHost)
    .prepare();
  const computeServices = db.select().from(cmpServices).where(eq(cmpServices.binary, 'nova-compute')).prepare();
  const computeNodes = db.select().from(cmpComputeNodes).orderBy(asc(cmpComputeNodes.id)).prepare();
  const n = cmpComputeNodes;
  const claimOnHost = db
    .update(n)
    .set({ vcpusUsed: sql`${n.vcpusUsed} + ${p('vcpus')}`, memoryMbUsed: sql`${n.memoryMbUsed} + ${p('ramMb')}`, localGbUsed: sql`${n.localGbUsed} + ${p('diskGb')}`, runningVms: sql`${n.runningVms} + 1` })
    .where(
      and(
        eq(n.host, p('host')),
        sql`${n.vcpusUsed} + ${p('vcpus')} <= ${n.vcpus} * ${n.cpuAllocationRatio}`,
        sql`${n.memoryMbUsed} + ${p('ramMb')} <= ${n.memoryMb} * ${n.ramAllocationRatio}`,
        sql`${n.localGbUsed} + ${p('diskGb')} <= ${n.localGb} * ${n.diskAllocationRatio}`,
      ),
    )
    .prepare();
  return {
    /** One instance row by id, deleted or not. */
    instanceById: (id: string) => byId.get({ id }),
    /** An instance's tags, sorted. */
    tagsOf: (id: string) => tagsOf
      .all({ id })
      .map((r) => r.tag)
      .sort(),
    /** The newest action of `action` on an instance. */
    latestActionId: (id: string, action: string) => latestAction.get({ id, action })?.id,
    /** Starts (or restarts, on a re-delivery) an event of an action. */
    startEvent: (id: string, actionId: string, event: string, host: string | null, now: number) => void startEvent.run({ id, actionId, event, host, now }),
    /** Finishes an event, and marks the action's message on error. */
    finishEvent: (actionId: string, event: string, result: 'Success' | 'Error', now: number, traceback: string | null) => {
      finishEvent.run({ actionId, event, result, now, traceback });
      (result === 'Error' ? failAction : touchAction).run({ actionId, now });
    },
    /** A build's compare-and-swap from task state `from` on `host` to `to`: rows changed (0 or 1). */
    buildStep: (w: { id: string; host: string; from: string; to: string; progress: number; now: number; addresses?: Record<string, InstanceAddress[]> }) =>
      (w.addresses ? buildStepAddresses.run({ ...w, addresses: JSON.stringify(w.addresses) }) : buildStep.run(w)).changes,
    /** A build's end, from `from` on `host` to ACTIVE, running: rows changed (0 or 1). */
    buildDone: (w: { id: string; host: string; from: string; now: number }) => buildDone.run(w).changes,
    /** The nova-compute services and the compute nodes (the scheduler's host states). */
    computeServices: () => computeServices.all(),
    computeNodes: () => computeNodes.all(),
    /** `claimOnHost` as one prepared conditional UPDATE: rows changed (0 or 1). */
    claimOnHost: (w: { host: string; vcpus: number; ramMb: number; diskGb: number }) => claimOnHost.run(w).changes,
    /** A project's servers not deleted, unordered. */
    liveOfProject: (projectId: string) => liveOfProject.all({ projectId }),
    /** The tags of a project's servers not deleted. */
    tagsOfLive: (projectId: string) => tagsOfLive.all({ projectId }),
  };
}

/** The prepared statements of one connection. */
export type ComputeStatements = ReturnType<typeof prepareComputeStatements>;
