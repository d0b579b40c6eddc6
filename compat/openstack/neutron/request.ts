// Neutron request bodies to service inputs: each resource's attributes (wire name → input field, type check), unknown or read-only attributes refused as Neutron does.
import { errors } from '../../../core/errors.js';
import type {
  CreateFloatingIpInput,
  CreateNetworkInput,
  CreatePortInput,
  CreateRouterInput,
  CreateSecurityGroupInput,
  CreateSecurityGroupRuleInput,
  CreateSubnetInput,
  CreateSubnetPoolInput,
  FixedIpRequest,
} from '../../../core/network/index.js';
import { isObject } from '../common/index.js';

const bad = (message: string) => errors.invalid(message, { type: 'HTTPBadRequest' });

type Conv = (v: unknown, attr: string) => unknown;

const str: Conv = (v, a) => {
  if (typeof v !== 'string') throw bad(`Invalid input for ${a}. Reason: '${JSON.stringify(v)}' is not a valid string.`);
  return v;
};
const strOrNull: Conv = (v, a) => (v === null ? null : str(v, a));
/** Neutron's convert_to_boolean: booleans, 0/1, and the strings true/false in any case. */
const bool: Conv = (v, a) => {
  if (typeof v === 'boolean') return v;
  if (v === 0 || v === 1) return v === 1;
  if (typeof v === 'string' && /^(true|false|0|1)$/i.test(v)) return /^(true|1)$/i.test(v);
  throw bad(`Invalid input for ${a}. Reason: '${JSON.stringify(v)}' cannot be converted to boolean.`);
};
const int: Conv = (v, a) => {
  const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw bad(`Invalid input for ${a}. Reason: '${JSON.stringify(v)}' is not an integer.`);
  return n;
};
const intOrNull: Conv = (v, a) => (v === null ? null : int(v, a));
const list =
  (item: Conv): Conv =>
  (v, a) => {
    if (!Array.isArray(v)) throw bad(`Invalid input for ${a}. Reason: '${JSON.stringify(v)}' is not a list.`);
    return v.map((x) => item(x, a));
  };
const dict: Conv = (v, a) => {
  if (!isObject(v)) throw bad(`Invalid input for ${a}. Reason: '${JSON.stringify(v)}' is not a dictionary.`);
  return v;
};
const strList = list(str);
/** `protocol` is a name, a number, or null. */
const protocol: Conv = (v, a) => (v === null || typeof v === 'string' || typeof v === 'number' ? v : str(v, a));
/** An address-pair, DHCP option or route entry with its wire field names mapped. */
const mapped =
  (fields: Record<string, [string, Conv, boolean?]>): Conv =>
  (v, a) => {
    const o = dict(v, a) as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(o)) {
      const f = fields[k];
      if (!f) throw bad(`Invalid input for ${a}. Reason: Unrecognized key '${k}'.`);
      out[f[0]] = f[1](val, `${a}.${k}`);
    }
    for (const [k, f] of Object.entries(fields)) if (f[2] && out[f[0]] === undefined) throw bad(`Invalid input for ${a}. Reason: '${k}' is required.`);
    return out;
  };
const fixedIps = list(mapped({ subnet_id: ['subnetId', str], ip_address: ['ipAddress', str] }));
const pools = list(mapped({ start: ['start', str, true], end: ['end', str, true] }));
const routes = list(mapped({ destination: ['destination', str, true], nexthop: ['nexthop', str, true] }));
const pairs = list(mapped({ ip_address: ['ipAddress', str, true], mac_address: ['macAddress', str] }));
const dhcpOpts = list(mapped({ opt_name: ['optName', str, true], opt_value: ['optValue', str, true], ip_version: ['ipVersion', int] }));
const gateway: Conv = (v, a) =>
  v === null ? null : mapped({ network_id: ['networkId', str, true], enable_snat: ['enableSnat', bool], external_fixed_ips: ['externalFixedIps', fixedIps] })(v, a);

/** wire attribute → [input field, converter]. */
type Spec = Record<string, [string, Conv]>;

/** Attributes a resource has but a client may not set (Neutron: "Attribute 'x' not allowed in POST"). */
const READ_ONLY = ['id', 'status', 'created_at', 'updated_at', 'revision_number', 'subnets', 'availability_zones', 'security_group_rules', 'ipv4_address_scope', 'ipv6_address_scope', 'l2_adjacency', 'normalized_cidr', 'port_details', 'router_id', 'binding:vif_type', 'binding:vif_details'];

const OWNER: Spec = { tenant_id: ['projectId', str], project_id: ['projectId', str] };

const NETWORK: Spec = {
  ...OWNER,
  name: ['name', str],
  description: ['description', str],
  admin_state_up: ['adminStateUp', bool],
  shared: ['shared', bool],
  'router:external': ['external', bool],
  is_default: ['isDefault', bool],
  mtu: ['mtu', int],
  'provider:network_type': ['networkType', str],
  'provider:physical_network': ['physicalNetwork', strOrNull],
  'provider:segmentation_id': ['segmentationId', intOrNull],
  port_security_enabled: ['portSecurityEnabled', bool],
  dns_domain: ['dnsDomain', str],
  availability_zone_hints: ['availabilityZoneHints', strList],
  qos_policy_id: ['qosPolicyId', strOrNull],
  tags: ['tags', strList],
};

const SUBNET: Spec = {
  ...OWNER,
  network_id: ['networkId', str],
  name: ['name', str],
  description: ['description', str],
  ip_version: ['ipVersion', int],
  cidr: ['cidr', str],
  gateway_ip: ['gatewayIp', strOrNull],
  enable_dhcp: ['enableDhcp', bool],
  allocation_pools: ['allocationPools', pools],
  dns_nameservers: ['dnsNameservers', strList],
  host_routes: ['hostRoutes', routes],
  ipv6_ra_mode: ['ipv6RaMode', strOrNull],
  ipv6_address_mode: ['ipv6AddressMode', strOrNull],
  subnetpool_id: ['subnetpoolId', strOrNull],
  prefixlen: ['prefixlen', int],
  use_default_subnetpool: ['useDefaultSubnetpool', bool],
  service_types: ['serviceTypes', strList],
  segment_id: ['segmentId', strOrNull],
  dns_publish_fixed_ip: ['dnsPublishFixedIp', bool],
  tags: ['tags', strList],
};

const PORT: Spec = {
  ...OWNER,
  network_id: ['networkId', str],
  name: ['name', str],
  description: ['description', str],
  admin_state_up: ['adminStateUp', bool],
  mac_address: ['macAddress', str],
  fixed_ips: ['fixedIps', fixedIps],
  device_id: ['deviceId', str],
  device_owner: ['deviceOwner', str],
  security_groups: ['securityGroups', (v, a) => (v === null ? [] : strList(v, a))],
  port_security_enabled: ['portSecurityEnabled', bool],
  allowed_address_pairs: ['allowedAddressPairs', pairs],
  extra_dhcp_opts: ['extraDhcpOpts', dhcpOpts],
  dns_name: ['dnsName', str],
  'binding:host_id': ['hostId', str],
  'binding:vnic_type': ['vnicType', str],
  'binding:profile': ['bindingProfile', dict],
  qos_policy_id: ['qosPolicyId', strOrNull],
  propagate_uplink_status: ['propagateUplinkStatus', bool],
  tags: ['tags', strList],
};

const SECURITY_GROUP: Spec = { ...OWNER, name: ['name', str], description: ['description', str], stateful: ['stateful', bool], tags: ['tags', strList] };

const RULE: Spec = {
  ...OWNER,
  security_group_id: ['securityGroupId', str],
  direction: ['direction', str],
  ethertype: ['ethertype', str],
  protocol: ['protocol', protocol],
  port_range_min: ['portRangeMin', intOrNull],
  port_range_max: ['portRangeMax', intOrNull],
  remote_ip_prefix: ['remoteIpPrefix', strOrNull],
  remote_group_id: ['remoteGroupId', strOrNull],
  remote_address_group_id: ['remoteAddressGroupId', strOrNull],
  description: ['description', str],
};

const ROUTER: Spec = {
  ...OWNER,
  name: ['name', str],
  description: ['description', str],
  admin_state_up: ['adminStateUp', bool],
  external_gateway_info: ['externalGatewayInfo', gateway],
  routes: ['routes', routes],
  distributed: ['distributed', bool],
  ha: ['ha', bool],
  availability_zone_hints: ['availabilityZoneHints', strList],
  flavor_id: ['flavorId', strOrNull],
  tags: ['tags', strList],
};

const FLOATING_IP: Spec = {
  ...OWNER,
  floating_network_id: ['floatingNetworkId', str],
  floating_ip_address: ['floatingIpAddress', str],
  subnet_id: ['subnetId', str],
  port_id: ['portId', strOrNull],
  fixed_ip_address: ['fixedIpAddress', strOrNull],
  description: ['description', str],
  dns_name: ['dnsName', str],
  dns_domain: ['dnsDomain', str],
  qos_policy_id: ['qosPolicyId', strOrNull],
  tags: ['tags', strList],
};

const SUBNET_POOL: Spec = {
  ...OWNER,
  name: ['name', str],
  description: ['description', str],
  prefixes: ['prefixes', strList],
  default_prefixlen: ['defaultPrefixlen', int],
  min_prefixlen: ['minPrefixlen', int],
  max_prefixlen: ['maxPrefixlen', int],
  shared: ['shared', bool],
  is_default: ['isDefault', bool],
  address_scope_id: ['addressScopeId', strOrNull],
  default_quota: ['defaultQuota', intOrNull],
  tags: ['tags', strList],
};

const ADDRESS_SCOPE: Spec = { ...OWNER, name: ['name', str], ip_version: ['ipVersion', int], shared: ['shared', bool] };

/** Attributes that may be updated (PUT), per resource; others known are "not allowed in PUT". */
const UPDATABLE: Record<string, string[]> = {
  network: ['name', 'description', 'admin_state_up', 'shared', 'router:external', 'is_default', 'mtu', 'port_security_enabled', 'dns_domain', 'qos_policy_id'],
  subnet: ['name', 'description', 'gateway_ip', 'enable_dhcp', 'allocation_pools', 'dns_nameservers', 'host_routes', 'service_types', 'dns_publish_fixed_ip', 'segment_id'],
  port: ['name', 'description', 'admin_state_up', 'mac_address', 'fixed_ips', 'device_id', 'device_owner', 'security_groups', 'port_security_enabled', 'allowed_address_pairs', 'extra_dhcp_opts', 'dns_name', 'binding:host_id', 'binding:vnic_type', 'binding:profile', 'qos_policy_id', 'propagate_uplink_status'],
  security_group: ['name', 'description', 'stateful'],
  router: ['name', 'description', 'admin_state_up', 'external_gateway_info', 'routes', 'distributed', 'ha'],
  floatingip: ['port_id', 'fixed_ip_address', 'description', 'qos_policy_id'],
  subnetpool: ['name', 'description', 'prefixes', 'default_prefixlen', 'min_prefixlen', 'max_prefixlen', 'is_default', 'address_scope_id', 'default_quota'],
  address_scope: ['name', 'shared'],
};

/** Attributes accepted but with nothing behind them here: a non-null value is 501, null or false is fine. */
const UNSUPPORTED: Record<string, string> = { qos_policy_id: 'QoS policies', flavor_id: 'Router flavors', propagate_uplink_status: 'propagate_uplink_status' };

const SPECS: Record<string, Spec> = { network: NETWORK, subnet: SUBNET, port: PORT, security_group: SECURITY_GROUP, security_group_rule: RULE, router: ROUTER, floatingip: FLOATING_IP, subnetpool: SUBNET_POOL, address_scope: ADDRESS_SCOPE };

/** Converts one resource object of a request body; `method` decides which attributes may appear. */
function convert(resource: string, o: Record<string, unknown>, method: 'POST' | 'PUT'): Record<string, unknown> {
  const spec = SPECS[resource]!;
  const out: Record<string, unknown> = {};
  const unknown = Object.keys(o).filter((k) => !(k in spec) && !READ_ONLY.includes(k));
  if (unknown.length) throw bad(`Unrecognized attribute(s) '${unknown.join(', ')}'`);
  if (o.tenant_id !== undefined && o.project_id !== undefined && o.tenant_id !== o.project_id) throw bad("'project_id' and 'tenant_id' do not match");
  for (const [k, v] of Object.entries(o)) {
    if (READ_ONLY.includes(k) || (method === 'PUT' && !(UPDATABLE[resource] ?? []).includes(k))) throw bad(`Attribute '${k}' not allowed in ${method}`);
    const [field, conv] = spec[k]!;
    const value = conv(v, k);
    if (k in UNSUPPORTED) {
      if (value !== null && value !== false) throw errors.notImplemented(UNSUPPORTED[k]!);
      continue;
    }
    out[field] = value;
  }
  return out;
}

/** The object under `key` of a body (`{"network": {...}}`), or the list under the plural key for a bulk create. */
export function resourceBodies(body: Record<string, unknown>, key: string, plural: string): { items: Array<Record<string, unknown>>; bulk: boolean } {
  if (body[plural] !== undefined) {
    const l = body[plural];
    if (!Array.isArray(l) || l.length === 0 || !l.every(isObject)) throw bad(`Resource body required: '${plural}' must be a non-empty list of objects.`);
    return { items: l as Array<Record<string, unknown>>, bulk: true };
  }
  const o = body[key];
  if (!isObject(o)) throw bad(`Resource body required: expected '${key}'.`);
  return { items: [o], bulk: false };
}

const required = (o: Record<string, unknown>, attrs: string[]) => {
  for (const a of attrs) if (o[a] === undefined) throw bad(`Failed to parse request. Required attribute '${a}' not specified`);
};

export const toCreateNetwork = (o: Record<string, unknown>) => convert('network', o, 'POST') as CreateNetworkInput;
export const toUpdateNetwork = (o: Record<string, unknown>) => convert('network', o, 'PUT');
export function toCreateSubnet(o: Record<string, unknown>): CreateSubnetInput {
  required(o, ['network_id']);
  if (o.ip_version === undefined && o.cidr === undefined && o.subnetpool_id === undefined && o.use_default_subnetpool === undefined) {
    throw bad("Failed to parse request. Required attribute 'ip_version' not specified");
  }
  return convert('subnet', o, 'POST') as unknown as CreateSubnetInput;
}
export const toUpdateSubnet = (o: Record<string, unknown>) => convert('subnet', o, 'PUT');
export function toCreatePort(o: Record<string, unknown>): CreatePortInput {
  required(o, ['network_id']);
  return convert('port', o, 'POST') as unknown as CreatePortInput;
}
export const toUpdatePort = (o: Record<string, unknown>) => convert('port', o, 'PUT') as { fixedIps?: FixedIpRequest[] } & Record<string, unknown>;
export const toCreateSecurityGroup = (o: Record<string, unknown>) => convert('security_group', o, 'POST') as CreateSecurityGroupInput;
export const toUpdateSecurityGroup = (o: Record<string, unknown>) => convert('security_group', o, 'PUT');
export function toCreateRule(o: Record<string, unknown>): CreateSecurityGroupRuleInput {
  required(o, ['security_group_id', 'direction']);
  return convert('security_group_rule', o, 'POST') as unknown as CreateSecurityGroupRuleInput;
}
export const toCreateRouter = (o: Record<string, unknown>) => convert('router', o, 'POST') as CreateRouterInput;
export const toUpdateRouter = (o: Record<string, unknown>) => convert('router', o, 'PUT');
export function toCreateFloatingIp(o: Record<string, unknown>): CreateFloatingIpInput {
  required(o, ['floating_network_id']);
  return convert('floatingip', o, 'POST') as unknown as CreateFloatingIpInput;
}
export const toUpdateFloatingIp = (o: Record<string, unknown>) => convert('floatingip', o, 'PUT');
export function toCreateSubnetPool(o: Record<string, unknown>): CreateSubnetPoolInput {
  required(o, ['prefixes']);
  return convert('subnetpool', o, 'POST') as unknown as CreateSubnetPoolInput;
}
export const toUpdateSubnetPool = (o: Record<string, unknown>) => convert('subnetpool', o, 'PUT');
export function toCreateAddressScope(o: Record<string, unknown>): { projectId?: string; name: string; ipVersion: number; shared?: boolean } {
  required(o, ['name', 'ip_version']);
  return convert('address_scope', o, 'POST') as { projectId?: string; name: string; ipVersion: number; shared?: boolean };
}
export const toUpdateAddressScope = (o: Record<string, unknown>) => convert('address_scope', o, 'PUT') as { name?: string; shared?: boolean };

/** `{"subnet_id"}` or `{"port_id"}` of a router interface action. */
export function toInterfaceRequest(body: Record<string, unknown>): { subnetId?: string; portId?: string } {
  const out: { subnetId?: string; portId?: string } = {};
  for (const [k, v] of Object.entries(body)) {
    if (k === 'subnet_id') out.subnetId = str(v, k) as string;
    else if (k === 'port_id') out.portId = str(v, k) as string;
    else throw bad(`Unrecognized attribute(s) '${k}'`);
  }
  return out;
}

/** `{"router": {"routes": [...]}}` of the extraroute-atomic actions. */
export function toRoutesBody(body: Record<string, unknown>): Array<{ destination: string; nexthop: string }> {
  const r = body.router;
  if (!isObject(r) || r.routes === undefined) throw bad("Resource body required: expected 'router' with 'routes'.");
  return routes(r.routes, 'routes') as Array<{ destination: string; nexthop: string }>;
}
