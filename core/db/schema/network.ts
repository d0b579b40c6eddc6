// Drizzle schema for the network aggregate: networks, subnets, ports and their addresses, security groups, routers, floating IPs, pools, tags, quotas, agents.
import { sqliteTable, text, integer, primaryKey, uniqueIndex, index } from 'drizzle-orm/sqlite-core';

/** Milliseconds since the epoch; every timestamp in the model is stored this way. */
const ms = (name: string) => integer(name);
const bool = (name: string) => integer(name, { mode: 'boolean' });
const json = <T>(name: string) => text(name, { mode: 'json' }).$type<T>();

/** An address pool of a subnet (inclusive bounds, canonical text). */
export interface PoolRange {
  start: string;
  end: string;
}

/** A static route (subnet host route or router extra route). */
export interface RouteEntry {
  destination: string;
  nexthop: string;
}

/** One L2 network. `external` is `router:external`; `shared` makes it usable by every project. */
export const netNetworks = sqliteTable(
  'net_networks',
  {
    id: text('id').primaryKey(),
    /** EC2 id (`vpc-` + 17 hex), assigned at creation whichever API made the network. */
    ec2Id: text('ec2_id').notNull(),
    projectId: text('project_id').notNull(),
    name: text('name').notNull().default(''),
    description: text('description').notNull().default(''),
    adminStateUp: bool('admin_state_up').notNull().default(true),
    status: text('status').notNull(),
    shared: bool('shared').notNull().default(false),
    external: bool('external').notNull().default(false),
    /** The default external network (auto-allocated topology uses it). */
    isDefault: bool('is_default').notNull().default(false),
    mtu: integer('mtu').notNull(),
    networkType: text('network_type').notNull(),
    physicalNetwork: text('physical_network'),
    segmentationId: integer('segmentation_id'),
    /** `type:physnet:id` of a segmented network (null for flat/local): unique, so a segment belongs to one network. */
    segmentKey: text('segment_key'),
    portSecurityEnabled: bool('port_security_enabled').notNull().default(true),
    dnsDomain: text('dns_domain').notNull().default(''),
    azHints: json<string[]>('az_hints').notNull().default([]),
    revision: integer('revision').notNull().default(0),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('net_networks_ec2_id_uq').on(t.ec2Id),
    uniqueIndex('net_networks_segment_uq').on(t.segmentKey),
    index('net_networks_project_idx').on(t.projectId),
  ],
);

/** An IP subnet of a network; `allocationPools` are the ranges IPAM hands addresses out of. */
export const netSubnets = sqliteTable(
  'net_subnets',
  {
    id: text('id').primaryKey(),
    /** EC2 id (`subnet-` + 17 hex). */
    ec2Id: text('ec2_id').notNull(),
    networkId: text('network_id')
      .notNull()
      .references(() => netNetworks.id, { onDelete: 'cascade' }),
    projectId: text('project_id').notNull(),
    name: text('name').notNull().default(''),
    description: text('description').notNull().default(''),
    ipVersion: integer('ip_version').notNull(),
    cidr: text('cidr').notNull(),
    gatewayIp: text('gateway_ip'),
    enableDhcp: bool('enable_dhcp').notNull().default(true),
    allocationPools: json<PoolRange[]>('allocation_pools').notNull().default([]),
    dnsNameservers: json<string[]>('dns_nameservers').notNull().default([]),
    hostRoutes: json<RouteEntry[]>('host_routes').notNull().default([]),
    ipv6RaMode: text('ipv6_ra_mode'),
    ipv6AddressMode: text('ipv6_address_mode'),
    subnetpoolId: text('subnetpool_id'),
    segmentId: text('segment_id'),
    serviceTypes: json<string[]>('service_types').notNull().default([]),
    dnsPublishFixedIp: bool('dns_publish_fixed_ip').notNull().default(false),
    revision: integer('revision').notNull().default(0),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [uniqueIndex('net_subnets_ec2_id_uq').on(t.ec2Id), index('net_subnets_network_idx').on(t.networkId), index('net_subnets_project_idx').on(t.projectId)],
);

/** A port: a MAC and fixed addresses on a network, owned by a device (a server, a router, DHCP...), optionally bound to a host. */
export const netPorts = sqliteTable(
  'net_ports',
  {
    id: text('id').primaryKey(),
    /** EC2 id (`eni-` + 17 hex). */
    ec2Id: text('ec2_id').notNull(),
    networkId: text('network_id')
      .notNull()
      .references(() => netNetworks.id, { onDelete: 'cascade' }),
    /** Owner; '' for ports no project owns (router gateways, floating IP ports), as Neutron does. */
    projectId: text('project_id').notNull(),
    name: text('name').notNull().default(''),
    description: text('description').notNull().default(''),
    adminStateUp: bool('admin_state_up').notNull().default(true),
    /** DOWN until the host's L2 agent reports it plugged; ACTIVE then. */
    status: text('status').notNull(),
    macAddress: text('mac_address').notNull(),
    deviceId: text('device_id').notNull().default(''),
    deviceOwner: text('device_owner').notNull().default(''),
    hostId: text('host_id').notNull().default(''),
    vnicType: text('vnic_type').notNull().default('normal'),
    vifType: text('vif_type').notNull().default('unbound'),
    vifDetails: json<Record<string, unknown>>('vif_details').notNull().default({}),
    bindingProfile: json<Record<string, unknown>>('binding_profile').notNull().default({}),
    portSecurityEnabled: bool('port_security_enabled').notNull().default(true),
    allowedAddressPairs: json<Array<{ ipAddress: string; macAddress: string }>>('allowed_address_pairs').notNull().default([]),
    extraDhcpOpts: json<Array<{ optName: string; optValue: string; ipVersion: number }>>('extra_dhcp_opts').notNull().default([]),
    dnsName: text('dns_name').notNull().default(''),
    revision: integer('revision').notNull().default(0),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('net_ports_ec2_id_uq').on(t.ec2Id),
    // Neutron: a MAC is unique within its network.
    uniqueIndex('net_ports_network_mac_uq').on(t.networkId, t.macAddress),
    index('net_ports_device_idx').on(t.deviceId),
    index('net_ports_project_idx').on(t.projectId),
    index('net_ports_network_idx').on(t.networkId),
  ],
);

/**
 * One address handed out of a subnet. The primary key is the "no address twice" rule: two
 * concurrent allocations of the same address cannot both commit, on either database.
 */
export const netIpAllocations = sqliteTable(
  'net_ip_allocations',
  {
    subnetId: text('subnet_id')
      .notNull()
      .references(() => netSubnets.id, { onDelete: 'cascade' }),
    ipAddress: text('ip_address').notNull(),
    portId: text('port_id')
      .notNull()
      .references(() => netPorts.id, { onDelete: 'cascade' }),
    networkId: text('network_id').notNull(),
    /** Position of the address in the port's fixed_ips list. */
    position: integer('position').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.subnetId, t.ipAddress] }), index('net_ip_allocations_port_idx').on(t.portId)],
);

/** A security group. `defaultFor` holds the project id for the project's `default` group (null otherwise): one per project. */
export const netSecurityGroups = sqliteTable(
  'net_security_groups',
  {
    id: text('id').primaryKey(),
    /** EC2 id (`sg-` + 17 hex). */
    ec2Id: text('ec2_id').notNull(),
    projectId: text('project_id').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    stateful: bool('stateful').notNull().default(true),
    defaultFor: text('default_for'),
    revision: integer('revision').notNull().default(0),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [uniqueIndex('net_security_groups_ec2_id_uq').on(t.ec2Id), uniqueIndex('net_security_groups_default_uq').on(t.defaultFor), index('net_security_groups_project_idx').on(t.projectId)],
);

/** A security group rule (Neutron's model: direction, ethertype, protocol, port range, remote prefix xor remote group). */
export const netSecurityGroupRules = sqliteTable(
  'net_security_group_rules',
  {
    id: text('id').primaryKey(),
    securityGroupId: text('security_group_id')
      .notNull()
      .references(() => netSecurityGroups.id, { onDelete: 'cascade' }),
    projectId: text('project_id').notNull(),
    direction: text('direction').notNull(),
    ethertype: text('ethertype').notNull(),
    protocol: text('protocol'),
    portRangeMin: integer('port_range_min'),
    portRangeMax: integer('port_range_max'),
    remoteIpPrefix: text('remote_ip_prefix'),
    remoteGroupId: text('remote_group_id'),
    remoteAddressGroupId: text('remote_address_group_id'),
    description: text('description').notNull().default(''),
    revision: integer('revision').notNull().default(0),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [index('net_sg_rules_group_idx').on(t.securityGroupId), index('net_sg_rules_remote_group_idx').on(t.remoteGroupId)],
);

/** Which security groups a port is in. */
export const netPortSecurityGroups = sqliteTable(
  'net_port_security_groups',
  {
    portId: text('port_id')
      .notNull()
      .references(() => netPorts.id, { onDelete: 'cascade' }),
    securityGroupId: text('security_group_id')
      .notNull()
      .references(() => netSecurityGroups.id),
  },
  (t) => [primaryKey({ columns: [t.portId, t.securityGroupId] }), index('net_port_sgs_group_idx').on(t.securityGroupId)],
);

/** A router. Interfaces and the gateway are ports (device_owner network:router_interface / network:router_gateway). */
export const netRouters = sqliteTable(
  'net_routers',
  {
    id: text('id').primaryKey(),
    /** EC2 ids: the route table (`rtb-`) and the internet gateway (`igw-`) the router stands for. */
    ec2Id: text('ec2_id').notNull(),
    igwEc2Id: text('igw_ec2_id').notNull(),
    projectId: text('project_id').notNull(),
    name: text('name').notNull().default(''),
    description: text('description').notNull().default(''),
    adminStateUp: bool('admin_state_up').notNull().default(true),
    status: text('status').notNull(),
    gwNetworkId: text('gw_network_id'),
    enableSnat: bool('enable_snat').notNull().default(true),
    routes: json<RouteEntry[]>('routes').notNull().default([]),
    distributed: bool('distributed').notNull().default(false),
    ha: bool('ha').notNull().default(false),
    azHints: json<string[]>('az_hints').notNull().default([]),
    /** The host whose L3 agent serves the router. */
    l3Host: text('l3_host'),
    revision: integer('revision').notNull().default(0),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [uniqueIndex('net_routers_ec2_id_uq').on(t.ec2Id), uniqueIndex('net_routers_igw_ec2_id_uq').on(t.igwEc2Id), index('net_routers_project_idx').on(t.projectId)],
);

/** A floating IP: an address of an external network (held by a port of device_owner network:floatingip), optionally NATed to a fixed IP. */
export const netFloatingIps = sqliteTable(
  'net_floating_ips',
  {
    id: text('id').primaryKey(),
    /** EC2 id (`eipalloc-` + 17 hex). */
    ec2Id: text('ec2_id').notNull(),
    projectId: text('project_id').notNull(),
    floatingNetworkId: text('floating_network_id')
      .notNull()
      .references(() => netNetworks.id),
    floatingIpAddress: text('floating_ip_address').notNull(),
    floatingPortId: text('floating_port_id').notNull(),
    portId: text('port_id'),
    fixedIpAddress: text('fixed_ip_address'),
    routerId: text('router_id'),
    status: text('status').notNull(),
    description: text('description').notNull().default(''),
    dnsName: text('dns_name').notNull().default(''),
    dnsDomain: text('dns_domain').notNull().default(''),
    revision: integer('revision').notNull().default(0),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('net_floating_ips_ec2_id_uq').on(t.ec2Id),
    // One floating IP per fixed address (nulls, unassociated, are distinct).
    uniqueIndex('net_floating_ips_fixed_uq').on(t.portId, t.fixedIpAddress),
    index('net_floating_ips_project_idx').on(t.projectId),
  ],
);

/** A subnet pool: prefixes subnets are carved from. */
export const netSubnetPools = sqliteTable(
  'net_subnet_pools',
  {
    id: text('id').primaryKey(),
    projectId: text('project_id').notNull(),
    name: text('name').notNull().default(''),
    description: text('description').notNull().default(''),
    ipVersion: integer('ip_version').notNull(),
    prefixes: json<string[]>('prefixes').notNull().default([]),
    defaultPrefixlen: integer('default_prefixlen').notNull(),
    minPrefixlen: integer('min_prefixlen').notNull(),
    maxPrefixlen: integer('max_prefixlen').notNull(),
    shared: bool('shared').notNull().default(false),
    isDefault: bool('is_default').notNull().default(false),
    addressScopeId: text('address_scope_id'),
    defaultQuota: integer('default_quota'),
    revision: integer('revision').notNull().default(0),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [index('net_subnet_pools_project_idx').on(t.projectId)],
);

/** An address scope: subnet pools within one scope never overlap. */
export const netAddressScopes = sqliteTable(
  'net_address_scopes',
  {
    id: text('id').primaryKey(),
    projectId: text('project_id').notNull(),
    name: text('name').notNull(),
    ipVersion: integer('ip_version').notNull(),
    shared: bool('shared').notNull().default(false),
    revision: integer('revision').notNull().default(0),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [index('net_address_scopes_project_idx').on(t.projectId)],
);

/** Tags on every network resource (`/tags`), by resource type and id. */
export const netTags = sqliteTable(
  'net_tags',
  {
    resourceType: text('resource_type').notNull(),
    resourceId: text('resource_id').notNull(),
    tag: text('tag').notNull(),
  },
  (t) => [primaryKey({ columns: [t.resourceType, t.resourceId, t.tag] }), index('net_tags_resource_idx').on(t.resourceId)],
);

/** A project's quota limit for one resource (absent: the configured default). -1 is unlimited. */
export const netQuotas = sqliteTable(
  'net_quotas',
  {
    projectId: text('project_id').notNull(),
    resource: text('resource').notNull(),
    limit: integer('limit_value').notNull(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.resource] })],
);

/** A (simulated) network agent on a host; alive while its heartbeats are recent. */
export const netAgents = sqliteTable(
  'net_agents',
  {
    id: text('id').primaryKey(),
    agentType: text('agent_type').notNull(),
    binary: text('binary').notNull(),
    host: text('host').notNull(),
    topic: text('topic').notNull(),
    availabilityZone: text('availability_zone'),
    adminStateUp: bool('admin_state_up').notNull().default(true),
    description: text('description'),
    configurations: json<Record<string, unknown>>('configurations').notNull().default({}),
    startedAt: ms('started_at').notNull(),
    heartbeatAt: ms('heartbeat_at').notNull(),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [uniqueIndex('net_agents_type_host_uq').on(t.agentType, t.host)],
);

/** A project's auto-allocated topology (get-me-a-network): its network and router, made once. */
export const netAutoTopologies = sqliteTable('net_auto_topologies', {
  projectId: text('project_id').primaryKey(),
  networkId: text('network_id').notNull(),
  routerId: text('router_id'),
  createdAt: ms('created_at').notNull(),
});
