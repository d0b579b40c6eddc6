// What the network service's modules share: deps, the caller's rights (admin, owner, RBAC visibility), ids, tags and revision bumps.
import { randomBytes } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import type { GroupCommit } from '../db/group-commit.js';
import type { Db } from '../db/index.js';
import { netNetworks, netTags } from '../db/schema/network.js';
import { errors } from '../errors.js';
import type { DbOrTx } from '../jobs/outbox.js';
import type { EnqueueOptions, JobName, JobPayloads } from '../jobs/port.js';
import type { Logger } from '../logger.js';
import type { NetworkStatements } from './statements.js';
import type { Quotas, Taggable } from './types.js';

/** Writes a job inside a transaction (the job outbox by default). */
export type NetworkEnqueue = <N extends JobName>(tx: DbOrTx, name: N, payload: JobPayloads[N], opts?: EnqueueOptions) => string;

/** Settings of the network service (from config). */
export interface NetworkSettings {
  /** First three octets of generated MACs (Neutron `base_mac`, default `fa:16:3e`). */
  macBase: string;
  /** MTU of new tenant (vxlan) networks; flat/vlan get `physicalMtu`. */
  tenantMtu: number;
  physicalMtu: number;
  /** The host whose L3 agent serves routers (devstack's network node). */
  networkHost: string;
  /** Hosts with L2, DHCP and metadata agents (compute hosts); the network host is one too. */
  hosts: string[];
  /** An agent is alive while its last heartbeat is younger than this (Neutron `agent_down_time`, 75 s). */
  agentDownTimeMs: number;
  /** Per-project defaults (Neutron `[quotas] quota_*`). */
  defaultQuotas: Quotas;
  /** The availability zone of every agent. */
  availabilityZone: string;
}

/** What the network service is built from. */
export interface NetworkServiceDeps {
  db: Db;
  logger: Logger;
  /** Defaults to the job outbox. */
  enqueueInTx?: NetworkEnqueue;
  settings?: Partial<NetworkSettings>;
  clock?: { now(): number };
  /** The group commit port creates join (the composition root shares one with compute, so a boot's port and state writes share a WAL sync); default: its own. */
  commits?: GroupCommit;
}

/** The shared state of one NetworkService. */
export interface NetCtx {
  db: Db;
  logger: Logger;
  enqueue: NetworkEnqueue;
  settings: NetworkSettings;
  now(): number;
  /** The hot queries, prepared once on `db`'s connection. */
  stmts: NetworkStatements;
  /** Where each subnet's next-free-address search may start (see `findFreeAddress` in ipam.ts). */
  ipamHints: Map<string, IpamHint>;
  /** Group commit of API port creates (one WAL sync per batch, off the event loop). */
  commits: GroupCommit;
}

/**
 * A subnet's search start: every pool address before (`pool`, `value`) was in use when it was recorded,
 * under those `pools` and that IPAM generation (which moves whenever an allocation is freed, in any process).
 */
export interface IpamHint {
  pools: string;
  generation: number;
  pool: number;
  value: bigint;
}

export const DEFAULT_SETTINGS: NetworkSettings = {
  macBase: 'fa:16:3e',
  tenantMtu: 1450,
  physicalMtu: 1500,
  networkHost: 'skybridge',
  hosts: ['skybridge'],
  agentDownTimeMs: 75_000,
  defaultQuotas: {
    network: 100,
    subnet: 100,
    port: 500,
    router: 10,
    floatingip: 50,
    security_group: 10,
    security_group_rule: 100,
    subnetpool: -1,
    rbac_policy: 10,
  },
  availabilityZone: 'nova',
};

/** True for an admin caller (Neutron's `context.is_admin`). */
export const isAdmin = (ctx: RequestContext) => !!ctx.auth?.roles.includes('admin');

/** The caller's project; Unauthenticated without a token, Forbidden without a project scope. */
export function callerProject(ctx: RequestContext): string {
  if (!ctx.auth) throw errors.unauthenticated();
  if (!ctx.auth.projectId) {
    if (isAdmin(ctx)) return '';
    throw errors.forbidden('A project-scoped token is required.', { reason: 'scope' });
  }
  return ctx.auth.projectId;
}

/**
 * The project a new resource belongs to: the caller's, or (admin only) the one asked for. Neutron
 * answers a member naming another project with 400-free policy failure 403.
 */
export function ownerFor(ctx: RequestContext, requested: string | undefined, resource: string): string {
  const own = callerProject(ctx);
  if (requested === undefined || requested === own) return own;
  if (!isAdmin(ctx)) throw errors.forbidden(`(rule:create_${resource} and (rule:create_${resource}:tenant_id)) is disallowed by policy`, { reason: 'policy' });
  return requested;
}

/** True when the caller owns `projectId` (or is admin). */
export function owns(ctx: RequestContext, projectId: string): boolean {
  return isAdmin(ctx) || (!!ctx.auth?.projectId && ctx.auth.projectId === projectId);
}

/** Random EC2 id: `prefix-` and 17 hex digits. */
export function newEc2Id(prefix: string): string {
  return `${prefix}-${randomBytes(9).toString('hex').slice(0, 17)}`;
}

export type NetworkRow = typeof netNetworks.$inferSelect;

/** Whether the caller sees a network: owner, admin, shared or external (RBAC `access_as_shared` / `access_as_external` to `*`). */
export function canSeeNetwork(ctx: RequestContext, row: NetworkRow): boolean {
  return row.shared || row.external || owns(ctx, row.projectId);
}

/** The network `id` as the caller may see it; NetworkNotFound otherwise. */
export function visibleNetwork(nc: NetCtx, ctx: RequestContext, id: string): NetworkRow {
  // Prepared on nc.db's connection: inside a transaction it reads that transaction's writes.
  const row = nc.stmts.networkById(id);
  if (!row || !canSeeNetwork(ctx, row)) throw notFound('network', id);
  return row;
}

/** Neutron's not-found errors (`NetworkNotFound`: "Network x could not be found."). */
export function notFound(resource: string, id: string): Error {
  const label: Record<string, [string, string]> = {
    network: ['NetworkNotFound', 'Network'],
    subnet: ['SubnetNotFound', 'Subnet'],
    port: ['PortNotFound', 'Port'],
    security_group: ['SecurityGroupNotFound', 'Security group'],
    security_group_rule: ['SecurityGroupRuleNotFound', 'Security group rule'],
    router: ['RouterNotFound', 'Router'],
    floatingip: ['FloatingIPNotFound', 'Floating IP'],
    subnetpool: ['SubnetPoolNotFound', 'Subnet pool'],
    address_scope: ['AddressScopeNotFound', 'Address scope'],
    agent: ['AgentNotFound', 'Agent'],
  };
  const [type, noun] = label[resource] ?? ['NotFound', resource];
  const e = errors.notFound(resource, id, `${noun} ${id} could not be found.`);
  e.detail.type = type;
  return e;
}

/** An Invalid error with Neutron's type name (`BadRequest`, `InvalidInput`, `InvalidCIDRInput`...). */
export function badRequest(message: string, type = 'BadRequest'): Error {
  return errors.invalid(message, { type });
}

/** A Conflict with Neutron's type name (`IpAddressInUse`, `NetworkInUse`...). */
export function conflict(resource: string, type: string, message: string): Error {
  return errors.conflict(resource, message, { type });
}

/** Tags of many resources in one query. */
export function tagsOf(db: DbOrTx, type: Taggable, ids: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (ids.length === 0) return out;
  const rows =
    ids.length === 1
      ? db.select().from(netTags).where(and(eq(netTags.resourceType, type), eq(netTags.resourceId, ids[0]!))).all()
      : db.select().from(netTags).where(and(eq(netTags.resourceType, type), inArray(netTags.resourceId, ids))).all();
  for (const r of rows) {
    let l = out.get(r.resourceId);
    if (!l) out.set(r.resourceId, (l = []));
    l.push(r.tag);
  }
  for (const l of out.values()) l.sort();
  return out;
}

/** Writes initial tags of a new resource (in its creation transaction). */
export function insertTags(tx: DbOrTx, type: Taggable, id: string, tags: string[] | undefined): void {
  for (const tag of new Set(tags ?? [])) tx.insert(netTags).values({ resourceType: type, resourceId: id, tag }).onConflictDoNothing().run();
}

/** Removes a deleted resource's tags. */
export function deleteTags(tx: DbOrTx, type: Taggable, id: string): void {
  tx.delete(netTags).where(and(eq(netTags.resourceType, type), eq(netTags.resourceId, id))).run();
}

/** Checks a name/description length as Neutron's attribute validators do (255). */
export function checkString(attr: string, v: unknown, max = 255): string {
  if (typeof v !== 'string') throw badRequest(`Invalid input for ${attr}. Reason: '${String(v)}' is not a valid string.`, 'HTTPBadRequest');
  if (v.length > max) throw badRequest(`Invalid input for ${attr}. Reason: '${v}' exceeds maximum length of ${max}.`, 'HTTPBadRequest');
  return v;
}

/** Validates a tag (Neutron: 1–255 characters, no comma, no slash). */
export function checkTag(tag: unknown): string {
  if (typeof tag !== 'string' || tag.length === 0 || tag.length > 255 || tag.includes(',') || tag.includes('/')) {
    throw badRequest(`Invalid input for operation: '${String(tag)}' is not a valid tag.`, 'InvalidInput');
  }
  return tag;
}
