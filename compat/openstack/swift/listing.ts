// Swift listing bodies (plain, JSON, XML) and format negotiation for account and container GETs.
import xmlbuilder from 'xmlbuilder';
import { listingTime } from './headers.js';

/** Characters XML 1.0 cannot carry and UTF-16 surrogates without their partner. */
const INVALID_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Text for an XML listing: what XML 1.0 cannot carry becomes U+FFFD (Swift names may hold any character
 * but NUL, and xmlbuilder throws on them); JSON and plain listings keep such names exact.
 */
export function xmlText(s: string): string {
  return s.replace(INVALID_XML, '\ufffd');
}

/** The three listing formats Swift serves. */
export type ListingFormat = 'plain' | 'json' | 'xml';

/** One object row in a container listing (compat view, ms timestamps). */
export interface ObjectListEntry {
  name: string;
  hash: string;
  bytes: number;
  contentType: string;
  lastModified: number;
  /** Extra JSON keys Swift adds for large objects (e.g. `slo_etag`, `s3_etag`). */
  extra?: Record<string, string>;
}

/** A rolled-up prefix when a delimiter is given. */
export interface SubdirEntry {
  subdir: string;
}

/** One container row in an account listing. */
export interface ContainerListEntry {
  name: string;
  count: number;
  bytes: number;
  lastModified: number;
}

/** Result of negotiating a listing format: the format and the exact Content-Type to answer with. */
export interface NegotiatedFormat {
  format: ListingFormat;
  contentType: string;
}

const FORMAT_TYPES: Array<[string, ListingFormat]> = [
  ['text/plain', 'plain'],
  ['application/json', 'json'],
  ['application/xml', 'xml'],
  ['text/xml', 'xml'],
];

/** Picks the format from `format=` (wins) or Accept (best q, Swift's preference order on ties); plain by default. */
export function negotiateFormat(formatParam: string | null, accept: string | null): NegotiatedFormat | undefined {
  if (formatParam) {
    const f = formatParam.toLowerCase();
    if (f === 'json') return { format: 'json', contentType: 'application/json; charset=utf-8' };
    if (f === 'xml') return { format: 'xml', contentType: 'application/xml; charset=utf-8' };
    if (f === 'plain' || f === 'txt' || f === 'text') return { format: 'plain', contentType: 'text/plain; charset=utf-8' };
    // Swift ignores an unknown format value and falls back to Accept.
  }
  if (!accept) return { format: 'plain', contentType: 'text/plain; charset=utf-8' };
  let best: { q: number; idx: number; type: string; format: ListingFormat } | undefined;
  for (const part of accept.split(',')) {
    const [rawType, ...params] = part.trim().split(';');
    const type = (rawType ?? '').trim().toLowerCase();
    if (!type) continue;
    let q = 1;
    for (const p of params) {
      const [k, v] = p.trim().split('=');
      if (k?.trim() === 'q' && v !== undefined) {
        const n = Number(v);
        q = Number.isFinite(n) ? n : 0;
      }
    }
    if (q <= 0) continue;
    FORMAT_TYPES.forEach(([t, format], idx) => {
      const matches = type === '*/*' || type === t || (type.endsWith('/*') && t.startsWith(type.slice(0, -1)));
      if (!matches) return;
      // Exact matches beat wildcards at the same q, as in webob's best_match.
      const specificity = type === t ? 0 : 0.0001;
      const score = q - specificity;
      if (!best || score > best.q || (score === best.q && idx < best.idx)) best = { q: score, idx, type: t, format };
    });
  }
  if (!best) return undefined;
  return { format: best.format, contentType: `${best.type}; charset=utf-8` };
}

/** Container listing body; undefined for an empty plain listing (Swift answers 204). */
export function formatContainerListing(
  format: ListingFormat,
  containerName: string,
  entries: Array<ObjectListEntry | SubdirEntry>,
): string | undefined {
  if (format === 'plain') {
    if (entries.length === 0) return undefined;
    return entries.map((e) => ('subdir' in e ? e.subdir : e.name)).join('\n') + '\n';
  }
  if (format === 'json') {
    return JSON.stringify(
      entries.map((e) =>
        'subdir' in e
          ? { subdir: e.subdir }
          : {
              name: e.name,
              hash: e.hash,
              bytes: e.bytes,
              content_type: e.contentType,
              last_modified: listingTime(e.lastModified),
              ...(e.extra ?? {}),
            },
      ),
    );
  }
  // Swift interleaves <object> and <subdir> in name order, so elements are created one by one.
  const root = xmlbuilder.create('container', { version: '1.0', encoding: 'UTF-8' }).att('name', xmlText(containerName));
  for (const e of entries) {
    if ('subdir' in e) {
      root.ele('subdir', { name: xmlText(e.subdir) }).ele('name', xmlText(e.subdir));
      continue;
    }
    const o = root.ele('object');
    o.ele('name', xmlText(e.name));
    o.ele('hash', xmlText(e.hash));
    o.ele('bytes', String(e.bytes));
    o.ele('content_type', xmlText(e.contentType));
    o.ele('last_modified', listingTime(e.lastModified));
  }
  return root.end({ pretty: false });
}

/** Account listing body; undefined for an empty plain listing (Swift answers 204). */
export function formatAccountListing(format: ListingFormat, accountName: string, entries: ContainerListEntry[]): string | undefined {
  if (format === 'plain') {
    if (entries.length === 0) return undefined;
    return entries.map((e) => e.name).join('\n') + '\n';
  }
  if (format === 'json') {
    return JSON.stringify(entries.map((e) => ({ name: e.name, count: e.count, bytes: e.bytes, last_modified: listingTime(e.lastModified) })));
  }
  const root = xmlbuilder.create('account', { version: '1.0', encoding: 'UTF-8' }).att('name', xmlText(accountName));
  for (const e of entries) {
    const c = root.ele('container');
    c.ele('name', xmlText(e.name));
    c.ele('count', String(e.count));
    c.ele('bytes', String(e.bytes));
    c.ele('last_modified', listingTime(e.lastModified));
  }
  return root.end({ pretty: false });
}
