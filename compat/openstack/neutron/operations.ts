// Every Neutron v2.0 API operation of the official Networking API reference skybridge knows, and whether it serves it.
import type { OperationRow } from '../../../core/operations.js';

/** Where the Neutron app is mounted on the gateway (the catalog's `network` URL); row paths are relative to it. */
export const NEUTRON_PREFIX = '/network';

const op = (operation: string, method: string, path: string, implemented: boolean, note?: string): OperationRow =>
  note === undefined ? { service: 'neutron', operation, method, path, implemented } : { service: 'neutron', operation, method, path, implemented, note };

const LIST_NOTE = 'attribute filters (repeated keys OR), tags/tags-any/not-tags/not-tags-any, fields, sort_key/sort_dir, limit/marker/page_reverse with *_links';

/** CRUD rows of one collection. */
function crud(singular: string, plural: string, path: string, notes: { list?: string; create?: string; update?: string; delete?: string; show?: string } = {}): OperationRow[] {
  const cap = (s: string) => s.replace(/(^|_)([a-z])/g, (_m, _p, ch: string) => ch.toUpperCase());
  return [
    op(`list${cap(plural)}`, 'GET', `/v2.0/${path}`, true, notes.list ?? LIST_NOTE),
    op(`create${cap(singular)}`, 'POST', `/v2.0/${path}`, true, notes.create ?? 'bulk create is all-or-nothing'),
    op(`show${cap(singular)}`, 'GET', `/v2.0/${path}/{id}`, true, notes.show),
    op(`update${cap(singular)}`, 'PUT', `/v2.0/${path}/{id}`, true, notes.update),
    op(`delete${cap(singular)}`, 'DELETE', `/v2.0/${path}/{id}`, true, notes.delete),
  ];
}

/** The tag sub-resource rows of one collection. */
function tagRows(path: string, label: string): OperationRow[] {
  return [
    op(`list${label}Tags`, 'GET', `/v2.0/${path}/{id}/tags`, true),
    op(`replace${label}Tags`, 'PUT', `/v2.0/${path}/{id}/tags`, true),
    op(`removeAll${label}Tags`, 'DELETE', `/v2.0/${path}/{id}/tags`, true),
    op(`check${label}Tag`, 'GET', `/v2.0/${path}/{id}/tags/{tag}`, true),
    op(`add${label}Tag`, 'PUT', `/v2.0/${path}/{id}/tags/{tag}`, true),
    op(`remove${label}Tag`, 'DELETE', `/v2.0/${path}/{id}/tags/{tag}`, true),
  ];
}

/** Collections that are not served: every CRUD row answers 501. */
function absent(singular: string, plural: string, path: string, note: string): OperationRow[] {
  return crud(singular, plural, path).map((r) => ({ ...r, implemented: false, note }));
}

/** The Neutron operation table. `implemented` is true only for routes the Neutron app really serves. */
export const neutronOperations: OperationRow[] = [
  op('listApiVersions', 'GET', '/', true, '200, as Neutron'),
  op('showApiV2Details', 'GET', '/v2.0', true, 'the resource list'),
  op('listExtensions', 'GET', '/v2.0/extensions', true, 'exactly the extensions served'),
  op('showExtension', 'GET', '/v2.0/extensions/{alias}', true),

  ...crud('network', 'networks', 'networks', { create: 'tenant networks are VXLAN with the next VNI; provider attributes, shared, router:external, is_default are admin only; bulk all-or-nothing', delete: '409 NetworkInUse while ports other than DHCP use it' }),
  ...tagRows('networks', 'Network'),
  ...crud('subnet', 'subnets', 'subnets', { create: 'IPv4/IPv6, allocation pools, gateway or null, DNS, host routes, IPv6 modes (slaac/dhcpv6-stateless EUI-64, dhcpv6-stateful), subnet pools and use_default_subnetpool; overlaps refused within a network', delete: '409 SubnetInUse while addresses are allocated' }),
  ...tagRows('subnets', 'Subnet'),
  ...crud('port', 'ports', 'ports', { create: 'fixed IPs (address, subnet or both), MAC in the configured base, default security group, binding:host_id (admin) goes DOWN → ACTIVE when the host agent reports; bulk all-or-nothing in one transaction', list: `${LIST_NOTE}; fixed_ips=ip_address=/subnet_id=` }),
  ...tagRows('ports', 'Port'),
  ...crud('subnetpool', 'subnetpools', 'subnetpools', { update: 'prefixes may only grow' }),
  ...tagRows('subnetpools', 'SubnetPool'),
  op('addSubnetPoolPrefixes', 'PUT', '/v2.0/subnetpools/{id}/add_prefixes', false, 'update prefixes with PUT /v2.0/subnetpools/{id}'),
  op('removeSubnetPoolPrefixes', 'PUT', '/v2.0/subnetpools/{id}/remove_prefixes', false, 'update prefixes with PUT /v2.0/subnetpools/{id}'),
  ...crud('address_scope', 'address_scopes', 'address-scopes'),
  ...crud('security_group', 'security_groups', 'security-groups', { delete: 'the default group: 409 for members (admins may, as tempest cleanup does); 409 SecurityGroupInUse', list: `${LIST_NOTE}; makes the caller's default group exist` }),
  ...tagRows('security-groups', 'SecurityGroup'),
  op('listSecurityGroupRules', 'GET', '/v2.0/security-group-rules', true, LIST_NOTE),
  op('createSecurityGroupRule', 'POST', '/v2.0/security-group-rules', true, 'protocol by name or number, port ranges, ICMP type/code, ethertype vs prefix, remote group xor prefix; duplicate 409 SecurityGroupRuleExists; bulk all-or-nothing'),
  op('showSecurityGroupRule', 'GET', '/v2.0/security-group-rules/{id}', true),
  op('deleteSecurityGroupRule', 'DELETE', '/v2.0/security-group-rules/{id}', true),
  op('updateSecurityGroupRule', 'PUT', '/v2.0/security-group-rules/{id}', false, 'rules are immutable in Neutron too'),

  ...crud('router', 'routers', 'routers', { update: 'external_gateway_info (enable_snat admin only), routes (nexthop on a connected subnet)', delete: '409 RouterInUse while it has interfaces' }),
  ...tagRows('routers', 'Router'),
  op('addRouterInterface', 'PUT', '/v2.0/routers/{id}/add_router_interface', true, 'subnet_id (the subnet gateway) or port_id'),
  op('removeRouterInterface', 'PUT', '/v2.0/routers/{id}/remove_router_interface', true, '409 while a floating IP needs it'),
  op('addExtraRoutes', 'PUT', '/v2.0/routers/{id}/add_extraroutes', true),
  op('removeExtraRoutes', 'PUT', '/v2.0/routers/{id}/remove_extraroutes', true),
  op('addExternalGateways', 'PUT', '/v2.0/routers/{id}/add_external_gateways', false, 'one external gateway per router'),
  op('updateExternalGateways', 'PUT', '/v2.0/routers/{id}/update_external_gateways', false, 'one external gateway per router'),
  op('removeExternalGateways', 'PUT', '/v2.0/routers/{id}/remove_external_gateways', false, 'one external gateway per router'),
  op('listL3AgentsHostingRouter', 'GET', '/v2.0/routers/{id}/l3-agents', true),

  ...crud('floatingip', 'floatingips', 'floatingips', { create: 'from an external network; port_id/fixed_ip_address need a router between the subnet and that network (404 ExternalGatewayForFloatingIPNotFound); floating_ip_address admin only', update: 'port_id associates, moves or (null) disassociates' }),
  ...tagRows('floatingips', 'FloatingIp'),
  op('listFloatingIpPools', 'GET', '/v2.0/floatingip_pools', true),
  ...absent('port_forwarding', 'port_forwardings', 'floatingips/{floatingip_id}/port_forwardings', 'floating IP port forwarding is not offered'),

  op('showAutoAllocatedTopology', 'GET', '/v2.0/auto-allocated-topology/{project_id}', true, 'made on first request from the default external network and default IPv4 subnet pool; fields=dry-run'),
  op('deleteAutoAllocatedTopology', 'DELETE', '/v2.0/auto-allocated-topology/{project_id}', true),

  op('listAvailabilityZones', 'GET', '/v2.0/availability_zones', true),

  op('listAgents', 'GET', '/v2.0/agents', true, 'admin; each simulated host has Open vSwitch, DHCP and metadata agents, the network host an L3 agent; alive by heartbeat'),
  op('showAgent', 'GET', '/v2.0/agents/{id}', true),
  op('updateAgent', 'PUT', '/v2.0/agents/{id}', true, 'admin_state_up, description'),
  op('deleteAgent', 'DELETE', '/v2.0/agents/{id}', true),
  op('listRoutersOnL3Agent', 'GET', '/v2.0/agents/{id}/l3-routers', true),
  op('scheduleRouterToL3Agent', 'POST', '/v2.0/agents/{id}/l3-routers', false, 'routers live on the network host'),
  op('removeRouterFromL3Agent', 'DELETE', '/v2.0/agents/{id}/l3-routers/{router_id}', false, 'routers live on the network host'),
  op('listNetworksOnDhcpAgent', 'GET', '/v2.0/agents/{id}/dhcp-networks', true),
  op('scheduleNetworkToDhcpAgent', 'POST', '/v2.0/agents/{id}/dhcp-networks', false, 'DHCP lives on the network host'),
  op('removeNetworkFromDhcpAgent', 'DELETE', '/v2.0/agents/{id}/dhcp-networks/{network_id}', false, 'DHCP lives on the network host'),
  op('listDhcpAgentsHostingNetwork', 'GET', '/v2.0/networks/{id}/dhcp-agents', true),

  op('listQuotas', 'GET', '/v2.0/quotas', true, 'admin: projects with stored limits'),
  op('showQuota', 'GET', '/v2.0/quotas/{project_id}', true),
  op('updateQuota', 'PUT', '/v2.0/quotas/{project_id}', true, 'admin'),
  op('resetQuota', 'DELETE', '/v2.0/quotas/{project_id}', true, 'admin'),
  op('showQuotaDetails', 'GET', '/v2.0/quotas/{project_id}/details', true, 'limit, used, reserved'),
  op('showQuotaDefault', 'GET', '/v2.0/quotas/{project_id}/default', true),

  op('listServiceProviders', 'GET', '/v2.0/service-providers', true, 'none'),
  op('listNetworkIpAvailabilities', 'GET', '/v2.0/network-ip-availabilities', false),
  op('showNetworkIpAvailability', 'GET', '/v2.0/network-ip-availabilities/{network_id}', false),

  ...absent('rbac_policy', 'rbac_policies', 'rbac-policies', 'RBAC policies: shared and router:external give access to every project'),
  ...absent('segment', 'segments', 'segments', 'one segment per network (provider attributes)'),
  ...absent('trunk', 'trunks', 'trunks', 'VLAN trunks are not offered'),
  op('addSubports', 'PUT', '/v2.0/trunks/{id}/add_subports', false, 'VLAN trunks are not offered'),
  op('removeSubports', 'PUT', '/v2.0/trunks/{id}/remove_subports', false, 'VLAN trunks are not offered'),
  op('listSubports', 'GET', '/v2.0/trunks/{id}/get_subports', false, 'VLAN trunks are not offered'),
  ...absent('qos_policy', 'qos_policies', 'qos/policies', 'QoS is not offered'),
  op('listQosRuleTypes', 'GET', '/v2.0/qos/rule-types', false, 'QoS is not offered'),
  ...absent('address_group', 'address_groups', 'address-groups', 'address groups are not offered'),
  ...absent('network_segment_range', 'network_segment_ranges', 'network_segment_ranges', 'segment ranges are fixed (VXLAN 1-16777215)'),
  ...absent('local_ip', 'local_ips', 'local_ips', 'local IPs are not offered'),
  ...absent('metering_label', 'metering_labels', 'metering/metering-labels', 'metering is not offered'),
  ...absent('metering_label_rule', 'metering_label_rules', 'metering/metering-label-rules', 'metering is not offered'),
  ...absent('log', 'logs', 'log/logs', 'packet logging is not offered'),
  op('listLoggableResources', 'GET', '/v2.0/log/loggable-resources', false, 'packet logging is not offered'),
  ...absent('flavor', 'flavors', 'flavors', 'network service flavors are not offered'),
  ...absent('service_profile', 'service_profiles', 'service_profiles', 'network service flavors are not offered'),
  ...absent('conntrack_helper', 'conntrack_helpers', 'routers/{router_id}/conntrack_helpers', 'conntrack helpers are not offered'),
  ...absent('ndp_proxy', 'ndp_proxies', 'ndp_proxies', 'NDP proxies are not offered'),
  ...absent('firewall_group', 'firewall_groups', 'fwaas/firewall_groups', 'FWaaS is not offered'),
  ...absent('vpnservice', 'vpnservices', 'vpn/vpnservices', 'VPNaaS is not offered'),
  ...absent('bgpvpn', 'bgpvpns', 'bgpvpn/bgpvpns', 'BGP VPN is not offered'),
];
