// Subnet pools (prefixes subnets are carved from, prefix length bounds, a default pool per IP version) and address scopes.
import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, or } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import { netAddressScopes, netSubnetPools, netSubnets } from '../db/schema/network.js';
import { errors } from '../errors.js';
import type { DbOrTx } from '../jobs/outbox.js';
import { cidrContains, cidrsOverlap, formatCidr, lastAddr, parseCidr, type Cidr } from './addresses.js';
import { badRequest, checkString, conflict, deleteTags, insertTags, isAdmin, notFound, ownerFor, owns, tagsOf, type NetCtx } from './context.js';
import { checkQuota } from './quotas.js';
import type { AddressScope, CreateAddressScopeInput, CreateSubnetPoolInput, ListScope, SubnetPool, UpdateSubnetPoolInput } from './types.js';

type PoolRow = typeof netSubnetPools.$inferSelect;
type ScopeRow = typeof netAddressScopes.$inferSelect;

function toPools(db: DbOrTx, rows: PoolRow[]): SubnetPool[] {
  const tags = tagsOf(
    db,
    'subnetpools',
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({
    id: r.id,
    projectId: r.projectId,
    name: r.name,
    description: r.description,
    tags: tags.get(r.id) ?? [],
    revisionNumber: r.revision,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    ipVersion: r.ipVersion as 4 | 6,
    prefixes: r.prefixes,
    defaultPrefixlen: r.defaultPrefixlen,
    minPrefixlen: r.minPrefixlen,
    maxPrefixlen: r.maxPrefixlen,
    shared: r.shared,
    isDefault: r.isDefault,
    addressScopeId: r.addressScopeId,
    defaultQuota: r.defaultQuota,
  }));
}

function loadPool(db: DbOrTx, id: string): SubnetPool {
  const row = db.select().from(netSubnetPools).where(eq(netSubnetPools.id, id)).get();
  if (!row) throw notFound('subnetpool', id);
  return toPools(db, [row])[0]!;
}

function visiblePool(nc: NetCtx, ctx: RequestContext, id: string): PoolRow {
  const row = nc.db.select().from(netSubnetPools).where(eq(netSubnetPools.id, id)).get();
  if (!row || !(row.shared || owns(ctx, row.projectId))) throw notFound('subnetpool', id);
  return row;
}

/** Parses and merges prefixes (all one IP version); 400 on a bad one. */
function checkPrefixes(prefixes: string[]): Cidr[] {
  if (!Array.isArray(prefixes) || prefixes.length === 0) throw badRequest('Invalid input for prefixes. Reason: at least one prefix is required.', 'HTTPBadRequest');
  const out = prefixes.map((p) => {
    const c = parseCidr(p);
    if (!c) throw badRequest(`Invalid input for prefixes. Reason: '${p}' is not a valid IP subnet.`, 'HTTPBadRequest');
    return c;
  });
  if (new Set(out.map((c) => c.version)).size > 1) throw badRequest('Illegal subnetpool prefix: prefixes of mixed IP versions.', 'PrefixVersionMismatch');
  return out;
}

function checkScope(tx: DbOrTx, ctx: RequestContext, scopeId: string | null | undefined, version: number, prefixes: Cidr[], selfId?: string): void {
  if (!scopeId) return;
  const scope = tx.select().from(netAddressScopes).where(eq(netAddressScopes.id, scopeId)).get();
  if (!scope || !(scope.shared || owns(ctx, scope.projectId))) throw notFound('address_scope', scopeId);
  if (scope.ipVersion !== version) throw badRequest(`Illegal subnetpool association: subnetpool cannot be associated with address scope ${scopeId}: IP version mismatch.`, 'IllegalSubnetPoolIpVersionAssociationWithAddressScope');
  for (const other of tx.select().from(netSubnetPools).where(eq(netSubnetPools.addressScopeId, scopeId)).all()) {
    if (other.id === selfId) continue;
    for (const p of other.prefixes.map((x) => parseCidr(x)!)) {
      if (prefixes.some((q) => cidrsOverlap(p, q))) throw badRequest(`Illegal subnetpool association: subnetpool cannot be associated with address scope ${scopeId} because subnetpool ip_version is not ${version}, or its prefixes overlap with subnetpool ${other.id}.`, 'AddressScopePrefixConflict');
    }
  }
}

export function createSubnetPool(nc: NetCtx, ctx: RequestContext, input: CreateSubnetPoolInput): SubnetPool {
  const projectId = ownerFor(ctx, input.projectId, 'subnetpool');
  if ((input.shared || input.isDefault) && !isAdmin(ctx)) throw errors.forbidden('(rule:create_subnetpool and rule:create_subnetpool:shared) is disallowed by policy', { reason: 'policy' });
  const prefixes = checkPrefixes(input.prefixes);
  const v = prefixes[0]!.version;
  const max = v === 4 ? 32 : 128;
  const minLen = input.minPrefixlen ?? (v === 4 ? 8 : 64);
  const maxLen = input.maxPrefixlen ?? max;
  const defLen = input.defaultPrefixlen ?? minLen;
  for (const [attr, n] of [['min_prefixlen', minLen], ['max_prefixlen', maxLen], ['default_prefixlen', defLen]] as const) {
    if (!Number.isInteger(n) || n < 0 || n > max) throw badRequest(`Invalid input for ${attr}. Reason: '${n}' is not in the range 0-${max}.`, 'HTTPBadRequest');
  }
  if (!(minLen <= defLen && defLen <= maxLen)) throw badRequest(`Illegal prefix bounds: default_prefixlen=${defLen}, min_prefixlen=${minLen}, max_prefixlen=${maxLen}.`, 'IllegalSubnetPoolPrefixBounds');
  const id = randomUUID();
  const now = nc.now();
  return nc.db.transaction((tx) => {
    checkQuota(nc, tx, projectId, 'subnetpool');
    checkScope(tx, ctx, input.addressScopeId, v, prefixes);
    if (input.isDefault) {
      const existing = tx.select({ id: netSubnetPools.id }).from(netSubnetPools).where(and(eq(netSubnetPools.isDefault, true), eq(netSubnetPools.ipVersion, v))).get();
      if (existing) throw badRequest(`Invalid input for operation: A default subnetpool for this IP family has already been set. Only one default may exist per IP family.`, 'InvalidInput');
    }
    tx.insert(netSubnetPools)
      .values({
        id,
        projectId,
        name: input.name !== undefined ? checkString('name', input.name) : '',
        description: input.description !== undefined ? checkString('description', input.description) : '',
        ipVersion: v,
        prefixes: prefixes.map(formatCidr),
        defaultPrefixlen: defLen,
        minPrefixlen: minLen,
        maxPrefixlen: maxLen,
        shared: input.shared ?? false,
        isDefault: input.isDefault ?? false,
        addressScopeId: input.addressScopeId ?? null,
        defaultQuota: input.defaultQuota ?? null,
        revision: 1,
        createdAt: now,
        updatedAt: now,
      })
      .run();
    insertTags(tx, 'subnetpools', id, input.tags);
    return loadPool(tx, id);
  });
}

export function getSubnetPool(nc: NetCtx, ctx: RequestContext, id: string): SubnetPool {
  visiblePool(nc, ctx, id);
  return loadPool(nc.db, id);
}

export function listSubnetPools(nc: NetCtx, ctx: RequestContext, scope: ListScope = {}): SubnetPool[] {
  if (!ctx.auth) throw errors.unauthenticated();
  const conds = [];
  if (!isAdmin(ctx)) conds.push(or(eq(netSubnetPools.projectId, ctx.auth.projectId ?? ''), eq(netSubnetPools.shared, true)));
  if (scope.ids) conds.push(inArray(netSubnetPools.id, scope.ids));
  return toPools(nc.db, nc.db.select().from(netSubnetPools).where(and(...conds)).orderBy(asc(netSubnetPools.createdAt), asc(netSubnetPools.id)).all());
}

/** Updates a pool; prefixes may only grow (every old prefix stays covered). */
export function updateSubnetPool(nc: NetCtx, ctx: RequestContext, id: string, input: UpdateSubnetPoolInput): SubnetPool {
  const row = visiblePool(nc, ctx, id);
  if (!owns(ctx, row.projectId)) throw errors.forbidden('rule:update_subnetpool is disallowed by policy', { reason: 'policy' });
  if (input.isDefault !== undefined && !isAdmin(ctx)) throw errors.forbidden('rule:update_subnetpool:is_default is disallowed by policy', { reason: 'policy' });
  const now = nc.now();
  return nc.db.transaction((tx) => {
    const set: Partial<PoolRow> = {};
    if (input.prefixes !== undefined) {
      const next = checkPrefixes(input.prefixes);
      if (next[0]!.version !== row.ipVersion) throw badRequest('Illegal subnetpool prefix update: IP version mismatch.', 'PrefixVersionMismatch');
      for (const old of row.prefixes.map((p) => parseCidr(p)!)) {
        if (!next.some((n) => cidrContains(n, old.version, old.network) && cidrContains(n, old.version, lastAddr(old)))) {
          throw badRequest(`Illegal subnetpool prefix update: ${formatCidr(old)} would be removed; prefixes may only grow.`, 'IllegalSubnetPoolPrefixUpdate');
        }
      }
      set.prefixes = next.map(formatCidr);
    }
    if (input.addressScopeId !== undefined) {
      checkScope(tx, ctx, input.addressScopeId, row.ipVersion, (set.prefixes ?? row.prefixes).map((p) => parseCidr(p)!), id);
      set.addressScopeId = input.addressScopeId;
    }
    if (input.name !== undefined) set.name = checkString('name', input.name);
    if (input.description !== undefined) set.description = checkString('description', input.description);
    if (input.defaultPrefixlen !== undefined) set.defaultPrefixlen = input.defaultPrefixlen;
    if (input.minPrefixlen !== undefined) set.minPrefixlen = input.minPrefixlen;
    if (input.maxPrefixlen !== undefined) set.maxPrefixlen = input.maxPrefixlen;
    if (input.defaultQuota !== undefined) set.defaultQuota = input.defaultQuota;
    if (input.isDefault !== undefined) {
      if (input.isDefault) tx.update(netSubnetPools).set({ isDefault: false }).where(and(eq(netSubnetPools.isDefault, true), eq(netSubnetPools.ipVersion, row.ipVersion))).run();
      set.isDefault = input.isDefault;
    }
    const minL = set.minPrefixlen ?? row.minPrefixlen;
    const maxL = set.maxPrefixlen ?? row.maxPrefixlen;
    const defL = set.defaultPrefixlen ?? row.defaultPrefixlen;
    if (!(minL <= defL && defL <= maxL)) throw badRequest(`Illegal prefix bounds: default_prefixlen=${defL}, min_prefixlen=${minL}, max_prefixlen=${maxL}.`, 'IllegalSubnetPoolPrefixBounds');
    tx.update(netSubnetPools)
      .set({ ...set, revision: row.revision + 1, updatedAt: Math.max(now, row.updatedAt) })
      .where(eq(netSubnetPools.id, id))
      .run();
    return loadPool(tx, id);
  });
}

export function deleteSubnetPool(nc: NetCtx, ctx: RequestContext, id: string): void {
  const row = visiblePool(nc, ctx, id);
  if (!owns(ctx, row.projectId)) throw errors.forbidden('rule:delete_subnetpool is disallowed by policy', { reason: 'policy' });
  nc.db.transaction((tx) => {
    if (tx.select({ id: netSubnets.id }).from(netSubnets).where(eq(netSubnets.subnetpoolId, id)).limit(1).get()) {
      throw conflict('subnetpool', 'SubnetPoolInUse', `Unable to complete operation on subnet pool ${id}. Subnets are still allocated from it.`);
    }
    tx.delete(netSubnetPools).where(eq(netSubnetPools.id, id)).run();
    deleteTags(tx, 'subnetpools', id);
  });
}

// Address scopes

function toScopes(db: DbOrTx, rows: ScopeRow[]): AddressScope[] {
  const tags = tagsOf(
    db,
    'address_scopes',
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({
    id: r.id,
    projectId: r.projectId,
    name: r.name,
    description: '',
    tags: tags.get(r.id) ?? [],
    revisionNumber: r.revision,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    ipVersion: r.ipVersion as 4 | 6,
    shared: r.shared,
  }));
}

function visibleScope(nc: NetCtx, ctx: RequestContext, id: string): ScopeRow {
  const row = nc.db.select().from(netAddressScopes).where(eq(netAddressScopes.id, id)).get();
  if (!row || !(row.shared || owns(ctx, row.projectId))) throw notFound('address_scope', id);
  return row;
}

export function createAddressScope(nc: NetCtx, ctx: RequestContext, input: CreateAddressScopeInput): AddressScope {
  const projectId = ownerFor(ctx, input.projectId, 'address_scope');
  if (input.shared && !isAdmin(ctx)) throw errors.forbidden('(rule:create_address_scope and rule:create_address_scope:shared) is disallowed by policy', { reason: 'policy' });
  if (input.ipVersion !== 4 && input.ipVersion !== 6) throw badRequest(`Invalid input for ip_version. Reason: '${input.ipVersion}' is not in [4, 6].`, 'HTTPBadRequest');
  const id = randomUUID();
  const now = nc.now();
  nc.db.insert(netAddressScopes).values({ id, projectId, name: checkString('name', input.name), ipVersion: input.ipVersion, shared: input.shared ?? false, revision: 1, createdAt: now, updatedAt: now }).run();
  return toScopes(nc.db, [nc.db.select().from(netAddressScopes).where(eq(netAddressScopes.id, id)).get()!])[0]!;
}

export function getAddressScope(nc: NetCtx, ctx: RequestContext, id: string): AddressScope {
  return toScopes(nc.db, [visibleScope(nc, ctx, id)])[0]!;
}

export function listAddressScopes(nc: NetCtx, ctx: RequestContext, scope: ListScope = {}): AddressScope[] {
  if (!ctx.auth) throw errors.unauthenticated();
  const conds = [];
  if (!isAdmin(ctx)) conds.push(or(eq(netAddressScopes.projectId, ctx.auth.projectId ?? ''), eq(netAddressScopes.shared, true)));
  if (scope.ids) conds.push(inArray(netAddressScopes.id, scope.ids));
  return toScopes(nc.db, nc.db.select().from(netAddressScopes).where(and(...conds)).orderBy(asc(netAddressScopes.createdAt), asc(netAddressScopes.id)).all());
}

export function updateAddressScope(nc: NetCtx, ctx: RequestContext, id: string, input: { name?: string; shared?: boolean }): AddressScope {
  const row = visibleScope(nc, ctx, id);
  if (!owns(ctx, row.projectId)) throw errors.forbidden('rule:update_address_scope is disallowed by policy', { reason: 'policy' });
  if (input.shared !== undefined && !isAdmin(ctx)) throw errors.forbidden('rule:update_address_scope:shared is disallowed by policy', { reason: 'policy' });
  nc.db
    .update(netAddressScopes)
    .set({ ...(input.name !== undefined ? { name: checkString('name', input.name) } : {}), ...(input.shared !== undefined ? { shared: input.shared } : {}), revision: row.revision + 1, updatedAt: Math.max(nc.now(), row.updatedAt) })
    .where(eq(netAddressScopes.id, id))
    .run();
  return getAddressScope(nc, ctx, id);
}

export function deleteAddressScope(nc: NetCtx, ctx: RequestContext, id: string): void {
  const row = visibleScope(nc, ctx, id);
  if (!owns(ctx, row.projectId)) throw errors.forbidden('rule:delete_address_scope is disallowed by policy', { reason: 'policy' });
  nc.db.transaction((tx) => {
    if (tx.select({ id: netSubnetPools.id }).from(netSubnetPools).where(eq(netSubnetPools.addressScopeId, id)).limit(1).get()) {
      throw conflict('address_scope', 'AddressScopeInUse', `Unable to complete operation on address scope ${id}. There are one or more subnet pools in use on the address scope.`);
    }
    tx.delete(netAddressScopes).where(eq(netAddressScopes.id, id)).run();
    deleteTags(tx, 'address_scopes', id);
  });
}
