// Compute hosts and services: registration and heartbeats, up/down, enable/disable, hypervisor views, atomic resource claims.
import { and, asc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import { cmpComputeNodes, cmpInstances, cmpMigrations, cmpServices } from '../db/schema/compute.js';
import { errors } from '../errors.js';
import type { DbOrTx } from '../jobs/outbox.js';
import { newId, requireRule, type ComputeContext } from './context.js';
import { OPEN_STATUSES } from './migrations.js';
import type { ComputeServiceInfo, Hypervisor } from './types.js';

/** A host as its agent registers it (from the driver). */
export interface HostRegistration {
  host: string;
  hypervisorHostname: string;
  hypervisorType: string;
  hypervisorVersion: number;
  hostIp: string;
  vcpus: number;
  memoryMb: number;
  localGb: number;
  zone?: string;
  cpuAllocationRatio?: number;
  ramAllocationRatio?: number;
  diskAllocationRatio?: number;
}

/** Resources one instance takes on a host. */
export interface Claim {
  vcpus: number;
  ramMb: number;
  diskGb: number;
}

type ServiceRow = typeof cmpServices.$inferSelect;
type NodeRow = typeof cmpComputeNodes.$inferSelect;

const stateOf = (cc: ComputeContext, s: ServiceRow): 'up' | 'down' => (!s.forcedDown && s.lastSeenAt !== null && cc.now() - s.lastSeenAt <= cc.serviceDownMs ? 'up' : 'down');

const toService = (cc: ComputeContext, s: ServiceRow): ComputeServiceInfo => ({
  id: s.id,
  uuid: s.uuid,
  binary: s.binary,
  host: s.host,
  zone: s.zone,
  status: s.disabled ? 'disabled' : 'enabled',
  state: stateOf(cc, s),
  disabledReason: s.disabledReason,
  forcedDown: s.forcedDown,
  updatedAt: s.lastSeenAt,
});

/** Registers (or refreshes) a service's row and heartbeat; `binary` is `nova-compute`, `nova-scheduler`, `nova-conductor`. */
export function heartbeat(cc: ComputeContext, binary: string, host: string, zone = cc.defaultZone): void {
  const now = cc.now();
  cc.db
    .insert(cmpServices)
    .values({ uuid: newId(), binary, host, zone: binary === 'nova-compute' ? zone : 'internal', disabled: false, forcedDown: false, lastSeenAt: now, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({ target: [cmpServices.host, cmpServices.binary], set: { lastSeenAt: now } })
    .run();
}

/** Registers a compute node's capacity (the agent's `update_available_resource`), keeping what is claimed. */
export function registerHost(cc: ComputeContext, reg: HostRegistration): void {
  heartbeat(cc, 'nova-compute', reg.host, reg.zone);
  const now = cc.now();
  const values = {
    hypervisorHostname: reg.hypervisorHostname,
    hypervisorType: reg.hypervisorType,
    hypervisorVersion: reg.hypervisorVersion,
    hostIp: reg.hostIp,
    vcpus: reg.vcpus,
    memoryMb: reg.memoryMb,
    localGb: reg.localGb,
    cpuAllocationRatio: reg.cpuAllocationRatio ?? 16,
    ramAllocationRatio: reg.ramAllocationRatio ?? 1.5,
    diskAllocationRatio: reg.diskAllocationRatio ?? 1,
    updatedAt: now,
  };
  cc.db
    .insert(cmpComputeNodes)
    .values({ uuid: newId(), host: reg.host, ...values, startedAt: now })
    .onConflictDoUpdate({ target: cmpComputeNodes.host, set: { ...values, startedAt: now } })
    .run();
  recountHost(cc.db, reg.host);
}

/**
 * Sets a host's used resources to the sum of its live instances (Nova's resource tracker audit): after
 * a crash between a claim and its instance's end, the next heartbeat puts the books right.
 */
export function recountHost(db: DbOrTx, host: string): void {
  const rows = db
    .select({ flavor: cmpInstances.flavor, newFlavor: cmpInstances.newFlavor, vmState: cmpInstances.vmState })
    .from(cmpInstances)
    .where(and(eq(cmpInstances.host, host), isNull(cmpInstances.deletedAt)))
    .all()
    .filter((r) => r.vmState !== 'shelved_offloaded');
  // A server moving to or from this host (cold migration until confirmed or reverted, live while it runs) holds its flavor here too.
  const moving = db
    .select({ flavor: cmpInstances.flavor, newFlavor: cmpInstances.newFlavor, vmState: cmpInstances.vmState, host: cmpInstances.host })
    .from(cmpMigrations)
    .innerJoin(cmpInstances, eq(cmpInstances.id, cmpMigrations.instanceId))
    .where(and(inArray(cmpMigrations.status, [...OPEN_STATUSES]), or(eq(cmpMigrations.sourceCompute, host), eq(cmpMigrations.destCompute, host)), isNull(cmpInstances.deletedAt)))
    .all()
    .filter((r) => r.host !== host)
    .map((r) => ({ flavor: r.flavor, newFlavor: null, vmState: r.vmState }));
  rows.push(...moving);
  let vcpus = 0;
  let ram = 0;
  let disk = 0;
  for (const r of rows) {
    // A resize in flight holds the larger of both flavors, as Nova's tracker does for migrations.
    const f = r.newFlavor ? { vcpus: Math.max(r.flavor.vcpus, r.newFlavor.vcpus), ramMb: Math.max(r.flavor.ramMb, r.newFlavor.ramMb), diskGb: Math.max(r.flavor.diskGb, r.newFlavor.diskGb) } : r.flavor;
    vcpus += f.vcpus;
    ram += f.ramMb;
    disk += f.diskGb;
  }
  db.update(cmpComputeNodes).set({ vcpusUsed: vcpus, memoryMbUsed: ram, localGbUsed: disk, runningVms: rows.length }).where(eq(cmpComputeNodes.host, host)).run();
}

/**
 * Claims `c` on `host` with ONE conditional UPDATE (used + c ≤ total × ratio for RAM, vCPU and disk):
 * true when it fit. Several schedulers on several processes can never over-commit a host.
 */
export function claimOnHost(db: DbOrTx, host: string, c: Claim): boolean {
  const n = cmpComputeNodes;
  return (
    db
      .update(n)
      .set({ vcpusUsed: sql`${n.vcpusUsed} + ${c.vcpus}`, memoryMbUsed: sql`${n.memoryMbUsed} + ${c.ramMb}`, localGbUsed: sql`${n.localGbUsed} + ${c.diskGb}`, runningVms: sql`${n.runningVms} + 1` })
      .where(
        and(
          eq(n.host, host),
          sql`${n.vcpusUsed} + ${c.vcpus} <= ${n.vcpus} * ${n.cpuAllocationRatio}`,
          sql`${n.memoryMbUsed} + ${c.ramMb} <= ${n.memoryMb} * ${n.ramAllocationRatio}`,
          sql`${n.localGbUsed} + ${c.diskGb} <= ${n.localGb} * ${n.diskAllocationRatio}`,
        ),
      )
      .run().changes > 0
  );
}

/** Gives back what `claimOnHost` took (never below zero). */
export function releaseOnHost(db: DbOrTx, host: string, c: Claim): void {
  const n = cmpComputeNodes;
  db.update(n)
    .set({
      vcpusUsed: sql`CASE WHEN ${n.vcpusUsed} > ${c.vcpus} THEN ${n.vcpusUsed} - ${c.vcpus} ELSE 0 END`,
      memoryMbUsed: sql`CASE WHEN ${n.memoryMbUsed} > ${c.ramMb} THEN ${n.memoryMbUsed} - ${c.ramMb} ELSE 0 END`,
      localGbUsed: sql`CASE WHEN ${n.localGbUsed} > ${c.diskGb} THEN ${n.localGbUsed} - ${c.diskGb} ELSE 0 END`,
      runningVms: sql`CASE WHEN ${n.runningVms} > 0 THEN ${n.runningVms} - 1 ELSE 0 END`,
    })
    .where(eq(n.host, host))
    .run();
}

function toHypervisor(cc: ComputeContext, node: NodeRow, svc: ServiceRow | undefined): Hypervisor {
  return {
    id: node.id,
    uuid: node.uuid,
    host: node.host,
    hypervisorHostname: node.hypervisorHostname,
    hypervisorType: node.hypervisorType,
    hypervisorVersion: node.hypervisorVersion,
    hostIp: node.hostIp,
    vcpus: node.vcpus,
    memoryMb: node.memoryMb,
    localGb: node.localGb,
    vcpusUsed: node.vcpusUsed,
    memoryMbUsed: node.memoryMbUsed,
    localGbUsed: node.localGbUsed,
    runningVms: node.runningVms,
    cpuAllocationRatio: node.cpuAllocationRatio,
    ramAllocationRatio: node.ramAllocationRatio,
    diskAllocationRatio: node.diskAllocationRatio,
    state: svc ? stateOf(cc, svc) : 'down',
    status: svc?.disabled ? 'disabled' : 'enabled',
    serviceId: svc?.id ?? 0,
    serviceUuid: svc?.uuid ?? '',
    disabledReason: svc?.disabledReason ?? null,
    zone: svc?.zone ?? cc.defaultZone,
    startedAt: node.startedAt,
  };
}

/** Every compute node with its service (internal: the scheduler's host states; no policy). */
export function hostStates(cc: ComputeContext): Hypervisor[] {
  const services = new Map(cc.stmts.computeServices().map((s) => [s.host, s]));
  return cc.stmts.computeNodes().map((n) => toHypervisor(cc, n, services.get(n.host)));
}

/** `os-hypervisors` (admin). */
export function listHypervisors(cc: ComputeContext, ctx: RequestContext): Hypervisor[] {
  requireRule(ctx, 'os_compute_api:os-hypervisors');
  return hostStates(cc);
}

/** One hypervisor by integer id or uuid (admin). */
export function getHypervisor(cc: ComputeContext, ctx: RequestContext, id: string): Hypervisor {
  const h = listHypervisors(cc, ctx).find((x) => String(x.id) === id || x.uuid === id);
  if (!h) throw errors.notFound('hypervisor', id, `Hypervisor with ID '${id}' could not be found.`);
  return h;
}

/** Live instances on a hypervisor (`?with_servers=true`, `/servers`). */
export function instancesOnHost(cc: ComputeContext, host: string): Array<{ id: string; name: string }> {
  return cc.db
    .select({ id: cmpInstances.id, name: cmpInstances.name })
    .from(cmpInstances)
    .where(and(eq(cmpInstances.host, host), isNull(cmpInstances.deletedAt)))
    .orderBy(asc(cmpInstances.createdAt))
    .all();
}

/** `os-services` (admin), filtered by binary and host. */
export function listServices(cc: ComputeContext, ctx: RequestContext, filter: { binary?: string; host?: string } = {}): ComputeServiceInfo[] {
  requireRule(ctx, 'os_compute_api:os-services');
  return cc.db
    .select()
    .from(cmpServices)
    .orderBy(asc(cmpServices.id))
    .all()
    .filter((s) => (!filter.binary || s.binary === filter.binary) && (!filter.host || s.host === filter.host))
    .map((s) => toService(cc, s));
}

/** Enables, disables (with a reason) or forces down a service, by id/uuid or host+binary. */
export function updateService(
  cc: ComputeContext,
  ctx: RequestContext,
  where: { id?: string; host?: string; binary?: string },
  change: { disabled?: boolean; disabledReason?: string | null; forcedDown?: boolean },
): ComputeServiceInfo {
  requireRule(ctx, 'os_compute_api:os-services');
  const all = cc.db.select().from(cmpServices).all();
  const svc = where.id !== undefined ? all.find((s) => String(s.id) === where.id || s.uuid === where.id) : all.find((s) => s.host === where.host && s.binary === where.binary);
  if (!svc) {
    if (where.id !== undefined) throw errors.notFound('service', where.id, `Service ${where.id} could not be found.`);
    throw errors.notFound('service', `${where.host}`, `Host '${where.host}' is not mapped to any cell`);
  }
  const set: Partial<ServiceRow> = { updatedAt: cc.now() };
  if (change.disabled !== undefined) {
    set.disabled = change.disabled;
    set.disabledReason = change.disabled ? (change.disabledReason ?? null) : null;
  }
  if (change.forcedDown !== undefined) set.forcedDown = change.forcedDown;
  cc.db.update(cmpServices).set(set).where(eq(cmpServices.id, svc.id)).run();
  return toService(cc, cc.db.select().from(cmpServices).where(eq(cmpServices.id, svc.id)).get()!);
}

/** Deletes a service and its compute node (admin); refused while instances live on it. */
export function deleteService(cc: ComputeContext, ctx: RequestContext, id: string): void {
  requireRule(ctx, 'os_compute_api:os-services');
  const svc = cc.db.select().from(cmpServices).all().find((s) => String(s.id) === id || s.uuid === id);
  if (!svc) throw errors.notFound('service', id, `Service ${id} could not be found.`);
  if (svc.binary === 'nova-compute' && instancesOnHost(cc, svc.host).length) throw errors.conflict('service', `Unable to delete compute service that is hosting instances.`);
  cc.db.transaction((tx) => {
    tx.delete(cmpServices).where(eq(cmpServices.id, svc.id)).run();
    if (svc.binary === 'nova-compute') tx.delete(cmpComputeNodes).where(eq(cmpComputeNodes.host, svc.host)).run();
  });
}
