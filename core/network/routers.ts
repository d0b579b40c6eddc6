// Routers: external gateway (a port on the external network, SNAT), interfaces (ports holding subnet gateways), static routes; the L3 agent is told through the queue.
import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import { netFloatingIps, netIpAllocations, netNetworks, netPorts, netRouters, netSubnets } from '../db/schema/network.js';
import { errors } from '../errors.js';
import type { DbOrTx } from '../jobs/outbox.js';
import { cidrContains, cidrsOverlap, formatAddr, formatCidr, parseAddr, parseCidr } from './addresses.js';
import { badRequest, checkString, conflict, deleteTags, insertTags, isAdmin, newEc2Id, notFound, ownerFor, owns, tagsOf, type NetCtx } from './context.js';
import { ipamTransaction } from './ipam.js';
import { ROUTER_GATEWAY, ROUTER_INTERFACE, createPortInTx, deletePortInTx, visiblePort } from './ports.js';
import { checkQuota } from './quotas.js';
import { visibleSubnet } from './subnets.js';
import type { CreateRouterInput, FixedIp, FixedIpRequest, ListScope, RouteEntry, Router, RouterInterfaceInfo, UpdateRouterInput } from './types.js';

type RouterRow = typeof netRouters.$inferSelect;

/** The service acting for itself (gateway and interface ports are created with service rights). */
const SERVICE: RequestContext = { requestId: 'network-router' };

export function toRouters(nc: NetCtx, db: DbOrTx, rows: RouterRow[]): Router[] {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const gwPorts = db
    .select({ portId: netPorts.id, deviceId: netPorts.deviceId })
    .from(netPorts)
    .where(and(inArray(netPorts.deviceId, ids), eq(netPorts.deviceOwner, ROUTER_GATEWAY)))
    .all();
  const portIds = gwPorts.map((p) => p.portId);
  const allocs = portIds.length ? db.select().from(netIpAllocations).where(inArray(netIpAllocations.portId, portIds)).orderBy(asc(netIpAllocations.position)).all() : [];
  const ipsByRouter = new Map<string, FixedIp[]>();
  for (const p of gwPorts) ipsByRouter.set(p.deviceId, allocs.filter((a) => a.portId === p.portId).map((a) => ({ subnetId: a.subnetId, ipAddress: a.ipAddress })));
  const tags = tagsOf(db, 'routers', ids);
  return rows.map((r) => ({
    id: r.id,
    ec2Id: r.ec2Id,
    igwEc2Id: r.igwEc2Id,
    projectId: r.projectId,
    name: r.name,
    description: r.description,
    tags: tags.get(r.id) ?? [],
    revisionNumber: r.revision,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    adminStateUp: r.adminStateUp,
    status: r.status,
    externalGatewayInfo: r.gwNetworkId ? { networkId: r.gwNetworkId, enableSnat: r.enableSnat, externalFixedIps: ipsByRouter.get(r.id) ?? [] } : null,
    routes: r.routes,
    distributed: r.distributed,
    ha: r.ha,
    availabilityZoneHints: r.azHints,
    availabilityZones: [nc.settings.availabilityZone],
  }));
}

function loadRouter(nc: NetCtx, db: DbOrTx, id: string): Router {
  const row = db.select().from(netRouters).where(eq(netRouters.id, id)).get();
  if (!row) throw notFound('router', id);
  return toRouters(nc, db, [row])[0]!;
}

export function visibleRouter(nc: NetCtx, ctx: RequestContext, id: string, db: DbOrTx = nc.db): RouterRow {
  const row = db.select().from(netRouters).where(eq(netRouters.id, id)).get();
  if (!row || !owns(ctx, row.projectId)) throw notFound('router', id);
  return row;
}

/** Tells the L3 agent to converge the router. */
function syncRouter(nc: NetCtx, tx: DbOrTx, row: Pick<RouterRow, 'id' | 'l3Host'>): void {
  nc.enqueue(tx, 'network.router.sync', { routerId: row.id, host: row.l3Host ?? nc.settings.networkHost });
}

/** Sets (or replaces) the router's gateway: a port on the external network, owned by no project. */
function setGateway(nc: NetCtx, tx: DbOrTx, ctx: RequestContext, router: RouterRow, info: { networkId: string; enableSnat?: boolean; externalFixedIps?: FixedIpRequest[] }): Partial<RouterRow> {
  const net = tx.select().from(netNetworks).where(eq(netNetworks.id, info.networkId)).get();
  if (!net || !(net.external || net.shared || owns(ctx, net.projectId))) throw notFound('network', info.networkId);
  if (!net.external) throw badRequest(`Bad router request: Network ${info.networkId} is not an external network.`, 'BadRequest');
  if (info.enableSnat !== undefined && !isAdmin(ctx)) throw errors.forbidden('(rule:update_router and rule:update_router:external_gateway_info:enable_snat) is disallowed by policy', { reason: 'policy' });
  if (info.externalFixedIps !== undefined && !isAdmin(ctx)) throw errors.forbidden('(rule:update_router and rule:update_router:external_gateway_info:external_fixed_ips) is disallowed by policy', { reason: 'policy' });
  const old = tx.select().from(netPorts).where(and(eq(netPorts.deviceId, router.id), eq(netPorts.deviceOwner, ROUTER_GATEWAY))).get();
  if (old && old.networkId === net.id && info.externalFixedIps === undefined) return { gwNetworkId: net.id, enableSnat: info.enableSnat ?? router.enableSnat };
  if (old) {
    if (old.networkId !== net.id && tx.select({ id: netFloatingIps.id }).from(netFloatingIps).where(eq(netFloatingIps.routerId, router.id)).limit(1).get()) {
      throw conflict('router', 'RouterExternalGatewayInUseByFloatingIp', `Gateway cannot be updated for router ${router.id}, since a gateway to external network ${old.networkId} is required by one or more floating IPs.`);
    }
    deletePortInTx(nc, tx, old, true);
  }
  createPortInTx(nc, tx, SERVICE, net, { networkId: net.id, projectId: '', deviceId: router.id, deviceOwner: ROUTER_GATEWAY, fixedIps: info.externalFixedIps, hostId: router.l3Host ?? nc.settings.networkHost }, { asService: true });
  return { gwNetworkId: net.id, enableSnat: info.enableSnat ?? true };
}

function clearGateway(nc: NetCtx, tx: DbOrTx, router: RouterRow): Partial<RouterRow> {
  if (tx.select({ id: netFloatingIps.id }).from(netFloatingIps).where(eq(netFloatingIps.routerId, router.id)).limit(1).get()) {
    throw conflict('router', 'RouterExternalGatewayInUseByFloatingIp', `Gateway cannot be updated for router ${router.id}, since a gateway to external network ${router.gwNetworkId} is required by one or more floating IPs.`);
  }
  const old = tx.select().from(netPorts).where(and(eq(netPorts.deviceId, router.id), eq(netPorts.deviceOwner, ROUTER_GATEWAY))).get();
  if (old) deletePortInTx(nc, tx, old, true);
  return { gwNetworkId: null, enableSnat: true };
}

export function createRouter(nc: NetCtx, ctx: RequestContext, input: CreateRouterInput): Router {
  const projectId = ownerFor(ctx, input.projectId, 'router');
  if ((input.distributed !== undefined || input.ha !== undefined) && !isAdmin(ctx)) throw errors.forbidden('(rule:create_router and rule:create_router:distributed) is disallowed by policy', { reason: 'policy' });
  const id = randomUUID();
  const now = nc.now();
  return ipamTransaction(nc, (tx) => {
    checkQuota(nc, tx, projectId, 'router');
    const row: RouterRow = {
      id,
      ec2Id: newEc2Id('rtb'),
      igwEc2Id: newEc2Id('igw'),
      projectId,
      name: input.name !== undefined ? checkString('name', input.name) : '',
      description: input.description !== undefined ? checkString('description', input.description) : '',
      adminStateUp: input.adminStateUp ?? true,
      status: 'ACTIVE',
      gwNetworkId: null,
      enableSnat: true,
      routes: [],
      distributed: input.distributed ?? false,
      ha: input.ha ?? false,
      azHints: input.availabilityZoneHints ?? [],
      l3Host: nc.settings.networkHost,
      revision: 1,
      createdAt: now,
      updatedAt: now,
    };
    tx.insert(netRouters).values(row).run();
    if (input.externalGatewayInfo) {
      const gw = setGateway(nc, tx, ctx, row, input.externalGatewayInfo);
      tx.update(netRouters).set(gw).where(eq(netRouters.id, id)).run();
    }
    insertTags(tx, 'routers', id, input.tags);
    syncRouter(nc, tx, row);
    return loadRouter(nc, tx, id);
  });
}

export function getRouter(nc: NetCtx, ctx: RequestContext, id: string): Router {
  visibleRouter(nc, ctx, id);
  return loadRouter(nc, nc.db, id);
}

export function listRouters(nc: NetCtx, ctx: RequestContext, scope: ListScope = {}): Router[] {
  if (!ctx.auth) throw errors.unauthenticated();
  const conds = [];
  if (!isAdmin(ctx)) conds.push(eq(netRouters.projectId, ctx.auth.projectId ?? ''));
  if (scope.ids) conds.push(inArray(netRouters.id, scope.ids));
  if (scope.projectId !== undefined) conds.push(eq(netRouters.projectId, scope.projectId));
  return toRouters(nc, nc.db, nc.db.select().from(netRouters).where(and(...conds)).orderBy(asc(netRouters.createdAt), asc(netRouters.id)).all());
}

/** The CIDRs of the router's interface subnets. */
function interfaceSubnets(tx: DbOrTx, routerId: string): Array<{ subnetId: string; portId: string; cidr: string }> {
  return tx
    .select({ subnetId: netIpAllocations.subnetId, portId: netPorts.id, cidr: netSubnets.cidr })
    .from(netPorts)
    .innerJoin(netIpAllocations, eq(netIpAllocations.portId, netPorts.id))
    .innerJoin(netSubnets, eq(netSubnets.id, netIpAllocations.subnetId))
    .where(and(eq(netPorts.deviceId, routerId), eq(netPorts.deviceOwner, ROUTER_INTERFACE)))
    .all();
}

function checkRoutes(tx: DbOrTx, router: RouterRow, routes: RouteEntry[]): RouteEntry[] {
  const reachable = [...interfaceSubnets(tx, router.id).map((s) => s.cidr), ...gatewaySubnetCidrs(tx, router.id)].map((c) => parseCidr(c)!);
  return routes.map((r) => {
    const d = parseCidr(r.destination);
    const n = parseAddr(r.nexthop);
    if (!d || !n) throw badRequest(`Invalid input for routes. Reason: Invalid data format for hostroute: '${JSON.stringify(r)}'.`, 'HTTPBadRequest');
    if (!reachable.some((c) => cidrContains(c, n.version, n.value))) {
      throw badRequest(`Invalid format for routes: ${JSON.stringify([r])}, the nexthop is not connected with router`, 'InvalidRoutes');
    }
    return { destination: formatCidr(d), nexthop: formatAddr(n.version, n.value) };
  });
}

function gatewaySubnetCidrs(tx: DbOrTx, routerId: string): string[] {
  return tx
    .select({ cidr: netSubnets.cidr })
    .from(netPorts)
    .innerJoin(netIpAllocations, eq(netIpAllocations.portId, netPorts.id))
    .innerJoin(netSubnets, eq(netSubnets.id, netIpAllocations.subnetId))
    .where(and(eq(netPorts.deviceId, routerId), eq(netPorts.deviceOwner, ROUTER_GATEWAY)))
    .all()
    .map((r) => r.cidr);
}

export function updateRouter(nc: NetCtx, ctx: RequestContext, id: string, input: UpdateRouterInput): Router {
  visibleRouter(nc, ctx, id);
  if ((input.distributed !== undefined || input.ha !== undefined) && !isAdmin(ctx)) throw errors.forbidden('(rule:update_router and rule:update_router:distributed) is disallowed by policy', { reason: 'policy' });
  const now = nc.now();
  return ipamTransaction(nc, (tx) => {
    const cur = tx.select().from(netRouters).where(eq(netRouters.id, id)).get();
    if (!cur) throw notFound('router', id);
    let set: Partial<RouterRow> = {};
    if (input.externalGatewayInfo !== undefined) set = input.externalGatewayInfo === null ? clearGateway(nc, tx, cur) : setGateway(nc, tx, ctx, cur, input.externalGatewayInfo);
    if (input.routes !== undefined) set.routes = checkRoutes(tx, cur, input.routes);
    if (input.name !== undefined) set.name = checkString('name', input.name);
    if (input.description !== undefined) set.description = checkString('description', input.description);
    if (input.adminStateUp !== undefined) set.adminStateUp = input.adminStateUp;
    if (input.distributed !== undefined) set.distributed = input.distributed;
    if (input.ha !== undefined) set.ha = input.ha;
    tx.update(netRouters)
      .set({ ...set, revision: cur.revision + 1, updatedAt: Math.max(now, cur.updatedAt) })
      .where(eq(netRouters.id, id))
      .run();
    syncRouter(nc, tx, cur);
    return loadRouter(nc, tx, id);
  });
}

/** Deletes a router: 409 RouterInUse while it has interfaces; its gateway port goes with it. */
export function deleteRouter(nc: NetCtx, ctx: RequestContext, id: string): void {
  visibleRouter(nc, ctx, id);
  ipamTransaction(nc, (tx) => {
    const cur = tx.select().from(netRouters).where(eq(netRouters.id, id)).get();
    if (!cur) throw notFound('router', id);
    if (tx.select({ id: netPorts.id }).from(netPorts).where(and(eq(netPorts.deviceId, id), eq(netPorts.deviceOwner, ROUTER_INTERFACE))).limit(1).get()) {
      throw conflict('router', 'RouterInUse', `Router ${id} still has ports`);
    }
    clearGateway(nc, tx, cur);
    tx.delete(netRouters).where(eq(netRouters.id, id)).run();
    deleteTags(tx, 'routers', id);
    syncRouter(nc, tx, cur);
  });
}

/**
 * Adds an interface: on a subnet (a new port holding the subnet's gateway address) or with an
 * existing port of the caller (which must have an address and no device). A subnet the router
 * already has, or one overlapping another interface's, is 400.
 */
export function addRouterInterface(nc: NetCtx, ctx: RequestContext, id: string, req: { subnetId?: string; portId?: string }): RouterInterfaceInfo {
  const router = visibleRouter(nc, ctx, id);
  if ((req.subnetId === undefined) === (req.portId === undefined)) throw badRequest('Bad router request: Either subnet_id or port_id must be specified.', 'BadRequest');
  const now = nc.now();
  return ipamTransaction(nc, (tx) => {
    const existing = interfaceSubnets(tx, id);
    let portId: string;
    let subnetIds: string[];
    let networkId: string;
    if (req.subnetId !== undefined) {
      const subnet = visibleSubnet(nc, ctx, req.subnetId, tx);
      const net = tx.select().from(netNetworks).where(eq(netNetworks.id, subnet.networkId)).get()!;
      if (!owns(ctx, subnet.projectId) && !net.shared) throw notFound('subnet', req.subnetId);
      if (!subnet.gatewayIp) throw badRequest(`Bad router request: Subnet ${subnet.id} does not have a gateway IP.`, 'BadRequest');
      checkInterfaceSubnet(existing, subnet.id, subnet.cidr);
      const used = tx.select({ portId: netIpAllocations.portId }).from(netIpAllocations).where(and(eq(netIpAllocations.subnetId, subnet.id), eq(netIpAllocations.ipAddress, subnet.gatewayIp))).get();
      if (used) throw conflict('port', 'IpAddressAlreadyAllocated', `IP address ${subnet.gatewayIp} already allocated in subnet ${subnet.id}`);
      portId = createPortInTx(nc, tx, SERVICE, net, { networkId: net.id, projectId: router.projectId, deviceId: id, deviceOwner: ROUTER_INTERFACE, fixedIps: [{ subnetId: subnet.id, ipAddress: subnet.gatewayIp }], hostId: router.l3Host ?? nc.settings.networkHost }, { asService: true });
      subnetIds = [subnet.id];
      networkId = net.id;
    } else {
      const port = visiblePort(nc, ctx, req.portId!);
      if (port.deviceId || port.deviceOwner) throw conflict('port', 'PortInUse', `Unable to complete operation on port ${port.id} for network ${port.networkId}. Port already has an attached device ${port.deviceId}.`);
      const ips = tx.select().from(netIpAllocations).where(eq(netIpAllocations.portId, port.id)).all();
      if (ips.length === 0) throw badRequest(`Bad router request: Router port must have at least one fixed IP.`, 'BadRequest');
      for (const ip of ips) checkInterfaceSubnet(existing, ip.subnetId, tx.select({ c: netSubnets.cidr }).from(netSubnets).where(eq(netSubnets.id, ip.subnetId)).get()!.c);
      tx.update(netPorts)
        .set({ deviceId: id, deviceOwner: ROUTER_INTERFACE, hostId: router.l3Host ?? nc.settings.networkHost, vifType: 'ovs', revision: port.revision + 1, updatedAt: Math.max(now, port.updatedAt) })
        .where(eq(netPorts.id, port.id))
        .run();
      portId = port.id;
      subnetIds = ips.map((i) => i.subnetId);
      networkId = port.networkId;
    }
    tx.update(netRouters).set({ revision: router.revision + 1, updatedAt: Math.max(now, router.updatedAt) }).where(eq(netRouters.id, id)).run();
    syncRouter(nc, tx, router);
    return { id, projectId: router.projectId, subnetId: subnetIds[0]!, subnetIds, portId, networkId, tags: [] };
  });
}

function checkInterfaceSubnet(existing: Array<{ subnetId: string; cidr: string }>, subnetId: string, cidr: string): void {
  if (existing.some((e) => e.subnetId === subnetId)) throw badRequest(`Bad router request: Router already has a port on subnet ${subnetId}.`, 'BadRequest');
  const c = parseCidr(cidr)!;
  const clash = existing.find((e) => cidrsOverlap(parseCidr(e.cidr)!, c));
  if (clash) throw badRequest(`Bad router request: Cidr ${cidr} of subnet ${subnetId} overlaps with cidr ${clash.cidr} of subnet ${clash.subnetId}.`, 'BadRequest');
}

/** Removes an interface by subnet or port; 404 when the router has none there, 409 while a floating IP goes through it. */
export function removeRouterInterface(nc: NetCtx, ctx: RequestContext, id: string, req: { subnetId?: string; portId?: string }): RouterInterfaceInfo {
  const router = visibleRouter(nc, ctx, id);
  if (req.subnetId === undefined && req.portId === undefined) throw badRequest('Bad router request: Either subnet_id or port_id must be specified.', 'BadRequest');
  return ipamTransaction(nc, (tx) => {
    const ifaces = interfaceSubnets(tx, id);
    const match = ifaces.find((i) => (req.portId === undefined || i.portId === req.portId) && (req.subnetId === undefined || i.subnetId === req.subnetId));
    if (!match) {
      throw req.portId !== undefined
        ? interfaceNotFound(id, 'RouterInterfaceNotFound', `Router ${id} does not have an interface with id ${req.portId}`)
        : interfaceNotFound(id, 'RouterInterfaceNotFoundForSubnet', `Router ${id} has no interface on subnet ${req.subnetId}`);
    }
    const port = tx.select().from(netPorts).where(eq(netPorts.id, match.portId)).get()!;
    const portSubnets = ifaces.filter((i) => i.portId === port.id).map((i) => i.subnetId);
    const fipUse = tx.select({ id: netFloatingIps.id, portId: netFloatingIps.portId }).from(netFloatingIps).where(eq(netFloatingIps.routerId, id)).all();
    for (const f of fipUse) {
      const on = f.portId ? tx.select({ s: netIpAllocations.subnetId }).from(netIpAllocations).where(eq(netIpAllocations.portId, f.portId)).all() : [];
      if (on.some((o) => portSubnets.includes(o.s))) {
        throw conflict('router', 'RouterInterfaceInUseByFloatingIP', `Router interface for subnet ${match.subnetId} on router ${id} cannot be deleted, as it is required by one or more floating IPs.`);
      }
    }
    deletePortInTx(nc, tx, port, true);
    tx.update(netRouters).set({ revision: router.revision + 1, updatedAt: Math.max(nc.now(), router.updatedAt) }).where(eq(netRouters.id, id)).run();
    syncRouter(nc, tx, router);
    return { id, projectId: router.projectId, subnetId: portSubnets[0]!, subnetIds: portSubnets, portId: port.id, networkId: port.networkId, tags: [] };
  });
}

function interfaceNotFound(routerId: string, type: string, message: string): Error {
  const e = errors.notFound('router', routerId, message);
  e.detail.type = type;
  return e;
}

/** The router an address on `subnetId` reaches `externalNetworkId` through (the floating IP rule), if any. */
export function routerFor(tx: DbOrTx, subnetId: string, externalNetworkId: string): string | undefined {
  const candidates = tx
    .select({ routerId: netPorts.deviceId })
    .from(netPorts)
    .innerJoin(netIpAllocations, eq(netIpAllocations.portId, netPorts.id))
    .where(and(eq(netIpAllocations.subnetId, subnetId), eq(netPorts.deviceOwner, ROUTER_INTERFACE)))
    .all();
  for (const c of candidates) {
    const r = tx.select({ gw: netRouters.gwNetworkId }).from(netRouters).where(eq(netRouters.id, c.routerId)).get();
    if (r?.gw === externalNetworkId) return c.routerId;
  }
  return undefined;
}

/** What the L3 agent needs to build a router's namespace: its gateway, interfaces, routes and floating IPs. */
export interface RouterState {
  id: string;
  adminStateUp: boolean;
  enableSnat: boolean;
  gateway: { portId: string; macAddress: string; networkId: string; ips: string[]; cidrs: string[] } | null;
  interfaces: Array<{ portId: string; macAddress: string; networkId: string; ips: string[]; cidrs: string[] }>;
  routes: RouteEntry[];
  floatingIps: Array<{ id: string; floatingIpAddress: string; fixedIpAddress: string }>;
}

/** The router's state for its L3 agent, or undefined once it is deleted. */
export function routerState(tx: DbOrTx, id: string): RouterState | undefined {
  const r = tx.select().from(netRouters).where(eq(netRouters.id, id)).get();
  if (!r) return undefined;
  const ports = tx.select().from(netPorts).where(eq(netPorts.deviceId, id)).all();
  const allocs = ports.length ? tx.select({ portId: netIpAllocations.portId, ip: netIpAllocations.ipAddress, cidr: netSubnets.cidr }).from(netIpAllocations).innerJoin(netSubnets, eq(netSubnets.id, netIpAllocations.subnetId)).where(inArray(netIpAllocations.portId, ports.map((p) => p.id))).all() : [];
  const shape = (p: (typeof ports)[number]) => ({
    portId: p.id,
    macAddress: p.macAddress,
    networkId: p.networkId,
    ips: allocs.filter((a) => a.portId === p.id).map((a) => a.ip),
    cidrs: allocs.filter((a) => a.portId === p.id).map((a) => a.cidr),
  });
  const gw = ports.find((p) => p.deviceOwner === ROUTER_GATEWAY);
  const fips = tx.select().from(netFloatingIps).where(eq(netFloatingIps.routerId, id)).all();
  return {
    id,
    adminStateUp: r.adminStateUp,
    enableSnat: r.enableSnat,
    gateway: gw ? shape(gw) : null,
    interfaces: ports.filter((p) => p.deviceOwner === ROUTER_INTERFACE).map(shape),
    routes: r.routes,
    floatingIps: fips.filter((f) => f.fixedIpAddress).map((f) => ({ id: f.id, floatingIpAddress: f.floatingIpAddress, fixedIpAddress: f.fixedIpAddress! })),
  };
}
