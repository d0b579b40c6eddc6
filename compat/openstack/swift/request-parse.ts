// Parsing of Swift request headers and query parameters: ranges, conditionals, expiry, listing options, ACLs.
import type { ByteRange, Conditions, ListOptions } from '../../../core/objects/types.js';
import { SwiftError } from './errors.js';
import { parseHttpDate } from './headers.js';

/** Swift's listing cap (`container_listing_limit`, `account_listing_limit`). */
export const LISTING_LIMIT = 10000;

/** Swift's true-ish query/header values (`swift.common.utils.config_true_value`). */
export function isTrue(v: string | null | undefined): boolean {
  return v !== null && v !== undefined && ['true', '1', 'yes', 'on', 't', 'y'].includes(v.trim().toLowerCase());
}

/**
 * A single `bytes=` range; undefined when absent, unparseable or multi-range (Swift serves the whole
 * object then: RFC 7233 allows a server to ignore Range).
 */
export function parseRange(header: string | null): ByteRange | undefined {
  if (!header) return undefined;
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m) return undefined;
  const [, a, b] = m;
  if (a === '' && b === '') return undefined;
  if (a === '') return { suffix: Number(b) };
  const start = Number(a);
  if (b === '') return { start };
  const end = Number(b);
  if (end < start) return undefined;
  return { start, end };
}

const etagList = (v: string | null): string[] | undefined =>
  v === null
    ? undefined
    : v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');

/** If-Match / If-None-Match / If-(Un)Modified-Since (unparseable dates are ignored, as HTTP says). */
export function parseConditions(h: Headers): Conditions | undefined {
  const c: Conditions = {};
  const im = etagList(h.get('if-match'));
  const inm = etagList(h.get('if-none-match'));
  if (im?.length) c.ifMatch = im;
  if (inm?.length) c.ifNoneMatch = inm;
  const ims = parseHttpDate(h.get('if-modified-since'));
  const ius = parseHttpDate(h.get('if-unmodified-since'));
  if (ims !== undefined) c.ifModifiedSince = ims;
  if (ius !== undefined) c.ifUnmodifiedSince = ius;
  return Object.keys(c).length ? c : undefined;
}

/** Swift's latest expiry (`normalize_delete_at_timestamp` clamps to 10 digits of seconds). */
const MAX_DELETE_AT_MS = 9_999_999_999_000;

/** X-Delete-At (unix seconds) or X-Delete-After (seconds from now) → ms, clamped as Swift clamps; 400 when not an integer or in the past. */
export function parseDeleteAt(h: Headers, nowMs: number): number | undefined {
  const after = h.get('x-delete-after');
  const at = h.get('x-delete-at');
  if (after !== null) {
    if (!/^\s*\d+\s*$/.test(after)) throw new SwiftError(400, 'Non-integer X-Delete-After');
    return Math.min(nowMs + Number(after) * 1000, MAX_DELETE_AT_MS);
  }
  if (at !== null) {
    if (!/^\s*\d+(\.\d+)?\s*$/.test(at)) throw new SwiftError(400, 'Non-integer X-Delete-At');
    const ms = Math.floor(Number(at)) * 1000;
    if (ms <= nowMs) throw new SwiftError(400, 'X-Delete-At in past');
    return Math.min(ms, MAX_DELETE_AT_MS);
  }
  return undefined;
}

/** Listing query parameters → core ListOptions; Swift's 412s for bad limits and delimiters. */
export function parseListing(q: URLSearchParams): { opts: ListOptions; path?: string } {
  const opts: ListOptions = { limit: LISTING_LIMIT };
  const limit = q.get('limit');
  if (limit !== null && limit !== '') {
    if (!/^-?\d+$/.test(limit.trim())) throw new SwiftError(412, 'Value of limit must be a positive integer');
    const n = Number(limit);
    if (n < 0) throw new SwiftError(412, 'Value of limit must be a positive integer');
    if (n > LISTING_LIMIT) throw new SwiftError(412, `Maximum limit is ${LISTING_LIMIT}`);
    opts.limit = n;
  }
  const delimiter = q.get('delimiter');
  if (delimiter) {
    if ([...delimiter].length > 1 || delimiter.codePointAt(0)! > 254) throw new SwiftError(412, 'Bad delimiter');
    opts.delimiter = delimiter;
  }
  for (const [param, key] of [
    ['prefix', 'prefix'],
    ['marker', 'marker'],
    ['end_marker', 'endMarker'],
  ] as const) {
    const v = q.get(param);
    if (v) opts[key] = v;
  }
  if (isTrue(q.get('reverse'))) opts.reverse = true;
  const path = q.get('path');
  if (path !== null) {
    // Legacy `path`: direct children of a pseudo-directory, without rolled-up entries.
    opts.prefix = path === '' ? '' : path.endsWith('/') ? path : `${path}/`;
    opts.delimiter = '/';
    return { opts, path };
  }
  return { opts };
}

/**
 * Swift's `clean_acl`: normalises an `X-Container-Read`/`-Write` value (referrer spellings, spacing,
 * empty items) and refuses what Swift refuses. Returns '' for an empty ACL.
 */
export function cleanAcl(header: 'X-Container-Read' | 'X-Container-Write', value: string): string {
  const out: string[] = [];
  for (const raw of value.split(',')) {
    const item = raw.trim();
    if (!item) continue;
    const colon = item.indexOf(':');
    const first = (colon === -1 ? item : item.slice(0, colon)).trim();
    if (!first.startsWith('.')) {
      out.push(item);
      continue;
    }
    if (first === '.rlistings') {
      if (header === 'X-Container-Write') throw new SwiftError(400, `Referrers not allowed in write ACL: ${JSON.stringify(item)}`);
      if (colon !== -1) throw new SwiftError(400, `Invalid value for ${header}: ${JSON.stringify(item)}`);
      out.push('.rlistings');
      continue;
    }
    if (!['.r', '.ref', '.referer', '.referrer'].includes(first)) throw new SwiftError(400, `Unknown designator ${JSON.stringify(first)} in ACL: ${JSON.stringify(value)}`);
    if (header === 'X-Container-Write') throw new SwiftError(400, `Referrers not allowed in write ACL: ${JSON.stringify(item)}`);
    const second = colon === -1 ? '' : item.slice(colon + 1).trim();
    if (!second || second === '-') throw new SwiftError(400, `No host/domain value after referrer designation in ACL: ${JSON.stringify(value)}`);
    const host = second.startsWith('-') ? `-${second.slice(1).trim()}` : second;
    out.push(`.r:${host}`);
  }
  return out.join(',');
}
