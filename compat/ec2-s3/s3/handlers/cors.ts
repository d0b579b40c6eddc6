// Bucket CORS on the S3 face: Put/Get/DeleteBucketCors, the anonymous `OPTIONS` preflight, and CORS headers on actual requests.
import type { RequestContext } from '../../../../core/context.js';
import type { ObjectService } from '../../../../core/objects/object-service.js';
import type { CorsRule } from '../../../../core/objects/cors.js';
import { CORS_METHODS } from '../../../../core/objects/cors.js';
import { s3Error } from '../errors.js';
import type { S3Handler } from '../handler-types.js';

interface WireCorsRule {
  ID?: string;
  AllowedHeaders?: string[];
  AllowedMethods?: string[];
  AllowedOrigins?: string[];
  ExposeHeaders?: string[];
  MaxAgeSeconds?: number;
}

/** PutBucketCors: replaces the bucket's CORS rules (validated in core as S3 does). */
export const putBucketCors: S3Handler = async (call) => {
  const cfg = call.input.CORSConfiguration as { CORSRules?: WireCorsRule[] } | undefined;
  if (!cfg?.CORSRules?.length) throw s3Error('MalformedXML');
  const rules: CorsRule[] = cfg.CORSRules.map((r) => ({
    id: r.ID,
    allowedMethods: r.AllowedMethods ?? [],
    allowedOrigins: r.AllowedOrigins ?? [],
    allowedHeaders: r.AllowedHeaders ?? [],
    exposeHeaders: r.ExposeHeaders ?? [],
    maxAgeSeconds: r.MaxAgeSeconds,
  }));
  await call.deps.objects.putBucketConfig(call.ctx, { container: call.bucket }, 'cors', rules);
  return {};
};

/** GetBucketCors: the rules as set; 404 NoSuchCORSConfiguration without any. */
export const getBucketCors: S3Handler = async (call) => {
  const rules = await call.deps.objects.getBucketConfig(call.ctx, { container: call.bucket }, 'cors');
  return {
    output: {
      CORSRules: rules.map((r) => ({
        ID: r.id,
        AllowedHeaders: r.allowedHeaders.length ? r.allowedHeaders : undefined,
        AllowedMethods: r.allowedMethods,
        AllowedOrigins: r.allowedOrigins,
        ExposeHeaders: r.exposeHeaders.length ? r.exposeHeaders : undefined,
        MaxAgeSeconds: r.maxAgeSeconds,
      })),
    },
  };
};

/** DeleteBucketCors: 204 whether or not there were rules. */
export const deleteBucketCors: S3Handler = async (call) => {
  await call.deps.objects.deleteBucketConfig(call.ctx, { container: call.bucket }, 'cors');
  return { status: 204 };
};

const VARY = 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method';

/** The Access-Control-* headers a matched rule answers for `origin` (S3 sends `*` for a rule allowing any origin). */
function ruleHeaders(rule: CorsRule, origin: string): Record<string, string> {
  const anyOrigin = rule.allowedOrigins.includes('*');
  const h: Record<string, string> = {
    'access-control-allow-origin': anyOrigin ? '*' : origin,
    'access-control-allow-methods': rule.allowedMethods.join(', '),
    vary: VARY,
  };
  if (!anyOrigin) h['access-control-allow-credentials'] = 'true';
  if (rule.exposeHeaders.length) h['access-control-expose-headers'] = rule.exposeHeaders.join(', ');
  if (rule.maxAgeSeconds !== undefined) h['access-control-max-age'] = String(rule.maxAgeSeconds);
  return h;
}

/**
 * The `OPTIONS` preflight of `bucket` (any key): unauthenticated, answered from the bucket's CORS rules.
 * 400 without `Origin` or a valid `Access-Control-Request-Method`; 403 CORSResponse when the bucket has
 * no CORS rules or none matches; 200 with the Access-Control-* headers otherwise.
 */
export async function preflight(objects: ObjectService, ctx: RequestContext, bucket: string, headers: Headers): Promise<{ status: number; headers: Record<string, string> }> {
  const origin = headers.get('origin');
  if (!origin) throw s3Error('BadRequest', 'Insufficient information. Origin request header needed.');
  const method = headers.get('access-control-request-method');
  if (!method || !CORS_METHODS.has(method)) throw s3Error('BadRequest', `Invalid Access-Control-Request-Method: ${method ?? 'null'}`);
  const requested = (headers.get('access-control-request-headers') ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const out = await objects.evaluateCors(ctx, { container: bucket }, { origin, method, headers: requested });
  if (out.kind === 'no-bucket') throw s3Error('NoSuchBucket', undefined, { BucketName: bucket });
  if (out.kind === 'not-enabled') throw s3Error('CORSResponse', 'CORS is not enabled for this bucket.');
  if (out.kind === 'denied') throw s3Error('CORSResponse');
  const h = ruleHeaders(out.rule, origin);
  if (requested.length) h['access-control-allow-headers'] = requested.join(', ');
  return { status: 200, headers: h };
}

/**
 * CORS headers for an actual request carrying `Origin` (success or error alike, so the browser can read
 * the answer): those of the first rule matching the origin and method; none when nothing matches.
 */
export async function actualRequestHeaders(objects: ObjectService, ctx: RequestContext, bucket: string, method: string, origin: string): Promise<Record<string, string>> {
  const out = await objects.evaluateCors(ctx, { container: bucket }, { origin, method, headers: [] });
  return out.kind === 'allowed' ? ruleHeaders(out.rule, origin) : {};
}
