// Neutron list queries on the wire shapes: attribute filters (any value of a repeated key), tag filters, fields, sort_key/sort_dir, limit/marker with *_links.
import { errors } from '../../../core/errors.js';
import type { Wire } from './views.js';

const RESERVED = new Set(['fields', 'sort_key', 'sort_dir', 'limit', 'marker', 'page_reverse', 'tags', 'tags-any', 'not-tags', 'not-tags-any']);

/** The query as repeated keys: `?name=a&name=b` → name: [a, b]. */
export type Query = Map<string, string[]>;

export function parseQuery(url: string): Query {
  const q: Query = new Map();
  for (const [k, v] of new URL(url).searchParams) {
    const l = q.get(k);
    if (l) l.push(v);
    else q.set(k, [v]);
  }
  return q;
}

/** The single value of `key` when the query names exactly one (the SQL-pushable filters). */
export function single(q: Query, key: string): string | undefined {
  const v = q.get(key);
  return v && v.length === 1 ? v[0] : undefined;
}

/** How a query value compares with an attribute value: booleans by Neutron's convert_to_boolean, null as `None`/empty, numbers as text. */
function matches(value: unknown, wanted: string): boolean {
  if (typeof value === 'boolean') return /^(true|1)$/i.test(wanted) === value && /^(true|false|0|1)$/i.test(wanted);
  if (value === null || value === undefined) return wanted === '' || wanted === 'None';
  if (typeof value === 'number') return String(value) === wanted;
  if (typeof value === 'string') return value === wanted;
  if (Array.isArray(value)) return value.some((v) => typeof v === 'string' && v === wanted);
  return false;
}

/** `fixed_ips=ip_address=10.0.0.3` / `fixed_ips=subnet_id=x` / `ip_address_substr=...` on a port's fixed IPs. */
function matchesFixedIps(value: unknown, wanted: string): boolean {
  if (!Array.isArray(value)) return false;
  const [k, v] = wanted.includes('=') ? [wanted.slice(0, wanted.indexOf('=')), wanted.slice(wanted.indexOf('=') + 1)] : ['ip_address', wanted];
  return value.some((f: Record<string, unknown>) => (k === 'ip_address_substr' ? String(f.ip_address).includes(v!) : f[k!] === v));
}

const splitTags = (q: Query, key: string) => (q.get(key) ?? []).flatMap((v) => v.split(',')).filter(Boolean);

/** Applies attribute and tag filters; keys the items do not have are ignored (older clients send extras). */
export function filterItems(items: Wire[], q: Query): Wire[] {
  const tagsAll = splitTags(q, 'tags');
  const tagsAny = splitTags(q, 'tags-any');
  const notAll = splitTags(q, 'not-tags');
  const notAny = splitTags(q, 'not-tags-any');
  const filters = [...q.entries()].filter(([k]) => !RESERVED.has(k));
  return items.filter((it) => {
    for (const [k, values] of filters) {
      if (!(k in it)) continue;
      const v = it[k];
      const ok = k === 'fixed_ips' ? values.every((w) => matchesFixedIps(v, w)) : values.some((w) => matches(v, w));
      if (!ok) return false;
    }
    const tags = (it.tags as string[] | undefined) ?? [];
    if (tagsAll.length && !tagsAll.every((t) => tags.includes(t))) return false;
    if (tagsAny.length && !tagsAny.some((t) => tags.includes(t))) return false;
    if (notAll.length && notAll.every((t) => tags.includes(t))) return false;
    if (notAny.length && notAny.some((t) => tags.includes(t))) return false;
    return true;
  });
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a ? 1 : -1;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** One page of a list and its `*_links`. */
export interface Page {
  items: Wire[];
  links: Array<{ rel: 'next' | 'previous'; href: string }>;
}

/**
 * Sorts (sort_key/sort_dir pairs, then id), pages (limit, marker, page_reverse) and builds Neutron's
 * next/previous links on `baseUrl` with the other query parameters kept.
 */
export function sortAndPage(items: Wire[], q: Query, baseUrl: string): Page {
  const keys = q.get('sort_key') ?? [];
  const dirs = q.get('sort_dir') ?? [];
  if (dirs.length > keys.length) throw errors.invalid('The number of sort_keys and sort_dirs must be same', { type: 'HTTPBadRequest' });
  for (const d of dirs) if (d !== 'asc' && d !== 'desc') throw errors.invalid(`Sort direction ${d} is not valid; use asc or desc.`, { type: 'HTTPBadRequest' });
  for (const k of keys) {
    if (items.length && !(k in items[0]!)) throw errors.invalid(`${k} is invalid attribute for sort_keys`, { type: 'HTTPBadRequest' });
  }
  const limitRaw = single(q, 'limit');
  const marker = single(q, 'marker');
  const reverse = /^true$/i.test(single(q, 'page_reverse') ?? '');
  let limit: number | undefined;
  if (limitRaw !== undefined) {
    if (!/^-?\d+$/.test(limitRaw) || Number(limitRaw) < 0) throw errors.invalid(`Limit must be an integer 0 or greater and not '${limitRaw}'`, { type: 'HTTPBadRequest' });
    limit = Number(limitRaw) || undefined;
  }
  let sorted = items;
  if (keys.length || limit !== undefined || marker !== undefined) {
    const spec = keys.map((k, i) => ({ k, dir: dirs[i] === 'desc' ? -1 : 1 }));
    if (!keys.includes('id')) spec.push({ k: 'id', dir: spec[0]?.dir ?? 1 });
    sorted = [...items].sort((a, b) => {
      for (const s of spec) {
        const c = compare(a[s.k], b[s.k]);
        if (c) return c * s.dir;
      }
      return 0;
    });
  }
  if (limit === undefined && marker === undefined) return { items: sorted, links: [] };
  if (reverse) sorted = [...sorted].reverse();
  let start = 0;
  if (marker !== undefined) {
    const at = sorted.findIndex((i) => i.id === marker);
    if (at < 0) throw errors.invalid(`Marker ${marker} could not be found.`, { type: 'HTTPBadRequest' });
    start = at + 1;
  }
  let page = limit === undefined ? sorted.slice(start) : sorted.slice(start, start + limit);
  const hasMore = limit !== undefined && start + limit < sorted.length;
  if (reverse) page = [...page].reverse();
  const link = (rel: 'next' | 'previous', m: string, pageReverse: boolean) => {
    const u = new URL(baseUrl);
    for (const [k, vs] of q) if (k !== 'marker' && k !== 'page_reverse') for (const v of vs) u.searchParams.append(k, v);
    u.searchParams.set('marker', m);
    if (pageReverse) u.searchParams.set('page_reverse', 'True');
    return { rel, href: u.toString() };
  };
  const links: Page['links'] = [];
  if (page.length) {
    const first = page[0]!.id as string;
    const last = page[page.length - 1]!.id as string;
    if (!reverse) {
      if (hasMore) links.push(link('next', last, false));
      if (marker !== undefined) links.push(link('previous', first, true));
    } else {
      if (marker !== undefined) links.push(link('next', last, false));
      if (hasMore) links.push(link('previous', first, true));
    }
  }
  return { items: page, links };
}

/** Keeps only the `fields=` asked for (all when none). */
export function selectFields(item: Wire, q: Query): Wire {
  const fields = q.get('fields');
  if (!fields || fields.length === 0) return item;
  const out: Wire = {};
  for (const f of fields.flatMap((x) => x.split(','))) if (f in item) out[f] = item[f];
  return out;
}
