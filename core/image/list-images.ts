// Image listing: Glance's visibility rules, filters, multi-key sort and marker paging, all in portable SQL.
import { and, asc, desc, eq, gt, gte, inArray, lt, lte, ne, or, sql, type SQL } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import { imgImages, imgMembers, imgProperties, imgTags } from '../db/schema/image.js';
import { errors } from '../errors.js';
import { isAdmin, requireRule, toImages, type ImageContext } from './context.js';
import { DEFAULT_LIMIT, MAX_LIMIT } from './rules.js';
import type { ImagePage, ListImagesOptions, SortKey, TimeFilter } from './types.js';

/**
 * The sort expression of each key. Nullable columns are coalesced so NULLs order the same on SQLite
 * and PostgreSQL (which disagree on where NULLs go) and so marker comparisons never meet a NULL.
 */
const SORT_EXPR: Record<SortKey, SQL> = {
  name: sql`coalesce(${imgImages.name}, '')`,
  status: sql`${imgImages.status}`,
  container_format: sql`coalesce(${imgImages.containerFormat}, '')`,
  disk_format: sql`coalesce(${imgImages.diskFormat}, '')`,
  size: sql`coalesce(${imgImages.size}, -1)`,
  virtual_size: sql`coalesce(${imgImages.virtualSize}, -1)`,
  id: sql`${imgImages.id}`,
  created_at: sql`${imgImages.createdAt}`,
  updated_at: sql`${imgImages.updatedAt}`,
  visibility: sql`${imgImages.visibility}`,
  owner: sql`coalesce(${imgImages.owner}, '')`,
  min_disk: sql`${imgImages.minDisk}`,
  min_ram: sql`${imgImages.minRam}`,
};

const memberOf = (project: string, status?: string) =>
  sql`exists (select 1 from ${imgMembers} where ${imgMembers.imageId} = ${imgImages.id} and ${imgMembers.member} = ${project}${status ? sql` and ${imgMembers.status} = ${status}` : sql``})`;

/** Which images the caller may list under the `visibility` filter (Glance's rules). */
function accessCondition(ctx: RequestContext, o: ListImagesOptions): SQL | undefined {
  const admin = isAdmin(ctx);
  const p = ctx.auth?.projectId ?? '';
  const ms = o.memberStatus === 'all' ? undefined : (o.memberStatus ?? 'accepted');
  const owned = eq(imgImages.owner, p);
  const sharedWithMe = and(eq(imgImages.visibility, 'shared'), memberOf(p, ms));
  switch (o.visibility) {
    case 'public':
      return eq(imgImages.visibility, 'public');
    case 'community':
      return eq(imgImages.visibility, 'community');
    case 'private':
      return admin ? eq(imgImages.visibility, 'private') : and(eq(imgImages.visibility, 'private'), owned);
    case 'shared':
      return admin ? eq(imgImages.visibility, 'shared') : and(eq(imgImages.visibility, 'shared'), or(owned, memberOf(p, ms)));
    case 'all':
      return admin ? undefined : or(eq(imgImages.visibility, 'public'), eq(imgImages.visibility, 'community'), owned, sharedWithMe);
    default:
      // Glance lists everything to an admin; others see public, their own, and what was shared with them (not community).
      return admin ? undefined : or(eq(imgImages.visibility, 'public'), owned, sharedWithMe);
  }
}

function timeConditions(col: typeof imgImages.createdAt | typeof imgImages.updatedAt, filters: TimeFilter[] | undefined): SQL[] {
  const out: SQL[] = [];
  for (const f of filters ?? []) {
    const fn = { eq, neq: ne, gt, gte, lt, lte }[f.op];
    out.push(fn(col, f.at));
  }
  return out;
}

/** Every filter of `o` as SQL conditions. */
function filterConditions(o: ListImagesOptions): SQL[] {
  const c: SQL[] = [];
  if (o.name?.length) c.push(inArray(imgImages.name, o.name));
  if (o.status?.length) c.push(inArray(imgImages.status, o.status));
  if (o.owner !== undefined) c.push(eq(imgImages.owner, o.owner));
  if (o.containerFormat?.length) c.push(inArray(imgImages.containerFormat, o.containerFormat));
  if (o.diskFormat?.length) c.push(inArray(imgImages.diskFormat, o.diskFormat));
  if (o.sizeMin !== undefined) c.push(gte(imgImages.size, o.sizeMin));
  if (o.sizeMax !== undefined) c.push(lte(imgImages.size, o.sizeMax));
  if (o.protected !== undefined) c.push(eq(imgImages.protected, o.protected));
  c.push(eq(imgImages.osHidden, o.osHidden ?? false));
  if (o.ids?.length) c.push(inArray(imgImages.id, o.ids));
  for (const t of o.tags ?? []) c.push(sql`exists (select 1 from ${imgTags} where ${imgTags.imageId} = ${imgImages.id} and ${imgTags.tag} = ${t})`);
  for (const [k, v] of Object.entries(o.properties ?? {})) {
    c.push(sql`exists (select 1 from ${imgProperties} where ${imgProperties.imageId} = ${imgImages.id} and ${imgProperties.name} = ${k} and ${imgProperties.value} = ${v})`);
  }
  c.push(...timeConditions(imgImages.createdAt, o.createdAt), ...timeConditions(imgImages.updatedAt, o.updatedAt));
  return c;
}

/** Sort keys with `id` appended as the tie-breaker, so pages never overlap or skip. */
function sortKeys(o: ListImagesOptions): Array<{ key: SortKey; dir: 'asc' | 'desc' }> {
  const keys = o.sort?.length ? [...o.sort] : [{ key: 'created_at' as const, dir: 'desc' as const }];
  if (!keys.some((k) => k.key === 'id')) keys.push({ key: 'id', dir: keys[keys.length - 1]!.dir });
  return keys;
}

/** The rows after the marker in sort order: (k1 > v1) or (k1 = v1 and k2 > v2) ... */
function afterMarker(keys: Array<{ key: SortKey; dir: 'asc' | 'desc' }>, values: unknown[]): SQL {
  const branches: SQL[] = [];
  for (let i = 0; i < keys.length; i++) {
    const parts: SQL[] = [];
    for (let j = 0; j < i; j++) parts.push(sql`${SORT_EXPR[keys[j]!.key]} = ${values[j]}`);
    const k = keys[i]!;
    parts.push(k.dir === 'asc' ? sql`${SORT_EXPR[k.key]} > ${values[i]}` : sql`${SORT_EXPR[k.key]} < ${values[i]}`);
    branches.push(and(...parts)!);
  }
  return or(...branches)!;
}

/** Lists the images the caller may see, filtered, sorted and paged as Glance does. */
export function listImages(ic: ImageContext, ctx: RequestContext, o: ListImagesOptions): ImagePage {
  requireRule(ctx, 'get_images');
  const limit = o.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 0) throw errors.invalid('limit param must be positive', { reason: 'limit' });
  const pageSize = Math.min(limit, MAX_LIMIT);
  const keys = sortKeys(o);
  const conds: SQL[] = filterConditions(o);
  const access = accessCondition(ctx, o);
  if (access) conds.push(access);
  if (o.marker !== undefined) {
    const selection = Object.fromEntries(keys.map((k, i) => [`k${i}`, SORT_EXPR[k.key]]));
    const m = ic.db
      .select(selection)
      .from(imgImages)
      .where(and(eq(imgImages.id, o.marker), ...(access ? [access] : [])))
      .get() as Record<string, unknown> | undefined;
    if (!m) throw errors.invalid(`Invalid marker. Image ${o.marker} could not be found.`, { reason: 'marker' });
    conds.push(afterMarker(keys, keys.map((_, i) => m[`k${i}`])));
  }
  const rows = ic.db
    .select()
    .from(imgImages)
    .where(and(...conds))
    .orderBy(...keys.map((k) => (k.dir === 'asc' ? asc(SORT_EXPR[k.key]) : desc(SORT_EXPR[k.key]))))
    .limit(pageSize + 1)
    .all();
  const more = rows.length > pageSize;
  return { images: toImages(ic.db, more ? rows.slice(0, pageSize) : rows), more };
}
