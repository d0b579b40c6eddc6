// Neutron wire shapes of the network model: networks, subnets, ports, security groups, routers, floating IPs, pools, scopes, agents, quotas.
import type {
  AddressScope,
  Agent,
  FloatingIp,
  Network,
  Port,
  QuotaDetail,
  Quotas,
  Router,
  RouterInterfaceInfo,
  SecurityGroup,
  SecurityGroupRule,
  StandardAttrs,
  Subnet,
  SubnetPool,
} from '../../../core/network/index.js';

/** Whether the caller sees admin-only attributes (`provider:*`, `binding:*` but vnic_type, router `distributed`/`ha`). */
export interface ViewOptions {
  admin: boolean;
}

export type Wire = Record<string, unknown>;

/** Neutron's timestamp form: `2024-05-01T10:11:12Z` (seconds, UTC). */
export const isoSeconds = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;
/** The agents API's form: `2024-05-01 10:11:12`. */
const agentTime = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, '');

function standard(r: StandardAttrs): Wire {
  return {
    id: r.id,
    name: r.name,
    tenant_id: r.projectId,
    project_id: r.projectId,
    description: r.description,
    tags: r.tags,
    created_at: isoSeconds(r.createdAt),
    updated_at: isoSeconds(r.updatedAt),
    revision_number: r.revisionNumber,
  };
}

export function networkView(n: Network, o: ViewOptions): Wire {
  const w: Wire = {
    ...standard(n),
    admin_state_up: n.adminStateUp,
    status: n.status,
    subnets: n.subnets,
    shared: n.shared,
    'router:external': n.external,
    is_default: n.isDefault,
    mtu: n.mtu,
    port_security_enabled: n.portSecurityEnabled,
    availability_zone_hints: n.availabilityZoneHints,
    availability_zones: n.availabilityZones,
    ipv4_address_scope: null,
    ipv6_address_scope: null,
    l2_adjacency: true,
    dns_domain: n.dnsDomain,
    qos_policy_id: null,
  };
  if (o.admin) {
    w['provider:network_type'] = n.networkType;
    w['provider:physical_network'] = n.physicalNetwork;
    w['provider:segmentation_id'] = n.segmentationId;
  }
  return w;
}

export function subnetView(s: Subnet): Wire {
  return {
    ...standard(s),
    network_id: s.networkId,
    ip_version: s.ipVersion,
    cidr: s.cidr,
    gateway_ip: s.gatewayIp,
    enable_dhcp: s.enableDhcp,
    allocation_pools: s.allocationPools,
    dns_nameservers: s.dnsNameservers,
    host_routes: s.hostRoutes,
    ipv6_ra_mode: s.ipv6RaMode,
    ipv6_address_mode: s.ipv6AddressMode,
    subnetpool_id: s.subnetpoolId,
    segment_id: s.segmentId,
    service_types: s.serviceTypes,
    dns_publish_fixed_ip: s.dnsPublishFixedIp,
  };
}

/**
 * One object literal per shape, not the standard attributes spread and then extended: V8 turns an object
 * grown past a spread into a slow dictionary, which made this view the largest cost of a 1,000-port list.
 */
export function portView(p: Port, o: ViewOptions): Wire {
  const fixedIps = p.fixedIps.map((f) => ({ subnet_id: f.subnetId, ip_address: f.ipAddress }));
  const pairs = p.allowedAddressPairs.length ? p.allowedAddressPairs.map((a) => ({ ip_address: a.ipAddress, mac_address: a.macAddress })) : [];
  const dhcpOpts = p.extraDhcpOpts.length ? p.extraDhcpOpts.map((e) => ({ opt_name: e.optName, opt_value: e.optValue, ip_version: e.ipVersion })) : [];
  const createdAt = isoSeconds(p.createdAt);
  const updatedAt = p.updatedAt === p.createdAt ? createdAt : isoSeconds(p.updatedAt);
  if (!o.admin) {
    return {
      id: p.id,
      name: p.name,
      tenant_id: p.projectId,
      project_id: p.projectId,
      description: p.description,
      tags: p.tags,
      created_at: createdAt,
      updated_at: updatedAt,
      revision_number: p.revisionNumber,
      network_id: p.networkId,
      admin_state_up: p.adminStateUp,
      status: p.status,
      mac_address: p.macAddress,
      fixed_ips: fixedIps,
      device_id: p.deviceId,
      device_owner: p.deviceOwner,
      security_groups: p.securityGroups,
      port_security_enabled: p.portSecurityEnabled,
      allowed_address_pairs: pairs,
      extra_dhcp_opts: dhcpOpts,
      dns_name: p.dnsName,
      'binding:vnic_type': p.vnicType,
      ip_allocation: 'immediate',
      propagate_uplink_status: false,
      qos_policy_id: null,
      qos_network_policy_id: null,
    };
  }
  return {
    id: p.id,
    name: p.name,
    tenant_id: p.projectId,
    project_id: p.projectId,
    description: p.description,
    tags: p.tags,
    created_at: createdAt,
    updated_at: updatedAt,
    revision_number: p.revisionNumber,
    network_id: p.networkId,
    admin_state_up: p.adminStateUp,
    status: p.status,
    mac_address: p.macAddress,
    fixed_ips: fixedIps,
    device_id: p.deviceId,
    device_owner: p.deviceOwner,
    security_groups: p.securityGroups,
    port_security_enabled: p.portSecurityEnabled,
    allowed_address_pairs: pairs,
    extra_dhcp_opts: dhcpOpts,
    dns_name: p.dnsName,
    'binding:vnic_type': p.vnicType,
    ip_allocation: 'immediate',
    propagate_uplink_status: false,
    qos_policy_id: null,
    qos_network_policy_id: null,
    'binding:host_id': p.hostId,
    'binding:profile': p.bindingProfile,
    'binding:vif_type': p.vifType,
    'binding:vif_details': p.vifDetails,
  };
}

export function ruleView(r: SecurityGroupRule): Wire {
  return {
    id: r.id,
    tenant_id: r.projectId,
    project_id: r.projectId,
    security_group_id: r.securityGroupId,
    direction: r.direction,
    ethertype: r.ethertype,
    protocol: r.protocol,
    port_range_min: r.portRangeMin,
    port_range_max: r.portRangeMax,
    remote_ip_prefix: r.remoteIpPrefix,
    remote_group_id: r.remoteGroupId,
    remote_address_group_id: r.remoteAddressGroupId,
    normalized_cidr: r.normalizedCidr,
    description: r.description,
    created_at: isoSeconds(r.createdAt),
    updated_at: isoSeconds(r.updatedAt),
    revision_number: r.revisionNumber,
  };
}

export function securityGroupView(g: SecurityGroup): Wire {
  return { ...standard(g), stateful: g.stateful, shared: false, security_group_rules: g.rules.map(ruleView) };
}

export function routerView(r: Router, o: ViewOptions): Wire {
  const w: Wire = {
    ...standard(r),
    admin_state_up: r.adminStateUp,
    status: r.status,
    external_gateway_info: r.externalGatewayInfo
      ? {
          network_id: r.externalGatewayInfo.networkId,
          enable_snat: r.externalGatewayInfo.enableSnat,
          external_fixed_ips: r.externalGatewayInfo.externalFixedIps.map((f) => ({ subnet_id: f.subnetId, ip_address: f.ipAddress })),
        }
      : null,
    routes: r.routes,
    availability_zone_hints: r.availabilityZoneHints,
    availability_zones: r.availabilityZones,
    flavor_id: null,
    enable_ndp_proxy: false,
  };
  if (o.admin) {
    w.distributed = r.distributed;
    w.ha = r.ha;
  }
  return w;
}

export function routerInterfaceView(i: RouterInterfaceInfo): Wire {
  return { id: i.id, tenant_id: i.projectId, project_id: i.projectId, subnet_id: i.subnetId, subnet_ids: i.subnetIds, port_id: i.portId, network_id: i.networkId, tags: i.tags };
}

export function floatingIpView(f: FloatingIp): Wire {
  // Floating IPs have no name in Neutron.
  const rest = standard(f);
  delete rest.name;
  return {
    ...rest,
    floating_network_id: f.floatingNetworkId,
    floating_ip_address: f.floatingIpAddress,
    port_id: f.portId,
    fixed_ip_address: f.fixedIpAddress,
    router_id: f.routerId,
    status: f.status,
    dns_name: f.dnsName,
    dns_domain: f.dnsDomain,
    port_details: f.portDetails
      ? {
          name: f.portDetails.name,
          network_id: f.portDetails.networkId,
          mac_address: f.portDetails.macAddress,
          admin_state_up: f.portDetails.adminStateUp,
          status: f.portDetails.status,
          device_id: f.portDetails.deviceId,
          device_owner: f.portDetails.deviceOwner,
        }
      : null,
    port_forwardings: [],
    qos_policy_id: null,
  };
}

export function subnetPoolView(p: SubnetPool): Wire {
  return {
    ...standard(p),
    ip_version: p.ipVersion,
    prefixes: p.prefixes,
    default_prefixlen: p.defaultPrefixlen,
    min_prefixlen: p.minPrefixlen,
    max_prefixlen: p.maxPrefixlen,
    shared: p.shared,
    is_default: p.isDefault,
    address_scope_id: p.addressScopeId,
    default_quota: p.defaultQuota,
  };
}

export function addressScopeView(s: AddressScope): Wire {
  return { id: s.id, name: s.name, tenant_id: s.projectId, project_id: s.projectId, ip_version: s.ipVersion, shared: s.shared, tags: s.tags, created_at: isoSeconds(s.createdAt), updated_at: isoSeconds(s.updatedAt), revision_number: s.revisionNumber };
}

export function agentView(a: Agent): Wire {
  return {
    id: a.id,
    agent_type: a.agentType,
    binary: a.binary,
    host: a.host,
    topic: a.topic,
    availability_zone: a.availabilityZone,
    admin_state_up: a.adminStateUp,
    alive: a.alive,
    description: a.description,
    configurations: a.configurations,
    started_at: agentTime(a.startedAt),
    heartbeat_timestamp: agentTime(a.heartbeatAt),
    created_at: agentTime(a.createdAt),
    resources_synced: null,
  };
}

export function quotaView(q: Quotas): Wire {
  return { ...q };
}

export function quotaDetailView(q: Record<string, QuotaDetail>): Wire {
  return Object.fromEntries(Object.entries(q).map(([k, v]) => [k, { limit: v.limit, used: v.used, reserved: v.reserved }]));
}
