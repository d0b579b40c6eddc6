// The Hono environment shared by every family: variables the gateway middleware sets on each request.
import type { RequestBindings, RequestVariables } from '../core/context.js';

/** Hono env type for the gateway and every family sub-app. */
export interface GatewayEnv {
  Variables: RequestVariables;
  Bindings: RequestBindings;
}
