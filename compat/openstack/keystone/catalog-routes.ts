// Keystone /v3/services, /v3/endpoints and /v3/regions: read-only views of the served-services catalog.
import type { Hono } from 'hono';
import type { AuthContext } from '../../../core/context.js';
import { errors } from '../../../core/errors.js';
import type { CatalogEndpoint, CatalogService } from '../../../core/identity/catalog.js';
import type { Identity } from '../../../core/identity/index.js';
import { requireAuth, type OpenStackEnv } from '../common/index.js';

/** What the catalog routes need. */
export interface CatalogRoutesDeps {
  identity: Identity;
  identityUrl: string;
}

/** Keystone's defaults for these reads: admin, or a reader with system scope. */
function checkCatalogReader(ctx: AuthContext): void {
  if (ctx.roles.includes('admin') || (ctx.system && ctx.roles.includes('reader'))) return;
  throw errors.forbidden();
}

/** Registers the read-only catalog resources; writes answer 403, since the catalog is derived from what is served. */
export function registerCatalogRoutes(app: Hono<OpenStackEnv>, deps: CatalogRoutesDeps): void {
  const { identity, identityUrl } = deps;
  const auth = requireAuth(identity.tokens);
  const links = (path: string) => ({ self: `${identityUrl}/v3/${path}`, previous: null, next: null });
  const serviceView = (s: CatalogService) => ({ ...s, links: { self: `${identityUrl}/v3/services/${s.id}` } });
  const endpointView = (e: CatalogEndpoint) => ({
    id: e.id,
    interface: e.interface,
    region: e.region,
    region_id: e.region,
    service_id: e.serviceId,
    url: e.url,
    enabled: e.enabled,
    links: { self: `${identityUrl}/v3/endpoints/${e.id}` },
  });
  const regionView = (id: string) => ({ id, description: '', parent_region_id: null, links: { self: `${identityUrl}/v3/regions/${id}` } });

  app.get('/v3/services', auth, function listServices(c) {
    checkCatalogReader(c.get('auth')!);
    const type = c.req.query('type');
    const name = c.req.query('name');
    const services = identity.catalog.services().filter((s) => (!type || s.type === type) && (!name || s.name === name));
    return c.json({ services: services.map(serviceView), links: links('services') });
  });

  app.get('/v3/services/:id', auth, function getService(c) {
    checkCatalogReader(c.get('auth')!);
    const s = identity.catalog.services().find((x) => x.id === c.req.param('id'));
    if (!s) throw errors.notFound('service', c.req.param('id'));
    return c.json({ service: serviceView(s) });
  });

  app.get('/v3/endpoints', auth, function listEndpoints(c) {
    checkCatalogReader(c.get('auth')!);
    const q = { service_id: c.req.query('service_id'), interface: c.req.query('interface'), region_id: c.req.query('region_id') };
    const endpoints = identity.catalog
      .endpoints()
      .filter((e) => (!q.service_id || e.serviceId === q.service_id) && (!q.interface || e.interface === q.interface) && (!q.region_id || e.region === q.region_id));
    return c.json({ endpoints: endpoints.map(endpointView), links: links('endpoints') });
  });

  app.get('/v3/endpoints/:id', auth, function getEndpoint(c) {
    checkCatalogReader(c.get('auth')!);
    const e = identity.catalog.endpoints().find((x) => x.id === c.req.param('id'));
    if (!e) throw errors.notFound('endpoint', c.req.param('id'));
    return c.json({ endpoint: endpointView(e) });
  });

  app.get('/v3/regions', auth, function listRegions(c) {
    return c.json({ regions: [regionView(identity.catalog.region)], links: links('regions') });
  });

  app.get('/v3/regions/:id', auth, function getRegion(c) {
    if (c.req.param('id') !== identity.catalog.region) throw errors.notFound('region', c.req.param('id'));
    return c.json({ region: regionView(identity.catalog.region) });
  });

  const readOnly = () => {
    throw errors.forbidden('The service catalog is derived from the services skybridge serves and cannot be changed.');
  };
  for (const path of ['/v3/services', '/v3/endpoints', '/v3/regions']) {
    app.post(path, auth, readOnly);
    app.on(['PATCH', 'DELETE', 'PUT'], `${path}/:id`, auth, readOnly);
  }
}
