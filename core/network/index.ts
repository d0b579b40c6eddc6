// The network service (Neutron's model and rules): one class the Neutron face, Nova and (later) EC2 VPC call; agents report back through it.
import { and, eq, inArray, ne } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import { netNetworks, netPorts } from '../db/schema/network.js';
import { enqueueInTx } from '../jobs/outbox.js';
import { DEFAULT_SETTINGS, conflict, notFound, type NetCtx, type NetworkServiceDeps, type NetworkSettings } from './context.js';
import { createNetwork, deleteNetwork, getNetwork, listNetworks, updateNetwork } from './networks.js';
import { createPort, createPorts, deletePortInTx, deletePort, getPort, listPorts, loadPort, reportPortUp, toPorts, updatePort, ROUTER_GATEWAY, ROUTER_INTERFACE, FLOATING_IP, DHCP } from './ports.js';
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
import { createSubnet, deleteSubnet, getSubnet, listSubnets, updateSubnet } from './subnets.js';
import type {
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
export { DEFAULT_SETTINGS } from './context.js';
export * from './types.js';

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

  constructor(deps: NetworkServiceDeps) {
    const clock = deps.clock ?? { now: () => Date.now() };
    this.nc = {
      db: deps.db,
      logger: deps.logger,
      enqueue: deps.enqueueInTx ?? ((tx, name, payload, opts) => enqueueInTx(tx, name, payload, opts, clock.now())),
      settings: { ...DEFAULT_SETTINGS, ...deps.settings, defaultQuotas: { ...DEFAULT_SETTINGS.defaultQuotas, ...deps.settings?.defaultQuotas } },
      now: () => clock.now(),
    };
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
    return updatePort(this.nc, ctx, id, input);
  }
  deletePort(ctx: RequestContext, id: string): void {
    deletePort(this.nc, ctx, id);
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
    if (cur.hostId === host) return loadPort(this.nc.db, portId);
    return updatePort(this.nc, { requestId: 'network-bind' }, portId, { hostId: host }, { asService: true });
  }

  /** Clears a port's binding (the host unplugs it); the port stays, DOWN. */
  unbindPort(portId: string): Port {
    return updatePort(this.nc, { requestId: 'network-unbind' }, portId, { hostId: '' }, { asService: true });
  }

  /** Every port of a device (a server's ports), whatever project: for Nova building a server's addresses. */
  listPortsByDevice(deviceId: string): Port[] {
    const rows = this.nc.db.select().from(netPorts).where(eq(netPorts.deviceId, deviceId)).all();
    return toPorts(this.nc.db, rows.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1)));
  }

  /** Ports of many devices at once (a page of servers), keyed by device id. */
  listPortsByDevices(deviceIds: string[]): Map<string, Port[]> {
    const out = new Map<string, Port[]>();
    if (deviceIds.length === 0) return out;
    const rows = this.nc.db.select().from(netPorts).where(inArray(netPorts.deviceId, deviceIds)).all();
    rows.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
    for (const p of toPorts(this.nc.db, rows)) {
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
      for (const r of rows) {
        if (keep.includes(r.id)) {
          tx.update(netPorts)
            .set({ deviceId: '', deviceOwner: '', hostId: '', vifType: 'unbound', vifDetails: {}, status: 'DOWN', revision: r.revision + 1, updatedAt: Math.max(this.nc.now(), r.updatedAt) })
            .where(eq(netPorts.id, r.id))
            .run();
          if (r.hostId) this.nc.enqueue(tx, 'network.port.unbind', { portId: r.id, host: r.hostId, networkId: r.networkId, macAddress: r.macAddress });
        } else {
          deletePortInTx(this.nc, tx, r, true);
          deleted++;
        }
      }
      return deleted;
    });
  }

  /** The L2 agent on `host` plugged the port: DOWN → ACTIVE (if still bound there). */
  reportPortUp(portId: string, host: string): boolean {
    return reportPortUp(this.nc, portId, host);
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
}
