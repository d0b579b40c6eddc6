// The result body Swift's bulk middleware (bulk delete, SLO delete) sends: plain, JSON or XML by Accept.
import xmlbuilder from 'xmlbuilder';
import { xmlText, type ListingFormat } from './listing.js';

/** Counters and per-path failures of a bulk operation. */
export interface BulkResult {
  deleted: number;
  notFound: number;
  /** `[quoted path, "409 Conflict"]` pairs. */
  errors: Array<[string, string]>;
  /** Overall status line in the body, e.g. `200 OK`, `400 Bad Request`. */
  status: string;
  /** Extra explanation (`Response Body`). */
  body?: string;
}

/** Python's `urllib.parse.quote` (safe `/`), which Swift uses for names in bulk results. */
export function quotePath(p: string): string {
  return encodeURIComponent(p)
    .replace(/%2F/g, '/')
    .replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Renders a bulk result in Swift's format for `format`. */
export function renderBulkResult(format: ListingFormat, r: BulkResult): string {
  const dict: Record<string, string | number> = {
    'Number Deleted': r.deleted,
    'Number Not Found': r.notFound,
    'Response Body': r.body ?? '',
    'Response Status': r.status,
  };
  if (format === 'json') return JSON.stringify({ ...dict, Errors: r.errors });
  if (format === 'xml') {
    const root = xmlbuilder.create('delete', { version: '1.0', encoding: 'UTF-8' });
    for (const [k, v] of Object.entries(dict)) root.ele(k.toLowerCase().replace(/ /g, '_'), xmlText(String(v)));
    const errs = root.ele('errors');
    for (const [name, status] of r.errors) {
      const o = errs.ele('object');
      o.ele('name', xmlText(name));
      o.ele('status', xmlText(status));
    }
    return root.end({ pretty: false });
  }
  const lines = Object.keys(dict)
    .sort()
    .map((k) => `${k}: ${dict[k]}\n`);
  lines.push('Errors:\n');
  for (const [name, status] of r.errors) lines.push(`${name}, ${status}\n`);
  return lines.join('');
}
