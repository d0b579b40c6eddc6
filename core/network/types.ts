// The network model as the service hands it out (networks, subnets, ports, security groups, routers, floating IPs...) and the inputs it takes.
import type { PoolRange, RouteEntry } from '../db/schema/network.js';

export type { PoolRange, RouteEntry } from '../db/schema/network.js';

/** Attributes every resource carries (Neutron's standard-attr and revision). */
export interface StandardAttrs {
  id: string;
  projectId: string;
  name: string;
  description: string;
  tags: string[];
  revisionNumber: number;
  createdAt: number;
  updatedAt: number;
}

export interface Network extends StandardAttrs {
  ec2Id: string;
  adminStateUp: boolean;
  status: string;
  shared: boolean;
  external: boolean;
  isDefault: boolean;
  mtu: number;
  networkType: string;
  physicalNetwork: string | null;
  segmentationId: number | null;
  portSecurityEnabled: boolean;
  dnsDomain: string;
  availabilityZoneHints: string[];
  availabilityZones: string[];
  subnets: string[];
}

export interface Subnet extends StandardAttrs {
  ec2Id: string;
  networkId: string;
  ipVersion: 4 | 6;
  cidr: string;
  gatewayIp: string | null;
  enableDhcp: boolean;
  allocationPools: PoolRange[];
  dnsNameservers: string[];
  hostRoutes: RouteEntry[];
  ipv6RaMode: string | null;
  ipv6AddressMode: string | null;
  subnetpoolId: string | null;
  segmentId: string | null;
  serviceTypes: string[];
  dnsPublishFixedIp: boolean;
}

export interface FixedIp {
  subnetId: string;
  ipAddress: string;
}

export interface Port extends StandardAttrs {
  ec2Id: string;
  networkId: string;
  adminStateUp: boolean;
  status: string;
  macAddress: string;
  fixedIps: FixedIp[];
  deviceId: string;
  deviceOwner: string;
  securityGroups: string[];
  portSecurityEnabled: boolean;
  allowedAddressPairs: Array<{ ipAddress: string; macAddress: string }>;
  extraDhcpOpts: Array<{ optName: string; optValue: string; ipVersion: number }>;
  dnsName: string;
  /** Binding (admin-only on the wire). */
  hostId: string;
  vnicType: string;
  vifType: string;
  vifDetails: Record<string, unknown>;
  bindingProfile: Record<string, unknown>;
}

export interface SecurityGroupRule {
  id: string;
  projectId: string;
  securityGroupId: string;
  direction: 'ingress' | 'egress';
  ethertype: 'IPv4' | 'IPv6';
  protocol: string | null;
  portRangeMin: number | null;
  portRangeMax: number | null;
  remoteIpPrefix: string | null;
  remoteGroupId: string | null;
  remoteAddressGroupId: string | null;
  normalizedCidr: string | null;
  description: string;
  revisionNumber: number;
  createdAt: number;
  updatedAt: number;
}

export interface SecurityGroup extends StandardAttrs {
  ec2Id: string;
  stateful: boolean;
  isDefault: boolean;
  rules: SecurityGroupRule[];
}

export interface ExternalGatewayInfo {
  networkId: string;
  enableSnat: boolean;
  externalFixedIps: FixedIp[];
}

export interface Router extends StandardAttrs {
  ec2Id: string;
  igwEc2Id: string;
  adminStateUp: boolean;
  status: string;
  externalGatewayInfo: ExternalGatewayInfo | null;
  routes: RouteEntry[];
  distributed: boolean;
  ha: boolean;
  availabilityZoneHints: string[];
  availabilityZones: string[];
}

export interface RouterInterfaceInfo {
  id: string;
  projectId: string;
  subnetId: string;
  subnetIds: string[];
  portId: string;
  networkId: string;
  tags: string[];
}

export interface FloatingIp extends StandardAttrs {
  ec2Id: string;
  floatingNetworkId: string;
  floatingIpAddress: string;
  portId: string | null;
  fixedIpAddress: string | null;
  routerId: string | null;
  status: string;
  dnsName: string;
  dnsDomain: string;
  portDetails: { name: string; networkId: string; macAddress: string; adminStateUp: boolean; status: string; deviceId: string; deviceOwner: string } | null;
}

export interface SubnetPool extends StandardAttrs {
  ipVersion: 4 | 6;
  prefixes: string[];
  defaultPrefixlen: number;
  minPrefixlen: number;
  maxPrefixlen: number;
  shared: boolean;
  isDefault: boolean;
  addressScopeId: string | null;
  defaultQuota: number | null;
}

export interface AddressScope extends StandardAttrs {
  ipVersion: 4 | 6;
  shared: boolean;
}

export interface Agent {
  id: string;
  agentType: string;
  binary: string;
  host: string;
  topic: string;
  availabilityZone: string | null;
  adminStateUp: boolean;
  alive: boolean;
  description: string | null;
  configurations: Record<string, unknown>;
  startedAt: number;
  heartbeatAt: number;
  createdAt: number;
}

/** A network availability zone (Neutron's `/availability_zones`). */
export interface AvailabilityZone {
  name: string;
  resource: 'network' | 'router';
  state: 'available' | 'unavailable';
}

/** Quota resources Neutron knows, and their defaults. */
export const QUOTA_RESOURCES = ['network', 'subnet', 'port', 'router', 'floatingip', 'security_group', 'security_group_rule', 'subnetpool', 'rbac_policy'] as const;
export type QuotaResource = (typeof QUOTA_RESOURCES)[number];
export type Quotas = Record<QuotaResource, number>;

/** Neutron's defaults (`[quotas]` in neutron.conf). */
export const DEFAULT_QUOTAS: Quotas = {
  network: 100,
  subnet: 100,
  port: 500,
  router: 10,
  floatingip: 50,
  security_group: 10,
  security_group_rule: 100,
  subnetpool: -1,
  rbac_policy: 10,
};

export interface QuotaDetail {
  limit: number;
  used: number;
  reserved: number;
}

// Inputs. `undefined` means "not given" (defaults apply on create, no change on update).

/** A requested fixed IP: an address, a subnet, or both. */
export interface FixedIpRequest {
  subnetId?: string;
  ipAddress?: string;
}

export interface CreateNetworkInput {
  projectId?: string;
  name?: string;
  description?: string;
  adminStateUp?: boolean;
  shared?: boolean;
  external?: boolean;
  isDefault?: boolean;
  mtu?: number;
  networkType?: string;
  physicalNetwork?: string | null;
  segmentationId?: number | null;
  portSecurityEnabled?: boolean;
  dnsDomain?: string;
  availabilityZoneHints?: string[];
  tags?: string[];
}
export type UpdateNetworkInput = Omit<CreateNetworkInput, 'projectId' | 'networkType' | 'physicalNetwork' | 'segmentationId' | 'availabilityZoneHints' | 'tags'>;

export interface CreateSubnetInput {
  projectId?: string;
  networkId: string;
  name?: string;
  description?: string;
  ipVersion?: number;
  /** Absent with a subnet pool (carved from it). */
  cidr?: string;
  /** `null`: no gateway; absent: the first address. */
  gatewayIp?: string | null;
  enableDhcp?: boolean;
  allocationPools?: PoolRange[];
  dnsNameservers?: string[];
  hostRoutes?: RouteEntry[];
  ipv6RaMode?: string | null;
  ipv6AddressMode?: string | null;
  subnetpoolId?: string | null;
  /** With a pool: the prefix length to carve. */
  prefixlen?: number;
  /** `use_default_subnetpool`. */
  useDefaultSubnetpool?: boolean;
  serviceTypes?: string[];
  segmentId?: string | null;
  dnsPublishFixedIp?: boolean;
  tags?: string[];
}
export interface UpdateSubnetInput {
  name?: string;
  description?: string;
  gatewayIp?: string | null;
  enableDhcp?: boolean;
  allocationPools?: PoolRange[];
  dnsNameservers?: string[];
  hostRoutes?: RouteEntry[];
  serviceTypes?: string[];
  dnsPublishFixedIp?: boolean;
}

export interface CreatePortInput {
  projectId?: string;
  networkId: string;
  name?: string;
  description?: string;
  adminStateUp?: boolean;
  macAddress?: string;
  /** Absent: one address from each IPv4 subnet (and SLAAC/DHCPv6 IPv6 subnets); `[]`: none. */
  fixedIps?: FixedIpRequest[];
  deviceId?: string;
  deviceOwner?: string;
  /** Absent: the project's default group (created on first use). */
  securityGroups?: string[];
  portSecurityEnabled?: boolean;
  allowedAddressPairs?: Array<{ ipAddress: string; macAddress?: string }>;
  extraDhcpOpts?: Array<{ optName: string; optValue: string; ipVersion?: number }>;
  dnsName?: string;
  hostId?: string;
  vnicType?: string;
  bindingProfile?: Record<string, unknown>;
  tags?: string[];
}
export type UpdatePortInput = Omit<CreatePortInput, 'projectId' | 'networkId' | 'tags'>;

export interface CreateSecurityGroupInput {
  projectId?: string;
  name?: string;
  description?: string;
  stateful?: boolean;
  tags?: string[];
}
export type UpdateSecurityGroupInput = Omit<CreateSecurityGroupInput, 'projectId' | 'tags'>;

export interface CreateSecurityGroupRuleInput {
  projectId?: string;
  securityGroupId: string;
  direction: string;
  ethertype?: string;
  protocol?: string | number | null;
  portRangeMin?: number | null;
  portRangeMax?: number | null;
  remoteIpPrefix?: string | null;
  remoteGroupId?: string | null;
  remoteAddressGroupId?: string | null;
  description?: string;
}

export interface CreateRouterInput {
  projectId?: string;
  name?: string;
  description?: string;
  adminStateUp?: boolean;
  externalGatewayInfo?: { networkId: string; enableSnat?: boolean; externalFixedIps?: FixedIpRequest[] } | null;
  distributed?: boolean;
  ha?: boolean;
  availabilityZoneHints?: string[];
  tags?: string[];
}
export interface UpdateRouterInput {
  name?: string;
  description?: string;
  adminStateUp?: boolean;
  externalGatewayInfo?: { networkId: string; enableSnat?: boolean; externalFixedIps?: FixedIpRequest[] } | null;
  routes?: RouteEntry[];
  distributed?: boolean;
  ha?: boolean;
}

export interface CreateFloatingIpInput {
  projectId?: string;
  floatingNetworkId: string;
  floatingIpAddress?: string;
  subnetId?: string;
  portId?: string | null;
  fixedIpAddress?: string | null;
  description?: string;
  dnsName?: string;
  dnsDomain?: string;
  tags?: string[];
}
export interface UpdateFloatingIpInput {
  portId?: string | null;
  fixedIpAddress?: string | null;
  description?: string;
}

export interface CreateSubnetPoolInput {
  projectId?: string;
  name?: string;
  description?: string;
  prefixes: string[];
  defaultPrefixlen?: number;
  minPrefixlen?: number;
  maxPrefixlen?: number;
  shared?: boolean;
  isDefault?: boolean;
  addressScopeId?: string | null;
  defaultQuota?: number | null;
  tags?: string[];
}
export type UpdateSubnetPoolInput = Omit<CreateSubnetPoolInput, 'projectId' | 'shared' | 'tags' | 'prefixes'> & { prefixes?: string[] };

export interface CreateAddressScopeInput {
  projectId?: string;
  name: string;
  ipVersion: number;
  shared?: boolean;
}

/** What lists can be narrowed by in SQL; the face applies every other attribute filter. */
export interface ListScope {
  ids?: string[];
  projectId?: string;
  networkId?: string;
  deviceId?: string;
}

/** Resource types that carry tags (the `/tags` sub-resource's collection names). */
export const TAGGABLE = ['networks', 'subnets', 'ports', 'routers', 'floatingips', 'security_groups', 'subnetpools', 'address_scopes'] as const;
export type Taggable = (typeof TAGGABLE)[number];
