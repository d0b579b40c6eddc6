// Swift's response-header conventions: transaction ids, timestamps, dates and metadata header names.
import { randomBytes } from 'node:crypto';

/** A Swift transaction id: `tx` + 21 hex + `-` + unix time as 10 hex digits (also sent as X-Openstack-Request-Id). */
export function newTransId(nowMs: number = Date.now()): string {
  const rand = randomBytes(11).toString('hex').slice(0, 21);
  const t = Math.floor(nowMs / 1000).toString(16).padStart(10, '0');
  return `tx${rand}-${t}`;
}

/** Swift's internal timestamp form (`X-Timestamp`), e.g. `1732560428.12345`. */
export function swiftTimestamp(ms: number): string {
  return (ms / 1000).toFixed(5).padStart(16, '0');
}

/** Listing time: ISO 8601 UTC with microseconds and no zone suffix, e.g. `2026-11-25T19:27:08.123000`. */
export function listingTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 19)}.${iso.slice(20, 23)}000`;
}

/** HTTP date at one-second precision (the fraction is dropped so conditionals agree with the header). */
export function httpDate(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toUTCString();
}

/** Parses an HTTP date header into ms since the epoch; undefined when unparseable. */
export function parseHttpDate(v: string | null | undefined): number | undefined {
  if (!v) return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}

/** Title-cases a dash-separated header name piece the way Swift returns metadata names (`x-foo-bar` → `X-Foo-Bar`). */
export function titleCase(name: string): string {
  return name
    .split('-')
    .map((p) => (p.length ? p[0]!.toUpperCase() + p.slice(1).toLowerCase() : p))
    .join('-');
}

/** Which metadata namespace a header belongs to. */
export type MetaScope = 'Account' | 'Container' | 'Object';

/**
 * User metadata named by request headers `X-{Scope}-Meta-{name}` (set) and `X-Remove-{Scope}-Meta-{name}` (remove → '').
 * Names come back lower-cased (the canonical stored form) with underscores as hyphens (Swift reads headers
 * through the WSGI environment, where `_` and `-` are one character); values are kept as sent. An empty
 * value removes, as Swift's POST and container/account PUT treat it, unless `keepEmpty` (an object PUT or
 * COPY stores it as an empty item).
 */
export function readMetaHeaders(headers: Headers, scope: MetaScope, opts: { keepEmpty?: boolean } = {}): { set: Record<string, string>; remove: string[] } {
  const setPrefix = `x-${scope.toLowerCase()}-meta-`;
  const removePrefix = `x-remove-${scope.toLowerCase()}-meta-`;
  const set: Record<string, string> = {};
  const remove: string[] = [];
  headers.forEach((value, key) => {
    const k = key.toLowerCase().replace(/_/g, '-');
    if (k.startsWith(setPrefix) && k.length > setPrefix.length) {
      const name = k.slice(setPrefix.length);
      if (value === '' && !opts.keepEmpty) remove.push(name);
      else set[name] = value;
    } else if (k.startsWith(removePrefix) && k.length > removePrefix.length) {
      remove.push(k.slice(removePrefix.length));
    }
  });
  return { set, remove };
}

/** Swift's metadata limits (published by `GET /info`). */
export const META_LIMITS = {
  maxMetaNameLength: 128,
  maxMetaValueLength: 256,
  maxMetaCount: 90,
  maxMetaOverallSize: 4096,
  maxHeaderSize: 8192,
} as const;

/** Checks metadata against Swift's limits; returns Swift's 400 message on violation. */
export function checkMetadata(meta: Record<string, string>, scope: MetaScope): string | undefined {
  const prefix = `X-${scope}-Meta-`;
  let count = 0;
  let size = 0;
  for (const [k, v] of Object.entries(meta)) {
    count++;
    const kl = Buffer.byteLength(k);
    const vl = Buffer.byteLength(v);
    size += kl + vl;
    if (kl > META_LIMITS.maxMetaNameLength) return `Metadata name too long: ${prefix}${k}`;
    if (vl > META_LIMITS.maxMetaValueLength) return `Metadata value longer than ${META_LIMITS.maxMetaValueLength}: ${prefix}${k}`;
  }
  if (count > META_LIMITS.maxMetaCount) return `Too many metadata items; max ${META_LIMITS.maxMetaCount}`;
  if (size > META_LIMITS.maxMetaOverallSize) return `Total metadata too large; max ${META_LIMITS.maxMetaOverallSize}`;
  return undefined;
}

/** Writes metadata as `X-{Scope}-Meta-{Title-Cased}` response headers. */
export function writeMetaHeaders(h: Headers, scope: MetaScope, meta: Record<string, string> | undefined): void {
  if (!meta) return;
  for (const [k, v] of Object.entries(meta)) h.set(`X-${scope}-Meta-${titleCase(k)}`, headerSafe(v));
}

/**
 * Makes a value sendable as an HTTP header. Node hands header bytes to us as latin1 characters, so values
 * that came in as headers round-trip untouched; text with wider characters goes out as its UTF-8 bytes.
 */
export function headerSafe(v: string): string {
  const cleaned = v.replace(/[\r\n\0]/g, ' ');
  return /[^\u0000-\u00ff]/.test(cleaned) ? Buffer.from(cleaned, 'utf8').toString('latin1') : cleaned;
}
