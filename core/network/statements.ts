// Prepared statements for the network service's per-request queries (port create and list): drizzle built and prepared each query on every call, which cost more than running it.
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { cacheGenerations } from '../db/schema/fleet.js';
import { netIpAllocations, netNetworks, netPortSecurityGroups, netPorts, netQuotas, netSecurityGroups, netSubnets, netTags } from '../db/schema/network.js';

/** The `cache_generations` row whose value moves whenever an IP allocation is freed (see `IpamHints`). */
export const IPAM_GENERATION = 'network-ipam';

/**
 * The hot queries, prepared once per connection. They run on the connection's open transaction when
 * called inside one (both databases give the service a single connection), so they serve plain reads
 * and the creating transaction alike.
 */
export function prepareNetworkStatements(db: Db) {
  const p = sql.placeholder;
  const networkById = db.select().from(netNetworks).where(eq(netNetworks.id, p('id'))).prepare();
  const portById = db.select().from(netPorts).where(eq(netPorts.id, p('id'))).prepare();
  const macOnNetwork = db
    .select({ id: netPorts.id })
    .from(netPorts)
    .where(and(eq(netPorts.networkId, p('networkId')), eq(netPorts.macAddress, p('mac'))))
    .limit(1)
    .prepare();
  const defaultGroup = db.select({ id: netSecurityGroups.id }).from(netSecurityGroups).where(eq(netSecurityGroups.defaultFor, p('projectId'))).prepare();
  const subnetsOfNetwork = db.select().from(netSubnets).where(eq(netSubnets.networkId, p('networkId'))).orderBy(asc(netSubnets.createdAt), asc(netSubnets.id)).prepare();
  const addressUsed = db
    .select({ portId: netIpAllocations.portId })
    .from(netIpAllocations)
    .where(and(eq(netIpAllocations.subnetId, p('subnetId')), eq(netIpAllocations.ipAddress, p('ip'))))
    .prepare();
  const ipamGeneration = db.select({ gen: cacheGenerations.gen }).from(cacheGenerations).where(eq(cacheGenerations.name, IPAM_GENERATION)).prepare();
  const setIpamGeneration = db
    .insert(cacheGenerations)
    .values({ name: IPAM_GENERATION, gen: p('gen') })
    .onConflictDoUpdate({ target: cacheGenerations.name, set: { gen: sql`excluded.gen` } })
    .prepare();
  const insertAllocation = db
    .insert(netIpAllocations)
    .values({ subnetId: p('subnetId'), ipAddress: p('ip'), portId: p('portId'), networkId: p('networkId'), position: p('position') })
    .prepare();
  const quotasOf = db.select().from(netQuotas).where(eq(netQuotas.projectId, p('projectId'))).prepare();
  const insertPort = db
    .insert(netPorts)
    .values({
      id: p('id'),
      ec2Id: p('ec2Id'),
      networkId: p('networkId'),
      projectId: p('projectId'),
      name: p('name'),
      description: p('description'),
      adminStateUp: p('adminStateUp'),
      status: p('status'),
      macAddress: p('macAddress'),
      deviceId: p('deviceId'),
      deviceOwner: p('deviceOwner'),
      hostId: p('hostId'),
      vnicType: p('vnicType'),
      vifType: p('vifType'),
      vifDetails: p('vifDetails'),
      bindingProfile: p('bindingProfile'),
      portSecurityEnabled: p('portSecurityEnabled'),
      allowedAddressPairs: p('allowedAddressPairs'),
      extraDhcpOpts: p('extraDhcpOpts'),
      dnsName: p('dnsName'),
      revision: p('revision'),
      createdAt: p('createdAt'),
      updatedAt: p('updatedAt'),
    })
    .prepare();
  const insertPortGroup = db.insert(netPortSecurityGroups).values({ portId: p('portId'), securityGroupId: p('groupId') }).prepare();
  const allocationsOfPort = db.select().from(netIpAllocations).where(eq(netIpAllocations.portId, p('portId'))).orderBy(asc(netIpAllocations.position)).prepare();
  const groupsOfPort = db.select().from(netPortSecurityGroups).where(eq(netPortSecurityGroups.portId, p('portId'))).prepare();
  const tagsOfPort = db
    .select()
    .from(netTags)
    .where(and(eq(netTags.resourceType, 'ports'), eq(netTags.resourceId, p('portId'))))
    .prepare();
  // A network's ports and what they carry, each in one query whatever the count (the list view's N+1 avoided).
  const portsOfNetwork = db.select().from(netPorts).where(eq(netPorts.networkId, p('networkId'))).orderBy(asc(netPorts.createdAt), asc(netPorts.id)).prepare();
  const allocationsOfNetwork = db
    .select({ portId: netIpAllocations.portId, subnetId: netIpAllocations.subnetId, ipAddress: netIpAllocations.ipAddress, position: netIpAllocations.position })
    .from(netIpAllocations)
    .innerJoin(netSubnets, eq(netSubnets.id, netIpAllocations.subnetId))
    .where(eq(netSubnets.networkId, p('networkId')))
    .orderBy(asc(netIpAllocations.position))
    .prepare();
  const groupsOfNetwork = db
    .select({ portId: netPortSecurityGroups.portId, securityGroupId: netPortSecurityGroups.securityGroupId })
    .from(netPortSecurityGroups)
    .innerJoin(netPorts, eq(netPorts.id, netPortSecurityGroups.portId))
    .where(eq(netPorts.networkId, p('networkId')))
    .prepare();
  const tagsOfNetworkPorts = db
    .select({ resourceId: netTags.resourceId, tag: netTags.tag })
    .from(netTags)
    .innerJoin(netPorts, eq(netPorts.id, netTags.resourceId))
    .where(and(eq(netTags.resourceType, 'ports'), eq(netPorts.networkId, p('networkId'))))
    .prepare();

  return {
    /** A project's stored quota overrides. */
    quotasOf: (projectId: string) => quotasOf.all({ projectId }),
    networkById: (id: string) => networkById.get({ id }),
    portById: (id: string) => portById.get({ id }),
    macTaken: (networkId: string, mac: string) => macOnNetwork.get({ networkId, mac }) !== undefined,
    defaultGroupId: (projectId: string) => defaultGroup.get({ projectId })?.id,
    subnetsOfNetwork: (networkId: string) => subnetsOfNetwork.all({ networkId }),
    addressUsed: (subnetId: string, ip: string) => addressUsed.get({ subnetId, ip }) !== undefined,
    /** The IPAM generation now (0 before any allocation was ever freed). */
    ipamGeneration: () => Number(ipamGeneration.get()?.gen ?? 0),
    setIpamGeneration: (gen: number) => void setIpamGeneration.run({ gen }),
    insertAllocation: (a: { subnetId: string; ip: string; portId: string; networkId: string; position: number }) => void insertAllocation.run(a),
    /** Inserts a port row; every column is given (the schema's defaults do not apply to placeholders). */
    insertPort: (row: Required<typeof netPorts.$inferInsert>) => void insertPort.run(row),
    insertPortGroup: (portId: string, groupId: string) => void insertPortGroup.run({ portId, groupId }),
    allocationsOfPort: (portId: string) => allocationsOfPort.all({ portId }),
    groupsOfPort: (portId: string) => groupsOfPort.all({ portId }),
    tagsOfPort: (portId: string) => tagsOfPort.all({ portId }),
    portsOfNetwork: (networkId: string) => portsOfNetwork.all({ networkId }),
    allocationsOfNetwork: (networkId: string) => allocationsOfNetwork.all({ networkId }),
    groupsOfNetwork: (networkId: string) => groupsOfNetwork.all({ networkId }),
    tagsOfNetworkPorts: (networkId: string) => tagsOfNetworkPorts.all({ networkId }),
  };
}

/** The prepared statements of one connection. */
export type NetworkStatements = ReturnType<typeof prepareNetworkStatements>;
