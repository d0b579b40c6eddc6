// The Nova v2.1 family: a sub-app under /compute with discovery, microversions, servers, actions, flavors, keypairs and the admin APIs.
import type { Context, Hono } from 'hono';
import type { ComputeService, Instance } from '../../../core/compute/index.js';
import type { RequestContext } from '../../../core/context.js';
import { errors } from '../../../core/errors.js';
import type { Logger } from '../../../core/logger.js';
import { createOpenStackApp, finishOpenStackApp, jsonBodyLimit, readJsonObject, requireAuth, type OpenStackEnv, type TokenValidator } from '../common/index.js';
import { registerActionRoutes } from './action-routes.js';
import { registerAdminRoutes } from './admin-routes.js';
import { novaError } from './errors.js';
import { registerFlavorRoutes } from './flavor-routes.js';
import { registerKeypairRoutes } from './keypair-routes.js';
import { registerNetworkRoutes } from './network-routes.js';
import { registerMigrationRoutes } from './migration-routes.js';
import { MAX_VERSION, MIN_VERSION, microversions, type Microversion } from './microversion.js';
import { novaOperations } from './operations.js';
import { registerServerRoutes } from './server-routes.js';
import type { ViewContext } from './views.js';

/** What the Nova app is built from (in `gateway/app.ts`). */
export interface NovaDeps {
  compute: ComputeService;
  tokens: TokenValidator;
  logger: Logger;
  /** `{publicUrl}/compute`: base of links and version documents. */
  computeUrl: string;
  identityUrl: string;
  jsonBodyLimit: number;
}

/** What every route module receives. */
export interface NovaRouteDeps extends NovaDeps {
  auth: ReturnType<typeof requireAuth>;
  /** The request's negotiated microversion. */
  mv(c: Context): Microversion;
  /** Link base and caller facts for views. */
  view(c: Context): ViewContext;
  /** The core request context. */
  ctx(c: Context<OpenStackEnv>): RequestContext;
  /** The JSON body (400 when malformed, 413 when over the limit). */
  body(c: Context): Promise<Record<string, unknown>>;
  /** The `host_status` of a server for admins at ≥ 2.16. */
  hostStatus(s: Instance): string;
}

const versionDoc = (url: string, id: 'v2.0' | 'v2.1') =>
  id === 'v2.0'
    ? { id: 'v2.0', status: 'SUPPORTED', version: '', min_version: '', updated: '2011-01-21T11:33:21Z', links: [{ rel: 'self', href: `${url}/v2/` }] }
    : { id: 'v2.1', status: 'CURRENT', version: MAX_VERSION, min_version: MIN_VERSION, updated: '2013-07-23T11:33:21Z', links: [{ rel: 'self', href: `${url}/v2.1/` }] };

/** Nova's version list (the unversioned root, 200). */
export function versions(computeUrl: string) {
  return { versions: [versionDoc(computeUrl, 'v2.0'), versionDoc(computeUrl, 'v2.1')] };
}

/** The 501 every unimplemented Nova operation answers (exported so the matrix tells it from real handlers). */
export function notImplemented(c: Context): Response {
  return novaError(c, { status: 501, title: 'Not Implemented', message: 'This operation is not implemented by skybridge.' });
}

const honoPattern = (path: string) => path.replace(/\{([^}]+)\}/g, ':$1');

/** Builds the Nova sub-app (mount with `app.route('/compute', ...)`). */
export function createNovaApp(deps: NovaDeps): Hono<OpenStackEnv> {
  const app = createOpenStackApp({
    logger: deps.logger,
    identityUri: deps.identityUrl,
    renderError: novaError,
    // Nova answers quota failures with 403 (servers, keypairs, groups, metadata).
    kindStatus: { QuotaExceeded: { status: 403, title: 'Forbidden' } },
  });
  const store = new WeakMap<Request, Microversion>();
  const auth = requireAuth(deps.tokens);
  const mv = (c: Context) => store.get(c.req.raw) ?? { minor: 1, text: '2.1' };
  const { compute } = deps;
  const r: NovaRouteDeps = {
    ...deps,
    auth,
    mv,
    view: (c) => ({ mv: mv(c), base: deps.computeUrl, admin: !!(c as Context<OpenStackEnv>).get('auth')?.roles.includes('admin') }),
    ctx: (c) => ({ requestId: c.get('requestId'), auth: c.get('auth') }),
    body: (c) => readJsonObject(c, deps.jsonBodyLimit),
    hostStatus: (s) => {
      if (!s.host) return '';
      const h = compute.conductor.schedulerHosts().find((x) => x.host === s.host);
      if (!h) return 'UNKNOWN';
      if (h.state === 'down') return 'DOWN';
      return h.status === 'disabled' ? 'MAINTENANCE' : 'UP';
    },
  };

  app.get('/', function listVersions(c) {
    return c.json(versions(deps.computeUrl));
  });
  app.get('/v2.1', function showVersion(c) {
    return c.json({ version: { ...versionDoc(deps.computeUrl, 'v2.1'), 'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.compute+json;version=2.1' }] } });
  });
  app.get('/v2.1/', (c) => c.json({ version: { ...versionDoc(deps.computeUrl, 'v2.1'), 'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.compute+json;version=2.1' }] } }));

  // The console proxy (nova-novncproxy's role): a remote-console URL's one-time token opens it once.
  app.get('/console/:type', function openConsole(c) {
    const token = c.req.query('token') ?? '';
    const { instanceId, type } = compute.consumeConsoleToken(token);
    return c.html(`<!DOCTYPE html><html><head><title>${type} console: ${instanceId}</title></head><body><p>Console of instance ${instanceId} (${type}).</p></body></html>`);
  });

  // The conductor's writes are visible once committed, durable a WAL sync later: no answer leaves before, so what the API showed survives a power loss.
  app.use('/v2.1/*', async (_c, next) => {
    await next();
    await compute.durable();
  });
  app.use('/v2.1/*', microversions(store));
  app.use('/v2.1/*', jsonBodyLimit(deps.jsonBodyLimit));
  app.use('/v2.1/*', auth);

  registerServerRoutes(app, r);
  registerActionRoutes(app, r);
  registerFlavorRoutes(app, r);
  registerKeypairRoutes(app, r);
  registerAdminRoutes(app, r);
  registerNetworkRoutes(app, r);
  registerMigrationRoutes(app, r);

  for (const row of novaOperations) {
    if (row.implemented || row.path.includes('#')) continue;
    app.on(row.method, honoPattern(row.path), notImplemented);
  }
  return finishOpenStackApp(app, { renderError: novaError });
}

/** The body under the one expected key, for action bodies like `{"os-stop": null}`. */
export async function actionBody(c: Context, deps: NovaRouteDeps): Promise<[string, unknown]> {
  const body = await deps.body(c);
  const keys = Object.keys(body);
  if (keys.length !== 1) throw errors.invalid('There is no such action: ' + keys.join(','), { reason: 'action' });
  return [keys[0]!, body[keys[0]!]];
}
