// Keystone-style revocation events: durable rows, held and matched in memory so validation reads no database.
import { gt, lt } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { revocationEvents } from '../db/schema/identity.js';
import type { Clock, RevocationEventInput, Revoker } from './ports.js';

/** The facts of a token a revocation event can match. */
export interface RevocableToken {
  userId: string;
  /** The user's domain, the project's domain and the domain scope, where known. */
  domainIds: string[];
  projectId?: string;
  roleIds: string[];
  auditIds: string[];
  appCredId?: string;
  issuedAt: number;
}

interface Event {
  userId?: string;
  projectId?: string;
  domainId?: string;
  roleId?: string;
  auditId?: string;
  appCredId?: string;
  issuedBefore: number;
  createdAt: number;
}

/**
 * Holds every live revocation event in memory, indexed by its most selective field, and persists each
 * one in `revocation_events` so other processes and restarts see it. An event matches a token issued at
 * or before `issuedBefore` when every field it sets matches. Events older than the longest a token can
 * still be accepted (expiry plus the allow-expired window) are pruned: no token they match is left.
 */
export class RevocationList implements Revoker {
  private readonly index = new Map<string, Event[]>();
  private lastId = 0;
  private readonly listeners: Array<(e: RevocationEventInput) => void> = [];

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    /** How long after issue a token may still be accepted (ttl + allow_expired window), in ms. */
    private readonly retentionMs: number,
  ) {}

  /** Loads the live events (call once at start) and prunes the expired ones from the table. */
  load(): void {
    this.prune();
    this.refresh();
  }

  /** Picks up events other processes wrote since the last load or refresh. */
  refresh(): void {
    const rows = this.db.select().from(revocationEvents).where(gt(revocationEvents.id, this.lastId)).all();
    for (const r of rows) {
      this.lastId = Math.max(this.lastId, r.id);
      const ev = { ...stripNulls(r), issuedBefore: r.issuedBefore, createdAt: r.createdAt };
      this.add(ev);
      this.notify(ev);
    }
  }

  /** Deletes events no live token can match, from the table and from memory. */
  prune(): void {
    const horizon = this.clock.now() - this.retentionMs;
    this.db.delete(revocationEvents).where(lt(revocationEvents.issuedBefore, horizon)).run();
    for (const [k, list] of this.index) {
      const kept = list.filter((e) => e.issuedBefore >= horizon);
      if (kept.length === 0) this.index.delete(k);
      else this.index.set(k, kept);
    }
  }

  /** Records an event; it is effective on this process before this call returns. */
  revoke(input: RevocationEventInput): void {
    const now = this.clock.now();
    const ev: Event = { ...stripNulls(input), issuedBefore: input.issuedBefore ?? now, createdAt: now };
    if (!ev.userId && !ev.projectId && !ev.domainId && !ev.roleId && !ev.auditId && !ev.appCredId) {
      throw new Error('a revocation event must name at least one field');
    }
    const row = this.db
      .insert(revocationEvents)
      .values({
        userId: ev.userId ?? null,
        projectId: ev.projectId ?? null,
        domainId: ev.domainId ?? null,
        roleId: ev.roleId ?? null,
        auditId: ev.auditId ?? null,
        appCredId: ev.appCredId ?? null,
        issuedBefore: ev.issuedBefore,
        createdAt: ev.createdAt,
      })
      .returning({ id: revocationEvents.id })
      .get();
    // Rows written by other processes in between are picked up by the next refresh, so only advance past ours if contiguous.
    if (row.id === this.lastId + 1) this.lastId = row.id;
    this.add(ev);
    this.notify(ev);
  }

  /** Called after every event (own or loaded), e.g. to drop caches derived from the revoked facts. */
  onRevoke(listener: (e: RevocationEventInput) => void): void {
    this.listeners.push(listener);
  }

  /** True when some event revokes `t`. Only the index buckets of the token's own facts are scanned. */
  isRevoked(t: RevocableToken): boolean {
    const keys = [
      `user:${t.userId}`,
      ...t.auditIds.map((a) => `audit:${a}`),
      ...t.domainIds.map((d) => `domain:${d}`),
      ...t.roleIds.map((r) => `role:${r}`),
    ];
    if (t.projectId) keys.push(`project:${t.projectId}`);
    if (t.appCredId) keys.push(`appcred:${t.appCredId}`);
    for (const k of keys) {
      const list = this.index.get(k);
      if (list && list.some((e) => matches(e, t))) return true;
    }
    return false;
  }

  private add(ev: Event): void {
    const k = indexKey(ev);
    const list = this.index.get(k);
    if (list) list.push(ev);
    else this.index.set(k, [ev]);
  }

  private notify(ev: Event): void {
    for (const l of this.listeners) l(ev);
  }
}

function indexKey(e: Event): string {
  if (e.auditId) return `audit:${e.auditId}`;
  if (e.appCredId) return `appcred:${e.appCredId}`;
  if (e.userId) return `user:${e.userId}`;
  if (e.projectId) return `project:${e.projectId}`;
  if (e.domainId) return `domain:${e.domainId}`;
  return `role:${e.roleId}`;
}

function matches(e: Event, t: RevocableToken): boolean {
  if (t.issuedAt > e.issuedBefore) return false;
  if (e.userId && e.userId !== t.userId) return false;
  if (e.projectId && e.projectId !== t.projectId) return false;
  if (e.domainId && !t.domainIds.includes(e.domainId)) return false;
  if (e.roleId && !t.roleIds.includes(e.roleId)) return false;
  if (e.auditId && !t.auditIds.includes(e.auditId)) return false;
  if (e.appCredId && e.appCredId !== t.appCredId) return false;
  return true;
}

function stripNulls(r: object): Omit<Event, 'issuedBefore' | 'createdAt'> {
  const out: Record<string, string> = {};
  for (const k of ['userId', 'projectId', 'domainId', 'roleId', 'auditId', 'appCredId']) {
    const v = (r as Record<string, unknown>)[k];
    if (typeof v === 'string' && v) out[k] = v;
  }
  return out;
}
