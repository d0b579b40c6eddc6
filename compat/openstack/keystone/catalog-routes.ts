// Keystone /v3/services, /v3/endpoints and /v3/regions: read-only views of the served-services catalog.
import type { Context, Hono } from 'hono';
import type { CatalogEndpoint, CatalogService } from '../../../core/identity/catalog.js';
import type { Identity } from '../../../core/identity/index.js';
import { requireAuth, type OpenStackEnv } from '../common/index.js';

/** What the catalog routes need. */
export interface CatalogRoutesDeps {
  identity: Identity;
  identityUrl: string;
}

/** Registers the read-only catalog resources; writes answer 403, since the catalog is derived from what is served. */
export function registerCatalogRoutes(app: Hono<OpenStackEnv>, deps: CatalogRoutesDeps): void {
  const { identity, identityUrl } = deps;
  const reads = identity.catalogReads;
  const auth = requireAuth(identity.tokens);
  const ctx = (c: Context<OpenStackEnv>) => ({ requestId: c.get('requestId'), auth: c.get('auth') });
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
  const regionView = (r: { id: string }) => ({ id: r.id, description: '', parent_region_id: null, links: { self: `${identityUrl}/v3/regions/${r.id}` } });

  app.get('/v3/services', auth, function listServices(c) {
    const services = reads.listServices(ctx(c), { type: c.req.query('type'), name: c.req.query('name') });
    return c.json({ services: services.map(serviceView), links: links('services') });
  });

  app.get('/v3/services/:id', auth, function getService(c) {
    return c.json({ service: serviceView(reads.getService(ctx(c), c.req.param('id'))) });
  });

  app.get('/v3/endpoints', auth, function listEndpoints(c) {
    const endpoints = reads.listEndpoints(ctx(c), { serviceId: c.req.query('service_id'), interface: c.req.query('interface'), regionId: c.req.query('region_id') });
    return c.json({ endpoints: endpoints.map(endpointView), links: links('endpoints') });
  });

  app.get('/v3/endpoints/:id', auth, function getEndpoint(c) {
    return c.json({ endpoint: endpointView(reads.getEndpoint(ctx(c), c.req.param('id'))) });
  });

  app.get('/v3/regions', auth, function listRegions(c) {
    return c.json({ regions: reads.listRegions(ctx(c)).map(regionView), links: links('regions') });
  });

  app.get('/v3/regions/:id', auth, function getRegion(c) {
    return c.json({ region: regionView(reads.getRegion(ctx(c), c.req.param('id'))) });
  });

  const refuseWrite = (c: Context<OpenStackEnv>) => reads.refuseWrite(ctx(c));
  for (const path of ['/v3/services', '/v3/endpoints', '/v3/regions']) {
    app.post(path, auth, refuseWrite);
    app.on(['PATCH', 'DELETE', 'PUT'], `${path}/:id`, auth, refuseWrite);
  }
}
