// Ports: create with fixed IPs and MAC, security groups, binding to a host (the host's L2 agent is told through the queue), update, delete.
import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, or } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import { netFloatingIps, netIpAllocations, netNetworks, netPortSecurityGroups, netPorts, netSecurityGroups } from '../db/schema/network.js';
import { errors } from '../errors.js';
import type { DbOrTx } from '../jobs/outbox.js';
import { canonicalAddr, canonicalMac } from './addresses.js';
import { badRequest, checkString, conflict, deleteTags, insertTags, isAdmin, newEc2Id, notFound, owns, tagsOf, visibleNetwork, type NetCtx, type NetworkRow } from './context.js';
import { allocateFixedIps, allocateMac, ipamFreed, ipamTransaction } from './ipam.js';
import { checkQuota } from './quotas.js';
import { ensureDefaultGroup } from './security-groups.js';
import type { CreatePortInput, FixedIp, ListScope, Port, UpdatePortInput } from './types.js';

export type PortRow = typeof netPorts.$inferSelect;

/** Device owners only the service itself (routers, floating IPs, DHCP) creates; their ports answer 409 on a direct delete where Neutron does. */
export const ROUTER_INTERFACE = 'network:router_interface';
export const ROUTER_GATEWAY = 'network:router_gateway';
export const FLOATING_IP = 'network:floatingip';
export const DHCP = 'network:dhcp';

/** What a caller's create may do beyond a member's rights: the service acting for Nova binds ports and sets device owners. */
export interface PortCreateOptions {
  /** Internal caller (Nova, routers, floating IPs): binding and reserved attributes allowed, ownership from `projectId`. */
  asService?: boolean;
}

/** The vif details an OVS binding reports (what Nova's os-vif plugs with). */
const OVS_VIF_DETAILS = { port_filter: true, connectivity: 'l2', bridge_name: 'br-int', datapath_type: 'system', ovs_hybrid_plug: false, bound_drivers: { '0': 'openvswitch' } };

/** What `toPorts` attaches to each row, fetched by the caller in one query each. */
interface PortExtras {
  allocs: Array<{ portId: string; subnetId: string; ipAddress: string }>;
  groups: Array<{ portId: string; securityGroupId: string }>;
  tags: Map<string, string[]>;
}

/**
 * Rows → model with fixed IPs, groups and tags: three queries per page, whatever its size (prepared ones
 * for a single port, and for a whole network's ports when `networkId` names the network all rows are on).
 */
export function toPorts(nc: NetCtx, rows: PortRow[], networkId?: string): Port[] {
  if (rows.length === 0) return [];
  const db = nc.db;
  let extras: PortExtras;
  if (rows.length === 1) {
    const id = rows[0]!.id;
    const tags = nc.stmts.tagsOfPort(id).map((t) => t.tag);
    extras = { allocs: nc.stmts.allocationsOfPort(id), groups: nc.stmts.groupsOfPort(id), tags: new Map(tags.length ? [[id, tags.sort()]] : []) };
  } else if (networkId !== undefined) {
    const tags = new Map<string, string[]>();
    for (const t of nc.stmts.tagsOfNetworkPorts(networkId)) {
      let l = tags.get(t.resourceId);
      if (!l) tags.set(t.resourceId, (l = []));
      l.push(t.tag);
    }
    for (const l of tags.values()) l.sort();
    extras = { allocs: nc.stmts.allocationsOfNetwork(networkId), groups: nc.stmts.groupsOfNetwork(networkId), tags };
  } else {
    const ids = rows.map((r) => r.id);
    extras = {
      allocs: db.select().from(netIpAllocations).where(inArray(netIpAllocations.portId, ids)).orderBy(asc(netIpAllocations.position)).all(),
      groups: db.select().from(netPortSecurityGroups).where(inArray(netPortSecurityGroups.portId, ids)).all(),
      tags: tagsOf(db, 'ports', ids),
    };
  }
  const ips = new Map<string, FixedIp[]>();
  for (const a of extras.allocs) {
    let l = ips.get(a.portId);
    if (!l) ips.set(a.portId, (l = []));
    l.push({ subnetId: a.subnetId, ipAddress: a.ipAddress });
  }
  const groups = new Map<string, string[]>();
  for (const g of extras.groups) {
    let l = groups.get(g.portId);
    if (!l) groups.set(g.portId, (l = []));
    l.push(g.securityGroupId);
  }
  const tags = extras.tags;
  return rows.map((r) => portModel(r, ips.get(r.id) ?? [], (groups.get(r.id) ?? []).sort(), tags.get(r.id) ?? []));
}

/** A port row and what is attached to it → the model (`groups` sorted, `tags` sorted and unique). */
function portModel(r: PortRow, fixedIps: FixedIp[], groups: string[], tags: string[]): Port {
  return {
    id: r.id,
    ec2Id: r.ec2Id,
    projectId: r.projectId,
    name: r.name,
    description: r.description,
    tags,
    revisionNumber: r.revision,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    networkId: r.networkId,
    adminStateUp: r.adminStateUp,
    status: r.status,
    macAddress: r.macAddress,
    fixedIps,
    deviceId: r.deviceId,
    deviceOwner: r.deviceOwner,
    securityGroups: groups,
    portSecurityEnabled: r.portSecurityEnabled,
    allowedAddressPairs: r.allowedAddressPairs,
    extraDhcpOpts: r.extraDhcpOpts,
    dnsName: r.dnsName,
    hostId: r.hostId,
    vnicType: r.vnicType,
    vifType: r.vifType,
    vifDetails: r.vifDetails,
    bindingProfile: r.bindingProfile,
  };
}

/** The port `id` (prepared: inside a transaction it reads that transaction's writes). */
export function loadPort(nc: NetCtx, id: string): Port {
  const row = nc.stmts.portById(id);
  if (!row) throw notFound('port', id);
  return toPorts(nc, [row])[0]!;
}

/** Whether the caller sees a port: its project's, or any port on a network it owns (Neutron's network-owner rule). */
function canSeePort(ctx: RequestContext, row: PortRow, networkOwner: string | undefined): boolean {
  return owns(ctx, row.projectId) || (networkOwner !== undefined && owns(ctx, networkOwner));
}

/** The port as the caller may see it (prepared reads: inside a transaction they see its writes); PortNotFound otherwise. */
export function visiblePort(nc: NetCtx, ctx: RequestContext, id: string): PortRow {
  const row = nc.stmts.portById(id);
  if (!row) throw notFound('port', id);
  if (!isAdmin(ctx)) {
    const net = nc.stmts.networkById(row.networkId);
    if (!canSeePort(ctx, row, net?.projectId)) throw notFound('port', id);
  }
  return row;
}

/** Checks the requested groups exist and belong to `projectId` (404 SecurityGroupNotFound otherwise). */
function checkGroups(tx: DbOrTx, projectId: string, ids: string[], admin: boolean): string[] {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  const rows = tx.select({ id: netSecurityGroups.id, p: netSecurityGroups.projectId }).from(netSecurityGroups).where(inArray(netSecurityGroups.id, unique)).all();
  for (const id of unique) {
    const r = rows.find((x) => x.id === id);
    if (!r || (!admin && r.p !== projectId)) throw notFound('security_group', id);
  }
  return unique;
}

function checkPairs(pairs: Array<{ ipAddress: string; macAddress?: string }>, mac: string): Array<{ ipAddress: string; macAddress: string }> {
  return pairs.map((p) => {
    const ip = canonicalAddr(p.ipAddress.split('/')[0]!) ? p.ipAddress : undefined;
    if (!ip) throw badRequest(`Invalid input for allowed_address_pairs. Reason: '${p.ipAddress}' is not a valid IP address.`, 'HTTPBadRequest');
    const m = p.macAddress === undefined ? mac : canonicalMac(p.macAddress);
    if (!m) throw badRequest(`Invalid input for allowed_address_pairs. Reason: '${p.macAddress}' is not a valid MAC address.`, 'HTTPBadRequest');
    return { ipAddress: ip, macAddress: m };
  });
}

/** Binding columns for a port bound to `host` ('' unbinds). */
function bindingFor(host: string): Pick<PortRow, 'hostId' | 'vifType' | 'vifDetails'> {
  return host ? { hostId: host, vifType: 'ovs', vifDetails: OVS_VIF_DETAILS } : { hostId: '', vifType: 'unbound', vifDetails: {} };
}

/**
 * Creates a port in one transaction: quota, MAC, fixed IPs (IPAM), security groups (the owner's
 * default group unless given; none with port security off), binding. A port bound to a host starts
 * DOWN and the host's L2 agent is told through the queue.
 */
export function createPortInTx(nc: NetCtx, tx: DbOrTx, ctx: RequestContext, net: NetworkRow, input: CreatePortInput, opts: PortCreateOptions = {}): string {
  return insertPortInTx(nc, tx, ctx, net, input, opts).id;
}

/** `createPortInTx` answering the created port, built from what was written (no read back). */
function insertPortInTx(nc: NetCtx, tx: DbOrTx, ctx: RequestContext, net: NetworkRow, input: CreatePortInput, opts: PortCreateOptions = {}): Port {
  const admin = isAdmin(ctx) || !!opts.asService;
  const projectId = input.projectId !== undefined ? input.projectId : (ctx.auth?.projectId ?? '');
  if (input.projectId !== undefined && input.projectId !== ctx.auth?.projectId && !admin) throw errors.forbidden('(rule:create_port and rule:create_port:tenant_id) is disallowed by policy', { reason: 'policy' });
  const networkOwner = owns(ctx, net.projectId) || admin;
  if (!networkOwner && !net.shared) throw errors.forbidden('(rule:create_port) is disallowed by policy: the network is not shared', { reason: 'policy' });
  if (!networkOwner && input.fixedIps?.some((f) => f.ipAddress !== undefined)) throw errors.forbidden('(rule:create_port and rule:create_port:fixed_ips:ip_address) is disallowed by policy', { reason: 'policy' });
  if (!admin && input.macAddress !== undefined && !networkOwner) throw errors.forbidden('(rule:create_port and rule:create_port:mac_address) is disallowed by policy', { reason: 'policy' });
  if (!admin && (input.hostId !== undefined || input.bindingProfile !== undefined)) throw errors.forbidden('(rule:create_port and rule:create_port:binding:host_id) is disallowed by policy', { reason: 'policy' });
  const deviceOwner = input.deviceOwner ?? '';
  if (!admin && deviceOwner.startsWith('network:')) throw errors.forbidden('(rule:create_port and rule:create_port:device_owner) is disallowed by policy', { reason: 'policy' });
  if (input.vnicType !== undefined && !['normal', 'direct', 'macvtap', 'baremetal', 'direct-physical', 'virtio-forwarder', 'smart-nic', 'remote-managed'].includes(input.vnicType)) {
    throw badRequest(`Invalid input for binding:vnic_type. Reason: '${input.vnicType}' is not in the valid vnic types.`, 'HTTPBadRequest');
  }
  const portSecurity = input.portSecurityEnabled ?? net.portSecurityEnabled;
  if (!portSecurity && input.securityGroups && input.securityGroups.length) {
    throw conflict('port', 'PortSecurityAndIPRequiredForSecurityGroups', 'Port security must be enabled and port must have an IP address in order to use security groups.');
  }
  if (!portSecurity && input.allowedAddressPairs && input.allowedAddressPairs.length) {
    throw conflict('port', 'AddressPairAndPortSecurityRequired', 'Port Security must be enabled in order to have allowed address pairs on a port.');
  }
  const id = randomUUID();
  const now = nc.now();
  if (projectId && !deviceOwner.startsWith('network:')) checkQuota(nc, tx, projectId, 'port');
  const mac = allocateMac(nc, net.id, input.macAddress);
  let groups: string[] = [];
  if (portSecurity && !deviceOwner.startsWith('network:')) {
    groups = input.securityGroups !== undefined ? checkGroups(tx, projectId, input.securityGroups, admin) : projectId ? [ensureDefaultGroup(nc, tx, projectId)] : [];
  }
  const host = input.hostId ?? '';
  const row: PortRow = {
    id,
    ec2Id: newEc2Id('eni'),
    networkId: net.id,
    projectId,
    name: input.name !== undefined ? checkString('name', input.name) : '',
    description: input.description !== undefined ? checkString('description', input.description) : '',
    adminStateUp: input.adminStateUp ?? true,
    status: 'DOWN',
    macAddress: mac,
    deviceId: input.deviceId !== undefined ? checkString('device_id', input.deviceId) : '',
    deviceOwner: checkString('device_owner', deviceOwner),
    ...bindingFor(host),
    vnicType: input.vnicType ?? 'normal',
    bindingProfile: input.bindingProfile ?? {},
    portSecurityEnabled: portSecurity,
    allowedAddressPairs: checkPairs(input.allowedAddressPairs ?? [], mac),
    extraDhcpOpts: (input.extraDhcpOpts ?? []).map((o) => ({ optName: o.optName, optValue: o.optValue, ipVersion: o.ipVersion ?? 4 })),
    dnsName: input.dnsName ?? '',
    revision: 1,
    createdAt: now,
    updatedAt: now,
  };
  nc.stmts.insertPort(row);
  const fixedIps = allocateFixedIps(nc, { networkId: net.id, portId: id, mac, deviceOwner, requests: input.fixedIps });
  for (const g of groups) nc.stmts.insertPortGroup(id, g);
  insertTags(tx, 'ports', id, input.tags);
  if (host) nc.enqueue(tx, 'network.port.bind', { portId: id, host, revision: 1 });
  return portModel(row, fixedIps, [...groups].sort(), [...new Set(input.tags ?? [])].sort());
}

export function createPort(nc: NetCtx, ctx: RequestContext, input: CreatePortInput, opts: PortCreateOptions = {}): Port {
  if (!ctx.auth && !opts.asService) throw errors.unauthenticated();
  const net = opts.asService ? nc.db.select().from(netNetworks).where(eq(netNetworks.id, input.networkId)).get() : visibleNetwork(nc, ctx, input.networkId);
  if (!net) throw notFound('network', input.networkId);
  return ipamTransaction(nc, (tx) => insertPortInTx(nc, tx, ctx, net, input, opts));
}

/** `createPort` in the next group commit (see NetworkService.createPortBatched). */
export function createPortBatched(nc: NetCtx, ctx: RequestContext, input: CreatePortInput): Promise<Port> {
  if (!ctx.auth) throw errors.unauthenticated();
  visibleNetwork(nc, ctx, input.networkId);
  const forget = (error: unknown) => {
    // As ipamTransaction does: a rolled-back savepoint (or a failed batch) may have freed addresses the hints passed.
    nc.ipamHints.clear();
    throw error;
  };
  return nc.commits
    .run((tx) => {
      try {
        // Read again in the batch: the network may have gone (or changed) since the request checked it.
        const net = visibleNetwork(nc, ctx, input.networkId);
        return insertPortInTx(nc, tx, ctx, net, input);
      } catch (error) {
        return forget(error);
      }
    })
    .catch(forget);
}

/** Creates several ports all-or-nothing (Neutron's bulk create). */
export function createPorts(nc: NetCtx, ctx: RequestContext, inputs: CreatePortInput[]): Port[] {
  const nets = new Map<string, NetworkRow>();
  for (const i of inputs) if (!nets.has(i.networkId)) nets.set(i.networkId, visibleNetwork(nc, ctx, i.networkId));
  return ipamTransaction(nc, (tx) => {
    const ids = inputs.map((i) => createPortInTx(nc, tx, ctx, nets.get(i.networkId)!, i));
    return ids.map((id) => loadPort(nc, id));
  });
}

export function getPort(nc: NetCtx, ctx: RequestContext, id: string): Port {
  return toPorts(nc, [visiblePort(nc, ctx, id)])[0]!;
}

/** Ports the caller sees: its project's and those on networks it owns (admins: all). */
export function listPorts(nc: NetCtx, ctx: RequestContext, scope: ListScope = {}): Port[] {
  if (!ctx.auth) throw errors.unauthenticated();
  const conds = [];
  if (!isAdmin(ctx)) {
    const me = ctx.auth.projectId ?? '';
    const owned = nc.db.select({ id: netNetworks.id }).from(netNetworks).where(eq(netNetworks.projectId, me)).all().map((r) => r.id);
    conds.push(owned.length ? or(eq(netPorts.projectId, me), inArray(netPorts.networkId, owned)) : eq(netPorts.projectId, me));
  }
  if (scope.ids) conds.push(inArray(netPorts.id, scope.ids));
  if (scope.networkId) conds.push(eq(netPorts.networkId, scope.networkId));
  if (scope.deviceId !== undefined) conds.push(eq(netPorts.deviceId, scope.deviceId));
  if (scope.projectId !== undefined) conds.push(eq(netPorts.projectId, scope.projectId));
  const rows = nc.db.select().from(netPorts).where(and(...conds)).orderBy(asc(netPorts.createdAt), asc(netPorts.id)).all();
  return toPorts(nc, rows, scope.networkId);
}

/** Updates a port: names, admin state, fixed IPs (re-allocated), groups, device, binding (admin), MAC (admin, unbound only), address pairs. */
export function updatePort(nc: NetCtx, ctx: RequestContext, id: string, input: UpdatePortInput, opts: PortCreateOptions = {}): Port {
  const row = opts.asService ? nc.db.select().from(netPorts).where(eq(netPorts.id, id)).get() : visiblePort(nc, ctx, id);
  if (!row) throw notFound('port', id);
  const admin = isAdmin(ctx) || !!opts.asService;
  if (!admin && !owns(ctx, row.projectId)) throw errors.forbidden('rule:update_port is disallowed by policy', { reason: 'policy' });
  if (!admin && (input.hostId !== undefined || input.bindingProfile !== undefined)) throw errors.forbidden('(rule:update_port and rule:update_port:binding:host_id) is disallowed by policy', { reason: 'policy' });
  if (!admin && input.macAddress !== undefined) throw errors.forbidden('(rule:update_port and rule:update_port:mac_address) is disallowed by policy', { reason: 'policy' });
  if (!admin && input.deviceOwner?.startsWith('network:')) throw errors.forbidden('(rule:update_port and rule:update_port:device_owner) is disallowed by policy', { reason: 'policy' });
  const now = nc.now();
  const unbindFrom: string[] = [];
  const result = ipamTransaction(nc, (tx) => {
    const cur = tx.select().from(netPorts).where(eq(netPorts.id, id)).get();
    if (!cur) throw notFound('port', id);
    const set: Partial<PortRow> = {};
    if (input.name !== undefined) set.name = checkString('name', input.name);
    if (input.description !== undefined) set.description = checkString('description', input.description);
    if (input.adminStateUp !== undefined) set.adminStateUp = input.adminStateUp;
    if (input.deviceId !== undefined) set.deviceId = checkString('device_id', input.deviceId);
    if (input.deviceOwner !== undefined) set.deviceOwner = checkString('device_owner', input.deviceOwner);
    if (input.dnsName !== undefined) set.dnsName = input.dnsName;
    if (input.vnicType !== undefined) set.vnicType = input.vnicType;
    if (input.bindingProfile !== undefined) set.bindingProfile = input.bindingProfile;
    if (input.macAddress !== undefined) {
      const mac = canonicalMac(input.macAddress);
      if (mac !== cur.macAddress) {
        if (cur.hostId) throw conflict('port', 'PortBound', `Unable to complete operation on port ${id}, port is already bound, port type: ovs, old_mac ${cur.macAddress}, new_mac ${input.macAddress}.`);
        set.macAddress = allocateMac(nc, cur.networkId, input.macAddress);
      }
    }
    const portSecurity = input.portSecurityEnabled ?? cur.portSecurityEnabled;
    set.portSecurityEnabled = portSecurity;
    if (input.allowedAddressPairs !== undefined) {
      if (!portSecurity && input.allowedAddressPairs.length) throw conflict('port', 'AddressPairAndPortSecurityRequired', 'Port Security must be enabled in order to have allowed address pairs on a port.');
      set.allowedAddressPairs = checkPairs(input.allowedAddressPairs, set.macAddress ?? cur.macAddress);
    }
    if (input.extraDhcpOpts !== undefined) set.extraDhcpOpts = input.extraDhcpOpts.map((o) => ({ optName: o.optName, optValue: o.optValue, ipVersion: o.ipVersion ?? 4 }));
    if (input.securityGroups !== undefined || (input.portSecurityEnabled === false && cur.portSecurityEnabled)) {
      const groups = input.securityGroups ?? [];
      if (!portSecurity && groups.length) throw conflict('port', 'PortSecurityAndIPRequiredForSecurityGroups', 'Port security must be enabled and port must have an IP address in order to use security groups.');
      if (input.securityGroups === undefined && !portSecurity) {
        const has = tx.select({ g: netPortSecurityGroups.securityGroupId }).from(netPortSecurityGroups).where(eq(netPortSecurityGroups.portId, id)).limit(1).get();
        if (has) throw conflict('port', 'PortSecurityPortHasSecurityGroup', 'Port has security group associated. Cannot disable port security or ip address until security group is removed.');
      }
      const ok = checkGroups(tx, cur.projectId, groups, admin);
      tx.delete(netPortSecurityGroups).where(eq(netPortSecurityGroups.portId, id)).run();
      for (const g of ok) tx.insert(netPortSecurityGroups).values({ portId: id, securityGroupId: g }).run();
    }
    if (input.fixedIps !== undefined) {
      // An address that has a floating IP cannot be taken away from the port.
      const fips = tx.select({ ip: netFloatingIps.fixedIpAddress }).from(netFloatingIps).where(eq(netFloatingIps.portId, id)).all();
      tx.delete(netIpAllocations).where(eq(netIpAllocations.portId, id)).run();
      ipamFreed(nc);
      const fixed = allocateFixedIps(nc, { networkId: cur.networkId, portId: id, mac: set.macAddress ?? cur.macAddress, deviceOwner: set.deviceOwner ?? cur.deviceOwner, requests: input.fixedIps });
      for (const f of fips) {
        if (f.ip && !fixed.some((x) => x.ipAddress === f.ip)) throw conflict('port', 'IpAddressInUse', `Unable to complete operation for network ${cur.networkId}. The IP address ${f.ip} is in use.`);
      }
    }
    let rebind = false;
    if (input.hostId !== undefined && input.hostId !== cur.hostId) {
      Object.assign(set, bindingFor(input.hostId));
      set.status = 'DOWN';
      if (cur.hostId) unbindFrom.push(cur.hostId);
      rebind = input.hostId !== '';
    }
    if (input.adminStateUp === false) set.status = 'DOWN';
    else if (input.adminStateUp === true && !cur.adminStateUp && (set.hostId ?? cur.hostId)) rebind = true;
    const revision = cur.revision + 1;
    tx.update(netPorts)
      .set({ ...set, revision, updatedAt: Math.max(now, cur.updatedAt) })
      .where(eq(netPorts.id, id))
      .run();
    const host = set.hostId ?? cur.hostId;
    if (rebind && host) nc.enqueue(tx, 'network.port.bind', { portId: id, host, revision });
    for (const h of unbindFrom) nc.enqueue(tx, 'network.port.unbind', { portId: id, host: h, networkId: cur.networkId, macAddress: cur.macAddress });
    return loadPort(nc, id);
  });
  return result;
}

/**
 * Deletes a port in `tx`: floating IPs on it are disassociated (and their NAT removed), a bound port's
 * host unplugs it. Router-owned ports are refused unless `force` (the router code removes them itself).
 */
export function deletePortInTx(nc: NetCtx, tx: DbOrTx, row: PortRow, force = false): void {
  if (!force && (row.deviceOwner === ROUTER_INTERFACE || row.deviceOwner === ROUTER_GATEWAY || row.deviceOwner === FLOATING_IP)) {
    throw conflict('port', 'ServicePortInUse', `Port ${row.id} cannot be deleted directly via the port API: has device owner ${row.deviceOwner}.`);
  }
  const now = nc.now();
  for (const f of tx.select().from(netFloatingIps).where(eq(netFloatingIps.portId, row.id)).all()) {
    tx.update(netFloatingIps).set({ portId: null, fixedIpAddress: null, routerId: null, status: 'DOWN', revision: f.revision + 1, updatedAt: Math.max(now, f.updatedAt) }).where(eq(netFloatingIps.id, f.id)).run();
    nc.enqueue(tx, 'network.floatingip.sync', { floatingIpId: f.id, host: nc.settings.networkHost, floatingIpAddress: f.floatingIpAddress });
    if (f.routerId) nc.enqueue(tx, 'network.router.sync', { routerId: f.routerId, host: nc.settings.networkHost });
  }
  tx.delete(netPorts).where(eq(netPorts.id, row.id)).run();
  ipamFreed(nc);
  deleteTags(tx, 'ports', row.id);
  if (row.hostId) nc.enqueue(tx, 'network.port.unbind', { portId: row.id, host: row.hostId, networkId: row.networkId, macAddress: row.macAddress });
}

export function deletePort(nc: NetCtx, ctx: RequestContext, id: string): void {
  const row = visiblePort(nc, ctx, id);
  if (!owns(ctx, row.projectId)) {
    const net = nc.db.select({ p: netNetworks.projectId }).from(netNetworks).where(eq(netNetworks.id, row.networkId)).get();
    if (!net || !owns(ctx, net.p)) throw errors.forbidden('rule:delete_port is disallowed by policy', { reason: 'policy' });
  }
  nc.db.transaction((tx) => {
    const cur = tx.select().from(netPorts).where(eq(netPorts.id, id)).get();
    if (!cur) throw notFound('port', id);
    deletePortInTx(nc, tx, cur);
  });
}

/**
 * The L2 agent's report for a port it plugged on `host`: ACTIVE when the port is still bound there and
 * administratively up (a later move or unbind wins). Idempotent; returns whether the port changed.
 */
export function reportPortUp(nc: NetCtx, portId: string, host: string): boolean {
  return nc.db.transaction((tx) => {
    const cur = tx.select().from(netPorts).where(eq(netPorts.id, portId)).get();
    if (!cur || cur.hostId !== host) return false;
    const status = cur.adminStateUp ? 'ACTIVE' : 'DOWN';
    if (cur.status === status) return false;
    tx.update(netPorts).set({ status, revision: cur.revision + 1, updatedAt: Math.max(nc.now(), cur.updatedAt) }).where(eq(netPorts.id, portId)).run();
    return true;
  });
}

/** Sets the status of ports the service owns (router interfaces and gateways, when the L3 agent has built them). */
export function setPortsStatus(nc: NetCtx, tx: DbOrTx, ids: string[], status: string): void {
  if (ids.length === 0) return;
  const now = nc.now();
  for (const r of tx.select().from(netPorts).where(inArray(netPorts.id, ids)).all()) {
    if (r.status !== status) tx.update(netPorts).set({ status, revision: r.revision + 1, updatedAt: Math.max(now, r.updatedAt) }).where(eq(netPorts.id, r.id)).run();
  }
}
