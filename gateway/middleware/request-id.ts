// Assigns every request its id before anything else runs, so logs and error bodies can quote it.
import type { MiddlewareHandler } from 'hono';
import type { GatewayEnv } from '../env.js';

/** Sets `requestId` (a UUID) and `startedAt` on the context; families decide the header spelling. */
export function requestId(): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    c.set('requestId', crypto.randomUUID());
    c.set('startedAt', Date.now());
    await next();
  };
}
