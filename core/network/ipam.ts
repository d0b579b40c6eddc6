// IPAM and MAC allocation inside the port's transaction: requested or next free addresses from allocation pools, EUI-64 for SLAAC subnets, unique MACs in the configured base.
import { randomBytes, randomInt } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { netIpAllocations, type netSubnets } from '../db/schema/network.js';
import { canonicalMac, cidrContains, eui64, formatAddr, isUnusableMac, parseAddr, parseCidr } from './addresses.js';
import { badRequest, conflict, type NetCtx } from './context.js';
import type { FixedIp, FixedIpRequest } from './types.js';

type SubnetRow = typeof netSubnets.$inferSelect;

/** True when addresses on the subnet are derived from the MAC (SLAAC or DHCPv6-stateless), not allocated. */
export const isAutoAddress = (s: SubnetRow) => s.ipVersion === 6 && (s.ipv6AddressMode === 'slaac' || s.ipv6AddressMode === 'dhcpv6-stateless');

/** Ports that take the subnet's gateway address (router interfaces). */
const ROUTER_INTERFACE_OWNERS = new Set(['network:router_interface', 'network:router_interface_distributed', 'network:ha_router_replicated_interface']);

/**
 * A MAC for a new port on `networkId`: the requested one (canonical; 400 when unusable, 409
 * MacAddressInUse when the network has it), or a random one in the configured base not yet on the network.
 */
export function allocateMac(nc: NetCtx, networkId: string, requested?: string): string {
  const taken = (mac: string) => nc.stmts.macTaken(networkId, mac);
  if (requested !== undefined) {
    const mac = canonicalMac(requested);
    if (!mac || isUnusableMac(mac)) throw badRequest(`Invalid input for mac_address. Reason: '${requested}' is not a valid MAC address.`, 'HTTPBadRequest');
    if (taken(mac)) throw conflict('port', 'MacAddressInUse', `Unable to complete operation for network ${networkId}. The mac address ${mac} is in use.`);
    return mac;
  }
  for (let i = 0; i < 16; i++) {
    const tail = [...randomBytes(3)].map((b) => b.toString(16).padStart(2, '0')).join(':');
    const mac = `${nc.settings.macBase}:${tail}`;
    if (!taken(mac)) return mac;
  }
  throw conflict('port', 'MacAddressGenerationFailure', `Unable to generate unique mac on network ${networkId}.`);
}

/** Addresses of `subnet` already handed out. */
function usedAddresses(nc: NetCtx, subnetId: string): Set<string> {
  return new Set(
    nc.db
      .select({ ip: netIpAllocations.ipAddress })
      .from(netIpAllocations)
      .where(eq(netIpAllocations.subnetId, subnetId))
      .all()
      .map((r) => r.ip),
  );
}

/** An open transaction on the service's database. */
type Tx = Parameters<Parameters<NetCtx['db']['transaction']>[0]>[0];

/**
 * `nc.db.transaction(fn)` for changes that allocate addresses: when it fails, the search hints it moved
 * may point past addresses its rollback freed (a bulk create takes several from one subnet), so all are
 * dropped and the next allocation scans again.
 */
export function ipamTransaction<T>(nc: NetCtx, fn: (tx: Tx) => T): T {
  try {
    return nc.db.transaction(fn);
  } catch (error) {
    nc.ipamHints.clear();
    throw error;
  }
}

/**
 * Records that an allocation was freed (a port deleted, its fixed IPs changed), in the freeing
 * transaction: every process's search hints are dropped. A random value, not a counter, so that a
 * rolled-back change can never leave a value a later change would bring back.
 */
export function ipamFreed(nc: NetCtx): void {
  const cur = nc.stmts.ipamGeneration();
  let gen = cur;
  while (gen === cur) gen = randomInt(1, 2 ** 47);
  nc.stmts.setIpamGeneration(gen);
}

/**
 * The first free address of the subnet's pools (undefined when they are exhausted), as a scan from the
 * pools' start would find it. A scan reads every allocation of the subnet, so it runs only when the
 * subnet has no valid hint; otherwise the search starts where the last one ended and probes a few
 * addresses by primary key. The hint is the address handed out, not the one after, so a creating
 * transaction that rolls back leaves it pointing at a free address, and stays exact.
 */
function findFreeAddress(nc: NetCtx, s: SubnetRow, isUsed: (ip: string) => boolean, generation: () => number): string | undefined {
  const v = s.ipVersion as 4 | 6;
  const pools = s.allocationPools.map((p) => ({ start: parseAddr(p.start)!.value, end: parseAddr(p.end)!.value }));
  const key = JSON.stringify(s.allocationPools);
  const gen = generation();
  const remember = (pool: number, value: bigint, text: string) => {
    nc.ipamHints.set(s.id, { pools: key, generation: gen, pool, value });
    return text;
  };
  const hint = nc.ipamHints.get(s.id);
  if (hint && hint.pools === key && hint.generation === gen) {
    let probes = 0;
    for (let i = hint.pool; i < pools.length && probes < 64; i++) {
      const p = pools[i]!;
      for (let a = i === hint.pool && hint.value > p.start ? hint.value : p.start; a <= p.end && probes < 64; a++, probes++) {
        const text = formatAddr(v, a);
        if (!isUsed(text)) return remember(i, a, text);
      }
      if (i === pools.length - 1 && probes < 64) return undefined;
    }
  }
  const used = usedAddresses(nc, s.id);
  for (let i = 0; i < pools.length; i++) {
    const p = pools[i]!;
    for (let a = p.start; a <= p.end; a++) {
      const text = formatAddr(v, a);
      if (!used.has(text) && !isUsed(text)) return remember(i, a, text);
    }
  }
  return undefined;
}

/**
 * Allocates the port's fixed IPs and writes them, inside the creating transaction (which runs alone, and
 * the allocation's primary key backs it: no address is handed out twice). Without `requests`: one
 * address from the first IPv4 subnet with room, one from the first stateful IPv6 subnet, and the EUI-64
 * address on every SLAAC/stateless subnet. With requests: each names an address, a subnet, or both.
 */
export function allocateFixedIps(
  nc: NetCtx,
  args: { networkId: string; portId: string; mac: string; deviceOwner: string; requests: FixedIpRequest[] | undefined; startPosition?: number },
): FixedIp[] {
  const subnets = nc.stmts.subnetsOfNetwork(args.networkId);
  const out: FixedIp[] = [];
  // Addresses taken by this call, not yet written: the rest is asked of the database, one key at a time.
  const takenBy = new Map<string, Set<string>>();
  const isUsedOn = (s: SubnetRow) => (ip: string) => !!takenBy.get(s.id)?.has(ip) || nc.stmts.addressUsed(s.id, ip);
  let gen: number | undefined;
  const generation = () => (gen ??= nc.stmts.ipamGeneration());
  const nextFree = (s: SubnetRow) => findFreeAddress(nc, s, isUsedOn(s), generation);
  const exhausted = () => conflict('port', 'IpAddressGenerationFailure', `No more IP addresses available on network ${args.networkId}.`);
  const take = (s: SubnetRow, ip: string) => {
    let t = takenBy.get(s.id);
    if (!t) takenBy.set(s.id, (t = new Set()));
    t.add(ip);
    out.push({ subnetId: s.id, ipAddress: ip });
  };
  const slaacAddr = (s: SubnetRow) => formatAddr(6, eui64(parseCidr(s.cidr)!, args.mac));
  if (args.requests === undefined) {
    const v4 = subnets.filter((s) => s.ipVersion === 4);
    if (v4.length) {
      let found = false;
      for (const s of v4) {
        const ip = nextFree(s);
        if (ip === undefined) continue;
        take(s, ip);
        found = true;
        break;
      }
      if (!found) throw exhausted();
    }
    const stateful = subnets.find((s) => s.ipVersion === 6 && !isAutoAddress(s));
    if (stateful) {
      const ip = nextFree(stateful);
      if (!ip) throw exhausted();
      take(stateful, ip);
    }
    // Router interfaces take an address on auto-address subnets only when asked for one.
    if (!ROUTER_INTERFACE_OWNERS.has(args.deviceOwner)) {
      for (const s of subnets.filter(isAutoAddress)) {
        const ip = slaacAddr(s);
        if (isUsedOn(s)(ip)) throw conflict('port', 'IpAddressAlreadyAllocated', `IP address ${ip} already allocated in subnet ${s.id}`);
        take(s, ip);
      }
    }
  } else {
    for (const r of args.requests) {
      let subnet: SubnetRow | undefined;
      if (r.subnetId !== undefined) {
        subnet = subnets.find((s) => s.id === r.subnetId);
        if (!subnet) throw badRequest(`Invalid input for operation: Failed to create port on network ${args.networkId}, because fixed_ips included invalid subnet ${r.subnetId}.`, 'InvalidInput');
      }
      if (r.ipAddress !== undefined) {
        const a = parseAddr(r.ipAddress);
        if (!a) throw badRequest(`Invalid input for fixed_ips. Reason: '${r.ipAddress}' is not a valid IP address.`, 'HTTPBadRequest');
        const ip = formatAddr(a.version, a.value);
        if (subnet) {
          if (!cidrContains(parseCidr(subnet.cidr)!, a.version, a.value)) throw badRequest(`IP address ${ip} is not a valid IP for the specified subnet.`, 'InvalidIpForSubnet');
        } else {
          subnet = subnets.find((s) => cidrContains(parseCidr(s.cidr)!, a.version, a.value));
          if (!subnet) throw badRequest(`IP address ${ip} is not a valid IP for any of the subnets on the specified network.`, 'InvalidIpForNetwork');
        }
        const c = parseCidr(subnet.cidr)!;
        if (a.value === c.network && !(c.version === 4 && c.prefixLen >= 31)) throw badRequest(`IP address ${ip} is not a valid IP for the specified subnet.`, 'InvalidIpForSubnet');
        if (c.version === 4 && c.prefixLen < 31 && a.value === (c.network | ((1n << BigInt(32 - c.prefixLen)) - 1n))) {
          throw badRequest(`IP address ${ip} is not a valid IP for the specified subnet.`, 'InvalidIpForSubnet');
        }
        if (isAutoAddress(subnet) && !ROUTER_INTERFACE_OWNERS.has(args.deviceOwner) && ip !== slaacAddr(subnet)) {
          throw badRequest(`Invalid input for operation: IPv6 address ${ip} cannot be directly assigned to a port on subnet ${subnet.id} as the subnet is configured for automatic addresses.`, 'InvalidInput');
        }
        if (isUsedOn(subnet)(ip)) throw conflict('port', 'IpAddressAlreadyAllocated', `IP address ${ip} already allocated in subnet ${subnet.id}`);
        take(subnet, ip);
        continue;
      }
      if (!subnet) throw badRequest('Invalid input for fixed_ips. Reason: each entry needs a subnet_id or an ip_address.', 'HTTPBadRequest');
      if (isAutoAddress(subnet) && !ROUTER_INTERFACE_OWNERS.has(args.deviceOwner)) {
        const ip = slaacAddr(subnet);
        if (isUsedOn(subnet)(ip)) throw conflict('port', 'IpAddressAlreadyAllocated', `IP address ${ip} already allocated in subnet ${subnet.id}`);
        take(subnet, ip);
        continue;
      }
      const ip = ROUTER_INTERFACE_OWNERS.has(args.deviceOwner) && subnet.gatewayIp && !isUsedOn(subnet)(subnet.gatewayIp) ? subnet.gatewayIp : nextFree(subnet);
      if (!ip) throw exhausted();
      take(subnet, ip);
    }
  }
  const start = args.startPosition ?? 0;
  out.forEach((f, i) => nc.stmts.insertAllocation({ subnetId: f.subnetId, ip: f.ipAddress, portId: args.portId, networkId: args.networkId, position: start + i }));
  return out;
}
