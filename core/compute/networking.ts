// ComputeNetworking over the network service: Nova's neutron API (validate requested networks, create and bind ports, release them).
import type { AuthContext, RequestContext } from '../context.js';
import { errors, isCoreError } from '../errors.js';
import type { NetworkService, Port } from '../network/index.js';
import type { ComputeNetworking, PortTarget } from './ports.js';
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
  };
}
