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

/** Renders a bulk delete result in Swift's format for `format`. */
export function renderBulkResult(format: ListingFormat, r: BulkResult): string {
  return renderBulkDict(format, 'delete', { 'Number Deleted': r.deleted, 'Number Not Found': r.notFound, 'Response Body': r.body ?? '', 'Response Status': r.status }, r.errors);
}

/** Counters and per-path failures of a bulk extract (`?extract-archive`). */
export interface ExtractResult {
  created: number;
  /** `[quoted path, "413 Request Entity Too Large"]` pairs. */
  errors: Array<[string, string]>;
  /** Overall status line in the body: `201 Created` when everything was written. */
  status: string;
  body?: string;
}

/** Renders a bulk extract result in Swift's format for `format` (its XML root is `<extract>`). */
export function renderExtractResult(format: ListingFormat, r: ExtractResult): string {
  return renderBulkDict(format, 'extract', { 'Number Files Created': r.created, 'Response Body': r.body ?? '', 'Response Status': r.status }, r.errors);
}

/** Swift bulk's `get_response_body`: JSON, XML under `root`, or `Key: value` lines sorted by key then the errors. */
function renderBulkDict(format: ListingFormat, root: string, dict: Record<string, string | number>, errors: Array<[string, string]>): string {
  if (format === 'json') return JSON.stringify({ ...dict, Errors: errors });
  if (format === 'xml') {
    const el = xmlbuilder.create(root, { version: '1.0', encoding: 'UTF-8' });
    for (const [k, v] of Object.entries(dict)) el.ele(k.toLowerCase().replace(/ /g, '_'), xmlText(String(v)));
    const errs = el.ele('errors');
    for (const [name, status] of errors) {
      const o = errs.ele('object');
      o.ele('name', xmlText(name));
      o.ele('status', xmlText(status));
    }
    return el.end({ pretty: false });
  }
  const lines = Object.keys(dict)
    .sort()
    .map((k) => `${k}: ${dict[k]}\n`);
  lines.push('Errors:\n');
  for (const [name, status] of errors) lines.push(`${name}, ${status}\n`);
  return lines.join('');
}
