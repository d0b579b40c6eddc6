// One JSON access-log line per request, written after the response is known.
import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../../core/logger.js';
import type { GatewayEnv } from '../env.js';

/** Logs method, raw path, status, duration and request id of every request. */
export function accessLog(logger: Logger): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    await next();
    const url = c.req.raw.url;
    const q = url.indexOf('?');
    const pathStart = url.indexOf('/', url.indexOf('//') + 2);
    logger.info({
      req_id: c.get('requestId'),
      method: c.req.method,
      path: url.slice(pathStart, q === -1 ? undefined : q),
      status: c.res.status,
      ms: Date.now() - (c.get('startedAt') ?? Date.now()),
    });
  };
}
