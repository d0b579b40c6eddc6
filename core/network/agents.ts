// Network agents: the simulated hosts' agents report heartbeats; alive means a recent one; admins list them, set admin_state_up, delete them; availability zones follow.
import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import { netAgents } from '../db/schema/network.js';
import { errors } from '../errors.js';
import { isAdmin, notFound, type NetCtx } from './context.js';
import type { Agent, AvailabilityZone, ListScope } from './types.js';

type AgentRow = typeof netAgents.$inferSelect;

/** The agent kinds, as Neutron names them. */
export const AGENT_KINDS = {
  ovs: { agentType: 'Open vSwitch agent', binary: 'neutron-openvswitch-agent', topic: 'N/A', zoned: false },
  dhcp: { agentType: 'DHCP agent', binary: 'neutron-dhcp-agent', topic: 'dhcp_agent', zoned: true },
  metadata: { agentType: 'Metadata agent', binary: 'neutron-metadata-agent', topic: 'N/A', zoned: false },
  l3: { agentType: 'L3 agent', binary: 'neutron-l3-agent', topic: 'l3_agent', zoned: true },
} as const;
export type AgentKind = keyof typeof AGENT_KINDS;

function toAgent(nc: NetCtx, r: AgentRow): Agent {
  return {
    id: r.id,
    agentType: r.agentType,
    binary: r.binary,
    host: r.host,
    topic: r.topic,
    availabilityZone: r.availabilityZone,
    adminStateUp: r.adminStateUp,
    alive: nc.now() - r.heartbeatAt < nc.settings.agentDownTimeMs,
    description: r.description,
    configurations: r.configurations,
    startedAt: r.startedAt,
    heartbeatAt: r.heartbeatAt,
    createdAt: r.createdAt,
  };
}

/**
 * Records an agent's report (`report_state`): created on its first heartbeat, `heartbeatAt` moved
 * otherwise. `started` marks a restart of the agent. Returns whether the agent is enabled.
 */
export function heartbeat(nc: NetCtx, kind: AgentKind, host: string, configurations: Record<string, unknown>, started = false): boolean {
  const k = AGENT_KINDS[kind];
  const now = nc.now();
  return nc.db.transaction((tx) => {
    const cur = tx.select().from(netAgents).where(and(eq(netAgents.agentType, k.agentType), eq(netAgents.host, host))).get();
    if (!cur) {
      tx.insert(netAgents)
        .values({ id: randomUUID(), agentType: k.agentType, binary: k.binary, host, topic: k.topic, availabilityZone: k.zoned ? nc.settings.availabilityZone : null, adminStateUp: true, description: null, configurations, startedAt: now, heartbeatAt: now, createdAt: now })
        .run();
      return true;
    }
    tx.update(netAgents)
      .set({ heartbeatAt: Math.max(now, cur.heartbeatAt), configurations, ...(started ? { startedAt: now } : {}) })
      .where(eq(netAgents.id, cur.id))
      .run();
    return cur.adminStateUp;
  });
}

function requireAdmin(ctx: RequestContext, action: string): void {
  if (!ctx.auth) throw errors.unauthenticated();
  if (!isAdmin(ctx)) throw errors.forbidden(`rule:${action} is disallowed by policy`, { reason: 'policy' });
}

export function listAgents(nc: NetCtx, ctx: RequestContext, scope: ListScope = {}): Agent[] {
  requireAdmin(ctx, 'get_agent');
  const q = nc.db.select().from(netAgents);
  const rows = (scope.ids ? q.where(inArray(netAgents.id, scope.ids)) : q).orderBy(asc(netAgents.host), asc(netAgents.agentType)).all();
  return rows.map((r) => toAgent(nc, r));
}

export function getAgent(nc: NetCtx, ctx: RequestContext, id: string): Agent {
  requireAdmin(ctx, 'get_agent');
  const row = nc.db.select().from(netAgents).where(eq(netAgents.id, id)).get();
  if (!row) throw notFound('agent', id);
  return toAgent(nc, row);
}

export function updateAgent(nc: NetCtx, ctx: RequestContext, id: string, input: { adminStateUp?: boolean; description?: string | null }): Agent {
  requireAdmin(ctx, 'update_agent');
  getAgent(nc, ctx, id);
  nc.db
    .update(netAgents)
    .set({ ...(input.adminStateUp !== undefined ? { adminStateUp: input.adminStateUp } : {}), ...(input.description !== undefined ? { description: input.description } : {}) })
    .where(eq(netAgents.id, id))
    .run();
  return getAgent(nc, ctx, id);
}

export function deleteAgent(nc: NetCtx, ctx: RequestContext, id: string): void {
  requireAdmin(ctx, 'delete_agent');
  if (nc.db.delete(netAgents).where(eq(netAgents.id, id)).run().changes === 0) throw notFound('agent', id);
}

/** Whether `kind`'s agent on `host` is enabled (admin_state_up), for the simulated agents to honour. */
export function agentEnabled(nc: NetCtx, kind: AgentKind, host: string): boolean {
  const row = nc.db.select({ up: netAgents.adminStateUp }).from(netAgents).where(and(eq(netAgents.agentType, AGENT_KINDS[kind].agentType), eq(netAgents.host, host))).get();
  return row?.up ?? true;
}

/** Network availability zones: one per zone with DHCP agents (`network`) and with L3 agents (`router`); available while one is alive and enabled. */
export function listAvailabilityZones(nc: NetCtx, ctx: RequestContext): AvailabilityZone[] {
  if (!ctx.auth) throw errors.unauthenticated();
  const rows = nc.db.select().from(netAgents).all();
  const out: AvailabilityZone[] = [];
  for (const [kind, resource] of [['dhcp', 'network'], ['l3', 'router']] as const) {
    const zones = new Map<string, boolean>();
    for (const r of rows.filter((x) => x.agentType === AGENT_KINDS[kind].agentType && x.availabilityZone)) {
      const up = r.adminStateUp && nc.now() - r.heartbeatAt < nc.settings.agentDownTimeMs;
      zones.set(r.availabilityZone!, (zones.get(r.availabilityZone!) ?? false) || up);
    }
    if (zones.size === 0) zones.set(nc.settings.availabilityZone, true);
    for (const [name, up] of zones) out.push({ name, resource, state: up ? 'available' : 'unavailable' });
  }
  return out;
}
