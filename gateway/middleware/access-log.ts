// One JSON access-log line per request, written after the response is known, and the request metrics.
import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { Logger } from '../../core/logger.js';
import { requestHeaders } from '../../core/request-headers.js';
import type { GatewayEnv } from '../env.js';
import type { GatewayMetrics } from '../metrics.js';

/** Which API family a request belongs to, from its path (and method, for EC2's `POST /`). */
export type FamilyOf = (path: string, method: string) => string;

/**
 * The query's parameter names, never their values: sub-resources (`acl`, `uploads`, `tagging`) tell
 * `GET /bucket` lines apart, while presigned signatures, TempURL signatures and tokens stay out of the log.
 */
export function queryNames(query: string): string | undefined {
  if (!query) return undefined;
  const names = [...new Set(query.split('&').map((p) => decodeURIComponentSafe(p.split('=')[0] ?? '')).filter(Boolean))];
  return names.length ? names.join('&') : undefined;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** The operation a family set, else the matched route pattern (`GET /identity/v3/users/:user_id`), else the method. */
function operationOf(c: Parameters<MiddlewareHandler<GatewayEnv>>[0]): string {
  const set = c.get('operation');
  if (set) return set;
  const route = matchedRoutes(c)
    .filter((r) => r.method !== 'ALL' && !r.path.endsWith('*'))
    .at(-1);
  return route ? `${route.method} ${route.path}` : c.req.method;
}

const length = (v: string | null | undefined): number => (v && /^\d+$/.test(v) ? Number(v) : 0);

/** Logs method, raw path, query parameter names, family, operation, status, duration and request id of every request; feeds the metrics. */
export function accessLog(logger: Logger, familyOf: FamilyOf, metrics?: GatewayMetrics): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    const began = performance.now();
    await next();
    const url = c.req.raw.url;
    const q = url.indexOf('?');
    const pathStart = url.indexOf('/', url.indexOf('//') + 2);
    const path = url.slice(pathStart, q === -1 ? undefined : q);
    const family = familyOf(path, c.req.method);
    const operation = operationOf(c);
    const ms = Math.round((performance.now() - began) * 1000) / 1000;
    logger.info({
      req_id: c.get('requestId'),
      method: c.req.method,
      path,
      query: q === -1 ? undefined : queryNames(url.slice(q + 1)),
      family,
      operation,
      status: c.res.status,
      ms,
    });
    metrics?.observeRequest({
      family,
      operation,
      status: c.res.status,
      seconds: ms / 1000,
      bytesIn: length(requestHeaders(c).get('content-length') ?? undefined),
      bytesOut: length(c.res.headers.get('content-length')),
    });
  };
}
