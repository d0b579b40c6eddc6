// The compute service (Nova's model and rules): the one class Nova (and later EC2 RunInstances) call; workers call its `conductor`.
import type { RequestContext } from '../context.js';
import { errors } from '../errors.js';
import * as conductor from './conductor.js';
import { buildContext, isAdmin, loadVisible, requireRule, type ComputeContext, type ComputeServiceDeps } from './context.js';
import * as externalEvents from './external-events.js';
import * as flavors from './flavors.js';
import * as hosts from './hosts.js';
import * as instances from './instances.js';
import * as interfaces from './interfaces.js';
import * as keypairs from './keypairs.js';
import * as metadata from './metadata.js';
import type { ConsoleSource, InterfaceRequest, ProxyRuleRequest } from './ports.js';
import * as migrations from './migrations.js';
import * as quotas from './quotas.js';
import * as recovery from './recovery.js';
import * as actions from './server-actions.js';
import * as groups from './server-groups.js';
import * as secgroups from './security-groups.js';
import * as usage from './usage.js';
import type { CreateFlavorInput, CreateServersInput, InstanceAction, KeypairType, ListServersOptions, QuotaResource } from './types.js';

export type { ComputeServiceDeps } from './context.js';
export type { ComputeNetworking, ComputeSecurityGroups, ConsoleSource, GuestPort, InstanceInterface, InterfaceRequest, PortTarget, ProxyRuleRequest, ProxySecurityGroup, ProxySecurityGroupRule } from './ports.js';
export type { RequestSpec } from './conductor.js';
export type { GuestMetadata } from './metadata.js';
export type { HostRegistration, Claim } from './hosts.js';
export type { RecoveryReport } from './recovery.js';
export type { Migration, ListMigrationsOptions } from './migrations.js';
export type { TenantUsage, ServerUsage, UsageOptions } from './usage.js';
export * from './types.js';
export { statusOf, VM, TASK, POWER, KNOWN_STATUSES } from './states.js';
export { SERVER_SORT_KEYS } from './instances.js';
export { GROUP_POLICIES } from './server-groups.js';
export { networkingOver } from './networking.js';
export { EXTERNAL_EVENTS, type ExternalEvent, type ExternalEventName, type ExternalEventResult } from './external-events.js';

/** What the workers call about moves (bound into the conductor with the rest). */
const migrationSteps = {
  migrationSpec: migrations.migrationSpec,
  placeMigration: migrations.placeMigration,
  migrationFailed: migrations.migrationFailed,
  migrationStatus: migrations.migrationStatus,
  instanceMigration: migrations.instanceMigration,
  liveMigrationRequest: migrations.liveMigrationRequest,
};
const conductorSteps = { ...conductor, ...migrationSteps, tagBootPorts: interfaces.tagBootPorts };

/** The conductor's face: what the scheduler and compute agents call to read work and report state (no policy: they are trusted services). */
export type Conductor = {
  [K in keyof typeof conductorSteps]: (typeof conductorSteps)[K] extends (cc: ComputeContext, ...a: infer A) => infer R ? (...a: A) => R : never;
};

/**
 * Compute: flavors, keypairs, servers and their actions, hosts and services, quotas, groups. Every
 * rule (policy, states, quotas, tenant isolation) is enforced here; the Nova face only translates.
 * The conductor's role (Nova writes every state change reported by computes through nova-conductor)
 * lives here as `conductor`: the workers call it and it writes with compare-and-swap updates.
 */
export class ComputeService {
  readonly cc: ComputeContext;
  readonly conductor: Conductor;
  private console?: ConsoleSource;

  constructor(deps: ComputeServiceDeps & { console?: ConsoleSource }) {
    this.cc = buildContext(deps);
    this.console = deps.console;
    const bound: Record<string, unknown> = {};
    for (const [k, fn] of Object.entries(conductorSteps)) bound[k] = (...a: unknown[]) => (fn as (...x: unknown[]) => unknown)(this.cc, ...a);
    this.conductor = bound as Conductor;
  }

  /**
   * Resolves once every conductor write committed so far is durable: the API awaits it before answering,
   * so a state it shows (committed in a group commit, visible before its WAL sync ends) is never lost.
   */
  durable(): Promise<void> {
    return this.cc.commits.durable();
  }

  /** Shutdown: commits the queued conductor writes and waits until they are durable (before the database closes). */
  drain(): Promise<void> {
    return this.cc.commits.drain();
  }

  /** Registers devstack's default flavors (once). */
  init(): void {
    flavors.ensureDefaultFlavors(this.cc);
  }

  // Flavors
  listFlavors = (ctx: RequestContext, opts?: flavors.ListFlavorsOptions) => flavors.listFlavors(this.cc, ctx, opts);
  getFlavor = (ctx: RequestContext, id: string) => flavors.getFlavor(this.cc, ctx, id);
  createFlavor = (ctx: RequestContext, input: CreateFlavorInput) => flavors.createFlavor(this.cc, ctx, input);
  updateFlavor = (ctx: RequestContext, id: string, description: string | null) => flavors.updateFlavor(this.cc, ctx, id, description);
  deleteFlavor = (ctx: RequestContext, id: string) => flavors.deleteFlavor(this.cc, ctx, id);
  setFlavorExtraSpecs = (ctx: RequestContext, id: string, specs: Record<string, string>) => flavors.setExtraSpecs(this.cc, ctx, id, specs);
  deleteFlavorExtraSpec = (ctx: RequestContext, id: string, key: string) => flavors.deleteExtraSpec(this.cc, ctx, id, key);
  listFlavorAccess = (ctx: RequestContext, id: string) => flavors.listFlavorAccess(this.cc, ctx, id);
  addFlavorAccess = (ctx: RequestContext, id: string, projectId: string) => flavors.addFlavorAccess(this.cc, ctx, id, projectId);
  removeFlavorAccess = (ctx: RequestContext, id: string, projectId: string) => flavors.removeFlavorAccess(this.cc, ctx, id, projectId);

  // Keypairs
  createKeypair = (ctx: RequestContext, input: { name: string; type?: KeypairType; publicKey?: string; userId?: string }) => keypairs.createKeypair(this.cc, ctx, input);
  listKeypairs = (ctx: RequestContext, opts?: { userId?: string; limit?: number; marker?: string }) => keypairs.listKeypairs(this.cc, ctx, opts);
  getKeypair = (ctx: RequestContext, name: string, userId?: string) => keypairs.getKeypair(this.cc, ctx, name, userId);
  deleteKeypair = (ctx: RequestContext, name: string, userId?: string) => keypairs.deleteKeypair(this.cc, ctx, name, userId);

  // Servers
  createServers = (ctx: RequestContext, input: CreateServersInput) => instances.createServers(this.cc, ctx, input);
  listServers = (ctx: RequestContext, opts?: ListServersOptions) => instances.listServers(this.cc, ctx, opts);
  getServer = (ctx: RequestContext, id: string) => instances.getServer(this.cc, ctx, id);
  updateServer = (ctx: RequestContext, id: string, change: Parameters<typeof instances.updateServer>[3]) => instances.updateServer(this.cc, ctx, id, change);
  deleteServer = (ctx: RequestContext, id: string) => instances.deleteServer(this.cc, ctx, id);
  setServerTags = (ctx: RequestContext, id: string, tags: string[]) => instances.setTags(this.cc, ctx, id, tags);
  addServerTag = (ctx: RequestContext, id: string, tag: string) => instances.addTag(this.cc, ctx, id, tag);
  deleteServerTag = (ctx: RequestContext, id: string, tag?: string) => instances.deleteTag(this.cc, ctx, id, tag);
  setServerMetadata = (ctx: RequestContext, id: string, md: Record<string, string>, replace: boolean) => instances.setMetadata(this.cc, ctx, id, md, replace);
  deleteServerMetadata = (ctx: RequestContext, id: string, key: string) => instances.deleteMetadataKey(this.cc, ctx, id, key);
  /** Marks a torn-down server deleted (the compute agent, after the driver destroyed it). */
  finishDelete = (id: string) => instances.finishDelete(this.cc, id);

  // Actions
  stopServer = (ctx: RequestContext, id: string) => actions.stopServer(this.cc, ctx, id);
  startServer = (ctx: RequestContext, id: string) => actions.startServer(this.cc, ctx, id);
  rebootServer = (ctx: RequestContext, id: string, type: 'SOFT' | 'HARD') => actions.rebootServer(this.cc, ctx, id, type);
  pauseServer = (ctx: RequestContext, id: string) => actions.pauseServer(this.cc, ctx, id);
  unpauseServer = (ctx: RequestContext, id: string) => actions.unpauseServer(this.cc, ctx, id);
  suspendServer = (ctx: RequestContext, id: string) => actions.suspendServer(this.cc, ctx, id);
  resumeServer = (ctx: RequestContext, id: string) => actions.resumeServer(this.cc, ctx, id);
  rescueServer = (ctx: RequestContext, id: string, adminPass?: string) => actions.rescueServer(this.cc, ctx, id, adminPass);
  unrescueServer = (ctx: RequestContext, id: string) => actions.unrescueServer(this.cc, ctx, id);
  rebuildServer = (ctx: RequestContext, id: string, input: Parameters<typeof actions.rebuildServer>[3]) => actions.rebuildServer(this.cc, ctx, id, input);
  resizeServer = (ctx: RequestContext, id: string, flavorRef: string) => actions.resizeServer(this.cc, ctx, id, flavorRef);
  confirmResize = (ctx: RequestContext, id: string) => actions.confirmResize(this.cc, ctx, id);
  revertResize = (ctx: RequestContext, id: string) => actions.revertResize(this.cc, ctx, id);
  createServerImage = (ctx: RequestContext, id: string, input: { name: string; metadata?: Record<string, string> }) => actions.createServerImage(this.cc, ctx, id, input);
  shelveServer = (ctx: RequestContext, id: string) => actions.shelveServer(this.cc, ctx, id);
  unshelveServer = (ctx: RequestContext, id: string) => actions.unshelveServer(this.cc, ctx, id);
  changePassword = (ctx: RequestContext, id: string) => actions.changePassword(this.cc, ctx, id);
  lockServer = (ctx: RequestContext, id: string, reason?: string) => actions.setLocked(this.cc, ctx, id, true, reason);
  unlockServer = (ctx: RequestContext, id: string) => actions.setLocked(this.cc, ctx, id, false);
  migrateServer = (ctx: RequestContext, id: string, host?: string) => migrations.migrateServer(this.cc, ctx, id, host);
  liveMigrateServer = (ctx: RequestContext, id: string, host?: string) => migrations.liveMigrateServer(this.cc, ctx, id, host);
  listMigrations = (ctx: RequestContext, opts?: migrations.ListMigrationsOptions) => migrations.listMigrations(this.cc, ctx, opts);
  listServerMigrations = (ctx: RequestContext, id: string) => migrations.listServerMigrations(this.cc, ctx, id);
  getServerMigration = (ctx: RequestContext, id: string, migrationId: string) => migrations.getServerMigration(this.cc, ctx, id, migrationId);
  forceCompleteLiveMigration = (ctx: RequestContext, id: string, migrationId: string) => migrations.forceCompleteLiveMigration(this.cc, ctx, id, migrationId);
  abortLiveMigration = (ctx: RequestContext, id: string, migrationId: string, opts?: { queued?: boolean }) => migrations.abortLiveMigration(this.cc, ctx, id, migrationId, opts);
  resetState = (ctx: RequestContext, id: string, state: 'active' | 'error') => usage.resetState(this.cc, ctx, id, state);
  /** `os-simple-tenant-usage`: hours × flavor by project over a period. */
  tenantUsages = (ctx: RequestContext, opts: usage.UsageOptions) => usage.tenantUsages(this.cc, ctx, opts);
  createConsole = (ctx: RequestContext, id: string, type: string, baseUrl: string) => actions.createConsole(this.cc, ctx, id, type, baseUrl);
  consumeConsoleToken = (token: string) => actions.consumeConsoleToken(this.cc, token);

  /** The guest's console log (the last `lines` lines), read from its host. */
  async consoleOutput(ctx: RequestContext, id: string, lines?: number): Promise<string> {
    const row = loadVisible(this.cc, ctx, id);
    requireRule(ctx, 'os_compute_api:servers:action', { projectId: row.projectId });
    if (!row.host || row.vmState === 'building' || !this.console) throw errors.invalidState(`Instance ${id} is not ready`, { reason: 'not-ready' });
    return this.console.consoleOutput(row.host, id, lines);
  }

  // Interfaces (ports through the network service)
  listInterfaces = (ctx: RequestContext, id: string) => interfaces.listInterfaces(this.cc, ctx, id);
  showInterface = (ctx: RequestContext, id: string, portId: string) => interfaces.showInterface(this.cc, ctx, id, portId);
  attachInterface = (ctx: RequestContext, id: string, req: InterfaceRequest) => interfaces.attachInterface(this.cc, ctx, id, req);
  detachInterface = (ctx: RequestContext, id: string, portId: string) => interfaces.detachInterface(this.cc, ctx, id, portId);

  // Security groups (through the network service)
  listServerSecurityGroups = (ctx: RequestContext, id: string) => secgroups.listServerSecurityGroups(this.cc, ctx, id);
  addServerSecurityGroup = (ctx: RequestContext, id: string, group: string) => secgroups.changeServerSecurityGroup(this.cc, ctx, id, group, true);
  removeServerSecurityGroup = (ctx: RequestContext, id: string, group: string) => secgroups.changeServerSecurityGroup(this.cc, ctx, id, group, false);
  listSecurityGroups = (ctx: RequestContext, opts?: { allTenants?: boolean }) => secgroups.listSecurityGroups(this.cc, ctx, opts);
  getSecurityGroup = (ctx: RequestContext, id: string) => secgroups.getSecurityGroup(this.cc, ctx, id);
  createSecurityGroup = (ctx: RequestContext, input: { name: string; description: string }) => secgroups.createSecurityGroup(this.cc, ctx, input);
  updateSecurityGroup = (ctx: RequestContext, id: string, input: { name: string; description: string }) => secgroups.updateSecurityGroup(this.cc, ctx, id, input);
  deleteSecurityGroup = (ctx: RequestContext, id: string) => secgroups.deleteSecurityGroup(this.cc, ctx, id);
  createSecurityGroupRule = (ctx: RequestContext, req: ProxyRuleRequest) => secgroups.createSecurityGroupRule(this.cc, ctx, req);
  deleteSecurityGroupRule = (ctx: RequestContext, id: string) => secgroups.deleteSecurityGroupRule(this.cc, ctx, id);

  // External events (the network service's notifications)
  serverExternalEvents = (ctx: RequestContext, events: externalEvents.ExternalEvent[]) => externalEvents.serverExternalEvents(this.cc, ctx, events);
  /** Trusted delivery from the network service in this process (Neutron's nova notifier): no policy, unknown servers ignored. */
  applyExternalEvents = (events: externalEvents.ExternalEvent[]) => externalEvents.applyExternalEvents(this.cc, events);

  // The metadata service (trusted: the caller proved which guest asks)
  guestMetadata = (instanceId: string) => metadata.guestMetadata(this.cc, instanceId);
  guestMetadataAt = (ip: string, networkId?: string) => metadata.guestMetadataAt(this.cc, ip, networkId);

  // Instance actions
  listInstanceActions = (ctx: RequestContext, id: string, opts?: { limit?: number; marker?: string; changesSince?: number }) => groups.listInstanceActions(this.cc, ctx, id, opts);
  getInstanceAction = (ctx: RequestContext, id: string, requestId: string): InstanceAction => groups.getInstanceAction(this.cc, ctx, id, requestId);

  // Server groups
  createServerGroup = (ctx: RequestContext, input: { name: string; policy: string; rules?: Record<string, number> }) => groups.createServerGroup(this.cc, ctx, input);
  listServerGroups = (ctx: RequestContext, opts?: { allProjects?: boolean; limit?: number; offset?: number }) => groups.listServerGroups(this.cc, ctx, opts);
  getServerGroup = (ctx: RequestContext, id: string) => groups.getServerGroup(this.cc, ctx, id);
  deleteServerGroup = (ctx: RequestContext, id: string) => groups.deleteServerGroup(this.cc, ctx, id);

  // Hosts and services
  listHypervisors = (ctx: RequestContext) => hosts.listHypervisors(this.cc, ctx);
  getHypervisor = (ctx: RequestContext, id: string) => hosts.getHypervisor(this.cc, ctx, id);
  hypervisorServers = (ctx: RequestContext, host: string) => {
    requireRule(ctx, 'os_compute_api:os-hypervisors');
    return hosts.instancesOnHost(this.cc, host);
  };
  listServices = (ctx: RequestContext, filter?: { binary?: string; host?: string }) => hosts.listServices(this.cc, ctx, filter);
  updateService = (ctx: RequestContext, where: { id?: string; host?: string; binary?: string }, change: { disabled?: boolean; disabledReason?: string | null; forcedDown?: boolean }) =>
    hosts.updateService(this.cc, ctx, where, change);
  deleteService = (ctx: RequestContext, id: string) => hosts.deleteService(this.cc, ctx, id);
  /** Availability zones with their hosts (admin sees hosts). */
  availabilityZones(ctx: RequestContext): Array<{ name: string; available: boolean; hosts: string[] }> {
    const zones = new Map<string, { available: boolean; hosts: string[] }>();
    for (const h of hosts.hostStates(this.cc)) {
      const z = zones.get(h.zone) ?? { available: false, hosts: [] };
      z.available ||= h.state === 'up' && h.status === 'enabled';
      z.hosts.push(h.host);
      zones.set(h.zone, z);
    }
    if (!zones.size) zones.set(this.cc.defaultZone, { available: true, hosts: [] });
    return [...zones].map(([name, z]) => ({ name, available: z.available, hosts: isAdmin(ctx) ? z.hosts : [] }));
  }
  /** Registration and heartbeats (agents, scheduler, conductor processes). */
  heartbeat = (binary: string, host: string, zone?: string) => hosts.heartbeat(this.cc, binary, host, zone);
  registerHost = (reg: hosts.HostRegistration) => hosts.registerHost(this.cc, reg);
  recountHost = (host: string) => hosts.recountHost(this.cc.db, host);
  /** Crash recovery (Nova's init_instance and resource audit), fleet-wide; see `recoverInstances`. */
  recover = (opts?: { graceMs?: number; relayedMs?: number }) => recovery.recoverInstances(this.cc, opts);

  // Quotas
  quotaDetail = (ctx: RequestContext, projectId: string, userId?: string) => quotas.quotaDetail(this.cc, ctx, projectId, userId);
  quotaDefaults = (): Record<QuotaResource, number> => ({ ...this.cc.defaultQuotas });
  updateQuotas = (ctx: RequestContext, projectId: string, changes: Partial<Record<QuotaResource, number>>, force?: boolean) => quotas.updateQuotas(this.cc, ctx, projectId, changes, force);
  deleteQuotas = (ctx: RequestContext, projectId: string) => quotas.deleteQuotas(this.cc, ctx, projectId);
}
