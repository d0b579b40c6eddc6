// What compute needs from the network service: check requested networks at the API, bind ports on the host, release them.
import type { RequestContext } from '../context.js';
import type { InstanceAddress, RequestedNetworks } from './types.js';

/** The instance a port is for, as the network service needs it. */
export interface PortTarget {
  instanceId: string;
  projectId: string;
  /** The compute host the ports bind to (`binding:host_id`). */
  host: string;
  requested: RequestedNetworks;
  securityGroups: string[];
  /** The instance's availability zone: its ports' device owner is `compute:<zone>` (default `nova`). */
  zone?: string;
}

/**
 * Networking as compute uses it (nova's `network/neutron.py` API). Implemented over the network
 * service by the composition root; compute never owns a network model.
 */
export interface ComputeNetworking {
  /** Checks at the API that the requested networks, ports and fixed IPs exist and are usable by the caller (Nova's 400s). */
  validate(ctx: RequestContext, requested: RequestedNetworks, count: number): void | Promise<void>;
  /**
   * Creates (or finds, on a re-delivery) and binds the instance's ports on `target.host`; returns the
   * addresses by network name. Throws when no port can be bound (the build then fails).
   */
  allocate(target: PortTarget): Promise<Record<string, InstanceAddress[]>>;
  /** Deletes the ports compute created for the instance; `keepPorts` (ports the user passed) are only detached. Idempotent. */
  deallocate(instanceId: string, keepPorts?: string[]): Promise<void>;
  /** The instance's ports as Nova's `os-interface` shows them (oldest first). */
  interfaces(instanceId: string): InstanceInterface[];
  /** The instance's addresses by network name, read from its ports now. */
  addresses(projectId: string, instanceId: string): Record<string, InstanceAddress[]>;
  /**
   * Gives the instance one more port bound to `target.host` (Nova's `allocate_port_for_instance`): an
   * existing port of the project (`portId`), with device owner `compute:<zone>`, or a new one on `networkId` (with `fixedIps`), or, with
   * neither, on the project's only network. Throws NotFound (port, network), Conflict (port or
   * address in use), Invalid (no or several networks, port security needed).
   */
  attachInterface(target: Omit<PortTarget, 'requested' | 'securityGroups' | 'zone'> & { zone: string }, req: InterfaceRequest): InstanceInterface;
  /** Removes one port of the instance: deleted when compute made it, only detached when `keep`. */
  detachInterface(instanceId: string, portId: string, keep: boolean): void;
  /** The server whose compute port holds fixed address `ip` (on `networkId` when given): the metadata service's lookup. */
  instanceAt(ip: string, networkId?: string): string | undefined;
  /** The instance's ports with their subnets, as a guest configures them (`network_data.json`). */
  networkData(instanceId: string): GuestPort[];
  /** Security groups as Nova's proxy API and server actions see them. */
  securityGroups: ComputeSecurityGroups;
}

/** A security group in Nova's proxy shape: only its ingress rules, ports defaulted as Nova's neutron driver does. */
export interface ProxySecurityGroup {
  id: string;
  name: string;
  description: string;
  projectId: string;
  rules: ProxySecurityGroupRule[];
}

export interface ProxySecurityGroupRule {
  id: string;
  parentGroupId: string;
  protocol: string | null;
  fromPort: number | null;
  toPort: number | null;
  /** The remote prefix (`0.0.0.0/0` when the rule has neither prefix nor group), null for a group rule. */
  cidr: string | null;
  /** The remote group of a group rule. */
  group: { name: string; projectId: string } | null;
}

/** What `os-security-group-rules` creates (always ingress). */
export interface ProxyRuleRequest {
  parentGroupId: string;
  protocol: string | null;
  fromPort: number | null;
  toPort: number | null;
  cidr?: string;
  groupId?: string;
}

/**
 * Security groups through the network service. The proxy calls act as the caller (Neutron's policy
 * applies); the instance calls act for the instance's project on its ports.
 */
export interface ComputeSecurityGroups {
  list(ctx: RequestContext, opts?: { allProjects?: boolean }): ProxySecurityGroup[];
  get(ctx: RequestContext, id: string): ProxySecurityGroup;
  create(ctx: RequestContext, input: { name: string; description: string }): ProxySecurityGroup;
  update(ctx: RequestContext, id: string, input: { name: string; description: string }): ProxySecurityGroup;
  delete(ctx: RequestContext, id: string): void;
  createRule(ctx: RequestContext, req: ProxyRuleRequest): ProxySecurityGroupRule;
  deleteRule(ctx: RequestContext, id: string): void;
  /** The groups on the instance's ports (each once). */
  ofInstance(projectId: string, instanceId: string): ProxySecurityGroup[];
  /** Adds the group (name or id, in the instance's project) to every port of the instance; returns the group names now on its ports. */
  addToInstance(projectId: string, instanceId: string, group: string): string[];
  /** Removes the group from every port of the instance; returns the group names left. */
  removeFromInstance(projectId: string, instanceId: string, group: string): string[];
}

/** One of an instance's ports, as `os-interface` shows it. */
export interface InstanceInterface {
  portId: string;
  networkId: string;
  macAddr: string;
  /** The port's Neutron status (`ACTIVE` once the host's agent plugged it, `DOWN` before). */
  portState: string;
  fixedIps: Array<{ subnetId: string; ipAddress: string }>;
  /** The device tag given when it was attached (os-interface from 2.49), or null; compute fills it in, not the network. */
  tag?: string | null;
}

/** One port of a guest with what it needs to configure it. */
export interface GuestPort {
  portId: string;
  networkId: string;
  mac: string;
  mtu: number;
  /** Each fixed address with the floating IPs associated with it (the metadata's `public-ipv4`). */
  addresses: Array<{ address: string; version: 4 | 6; cidr: string; gateway: string | null; dns: string[]; floatingIps: string[] }>;
}

/** What `POST /servers/{id}/os-interface` asks for. */
export interface InterfaceRequest {
  portId?: string;
  networkId?: string;
  fixedIps?: string[];
  /** A device tag (2.49): compute keeps it beside the port; the network never sees it. */
  tag?: string;
}

/** Reads a guest's console on its host (nova-api's RPC call to nova-compute `get_console_output`). */
export interface ConsoleSource {
  consoleOutput(host: string, instanceId: string, lines?: number): Promise<string>;
}
