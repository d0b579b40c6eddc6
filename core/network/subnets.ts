// Subnets: CIDR, gateway, allocation pools, DNS, host routes and IPv6 modes validated as Neutron does; carving from subnet pools; delete refused while addresses are in use.
import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, ne } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import { netIpAllocations, netNetworks, netPorts, netSubnetPools, netSubnets } from '../db/schema/network.js';
import { errors } from '../errors.js';
import type { DbOrTx } from '../jobs/outbox.js';
import {
  canonicalAddr,
  cidrContains,
  cidrsOverlap,
  defaultPools,
  formatAddr,
  formatCidr,
  lastAddr,
  parseAddr,
  parseCidr,
  type Cidr,
} from './addresses.js';
import { badRequest, checkString, conflict, deleteTags, insertTags, isAdmin, newEc2Id, notFound, owns, tagsOf, visibleNetwork, type NetCtx } from './context.js';
import { ensureDhcpAddress, releaseDhcpAddress } from './dhcp-ports.js';
import { ipamTransaction } from './ipam.js';
import { checkQuota } from './quotas.js';
import type { CreateSubnetInput, ListScope, PoolRange, RouteEntry, Subnet, UpdateSubnetInput } from './types.js';

export type SubnetRow = typeof netSubnets.$inferSelect;

const IPV6_MODES = ['slaac', 'dhcpv6-stateful', 'dhcpv6-stateless'];
const MAX_DNS = 5;
const MAX_ROUTES = 20;

export function toSubnets(db: DbOrTx, rows: SubnetRow[]): Subnet[] {
  const tags = tagsOf(
    db,
    'subnets',
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({
    id: r.id,
    ec2Id: r.ec2Id,
    projectId: r.projectId,
    name: r.name,
    description: r.description,
    tags: tags.get(r.id) ?? [],
    revisionNumber: r.revision,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    networkId: r.networkId,
    ipVersion: r.ipVersion as 4 | 6,
    cidr: r.cidr,
    gatewayIp: r.gatewayIp,
    enableDhcp: r.enableDhcp,
    allocationPools: r.allocationPools,
    dnsNameservers: r.dnsNameservers,
    hostRoutes: r.hostRoutes,
    ipv6RaMode: r.ipv6RaMode,
    ipv6AddressMode: r.ipv6AddressMode,
    subnetpoolId: r.subnetpoolId,
    segmentId: r.segmentId,
    serviceTypes: r.serviceTypes,
    dnsPublishFixedIp: r.dnsPublishFixedIp,
  }));
}

function loadSubnet(db: DbOrTx, id: string): Subnet {
  const row = db.select().from(netSubnets).where(eq(netSubnets.id, id)).get();
  if (!row) throw notFound('subnet', id);
  return toSubnets(db, [row])[0]!;
}

/** The subnet as the caller may see it (through its network's visibility); SubnetNotFound otherwise. */
export function visibleSubnet(nc: NetCtx, ctx: RequestContext, id: string, db: DbOrTx = nc.db): SubnetRow {
  const row = db.select().from(netSubnets).where(eq(netSubnets.id, id)).get();
  if (!row) throw notFound('subnet', id);
  const net = db.select().from(netNetworks).where(eq(netNetworks.id, row.networkId)).get();
  if (!net || !(owns(ctx, row.projectId) || net.shared || net.external || owns(ctx, net.projectId))) throw notFound('subnet', id);
  return row;
}

/** Validates and canonicalises allocation pools against the CIDR and gateway. */
function checkPools(cidr: Cidr, pools: PoolRange[], gateway: bigint | null): Array<{ start: bigint; end: bigint }> {
  const parsed = pools.map((p) => {
    const s = parseAddr(p.start);
    const e = parseAddr(p.end);
    if (!s || !e || s.version !== cidr.version || e.version !== cidr.version) throw badRequest(`Invalid input for operation: The allocation pool ${p.start}-${p.end} spans beyond the subnet cidr ${formatCidr(cidr)}.`, 'InvalidAllocationPool');
    if (s.value > e.value) throw badRequest(`The allocation pool ${p.start}-${p.end} is not valid.`, 'InvalidAllocationPool');
    if (!cidrContains(cidr, cidr.version, s.value) || !cidrContains(cidr, cidr.version, e.value)) {
      throw badRequest(`The allocation pool ${p.start}-${p.end} spans beyond the subnet cidr ${formatCidr(cidr)}.`, 'OutOfBoundsAllocationPool');
    }
    if (cidr.version === 4 && cidr.prefixLen < 31 && (s.value === cidr.network || e.value === lastAddr(cidr))) {
      throw badRequest(`The allocation pool ${p.start}-${p.end} is not valid.`, 'InvalidAllocationPool');
    }
    return { start: s.value, end: e.value };
  });
  const sorted = [...parsed].sort((a, b) => (a.start < b.start ? -1 : 1));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.start <= sorted[i - 1]!.end) {
      throw badRequest(`Found overlapping allocation pools: ${formatAddr(cidr.version, sorted[i - 1]!.start)}-${formatAddr(cidr.version, sorted[i - 1]!.end)} and ${formatAddr(cidr.version, sorted[i]!.start)}-${formatAddr(cidr.version, sorted[i]!.end)}`, 'OverlappingAllocationPools');
    }
  }
  if (gateway !== null) {
    for (const p of parsed) {
      if (gateway >= p.start && gateway <= p.end) {
        throw conflict('subnet', 'GatewayConflictWithAllocationPools', `Gateway ip ${formatAddr(cidr.version, gateway)} conflicts with allocation pool ${formatAddr(cidr.version, p.start)}-${formatAddr(cidr.version, p.end)}.`);
      }
    }
  }
  return parsed;
}

const poolText = (v: 4 | 6, pools: Array<{ start: bigint; end: bigint }>): PoolRange[] => pools.map((p) => ({ start: formatAddr(v, p.start), end: formatAddr(v, p.end) }));

function checkGateway(cidr: Cidr, gw: string): bigint {
  const a = parseAddr(gw);
  if (!a || a.version !== cidr.version) throw badRequest(`Invalid input for gateway_ip. Reason: '${gw}' is not a valid IP address.`, 'HTTPBadRequest');
  if (cidrContains(cidr, a.version, a.value) && cidr.version === 4 && cidr.prefixLen < 31 && (a.value === cidr.network || a.value === lastAddr(cidr))) {
    throw badRequest(`Gateway is not valid on subnet.`, 'BadRequest');
  }
  if (cidr.version === 6 && a.value === cidr.network && cidr.prefixLen < 127) throw badRequest(`Gateway is not valid on subnet.`, 'BadRequest');
  return a.value;
}

function checkDns(v: 4 | 6, list: string[]): string[] {
  if (list.length > MAX_DNS) throw badRequest(`Quota exceeded for resources: ['dns_nameservers'] (maximum ${MAX_DNS}).`, 'DNSNameServersExhausted');
  const out: string[] = [];
  for (const d of list) {
    const c = canonicalAddr(d);
    if (!c) throw badRequest(`Invalid input for dns_nameservers. Reason: '${d}' is not a valid nameserver.`, 'HTTPBadRequest');
    if (out.includes(c)) throw badRequest(`Invalid input for dns_nameservers. Reason: Duplicate nameserver '${d}'.`, 'HTTPBadRequest');
    if (parseAddr(c)!.version !== v) throw badRequest(`Invalid input for operation: DNS nameserver ${d} is not of the subnet's IP version.`, 'InvalidInput');
    out.push(c);
  }
  return out;
}

function checkRoutes(v: 4 | 6, list: RouteEntry[]): RouteEntry[] {
  if (list.length > MAX_ROUTES) throw badRequest(`Quota exceeded for resources: ['host_routes'] (maximum ${MAX_ROUTES}).`, 'HostRoutesExhausted');
  return list.map((r) => {
    const d = parseCidr(r.destination);
    const n = parseAddr(r.nexthop);
    if (!d || !n) throw badRequest(`Invalid input for host_routes. Reason: Invalid data format for hostroute: '${JSON.stringify(r)}'.`, 'HTTPBadRequest');
    if (d.version !== v || n.version !== v) throw badRequest(`Invalid input for operation: Host route ${r.destination} is not of the subnet's IP version.`, 'InvalidInput');
    return { destination: formatCidr(d), nexthop: formatAddr(n.version, n.value) };
  });
}

/** Carves the first free prefix of length `len` from a pool, avoiding every subnet already carved from it. */
function carve(tx: DbOrTx, pool: typeof netSubnetPools.$inferSelect, len: number): Cidr {
  const taken = tx
    .select({ cidr: netSubnets.cidr })
    .from(netSubnets)
    .where(eq(netSubnets.subnetpoolId, pool.id))
    .all()
    .map((r) => parseCidr(r.cidr)!)
    .sort((a, b) => (a.network < b.network ? -1 : 1));
  for (const p of pool.prefixes) {
    const prefix = parseCidr(p)!;
    if (len < prefix.prefixLen) continue;
    const step = 1n << BigInt((prefix.version === 4 ? 32 : 128) - len);
    for (let candidate = prefix.network; candidate + step - 1n <= lastAddr(prefix); candidate += step) {
      const c: Cidr = { version: prefix.version, network: candidate, prefixLen: len };
      const clash = taken.find((t) => cidrsOverlap(t, c));
      if (!clash) return c;
      // Jump past the clashing subnet (aligned to the step).
      const next = ((lastAddr(clash) + 1n + step - 1n) / step) * step;
      candidate = next - step;
    }
  }
  throw conflict('subnet', 'SubnetAllocationError', `Failed to allocate subnet: Insufficient prefix space to allocate subnet size /${len}.`);
}

/** Creates a subnet (network owner or admin). Overlapping CIDRs within one network are refused; across networks they are fine. */
export function createSubnet(nc: NetCtx, ctx: RequestContext, input: CreateSubnetInput): Subnet {
  const net = visibleNetwork(nc, ctx, input.networkId);
  if (!owns(ctx, net.projectId)) throw errors.forbidden('rule:create_subnet is disallowed by policy', { reason: 'policy' });
  const projectId = input.projectId !== undefined && isAdmin(ctx) ? input.projectId : net.projectId === '' ? (ctx.auth?.projectId ?? '') : isAdmin(ctx) ? net.projectId : ctx.auth!.projectId!;
  const ipVersion = input.ipVersion ?? 4;
  if (ipVersion !== 4 && ipVersion !== 6) throw badRequest(`Invalid input for ip_version. Reason: '${ipVersion}' is not in [4, 6].`, 'HTTPBadRequest');
  const v = ipVersion as 4 | 6;
  const ra = input.ipv6RaMode ?? null;
  const am = input.ipv6AddressMode ?? null;
  for (const [attr, m] of [['ipv6_ra_mode', ra], ['ipv6_address_mode', am]] as const) {
    if (m !== null && !IPV6_MODES.includes(m)) throw badRequest(`Invalid input for ${attr}. Reason: '${m}' is not in ${JSON.stringify(IPV6_MODES)}.`, 'HTTPBadRequest');
    if (m !== null && v === 4) throw badRequest(`Invalid input for operation: ${attr} is not valid when ip_version is 4.`, 'InvalidInput');
  }
  if (ra !== null && am !== null && ra !== am) {
    throw badRequest(`Invalid input for operation: ipv6_ra_mode set to '${ra}' with ipv6_address_mode set to '${am}' is not valid. If both attributes are set, they must be the same value.`, 'InvalidInput');
  }
  const now = nc.now();
  const id = randomUUID();
  const result = ipamTransaction(nc, (tx) => {
    checkQuota(nc, tx, projectId, 'subnet');
    let poolRow: typeof netSubnetPools.$inferSelect | undefined;
    if (input.subnetpoolId) {
      poolRow = tx.select().from(netSubnetPools).where(eq(netSubnetPools.id, input.subnetpoolId)).get();
      if (!poolRow || !(poolRow.shared || owns(ctx, poolRow.projectId))) throw notFound('subnetpool', input.subnetpoolId);
    } else if (input.useDefaultSubnetpool) {
      poolRow = tx.select().from(netSubnetPools).where(and(eq(netSubnetPools.isDefault, true), eq(netSubnetPools.ipVersion, v))).get();
      if (!poolRow) throw badRequest(`No default subnetpool found for IPv${v}`, 'BadRequest');
    }
    if (poolRow && poolRow.ipVersion !== v) throw badRequest(`Cannot allocate IPv${v} subnet from IPv${poolRow.ipVersion} subnet pool`, 'BadRequest');
    let cidr: Cidr;
    if (input.cidr !== undefined) {
      const loose = parseCidr(input.cidr);
      if (!loose) throw badRequest(`Invalid input for cidr. Reason: '${input.cidr}' is not a valid IP subnet.`, 'HTTPBadRequest');
      const strict = parseCidr(input.cidr, true);
      if (!strict) throw badRequest(`Invalid input for cidr. Reason: '${input.cidr}' isn't a recognized IP subnet cidr, '${formatCidr(loose)}' is recommended.`, 'HTTPBadRequest');
      cidr = strict;
      if (cidr.version !== v) throw badRequest(`Invalid input for operation: Invalid CIDR ${input.cidr} for IP version ${v}.`, 'InvalidInput');
      if (poolRow) {
        const inPool = poolRow.prefixes.some((p) => {
          const pc = parseCidr(p)!;
          return cidrContains(pc, cidr.version, cidr.network) && cidrContains(pc, cidr.version, lastAddr(cidr));
        });
        if (!inPool) throw badRequest(`Cidr ${input.cidr} is not within the subnet pool's prefixes.`, 'IllegalSubnetPoolPrefixUpdate');
        const clash = tx.select({ cidr: netSubnets.cidr }).from(netSubnets).where(eq(netSubnets.subnetpoolId, poolRow.id)).all().find((r) => cidrsOverlap(parseCidr(r.cidr)!, cidr));
        if (clash) throw conflict('subnet', 'SubnetAllocationError', `Failed to allocate subnet: Cidr ${input.cidr} overlaps with another subnet allocated from the pool.`);
      }
    } else if (poolRow) {
      const len = input.prefixlen ?? poolRow.defaultPrefixlen;
      if (len < poolRow.minPrefixlen || len > poolRow.maxPrefixlen) {
        throw badRequest(`Unable to allocate subnet with prefix length ${len}, minimum allowed prefix is ${poolRow.minPrefixlen}, maximum allowed prefix is ${poolRow.maxPrefixlen}.`, 'IllegalSubnetPoolPrefixBounds');
      }
      cidr = carve(tx, poolRow, len);
    } else {
      throw badRequest('Bad subnets request: a subnetpool must be specified in the absence of a cidr.', 'BadRequest');
    }
    if (v === 6 && (am === 'slaac' || am === 'dhcpv6-stateless' || ra === 'slaac' || ra === 'dhcpv6-stateless') && cidr.prefixLen !== 64) {
      throw badRequest(`Invalid input for operation: Invalid CIDR ${formatCidr(cidr)} for IPv6 address mode. OpenStack uses the EUI-64 address format, which requires the prefix to be /64.`, 'InvalidInput');
    }
    const siblings = tx.select().from(netSubnets).where(eq(netSubnets.networkId, net.id)).all();
    for (const s of siblings) {
      if (cidrsOverlap(parseCidr(s.cidr)!, cidr)) {
        throw badRequest(`Invalid input for operation: Requested subnet with cidr: ${formatCidr(cidr)} for network: ${net.id} overlaps with another subnet.`, 'InvalidInput');
      }
    }
    let gateway: bigint | null;
    if (input.gatewayIp === null) gateway = null;
    else if (input.gatewayIp !== undefined) gateway = checkGateway(cidr, input.gatewayIp);
    else gateway = cidr.network + 1n > lastAddr(cidr) ? null : cidr.network + 1n;
    const pools = input.allocationPools !== undefined ? checkPools(cidr, input.allocationPools, gateway) : defaultPools(cidr, gateway);
    tx.insert(netSubnets)
      .values({
        id,
        ec2Id: newEc2Id('subnet'),
        networkId: net.id,
        projectId,
        name: input.name !== undefined ? checkString('name', input.name) : '',
        description: input.description !== undefined ? checkString('description', input.description) : '',
        ipVersion: v,
        cidr: formatCidr(cidr),
        gatewayIp: gateway === null ? null : formatAddr(v, gateway),
        enableDhcp: input.enableDhcp ?? true,
        allocationPools: poolText(v, pools),
        dnsNameservers: checkDns(v, input.dnsNameservers ?? []),
        hostRoutes: checkRoutes(v, input.hostRoutes ?? []),
        ipv6RaMode: ra,
        ipv6AddressMode: am,
        subnetpoolId: poolRow?.id ?? null,
        segmentId: input.segmentId ?? null,
        serviceTypes: input.serviceTypes ?? [],
        dnsPublishFixedIp: input.dnsPublishFixedIp ?? false,
        revision: 1,
        createdAt: now,
        updatedAt: now,
      })
      .run();
    tx.update(netNetworks).set({ revision: net.revision + 1, updatedAt: Math.max(now, net.updatedAt) }).where(eq(netNetworks.id, net.id)).run();
    insertTags(tx, 'subnets', id, input.tags);
    ensureDhcpAddress(nc, tx, net, tx.select().from(netSubnets).where(eq(netSubnets.id, id)).get()!);
    enqueueDhcp(nc, tx, net.id);
    return loadSubnet(tx, id);
  });
  return result;
}

/** Tells the DHCP agent serving `networkId` to converge (one job per network and moment is enough). */
export function enqueueDhcp(nc: NetCtx, tx: DbOrTx, networkId: string): void {
  nc.enqueue(tx, 'network.dhcp.sync', { networkId, host: nc.settings.networkHost });
}

export function getSubnet(nc: NetCtx, ctx: RequestContext, id: string): Subnet {
  visibleSubnet(nc, ctx, id);
  return loadSubnet(nc.db, id);
}

/** Subnets the caller sees: its own and those of shared/external networks (admins: all). */
export function listSubnets(nc: NetCtx, ctx: RequestContext, scope: ListScope = {}): Subnet[] {
  if (!ctx.auth) throw errors.unauthenticated();
  const conds = [];
  if (scope.ids) conds.push(inArray(netSubnets.id, scope.ids));
  if (scope.networkId) conds.push(eq(netSubnets.networkId, scope.networkId));
  if (scope.projectId !== undefined) conds.push(eq(netSubnets.projectId, scope.projectId));
  let rows = nc.db.select().from(netSubnets).where(and(...conds)).orderBy(asc(netSubnets.createdAt), asc(netSubnets.id)).all();
  if (!isAdmin(ctx)) {
    const me = ctx.auth.projectId ?? '';
    const nets = new Map(nc.db.select({ id: netNetworks.id, p: netNetworks.projectId, s: netNetworks.shared, e: netNetworks.external }).from(netNetworks).all().map((n) => [n.id, n]));
    rows = rows.filter((r) => {
      const n = nets.get(r.networkId);
      return r.projectId === me || (!!n && (n.s || n.e || n.p === me));
    });
  }
  return toSubnets(nc.db, rows);
}

/** Updates a subnet (owner or admin): name, description, gateway, DHCP, pools, DNS, host routes. */
export function updateSubnet(nc: NetCtx, ctx: RequestContext, id: string, input: UpdateSubnetInput): Subnet {
  const row = visibleSubnet(nc, ctx, id);
  if (!owns(ctx, row.projectId)) throw errors.forbidden('rule:update_subnet is disallowed by policy', { reason: 'policy' });
  const cidr = parseCidr(row.cidr)!;
  const v = row.ipVersion as 4 | 6;
  const now = nc.now();
  return ipamTransaction(nc, (tx) => {
    const cur = tx.select().from(netSubnets).where(eq(netSubnets.id, id)).get();
    if (!cur) throw notFound('subnet', id);
    let gateway: bigint | null = cur.gatewayIp === null ? null : parseAddr(cur.gatewayIp)!.value;
    const set: Partial<SubnetRow> = {};
    if (input.gatewayIp !== undefined) {
      gateway = input.gatewayIp === null ? null : checkGateway(cidr, input.gatewayIp);
      if (gateway !== null) {
        const text = formatAddr(v, gateway);
        const used = tx.select({ portId: netIpAllocations.portId }).from(netIpAllocations).where(and(eq(netIpAllocations.subnetId, id), eq(netIpAllocations.ipAddress, text))).get();
        if (used && text !== cur.gatewayIp) throw conflict('subnet', 'GatewayIpInUse', `Current gateway ip ${text} already in use by port ${used.portId}. Unable to update.`);
      }
      set.gatewayIp = gateway === null ? null : formatAddr(v, gateway);
    }
    if (input.allocationPools !== undefined) set.allocationPools = poolText(v, checkPools(cidr, input.allocationPools, gateway));
    else if (input.gatewayIp !== undefined) {
      // The new gateway may not fall inside the existing pools.
      checkPools(cidr, cur.allocationPools, gateway);
    }
    if (input.dnsNameservers !== undefined) set.dnsNameservers = checkDns(v, input.dnsNameservers);
    if (input.hostRoutes !== undefined) set.hostRoutes = checkRoutes(v, input.hostRoutes);
    if (input.name !== undefined) set.name = checkString('name', input.name);
    if (input.description !== undefined) set.description = checkString('description', input.description);
    if (input.enableDhcp !== undefined) set.enableDhcp = input.enableDhcp;
    if (input.serviceTypes !== undefined) set.serviceTypes = input.serviceTypes;
    if (input.dnsPublishFixedIp !== undefined) set.dnsPublishFixedIp = input.dnsPublishFixedIp;
    tx.update(netSubnets)
      .set({ ...set, revision: cur.revision + 1, updatedAt: Math.max(now, cur.updatedAt) })
      .where(eq(netSubnets.id, id))
      .run();
    if (set.enableDhcp === true && !cur.enableDhcp) {
      ensureDhcpAddress(nc, tx, visibleNetwork(nc, ctx, cur.networkId), tx.select().from(netSubnets).where(eq(netSubnets.id, id)).get()!);
    } else if (set.enableDhcp === false && cur.enableDhcp) releaseDhcpAddress(nc, tx, cur.networkId, id);
    enqueueDhcp(nc, tx, cur.networkId);
    return loadSubnet(tx, id);
  });
}

/** Deletes a subnet; 409 SubnetInUse while a port other than DHCP holds one of its addresses. */
export function deleteSubnet(nc: NetCtx, ctx: RequestContext, id: string): void {
  const row = visibleSubnet(nc, ctx, id);
  if (!owns(ctx, row.projectId)) throw errors.forbidden('rule:delete_subnet is disallowed by policy', { reason: 'policy' });
  nc.db.transaction((tx) => {
    const used = tx
      .select({ portId: netIpAllocations.portId })
      .from(netIpAllocations)
      .innerJoin(netPorts, eq(netPorts.id, netIpAllocations.portId))
      .where(and(eq(netIpAllocations.subnetId, id), ne(netPorts.deviceOwner, 'network:dhcp')))
      .limit(1)
      .get();
    if (used) throw conflict('subnet', 'SubnetInUse', `Unable to complete operation on subnet ${id}: One or more ports have an IP allocation from this subnet.`);
    tx.delete(netSubnets).where(eq(netSubnets.id, id)).run();
    deleteTags(tx, 'subnets', id);
    enqueueDhcp(nc, tx, row.networkId);
  });
}
