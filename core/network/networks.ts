// Networks: create (tenant vxlan or admin provider segments), show, list with RBAC visibility, update, delete (refused while ports use it).
import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, max, ne, or } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import { netNetworks, netPorts, netSubnets } from '../db/schema/network.js';
import { errors } from '../errors.js';
import type { DbOrTx } from '../jobs/outbox.js';
import { badRequest, checkString, conflict, deleteTags, insertTags, isAdmin, newEc2Id, ownerFor, owns, tagsOf, visibleNetwork, type NetCtx, type NetworkRow } from './context.js';
import { checkQuota } from './quotas.js';
import type { CreateNetworkInput, ListScope, Network, UpdateNetworkInput } from './types.js';

const NETWORK_TYPES = ['vxlan', 'geneve', 'vlan', 'flat', 'local'];
const MAX_VNI = 16_777_215;

/** Rows → model, with subnets and tags (two queries for the page). */
export function toNetworks(nc: NetCtx, db: DbOrTx, rows: NetworkRow[]): Network[] {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const subnets = db.select({ id: netSubnets.id, networkId: netSubnets.networkId }).from(netSubnets).where(inArray(netSubnets.networkId, ids)).orderBy(asc(netSubnets.createdAt), asc(netSubnets.id)).all();
  const byNet = new Map<string, string[]>();
  for (const s of subnets) {
    let l = byNet.get(s.networkId);
    if (!l) byNet.set(s.networkId, (l = []));
    l.push(s.id);
  }
  const tags = tagsOf(db, 'networks', ids);
  return rows.map((r) => ({
    id: r.id,
    ec2Id: r.ec2Id,
    projectId: r.projectId,
    name: r.name,
    description: r.description,
    tags: tags.get(r.id) ?? [],
    revisionNumber: r.revision,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    adminStateUp: r.adminStateUp,
    status: r.status,
    shared: r.shared,
    external: r.external,
    isDefault: r.isDefault,
    mtu: r.mtu,
    networkType: r.networkType,
    physicalNetwork: r.physicalNetwork,
    segmentationId: r.segmentationId,
    portSecurityEnabled: r.portSecurityEnabled,
    dnsDomain: r.dnsDomain,
    availabilityZoneHints: r.azHints,
    availabilityZones: [nc.settings.availabilityZone],
    subnets: byNet.get(r.id) ?? [],
  }));
}

export function loadNetwork(nc: NetCtx, db: DbOrTx, id: string): Network {
  const row = db.select().from(netNetworks).where(eq(netNetworks.id, id)).get();
  if (!row) throw errors.notFound('network', id, `Network ${id} could not be found.`);
  return toNetworks(nc, db, [row])[0]!;
}

/** The next free VXLAN VNI (the transaction runs alone, so max + 1 cannot be taken twice). */
function nextVni(tx: DbOrTx): number {
  const top = tx.select({ m: max(netNetworks.segmentationId) }).from(netNetworks).where(eq(netNetworks.networkType, 'vxlan')).get()?.m ?? 0;
  const next = Number(top) + 1;
  if (next > MAX_VNI) throw errors.conflict('network', 'Unable to create the network. No tenant network is available for allocation.', { type: 'NoNetworkAvailable' });
  return next;
}

/**
 * Creates a network. Members get a VXLAN tenant network with the next VNI; admins may set provider
 * attributes (`provider:network_type` flat/vlan/vxlan/geneve/local, physical network, segment),
 * `shared`, `router:external` and `is_default`.
 */
export function createNetwork(nc: NetCtx, ctx: RequestContext, input: CreateNetworkInput): Network {
  const projectId = ownerFor(ctx, input.projectId, 'network');
  const admin = isAdmin(ctx);
  for (const [attr, v] of [['shared', input.shared], ['router:external', input.external], ['is_default', input.isDefault]] as const) {
    if (v === true && !admin) throw errors.forbidden(`(rule:create_network and rule:create_network:${attr}) is disallowed by policy`, { reason: 'policy' });
  }
  const provider = input.networkType !== undefined || input.physicalNetwork != null || input.segmentationId != null;
  if (provider && !admin) throw errors.forbidden('(rule:create_network and rule:create_network:provider:network_type) is disallowed by policy', { reason: 'policy' });
  const networkType = input.networkType ?? 'vxlan';
  if (!NETWORK_TYPES.includes(networkType)) throw badRequest(`Invalid input for operation: network_type value '${networkType}' not supported.`, 'InvalidInput');
  const physicalNetwork = input.physicalNetwork ?? null;
  if ((networkType === 'flat' || networkType === 'vlan') && !physicalNetwork) throw badRequest(`Invalid input for operation: physical_network required for ${networkType} provider network.`, 'InvalidInput');
  if ((networkType === 'vxlan' || networkType === 'geneve' || networkType === 'local') && physicalNetwork) {
    throw badRequest(`Invalid input for operation: ${networkType} prohibits physical network.`, 'InvalidInput');
  }
  const seg = input.segmentationId ?? null;
  if (seg !== null && (networkType === 'flat' || networkType === 'local')) throw badRequest(`Invalid input for operation: segmentation_id prohibited for ${networkType} provider network.`, 'InvalidInput');
  if (seg !== null && (!Number.isInteger(seg) || seg < 1 || seg > (networkType === 'vlan' ? 4094 : MAX_VNI))) throw badRequest(`Invalid input for operation: segmentation_id ${seg} out of range.`, 'InvalidInput');
  if (input.mtu !== undefined && (!Number.isInteger(input.mtu) || input.mtu < 68)) throw badRequest(`Invalid input for mtu. Reason: '${input.mtu}' is too small - must be at least '68'.`, 'HTTPBadRequest');
  const defaultMtu = networkType === 'vxlan' || networkType === 'geneve' ? nc.settings.tenantMtu : nc.settings.physicalMtu;
  const id = randomUUID();
  const now = nc.now();
  return nc.db.transaction((tx) => {
    checkQuota(nc, tx, projectId, 'network');
    let segmentationId = seg;
    if (networkType === 'vxlan' || networkType === 'geneve') segmentationId ??= nextVni(tx);
    if (networkType === 'vlan' && segmentationId === null) throw badRequest('Invalid input for operation: segmentation_id required for vlan provider network.', 'InvalidInput');
    const segmentKey = segmentationId === null ? (networkType === 'flat' ? `flat:${physicalNetwork}:` : null) : `${networkType === 'geneve' ? 'vxlan' : networkType}:${physicalNetwork ?? ''}:${segmentationId}`;
    if (segmentKey && tx.select({ id: netNetworks.id }).from(netNetworks).where(eq(netNetworks.segmentKey, segmentKey)).get()) {
      throw conflict('network', networkType === 'flat' ? 'FlatNetworkInUse' : 'SegmentationIdInUse', networkType === 'flat'
        ? `Unable to create the flat network. Physical network ${physicalNetwork} is in use.`
        : `Unable to create the network. The ${networkType} ${segmentationId} on physical network ${physicalNetwork ?? ''} is in use.`);
    }
    if (input.isDefault) tx.update(netNetworks).set({ isDefault: false }).where(eq(netNetworks.isDefault, true)).run();
    tx.insert(netNetworks)
      .values({
        id,
        ec2Id: newEc2Id('vpc'),
        projectId,
        name: input.name !== undefined ? checkString('name', input.name) : '',
        description: input.description !== undefined ? checkString('description', input.description) : '',
        adminStateUp: input.adminStateUp ?? true,
        status: 'ACTIVE',
        shared: input.shared ?? false,
        external: input.external ?? false,
        isDefault: (input.isDefault ?? false) && (input.external ?? false),
        mtu: input.mtu ?? defaultMtu,
        networkType,
        physicalNetwork,
        segmentationId,
        segmentKey,
        portSecurityEnabled: input.portSecurityEnabled ?? true,
        dnsDomain: input.dnsDomain ?? '',
        azHints: input.availabilityZoneHints ?? [],
        revision: 1,
        createdAt: now,
        updatedAt: now,
      })
      .run();
    insertTags(tx, 'networks', id, input.tags);
    return loadNetwork(nc, tx, id);
  });
}

export function getNetwork(nc: NetCtx, ctx: RequestContext, id: string): Network {
  visibleNetwork(nc, ctx, id);
  return loadNetwork(nc, nc.db, id);
}

/** The networks the caller sees: its own, shared and external ones (admins: all). */
export function listNetworks(nc: NetCtx, ctx: RequestContext, scope: ListScope = {}): Network[] {
  if (!ctx.auth) throw errors.unauthenticated();
  const conds = [];
  if (!isAdmin(ctx)) conds.push(or(eq(netNetworks.projectId, ctx.auth.projectId ?? ''), eq(netNetworks.shared, true), eq(netNetworks.external, true)));
  if (scope.ids) conds.push(inArray(netNetworks.id, scope.ids));
  if (scope.projectId !== undefined) conds.push(eq(netNetworks.projectId, scope.projectId));
  const rows = nc.db.select().from(netNetworks).where(and(...conds)).orderBy(asc(netNetworks.createdAt), asc(netNetworks.id)).all();
  return toNetworks(nc, nc.db, rows);
}

/** Updates a network (owner or admin; `shared`, `router:external`, `is_default` admin only). */
export function updateNetwork(nc: NetCtx, ctx: RequestContext, id: string, input: UpdateNetworkInput): Network {
  const row = visibleNetwork(nc, ctx, id);
  if (!owns(ctx, row.projectId)) throw errors.forbidden('rule:update_network is disallowed by policy', { reason: 'policy' });
  for (const [attr, v, cur] of [['shared', input.shared, row.shared], ['router:external', input.external, row.external], ['is_default', input.isDefault, row.isDefault]] as const) {
    if (v !== undefined && v !== cur && !isAdmin(ctx)) throw errors.forbidden(`rule:update_network:${attr} is disallowed by policy`, { reason: 'policy' });
  }
  if (input.mtu !== undefined && (!Number.isInteger(input.mtu) || input.mtu < 68)) throw badRequest(`Invalid input for mtu. Reason: '${input.mtu}' is too small - must be at least '68'.`, 'HTTPBadRequest');
  const now = nc.now();
  return nc.db.transaction((tx) => {
    const cur = tx.select().from(netNetworks).where(eq(netNetworks.id, id)).get();
    if (!cur) throw errors.notFound('network', id, `Network ${id} could not be found.`);
    if (input.shared === false && cur.shared) {
      // Neutron refuses un-sharing while other projects have ports on the network.
      const foreign = tx.select({ id: netPorts.id }).from(netPorts).where(and(eq(netPorts.networkId, id), ne(netPorts.projectId, cur.projectId), ne(netPorts.projectId, ''))).limit(1).get();
      if (foreign) throw conflict('network', 'InvalidSharedSetting', `Unable to reconfigure sharing settings for network ${id}. Multiple tenants are using it.`);
    }
    if (input.isDefault) tx.update(netNetworks).set({ isDefault: false }).where(eq(netNetworks.isDefault, true)).run();
    tx.update(netNetworks)
      .set({
        ...(input.name !== undefined ? { name: checkString('name', input.name) } : {}),
        ...(input.description !== undefined ? { description: checkString('description', input.description) } : {}),
        ...(input.adminStateUp !== undefined ? { adminStateUp: input.adminStateUp } : {}),
        ...(input.shared !== undefined ? { shared: input.shared } : {}),
        ...(input.external !== undefined ? { external: input.external } : {}),
        ...(input.isDefault !== undefined ? { isDefault: input.isDefault } : {}),
        ...(input.mtu !== undefined ? { mtu: input.mtu } : {}),
        ...(input.portSecurityEnabled !== undefined ? { portSecurityEnabled: input.portSecurityEnabled } : {}),
        ...(input.dnsDomain !== undefined ? { dnsDomain: input.dnsDomain } : {}),
        revision: cur.revision + 1,
        updatedAt: Math.max(now, cur.updatedAt),
      })
      .where(eq(netNetworks.id, id))
      .run();
    return loadNetwork(nc, tx, id);
  });
}

/**
 * Deletes a network and its subnets. Refused (409 NetworkInUse) while any port other than a DHCP
 * port is on it (server ports, router interfaces and gateways, floating IPs).
 */
export function deleteNetwork(nc: NetCtx, ctx: RequestContext, id: string): void {
  const row = visibleNetwork(nc, ctx, id);
  if (!owns(ctx, row.projectId)) throw errors.forbidden('rule:delete_network is disallowed by policy', { reason: 'policy' });
  nc.db.transaction((tx) => {
    const inUse = tx.select({ id: netPorts.id }).from(netPorts).where(and(eq(netPorts.networkId, id), ne(netPorts.deviceOwner, 'network:dhcp'))).limit(1).get();
    if (inUse) throw conflict('network', 'NetworkInUse', `Unable to complete operation on network ${id}. There are one or more ports still in use on the network.`);
    for (const s of tx.select({ id: netSubnets.id }).from(netSubnets).where(eq(netSubnets.networkId, id)).all()) deleteTags(tx, 'subnets', s.id);
    tx.delete(netPorts).where(eq(netPorts.networkId, id)).run();
    tx.delete(netSubnets).where(eq(netSubnets.networkId, id)).run();
    tx.delete(netNetworks).where(eq(netNetworks.id, id)).run();
    deleteTags(tx, 'networks', id);
  });
}
