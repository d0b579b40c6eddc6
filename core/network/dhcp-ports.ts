// The DHCP port of a network: made with its first DHCP-enabled subnet and given an address on each further one, as Neutron's DHCP agent does through the plugin.
import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import { netIpAllocations, netPorts, type netSubnets } from '../db/schema/network.js';
import type { DbOrTx } from '../jobs/outbox.js';
import type { NetCtx, NetworkRow } from './context.js';
import { allocateFixedIps, ipamFreed, isAutoAddress } from './ipam.js';
import { DHCP, createPortInTx } from './ports.js';

type SubnetRow = typeof netSubnets.$inferSelect;

const SERVICE: RequestContext = { requestId: 'network-dhcp' };

/** RFC 4122 name-based (SHA-1, version 5) UUID of `name` in the DNS namespace, as Python's `uuid.uuid5(uuid.NAMESPACE_DNS, name)`. */
function uuid5Dns(name: string): string {
  const ns = Buffer.from('6ba7b8109dad11d180b400c04fd430c8', 'hex');
  const h = createHash('sha1').update(ns).update(name).digest().subarray(0, 16);
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** The DHCP port's device id: Neutron's `dhcp<uuid5(host)>-<network id>`. */
export function dhcpDeviceId(host: string, networkId: string): string {
  return `dhcp${uuid5Dns(host)}-${networkId}`;
}

/**
 * Gives the network's DHCP port (bound to the DHCP agent's host, the network host) an address on
 * `subnet`, creating the port on the network's first DHCP-enabled subnet. It takes the first free
 * address of the pools (the EUI-64 one on SLAAC subnets). A subnet without pools gets none: the
 * agent cannot serve it, and the subnet is still made. Inside the subnet's transaction.
 */
export function ensureDhcpAddress(nc: NetCtx, tx: DbOrTx, net: NetworkRow, subnet: SubnetRow): void {
  if (!subnet.enableDhcp || (!isAutoAddress(subnet) && subnet.allocationPools.length === 0)) return;
  const port = tx
    .select()
    .from(netPorts)
    .where(and(eq(netPorts.networkId, net.id), eq(netPorts.deviceOwner, DHCP)))
    .get();
  if (!port) {
    const host = nc.settings.networkHost;
    createPortInTx(nc, tx, SERVICE, net, { networkId: net.id, projectId: net.projectId, deviceId: dhcpDeviceId(host, net.id), deviceOwner: DHCP, fixedIps: [{ subnetId: subnet.id }], hostId: host }, { asService: true });
    return;
  }
  const held = tx.select({ subnetId: netIpAllocations.subnetId, position: netIpAllocations.position }).from(netIpAllocations).where(eq(netIpAllocations.portId, port.id)).all();
  if (held.some((a) => a.subnetId === subnet.id)) return;
  const next = held.reduce((m, a) => Math.max(m, a.position + 1), 0);
  allocateFixedIps(nc, { networkId: net.id, portId: port.id, mac: port.macAddress, deviceOwner: DHCP, requests: [{ subnetId: subnet.id }], startPosition: next });
  tx.update(netPorts).set({ revision: port.revision + 1, updatedAt: Math.max(nc.now(), port.updatedAt) }).where(eq(netPorts.id, port.id)).run();
}

/** Takes the DHCP port's address on `subnetId` back (DHCP disabled on the subnet); the port stays. */
export function releaseDhcpAddress(nc: NetCtx, tx: DbOrTx, networkId: string, subnetId: string): void {
  const port = tx
    .select()
    .from(netPorts)
    .where(and(eq(netPorts.networkId, networkId), eq(netPorts.deviceOwner, DHCP)))
    .get();
  if (!port) return;
  const gone = tx.delete(netIpAllocations).where(and(eq(netIpAllocations.portId, port.id), eq(netIpAllocations.subnetId, subnetId))).run();
  if (!gone.changes) return;
  ipamFreed(nc);
  tx.update(netPorts).set({ revision: port.revision + 1, updatedAt: Math.max(nc.now(), port.updatedAt) }).where(eq(netPorts.id, port.id)).run();
}
