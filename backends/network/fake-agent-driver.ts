// The fake network agent driver: builds nothing, records per host the bridges, tap ports, namespaces, NAT rules and DHCP hosts a real agent would create.
import type { DhcpSpec, HostState, NatRule, NetworkAgentDriver, PortPlugSpec, RouterPortSpec, RouterSpec } from './types.js';

/** Linux device names are at most 15 characters; Neutron uses a prefix and the port id's start. */
const dev = (prefix: string, id: string) => `${prefix}${id}`.slice(0, 14);

/** Records what each host would have; `host(name)` returns a copy of its state. */
export class FakeNetworkAgentDriver implements NetworkAgentDriver {
  private readonly hosts = new Map<string, HostState>();
  /** Local VLAN tags per host and network, as the OVS agent assigns them on br-int. */
  private readonly tags = new Map<string, Map<string, number>>();
  /** Every call, in order (tests assert what was asked). */
  readonly calls: Array<{ op: string; host: string; id: string }> = [];

  private state(host: string): HostState {
    let s = this.hosts.get(host);
    if (!s) {
      s = { bridges: ['br-int', 'br-tun', 'br-ex'], ports: {}, namespaces: {}, nat: {}, dhcpHosts: {} };
      this.hosts.set(host, s);
    }
    return s;
  }

  private localTag(host: string, networkId: string): number {
    let m = this.tags.get(host);
    if (!m) this.tags.set(host, (m = new Map()));
    let t = m.get(networkId);
    if (t === undefined) {
      t = m.size + 1;
      m.set(networkId, t);
    }
    return t;
  }

  /** A deep copy of what `host` has (empty bridges-only state for a host never touched). */
  host(name: string): HostState {
    return structuredClone(this.state(name));
  }

  /** Hosts that have been touched. */
  hostNames(): string[] {
    return [...this.hosts.keys()].sort();
  }

  async plugPort(host: string, spec: PortPlugSpec): Promise<void> {
    this.calls.push({ op: 'plugPort', host, id: spec.portId });
    this.state(host).ports[spec.portId] = {
      device: dev('tap', spec.portId),
      bridge: 'br-int',
      tag: this.localTag(host, spec.networkId),
      macAddress: spec.macAddress,
      addresses: [...spec.fixedIps],
      up: spec.adminStateUp,
    };
  }

  async unplugPort(host: string, portId: string): Promise<void> {
    this.calls.push({ op: 'unplugPort', host, id: portId });
    delete this.state(host).ports[portId];
  }

  async syncRouter(host: string, spec: RouterSpec): Promise<void> {
    this.calls.push({ op: 'syncRouter', host, id: spec.routerId });
    const s = this.state(host);
    const ns = `qrouter-${spec.routerId}`;
    const iface = (prefix: string, p: RouterPortSpec) => ({ device: dev(prefix, p.portId), macAddress: p.macAddress, addresses: [...p.addresses] });
    const interfaces = [...(spec.gateway ? [iface('qg-', spec.gateway)] : []), ...spec.interfaces.map((p) => iface('qr-', p))];
    const routes = spec.routes.map((r) => `${r.destination} via ${r.nexthop}`);
    const gwIp = spec.gateway?.addresses.find((a) => !a.includes(':'))?.split('/')[0];
    if (spec.gateway) {
      const gwNet = spec.gateway.addresses.find((a) => !a.includes(':'));
      if (gwNet) routes.unshift(`default via gateway of ${gwNet}`);
    }
    s.namespaces[ns] = { interfaces, routes };
    const nat: NatRule[] = [];
    if (spec.adminStateUp && gwIp) {
      for (const f of spec.floatingIps) {
        nat.push({ chain: 'PREROUTING', target: 'DNAT', match: `-d ${f.floatingIpAddress}/32`, to: f.fixedIpAddress });
        nat.push({ chain: 'OUTPUT', target: 'DNAT', match: `-d ${f.floatingIpAddress}/32`, to: f.fixedIpAddress });
        nat.push({ chain: 'POSTROUTING', target: 'SNAT', match: `-s ${f.fixedIpAddress}/32`, to: f.floatingIpAddress });
      }
      if (spec.enableSnat) {
        for (const i of spec.interfaces) for (const a of i.addresses.filter((x) => !x.includes(':'))) nat.push({ chain: 'POSTROUTING', target: 'SNAT', match: `-s ${cidrOf(a)} -o ${dev('qg-', spec.gateway!.portId)}`, to: gwIp });
      }
    }
    s.nat[ns] = nat;
  }

  async removeRouter(host: string, routerId: string): Promise<void> {
    this.calls.push({ op: 'removeRouter', host, id: routerId });
    const s = this.state(host);
    delete s.namespaces[`qrouter-${routerId}`];
    delete s.nat[`qrouter-${routerId}`];
  }

  async syncDhcp(host: string, spec: DhcpSpec): Promise<void> {
    this.calls.push({ op: 'syncDhcp', host, id: spec.networkId });
    const s = this.state(host);
    const ns = `qdhcp-${spec.networkId}`;
    s.namespaces[ns] = { interfaces: [{ device: dev('tap', spec.networkId), macAddress: '', addresses: spec.subnets.map((x) => x.cidr) }], routes: [] };
    s.dhcpHosts[ns] = spec.hosts.map((h) => `${h.macAddress},${h.ipAddress}`).sort();
  }

  async removeDhcp(host: string, networkId: string): Promise<void> {
    this.calls.push({ op: 'removeDhcp', host, id: networkId });
    const s = this.state(host);
    delete s.namespaces[`qdhcp-${networkId}`];
    delete s.dhcpHosts[`qdhcp-${networkId}`];
  }
}

/** `10.0.0.1/26` → `10.0.0.0/26` (IPv4). */
function cidrOf(addr: string): string {
  const [ip, len] = addr.split('/');
  const n = Number(len);
  const v = ip!.split('.').reduce((acc, o) => (acc << 8) + Number(o), 0) >>> 0;
  const mask = n === 0 ? 0 : (0xffffffff << (32 - n)) >>> 0;
  const net = (v & mask) >>> 0;
  return `${[24, 16, 8, 0].map((s) => (net >>> s) & 255).join('.')}/${n}`;
}
