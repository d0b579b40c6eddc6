// The network service (Neutron's model and rules): one class the Neutron face, Nova and (later) EC2 VPC call; agents report back through it.
import { and, eq, inArray, ne } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import { netFloatingIps, netIpAllocations, netNetworks, netPorts, netSubnets } from '../db/schema/network.js';
import { GroupCommit } from '../db/group-commit.js';
import { enqueueInTx } from '../jobs/outbox.js';
import { DEFAULT_SETTINGS, conflict, notFound, type NetCtx, type NetworkServiceDeps, type NetworkSettings } from './context.js';
import { createNetwork, deleteNetwork, getNetwork, listNetworks, updateNetwork } from './networks.js';
import { createPort, createPortBatched, createPorts, deletePortInTx, deletePort, getPort, listPorts, loadPort, reportPortUp, toPorts, updatePort, ROUTER_GATEWAY, ROUTER_INTERFACE, FLOATING_IP, DHCP } from './ports.js';
import { defaultQuotas, getQuotaDetails, getQuotas, listQuotas, resetQuotas, updateQuotas } from './quotas.js';
import {
  createSecurityGroup,
  createSecurityGroupRule,
  deleteSecurityGroup,
  deleteSecurityGroupRule,
  ensureDefaultFor,
  getSecurityGroup,
  getSecurityGroupRule,
  listSecurityGroupRules,
  listSecurityGroups,
  updateSecurityGroup,
} from './security-groups.js';
import { createSubnet, deleteSubnet, getSubnet, listSubnets, toSubnets, updateSubnet } from './subnets.js';
import { agentEnabled, deleteAgent, getAgent, heartbeat, listAgents, listAvailabilityZones, updateAgent, type AgentKind } from './agents.js';
import { createFloatingIp, deleteFloatingIp, floatingIpState, getFloatingIp, listFloatingIps, reportFloatingIpStatus, updateFloatingIp } from './floating-ips.js';
import { addRouterInterface, createRouter, deleteRouter, getRouter, listRouters, removeRouterInterface, routerState, updateRouter, type RouterState } from './routers.js';
import {
  createAddressScope,
  createSubnetPool,
  deleteAddressScope,
  deleteSubnetPool,
  getAddressScope,
  getSubnetPool,
  listAddressScopes,
  listSubnetPools,
  updateAddressScope,
  updateSubnetPool,
} from './subnet-pools.js';
import { prepareNetworkStatements } from './statements.js';
import { addTag, checkHasTag, listTags, removeAllTags, removeTag, replaceTags } from './tags.js';
import { bootstrapTopology, deleteAutoAllocatedTopology, getAutoAllocatedTopology, type BootstrapTopology } from './topology.js';
import type {
  AddressScope,
  Agent,
  AvailabilityZone,
  CreateAddressScopeInput,
  CreateFloatingIpInput,
  CreateRouterInput,
  CreateSubnetPoolInput,
  FloatingIp,
  Router,
  RouterInterfaceInfo,
  SubnetPool,
  Taggable,
  UpdateFloatingIpInput,
  UpdateRouterInput,
  UpdateSubnetPoolInput,
  CreateNetworkInput,
  CreatePortInput,
  CreateSecurityGroupInput,
  CreateSecurityGroupRuleInput,
  CreateSubnetInput,
  FixedIpRequest,
  ListScope,
  Network,
  Port,
  QuotaDetail,
  QuotaResource,
  Quotas,
  SecurityGroup,
  SecurityGroupRule,
  Subnet,
  UpdateNetworkInput,
  UpdatePortInput,
  UpdateSecurityGroupInput,
  UpdateSubnetInput,
} from './types.js';

export type { NetworkServiceDeps, NetworkSettings } from './context.js';
export type { AgentKind } from './agents.js';
export { AGENT_KINDS } from './agents.js';
export type { RouterState } from './routers.js';
export type { BootstrapTopology } from './topology.js';
export { canonicalAddr, canonicalMac, parseCidr, formatCidr } from './addresses.js';

/** What the L2 agent needs to plug a port (Neutron's `get_device_details`). */
export interface PortDetails {
  port: Port;
  network: { id: string; networkType: string; physicalNetwork: string | null; segmentationId: number | null; mtu: number };
}

/** What the DHCP agent serves for a network: its DHCP-enabled subnets and the ports to answer for. */
export interface DhcpState {
  networkId: string;
  subnets: Array<{ id: string; cidr: string; gatewayIp: string | null; dnsNameservers: string[] }>;
  hosts: Array<{ macAddress: string; ipAddress: string }>;
}
export { DEFAULT_SETTINGS } from './context.js';
export * from './types.js';

/** A change to a server's port that compute hears about (Neutron's nova notifier: `os-server-external-events`). */
export interface ComputePortEvent {
  name: 'network-changed' | 'network-vif-plugged' | 'network-vif-unplugged' | 'network-vif-deleted';
  /** The server (the port's `device_id`). */
  serverId: string;
  /** The port (the event's `tag`). */
  tag: string;
}

/** What Nova asks for when it gives a server a port on a network. */
export interface DevicePortRequest {
  networkId: string;
  /** The server's id (the port's `device_id`). */
  deviceId: string;
  /** Default `compute:nova` (Nova writes `compute:<availability zone>`). */
  deviceOwner?: string;
  /** Absent: IPAM picks (one IPv4 address, SLAAC addresses); a list: those addresses/subnets. */
  fixedIps?: FixedIpRequest[];
  /** Absent: the project's default group. */
  securityGroups?: string[];
  /** Bind at once to this host (else call `bindPortToHost` after scheduling). */
  hostId?: string;
  name?: string;
}

/**
 * Networks, subnets (IPAM), ports (MACs, fixed IPs, bindings), security groups, quotas. Every rule is
 * here; the Neutron face only translates. Changes the agents must apply (port bindings, routers,
 * DHCP, floating IPs) are written as jobs in the same transaction as the change.
 */
export class NetworkService {
  private readonly nc: NetCtx;
  private computeNotifier?: (events: ComputePortEvent[]) => void;

  constructor(deps: NetworkServiceDeps) {
    const clock = deps.clock ?? { now: () => Date.now() };
    this.nc = {
      db: deps.db,
      logger: deps.logger,
      enqueue: deps.enqueueInTx ?? ((tx, name, payload, opts) => enqueueInTx(tx, name, payload, opts, clock.now())),
      settings: { ...DEFAULT_SETTINGS, ...deps.settings, defaultQuotas: { ...DEFAULT_SETTINGS.defaultQuotas, ...deps.settings?.defaultQuotas } },
      now: () => clock.now(),
      stmts: prepareNetworkStatements(deps.db),
      ipamHints: new Map(),
      commits: deps.commits ?? new GroupCommit(deps.db),
    };
  }

  /**
   * Where changes to compute ports go (the composition root points it at compute). Delivery is best
   * effort, after the change committed, as Neutron's notifier does: a failure is logged, never thrown.
   */
  notifyComputeWith(fn: (events: ComputePortEvent[]) => void): void {
    this.computeNotifier = fn;
  }

  private notifyCompute(port: { deviceId: string; deviceOwner: string; id: string } | undefined, name: ComputePortEvent['name']): void {
    if (!this.computeNotifier || !port?.deviceId || !port.deviceOwner.startsWith('compute:')) return;
    try {
      this.computeNotifier([{ name, serverId: port.deviceId, tag: port.id }]);
    } catch (e) {
      this.nc.logger.warn({ port: port.id, event: name, err: e instanceof Error ? e.message : String(e) }, 'network: compute notification failed');
    }
  }

  /** The service's settings (MAC base, hosts, the network host...). */
  get settings(): NetworkSettings {
    return this.nc.settings;
  }

  // Networks

  createNetwork(ctx: RequestContext, input: CreateNetworkInput): Network {
    return createNetwork(this.nc, ctx, input);
  }
  getNetwork(ctx: RequestContext, id: string): Network {
    return getNetwork(this.nc, ctx, id);
  }
  /** The networks the caller sees (own, shared, external; admins all). */
  listNetworks(ctx: RequestContext, scope?: ListScope): Network[] {
    return listNetworks(this.nc, ctx, scope);
  }
  updateNetwork(ctx: RequestContext, id: string, input: UpdateNetworkInput): Network {
    return updateNetwork(this.nc, ctx, id, input);
  }
  deleteNetwork(ctx: RequestContext, id: string): void {
    deleteNetwork(this.nc, ctx, id);
  }

  // Subnets

  createSubnet(ctx: RequestContext, input: CreateSubnetInput): Subnet {
    return createSubnet(this.nc, ctx, input);
  }
  getSubnet(ctx: RequestContext, id: string): Subnet {
    return getSubnet(this.nc, ctx, id);
  }
  listSubnets(ctx: RequestContext, scope?: ListScope): Subnet[] {
    return listSubnets(this.nc, ctx, scope);
  }
  updateSubnet(ctx: RequestContext, id: string, input: UpdateSubnetInput): Subnet {
    return updateSubnet(this.nc, ctx, id, input);
  }
  deleteSubnet(ctx: RequestContext, id: string): void {
    deleteSubnet(this.nc, ctx, id);
  }

  // Ports

  createPort(ctx: RequestContext, input: CreatePortInput): Port {
    return createPort(this.nc, ctx, input);
  }
  /**
   * `createPort` whose transaction joins the next group commit with the creates of the same event-loop
   * turn (each in its own savepoint, so one failing undoes only itself); resolves once it is durable.
   * The Neutron API's port create, where many clients create at once.
   */
  createPortBatched(ctx: RequestContext, input: CreatePortInput): Promise<Port> {
    return createPortBatched(this.nc, ctx, input);
  }
  /** Shutdown: commits the queued port creates and waits until every acknowledged one is durable (before the database closes). */
  drain(): Promise<void> {
    return this.nc.commits.drain();
  }
  /** Bulk create: every port or none. */
  createPorts(ctx: RequestContext, inputs: CreatePortInput[]): Port[] {
    return createPorts(this.nc, ctx, inputs);
  }
  getPort(ctx: RequestContext, id: string): Port {
    return getPort(this.nc, ctx, id);
  }
  listPorts(ctx: RequestContext, scope?: ListScope): Port[] {
    return listPorts(this.nc, ctx, scope);
  }
  updatePort(ctx: RequestContext, id: string, input: UpdatePortInput): Port {
    const before = this.nc.db.select({ id: netPorts.id, deviceId: netPorts.deviceId, deviceOwner: netPorts.deviceOwner }).from(netPorts).where(eq(netPorts.id, id)).get();
    const port = updatePort(this.nc, ctx, id, input);
    this.notifyCompute(before, 'network-changed');
    if (before?.deviceId !== port.deviceId) this.notifyCompute(port, 'network-changed');
    return port;
  }
  deletePort(ctx: RequestContext, id: string): void {
    const before = this.nc.db.select({ id: netPorts.id, deviceId: netPorts.deviceId, deviceOwner: netPorts.deviceOwner }).from(netPorts).where(eq(netPorts.id, id)).get();
    deletePort(this.nc, ctx, id);
    this.notifyCompute(before, 'network-vif-deleted');
  }

  // What Nova calls (the service acting for the compute API; `ctx` is the user's request).

  /**
   * Creates a port on `req.networkId` for a server (`device_id` = the server): the network must be
   * visible to the caller and owned by it or shared; the port belongs to the caller's project, with
   * the project's default security group unless `securityGroups` is given. Throws the network kinds
   * (NotFound for an unknown network, Conflict `IpAddressGenerationFailure` when the subnets are full,
   * QuotaExceeded `OverQuota`). With `hostId` the port is bound at once.
   */
  createPortForDevice(ctx: RequestContext, req: DevicePortRequest): Port {
    const net = this.nc.db.select().from(netNetworks).where(eq(netNetworks.id, req.networkId)).get();
    if (!net) throw notFound('network', req.networkId);
    // Visibility first, so another project's private network is a 404 as through the API.
    getNetwork(this.nc, ctx, req.networkId);
    return createPort(
      this.nc,
      ctx,
      {
        networkId: req.networkId,
        deviceId: req.deviceId,
        deviceOwner: req.deviceOwner ?? 'compute:nova',
        fixedIps: req.fixedIps,
        securityGroups: req.securityGroups,
        hostId: req.hostId,
        name: req.name,
        projectId: ctx.auth?.projectId,
      },
      { asService: true },
    );
  }

  /**
   * Attaches an existing port (a `--nic port-id=` port the caller owns) to a server: sets its device
   * and, with `hostId`, binds it. Conflict `PortInUse` when another device already has it.
   */
  attachPortToDevice(ctx: RequestContext, portId: string, deviceId: string, opts: { deviceOwner?: string; hostId?: string } = {}): Port {
    const port = getPort(this.nc, ctx, portId);
    if (port.deviceId && port.deviceId !== deviceId) {
      throw conflict('port', 'PortInUse', `Unable to complete operation on port ${portId} for network ${port.networkId}. Port already has an attached device ${port.deviceId}.`);
    }
    return updatePort(this.nc, ctx, portId, { deviceId, deviceOwner: opts.deviceOwner ?? 'compute:nova', ...(opts.hostId !== undefined ? { hostId: opts.hostId } : {}) }, { asService: true });
  }

  /**
   * Binds a port to `host` (`binding:host_id`, vif type `ovs`): the port goes DOWN and the host's L2
   * agent is told through the queue; it reports back and the port becomes ACTIVE. Binding to the
   * host it is already on is a no-op. Internal (Nova's port binding runs with Neutron admin rights).
   */
  bindPortToHost(portId: string, host: string): Port {
    const cur = this.nc.db.select().from(netPorts).where(eq(netPorts.id, portId)).get();
    if (!cur) throw notFound('port', portId);
    if (cur.hostId === host) return loadPort(this.nc, portId);
    return updatePort(this.nc, { requestId: 'network-bind' }, portId, { hostId: host }, { asService: true });
  }

  /** Clears a port's binding (the host unplugs it); the port stays, DOWN. */
  unbindPort(portId: string): Port {
    return updatePort(this.nc, { requestId: 'network-unbind' }, portId, { hostId: '' }, { asService: true });
  }

  /** Every port of a device (a server's ports), whatever project: for Nova building a server's addresses. */
  listPortsByDevice(deviceId: string): Port[] {
    const rows = this.nc.db.select().from(netPorts).where(eq(netPorts.deviceId, deviceId)).all();
    return toPorts(this.nc, rows.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1)));
  }

  /**
   * The ports holding fixed address `ip` (on `networkId` when given; an address can repeat across
   * networks): what the metadata service keys a guest's request by. Internal: no project check.
   */
  portsByFixedIp(ip: string, networkId?: string): Port[] {
    const cond = networkId ? and(eq(netIpAllocations.ipAddress, ip), eq(netIpAllocations.networkId, networkId)) : eq(netIpAllocations.ipAddress, ip);
    const ids = this.nc.db.select({ portId: netIpAllocations.portId }).from(netIpAllocations).where(cond).all().map((r) => r.portId);
    if (!ids.length) return [];
    return toPorts(this.nc, this.nc.db.select().from(netPorts).where(inArray(netPorts.id, ids)).all());
  }

  /** Subnets and the network of a device's ports as a guest configures them (the metadata service's `network_data.json`). Internal. */
  deviceNetworkData(deviceId: string): Array<{ port: Port; mtu: number; subnets: Subnet[] }> {
    const ports = this.listPortsByDevice(deviceId);
    const subnetIds = [...new Set(ports.flatMap((p) => p.fixedIps.map((f) => f.subnetId)))];
    const subnets = subnetIds.length ? toSubnets(this.nc.db, this.nc.db.select().from(netSubnets).where(inArray(netSubnets.id, subnetIds)).all()) : [];
    return ports.map((port) => {
      const net = this.nc.db.select({ mtu: netNetworks.mtu }).from(netNetworks).where(eq(netNetworks.id, port.networkId)).get();
      return { port, mtu: net?.mtu ?? 1500, subnets: subnets.filter((s) => port.fixedIps.some((f) => f.subnetId === s.id)) };
    });
  }

  /** Ports of many devices at once (a page of servers), keyed by device id. */
  listPortsByDevices(deviceIds: string[]): Map<string, Port[]> {
    const out = new Map<string, Port[]>();
    if (deviceIds.length === 0) return out;
    const rows = this.nc.db.select().from(netPorts).where(inArray(netPorts.deviceId, deviceIds)).all();
    rows.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
    for (const p of toPorts(this.nc, rows)) {
      let l = out.get(p.deviceId);
      if (!l) out.set(p.deviceId, (l = []));
      l.push(p);
    }
    return out;
  }

  /**
   * Deletes the ports of a deleted server (their addresses are freed, floating IPs disassociated, hosts
   * unplug them). Ports in `keep` (ports the user brought with `--nic port-id=`) are detached instead:
   * device cleared and unbound. Idempotent; returns how many ports were deleted.
   */
  deletePortsOfDevice(deviceId: string, keep: string[] = []): number {
    if (!deviceId) return 0;
    return this.nc.db.transaction((tx) => {
      const rows = tx
        .select()
        .from(netPorts)
        .where(and(eq(netPorts.deviceId, deviceId), ne(netPorts.deviceOwner, ROUTER_INTERFACE), ne(netPorts.deviceOwner, ROUTER_GATEWAY), ne(netPorts.deviceOwner, FLOATING_IP), ne(netPorts.deviceOwner, DHCP)))
        .all();
      let deleted = 0;
      for (const r of rows) if (this.releaseInTx(tx, r, keep.includes(r.id))) deleted++;
      return deleted;
    });
  }

  /**
   * Releases one port of a device (Nova detaching an interface): deleted, or with `keep` (a port the
   * user brought) detached: device cleared and unbound. A port of another device is left alone.
   * Idempotent; returns whether the port was deleted.
   */
  releaseDevicePort(deviceId: string, portId: string, keep: boolean): boolean {
    if (!deviceId) return false;
    return this.nc.db.transaction((tx) => {
      const r = tx.select().from(netPorts).where(and(eq(netPorts.id, portId), eq(netPorts.deviceId, deviceId))).get();
      return r ? this.releaseInTx(tx, r, keep) : false;
    });
  }

  private releaseInTx(tx: Parameters<typeof deletePortInTx>[1], r: typeof netPorts.$inferSelect, keep: boolean): boolean {
    if (keep) {
      tx.update(netPorts)
        .set({ deviceId: '', deviceOwner: '', hostId: '', vifType: 'unbound', vifDetails: {}, status: 'DOWN', revision: r.revision + 1, updatedAt: Math.max(this.nc.now(), r.updatedAt) })
        .where(eq(netPorts.id, r.id))
        .run();
      if (r.hostId) this.nc.enqueue(tx, 'network.port.unbind', { portId: r.id, host: r.hostId, networkId: r.networkId, macAddress: r.macAddress });
      return false;
    }
    deletePortInTx(this.nc, tx, r, true);
    return true;
  }

  /** The L2 agent on `host` plugged the port: DOWN → ACTIVE (if still bound there); compute hears `network-vif-plugged`. */
  reportPortUp(portId: string, host: string): boolean {
    const changed = reportPortUp(this.nc, portId, host);
    if (changed) this.notifyCompute(this.nc.db.select({ id: netPorts.id, deviceId: netPorts.deviceId, deviceOwner: netPorts.deviceOwner }).from(netPorts).where(eq(netPorts.id, portId)).get(), 'network-vif-plugged');
    return changed;
  }

  // Security groups

  createSecurityGroup(ctx: RequestContext, input: CreateSecurityGroupInput): SecurityGroup {
    return createSecurityGroup(this.nc, ctx, input);
  }
  getSecurityGroup(ctx: RequestContext, id: string): SecurityGroup {
    return getSecurityGroup(this.nc, ctx, id);
  }
  listSecurityGroups(ctx: RequestContext, scope?: ListScope): SecurityGroup[] {
    return listSecurityGroups(this.nc, ctx, scope);
  }
  updateSecurityGroup(ctx: RequestContext, id: string, input: UpdateSecurityGroupInput): SecurityGroup {
    return updateSecurityGroup(this.nc, ctx, id, input);
  }
  deleteSecurityGroup(ctx: RequestContext, id: string): void {
    deleteSecurityGroup(this.nc, ctx, id);
  }
  /** The project's default security group id (created on first use). */
  ensureDefaultSecurityGroup(projectId: string): string {
    return ensureDefaultFor(this.nc, projectId);
  }
  createSecurityGroupRule(ctx: RequestContext, input: CreateSecurityGroupRuleInput): SecurityGroupRule {
    return createSecurityGroupRule(this.nc, ctx, input);
  }
  getSecurityGroupRule(ctx: RequestContext, id: string): SecurityGroupRule {
    return getSecurityGroupRule(this.nc, ctx, id);
  }
  listSecurityGroupRules(ctx: RequestContext, scope?: ListScope): SecurityGroupRule[] {
    return listSecurityGroupRules(this.nc, ctx, scope);
  }
  deleteSecurityGroupRule(ctx: RequestContext, id: string): void {
    deleteSecurityGroupRule(this.nc, ctx, id);
  }

  // Quotas

  getQuotas(ctx: RequestContext, projectId: string): Quotas {
    return getQuotas(this.nc, ctx, projectId);
  }
  getQuotaDetails(ctx: RequestContext, projectId: string): Record<QuotaResource, QuotaDetail> {
    return getQuotaDetails(this.nc, ctx, projectId);
  }
  defaultQuotas(ctx: RequestContext): Quotas {
    return defaultQuotas(this.nc, ctx);
  }
  listQuotas(ctx: RequestContext): Array<{ projectId: string; quotas: Quotas }> {
    return listQuotas(this.nc, ctx);
  }
  updateQuotas(ctx: RequestContext, projectId: string, changes: Record<string, unknown>): Quotas {
    return updateQuotas(this.nc, ctx, projectId, changes);
  }
  resetQuotas(ctx: RequestContext, projectId: string): void {
    resetQuotas(this.nc, ctx, projectId);
  }

  // Routers

  createRouter(ctx: RequestContext, input: CreateRouterInput): Router {
    return createRouter(this.nc, ctx, input);
  }
  getRouter(ctx: RequestContext, id: string): Router {
    return getRouter(this.nc, ctx, id);
  }
  listRouters(ctx: RequestContext, scope?: ListScope): Router[] {
    return listRouters(this.nc, ctx, scope);
  }
  updateRouter(ctx: RequestContext, id: string, input: UpdateRouterInput): Router {
    return updateRouter(this.nc, ctx, id, input);
  }
  deleteRouter(ctx: RequestContext, id: string): void {
    deleteRouter(this.nc, ctx, id);
  }
  addRouterInterface(ctx: RequestContext, id: string, req: { subnetId?: string; portId?: string }): RouterInterfaceInfo {
    return addRouterInterface(this.nc, ctx, id, req);
  }
  removeRouterInterface(ctx: RequestContext, id: string, req: { subnetId?: string; portId?: string }): RouterInterfaceInfo {
    return removeRouterInterface(this.nc, ctx, id, req);
  }

  // Floating IPs

  createFloatingIp(ctx: RequestContext, input: CreateFloatingIpInput): FloatingIp {
    const fip = createFloatingIp(this.nc, ctx, input);
    this.notifyComputeOfFloatingIp(null, fip.portId);
    return fip;
  }
  getFloatingIp(ctx: RequestContext, id: string): FloatingIp {
    return getFloatingIp(this.nc, ctx, id);
  }
  listFloatingIps(ctx: RequestContext, scope?: ListScope): FloatingIp[] {
    return listFloatingIps(this.nc, ctx, scope);
  }
  updateFloatingIp(ctx: RequestContext, id: string, input: UpdateFloatingIpInput): FloatingIp {
    const before = this.nc.db.select({ portId: netFloatingIps.portId }).from(netFloatingIps).where(eq(netFloatingIps.id, id)).get()?.portId ?? null;
    const fip = updateFloatingIp(this.nc, ctx, id, input);
    this.notifyComputeOfFloatingIp(before, fip.portId);
    return fip;
  }
  deleteFloatingIp(ctx: RequestContext, id: string): void {
    const before = this.nc.db.select({ portId: netFloatingIps.portId }).from(netFloatingIps).where(eq(netFloatingIps.id, id)).get()?.portId ?? null;
    deleteFloatingIp(this.nc, ctx, id);
    this.notifyComputeOfFloatingIp(before, null);
  }

  /** Neutron tells Nova `network-changed` when a floating IP moves onto or off a server's port. */
  private notifyComputeOfFloatingIp(before: string | null, after: string | null): void {
    for (const portId of new Set([before, after])) {
      if (!portId) continue;
      this.notifyCompute(this.nc.db.select({ id: netPorts.id, deviceId: netPorts.deviceId, deviceOwner: netPorts.deviceOwner }).from(netPorts).where(eq(netPorts.id, portId)).get(), 'network-changed');
    }
  }

  /** The floating IPs on these ports (internal: what Nova shows as a server's `floating` addresses). */
  floatingIpsOfPorts(portIds: string[]): Array<{ portId: string; fixedIpAddress: string | null; floatingIpAddress: string }> {
    if (!portIds.length) return [];
    return this.nc.db
      .select({ portId: netFloatingIps.portId, fixedIpAddress: netFloatingIps.fixedIpAddress, floatingIpAddress: netFloatingIps.floatingIpAddress })
      .from(netFloatingIps)
      .where(inArray(netFloatingIps.portId, portIds))
      .all()
      .map((r) => ({ portId: r.portId!, fixedIpAddress: r.fixedIpAddress, floatingIpAddress: r.floatingIpAddress }));
  }

  // Subnet pools and address scopes

  createSubnetPool(ctx: RequestContext, input: CreateSubnetPoolInput): SubnetPool {
    return createSubnetPool(this.nc, ctx, input);
  }
  getSubnetPool(ctx: RequestContext, id: string): SubnetPool {
    return getSubnetPool(this.nc, ctx, id);
  }
  listSubnetPools(ctx: RequestContext, scope?: ListScope): SubnetPool[] {
    return listSubnetPools(this.nc, ctx, scope);
  }
  updateSubnetPool(ctx: RequestContext, id: string, input: UpdateSubnetPoolInput): SubnetPool {
    return updateSubnetPool(this.nc, ctx, id, input);
  }
  deleteSubnetPool(ctx: RequestContext, id: string): void {
    deleteSubnetPool(this.nc, ctx, id);
  }
  createAddressScope(ctx: RequestContext, input: CreateAddressScopeInput): AddressScope {
    return createAddressScope(this.nc, ctx, input);
  }
  getAddressScope(ctx: RequestContext, id: string): AddressScope {
    return getAddressScope(this.nc, ctx, id);
  }
  listAddressScopes(ctx: RequestContext, scope?: ListScope): AddressScope[] {
    return listAddressScopes(this.nc, ctx, scope);
  }
  updateAddressScope(ctx: RequestContext, id: string, input: { name?: string; shared?: boolean }): AddressScope {
    return updateAddressScope(this.nc, ctx, id, input);
  }
  deleteAddressScope(ctx: RequestContext, id: string): void {
    deleteAddressScope(this.nc, ctx, id);
  }

  // Tags (every taggable resource)

  listTags(ctx: RequestContext, type: Taggable, id: string): string[] {
    return listTags(this.nc, ctx, type, id);
  }
  checkTag(ctx: RequestContext, type: Taggable, id: string, tag: string): void {
    checkHasTag(this.nc, ctx, type, id, tag);
  }
  replaceTags(ctx: RequestContext, type: Taggable, id: string, tags: unknown): string[] {
    return replaceTags(this.nc, ctx, type, id, tags);
  }
  addTag(ctx: RequestContext, type: Taggable, id: string, tag: string): void {
    addTag(this.nc, ctx, type, id, tag);
  }
  removeTag(ctx: RequestContext, type: Taggable, id: string, tag: string): void {
    removeTag(this.nc, ctx, type, id, tag);
  }
  removeAllTags(ctx: RequestContext, type: Taggable, id: string): void {
    removeAllTags(this.nc, ctx, type, id);
  }

  // Topologies

  /** devstack's first-start networks (idempotent); see `bootstrapTopology`. */
  bootstrap(adminProjectId: string, demoProjectId: string): BootstrapTopology {
    return bootstrapTopology(this.nc, adminProjectId, demoProjectId);
  }
  getAutoAllocatedTopology(ctx: RequestContext, projectId: string, dryRun = false): { networkId: string; projectId: string } | { dryRun: 'pass' } {
    return getAutoAllocatedTopology(this.nc, ctx, projectId, dryRun);
  }
  deleteAutoAllocatedTopology(ctx: RequestContext, projectId: string): void {
    deleteAutoAllocatedTopology(this.nc, ctx, projectId);
  }

  // Agents and availability zones

  listAgents(ctx: RequestContext, scope?: ListScope): Agent[] {
    return listAgents(this.nc, ctx, scope);
  }
  getAgent(ctx: RequestContext, id: string): Agent {
    return getAgent(this.nc, ctx, id);
  }
  updateAgent(ctx: RequestContext, id: string, input: { adminStateUp?: boolean; description?: string | null }): Agent {
    return updateAgent(this.nc, ctx, id, input);
  }
  deleteAgent(ctx: RequestContext, id: string): void {
    deleteAgent(this.nc, ctx, id);
  }
  listAvailabilityZones(ctx: RequestContext): AvailabilityZone[] {
    return listAvailabilityZones(this.nc, ctx);
  }

  // What the (simulated) agents call: their reports and the state they converge to.

  /** An agent's periodic report; returns whether it is enabled (admin_state_up). */
  heartbeat(kind: AgentKind, host: string, configurations: Record<string, unknown> = {}, started = false): boolean {
    return heartbeat(this.nc, kind, host, configurations, started);
  }
  /** Whether `kind`'s agent on `host` is enabled (unknown agents are). */
  agentEnabled(kind: AgentKind, host: string): boolean {
    return agentEnabled(this.nc, kind, host);
  }
  /** The port and its segment for the L2 agent, or undefined once the port is gone. */
  portDetails(portId: string): PortDetails | undefined {
    const row = this.nc.db.select().from(netPorts).where(eq(netPorts.id, portId)).get();
    if (!row) return undefined;
    const n = this.nc.db.select().from(netNetworks).where(eq(netNetworks.id, row.networkId)).get()!;
    return { port: toPorts(this.nc, [row])[0]!, network: { id: n.id, networkType: n.networkType, physicalNetwork: n.physicalNetwork, segmentationId: n.segmentationId, mtu: n.mtu } };
  }
  /** The router's state for the L3 agent, or undefined once deleted. */
  routerState(routerId: string): RouterState | undefined {
    return routerState(this.nc.db, routerId);
  }
  /** A floating IP's NAT state for the L3 agent, or undefined once released. */
  floatingIpState(id: string): ReturnType<typeof floatingIpState> {
    return floatingIpState(this.nc.db, id);
  }
  /** The L3 agent applied (or removed) a floating IP's NAT for `fixedIpAddress`. */
  reportFloatingIpStatus(id: string, fixedIpAddress: string | null, status: 'ACTIVE' | 'DOWN'): boolean {
    return reportFloatingIpStatus(this.nc, id, fixedIpAddress, status);
  }
  /** What the DHCP agent serves on a network, or undefined once it is deleted. */
  dhcpState(networkId: string): DhcpState | undefined {
    const n = this.nc.db.select({ id: netNetworks.id }).from(netNetworks).where(eq(netNetworks.id, networkId)).get();
    if (!n) return undefined;
    const subnets = toSubnets(this.nc.db, this.nc.db.select().from(netSubnets).where(eq(netSubnets.networkId, networkId)).all()).filter((s) => s.enableDhcp);
    const ports = toPorts(this.nc, this.nc.db.select().from(netPorts).where(eq(netPorts.networkId, networkId)).all());
    const ids = new Set(subnets.map((s) => s.id));
    return {
      networkId,
      subnets: subnets.map((s) => ({ id: s.id, cidr: s.cidr, gatewayIp: s.gatewayIp, dnsNameservers: s.dnsNameservers })),
      hosts: ports.flatMap((p) => p.fixedIps.filter((f) => ids.has(f.subnetId)).map((f) => ({ macAddress: p.macAddress, ipAddress: f.ipAddress }))),
    };
  }
}
