// The simulated network agents: L2 (Open vSwitch), DHCP and metadata on every host, L3 on the network host; they take `network.*` jobs, drive the agent driver and report back.
import type { NetworkAgentDriver, RouterPortSpec } from '../../backends/network/types.js';
import type { PeriodicScheduler } from '../../core/jobs/periodic.js';
import type { JobQueue } from '../../core/jobs/port.js';
import type { Logger } from '../../core/logger.js';
import type { AgentKind, DhcpState, NetworkService, PortDetails, RouterState } from '../../core/network/index.js';

/** The part of the network service the agents use (their RPC to neutron-server). */
export type NetworkAgentTarget = Pick<
  NetworkService,
  'portDetails' | 'reportPortUp' | 'routerState' | 'floatingIpState' | 'reportFloatingIpStatus' | 'dhcpState' | 'heartbeat' | 'settings'
>;

export interface NetworkWorkerDeps {
  network: NetworkAgentTarget;
  driver: NetworkAgentDriver;
  periodic: PeriodicScheduler;
  logger: Logger;
  /** Agents' report interval (Neutron `report_interval`, 30 s). */
  reportIntervalMs?: number;
}

/** What each host's agents say in `configurations` (shown by `GET /v2.0/agents`). */
const CONFIGURATIONS: Record<AgentKind, Record<string, unknown>> = {
  ovs: { bridge_mappings: { public: 'br-ex' }, tunnel_types: ['vxlan'], integration_bridge: 'br-int', tunneling_ip: '127.0.0.1', l2_population: false, simulated: true },
  dhcp: { dhcp_driver: 'neutron.agent.linux.dhcp.Dnsmasq', dhcp_lease_duration: 86400, simulated: true },
  metadata: { metadata_proxy_socket: '/var/lib/neutron/metadata_proxy', nova_metadata_host: '127.0.0.1', simulated: true },
  l3: { agent_mode: 'legacy', gateway_external_network_id: '', handle_internal_only_routers: true, simulated: true },
};

/** Router ports as the driver takes them: each address with its subnet's prefix length. */
function routerPort(p: { portId: string; macAddress: string; ips: string[]; cidrs: string[] }): RouterPortSpec {
  return { portId: p.portId, macAddress: p.macAddress, addresses: p.ips.map((ip, i) => `${ip}/${p.cidrs[i]!.split('/')[1]}`) };
}

function routerSpec(s: RouterState) {
  return {
    routerId: s.id,
    adminStateUp: s.adminStateUp,
    enableSnat: s.enableSnat,
    gateway: s.gateway ? routerPort(s.gateway) : null,
    interfaces: s.interfaces.map(routerPort),
    routes: s.routes,
    floatingIps: s.floatingIps.map((f) => ({ floatingIpAddress: f.floatingIpAddress, fixedIpAddress: f.fixedIpAddress })),
  };
}

function plugSpec(d: PortDetails) {
  return {
    portId: d.port.id,
    macAddress: d.port.macAddress,
    networkId: d.network.id,
    networkType: d.network.networkType,
    physicalNetwork: d.network.physicalNetwork,
    segmentationId: d.network.segmentationId,
    mtu: d.network.mtu,
    fixedIps: d.port.fixedIps.map((f) => f.ipAddress),
    adminStateUp: d.port.adminStateUp,
  };
}

function dhcpSpec(s: DhcpState) {
  return { networkId: s.networkId, subnets: s.subnets, hosts: s.hosts };
}

/**
 * Registers the agents' job processors and their heartbeats. Every processor reads the current state
 * from the service and converges the driver to it, so redelivery, reordering and stale jobs are
 * harmless. Hosts a port is bound to join the heartbeat set (a compute host comes up with its agents).
 */
export function registerNetworkWorkers(queue: Pick<JobQueue, 'process'>, deps: NetworkWorkerDeps): void {
  const { network, driver, logger } = deps;
  const hosts = new Set(network.settings.hosts);
  hosts.add(network.settings.networkHost);
  const report = (host: string, started = false) => {
    for (const kind of ['ovs', 'dhcp', 'metadata'] as const) network.heartbeat(kind, host, CONFIGURATIONS[kind], started);
    if (host === network.settings.networkHost) network.heartbeat('l3', host, CONFIGURATIONS.l3, started);
  };
  const join = (host: string) => {
    if (hosts.has(host)) return;
    hosts.add(host);
    report(host, true);
    logger.info({ host }, 'network agents: a new host reported');
  };
  // The first report at registration, so the agents are alive as soon as the system is built.
  for (const h of hosts) report(h, true);
  deps.periodic.every('network agent reports', deps.reportIntervalMs ?? 30_000, () => {
    for (const h of hosts) report(h);
  });

  queue.process('network.port.bind', async ({ portId, host }) => {
    join(host);
    const details = network.portDetails(portId);
    // Gone, or moved elsewhere since: nothing to plug here (the newer binding has its own job).
    if (!details || details.port.hostId !== host) return;
    await driver.plugPort(host, plugSpec(details));
    network.reportPortUp(portId, host);
  });

  queue.process('network.port.unbind', async ({ portId, host }) => {
    const details = network.portDetails(portId);
    // Bound back to this host meanwhile: keep it plugged.
    if (details && details.port.hostId === host) return;
    await driver.unplugPort(host, portId);
  });

  queue.process('network.router.sync', async ({ routerId, host }) => {
    const state = network.routerState(routerId);
    if (!state) {
      await driver.removeRouter(host, routerId);
      return;
    }
    await driver.syncRouter(host, routerSpec(state));
    for (const f of state.floatingIps) network.reportFloatingIpStatus(f.id, f.fixedIpAddress, 'ACTIVE');
  });

  queue.process('network.floatingip.sync', async ({ floatingIpId, host }) => {
    const fip = network.floatingIpState(floatingIpId);
    // The NAT lives in a router's namespace: converging the router applies (or drops) it.
    if (fip?.routerId) {
      const state = network.routerState(fip.routerId);
      if (state) {
        await driver.syncRouter(host, routerSpec(state));
        network.reportFloatingIpStatus(floatingIpId, fip.fixedIpAddress, 'ACTIVE');
        return;
      }
    }
    if (fip) network.reportFloatingIpStatus(floatingIpId, null, 'DOWN');
    // A disassociation: routers that may still hold the old NAT converge on their own sync jobs.
  });

  queue.process('network.dhcp.sync', async ({ networkId, host }) => {
    const state = network.dhcpState(networkId);
    if (!state || state.subnets.length === 0) await driver.removeDhcp(host, networkId);
    else await driver.syncDhcp(host, dhcpSpec(state));
  });
}
