// Floating IPs: an address of an external network (a port no project owns), associated with a fixed IP reachable through a router; the L3 agent applies the NAT.
import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import { netFloatingIps, netIpAllocations, netNetworks, netPorts } from '../db/schema/network.js';
import { errors } from '../errors.js';
import type { DbOrTx } from '../jobs/outbox.js';
import { canonicalAddr, parseAddr } from './addresses.js';
import { badRequest, checkString, conflict, deleteTags, insertTags, isAdmin, newEc2Id, notFound, ownerFor, owns, tagsOf, type NetCtx } from './context.js';
import { ipamTransaction } from './ipam.js';
import { FLOATING_IP, createPortInTx, deletePortInTx } from './ports.js';
import { checkQuota } from './quotas.js';
import { routerFor } from './routers.js';
import type { CreateFloatingIpInput, FloatingIp, ListScope, UpdateFloatingIpInput } from './types.js';

type FipRow = typeof netFloatingIps.$inferSelect;

const SERVICE: RequestContext = { requestId: 'network-floatingip' };

export function toFloatingIps(db: DbOrTx, rows: FipRow[]): FloatingIp[] {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const portIds = rows.map((r) => r.portId).filter((p): p is string => !!p);
  const ports = portIds.length ? db.select().from(netPorts).where(inArray(netPorts.id, portIds)).all() : [];
  const tags = tagsOf(db, 'floatingips', ids);
  return rows.map((r) => {
    const p = ports.find((x) => x.id === r.portId);
    return {
      id: r.id,
      ec2Id: r.ec2Id,
      projectId: r.projectId,
      name: '',
      description: r.description,
      tags: tags.get(r.id) ?? [],
      revisionNumber: r.revision,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
      floatingNetworkId: r.floatingNetworkId,
      floatingIpAddress: r.floatingIpAddress,
      portId: r.portId,
      fixedIpAddress: r.fixedIpAddress,
      routerId: r.routerId,
      status: r.status,
      dnsName: r.dnsName,
      dnsDomain: r.dnsDomain,
      portDetails: p ? { name: p.name, networkId: p.networkId, macAddress: p.macAddress, adminStateUp: p.adminStateUp, status: p.status, deviceId: p.deviceId, deviceOwner: p.deviceOwner } : null,
    };
  });
}

function loadFip(db: DbOrTx, id: string): FloatingIp {
  const row = db.select().from(netFloatingIps).where(eq(netFloatingIps.id, id)).get();
  if (!row) throw notFound('floatingip', id);
  return toFloatingIps(db, [row])[0]!;
}

function visibleFip(nc: NetCtx, ctx: RequestContext, id: string, db: DbOrTx = nc.db): FipRow {
  const row = db.select().from(netFloatingIps).where(eq(netFloatingIps.id, id)).get();
  if (!row || !owns(ctx, row.projectId)) throw notFound('floatingip', id);
  return row;
}

/**
 * Resolves an association: the port (owned by the floating IP's project), the fixed address on it
 * (the one given, else its first IPv4), and the router connecting that subnet to the external network
 * (404 ExternalGatewayForFloatingIPNotFound when none does).
 */
function association(tx: DbOrTx, projectId: string, admin: boolean, fipNetwork: string, portId: string, fixed: string | null | undefined, selfId: string | undefined): { portId: string; fixedIpAddress: string; routerId: string } {
  const port = tx.select().from(netPorts).where(eq(netPorts.id, portId)).get();
  if (!port || (!admin && port.projectId !== projectId)) throw notFound('port', portId);
  const ips = tx.select().from(netIpAllocations).where(eq(netIpAllocations.portId, portId)).orderBy(asc(netIpAllocations.position)).all();
  let alloc;
  if (fixed != null) {
    const c = canonicalAddr(fixed);
    alloc = ips.find((i) => i.ipAddress === c);
    if (!alloc) throw badRequest(`Bad floatingip request: Port ${portId} does not have fixed ip ${fixed}.`, 'BadRequest');
  } else {
    alloc = ips.find((i) => parseAddr(i.ipAddress)?.version === 4);
    if (!alloc) throw badRequest(`Bad floatingip request: Port ${portId} does not have any IPv4 address.`, 'BadRequest');
  }
  if (parseAddr(alloc.ipAddress)!.version !== 4) throw badRequest(`Bad floatingip request: Cannot process floating IP association with ${alloc.ipAddress}, since that is not an IPv4 address.`, 'BadRequest');
  const taken = tx.select({ id: netFloatingIps.id }).from(netFloatingIps).where(and(eq(netFloatingIps.portId, portId), eq(netFloatingIps.fixedIpAddress, alloc.ipAddress))).get();
  if (taken && taken.id !== selfId) {
    throw conflict('floatingip', 'FloatingIPPortAlreadyAssociated', `Cannot associate floating IP with port ${portId} using fixed IP ${alloc.ipAddress}, as that fixed IP already has a floating IP on external network ${fipNetwork}.`);
  }
  const routerId = routerFor(tx, alloc.subnetId, fipNetwork);
  if (!routerId) {
    const e = errors.notFound('router', alloc.subnetId, `External network ${fipNetwork} is not reachable from subnet ${alloc.subnetId}.  Therefore, cannot associate Port ${portId} with a Floating IP.`);
    e.detail.type = 'ExternalGatewayForFloatingIPNotFound';
    throw e;
  }
  return { portId, fixedIpAddress: alloc.ipAddress, routerId };
}

function syncFip(nc: NetCtx, tx: DbOrTx, row: Pick<FipRow, 'id' | 'floatingIpAddress'>): void {
  nc.enqueue(tx, 'network.floatingip.sync', { floatingIpId: row.id, host: nc.settings.networkHost, floatingIpAddress: row.floatingIpAddress });
}

/** Converges a router that just lost a floating IP's NAT. */
export function syncOldRouter(nc: NetCtx, tx: DbOrTx, routerId: string): void {
  nc.enqueue(tx, 'network.router.sync', { routerId, host: nc.settings.networkHost });
}

export function createFloatingIp(nc: NetCtx, ctx: RequestContext, input: CreateFloatingIpInput): FloatingIp {
  const projectId = ownerFor(ctx, input.projectId, 'floatingip');
  const admin = isAdmin(ctx);
  const net = nc.db.select().from(netNetworks).where(eq(netNetworks.id, input.floatingNetworkId)).get();
  if (!net || !(net.external || owns(ctx, net.projectId) || net.shared)) throw notFound('network', input.floatingNetworkId);
  if (!net.external) throw badRequest(`Bad floatingip request: Network ${net.id} is not a valid external network.`, 'BadRequest');
  if (input.floatingIpAddress !== undefined && !admin) throw errors.forbidden('(rule:create_floatingip and rule:create_floatingip:floating_ip_address) is disallowed by policy', { reason: 'policy' });
  const id = randomUUID();
  const now = nc.now();
  return ipamTransaction(nc, (tx) => {
    checkQuota(nc, tx, projectId, 'floatingip');
    const fixedIps = input.floatingIpAddress !== undefined || input.subnetId !== undefined ? [{ ipAddress: input.floatingIpAddress, subnetId: input.subnetId }] : undefined;
    const portId = createPortInTx(nc, tx, SERVICE, net, { networkId: net.id, projectId: '', deviceId: id, deviceOwner: FLOATING_IP, fixedIps }, { asService: true });
    const addr = tx.select().from(netIpAllocations).where(eq(netIpAllocations.portId, portId)).all().find((a) => parseAddr(a.ipAddress)?.version === 4);
    if (!addr) throw badRequest(`Bad floatingip request: Network ${net.id} has no IPv4 subnet to allocate a floating IP from.`, 'BadRequest');
    const assoc = input.portId ? association(tx, projectId, admin, net.id, input.portId, input.fixedIpAddress, undefined) : null;
    const row: FipRow = {
      id,
      ec2Id: newEc2Id('eipalloc'),
      projectId,
      floatingNetworkId: net.id,
      floatingIpAddress: addr.ipAddress,
      floatingPortId: portId,
      portId: assoc?.portId ?? null,
      fixedIpAddress: assoc?.fixedIpAddress ?? null,
      routerId: assoc?.routerId ?? null,
      status: 'DOWN',
      description: input.description !== undefined ? checkString('description', input.description) : '',
      dnsName: input.dnsName ?? '',
      dnsDomain: input.dnsDomain ?? '',
      revision: 1,
      createdAt: now,
      updatedAt: now,
    };
    tx.insert(netFloatingIps).values(row).run();
    insertTags(tx, 'floatingips', id, input.tags);
    if (assoc) syncFip(nc, tx, row);
    return loadFip(tx, id);
  });
}

export function getFloatingIp(nc: NetCtx, ctx: RequestContext, id: string): FloatingIp {
  visibleFip(nc, ctx, id);
  return loadFip(nc.db, id);
}

export function listFloatingIps(nc: NetCtx, ctx: RequestContext, scope: ListScope = {}): FloatingIp[] {
  if (!ctx.auth) throw errors.unauthenticated();
  const conds = [];
  if (!isAdmin(ctx)) conds.push(eq(netFloatingIps.projectId, ctx.auth.projectId ?? ''));
  if (scope.ids) conds.push(inArray(netFloatingIps.id, scope.ids));
  if (scope.projectId !== undefined) conds.push(eq(netFloatingIps.projectId, scope.projectId));
  return toFloatingIps(nc.db, nc.db.select().from(netFloatingIps).where(and(...conds)).orderBy(asc(netFloatingIps.createdAt), asc(netFloatingIps.id)).all());
}

/** Associates (`portId`), moves, or disassociates (`portId: null`) a floating IP. */
export function updateFloatingIp(nc: NetCtx, ctx: RequestContext, id: string, input: UpdateFloatingIpInput): FloatingIp {
  const row = visibleFip(nc, ctx, id);
  const now = nc.now();
  return ipamTransaction(nc, (tx) => {
    const cur = tx.select().from(netFloatingIps).where(eq(netFloatingIps.id, id)).get();
    if (!cur) throw notFound('floatingip', id);
    const set: Partial<FipRow> = {};
    if (input.portId !== undefined) {
      if (input.portId === null) Object.assign(set, { portId: null, fixedIpAddress: null, routerId: null, status: 'DOWN' });
      else Object.assign(set, association(tx, row.projectId, isAdmin(ctx), row.floatingNetworkId, input.portId, input.fixedIpAddress, id), { status: 'DOWN' });
    } else if (input.fixedIpAddress != null && cur.portId) {
      Object.assign(set, association(tx, row.projectId, isAdmin(ctx), row.floatingNetworkId, cur.portId, input.fixedIpAddress, id));
    }
    if (input.description !== undefined) set.description = checkString('description', input.description);
    tx.update(netFloatingIps)
      .set({ ...set, revision: cur.revision + 1, updatedAt: Math.max(now, cur.updatedAt) })
      .where(eq(netFloatingIps.id, id))
      .run();
    if (input.portId !== undefined || input.fixedIpAddress !== undefined) {
      syncFip(nc, tx, cur);
      // The NAT leaves the router it was on when the floating IP moves away from it.
      if (cur.routerId && cur.routerId !== (set.routerId === undefined ? cur.routerId : set.routerId)) syncOldRouter(nc, tx, cur.routerId);
    }
    return loadFip(tx, id);
  });
}

export function deleteFloatingIp(nc: NetCtx, ctx: RequestContext, id: string): void {
  visibleFip(nc, ctx, id);
  ipamTransaction(nc, (tx) => {
    const cur = tx.select().from(netFloatingIps).where(eq(netFloatingIps.id, id)).get();
    if (!cur) throw notFound('floatingip', id);
    tx.delete(netFloatingIps).where(eq(netFloatingIps.id, id)).run();
    const port = tx.select().from(netPorts).where(eq(netPorts.id, cur.floatingPortId)).get();
    if (port) deletePortInTx(nc, tx, port, true);
    deleteTags(tx, 'floatingips', id);
    syncFip(nc, tx, cur);
    if (cur.routerId) syncOldRouter(nc, tx, cur.routerId);
  });
}

/** What the L3 agent needs for a floating IP's NAT: the addresses and the router, or undefined once released. */
export function floatingIpState(tx: DbOrTx, id: string): { id: string; floatingIpAddress: string; fixedIpAddress: string | null; routerId: string | null } | undefined {
  const r = tx.select().from(netFloatingIps).where(eq(netFloatingIps.id, id)).get();
  return r && { id: r.id, floatingIpAddress: r.floatingIpAddress, fixedIpAddress: r.fixedIpAddress, routerId: r.routerId };
}

/** The L3 agent's report: ACTIVE when the NAT for the current association is in place, DOWN when unassociated. */
export function reportFloatingIpStatus(nc: NetCtx, id: string, fixedIpAddress: string | null, status: 'ACTIVE' | 'DOWN'): boolean {
  return ipamTransaction(nc, (tx) => {
    const cur = tx.select().from(netFloatingIps).where(eq(netFloatingIps.id, id)).get();
    if (!cur || cur.fixedIpAddress !== fixedIpAddress || cur.status === status) return false;
    tx.update(netFloatingIps).set({ status, revision: cur.revision + 1, updatedAt: Math.max(nc.now(), cur.updatedAt) }).where(eq(netFloatingIps.id, id)).run();
    return true;
  });
}
