// The Keystone v3 family: a sub-app mounted under /identity, with its routes, error shape and catch-all.
import type { Hono } from 'hono';
import type { Identity } from '../../../core/identity/index.js';
import type { Logger } from '../../../core/logger.js';
import { createOpenStackApp, finishOpenStackApp, jsonBodyLimit, type OpenStackEnv } from '../common/index.js';
import { registerAuthRoutes } from './auth-routes.js';
import { registerCatalogRoutes } from './catalog-routes.js';
import { registerTrustsRoutes } from './trusts-routes.js';
import { registerDiscoveryRoutes } from './discovery.js';
import { registerApplicationCredentialsRoutes } from './application-credentials-routes.js';
import { registerCredentialsRoutes } from './credentials-routes.js';
import { registerDomainsRoutes } from './domains-routes.js';
import { registerEc2CredentialsRoutes } from './ec2-credentials-routes.js';
import { registerGroupsRoutes } from './groups-routes.js';
import { registerProjectsRoutes } from './projects-routes.js';
import { registerRoleAssignmentsRoutes } from './role-assignments-routes.js';
import { registerRolesRoutes } from './roles-routes.js';
import { registerUsersRoutes } from './users-routes.js';
import { registerNotImplemented } from './not-implemented.js';
import { keystoneOperations } from './operations.js';

/** Everything Keystone routes need; passed to every `registerXRoutes(app, deps)`. */
export interface KeystoneDeps {
  identity: Identity;
  logger: Logger;
  /** `{publicUrl}/identity`: base of discovery links, resource links and `WWW-Authenticate`. */
  identityUrl: string;
  /** Largest accepted JSON body in bytes. */
  jsonBodyLimit: number;
}

/** The Hono env of Keystone routes (the shared OpenStack env). */
export type KeystoneEnv = OpenStackEnv;

/**
 * Builds the Keystone sub-app (mount with `app.route('/identity', ...)`). Resource route groups are
 * registered below in one list; the catch-all must stay last.
 */
export function createKeystoneApp(deps: KeystoneDeps): Hono<KeystoneEnv> {
  const app = createOpenStackApp({ logger: deps.logger, identityUri: deps.identityUrl });
  // Only requests with a body: this runs before every Keystone route, and validation (a GET) is the hot one.
  app.on(['POST', 'PUT', 'PATCH'], '*', jsonBodyLimit(deps.jsonBodyLimit));
  registerDiscoveryRoutes(app, deps.identityUrl);
  registerAuthRoutes(app, deps);
  registerCatalogRoutes(app, deps);
  registerTrustsRoutes(app, deps);
  registerDomainsRoutes(app, deps);
  registerProjectsRoutes(app, deps);
  registerUsersRoutes(app, deps);
  registerGroupsRoutes(app, deps);
  registerRolesRoutes(app, deps);
  registerRoleAssignmentsRoutes(app, deps);
  registerApplicationCredentialsRoutes(app, deps);
  registerCredentialsRoutes(app, deps);
  registerEc2CredentialsRoutes(app, deps);
  // After every real route, before the catch-all: the table's unserved operations answer Keystone's 501.
  registerNotImplemented(app, keystoneOperations);
  return finishOpenStackApp(app);
}

export { requireAuth, readJson, readJsonObject, queryFlag, httpError, isObject } from '../common/index.js';
