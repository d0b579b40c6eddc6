// ComputeNetworking over the network service: Nova's neutron API (validate requested networks, create and bind ports, release them).
import type { AuthContext, RequestContext } from '../context.js';
import { errors, isCoreError } from '../errors.js';
import type { NetworkService, Port } from '../network/index.js';
import type { ComputeNetworking, InstanceInterface, PortTarget } from './ports.js';
import type { InstanceAddress, RequestedNetworks } from './types.js';

/** The caller compute acts as toward the network service while building: the instance's own project (its ports belong to it). */
function projectCtx(projectId: string, instanceId: string): RequestContext {
  const auth: AuthContext = { userId: 'nova', userName: 'nova', userDomainId: 'default', projectId, roles: ['member', 'reader'], roleIds: [], methods: ['service'], issuedAt: 0, expiresAt: 0 };
  return { requestId: `nova-network-${instanceId}`, auth };
}

/** The networks an `auto` request means: the one network the project can use (Nova's "get me a network" without auto-allocation). */
function autoNetworks(network: NetworkService, ctx: RequestContext): string[] {
  const nets = network.listNetworks(ctx).filter((n) => !n.external);
  if (nets.length > 1) throw errors.conflict('network', 'Multiple possible networks found, use a Network ID to be more specific.', { reason: 'multiple-networks' });
  return nets.map((n) => n.id);
}

const interfaceOf = (p: Port): InstanceInterface => ({ portId: p.id, networkId: p.networkId, macAddr: p.macAddress, portState: p.status, fixedIps: p.fixedIps.map((f) => ({ subnetId: f.subnetId, ipAddress: f.ipAddress })) });

/** Nova's wording for the network service's refusals while attaching an interface. */
function novaAttachError(e: unknown, instanceId: string, req: { portId?: string; networkId?: string; fixedIps?: string[] }): unknown {
  if (isCoreError(e, 'NotFound')) {
    if (e.detail.resource === 'port' && req.portId) return errors.notFound('port', req.portId, `Port id ${req.portId} could not be found.`);
    if (e.detail.resource === 'network' && req.networkId) return errors.notFound('network', req.networkId, `Network ${req.networkId} could not be found.`);
    return e;
  }
  if (isCoreError(e, 'Conflict')) {
    // Nova's FixedIpAlreadyInUse (409).
    if ((e.detail.type === 'IpAddressInUse' || e.detail.type === 'IpAddressAlreadyAllocated') && req.fixedIps?.length) return errors.conflict('port', `Fixed IP address ${req.fixedIps[0]} is already in use on instance ${instanceId}.`, { reason: 'fixed-ip-in-use' });
    if (e.detail.type === 'IpAddressGenerationFailure') return errors.invalid(`No fixed IP addresses available for network: ${req.networkId}`, { reason: 'no-more-fixed-ips' });
    if (e.detail.type === 'PortInUse' && req.portId) return errors.conflict('port', `Port ${req.portId} is still in use.`, { reason: 'port-in-use' });
  }
  if (isCoreError(e, 'Invalid') && req.networkId) return errors.invalid(e.message, { reason: 'fixed-ip' });
  return e;
}

/** Builds the adapter Nova's API and compute agent use. */
export function networkingOver(network: NetworkService): ComputeNetworking {
  const addressesOf = (ctx: RequestContext, ports: Port[]): Record<string, InstanceAddress[]> => {
    const out: Record<string, InstanceAddress[]> = {};
    const names = new Map<string, string>();
    for (const p of ports) {
      let name = names.get(p.networkId);
      if (name === undefined) {
        try {
          name = network.getNetwork(ctx, p.networkId).name || p.networkId;
        } catch {
          name = p.networkId;
        }
        names.set(p.networkId, name);
      }
      const list = (out[name] ??= []);
      for (const ip of p.fixedIps) list.push({ version: ip.ipAddress.includes(':') ? 6 : 4, addr: ip.ipAddress, mac: p.macAddress, type: 'fixed', portId: p.id });
    }
    return out;
  };

  return {
    validate(ctx: RequestContext, requested: RequestedNetworks, count: number): void {
      if (requested === 'none') return;
      if (requested === 'auto') {
        autoNetworks(network, ctx);
        return;
      }
      for (const r of requested) {
        if (r.portId) {
          if (count > 1) throw errors.invalid('Unable to launch multiple instances with a single configured port ID. Please launch your instance one by one with different ports.', { reason: 'networks' });
          let port: Port;
          try {
            port = network.getPort(ctx, r.portId);
          } catch (e) {
            if (isCoreError(e, 'NotFound')) throw errors.invalid(`Port id ${r.portId} could not be found.`, { reason: 'networks' });
            throw e;
          }
          if (port.deviceId) throw errors.conflict('port', `Port ${r.portId} is still in use.`, { reason: 'port-in-use' });
          continue;
        }
        if (r.fixedIp && count > 1) throw errors.invalid('max_count cannot be greater than 1 if an fixed_ip is specified.', { reason: 'networks' });
        try {
          network.getNetwork(ctx, r.networkId!);
        } catch (e) {
          if (isCoreError(e, 'NotFound')) throw errors.invalid(`Network ${r.networkId} could not be found.`, { reason: 'networks' });
          throw e;
        }
      }
    },

    async allocate(target: PortTarget): Promise<Record<string, InstanceAddress[]>> {
      const ctx = projectCtx(target.projectId, target.instanceId);
      // A re-delivered build finds the ports the last delivery made.
      const existing = network.listPortsByDevice(target.instanceId);
      if (existing.length) {
        for (const p of existing) if (p.hostId !== target.host) network.bindPortToHost(p.id, target.host);
        return addressesOf(ctx, network.listPortsByDevice(target.instanceId));
      }
      const wanted: Exclude<RequestedNetworks, 'auto' | 'none'> = target.requested === 'auto' ? autoNetworks(network, ctx).map((networkId) => ({ networkId })) : target.requested === 'none' ? [] : target.requested;
      const groups = target.securityGroups.filter((g) => g !== 'default');
      const sgIds = groups.length ? network.listSecurityGroups(ctx).filter((g) => groups.includes(g.name) || groups.includes(g.id)).map((g) => g.id) : undefined;
      if (groups.length && sgIds!.length !== groups.length) throw new Error(`Security group ${groups.join(', ')} not found for project ${target.projectId}.`);
      const ports: Port[] = [];
      for (const r of wanted) {
        if (r.portId) ports.push(network.attachPortToDevice(ctx, r.portId, target.instanceId, { hostId: target.host }));
        else {
          ports.push(
            network.createPortForDevice(ctx, {
              networkId: r.networkId!,
              deviceId: target.instanceId,
              hostId: target.host,
              ...(r.fixedIp ? { fixedIps: [{ ipAddress: r.fixedIp }] } : {}),
              ...(sgIds ? { securityGroups: sgIds } : {}),
            }),
          );
        }
      }
      return addressesOf(ctx, ports);
    },

    async deallocate(instanceId: string, keepPorts: string[] = []): Promise<void> {
      network.deletePortsOfDevice(instanceId, keepPorts);
    },

    interfaces(instanceId: string): InstanceInterface[] {
      return network.listPortsByDevice(instanceId).filter((p) => p.deviceOwner.startsWith('compute:')).map(interfaceOf);
    },

    addresses(projectId: string, instanceId: string): Record<string, InstanceAddress[]> {
      return addressesOf(projectCtx(projectId, instanceId), network.listPortsByDevice(instanceId).filter((p) => p.deviceOwner.startsWith('compute:')));
    },

    attachInterface(target, req): InstanceInterface {
      const ctx = projectCtx(target.projectId, target.instanceId);
      const owner = `compute:${target.zone}`;
      try {
        if (req.portId) {
          const port = network.getPort(ctx, req.portId);
          if (port.deviceId) throw errors.conflict('port', `Port ${req.portId} is still in use.`, { reason: 'port-in-use' });
          return interfaceOf(network.attachPortToDevice(ctx, req.portId, target.instanceId, { hostId: target.host, deviceOwner: owner }));
        }
        let networkId = req.networkId;
        if (!networkId) {
          const nets = network.listNetworks(ctx).filter((n) => !n.external);
          if (nets.length === 0) throw errors.invalid(`No specific network was requested and none are available for project '${target.projectId}'.`, { reason: 'no-network' });
          if (nets.length > 1) throw errors.invalid('More than one possible network found. Specify network ID(s) to select which one(s) to connect to.', { reason: 'network-ambiguous' });
          networkId = nets[0]!.id;
        }
        const port = network.createPortForDevice(ctx, {
          networkId,
          deviceId: target.instanceId,
          deviceOwner: owner,
          hostId: target.host,
          ...(req.fixedIps?.length ? { fixedIps: req.fixedIps.map((ipAddress) => ({ ipAddress })) } : {}),
        });
        return interfaceOf(port);
      } catch (e) {
        throw novaAttachError(e, target.instanceId, req);
      }
    },

    detachInterface(instanceId: string, portId: string, keep: boolean): void {
      network.releaseDevicePort(instanceId, portId, keep);
    },
  };
}
