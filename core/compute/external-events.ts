// Server external events (Nova's os-server-external-events): the network service tells compute a port changed, compute refreshes the server's addresses.
import { eq, inArray } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import { cmpInstances } from '../db/schema/compute.js';
import { requireRule, type ComputeContext } from './context.js';
import { VM } from './states.js';

/** The event names Nova accepts (some from a microversion, checked at the wire). */
export const EXTERNAL_EVENTS = ['network-changed', 'network-vif-plugged', 'network-vif-unplugged', 'network-vif-deleted', 'volume-extended', 'power-update', 'accelerator-request-bound', 'volume-reimaged'] as const;
export type ExternalEventName = (typeof EXTERNAL_EVENTS)[number];

/** One event as sent. */
export interface ExternalEvent {
  name: ExternalEventName;
  serverId: string;
  status?: 'completed' | 'failed' | 'in-progress';
  tag?: string;
}

/** One event as answered: `code` 200 accepted, 404 no such server, 422 server on no host. */
export interface ExternalEventResult extends ExternalEvent {
  status: 'completed' | 'failed' | 'in-progress';
  code: 200 | 404 | 422;
}

/** Applies accepted events: every network event refreshes the server's addresses from its ports (Nova's info cache refresh). */
export function applyExternalEvents(cc: ComputeContext, events: ExternalEvent[]): void {
  const net = cc.networking;
  if (!net) return;
  const ids = [...new Set(events.filter((e) => e.name.startsWith('network-')).map((e) => e.serverId))];
  if (!ids.length) return;
  const rows = cc.db.select({ id: cmpInstances.id, projectId: cmpInstances.projectId, deletedAt: cmpInstances.deletedAt }).from(cmpInstances).where(inArray(cmpInstances.id, ids)).all();
  for (const r of rows) {
    if (r.deletedAt !== null) continue;
    cc.db.update(cmpInstances).set({ addresses: net.addresses(r.projectId, r.id), updatedAt: cc.now() }).where(eq(cmpInstances.id, r.id)).run();
  }
}

/**
 * `POST /os-server-external-events` (admin): each event is answered on its own (Nova's 207 when some
 * fail); the caller sees `none` when no event found a server (Nova's 404).
 */
export function serverExternalEvents(cc: ComputeContext, ctx: RequestContext, events: ExternalEvent[]): { results: ExternalEventResult[]; accepted: number } {
  requireRule(ctx, 'os_compute_api:os-server-external-events:create');
  const ids = [...new Set(events.map((e) => e.serverId))];
  const rows = new Map(
    cc.db
      .select({ id: cmpInstances.id, host: cmpInstances.host, vmState: cmpInstances.vmState, deletedAt: cmpInstances.deletedAt })
      .from(cmpInstances)
      .where(inArray(cmpInstances.id, ids))
      .all()
      .map((r) => [r.id, r]),
  );
  const accepted: ExternalEvent[] = [];
  const results = events.map((e): ExternalEventResult => {
    const row = rows.get(e.serverId);
    const status = e.status ?? 'completed';
    if (!row || row.deletedAt !== null) return { ...e, status: 'failed', code: 404 };
    // Nova: an instance on no host (never placed, or shelved offloaded) cannot take events.
    if (!row.host || row.vmState === VM.SHELVED_OFFLOADED) return { ...e, status: 'failed', code: 422 };
    accepted.push(e);
    return { ...e, status, code: 200 };
  });
  applyExternalEvents(cc, accepted);
  return { results, accepted: accepted.length };
}
