// Security groups and rules: the per-project default group (created on first use), rule validation and duplicate detection as Neutron does them.
import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import { netPortSecurityGroups, netSecurityGroupRules, netSecurityGroups } from '../db/schema/network.js';
import { errors } from '../errors.js';
import type { DbOrTx } from '../jobs/outbox.js';
import { formatCidr, parseCidr } from './addresses.js';
import { badRequest, callerProject, checkString, conflict, deleteTags, insertTags, isAdmin, newEc2Id, notFound, ownerFor, owns, tagsOf, type NetCtx } from './context.js';
import { checkQuota } from './quotas.js';
import type { CreateSecurityGroupInput, CreateSecurityGroupRuleInput, ListScope, SecurityGroup, SecurityGroupRule, UpdateSecurityGroupInput } from './types.js';

type GroupRow = typeof netSecurityGroups.$inferSelect;
type RuleRow = typeof netSecurityGroupRules.$inferSelect;

/** Protocol names Neutron accepts, with their IP protocol numbers. */
const PROTOCOLS: Record<string, number> = {
  ah: 51,
  dccp: 33,
  egp: 8,
  esp: 50,
  gre: 47,
  hopopt: 0,
  icmp: 1,
  igmp: 2,
  ipip: 4,
  'ipv6-encap': 41,
  'ipv6-frag': 44,
  'ipv6-icmp': 58,
  icmpv6: 58,
  'ipv6-nonxt': 59,
  'ipv6-opts': 60,
  'ipv6-route': 43,
  ospf: 89,
  pgm: 113,
  rsvp: 46,
  sctp: 132,
  tcp: 6,
  udp: 17,
  udplite: 136,
  vrrp: 112,
};
const PORT_PROTOCOLS = new Set(['tcp', 'udp', 'udplite', 'sctp', 'dccp', '6', '17', '136', '132', '33']);
const ICMP_PROTOCOLS = new Set(['icmp', 'icmpv6', 'ipv6-icmp', '1', '58']);

function toRule(r: RuleRow): SecurityGroupRule {
  return {
    id: r.id,
    projectId: r.projectId,
    securityGroupId: r.securityGroupId,
    direction: r.direction as 'ingress' | 'egress',
    ethertype: r.ethertype as 'IPv4' | 'IPv6',
    protocol: r.protocol,
    portRangeMin: r.portRangeMin,
    portRangeMax: r.portRangeMax,
    remoteIpPrefix: r.remoteIpPrefix,
    remoteGroupId: r.remoteGroupId,
    remoteAddressGroupId: r.remoteAddressGroupId,
    normalizedCidr: r.remoteIpPrefix,
    description: r.description,
    revisionNumber: r.revision,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

function toGroups(db: DbOrTx, rows: GroupRow[]): SecurityGroup[] {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const rules = db.select().from(netSecurityGroupRules).where(inArray(netSecurityGroupRules.securityGroupId, ids)).orderBy(asc(netSecurityGroupRules.createdAt), asc(netSecurityGroupRules.id)).all();
  const by = new Map<string, SecurityGroupRule[]>();
  for (const r of rules) {
    let l = by.get(r.securityGroupId);
    if (!l) by.set(r.securityGroupId, (l = []));
    l.push(toRule(r));
  }
  const tags = tagsOf(db, 'security_groups', ids);
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
    stateful: r.stateful,
    isDefault: r.defaultFor !== null,
    rules: by.get(r.id) ?? [],
  }));
}

function loadGroup(db: DbOrTx, id: string): SecurityGroup {
  const row = db.select().from(netSecurityGroups).where(eq(netSecurityGroups.id, id)).get();
  if (!row) throw notFound('security_group', id);
  return toGroups(db, [row])[0]!;
}

/**
 * The project's `default` group, created in `tx` if missing: ingress from members of the group and
 * all egress, for IPv4 and IPv6 (as Neutron creates it). Returns its id.
 */
export function ensureDefaultGroup(nc: NetCtx, tx: DbOrTx, projectId: string): string {
  const found = nc.stmts.defaultGroupId(projectId);
  if (found) return found;
  const id = randomUUID();
  const now = nc.now();
  tx.insert(netSecurityGroups)
    .values({ id, ec2Id: newEc2Id('sg'), projectId, name: 'default', description: 'Default security group', stateful: true, defaultFor: projectId, revision: 1, createdAt: now, updatedAt: now })
    .run();
  const rule = (direction: string, ethertype: string, remoteGroupId: string | null, i: number) =>
    tx
      .insert(netSecurityGroupRules)
      .values({ id: randomUUID(), securityGroupId: id, projectId, direction, ethertype, protocol: null, portRangeMin: null, portRangeMax: null, remoteIpPrefix: null, remoteGroupId, revision: 0, createdAt: now + i, updatedAt: now + i })
      .run();
  rule('egress', 'IPv4', null, 0);
  rule('egress', 'IPv6', null, 0);
  rule('ingress', 'IPv4', id, 0);
  rule('ingress', 'IPv6', id, 0);
  return id;
}

/** Ensures the caller's (or `projectId`'s) default group exists, in its own short transaction. */
export function ensureDefaultFor(nc: NetCtx, projectId: string): string {
  return nc.db.transaction((tx) => ensureDefaultGroup(nc, tx, projectId));
}

/** The group as the caller may see it (own project, or admin); SecurityGroupNotFound otherwise. */
export function visibleGroup(nc: NetCtx, ctx: RequestContext, id: string, db: DbOrTx = nc.db): GroupRow {
  const row = db.select().from(netSecurityGroups).where(eq(netSecurityGroups.id, id)).get();
  if (!row || !owns(ctx, row.projectId)) throw notFound('security_group', id);
  return row;
}

export function createSecurityGroup(nc: NetCtx, ctx: RequestContext, input: CreateSecurityGroupInput): SecurityGroup {
  const projectId = ownerFor(ctx, input.projectId, 'security_group');
  const name = input.name !== undefined ? checkString('name', input.name) : '';
  const id = randomUUID();
  const now = nc.now();
  return nc.db.transaction((tx) => {
    ensureDefaultGroup(nc, tx, projectId);
    if (name === 'default') throw conflict('security_group', 'SecurityGroupDefaultAlreadyExists', 'Default security group already exists.');
    checkQuota(nc, tx, projectId, 'security_group');
    checkQuota(nc, tx, projectId, 'security_group_rule', 2);
    tx.insert(netSecurityGroups)
      .values({ id, ec2Id: newEc2Id('sg'), projectId, name, description: input.description !== undefined ? checkString('description', input.description) : '', stateful: input.stateful ?? true, defaultFor: null, revision: 1, createdAt: now, updatedAt: now })
      .run();
    // Neutron gives every new group the two allow-all egress rules.
    for (const ethertype of ['IPv4', 'IPv6']) {
      tx.insert(netSecurityGroupRules)
        .values({ id: randomUUID(), securityGroupId: id, projectId, direction: 'egress', ethertype, protocol: null, portRangeMin: null, portRangeMax: null, remoteIpPrefix: null, remoteGroupId: null, revision: 0, createdAt: now, updatedAt: now })
        .run();
    }
    insertTags(tx, 'security_groups', id, input.tags);
    return loadGroup(tx, id);
  });
}

export function getSecurityGroup(nc: NetCtx, ctx: RequestContext, id: string): SecurityGroup {
  visibleGroup(nc, ctx, id);
  return loadGroup(nc.db, id);
}

/** The caller's groups (admins: all); listing makes the caller's default group exist, as in Neutron. */
export function listSecurityGroups(nc: NetCtx, ctx: RequestContext, scope: ListScope = {}): SecurityGroup[] {
  const own = callerProject(ctx);
  if (own) ensureDefaultFor(nc, own);
  const conds = [];
  if (!isAdmin(ctx)) conds.push(eq(netSecurityGroups.projectId, own));
  if (scope.ids) conds.push(inArray(netSecurityGroups.id, scope.ids));
  if (scope.projectId !== undefined) conds.push(eq(netSecurityGroups.projectId, scope.projectId));
  return toGroups(nc.db, nc.db.select().from(netSecurityGroups).where(and(...conds)).orderBy(asc(netSecurityGroups.createdAt), asc(netSecurityGroups.id)).all());
}

export function updateSecurityGroup(nc: NetCtx, ctx: RequestContext, id: string, input: UpdateSecurityGroupInput): SecurityGroup {
  const row = visibleGroup(nc, ctx, id);
  if (row.defaultFor !== null && input.name !== undefined && input.name !== 'default') throw conflict('security_group', 'SecurityGroupCannotUpdateDefault', 'Updating default security group not allowed.');
  if (row.defaultFor === null && input.name === 'default') throw conflict('security_group', 'SecurityGroupDefaultAlreadyExists', 'Default security group already exists.');
  const now = nc.now();
  return nc.db.transaction((tx) => {
    const cur = tx.select().from(netSecurityGroups).where(eq(netSecurityGroups.id, id)).get();
    if (!cur) throw notFound('security_group', id);
    if (input.stateful !== undefined && input.stateful !== cur.stateful && tx.select({ p: netPortSecurityGroups.portId }).from(netPortSecurityGroups).where(eq(netPortSecurityGroups.securityGroupId, id)).limit(1).get()) {
      throw conflict('security_group', 'SecurityGroupInUse', `Security Group ${id} in use.`);
    }
    tx.update(netSecurityGroups)
      .set({
        ...(input.name !== undefined ? { name: checkString('name', input.name) } : {}),
        ...(input.description !== undefined ? { description: checkString('description', input.description) } : {}),
        ...(input.stateful !== undefined ? { stateful: input.stateful } : {}),
        revision: cur.revision + 1,
        updatedAt: Math.max(now, cur.updatedAt),
      })
      .where(eq(netSecurityGroups.id, id))
      .run();
    return loadGroup(tx, id);
  });
}

/** Deletes a group: not while a port uses it (409 SecurityGroupInUse); a member cannot delete the default group (admins can, as tempest's cleanup does). */
export function deleteSecurityGroup(nc: NetCtx, ctx: RequestContext, id: string): void {
  const row = visibleGroup(nc, ctx, id);
  if (row.defaultFor !== null && !isAdmin(ctx)) throw conflict('security_group', 'SecurityGroupCannotRemoveDefault', 'Insufficient rights for removing default security group.');
  nc.db.transaction((tx) => {
    if (tx.select({ p: netPortSecurityGroups.portId }).from(netPortSecurityGroups).where(eq(netPortSecurityGroups.securityGroupId, id)).limit(1).get()) {
      throw conflict('security_group', 'SecurityGroupInUse', `Security Group ${id} in use.`);
    }
    // Rules of other groups that name this one as their remote group go with it, as in Neutron.
    tx.delete(netSecurityGroupRules).where(eq(netSecurityGroupRules.remoteGroupId, id)).run();
    tx.delete(netSecurityGroups).where(eq(netSecurityGroups.id, id)).run();
    deleteTags(tx, 'security_groups', id);
  });
}

/** Canonical protocol: a known name, a number 0–255 as text, or null (any). */
function normalizeProtocol(p: string | number | null | undefined): string | null {
  if (p === undefined || p === null || p === 'any' || p === '') return null;
  const s = String(p).toLowerCase();
  if (/^\d+$/.test(s)) {
    if (Number(s) > 255) throw badRequest(`Security group rule protocol ${p} not supported. Only protocol values [${Object.keys(PROTOCOLS).join(', ')}] and integer representations [0 to 255] are supported.`, 'SecurityGroupRuleInvalidProtocol');
    return String(Number(s));
  }
  if (!(s in PROTOCOLS)) throw badRequest(`Security group rule protocol ${p} not supported. Only protocol values [${Object.keys(PROTOCOLS).join(', ')}] and integer representations [0 to 255] are supported.`, 'SecurityGroupRuleInvalidProtocol');
  return s;
}

function checkPortRange(protocol: string | null, min: number | null, max: number | null): void {
  const isInt = (v: number | null) => v === null || (Number.isInteger(v) && v >= 0 && v <= 65535);
  if (!isInt(min) || !isInt(max)) throw badRequest(`Invalid value for port ${min ?? max}.`, 'SecurityGroupInvalidPortValue');
  if (min === null && max === null) return;
  if (protocol === null) throw badRequest('Must also specify protocol if port range is given.', 'SecurityGroupProtocolRequiredWithPorts');
  if (PORT_PROTOCOLS.has(protocol)) {
    if (min === null || max === null) {
      if (min === null) throw badRequest('For TCP/UDP protocols, port_range_min must be <= port_range_max', 'SecurityGroupInvalidPortRange');
      return;
    }
    if (min === 0 || max === 0) throw badRequest('Invalid value for port 0.', 'SecurityGroupInvalidPortValue');
    if (min > max) throw badRequest('For TCP/UDP protocols, port_range_min must be <= port_range_max', 'SecurityGroupInvalidPortRange');
    return;
  }
  if (ICMP_PROTOCOLS.has(protocol)) {
    if (min !== null && min > 255) throw badRequest(`Invalid value for ICMP type: ${min}. It must be 0 to 255.`, 'SecurityGroupInvalidIcmpValue');
    if (max !== null && max > 255) throw badRequest(`Invalid value for ICMP code: ${max}. It must be 0 to 255.`, 'SecurityGroupInvalidIcmpValue');
    if (min === null && max !== null) throw badRequest(`ICMP code (port-range-max) ${max} is provided but ICMP type (port-range-min) is missing.`, 'SecurityGroupMissingIcmpType');
    return;
  }
  throw badRequest(`Invalid protocol ${protocol} for port range, only supported for TCP, UDP, UDPLITE, SCTP and DCCP.`, 'SecurityGroupInvalidProtocolForPortRange');
}

/**
 * Creates a rule after Neutron's checks: direction, ethertype against the remote prefix's family and
 * ICMPv6, protocol by name or number, port range / ICMP type and code, remote prefix xor remote group;
 * an identical rule is 409 SecurityGroupRuleExists.
 */
export function createSecurityGroupRule(nc: NetCtx, ctx: RequestContext, input: CreateSecurityGroupRuleInput): SecurityGroupRule {
  const group = visibleGroup(nc, ctx, input.securityGroupId);
  if (input.projectId !== undefined && input.projectId !== group.projectId && !isAdmin(ctx)) throw errors.forbidden('rule:create_security_group_rule is disallowed by policy', { reason: 'policy' });
  const projectId = group.projectId;
  if (input.direction !== 'ingress' && input.direction !== 'egress') {
    throw badRequest(`Invalid input for direction. Reason: '${String(input.direction)}' is not in ['ingress', 'egress'].`, 'HTTPBadRequest');
  }
  const ethertype = input.ethertype ?? 'IPv4';
  if (ethertype !== 'IPv4' && ethertype !== 'IPv6') throw badRequest(`Invalid input for ethertype. Reason: '${ethertype}' is not in ['IPv4', 'IPv6'].`, 'HTTPBadRequest');
  const protocol = normalizeProtocol(input.protocol);
  if ((protocol === 'icmpv6' || protocol === 'ipv6-icmp' || protocol === '58') && ethertype === 'IPv4') {
    throw badRequest(`Protocol ${protocol} is not supported for ethertype IPv4.`, 'SecurityGroupEthertypeConflictWithProtocol');
  }
  const min = input.portRangeMin ?? null;
  const max = input.portRangeMax ?? null;
  checkPortRange(protocol, min, max);
  const given = [input.remoteIpPrefix, input.remoteGroupId, input.remoteAddressGroupId].filter((x) => x !== undefined && x !== null).length;
  if (given > 1) throw badRequest('Only remote_ip_prefix or remote_group_id or remote_address_group_id may be provided.', 'SecurityGroupRemoteGroupAndRemoteIpPrefix');
  let prefix: string | null = null;
  if (input.remoteIpPrefix != null) {
    const c = parseCidr(input.remoteIpPrefix);
    if (!c) throw badRequest(`Invalid input for remote_ip_prefix. Reason: '${input.remoteIpPrefix}' is not a valid IP subnet.`, 'HTTPBadRequest');
    if ((c.version === 4) !== (ethertype === 'IPv4')) throw badRequest(`Conflicting value ethertype ${ethertype} for CIDR ${input.remoteIpPrefix}`, 'SecurityGroupRuleParameterConflict');
    prefix = formatCidr(c);
  }
  if (input.remoteAddressGroupId != null) throw errors.notImplemented('Address groups');
  const remoteGroupId = input.remoteGroupId ?? null;
  if (remoteGroupId !== null) visibleGroup(nc, ctx, remoteGroupId);
  const now = nc.now();
  const id = randomUUID();
  return nc.db.transaction((tx) => {
    const same = tx
      .select()
      .from(netSecurityGroupRules)
      .where(and(eq(netSecurityGroupRules.securityGroupId, group.id), eq(netSecurityGroupRules.direction, input.direction), eq(netSecurityGroupRules.ethertype, ethertype)))
      .all()
      .find((r) => r.protocol === protocol && r.portRangeMin === min && r.portRangeMax === max && r.remoteIpPrefix === prefix && r.remoteGroupId === remoteGroupId);
    if (same) throw conflict('security_group_rule', 'SecurityGroupRuleExists', `Security group rule already exists. Rule id is ${same.id}.`);
    checkQuota(nc, tx, projectId, 'security_group_rule');
    tx.insert(netSecurityGroupRules)
      .values({
        id,
        securityGroupId: group.id,
        projectId,
        direction: input.direction,
        ethertype,
        protocol,
        portRangeMin: min,
        portRangeMax: max,
        remoteIpPrefix: prefix,
        remoteGroupId,
        remoteAddressGroupId: null,
        description: input.description !== undefined ? checkString('description', input.description) : '',
        revision: 0,
        createdAt: now,
        updatedAt: now,
      })
      .run();
    tx.update(netSecurityGroups).set({ revision: group.revision + 1, updatedAt: Math.max(now, group.updatedAt) }).where(eq(netSecurityGroups.id, group.id)).run();
    return toRule(tx.select().from(netSecurityGroupRules).where(eq(netSecurityGroupRules.id, id)).get()!);
  });
}

function visibleRule(nc: NetCtx, ctx: RequestContext, id: string): RuleRow {
  const row = nc.db.select().from(netSecurityGroupRules).where(eq(netSecurityGroupRules.id, id)).get();
  if (!row || !owns(ctx, row.projectId)) throw notFound('security_group_rule', id);
  return row;
}

export function getSecurityGroupRule(nc: NetCtx, ctx: RequestContext, id: string): SecurityGroupRule {
  return toRule(visibleRule(nc, ctx, id));
}

export function listSecurityGroupRules(nc: NetCtx, ctx: RequestContext, scope: ListScope = {}): SecurityGroupRule[] {
  const own = callerProject(ctx);
  if (own) ensureDefaultFor(nc, own);
  const conds = [];
  if (!isAdmin(ctx)) conds.push(eq(netSecurityGroupRules.projectId, own));
  if (scope.ids) conds.push(inArray(netSecurityGroupRules.id, scope.ids));
  return nc.db.select().from(netSecurityGroupRules).where(and(...conds)).orderBy(asc(netSecurityGroupRules.createdAt), asc(netSecurityGroupRules.id)).all().map(toRule);
}

export function deleteSecurityGroupRule(nc: NetCtx, ctx: RequestContext, id: string): void {
  const row = visibleRule(nc, ctx, id);
  nc.db.transaction((tx) => {
    tx.delete(netSecurityGroupRules).where(eq(netSecurityGroupRules.id, id)).run();
    const g = tx.select().from(netSecurityGroups).where(eq(netSecurityGroups.id, row.securityGroupId)).get();
    if (g) tx.update(netSecurityGroups).set({ revision: g.revision + 1, updatedAt: Math.max(nc.now(), g.updatedAt) }).where(eq(netSecurityGroups.id, g.id)).run();
  });
}
