// Helpers every Keystone resource route uses: request context, zod body parsing to Keystone 400s, list links, query flags.
import type { Context } from 'hono';
import type { z } from 'zod';
import type { RequestContext } from '../../../core/context.js';
import { errors } from '../../../core/errors.js';
import { isObject, readJsonObject, type OpenStackEnv } from '../common/index.js';

type C = Context<OpenStackEnv>;

/** The core request context for this request (the auth middleware has set `auth`). */
export function ctxOf(c: C): RequestContext {
  return { requestId: c.get('requestId'), auth: c.get('auth') };
}

/**
 * Reads `{"<key>": {...}}` and validates the inner object with `schema`; failures are Keystone's 400
 * (`Invalid input for field '<path>': <reason>`).
 */
export async function parseMember<T extends z.ZodType>(c: C, limit: number, key: string, schema: T): Promise<z.infer<T>> {
  const body = await readJsonObject(c, limit);
  const inner = body[key];
  if (!isObject(inner)) throw errors.invalid(`Expecting to find ${key} in request body. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.`);
  return validate(schema, inner);
}

/** Validates `value` with `schema`, mapping the first issue to Keystone's schema-validation message. */
export function validate<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.path.length ? issue.path.join('.') : 'body';
  throw errors.invalid(`Invalid input for field '${field}': ${issue.message}`, { reason: 'schema' });
}

/** `links` of a collection: `self` is the request URL under the identity base; no paging. */
export function listLinks(c: C, identityUrl: string): { self: string; previous: null; next: null } {
  const url = new URL(c.req.url);
  const at = url.pathname.indexOf('/v3');
  return { self: `${identityUrl}${at >= 0 ? url.pathname.slice(at) : url.pathname}${url.search}`, previous: null, next: null };
}

/** A boolean query filter (`?enabled=false`), Keystone-style: absent → undefined; `0`/`false`/`no`/`off` → false. */
export function boolFilter(c: C, name: string): boolean | undefined {
  const v = c.req.query(name);
  if (v === undefined) return undefined;
  return !['0', 'false', 'no', 'off', 'f', 'n'].includes(v.toLowerCase());
}

/** Splits Keystone's comma-separated list filters (`?tags=a,b`). */
export function listFilter(c: C, name: string): string[] | undefined {
  const v = c.req.query(name);
  if (v === undefined || v === '') return undefined;
  return v.split(',').filter((s) => s !== '');
}

/** Parses an ISO-8601 timestamp from a body; 400 when it is not one. */
export function parseTime(value: string | null | undefined, field: string): number | null | undefined {
  if (value === undefined || value === null) return value;
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`);
  if (Number.isNaN(ms)) throw errors.invalid(`Invalid input for field '${field}': '${value}' is not a valid date-time.`);
  return ms;
}

/**
 * Parses an ISO-8601 timestamp keeping its microseconds (µs since the epoch); 400 when it is not one.
 * Keystone (parse_isotime) keeps up to six fraction digits; more are truncated, as Python's datetime does.
 */
export function parseTimeMicros(value: string | null | undefined, field: string): number | null | undefined {
  if (value === undefined || value === null) return value;
  const m = /^([^.]*)(?:\.(\d+))?(.*)$/.exec(value);
  const fraction = m?.[2] ?? '';
  const base = parseTime(`${m?.[1] ?? ''}${m?.[3] ?? ''}`, field);
  if (base === null || base === undefined || (m?.[2] === undefined && value.includes('.'))) {
    throw errors.invalid(`Invalid input for field '${field}': '${value}' is not a valid date-time.`);
  }
  return base * 1000 + Number(fraction.slice(0, 6).padEnd(6, '0'));
}

/** Keys of `obj` not in `known`: Keystone keeps them as extra attributes on users, projects and domains. */
export function extraOf(obj: Record<string, unknown>, known: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (!known.includes(k)) out[k] = v;
  return out;
}
