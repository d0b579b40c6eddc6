// The Neutron extensions skybridge serves, by alias (clients and tempest test for them), for `GET /v2.0/extensions`.

const UPDATED = '2024-01-01T10:00:00-00:00';

/** alias → [name, description]. Only what the app really serves. */
const EXTENSIONS: Record<string, [string, string]> = {
  'address-scope': ['Address scope', 'Address scopes extension.'],
  agent: ['agent', 'The agent management extension.'],
  'allowed-address-pairs': ['Allowed Address Pairs', 'Provides allowed address pairs'],
  'auto-allocated-topology': ['Auto Allocated Topology Services', 'Auto Allocated Topology Services.'],
  availability_zone: ['Availability Zone', 'The availability zone extension.'],
  binding: ['Port Binding', 'Expose port bindings of a virtual port to external application'],
  'default-subnetpools': ['Default Subnetpools', 'Provides ability to mark and use a subnetpool as the default.'],
  dhcp_agent_scheduler: ['DHCP Agent Scheduler', 'Schedule networks among dhcp agents'],
  'dns-integration': ['DNS Integration', 'Provides integration with DNS.'],
  'empty-string-filtering': ['Empty String Filtering Extension', 'Allow filtering by attributes with empty string value'],
  'external-net': ['Neutron external network', 'Adds external network attribute to network resource.'],
  'ext-gw-mode': ['Neutron L3 Configurable external gateway mode', 'Extension of the router abstraction for specifying whether SNAT should occur on the external gateway'],
  extra_dhcp_opt: ['Neutron Extra DHCP options', 'Extra options configuration for DHCP.'],
  extraroute: ['Neutron Extra Route', 'Extra routes configuration for L3 router'],
  'extraroute-atomic': ['Atomically add/remove extra routes', 'Edit extra routes of a router on server side by atomically adding/removing extra routes'],
  'fip-port-details': ['Floating IP Port Details Extension', 'Add port_details attribute to Floating IP resource'],
  'floatingip-pools': ['Floating IP Pools Extension', 'Provides a floating IP pools API.'],
  l3_agent_scheduler: ['L3 Agent Scheduler', 'Schedule routers among l3 agents'],
  'net-mtu': ['Network MTU', 'Provides MTU attribute for a network resource.'],
  'net-mtu-writable': ['Network MTU (writable)', 'Provides a writable MTU attribute for a network resource.'],
  network_availability_zone: ['Network Availability Zone', 'Availability zone support for network.'],
  pagination: ['Pagination support', 'Extension that indicates that pagination is enabled.'],
  'port-security': ['Port Security', 'Provides port security'],
  'project-id': ['project_id field enabled', 'Extension that indicates that project_id field is enabled.'],
  provider: ['Provider Network', 'Expose mapping of virtual networks to physical networks'],
  quotas: ['Quota management support', 'Expose functions for quotas management per project'],
  quota_details: ['Quota details management support', 'Expose functions for quotas usage statistics per project'],
  router: ['Neutron L3 Router', 'Router abstraction for basic L3 forwarding between L2 Neutron networks and access to external networks via a NAT gateway.'],
  router_availability_zone: ['Router Availability Zone', 'Availability zone support for router.'],
  'security-group': ['security-group', 'The security groups extension.'],
  service_type: ['Neutron Service Type Management', 'API for retrieving service providers for Neutron advanced services'],
  sorting: ['Sorting support', 'Extension that indicates that sorting is enabled.'],
  'standard-attr-description': ['standard-attr-description', 'Extension to add descriptions to standard attributes'],
  'standard-attr-revisions': ['Resource revision numbers', 'This extension will display the revision number of neutron resources.'],
  'standard-attr-tag': ['Tag support for resources with standard attribute: subnet, trunk, network_segment_range, router, network, policy, subnetpool, port, security_group, floatingip', 'Enables to set tag on resources with standard attribute.'],
  'standard-attr-timestamp': ['Resource timestamps', 'Adds created_at and updated_at fields to all Neutron resources that have Neutron standard attributes.'],
  'stateful-security-group': ['Stateful security group', 'Indicates if the security group is stateful or not'],
  subnet_allocation: ['Subnet Allocation', 'Enables allocation of subnets from a subnet pool'],
  'subnet-service-types': ['Subnet service types', 'Provides ability to set the subnet service_types field'],
};

export interface Extension {
  alias: string;
  name: string;
  description: string;
  updated: string;
  links: [];
}

export function listExtensions(): Extension[] {
  return Object.entries(EXTENSIONS)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([alias, [name, description]]) => ({ alias, name, description, updated: UPDATED, links: [] }));
}

export function findExtension(alias: string): Extension | undefined {
  return listExtensions().find((e) => e.alias === alias);
}
