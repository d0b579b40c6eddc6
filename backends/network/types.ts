// The network agent driver: what the simulated (or a real Linux) L2, L3 and DHCP agent builds on a host, one idempotent call per desired state.

/** A port to plug into the host's integration bridge (what the Open vSwitch agent does for a bound port). */
export interface PortPlugSpec {
  portId: string;
  macAddress: string;
  networkId: string;
  /** The network's segment: `vxlan`/`geneve` tunnel id, `vlan` tag on a physical network, `flat`. */
  networkType: string;
  physicalNetwork: string | null;
  segmentationId: number | null;
  mtu: number;
  fixedIps: string[];
  adminStateUp: boolean;
}

/** One router port (gateway or interface) inside the router's namespace. */
export interface RouterPortSpec {
  portId: string;
  macAddress: string;
  /** Addresses with their prefix, e.g. `10.0.0.1/26`. */
  addresses: string[];
}

/** The whole desired state of one router (the L3 agent converges its namespace to it). */
export interface RouterSpec {
  routerId: string;
  adminStateUp: boolean;
  enableSnat: boolean;
  gateway: RouterPortSpec | null;
  interfaces: RouterPortSpec[];
  routes: Array<{ destination: string; nexthop: string }>;
  /** 1:1 NAT pairs (floating IP ↔ fixed IP). */
  floatingIps: Array<{ floatingIpAddress: string; fixedIpAddress: string }>;
}

/** The desired DHCP service of one network (the DHCP agent's dnsmasq in `qdhcp-<network>`). */
export interface DhcpSpec {
  networkId: string;
  subnets: Array<{ id: string; cidr: string; gatewayIp: string | null; dnsNameservers: string[] }>;
  hosts: Array<{ macAddress: string; ipAddress: string }>;
}

/**
 * What network agents build on a host. Every call is idempotent and converges to the state it is
 * given (delivery is at-least-once and out of order across calls); removing what is absent is a
 * no-op. A real implementation creates Linux bridges / OVS ports, namespaces and iptables rules;
 * the fake records them.
 */
export interface NetworkAgentDriver {
  /** L2: a bound port's tap device on `br-int`, tagged for its segment. */
  plugPort(host: string, spec: PortPlugSpec): Promise<void>;
  unplugPort(host: string, portId: string): Promise<void>;
  /** L3: namespace `qrouter-<id>` with its ports, routes, SNAT and floating IP NAT. */
  syncRouter(host: string, spec: RouterSpec): Promise<void>;
  removeRouter(host: string, routerId: string): Promise<void>;
  /** DHCP: namespace `qdhcp-<network>` serving the subnets' hosts. */
  syncDhcp(host: string, spec: DhcpSpec): Promise<void>;
  removeDhcp(host: string, networkId: string): Promise<void>;
}

/** A NAT rule as a real L3 agent would write it into the router namespace's iptables. */
export interface NatRule {
  chain: 'PREROUTING' | 'POSTROUTING' | 'OUTPUT';
  /** `DNAT` or `SNAT`. */
  target: 'DNAT' | 'SNAT';
  match: string;
  to: string;
}

/** What a host has, as the fake records it (and a real driver could report). */
export interface HostState {
  bridges: string[];
  /** Tap devices on br-int: port id → device name, VLAN tag, MAC. */
  ports: Record<string, { device: string; bridge: string; tag: number; macAddress: string; addresses: string[]; up: boolean }>;
  /** Namespace name → its interfaces and routes. */
  namespaces: Record<string, { interfaces: Array<{ device: string; macAddress: string; addresses: string[] }>; routes: string[] }>;
  /** Router namespace → its NAT rules. */
  nat: Record<string, NatRule[]>;
  /** DHCP namespace → MAC,address lines dnsmasq would get. */
  dhcpHosts: Record<string, string[]>;
}
