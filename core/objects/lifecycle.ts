// Bucket lifecycle rules: validation as S3 does, each object's expiry under the rules, and the sweep that hands due objects to the expiry job.
import { and, eq, gt, isNull, lt, or, sql, asc } from 'drizzle-orm';
import { objBucketConfigs, objContainers, objObjects, objUploads } from '../db/schema/objects.js';
import { errors } from '../errors.js';
import type { ObjectStoreContext } from './store-context.js';

const DAY = 86_400_000;

/** Which objects a rule covers: all of `prefix`, every tag, and the size bounds (bytes, exclusive). */
export interface LifecycleFilter {
  prefix: string;
  tags: Array<{ key: string; value: string }>;
  sizeGreaterThan?: number;
  sizeLessThan?: number;
}

/** One lifecycle rule as stored. `form` remembers how the filter was written, so a Get answers it back the same way. */
export interface LifecycleRule {
  id: string;
  enabled: boolean;
  form: 'prefix' | 'filter-prefix' | 'filter-tag' | 'filter-and' | 'filter-size' | 'filter-empty';
  filter: LifecycleFilter;
  /** Expire objects this many days after their creation (rounded up to the next midnight UTC), or at `date`. */
  expiration?: { days?: number; date?: number };
  /** Abort uploads this many days after initiation (rounded up to the next midnight UTC). */
  abortIncompleteAfterDays?: number;
}

/** What a rule asks that skybridge cannot do yet; each is refused with NotImplemented rather than accepted and ignored. */
export interface LifecycleUnsupported {
  transitions?: boolean;
  noncurrentVersionActions?: boolean;
  expiredObjectDeleteMarker?: boolean;
}

/** Most rules one configuration may hold (S3: 1,000). */
export const MAX_LIFECYCLE_RULES = 1000;

const invalidArgument = (message: string) => errors.invalid(message, { reason: 'InvalidArgument' });
const invalidRequest = (message: string) => errors.invalid(message, { reason: 'InvalidRequest' });

/**
 * Validates a configuration as S3 does: 1 to 1,000 rules with unique ids of at most 255 characters;
 * each rule has an action; Expiration gives a positive Days or a Date at midnight UTC;
 * AbortIncompleteMultipartUpload a positive DaysAfterInitiation and no tag filter. Transitions,
 * noncurrent-version actions and ExpiredObjectDeleteMarker need storage classes or versioning: NotImplemented.
 */
export function validateLifecycleRules(rules: LifecycleRule[], unsupported: LifecycleUnsupported[]): void {
  if (!rules.length) throw errors.invalid('The XML you provided was not well-formed or did not validate against our published schema.', { reason: 'MalformedXML' });
  if (rules.length > MAX_LIFECYCLE_RULES) throw invalidArgument(`Lifecycle configuration cannot have more than ${MAX_LIFECYCLE_RULES} rules.`);
  for (const u of unsupported) {
    if (u.transitions) throw errors.notImplemented('Lifecycle transitions (storage classes)');
    if (u.noncurrentVersionActions) throw errors.notImplemented('Lifecycle noncurrent-version actions (bucket versioning)');
    if (u.expiredObjectDeleteMarker) throw errors.notImplemented('Lifecycle ExpiredObjectDeleteMarker (bucket versioning)');
  }
  const ids = new Set<string>();
  for (const r of rules) {
    if (r.id.length > 255) throw invalidArgument('ID length should not exceed allowed limit of 255');
    if (ids.has(r.id)) throw invalidArgument('RuleId must be unique. Found same ID for more than one rule');
    ids.add(r.id);
    if (!r.expiration && r.abortIncompleteAfterDays === undefined) throw invalidRequest('At least one action needs to be specified in a rule');
    const e = r.expiration;
    if (e) {
      if ((e.days === undefined) === (e.date === undefined)) throw invalidRequest('Expiration must specify exactly one of Days or Date');
      if (e.days !== undefined && !(Number.isInteger(e.days) && e.days > 0)) throw invalidArgument("'Days' for Expiration action must be a positive integer");
      if (e.date !== undefined && (Number.isNaN(e.date) || e.date % DAY !== 0)) throw invalidArgument("'Date' must be at midnight GMT");
    }
    if (r.abortIncompleteAfterDays !== undefined) {
      if (!(Number.isInteger(r.abortIncompleteAfterDays) && r.abortIncompleteAfterDays > 0)) throw invalidArgument("'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer");
      if (r.filter.tags.length) throw invalidRequest('AbortIncompleteMultipartUpload cannot be specified with Tags.');
    }
    const f = r.filter;
    if (new Set(f.tags.map((t) => t.key)).size !== f.tags.length) throw invalidArgument('Duplicate Tag Keys are not allowed.');
    if (f.sizeGreaterThan !== undefined && f.sizeLessThan !== undefined && f.sizeGreaterThan >= f.sizeLessThan) {
      throw invalidArgument('ObjectSizeGreaterThan must be less than ObjectSizeLessThan');
    }
  }
}

/** The next midnight UTC after `t` (S3 rounds lifecycle ages up to it). */
const nextMidnight = (t: number) => Math.floor(t / DAY) * DAY + DAY;

/** What a rule needs to know of an object. */
export interface LifecycleSubject {
  name: string;
  size: number;
  lastModified: number;
  tags: Record<string, string> | null;
}

function covers(f: LifecycleFilter, o: LifecycleSubject): boolean {
  if (!o.name.startsWith(f.prefix)) return false;
  if (f.sizeGreaterThan !== undefined && !(o.size > f.sizeGreaterThan)) return false;
  if (f.sizeLessThan !== undefined && !(o.size < f.sizeLessThan)) return false;
  return f.tags.every((t) => o.tags?.[t.key] === t.value);
}

/** When an enabled rule expires the object, and which rule: the earliest of the rules that cover it; undefined when none. */
export function lifecycleExpiry(rules: readonly LifecycleRule[], o: LifecycleSubject): { at: number; ruleId: string } | undefined {
  let best: { at: number; ruleId: string } | undefined;
  for (const r of rules) {
    if (!r.enabled || !r.expiration || !covers(r.filter, o)) continue;
    const at = r.expiration.days !== undefined ? nextMidnight(o.lastModified + r.expiration.days * DAY) : r.expiration.date!;
    if (!best || at < best.at) best = { at, ruleId: r.id };
  }
  return best;
}

/** Rows per sweep query. */
const PAGE = 500;

/**
 * The lifecycle sweep (a periodic task): for every bucket with lifecycle rules, objects whose expiry
 * under the rules has passed get that time as their delete-at and an `object.expire` job in the same
 * transaction, so the existing expiry job removes them (and listings hide them at once); the job id is
 * per object version, so each object expires once however often the sweep runs. Incomplete uploads
 * past an AbortIncompleteMultipartUpload rule get a `multipart.cleanup` job. Returns what it scheduled.
 * Yields to the event loop between pages, so a large bucket never stalls the requests being served.
 */
export async function sweepLifecycle(store: ObjectStoreContext): Promise<{ expired: number; aborted: number }> {
  const now = store.now();
  let expired = 0;
  let aborted = 0;
  const configs = store.db
    .select({ containerId: objBucketConfigs.containerId, document: objBucketConfigs.document, projectId: objContainers.projectId, name: objContainers.name })
    .from(objBucketConfigs)
    .innerJoin(objContainers, eq(objContainers.id, objBucketConfigs.containerId))
    .where(eq(objBucketConfigs.kind, 'lifecycle'))
    .all();
  for (const cfg of configs) {
    const rules = (cfg.document as LifecycleRule[]).filter((r) => r.enabled);
    for (const rule of rules) {
      if (rule.expiration) expired += await sweepRule(store, cfg, rules, rule, now);
      if (rule.abortIncompleteAfterDays !== undefined) aborted += abortUploads(store, cfg.containerId, rule, now);
    }
  }
  return { expired, aborted };
}

/** Newest creation time an object may have for `rule` to have expired it by `now`. */
function cutoffFor(rule: LifecycleRule, now: number): number | undefined {
  const e = rule.expiration!;
  if (e.date !== undefined) return e.date <= now ? Infinity : undefined;
  // nextMidnight(lm + days) <= now  ⇔  lm + days < the midnight starting today.
  return Math.floor(now / DAY) * DAY - e.days! * DAY;
}

const yieldToLoop = () => new Promise<void>((r) => setImmediate(r));

async function sweepRule(store: ObjectStoreContext, cfg: { containerId: string; projectId: string; name: string }, rules: LifecycleRule[], rule: LifecycleRule, now: number): Promise<number> {
  const cutoff = cutoffFor(rule, now);
  if (cutoff === undefined) return 0;
  let scheduled = 0;
  let after = '';
  for (;;) {
    const conds = [
      eq(objObjects.containerId, cfg.containerId),
      gt(objObjects.name, after),
      sql`substr(${objObjects.name}, 1, ${rule.filter.prefix.length}) = ${rule.filter.prefix}`,
      or(isNull(objObjects.deleteAt), gt(objObjects.deleteAt, now)),
    ];
    if (cutoff !== Infinity) conds.push(lt(objObjects.lastModified, cutoff));
    const rows = store.db
      .select({ id: objObjects.id, name: objObjects.name, size: objObjects.size, lastModified: objObjects.lastModified, tags: objObjects.tags, deleteAt: objObjects.deleteAt })
      .from(objObjects)
      .where(and(...conds))
      .orderBy(asc(objObjects.name))
      .limit(PAGE)
      .all();
    if (!rows.length) return scheduled;
    store.db.transaction((tx) => {
      for (const r of rows) {
        const due = lifecycleExpiry(rules, r);
        if (!due || due.at > now) continue;
        const at = Math.min(due.at, now);
        tx.update(objObjects).set({ deleteAt: at }).where(and(eq(objObjects.id, r.id), or(isNull(objObjects.deleteAt), gt(objObjects.deleteAt, now)))).run();
        store.enqueue(tx, 'object.expire', { projectId: cfg.projectId, container: cfg.name, name: r.name, versionId: r.id }, { runAt: at, jobId: `lifecycle:${r.id}` });
        scheduled++;
      }
    });
    after = rows.at(-1)!.name;
    await yieldToLoop();
  }
}

function abortUploads(store: ObjectStoreContext, containerId: string, rule: LifecycleRule, now: number): number {
  const cutoff = Math.floor(now / DAY) * DAY - rule.abortIncompleteAfterDays! * DAY;
  const ups = store.db
    .select({ id: objUploads.id })
    .from(objUploads)
    .where(
      and(
        eq(objUploads.containerId, containerId),
        isNull(objUploads.completedVersionId),
        lt(objUploads.initiated, cutoff),
        sql`substr(${objUploads.name}, 1, ${rule.filter.prefix.length}) = ${rule.filter.prefix}`,
      ),
    )
    .all();
  if (!ups.length) return 0;
  store.db.transaction((tx) => {
    for (const u of ups) store.enqueue(tx, 'multipart.cleanup', { uploadId: u.id }, { runAt: now, jobId: `lifecycle-abort:${u.id}` });
  });
  return ups.length;
}
