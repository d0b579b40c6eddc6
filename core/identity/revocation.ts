// Keystone-style revocation events: durable rows, held and matched in memory so validation reads no database.
import { gt, gte, lt, or } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { revocationEvents } from '../db/schema/identity.js';
import type { CacheGenerations } from './generations.js';
import type { Clock, RevocationEventInput, Revoker } from './ports.js';

/**
 * How far back `refresh` re-reads besides the rows after the last id seen. On PostgreSQL an id is taken
 * when the row is inserted, not when it commits, so a row with a lower id can become visible after a
 * higher one was read; re-reading the last seconds of events (deduplicated by id) picks it up.
 */
const REFRESH_OVERLAP_MS = 10_000;

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
  /** Events by their most selective field, one map per field, so a check looks ids up without building keys. */
  private readonly index: Record<IndexField, Map<string, Event[]>> = {
    auditId: new Map(),
    appCredId: new Map(),
    userId: new Map(),
    projectId: new Map(),
    domainId: new Map(),
    roleId: new Map(),
  };
  private lastId = 0;
  /** Ids already applied, with their created_at, for as long as the overlap window can return them again. */
  private readonly seen = new Map<number, number>();
  private readonly listeners: Array<(e: RevocationEventInput) => void> = [];
  private readonly staleListeners: Array<() => void> = [];

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    /** How long after issue a token may still be accepted (ttl + allow_expired window), in ms. */
    private readonly retentionMs: number,
    /** Where grants (access added rather than taken away) are announced to other processes; none: this process only. */
    private readonly generations?: CacheGenerations,
  ) {}

  /** Loads the live events (call once at start) and prunes the expired ones from the table. */
  load(): void {
    this.prune();
    this.refresh();
  }

  /**
   * Picks up events other processes wrote since the last load or refresh (rows after the last id, and
   * the last `REFRESH_OVERLAP_MS` again, so none committed out of id order is missed), and drops the
   * cached roles when another process announced a grant.
   */
  refresh(): void {
    const now = this.clock.now();
    const horizon = now - REFRESH_OVERLAP_MS;
    const rows = this.db
      .select()
      .from(revocationEvents)
      .where(or(gt(revocationEvents.id, this.lastId), gte(revocationEvents.createdAt, horizon)))
      .all();
    for (const r of rows) {
      if (this.seen.has(r.id)) continue;
      this.seen.set(r.id, r.createdAt);
      this.lastId = Math.max(this.lastId, r.id);
      const ev = { ...stripNulls(r), issuedBefore: r.issuedBefore, createdAt: r.createdAt };
      this.add(ev);
      this.notify(ev);
    }
    // An id is forgotten only once the window can no longer return it (its created_at is before the horizon).
    for (const [id, createdAt] of this.seen) if (createdAt < horizon - 1000) this.seen.delete(id);
    if (this.generations?.changed('identity')) for (const l of this.staleListeners) l();
  }

  /**
   * Records that access was added (a grant, an implied role, a group membership): cached roles are
   * dropped here at once and in every other process at its next `refresh`.
   */
  granted(): void {
    this.generations?.bump(this.db, 'identity');
    for (const l of this.staleListeners) l();
  }

  /** Called after every event and every grant (here or in another process): for caches that must be rebuilt. */
  onStale(listener: () => void): void {
    this.staleListeners.push(listener);
  }

  /** Deletes events no live token can match, from the table and from memory. */
  prune(): void {
    const horizon = this.clock.now() - this.retentionMs;
    this.db.delete(revocationEvents).where(lt(revocationEvents.issuedBefore, horizon)).run();
    for (const bucket of Object.values(this.index)) {
      for (const [k, list] of bucket) {
        const kept = list.filter((e) => e.issuedBefore >= horizon);
        if (kept.length === 0) bucket.delete(k);
        else bucket.set(k, kept);
      }
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
    this.seen.set(row.id, ev.createdAt);
    this.add(ev);
    this.notify(ev);
  }

  /** Called after every event (own or loaded), e.g. to drop caches derived from the revoked facts. */
  onRevoke(listener: (e: RevocationEventInput) => void): void {
    this.listeners.push(listener);
  }

  /** True when some event revokes `t`. Only the buckets of the token's own facts are scanned; this runs on every validation. */
  isRevoked(t: RevocableToken): boolean {
    const ix = this.index;
    if (hit(ix.userId, t.userId, t) || (t.projectId !== undefined && hit(ix.projectId, t.projectId, t))) return true;
    if (t.appCredId !== undefined && hit(ix.appCredId, t.appCredId, t)) return true;
    for (const a of t.auditIds) if (hit(ix.auditId, a, t)) return true;
    for (const d of t.domainIds) if (hit(ix.domainId, d, t)) return true;
    for (const r of t.roleIds) if (hit(ix.roleId, r, t)) return true;
    return false;
  }

  private add(ev: Event): void {
    const field = indexField(ev);
    const bucket = this.index[field];
    const k = ev[field]!;
    const list = bucket.get(k);
    if (list) list.push(ev);
    else bucket.set(k, [ev]);
  }

  private notify(ev: Event): void {
    for (const l of this.listeners) l(ev);
    for (const l of this.staleListeners) l();
  }
}

type IndexField = 'auditId' | 'appCredId' | 'userId' | 'projectId' | 'domainId' | 'roleId';

function indexField(e: Event): IndexField {
  if (e.auditId) return 'auditId';
  if (e.appCredId) return 'appCredId';
  if (e.userId) return 'userId';
  if (e.projectId) return 'projectId';
  if (e.domainId) return 'domainId';
  return 'roleId';
}

function hit(bucket: Map<string, Event[]>, key: string, t: RevocableToken): boolean {
  if (bucket.size === 0) return false;
  const list = bucket.get(key);
  if (!list) return false;
  for (const e of list) if (matches(e, t)) return true;
  return false;
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
