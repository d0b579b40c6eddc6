// Servers: create (validation, quota claim, records, schedule jobs in one transaction), list with Nova's filters, show, update, delete, tags, metadata.
import { randomBytes } from 'node:crypto';
import { and, asc, eq, gte, inArray, isNull, lte, or, type SQL } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import { cmpInstanceActions, cmpInstanceFaults, cmpInstanceTags, cmpInstances, cmpVirtualInterfaces, cmpKeypairs, cmpMigrations, cmpServerGroupMembers, cmpServerGroups, type InstanceAddress } from '../db/schema/compute.js';
import { errors, isCoreError } from '../errors.js';
import {
  actionValues,
  fullInstance,
  isAdmin,
  loadVisible,
  newEc2Id,
  newId,
  projectOf,
  recordAction,
  requireRule,
  toInstance,
  type ComputeContext,
  type InstanceRow,
  type ShownRow,
} from './context.js';
import { flavorForBoot, snapshotOf } from './flavors.js';
import { hostStates, releaseOnHost } from './hosts.js';
import { openMigration } from './migrations.js';
import { claimInstances, limitsOf, releaseInstance } from './quotas.js';
import { POWER, TASK, VM, statusMatches, vmStatesForStatus } from './states.js';
import type { CreateServersInput, CreateServersResult, Instance, ListServersOptions } from './types.js';

/** Nova's `sanitize_hostname`: lower-case, [a-z0-9-], no leading/trailing dashes, at most 63 characters. */
export function sanitizeHostname(name: string, fallback: string): string {
  const h = name
    .toLowerCase()
    .replace(/[ _]/g, '-')
    .replace(/[^a-z0-9.-]/g, '')
    .replace(/\.+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return h || fallback;
}

/** A random admin password (Nova's `generate_password`: 12 characters). */
const generatePassword = () => randomBytes(9).toString('base64').replace(/[+/]/g, 'x');

/** Nova's `check_metadata_properties_quota`: count and key/value sizes. */
function checkMetadata(cc: ComputeContext, projectId: string, md: Record<string, string>): void {
  const lim = limitsOf(cc, cc.db, projectId).metadata_items;
  const n = Object.keys(md).length;
  if (lim >= 0 && n > lim) throw errors.quota(`Quota exceeded for metadata_items: Requested ${n}, but already used 0 of ${lim} metadata_items`, { reason: 'metadata_items' });
  for (const [k, v] of Object.entries(md)) {
    if (k.length === 0 || k.length > 255) throw errors.invalid('Metadata property key greater than 255 characters.', { reason: 'metadata' });
    if (typeof v !== 'string' || v.length > 255) throw errors.invalid('Metadata property value greater than 255 characters.', { reason: 'metadata' });
  }
}

/** Rows per multi-row insert of a boot: 100 instances × ~45 columns stay far below SQLite's and PostgreSQL's bound-parameter limits. */
const INSERT_CHUNK = 100;

/**
 * Creates `minCount`..`maxCount` servers: checks flavor, image, key pair, zone, group and networks,
 * claims quota atomically (fewer than `maxCount` if only that many fit, never fewer than `minCount`),
 * records each instance (`building`/`scheduling`) with its `create` action and one `compute.schedule`
 * job, all in one transaction, then returns at once: no host is waited for.
 */
export async function createServers(cc: ComputeContext, ctx: RequestContext, input: CreateServersInput): Promise<CreateServersResult> {
  requireRule(ctx, 'os_compute_api:servers:create', { projectId: ctx.auth?.projectId });
  const projectId = projectOf(ctx);
  const userId = ctx.auth!.userId;
  if (!input.name.trim()) throw errors.invalid("Invalid input for field/attribute name. Value: . '' is too short", { reason: 'name' });
  const flavor = flavorForBoot(cc, ctx, input.flavorRef);
  if (!input.imageRef) throw errors.invalid('Block Device Mapping is Invalid: Boot sequence for the instance and image/block device mapping combination is not valid.', { reason: 'image' });
  let image;
  try {
    image = cc.images.get(ctx, input.imageRef);
  } catch (e) {
    if (isCoreError(e, 'NotFound') || isCoreError(e, 'Forbidden')) throw errors.invalid(`Image ${input.imageRef} could not be found.`, { reason: 'image' });
    throw e;
  }
  if (image.status !== 'active') throw errors.invalid(`Image ${image.id} is not active.`, { reason: 'image' });
  if (image.minRam > flavor.ramMb) throw errors.invalid("Flavor's memory is too small for requested image.", { reason: 'image' });
  if (flavor.diskGb > 0 && image.minDisk > flavor.diskGb) throw errors.invalid("Flavor's disk is too small for requested image.", { reason: 'image' });
  if (flavor.diskGb > 0 && (image.size ?? 0) > flavor.diskGb * 1024 ** 3) throw errors.invalid(`Flavor's disk is too small for requested image. Flavor disk is ${flavor.diskGb * 1024 ** 3} bytes, image is ${image.size} bytes.`, { reason: 'image' });
  let keyData: string | null = null;
  if (input.keyName !== undefined) {
    const kp = cc.db.select().from(cmpKeypairs).where(and(eq(cmpKeypairs.userId, userId), eq(cmpKeypairs.name, input.keyName))).get();
    if (!kp) throw errors.invalid('Invalid key_name provided.', { reason: 'key_name' });
    keyData = kp.publicKey;
  }
  let zone: string | null = null;
  if (input.availabilityZone) {
    // `zone:host[:node]` pins a host (admin); the zone part must exist either way.
    const [z, host] = input.availabilityZone.split(':');
    if (host && !isAdmin(ctx)) requireRule(ctx, 'os_compute_api:servers:create:forced_host');
    const zones = new Set(hostStates(cc).map((h) => h.zone));
    if (z && !zones.has(z)) throw errors.invalid('The requested availability zone is not available', { reason: 'availability_zone' });
    zone = z || null;
  }
  const hints = { ...(input.hints ?? {}) };
  if (input.availabilityZone?.includes(':')) hints.force_host = input.availabilityZone.split(':')[1];
  let groupId: string | null = null;
  if (hints.group !== undefined) {
    const g = cc.db.select().from(cmpServerGroups).where(eq(cmpServerGroups.id, String(hints.group))).get();
    if (!g || (g.projectId !== projectId && !isAdmin(ctx))) throw errors.invalid(`Invalid server group ${String(hints.group)}.`, { reason: 'group' });
    groupId = g.id;
  }
  const metadata = input.metadata ?? {};
  checkMetadata(cc, projectId, metadata);
  if (input.userData !== undefined) {
    if (input.userData.length > 65535) throw errors.invalid('User data too large. User data must be no larger than 65535 bytes once base64 encoded.', { reason: 'user_data' });
    if (!/^[A-Za-z0-9+/=\s]*$/.test(input.userData)) throw errors.invalid('User data needs to be valid base 64.', { reason: 'user_data' });
  }
  if (input.minCount < 1 || input.maxCount < input.minCount) throw errors.invalid('min_count must be <= max_count', { reason: 'count' });
  await cc.networking?.validate(ctx, input.networks, input.maxCount);
  if (!cc.networking && Array.isArray(input.networks) && input.networks.length) throw errors.invalid('Networks are not available: the network service is not configured.', { reason: 'networks' });

  const now = cc.now();
  const reservationId = `r-${randomBytes(4).toString('hex')}`;
  const requested = cc.networking ? input.networks : 'none';
  const snap = snapshotOf(flavor);
  const adminPass = input.adminPass ?? generatePassword();
  const rows = cc.db.transaction((tx) => {
    // Nova boots as many as fit between min_count and max_count: try the most first, down to min_count.
    let count = input.maxCount;
    for (;;) {
      try {
        claimInstances(cc, tx, projectId, count, flavor.vcpus, flavor.ramMb);
        break;
      } catch (e) {
        if (!isCoreError(e, 'QuotaExceeded') || count <= input.minCount) throw e;
        const allowed = Number(e.detail.allowed ?? 0);
        count = Math.max(input.minCount, Math.min(count - 1, allowed));
      }
    }
    if (groupId) {
      const lim = limitsOf(cc, tx, projectId).server_group_members;
      const members = tx.select().from(cmpServerGroupMembers).where(eq(cmpServerGroupMembers.groupId, groupId)).all().length;
      if (lim >= 0 && members + count > lim) throw errors.quota('Quota exceeded, too many servers in group', { reason: 'server_group_members' });
    }
    const out: InstanceRow[] = [];
    const actions: Array<typeof cmpInstanceActions.$inferInsert> = [];
    for (let i = 0; i < count; i++) {
      const id = newId();
      const name = count > 1 ? `${input.name}-${i + 1}` : input.name;
      const row: InstanceRow = {
        id,
        ec2Id: newEc2Id(),
        projectId,
        userId,
        name,
        hostname: input.hostname ? (count > 1 ? `${input.hostname}-${i + 1}` : input.hostname) : sanitizeHostname(name, `server-${id}`),
        description: input.description ?? null,
        reservationId,
        launchIndex: i,
        flavor: snap,
        newFlavor: null,
        oldFlavor: null,
        imageId: image.id,
        keyName: input.keyName ?? null,
        keyData,
        userData: input.userData ?? null,
        adminPass,
        metadata,
        vmState: VM.BUILDING,
        taskState: TASK.SCHEDULING,
        powerState: POWER.NOSTATE,
        previousVmState: null,
        host: null,
        node: null,
        availabilityZone: zone,
        requestedZone: zone,
        locked: false,
        lockedBy: null,
        lockedReason: null,
        accessIpv4: input.accessIpv4 ?? null,
        accessIpv6: input.accessIpv6 ?? null,
        configDrive: input.configDrive ? 'True' : '',
        progress: 0,
        requestedNetworks: requested,
        addresses: {},
        securityGroups: input.securityGroups ?? ['default'],
        schedule: { attempts: 0, triedHosts: [], hints, imageProperties: image.properties },
        serverGroupId: groupId,
        launchedAt: null,
        terminatedAt: null,
        createdAt: now,
        updatedAt: now,
        deletedAt: null,
      };
      out.push(row);
      actions.push(actionValues(ctx, row, 'create', now));
    }
    // Multi-row inserts, a chunk at a time (within either database's bound-parameter limit): a statement per row cost most of a large min_count.
    for (let i = 0; i < out.length; i += INSERT_CHUNK) {
      tx.insert(cmpInstances).values(out.slice(i, i + INSERT_CHUNK)).run();
      tx.insert(cmpInstanceActions).values(actions.slice(i, i + INSERT_CHUNK)).run();
    }
    for (const row of out) {
      for (const tag of input.tags ?? []) tx.insert(cmpInstanceTags).values({ instanceId: row.id, tag }).onConflictDoNothing().run();
      if (groupId) tx.insert(cmpServerGroupMembers).values({ groupId, instanceId: row.id }).run();
      cc.enqueue(tx, 'compute.schedule', { instanceId: row.id, attempt: 1 }, { jobId: `schedule:${row.id}:1` });
    }
    return out;
  });
  cc.notify();
  return { reservationId, instances: rows.map((r) => ({ ...toInstance(r, [...(input.tags ?? [])].sort()), adminPass })) };
}

const SORT_KEYS: Record<string, keyof ShownRow> = {
  created_at: 'createdAt',
  updated_at: 'updatedAt',
  display_name: 'name',
  hostname: 'hostname',
  uuid: 'id',
  vm_state: 'vmState',
  task_state: 'taskState',
  power_state: 'powerState',
  launched_at: 'launchedAt',
  terminated_at: 'terminatedAt',
  host: 'host',
  node: 'node',
  project_id: 'projectId',
  user_id: 'userId',
  key_name: 'keyName',
  availability_zone: 'availabilityZone',
  image_ref: 'imageId',
  locked: 'locked',
  launch_index: 'launchIndex',
  access_ip_v4: 'accessIpv4',
  access_ip_v6: 'accessIpv6',
  config_drive: 'configDrive',
  progress: 'progress',
  display_description: 'description',
  instance_type_id: 'flavor',
  kernel_id: 'id',
  ramdisk_id: 'id',
  root_device_name: 'id',
};
/** Sort keys only an admin may use (Nova's `SERVER_LIST_IGNORE_SORT_KEY_FOR_NON_ADMIN` ignores them for others). */
const ADMIN_SORT_KEYS = new Set(['host', 'node', 'compute_node_id', 'power_state', 'task_state', 'vm_state', 'project_id', 'user_id']);

/** Every sort key `GET /servers` accepts. */
export const SERVER_SORT_KEYS = new Set(Object.keys(SORT_KEYS));

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return String(a) < String(b) ? -1 : 1;
}

function regex(pattern: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch {
    throw errors.invalid(`Invalid regular expression: ${pattern}`, { reason: 'regex' });
  }
}

const addressList = (a: Record<string, InstanceAddress[]>) => Object.values(a).flat();

/** `GET /servers` and `/servers/detail`: the caller's project (every project with `allTenants`, admin), Nova's filters, sort and paging. */
export function listServers(cc: ComputeContext, ctx: RequestContext, opts: ListServersOptions = {}): { instances: Instance[]; hasMore: boolean } {
  requireRule(ctx, 'os_compute_api:servers:index', { projectId: ctx.auth?.projectId });
  const admin = isAdmin(ctx);
  const cond: SQL[] = [];
  if (opts.allTenants) {
    requireRule(ctx, 'os_compute_api:servers:index:get_all_tenants');
    if (opts.projectId) cond.push(eq(cmpInstances.projectId, opts.projectId));
  } else {
    cond.push(eq(cmpInstances.projectId, projectOf(ctx)));
  }
  // Deleted servers show only to admins asking `deleted=true`, or in a `changes-since` listing.
  if (opts.deleted && admin) cond.push(or(eq(cmpInstances.vmState, VM.DELETED), eq(cmpInstances.vmState, VM.SOFT_DELETED))!);
  else if (opts.changesSince === undefined) cond.push(isNull(cmpInstances.deletedAt));
  if (opts.changesSince !== undefined) cond.push(gte(cmpInstances.updatedAt, opts.changesSince));
  if (opts.changesBefore !== undefined) cond.push(lte(cmpInstances.updatedAt, opts.changesBefore));
  if (opts.reservationId) cond.push(eq(cmpInstances.reservationId, opts.reservationId));
  if (opts.host && admin) cond.push(eq(cmpInstances.host, opts.host));
  if (opts.image) cond.push(eq(cmpInstances.imageId, opts.image.slice(opts.image.lastIndexOf('/') + 1)));
  if (opts.userId) cond.push(eq(cmpInstances.userId, opts.userId));
  if (opts.availabilityZone) cond.push(eq(cmpInstances.availabilityZone, opts.availabilityZone));
  if (opts.keyName) cond.push(eq(cmpInstances.keyName, opts.keyName));
  if (opts.locked !== undefined) cond.push(eq(cmpInstances.locked, opts.locked));
  if (opts.status?.length) {
    const vms = [...new Set(opts.status.flatMap((s) => vmStatesForStatus(s)))];
    if (!vms.length) return { instances: [], hasMore: false };
    cond.push(inArray(cmpInstances.vmState, vms));
  }
  // The plain listing of a project's live servers (what clients ask nearly always) runs prepared statements.
  const plain = cond.length === 2 && !opts.allTenants && !opts.deleted && opts.changesSince === undefined;
  let rows: ShownRow[] = plain
    ? cc.stmts.liveOfProject(projectOf(ctx))
    : cc.db
        .select()
        .from(cmpInstances)
        .where(and(...cond))
        .all();
  if (opts.status?.length) rows = rows.filter((r) => statusMatches(r.vmState, r.taskState, opts.status!));
  if (opts.flavor) {
    const f = opts.flavor.slice(opts.flavor.lastIndexOf('/') + 1);
    rows = rows.filter((r) => r.flavor.id === f);
  }
  if (opts.name) {
    const re = regex(opts.name);
    rows = rows.filter((r) => re.test(r.name));
  }
  if (opts.ip) {
    const re = regex(opts.ip);
    rows = rows.filter((r) => addressList(r.addresses).some((a) => a.version === 4 && re.test(a.addr)));
  }
  if (opts.ip6) {
    const re = regex(opts.ip6);
    rows = rows.filter((r) => addressList(r.addresses).some((a) => a.version === 6 && re.test(a.addr)));
  }
  const tagMap = new Map<string, string[]>();
  const ids = plain ? [] : rows.map((r) => r.id);
  if (plain) {
    for (const t of cc.stmts.tagsOfLive(projectOf(ctx))) {
      const l = tagMap.get(t.instanceId) ?? [];
      l.push(t.tag);
      tagMap.set(t.instanceId, l);
    }
  }
  for (let i = 0; i < ids.length; i += 500) {
    for (const t of cc.db
      .select()
      .from(cmpInstanceTags)
      .where(inArray(cmpInstanceTags.instanceId, ids.slice(i, i + 500)))
      .all()) {
      const l = tagMap.get(t.instanceId) ?? [];
      l.push(t.tag);
      tagMap.set(t.instanceId, l);
    }
  }
  const tagsOf = (id: string) => tagMap.get(id) ?? [];
  if (opts.tags?.length) rows = rows.filter((r) => opts.tags!.every((t) => tagsOf(r.id).includes(t)));
  if (opts.tagsAny?.length) rows = rows.filter((r) => opts.tagsAny!.some((t) => tagsOf(r.id).includes(t)));
  if (opts.notTags?.length) rows = rows.filter((r) => !opts.notTags!.every((t) => tagsOf(r.id).includes(t)));
  if (opts.notTagsAny?.length) rows = rows.filter((r) => !opts.notTagsAny!.some((t) => tagsOf(r.id).includes(t)));

  const keys = (opts.sortKeys?.length ? opts.sortKeys : ['created_at']).filter((k) => admin || !ADMIN_SORT_KEYS.has(k));
  const dirs = opts.sortDirs ?? [];
  const order = keys.map((k, i) => ({ field: SORT_KEYS[k]!, desc: (dirs[i] ?? dirs[0] ?? 'desc') === 'desc' }));
  if (!order.some((o) => o.field === 'id')) order.push({ field: 'id', desc: order[0]?.desc ?? true });
  rows.sort((a, b) => {
    for (const o of order) {
      const c = compare(a[o.field], b[o.field]);
      if (c !== 0) return o.desc ? -c : c;
    }
    return 0;
  });
  if (opts.marker !== undefined) {
    const i = rows.findIndex((r) => r.id === opts.marker);
    if (i < 0) throw errors.invalid(`marker [${opts.marker}] not found`, { reason: 'marker' });
    rows = rows.slice(i + 1);
  }
  let hasMore = false;
  if (opts.limit !== undefined && rows.length > opts.limit) {
    rows = rows.slice(0, opts.limit);
    hasMore = true;
  }
  // Faults only for the ERROR/DELETED ones, in one query.
  const faulty = rows.filter((r) => r.vmState === VM.ERROR || r.vmState === VM.DELETED).map((r) => r.id);
  const faults = new Map<string, Instance['fault']>();
  if (faulty.length) {
    for (const f of cc.db.select().from(cmpInstanceFaults).where(inArray(cmpInstanceFaults.instanceId, faulty)).orderBy(asc(cmpInstanceFaults.createdAt)).all()) {
      faults.set(f.instanceId, { code: f.code, message: f.message, details: f.details, createdAt: f.createdAt });
    }
  }
  return { instances: rows.map((r) => toInstance(r, tagsOf(r.id).sort(), faults.get(r.id))), hasMore };
}

/** One server the caller may see. */
export function getServer(cc: ComputeContext, ctx: RequestContext, id: string): Instance {
  const row = loadVisible(cc, ctx, id);
  requireRule(ctx, 'os_compute_api:servers:show', { projectId: row.projectId });
  return fullInstance(cc.db, row);
}

/** `PUT /servers/{id}`: name, description, accessIPv4/6, hostname (2.90). */
export function updateServer(
  cc: ComputeContext,
  ctx: RequestContext,
  id: string,
  change: { name?: string; description?: string | null; accessIpv4?: string | null; accessIpv6?: string | null; hostname?: string },
): Instance {
  const row = loadVisible(cc, ctx, id);
  requireRule(ctx, 'os_compute_api:servers:update', { projectId: row.projectId });
  const set: Partial<InstanceRow> = { updatedAt: cc.now() };
  if (change.name !== undefined) set.name = change.name;
  if (change.description !== undefined) set.description = change.description;
  if (change.accessIpv4 !== undefined) set.accessIpv4 = change.accessIpv4;
  if (change.accessIpv6 !== undefined) set.accessIpv6 = change.accessIpv6;
  if (change.hostname !== undefined) set.hostname = change.hostname;
  cc.db.update(cmpInstances).set(set).where(eq(cmpInstances.id, id)).run();
  return getServer(cc, ctx, id);
}

/**
 * Deletes a server in any state. One never placed on a host is gone at once (quota returned); one on a
 * host gets `task_state: deleting`, a `delete` action and a `compute.delete` job for its agent.
 */
export function deleteServer(cc: ComputeContext, ctx: RequestContext, id: string, opts: { force?: boolean } = {}): void {
  const row = loadVisible(cc, ctx, id);
  requireRule(ctx, 'os_compute_api:servers:delete', { projectId: row.projectId });
  if (row.locked && !isAdmin(ctx)) throw errors.invalidState(`Instance ${id} is locked`, { reason: 'locked' });
  void opts;
  const now = cc.now();
  cc.db.transaction((tx) => {
    const cur = tx.select().from(cmpInstances).where(eq(cmpInstances.id, id)).get()!;
    if (cur.deletedAt !== null) return;
    recordAction(tx, ctx, cur, 'delete', now);
    if (cur.host === null) {
      // Not placed (scheduling, or ERROR with no valid host): nothing to tear down on a host.
      const changed = tx
        .update(cmpInstances)
        .set({ vmState: VM.DELETED, taskState: null, powerState: POWER.NOSTATE, deletedAt: now, terminatedAt: now, updatedAt: now })
        .where(and(eq(cmpInstances.id, id), isNull(cmpInstances.deletedAt), isNull(cmpInstances.host)))
        .run().changes;
      if (changed) {
        releaseInstance(tx, cur.projectId, cur.flavor.vcpus, cur.flavor.ramMb);
        tx.delete(cmpServerGroupMembers).where(eq(cmpServerGroupMembers.instanceId, id)).run();
        return;
      }
    }
    tx.update(cmpInstances).set({ taskState: TASK.DELETING, updatedAt: now }).where(eq(cmpInstances.id, id)).run();
    cc.enqueue(tx, 'compute.delete', { instanceId: id }, { jobId: `delete:${id}` });
  });
  cc.notify();
}

/** Marks a server deleted once its host has torn it down: returns the host claim and the quota exactly once. */
export function finishDelete(cc: ComputeContext, id: string): boolean {
  const now = cc.now();
  return cc.db.transaction((tx) => {
    const cur = tx.select().from(cmpInstances).where(eq(cmpInstances.id, id)).get();
    if (!cur || cur.deletedAt !== null) return false;
    const changed = tx
      .update(cmpInstances)
      .set({ vmState: VM.DELETED, taskState: null, powerState: POWER.NOSTATE, deletedAt: now, terminatedAt: now, updatedAt: now })
      .where(and(eq(cmpInstances.id, id), isNull(cmpInstances.deletedAt)))
      .run().changes;
    if (!changed) return false;
    tx.delete(cmpVirtualInterfaces).where(eq(cmpVirtualInterfaces.instanceId, id)).run();
    if (cur.host && cur.vmState !== VM.SHELVED_OFFLOADED) {
      const f = cur.newFlavor ? { vcpus: Math.max(cur.flavor.vcpus, cur.newFlavor.vcpus), ramMb: Math.max(cur.flavor.ramMb, cur.newFlavor.ramMb), diskGb: Math.max(cur.flavor.diskGb, cur.newFlavor.diskGb) } : cur.flavor;
      releaseOnHost(tx, cur.host, { vcpus: f.vcpus, ramMb: f.ramMb, diskGb: f.diskGb });
    }
    // A server deleted mid-move also frees the other host of its move, and the move ends.
    const mig = openMigration(tx, id);
    if (mig) {
      const other = cur.host === mig.sourceCompute ? mig.destCompute : mig.sourceCompute;
      if (other && other !== cur.host) releaseOnHost(tx, other, { vcpus: cur.flavor.vcpus, ramMb: cur.flavor.ramMb, diskGb: cur.flavor.diskGb });
      tx.update(cmpMigrations).set({ status: 'error', updatedAt: now }).where(eq(cmpMigrations.id, mig.id)).run();
    }
    const q = cur.newFlavor ? cur.newFlavor : cur.flavor;
    releaseInstance(tx, cur.projectId, q.vcpus, q.ramMb);
    tx.delete(cmpServerGroupMembers).where(eq(cmpServerGroupMembers.instanceId, id)).run();
    return true;
  });
}

/** Server tags (2.26). */
export function setTags(cc: ComputeContext, ctx: RequestContext, id: string, tags: string[]): string[] {
  const row = loadVisible(cc, ctx, id);
  requireRule(ctx, 'os_compute_api:servers:update', { projectId: row.projectId });
  if (tags.length > 50) throw errors.invalid('The number of tags exceeded the per-server limit 50', { reason: 'tags' });
  cc.db.transaction((tx) => {
    tx.delete(cmpInstanceTags).where(eq(cmpInstanceTags.instanceId, id)).run();
    for (const t of new Set(tags)) tx.insert(cmpInstanceTags).values({ instanceId: id, tag: t }).run();
    tx.update(cmpInstances).set({ updatedAt: cc.now() }).where(eq(cmpInstances.id, id)).run();
  });
  return [...new Set(tags)].sort();
}

export function addTag(cc: ComputeContext, ctx: RequestContext, id: string, tag: string): boolean {
  const row = loadVisible(cc, ctx, id);
  requireRule(ctx, 'os_compute_api:servers:update', { projectId: row.projectId });
  const existing = cc.db.select().from(cmpInstanceTags).where(eq(cmpInstanceTags.instanceId, id)).all();
  if (existing.some((t) => t.tag === tag)) return false;
  if (existing.length >= 50) throw errors.invalid('The number of tags exceeded the per-server limit 50', { reason: 'tags' });
  cc.db.insert(cmpInstanceTags).values({ instanceId: id, tag }).run();
  return true;
}

export function deleteTag(cc: ComputeContext, ctx: RequestContext, id: string, tag: string | undefined): void {
  const row = loadVisible(cc, ctx, id);
  requireRule(ctx, 'os_compute_api:servers:update', { projectId: row.projectId });
  if (tag === undefined) {
    cc.db.delete(cmpInstanceTags).where(eq(cmpInstanceTags.instanceId, id)).run();
    return;
  }
  const n = cc.db.delete(cmpInstanceTags).where(and(eq(cmpInstanceTags.instanceId, id), eq(cmpInstanceTags.tag, tag))).run().changes;
  if (!n) throw errors.notFound('tag', tag, `Tag '${tag}' could not be found.`);
}

/** Server metadata: replace all (`PUT`) or merge (`POST`), set or delete one key. */
export function setMetadata(cc: ComputeContext, ctx: RequestContext, id: string, md: Record<string, string>, replace: boolean): Record<string, string> {
  const row = loadVisible(cc, ctx, id);
  requireRule(ctx, 'os_compute_api:servers:update', { projectId: row.projectId });
  if (row.locked && !isAdmin(ctx)) throw errors.invalidState(`Instance ${id} is locked`, { reason: 'locked' });
  const next = replace ? { ...md } : { ...row.metadata, ...md };
  checkMetadata(cc, row.projectId, next);
  cc.db.update(cmpInstances).set({ metadata: next, updatedAt: cc.now() }).where(eq(cmpInstances.id, id)).run();
  return next;
}

export function deleteMetadataKey(cc: ComputeContext, ctx: RequestContext, id: string, key: string): void {
  const row = loadVisible(cc, ctx, id);
  requireRule(ctx, 'os_compute_api:servers:update', { projectId: row.projectId });
  if (!(key in row.metadata)) throw errors.notFound('metadata', key, 'Metadata item was not found');
  const next = { ...row.metadata };
  delete next[key];
  cc.db.update(cmpInstances).set({ metadata: next, updatedAt: cc.now() }).where(eq(cmpInstances.id, id)).run();
}
