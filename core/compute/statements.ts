// Prepared statements for the compute service's hot paths (a project's server list, the conductor's build steps): drizzle built the SQL of each query on every call.
import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import type Database from 'better-sqlite3';
import type { Db } from '../db/index.js';
import { cmpComputeNodes, cmpInstanceActionEvents, cmpInstanceActions, cmpInstanceTags, cmpInstances, cmpServices, type InstanceAddress } from '../db/schema/compute.js';
import type { ShownRow } from './context.js';

/** The columns a listing reads; `shownRow` reads them by position, in this order. */
const SHOWN_COLUMNS =
  'id, ec2_id, project_id, user_id, name, hostname, description, reservation_id, launch_index, flavor, image_id, key_name, key_data, user_data, metadata, vm_state, task_state, power_state, host, node, availability_zone, locked, locked_by, locked_reason, access_ipv4, access_ipv6, config_drive, progress, addresses, security_groups, server_group_id, launched_at, terminated_at, created_at, updated_at, deleted_at';

/**
 * The hand mapper of a listed row, read as an array in `SHOWN_COLUMNS` order (either driver: JSON as text,
 * booleans and bigints as numbers, see pg-sync.ts): no object per row from the driver, no decoder call per
 * column as drizzle's mapping makes. `parse` reads the JSON columns most rows share (flavor, metadata, groups).
 */
const shownRow = (r: unknown[], parse: (text: string) => unknown): ShownRow => ({
  id: r[0] as ShownRow['id'],
  ec2Id: r[1] as ShownRow['ec2Id'],
  projectId: r[2] as ShownRow['projectId'],
  userId: r[3] as ShownRow['userId'],
  name: r[4] as ShownRow['name'],
  hostname: r[5] as ShownRow['hostname'],
  description: r[6] as ShownRow['description'],
  reservationId: r[7] as ShownRow['reservationId'],
  launchIndex: r[8] as ShownRow['launchIndex'],
  flavor: parse(r[9] as string) as ShownRow['flavor'],
  imageId: r[10] as ShownRow['imageId'],
  keyName: r[11] as ShownRow['keyName'],
  keyData: r[12] as ShownRow['keyData'],
  userData: r[13] as ShownRow['userData'],
  metadata: parse(r[14] as string) as ShownRow['metadata'],
  vmState: r[15] as ShownRow['vmState'],
  taskState: r[16] as ShownRow['taskState'],
  powerState: r[17] as ShownRow['powerState'],
  host: r[18] as ShownRow['host'],
  node: r[19] as ShownRow['node'],
  availabilityZone: r[20] as ShownRow['availabilityZone'],
  locked: r[21] === 1,
  lockedBy: r[22] as ShownRow['lockedBy'],
  lockedReason: r[23] as ShownRow['lockedReason'],
  accessIpv4: r[24] as ShownRow['accessIpv4'],
  accessIpv6: r[25] as ShownRow['accessIpv6'],
  configDrive: r[26] as ShownRow['configDrive'],
  progress: r[27] as ShownRow['progress'],
  addresses: JSON.parse(r[28] as string) as ShownRow['addresses'],
  securityGroups: parse(r[29] as string) as ShownRow['securityGroups'],
  serverGroupId: r[30] as ShownRow['serverGroupId'],
  launchedAt: r[31] as ShownRow['launchedAt'],
  terminatedAt: r[32] as ShownRow['terminatedAt'],
  createdAt: r[33] as ShownRow['createdAt'],
  updatedAt: r[34] as ShownRow['updatedAt'],
  deletedAt: r[35] as ShownRow['deletedAt'],
});

/**
 * The list queries, prepared once per connection. They run on the connection's open transaction when
 * called inside one (both databases give the service a single connection).
 */
export function prepareComputeStatements(db: Db) {
  const p = sql.placeholder;
  // Raw, with a hand mapper: drizzle's per-row mapping (a decoder call per column) cost as much as the query on a 1,000-server list.
  const sqlite = (db as unknown as { $client: Database.Database }).$client;
  const liveOfProject = sqlite.prepare(`SELECT ${SHOWN_COLUMNS} FROM cmp_instances WHERE project_id = ? AND deleted_at IS NULL`).raw();
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
    liveOfProject: (projectId: string): ShownRow[] => {
      // Equal JSON texts are parsed once per listing (a project's servers mostly share a flavor, metadata and groups):
      // the rows of one listing share those values, which the service and views only read.
      const parsed = new Map<string, unknown>();
      const parse = (text: string) => {
        let v = parsed.get(text);
        if (v === undefined) parsed.set(text, (v = JSON.parse(text)));
        return v;
      };
      return (liveOfProject.all(projectId) as unknown[][]).map((r) => shownRow(r, parse));
    },
    /** The tags of a project's servers not deleted. */
    tagsOfLive: (projectId: string) => tagsOfLive.all({ projectId }),
  };
}

/** The prepared statements of one connection. */
export type ComputeStatements = ReturnType<typeof prepareComputeStatements>;
