// Whole topologies: devstack's first-start networks (public, private, router1, the default subnet pool) and Neutron's auto-allocated topology (get-me-a-network).
import { and, eq } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import { netAutoTopologies, netNetworks, netSubnetPools, netSubnets } from '../db/schema/network.js';
import { errors } from '../errors.js';
import { badRequest, ownerFor, type NetCtx } from './context.js';
import { ipamTransaction } from './ipam.js';
import { createNetwork, deleteNetwork } from './networks.js';
import { addRouterInterface, createRouter, deleteRouter, removeRouterInterface } from './routers.js';
import { ensureDefaultFor } from './security-groups.js';
import { createSubnetPool } from './subnet-pools.js';
import { createSubnet, deleteSubnet } from './subnets.js';

/** The admin context bootstrap acts with (in the admin project). */
const adminCtx = (projectId: string): RequestContext => ({
  requestId: 'network-bootstrap',
  auth: { userId: 'skybridge-network-bootstrap', userName: 'skybridge-network-bootstrap', userDomainId: 'default', projectId, roles: ['admin', 'member', 'reader'], roleIds: [], methods: ['internal'], issuedAt: 0, expiresAt: Number.MAX_SAFE_INTEGER },
});

/** What first start built (ids), or found from an earlier start. */
export interface BootstrapTopology {
  publicNetworkId: string;
  privateNetworkId?: string;
  routerId?: string;
  created: boolean;
}

/**
 * Builds devstack's topology once: the shared default IPv4 subnet pool `shared-default-subnetpool-v4`
 * (10.0.0.0/22, /26 subnets), the external flat network `public` (default external network) with
 * `public-subnet` 172.24.4.0/24 (floating IPs from .2–.254, no DHCP), the demo project's `private`
 * network with `private-subnet` carved from the pool, `router1` from it to `public`, and both
 * projects' default security groups. A later start finds `public` and does nothing.
 */
export function bootstrapTopology(nc: NetCtx, adminProjectId: string, demoProjectId: string): BootstrapTopology {
  // One transaction: gateways of a fleet start together, and on PostgreSQL every transaction holds the
  // fleet-wide write lock, so exactly one of them builds the topology and the others find it.
  return ipamTransaction(nc, () => buildTopologyOnce(nc, adminProjectId, demoProjectId));
}

function buildTopologyOnce(nc: NetCtx, adminProjectId: string, demoProjectId: string): BootstrapTopology {
  const existing = nc.db.select({ id: netNetworks.id }).from(netNetworks).where(and(eq(netNetworks.name, 'public'), eq(netNetworks.external, true))).get();
  if (existing) return { publicNetworkId: existing.id, created: false };
  const admin = adminCtx(adminProjectId);
  const pool = createSubnetPool(nc, admin, { name: 'shared-default-subnetpool-v4', prefixes: ['10.0.0.0/22'], defaultPrefixlen: 26, minPrefixlen: 8, maxPrefixlen: 32, shared: true, isDefault: true });
  const pub = createNetwork(nc, admin, { name: 'public', external: true, isDefault: true, networkType: 'flat', physicalNetwork: 'public', mtu: 1500 });
  createSubnet(nc, admin, { networkId: pub.id, name: 'public-subnet', cidr: '172.24.4.0/24', gatewayIp: '172.24.4.1', allocationPools: [{ start: '172.24.4.2', end: '172.24.4.254' }], enableDhcp: false });
  const demo = { ...admin, auth: { ...admin.auth!, projectId: demoProjectId } };
  const priv = createNetwork(nc, demo, { name: 'private', projectId: demoProjectId });
  const sub = createSubnet(nc, demo, { networkId: priv.id, name: 'private-subnet', subnetpoolId: pool.id, projectId: demoProjectId });
  const router = createRouter(nc, demo, { name: 'router1', projectId: demoProjectId, externalGatewayInfo: { networkId: pub.id } });
  addRouterInterface(nc, demo, router.id, { subnetId: sub.id });
  ensureDefaultFor(nc, adminProjectId);
  ensureDefaultFor(nc, demoProjectId);
  return { publicNetworkId: pub.id, privateNetworkId: priv.id, routerId: router.id, created: true };
}

/**
 * The project's auto-allocated topology: made on first request (network, subnet from the default IPv4
 * pool, router to the default external network) and the same afterwards. `dryRun` only checks that it
 * could be made. Neutron's errors when the deployment lacks a default external network or pool.
 */
export function getAutoAllocatedTopology(nc: NetCtx, ctx: RequestContext, projectId: string, dryRun = false): { networkId: string; projectId: string } | { dryRun: 'pass' } {
  const owner = ownerFor(ctx, projectId, 'auto_allocated_topology');
  const found = nc.db.select().from(netAutoTopologies).where(eq(netAutoTopologies.projectId, owner)).get();
  if (found && !dryRun) return { networkId: found.networkId, projectId: owner };
  const ext = nc.db.select().from(netNetworks).where(and(eq(netNetworks.isDefault, true), eq(netNetworks.external, true))).get();
  if (!ext) throw conflictDeployment('No default router:external network');
  const pool = nc.db.select().from(netSubnetPools).where(and(eq(netSubnetPools.isDefault, true), eq(netSubnetPools.ipVersion, 4))).get();
  if (!pool) throw conflictDeployment('No default subnetpools defined');
  if (dryRun) return { dryRun: 'pass' };
  const net = createNetwork(nc, ctx, { name: 'auto_allocated_network', projectId: owner });
  let subnetId: string | undefined;
  let routerId: string | undefined;
  try {
    subnetId = createSubnet(nc, ctx, { networkId: net.id, name: 'auto_allocated_subnet_v4', subnetpoolId: pool.id, projectId: owner }).id;
    routerId = createRouter(nc, ctx, { name: 'auto_allocated_router', projectId: owner, externalGatewayInfo: { networkId: ext.id } }).id;
    addRouterInterface(nc, ctx, routerId, { subnetId });
    nc.db.insert(netAutoTopologies).values({ projectId: owner, networkId: net.id, routerId, createdAt: nc.now() }).run();
  } catch (e) {
    // Undo what was made, as Neutron's auto-allocation cleans up a failed attempt.
    if (routerId) {
      if (subnetId) tryQuietly(() => removeRouterInterface(nc, ctx, routerId!, { subnetId }));
      tryQuietly(() => deleteRouter(nc, ctx, routerId!));
    }
    if (subnetId) tryQuietly(() => deleteSubnet(nc, ctx, subnetId!));
    tryQuietly(() => deleteNetwork(nc, ctx, net.id));
    throw e;
  }
  return { networkId: net.id, projectId: owner };
}

/** Removes the project's auto-allocated topology; 404 when it has none. */
export function deleteAutoAllocatedTopology(nc: NetCtx, ctx: RequestContext, projectId: string): void {
  const owner = ownerFor(ctx, projectId, 'auto_allocated_topology');
  const found = nc.db.select().from(netAutoTopologies).where(eq(netAutoTopologies.projectId, owner)).get();
  if (!found) {
    const e = errors.notFound('auto_allocated_topology', owner, `Deployment error: Unable to find auto-allocated topology for project ${owner}.`);
    e.detail.type = 'AutoAllocatedTopologyNotFound';
    throw e;
  }
  const subnets = nc.db.select({ id: netSubnets.id }).from(netSubnets).where(eq(netSubnets.networkId, found.networkId)).all();
  if (found.routerId) {
    for (const s of subnets) tryQuietly(() => removeRouterInterface(nc, ctx, found.routerId!, { subnetId: s.id }));
    deleteRouter(nc, ctx, found.routerId);
  }
  deleteNetwork(nc, ctx, found.networkId);
  nc.db.delete(netAutoTopologies).where(eq(netAutoTopologies.projectId, owner)).run();
}

function conflictDeployment(why: string): Error {
  return badRequest(`Deployment error: ${why}.`, 'AutoAllocationFailure');
}

function tryQuietly(fn: () => unknown): void {
  try {
    fn();
  } catch {
    // Best effort: the original failure is what the caller sees.
  }
}
