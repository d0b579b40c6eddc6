// IPAM and MAC allocation inside the port's transaction: requested or next free addresses from allocation pools, EUI-64 for SLAAC subnets, unique MACs in the configured base.
import { randomBytes } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import { netIpAllocations, netPorts, netSubnets } from '../db/schema/network.js';
import type { DbOrTx } from '../jobs/outbox.js';
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
export function allocateMac(nc: NetCtx, tx: DbOrTx, networkId: string, requested?: string): string {
  const taken = (mac: string) => !!tx.select({ id: netPorts.id }).from(netPorts).where(and(eq(netPorts.networkId, networkId), eq(netPorts.macAddress, mac))).get();
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
function usedAddresses(tx: DbOrTx, subnetId: string): Set<string> {
  return new Set(
    tx
      .select({ ip: netIpAllocations.ipAddress })
      .from(netIpAllocations)
      .where(eq(netIpAllocations.subnetId, subnetId))
      .all()
      .map((r) => r.ip),
  );
}

/** The first free address of the subnet's pools, or undefined when they are exhausted. */
function nextFree(s: SubnetRow, used: Set<string>): string | undefined {
  const v = s.ipVersion as 4 | 6;
  for (const p of s.allocationPools) {
    const start = parseAddr(p.start)!.value;
    const end = parseAddr(p.end)!.value;
    for (let a = start; a <= end; a++) {
      const text = formatAddr(v, a);
      if (!used.has(text)) return text;
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
  tx: DbOrTx,
  args: { networkId: string; portId: string; mac: string; deviceOwner: string; requests: FixedIpRequest[] | undefined; startPosition?: number },
): FixedIp[] {
  const subnets = tx.select().from(netSubnets).where(eq(netSubnets.networkId, args.networkId)).orderBy(asc(netSubnets.createdAt), asc(netSubnets.id)).all();
  const out: FixedIp[] = [];
  const usedBy = new Map<string, Set<string>>();
  const used = (s: SubnetRow) => {
    let u = usedBy.get(s.id);
    if (!u) usedBy.set(s.id, (u = usedAddresses(tx, s.id)));
    return u;
  };
  const exhausted = () => conflict('port', 'IpAddressGenerationFailure', `No more IP addresses available on network ${args.networkId}.`);
  const take = (s: SubnetRow, ip: string) => {
    used(s).add(ip);
    out.push({ subnetId: s.id, ipAddress: ip });
  };
  const slaacAddr = (s: SubnetRow) => formatAddr(6, eui64(parseCidr(s.cidr)!, args.mac));
  if (args.requests === undefined) {
    const v4 = subnets.filter((s) => s.ipVersion === 4);
    if (v4.length) {
      const s = v4.find((x) => nextFree(x, used(x)) !== undefined);
      if (!s) throw exhausted();
      take(s, nextFree(s, used(s))!);
    }
    const stateful = subnets.find((s) => s.ipVersion === 6 && !isAutoAddress(s));
    if (stateful) {
      const ip = nextFree(stateful, used(stateful));
      if (!ip) throw exhausted();
      take(stateful, ip);
    }
    // Router interfaces take an address on auto-address subnets only when asked for one.
    if (!ROUTER_INTERFACE_OWNERS.has(args.deviceOwner)) {
      for (const s of subnets.filter(isAutoAddress)) {
        const ip = slaacAddr(s);
        if (used(s).has(ip)) throw conflict('port', 'IpAddressAlreadyAllocated', `IP address ${ip} already allocated in subnet ${s.id}`);
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
        if (used(subnet).has(ip)) throw conflict('port', 'IpAddressAlreadyAllocated', `IP address ${ip} already allocated in subnet ${subnet.id}`);
        take(subnet, ip);
        continue;
      }
      if (!subnet) throw badRequest('Invalid input for fixed_ips. Reason: each entry needs a subnet_id or an ip_address.', 'HTTPBadRequest');
      if (isAutoAddress(subnet) && !ROUTER_INTERFACE_OWNERS.has(args.deviceOwner)) {
        const ip = slaacAddr(subnet);
        if (used(subnet).has(ip)) throw conflict('port', 'IpAddressAlreadyAllocated', `IP address ${ip} already allocated in subnet ${subnet.id}`);
        take(subnet, ip);
        continue;
      }
      const ip = ROUTER_INTERFACE_OWNERS.has(args.deviceOwner) && subnet.gatewayIp && !used(subnet).has(subnet.gatewayIp) ? subnet.gatewayIp : nextFree(subnet, used(subnet));
      if (!ip) throw exhausted();
      take(subnet, ip);
    }
  }
  const start = args.startPosition ?? 0;
  out.forEach((f, i) => {
    tx.insert(netIpAllocations).values({ subnetId: f.subnetId, ipAddress: f.ipAddress, portId: args.portId, networkId: args.networkId, position: start + i }).run();
  });
  return out;
}
