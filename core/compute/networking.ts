// ComputeNetworking over the network service: Nova's neutron API (validate requested networks, create and bind ports, release them).
import type { AuthContext, RequestContext } from '../context.js';
import { errors, isCoreError } from '../errors.js';
import type { NetworkService, Port, SecurityGroup, SecurityGroupRule } from '../network/index.js';
import type { ComputeNetworking, ComputeSecurityGroups, GuestPort, InstanceInterface, PortTarget, ProxySecurityGroup, ProxySecurityGroupRule } from './ports.js';
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

/** Nova's neutron driver `_convert_to_nova_security_group_rule_format`: ports defaulted by protocol, an empty prefix is `0.0.0.0/0`. */
function proxyRule(r: SecurityGroupRule, groupName: (id: string) => { name: string; projectId: string }): ProxySecurityGroupRule {
  let fromPort = r.portRangeMin;
  let toPort = r.portRangeMax;
  if (r.protocol && fromPort === null && toPort === null) [fromPort, toPort] = ['tcp', 'udp'].includes(r.protocol.toLowerCase()) ? [1, 65535] : [-1, -1];
  const group = r.remoteGroupId ? groupName(r.remoteGroupId) : null;
  return { id: r.id, parentGroupId: r.securityGroupId, protocol: r.protocol, fromPort, toPort, cidr: group ? null : (r.remoteIpPrefix ?? '0.0.0.0/0'), group };
}

function proxyGroup(g: SecurityGroup, groupName: (id: string) => { name: string; projectId: string }): ProxySecurityGroup {
  return { id: g.id, name: g.name, description: g.description, projectId: g.projectId, rules: g.rules.filter((r) => r.direction === 'ingress').map((r) => proxyRule(r, groupName)) };
}

/** Nova's proxy wording for the network service's refusals (its neutron driver turns 409s into 400s). */
function proxyError(e: unknown, id?: string): unknown {
  if (isCoreError(e, 'Conflict')) {
    if (e.detail.type === 'SecurityGroupRuleExists') return errors.invalid(`Security group rule already exists. Group id is ${id}.`, { reason: 'rule-exists' });
    return errors.invalid(e.message, { reason: String(e.detail.type ?? 'conflict') });
  }
  return e;
}

function securityGroupsOver(network: NetworkService): ComputeSecurityGroups {
  const namer = (ctx: RequestContext, known: SecurityGroup[] = []) => {
    const cache = new Map(known.map((g) => [g.id, { name: g.name, projectId: g.projectId }]));
    return (id: string) => {
      let v = cache.get(id);
      if (!v) {
        try {
          const g = network.getSecurityGroup(ctx, id);
          v = { name: g.name, projectId: g.projectId };
        } catch {
          v = { name: '', projectId: '' };
        }
        cache.set(id, v);
      }
      return v;
    };
  };
  const wrap = <T>(fn: () => T, id?: string): T => {
    try {
      return fn();
    } catch (e) {
      throw proxyError(e, id);
    }
  };
  /** The group a server action names, by id or name in the instance's project (Nova's `find_resourceid_by_name_or_id`). */
  const findGroup = (ctx: RequestContext, projectId: string, group: string): SecurityGroup => {
    const groups = network.listSecurityGroups(ctx, { projectId });
    const byId = groups.find((g) => g.id === group);
    if (byId) return byId;
    const byName = groups.filter((g) => g.name === group);
    if (byName.length > 1) throw errors.conflict('security_group', `Multiple security_group matches found for name '${group}', use an ID to be more specific.`, { reason: 'no-unique-match' });
    if (!byName.length) throw errors.notFound('security_group', group, `Security group ${group} is not found for project ${projectId}`);
    return byName[0]!;
  };
  const serverPorts = (instanceId: string) => network.listPortsByDevice(instanceId).filter((p) => p.deviceOwner.startsWith('compute:'));
  const namesOn = (ctx: RequestContext, projectId: string, instanceId: string): string[] => {
    const ids = [...new Set(serverPorts(instanceId).flatMap((p) => p.securityGroups))];
    const name = namer(ctx, network.listSecurityGroups(ctx, { projectId }));
    return ids.map((id) => name(id).name || id);
  };

  return {
    list(ctx, opts = {}) {
      const all = network.listSecurityGroups(ctx, opts.allProjects ? {} : { projectId: ctx.auth?.projectId ?? '' });
      const name = namer(ctx, all);
      return all.map((g) => proxyGroup(g, name));
    },
    get(ctx, id) {
      return proxyGroup(network.getSecurityGroup(ctx, id), namer(ctx));
    },
    create(ctx, input) {
      return wrap(() => proxyGroup(network.createSecurityGroup(ctx, input), namer(ctx)));
    },
    update(ctx, id, input) {
      return wrap(() => proxyGroup(network.updateSecurityGroup(ctx, id, input), namer(ctx)));
    },
    delete(ctx, id) {
      wrap(() => network.deleteSecurityGroup(ctx, id));
    },
    createRule(ctx, req) {
      const v6 = !!req.cidr?.includes(':');
      const rule = wrap(
        () =>
          network.createSecurityGroupRule(ctx, {
            securityGroupId: req.parentGroupId,
            direction: 'ingress',
            ethertype: v6 ? 'IPv6' : 'IPv4',
            protocol: req.protocol,
            // Nova's -1 (any ICMP type or code) is Neutron's null.
            portRangeMin: req.fromPort === -1 ? null : req.fromPort,
            portRangeMax: req.toPort === -1 ? null : req.toPort,
            ...(req.groupId ? { remoteGroupId: req.groupId } : { remoteIpPrefix: req.cidr ?? '0.0.0.0/0' }),
          }),
        req.parentGroupId,
      );
      return proxyRule(rule, namer(ctx));
    },
    deleteRule(ctx, id) {
      wrap(() => network.deleteSecurityGroupRule(ctx, id));
    },
    ofInstance(projectId, instanceId) {
      const ctx = projectCtx(projectId, instanceId);
      const ids = [...new Set(serverPorts(instanceId).flatMap((p) => p.securityGroups))];
      const name = namer(ctx);
      return ids.flatMap((id) => {
        try {
          return [proxyGroup(network.getSecurityGroup(ctx, id), name)];
        } catch {
          return [];
        }
      });
    },
    addToInstance(projectId, instanceId, group) {
      const ctx = projectCtx(projectId, instanceId);
      const g = findGroup(ctx, projectId, group);
      const ports = serverPorts(instanceId);
      if (!ports.length) throw errors.notFound('port', instanceId, `instance_id ${instanceId} could not be found as device id on any ports`);
      for (const p of ports) if (!p.portSecurityEnabled || !p.fixedIps.length) throw errors.invalid('Network requires port_security_enabled and subnet associated in order to apply security groups.', { reason: 'port-security' });
      for (const p of ports) if (!p.securityGroups.includes(g.id)) network.updatePort(ctx, p.id, { securityGroups: [...p.securityGroups, g.id] });
      return namesOn(ctx, projectId, instanceId);
    },
    removeFromInstance(projectId, instanceId, group) {
      const ctx = projectCtx(projectId, instanceId);
      const g = findGroup(ctx, projectId, group);
      let found = false;
      for (const p of serverPorts(instanceId)) {
        if (!p.securityGroups.includes(g.id)) continue;
        network.updatePort(ctx, p.id, { securityGroups: p.securityGroups.filter((x) => x !== g.id) });
        found = true;
      }
      if (!found) throw errors.notFound('security_group', group, `Security group ${group} not associated with the instance ${instanceId}`);
      return namesOn(ctx, projectId, instanceId);
    },
  };
}

/** Builds the adapter Nova's API and compute agent use. */
export function networkingOver(network: NetworkService): ComputeNetworking {
  const addressesOf = (ctx: RequestContext, ports: Port[]): Record<string, InstanceAddress[]> => {
    const out: Record<string, InstanceAddress[]> = {};
    const names = new Map<string, string>();
    const fips = network.floatingIpsOfPorts(ports.map((p) => p.id));
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
      for (const ip of p.fixedIps) {
        list.push({ version: ip.ipAddress.includes(':') ? 6 : 4, addr: ip.ipAddress, mac: p.macAddress, type: 'fixed', portId: p.id });
        // Nova's info cache lists a fixed address's floating IP right after it.
        for (const f of fips.filter((x) => x.portId === p.id && x.fixedIpAddress === ip.ipAddress)) list.push({ version: 4, addr: f.floatingIpAddress, mac: p.macAddress, type: 'floating', portId: p.id });
      }
    }
    return out;
  };

  return {
    securityGroups: securityGroupsOver(network),

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
      const owner = `compute:${target.zone || 'nova'}`;
      for (const r of wanted) {
        if (r.portId) ports.push(network.attachPortToDevice(ctx, r.portId, target.instanceId, { hostId: target.host, deviceOwner: owner }));
        else {
          ports.push(
            network.createPortForDevice(ctx, {
              networkId: r.networkId!,
              deviceId: target.instanceId,
              deviceOwner: owner,
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

    instanceAt(ip: string, networkId?: string): string | undefined {
      return network.portsByFixedIp(ip, networkId).find((p) => p.deviceId && p.deviceOwner.startsWith('compute:'))?.deviceId;
    },

    networkData(instanceId: string): GuestPort[] {
      const data = network.deviceNetworkData(instanceId).filter((d) => d.port.deviceOwner.startsWith('compute:'));
      const fips = data.length ? network.floatingIpsOfPorts(data.map((d) => d.port.id)) : [];
      return data.map(({ port, mtu, subnets }) => ({
          portId: port.id,
          networkId: port.networkId,
          mac: port.macAddress,
          mtu,
          addresses: port.fixedIps.flatMap((f) => {
            const sn = subnets.find((x) => x.id === f.subnetId);
            const floatingIps = fips.filter((x) => x.portId === port.id && x.fixedIpAddress === f.ipAddress).map((x) => x.floatingIpAddress);
            return sn ? [{ address: f.ipAddress, version: sn.ipVersion === 6 ? (6 as const) : (4 as const), cidr: sn.cidr, gateway: sn.gatewayIp, dns: sn.dnsNameservers, floatingIps }] : [];
          }),
        }));
    },

    detachInterface(instanceId: string, portId: string, keep: boolean): void {
      network.releaseDevicePort(instanceId, portId, keep);
    },
  };
}
