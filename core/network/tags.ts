// The tag sub-resource of every network resource: list, replace, add, check, remove one, remove all (owner or admin).
import { and, eq } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import { netAddressScopes, netFloatingIps, netNetworks, netRouters, netSecurityGroups, netSubnetPools, netTags } from '../db/schema/network.js';
import { errors } from '../errors.js';
import { badRequest, checkTag, notFound, owns, tagsOf, type NetCtx } from './context.js';
import { visiblePort } from './ports.js';
import { visibleSubnet } from './subnets.js';
import type { Taggable } from './types.js';

/** Neutron's limit on tags per resource. */
const MAX_TAGS = 50;

const SINGULAR: Record<Taggable, string> = {
  networks: 'network',
  subnets: 'subnet',
  ports: 'port',
  routers: 'router',
  floatingips: 'floatingip',
  security_groups: 'security_group',
  subnetpools: 'subnetpool',
  address_scopes: 'address_scope',
};

/** The owner of a resource the caller may see, for the tag checks; NotFound otherwise. */
function ownerOf(nc: NetCtx, ctx: RequestContext, type: Taggable, id: string): string {
  const db = nc.db;
  const visible = (row: { projectId: string; shared?: boolean; external?: boolean } | undefined) => {
    if (!row || !(owns(ctx, row.projectId) || row.shared || row.external)) throw notFound(SINGULAR[type], id);
    return row.projectId;
  };
  switch (type) {
    case 'networks':
      return visible(db.select({ projectId: netNetworks.projectId, shared: netNetworks.shared, external: netNetworks.external }).from(netNetworks).where(eq(netNetworks.id, id)).get());
    case 'subnets':
      return visibleSubnet(nc, ctx, id).projectId;
    case 'ports':
      return visiblePort(nc, ctx, id).projectId;
    case 'routers':
      return visible(db.select({ projectId: netRouters.projectId }).from(netRouters).where(eq(netRouters.id, id)).get());
    case 'floatingips':
      return visible(db.select({ projectId: netFloatingIps.projectId }).from(netFloatingIps).where(eq(netFloatingIps.id, id)).get());
    case 'security_groups':
      return visible(db.select({ projectId: netSecurityGroups.projectId }).from(netSecurityGroups).where(eq(netSecurityGroups.id, id)).get());
    case 'subnetpools':
      return visible(db.select({ projectId: netSubnetPools.projectId, shared: netSubnetPools.shared }).from(netSubnetPools).where(eq(netSubnetPools.id, id)).get());
    case 'address_scopes':
      return visible(db.select({ projectId: netAddressScopes.projectId, shared: netAddressScopes.shared }).from(netAddressScopes).where(eq(netAddressScopes.id, id)).get());
  }
}

function requireWrite(ctx: RequestContext, owner: string, type: Taggable): void {
  if (!owns(ctx, owner)) throw errors.forbidden(`rule:update_${SINGULAR[type]}:tags is disallowed by policy`, { reason: 'policy' });
}

export function listTags(nc: NetCtx, ctx: RequestContext, type: Taggable, id: string): string[] {
  ownerOf(nc, ctx, type, id);
  return tagsOf(nc.db, type, [id]).get(id) ?? [];
}

/** 404 (TagNotFound) unless the resource carries `tag`. */
export function checkHasTag(nc: NetCtx, ctx: RequestContext, type: Taggable, id: string, tag: string): void {
  ownerOf(nc, ctx, type, id);
  const has = nc.db.select().from(netTags).where(and(eq(netTags.resourceType, type), eq(netTags.resourceId, id), eq(netTags.tag, tag))).get();
  if (!has) throw tagNotFound(id, tag);
}

function tagNotFound(id: string, tag: string): Error {
  const e = errors.notFound('tag', tag, `Tag ${tag} could not be found for resource ${id}.`);
  e.detail.type = 'TagNotFound';
  return e;
}

export function replaceTags(nc: NetCtx, ctx: RequestContext, type: Taggable, id: string, tags: unknown): string[] {
  const owner = ownerOf(nc, ctx, type, id);
  requireWrite(ctx, owner, type);
  if (!Array.isArray(tags)) throw badRequest(`Invalid input for tags. Reason: '${String(tags)}' is not a list.`, 'HTTPBadRequest');
  const clean = [...new Set(tags.map(checkTag))];
  if (clean.length > MAX_TAGS) throw badRequest(`Number of tags exceeds the limit of ${MAX_TAGS}.`, 'TagLimitExceeded');
  nc.db.transaction((tx) => {
    tx.delete(netTags).where(and(eq(netTags.resourceType, type), eq(netTags.resourceId, id))).run();
    for (const tag of clean) tx.insert(netTags).values({ resourceType: type, resourceId: id, tag }).run();
  });
  return clean.sort();
}

export function addTag(nc: NetCtx, ctx: RequestContext, type: Taggable, id: string, tag: string): void {
  const owner = ownerOf(nc, ctx, type, id);
  requireWrite(ctx, owner, type);
  const t = checkTag(tag);
  nc.db.transaction((tx) => {
    const have = tagsOf(tx, type, [id]).get(id) ?? [];
    if (have.includes(t)) return;
    if (have.length + 1 > MAX_TAGS) throw badRequest(`Number of tags exceeds the limit of ${MAX_TAGS}.`, 'TagLimitExceeded');
    tx.insert(netTags).values({ resourceType: type, resourceId: id, tag: t }).onConflictDoNothing().run();
  });
}

export function removeTag(nc: NetCtx, ctx: RequestContext, type: Taggable, id: string, tag: string): void {
  const owner = ownerOf(nc, ctx, type, id);
  requireWrite(ctx, owner, type);
  const n = nc.db.delete(netTags).where(and(eq(netTags.resourceType, type), eq(netTags.resourceId, id), eq(netTags.tag, tag))).run().changes;
  if (n === 0) throw tagNotFound(id, tag);
}

export function removeAllTags(nc: NetCtx, ctx: RequestContext, type: Taggable, id: string): void {
  const owner = ownerOf(nc, ctx, type, id);
  requireWrite(ctx, owner, type);
  nc.db.delete(netTags).where(and(eq(netTags.resourceType, type), eq(netTags.resourceId, id))).run();
}
