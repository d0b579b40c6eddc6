// The Hono environment of every OpenStack family sub-app.
import type { RequestBindings, RequestVariables } from '../../../core/context.js';

/** Hono env for OpenStack sub-apps: the gateway's per-request variables (`requestId`, `auth`…) and raw-path binding. */
export interface OpenStackEnv {
  Variables: RequestVariables;
  Bindings: RequestBindings;
}
