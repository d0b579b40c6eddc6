// Server interfaces (Nova's os-interface): list, show, attach and detach ports through the network service, with Nova's states, locks and actions.
import { and, eq } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import { cmpInstances, cmpVirtualInterfaces } from '../db/schema/compute.js';
import { errors } from '../errors.js';
import { finishEvent, isAdmin, loadVisible, recordAction, requireRule, startEvent, type ComputeContext, type InstanceRow } from './context.js';
import type { ComputeNetworking, InstanceInterface, InterfaceRequest } from './ports.js';
import { checkState } from './states.js';
import type { RequestedNetworks } from './types.js';

/** The networking port; without a network service there are no interfaces to manage. */
export function networkingOf(cc: ComputeContext): ComputeNetworking {
  if (!cc.networking) throw errors.notImplemented('Interfaces without the network service');
  return cc.networking;
}

/** Ports the user brought (`--nic port-id=`, `os-interface` with `port_id`): detached, never deleted, when the server lets them go. */
export const userPortsOf = (requested: RequestedNetworks): Set<string> => new Set(Array.isArray(requested) ? requested.map((r) => r.portId).filter((p): p is string => !!p) : []);

/**
 * The instance's requested networks after an attach or detach: its current ports, so a rebuild of the
 * ports (unshelve) brings back exactly these, user ports by id and the others by network.
 */
function requestedFrom(ifaces: InstanceInterface[], userPorts: Set<string>): RequestedNetworks {
  return ifaces.map((i) => (userPorts.has(i.portId) ? { portId: i.portId } : { networkId: i.networkId }));
}

function assertChangeable(ctx: RequestContext, row: InstanceRow, wireName: string): void {
  if (row.locked && !isAdmin(ctx)) throw errors.invalidState(`Instance ${row.id} is locked`, { reason: 'locked' });
  checkState('attachInterface', row, wireName);
}

/** The device tags of an instance's ports, by port id. */
export function interfaceTags(cc: ComputeContext, instanceId: string): Map<string, string> {
  const rows = cc.db.select({ portId: cmpVirtualInterfaces.portId, tag: cmpVirtualInterfaces.tag }).from(cmpVirtualInterfaces).where(eq(cmpVirtualInterfaces.instanceId, instanceId)).all();
  return new Map(rows.map((r) => [r.portId, r.tag]));
}

/**
 * Keeps the device tags a server was created with (`networks[].tag`, 2.32) on the ports its build
 * bound: a requested port by id, a requested network by the next of the server's ports on it, in the
 * order the build made them. Idempotent (a re-delivered build tags the same ports).
 */
export function tagBootPorts(cc: ComputeContext, instanceId: string): void {
  const row = cc.db.select({ requested: cmpInstances.requestedNetworks }).from(cmpInstances).where(eq(cmpInstances.id, instanceId)).get();
  if (!row || !Array.isArray(row.requested) || !row.requested.some((r) => r.tag !== undefined) || !cc.networking) return;
  const free = cc.networking.interfaces(instanceId);
  const taken = new Set<string>();
  const tags: Array<{ portId: string; tag: string }> = [];
  for (const r of row.requested) {
    const port = r.portId ? free.find((i) => i.portId === r.portId) : free.find((i) => i.networkId === r.networkId && !taken.has(i.portId));
    if (!port) continue;
    taken.add(port.portId);
    if (r.tag !== undefined) tags.push({ portId: port.portId, tag: r.tag });
  }
  const now = cc.now();
  cc.db.transaction((tx) => {
    for (const t of tags) tx.insert(cmpVirtualInterfaces).values({ ...t, instanceId, createdAt: now }).onConflictDoNothing().run();
  });
}

/** The instance's interfaces as the network reports them, with the tags compute keeps. */
function tagged(cc: ComputeContext, instanceId: string, ifaces: InstanceInterface[]): InstanceInterface[] {
  const tags = interfaceTags(cc, instanceId);
  return ifaces.map((i) => ({ ...i, tag: tags.get(i.portId) ?? null }));
}

/**
 * Writes the instance's ports back onto it (addresses, requested networks), keeps or drops the
 * port's device tag, and records the action with its compute event.
 */
function record(cc: ComputeContext, ctx: RequestContext, row: InstanceRow, action: 'attach_interface' | 'detach_interface', userPorts: Set<string>, port: { portId: string; tag?: string }): void {
  const net = networkingOf(cc);
  const addresses = net.addresses(row.projectId, row.id);
  const requestedNetworks = requestedFrom(net.interfaces(row.id), userPorts);
  const now = cc.now();
  cc.db.transaction((tx) => {
    tx.update(cmpInstances).set({ addresses, requestedNetworks, updatedAt: now }).where(eq(cmpInstances.id, row.id)).run();
    tx.delete(cmpVirtualInterfaces).where(and(eq(cmpVirtualInterfaces.portId, port.portId), eq(cmpVirtualInterfaces.instanceId, row.id))).run();
    if (action === 'attach_interface' && port.tag !== undefined) tx.insert(cmpVirtualInterfaces).values({ portId: port.portId, instanceId: row.id, tag: port.tag, createdAt: now }).run();
    const actionId = recordAction(tx, ctx, row, action, now);
    startEvent(tx, actionId, `compute_${action}`, row.host, now);
    finishEvent(tx, actionId, `compute_${action}`, 'Success', now);
  });
}

/** `GET /servers/{id}/os-interface`. */
export function listInterfaces(cc: ComputeContext, ctx: RequestContext, id: string): InstanceInterface[] {
  const row = loadVisible(cc, ctx, id);
  requireRule(ctx, 'os_compute_api:os-attach-interfaces:list', { projectId: row.projectId });
  return tagged(cc, id, networkingOf(cc).interfaces(id));
}

/** `GET /servers/{id}/os-interface/{port_id}`: 404 when the port is not one of the server's. */
export function showInterface(cc: ComputeContext, ctx: RequestContext, id: string, portId: string): InstanceInterface {
  const row = loadVisible(cc, ctx, id);
  requireRule(ctx, 'os_compute_api:os-attach-interfaces:show', { projectId: row.projectId });
  const iface = tagged(cc, id, networkingOf(cc).interfaces(id)).find((i) => i.portId === portId);
  if (!iface) throw errors.notFound('port', portId, `Instance ${id} does not have a port with id ${portId}`);
  return iface;
}

/**
 * `POST /servers/{id}/os-interface`: one more port for an ACTIVE, PAUSED or SHUTOFF server (409
 * otherwise, or when locked), bound to the server's host with device owner `compute:<zone>`; the
 * server's addresses show it at once. As Nova, the port is attached synchronously.
 */
export function attachInterface(cc: ComputeContext, ctx: RequestContext, id: string, req: InterfaceRequest): InstanceInterface {
  const row = loadVisible(cc, ctx, id);
  requireRule(ctx, 'os_compute_api:os-attach-interfaces:create', { projectId: row.projectId });
  if (req.portId && req.networkId) throw errors.invalid('Must not input both network_id and port_id', { reason: 'interface' });
  if (req.fixedIps?.length && !req.networkId) throw errors.invalid('Must input network_id when request IP address', { reason: 'interface' });
  const net = networkingOf(cc);
  assertChangeable(ctx, row, 'attach_interface');
  if (!row.host) throw errors.invalidState(`Cannot 'attach_interface' instance ${id} while it is in vm_state ${row.vmState}`, { reason: 'vm_state' });
  const iface = net.attachInterface({ instanceId: id, projectId: row.projectId, host: row.host, zone: row.availabilityZone ?? cc.defaultZone }, req);
  const userPorts = userPortsOf(row.requestedNetworks);
  if (req.portId) userPorts.add(req.portId);
  const now = cc.db.select().from(cmpInstances).where(eq(cmpInstances.id, id)).get();
  if (!now || now.deletedAt !== null || now.taskState === 'deleting') {
    // Deleted while the port was made: its teardown may already have listed the ports, so let this one go too.
    net.detachInterface(id, iface.portId, userPorts.has(iface.portId));
    throw errors.notFound('instance', id, `Instance ${id} could not be found.`);
  }
  record(cc, ctx, now, 'attach_interface', userPorts, { portId: iface.portId, tag: req.tag });
  return { ...iface, tag: req.tag ?? null };
}

/** `DELETE /servers/{id}/os-interface/{port_id}`: the port goes (a port the user brought is only detached). */
export function detachInterface(cc: ComputeContext, ctx: RequestContext, id: string, portId: string): void {
  const row = loadVisible(cc, ctx, id);
  requireRule(ctx, 'os_compute_api:os-attach-interfaces:delete', { projectId: row.projectId });
  const net = networkingOf(cc);
  assertChangeable(ctx, row, 'detach_interface');
  if (!net.interfaces(id).some((i) => i.portId === portId)) throw errors.notFound('port', portId, `Port ${portId} is not attached`);
  const userPorts = userPortsOf(row.requestedNetworks);
  net.detachInterface(id, portId, userPorts.has(portId));
  userPorts.delete(portId);
  record(cc, ctx, row, 'detach_interface', userPorts, { portId });
}
