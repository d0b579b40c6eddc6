// Bucket CORS rules: validation of a configuration as S3 does, and matching preflight and actual cross-origin requests.
import { errors } from '../errors.js';

/** One CORS rule of a bucket (S3 `CORSRule`), as stored. */
export interface CorsRule {
  id?: string;
  allowedMethods: string[];
  allowedOrigins: string[];
  allowedHeaders: string[];
  exposeHeaders: string[];
  maxAgeSeconds?: number;
}

/** The methods a CORS rule may allow (S3 accepts no others). */
export const CORS_METHODS: ReadonlySet<string> = new Set(['GET', 'PUT', 'POST', 'DELETE', 'HEAD']);

/** Most rules one configuration may hold (S3: 100). */
export const MAX_CORS_RULES = 100;

const invalidRequest = (message: string) => errors.invalid(message, { reason: 'InvalidRequest' });

const wildcards = (s: string) => s.split('*').length - 1;

/**
 * Validates a configuration as S3 does: 1 to 100 rules, each with at least one origin and one method;
 * methods among GET/PUT/POST/DELETE/HEAD (case-sensitive), at most one `*` per origin and per allowed
 * header, none in expose headers, ids of at most 255 characters. Invalid (reason InvalidRequest, or
 * MalformedXML for a missing element) otherwise.
 */
export function validateCorsRules(rules: CorsRule[]): void {
  if (rules.length === 0) throw errors.invalid('The XML you provided was not well-formed or did not validate against our published schema.', { reason: 'MalformedXML' });
  if (rules.length > MAX_CORS_RULES) throw invalidRequest(`The number of CORS rules should not exceed allowed limit of ${MAX_CORS_RULES} rules.`);
  for (const r of rules) {
    if (!r.allowedMethods.length || !r.allowedOrigins.length) {
      throw errors.invalid('The XML you provided was not well-formed or did not validate against our published schema.', { reason: 'MalformedXML' });
    }
    for (const m of r.allowedMethods) {
      if (!CORS_METHODS.has(m)) throw invalidRequest(`Found unsupported HTTP method in CORS config. Unsupported method is ${m}`);
    }
    for (const o of r.allowedOrigins) if (wildcards(o) > 1) throw invalidRequest(`AllowedOrigin "${o}" can not have more than one wildcard.`);
    for (const h of r.allowedHeaders) if (wildcards(h) > 1) throw invalidRequest(`AllowedHeader "${h}" can not have more than one wildcard.`);
    for (const h of r.exposeHeaders) if (h.includes('*')) throw invalidRequest(`ExposeHeader "${h}" contains wildcard. We currently do not support wildcard for ExposeHeader.`);
    if (r.id !== undefined && r.id.length > 255) throw invalidRequest('ID length should not exceed allowed limit of 255');
    if (r.maxAgeSeconds !== undefined && (!Number.isInteger(r.maxAgeSeconds) || r.maxAgeSeconds < 0)) throw invalidRequest('MaxAgeSeconds must be a non-negative integer.');
  }
}

/** `pattern` with at most one `*` (any run of characters) matches `value`; `fold` compares case-insensitively. */
function globMatch(pattern: string, value: string, fold: boolean): boolean {
  const p = fold ? pattern.toLowerCase() : pattern;
  const v = fold ? value.toLowerCase() : value;
  const star = p.indexOf('*');
  if (star === -1) return p === v;
  const head = p.slice(0, star);
  const tail = p.slice(star + 1);
  return v.length >= head.length + tail.length && v.startsWith(head) && v.endsWith(tail);
}

/** What a cross-origin request asks for: its origin, the method (of the actual request) and the headers it will send. */
export interface CorsRequest {
  origin: string;
  method: string;
  /** Lower-cased request header names (a preflight's `Access-Control-Request-Headers`); none for actual requests. */
  headers: string[];
}

/**
 * The first rule (in order, as S3 evaluates them) whose origins, methods and allowed headers cover the
 * request; undefined when none does.
 */
export function matchCorsRule(rules: readonly CorsRule[], req: CorsRequest): CorsRule | undefined {
  return rules.find(
    (r) =>
      r.allowedOrigins.some((o) => globMatch(o, req.origin, false)) &&
      r.allowedMethods.includes(req.method) &&
      req.headers.every((h) => r.allowedHeaders.some((a) => globMatch(a, h, true))),
  );
}
