// Keystone /v3/services, /v3/endpoints, /v3/regions and OS-EP-FILTER (endpoint groups, project associations): derived entries read-only, added ones admin-managed.
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import type { EndpointGroup } from '../../../core/identity/catalog-admin.js';
import type { CatalogEndpoint, CatalogRegion, CatalogService } from '../../../core/identity/catalog.js';
import { requireAuth, type OpenStackEnv } from '../common/index.js';
import type { KeystoneDeps } from './app.js';
import { ctxOf, parseMember } from './resource-helpers.js';
import { KeystoneViews } from './views.js';

const regionSchema = z.looseObject({
  id: z.string().min(1).max(255).optional(),
  description: z.string().max(255).nullish(),
  parent_region_id: z.string().min(1).nullish(),
});

const serviceSchema = z.looseObject({
  type: z.string().min(1).max(255),
  name: z.string().max(255).nullish(),
  description: z.string().nullish(),
  enabled: z.boolean().optional(),
});

const endpointSchema = z.looseObject({
  service_id: z.string().min(1),
  interface: z.string().min(1),
  url: z.string().min(1).max(225),
  region_id: z.string().min(1).nullish(),
  region: z.string().min(1).nullish(),
  enabled: z.boolean().optional(),
});

const groupSchema = z.looseObject({
  name: z.string().min(1).max(255),
  description: z.string().nullish(),
  filters: z.record(z.string(), z.unknown()),
});

/** Registers the catalog resources. */
export function registerCatalogRoutes(app: Hono<OpenStackEnv>, deps: KeystoneDeps): void {
  const { identity, identityUrl } = deps;
  const reads = identity.catalogReads;
  const admin = identity.catalogAdmin;
  const limit = deps.jsonBodyLimit;
  const auth = requireAuth(identity.tokens);
  const ctx = (c: Context<OpenStackEnv>) => ctxOf(c);
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
  const regionView = (r: CatalogRegion) => ({ id: r.id, description: r.description, parent_region_id: r.parentRegionId, links: { self: `${identityUrl}/v3/regions/${r.id}` } });
  const groupView = (g: EndpointGroup) => ({ ...g, links: { self: `${identityUrl}/v3/OS-EP-FILTER/endpoint_groups/${g.id}` } });
  const views = new KeystoneViews(identityUrl);

  app.get('/v3/services', auth, function listServices(c) {
    const services = reads.listServices(ctx(c), { type: c.req.query('type'), name: c.req.query('name') });
    return c.json({ services: services.map(serviceView), links: links('services') });
  });

  app.post('/v3/services', auth, async function createService(c) {
    const b = await parseMember(c, limit, 'service', serviceSchema);
    const s = admin.createService(ctx(c), { type: b.type, name: b.name ?? undefined, description: b.description ?? undefined, enabled: b.enabled });
    return c.json({ service: serviceView(s) }, 201);
  });

  app.get('/v3/services/:id', auth, function getService(c) {
    return c.json({ service: serviceView(reads.getService(ctx(c), c.req.param('id'))) });
  });

  app.patch('/v3/services/:id', auth, async function updateService(c) {
    const b = await parseMember(c, limit, 'service', serviceSchema.partial());
    const s = admin.updateService(ctx(c), c.req.param('id'), { type: b.type, name: b.name ?? undefined, description: b.description ?? undefined, enabled: b.enabled });
    return c.json({ service: serviceView(s) });
  });

  app.delete('/v3/services/:id', auth, function deleteService(c) {
    admin.deleteService(ctx(c), c.req.param('id'));
    return c.body(null, 204);
  });

  app.get('/v3/endpoints', auth, function listEndpoints(c) {
    const endpoints = reads.listEndpoints(ctx(c), { serviceId: c.req.query('service_id'), interface: c.req.query('interface'), regionId: c.req.query('region_id') });
    return c.json({ endpoints: endpoints.map(endpointView), links: links('endpoints') });
  });

  app.post('/v3/endpoints', auth, async function createEndpoint(c) {
    const b = await parseMember(c, limit, 'endpoint', endpointSchema);
    const e = admin.createEndpoint(ctx(c), { serviceId: b.service_id, interface: b.interface, url: b.url, regionId: b.region_id ?? b.region ?? null, enabled: b.enabled });
    return c.json({ endpoint: endpointView(e) }, 201);
  });

  app.get('/v3/endpoints/:id', auth, function getEndpoint(c) {
    return c.json({ endpoint: endpointView(reads.getEndpoint(ctx(c), c.req.param('id'))) });
  });

  app.patch('/v3/endpoints/:id', auth, async function updateEndpoint(c) {
    const b = await parseMember(c, limit, 'endpoint', endpointSchema.partial());
    const region = b.region_id !== undefined ? b.region_id : b.region;
    const e = admin.updateEndpoint(ctx(c), c.req.param('id'), { serviceId: b.service_id, interface: b.interface, url: b.url, ...(region !== undefined ? { regionId: region } : {}), enabled: b.enabled });
    return c.json({ endpoint: endpointView(e) });
  });

  app.delete('/v3/endpoints/:id', auth, function deleteEndpoint(c) {
    admin.deleteEndpoint(ctx(c), c.req.param('id'));
    return c.body(null, 204);
  });

  app.get('/v3/regions', auth, function listRegions(c) {
    const parent = c.req.query('parent_region_id');
    const regions = reads.listRegions(ctx(c)).filter((r) => parent === undefined || r.parentRegionId === parent);
    return c.json({ regions: regions.map(regionView), links: links('regions') });
  });

  app.post('/v3/regions', auth, async function createRegion(c) {
    const b = await parseMember(c, limit, 'region', regionSchema);
    const r = admin.createRegion(ctx(c), { id: b.id, description: b.description ?? undefined, parentRegionId: b.parent_region_id ?? null });
    return c.json({ region: regionView(r) }, 201);
  });

  app.get('/v3/regions/:id', auth, function getRegion(c) {
    return c.json({ region: regionView(reads.getRegion(ctx(c), c.req.param('id'))) });
  });

  // Keystone still accepts a region created with its id in the path.
  app.put('/v3/regions/:id', auth, async function createRegionWithId(c) {
    const b = await parseMember(c, limit, 'region', regionSchema);
    const id = c.req.param('id');
    if (b.id !== undefined && b.id !== id) return c.json({ error: { code: 400, title: 'Bad Request', message: 'Conflicting region IDs specified: "' + id + '" and "' + b.id + '"' } }, 400);
    const r = admin.createRegion(ctx(c), { id, description: b.description ?? undefined, parentRegionId: b.parent_region_id ?? null });
    return c.json({ region: regionView(r) }, 201);
  });

  app.patch('/v3/regions/:id', auth, async function updateRegion(c) {
    const b = await parseMember(c, limit, 'region', regionSchema.omit({ id: true }));
    const r = admin.updateRegion(ctx(c), c.req.param('id'), { description: b.description ?? undefined, ...(b.parent_region_id !== undefined ? { parentRegionId: b.parent_region_id } : {}) });
    return c.json({ region: regionView(r) });
  });

  app.delete('/v3/regions/:id', auth, function deleteRegion(c) {
    admin.deleteRegion(ctx(c), c.req.param('id'));
    return c.body(null, 204);
  });

  const groups = '/v3/OS-EP-FILTER/endpoint_groups';
  app.get(groups, auth, function listEndpointGroups(c) {
    return c.json({ endpoint_groups: admin.listEndpointGroups(ctx(c), { name: c.req.query('name') }).map(groupView), links: links('OS-EP-FILTER/endpoint_groups') });
  });

  app.post(groups, auth, async function createEndpointGroup(c) {
    const b = await parseMember(c, limit, 'endpoint_group', groupSchema);
    const g = admin.createEndpointGroup(ctx(c), { name: b.name, description: b.description ?? undefined, filters: b.filters });
    return c.json({ endpoint_group: groupView(g) }, 201);
  });

  app.get(`${groups}/:id`, auth, function showEndpointGroup(c) {
    const g = admin.getEndpointGroup(ctx(c), c.req.param('id'));
    return c.req.method === 'HEAD' ? c.body(null, 200) : c.json({ endpoint_group: groupView(g) });
  });

  app.patch(`${groups}/:id`, auth, async function updateEndpointGroup(c) {
    const b = await parseMember(c, limit, 'endpoint_group', groupSchema.partial());
    const g = admin.updateEndpointGroup(ctx(c), c.req.param('id'), { name: b.name, description: b.description ?? undefined, filters: b.filters });
    return c.json({ endpoint_group: groupView(g) });
  });

  app.delete(`${groups}/:id`, auth, function deleteEndpointGroup(c) {
    admin.deleteEndpointGroup(ctx(c), c.req.param('id'));
    return c.body(null, 204);
  });

  app.get(`${groups}/:id/endpoints`, auth, function listEndpointGroupEndpoints(c) {
    const endpoints = admin.listEndpointGroupEndpoints(ctx(c), c.req.param('id'));
    return c.json({ endpoints: endpoints.map(endpointView), links: links(`OS-EP-FILTER/endpoint_groups/${c.req.param('id')}/endpoints`) });
  });

  // OS-EP-FILTER project associations: once a project has any, its token catalog lists only those endpoints.
  const projectEndpoint = '/v3/OS-EP-FILTER/projects/:project_id/endpoints/:endpoint_id';
  app.put(projectEndpoint, auth, function addEndpointToProject(c) {
    admin.addEndpointToProject(ctx(c), c.req.param('project_id'), c.req.param('endpoint_id'));
    return c.body(null, 204);
  });

  // Hono answers HEAD with the GET route.
  app.get(projectEndpoint, auth, function checkEndpointInProject(c) {
    admin.checkEndpointInProject(ctx(c), c.req.param('project_id'), c.req.param('endpoint_id'));
    return c.body(null, 204);
  });

  app.delete(projectEndpoint, auth, function removeEndpointFromProject(c) {
    admin.removeEndpointFromProject(ctx(c), c.req.param('project_id'), c.req.param('endpoint_id'));
    return c.body(null, 204);
  });

  app.get('/v3/OS-EP-FILTER/projects/:project_id/endpoints', auth, function listProjectEndpoints(c) {
    const id = c.req.param('project_id');
    return c.json({ endpoints: admin.listProjectEndpoints(ctx(c), id).map(endpointView), links: links(`OS-EP-FILTER/projects/${id}/endpoints`) });
  });

  app.get('/v3/OS-EP-FILTER/endpoints/:endpoint_id/projects', auth, function listEndpointProjects(c) {
    const id = c.req.param('endpoint_id');
    return c.json({ projects: admin.listEndpointProjects(ctx(c), id).map((p) => views.project(p)), links: links(`OS-EP-FILTER/endpoints/${id}/projects`) });
  });

  app.get(`${groups}/:id/projects`, auth, function listEndpointGroupProjects(c) {
    const id = c.req.param('id');
    return c.json({ projects: admin.listEndpointGroupProjects(ctx(c), id).map((p) => views.project(p)), links: links(`OS-EP-FILTER/endpoint_groups/${id}/projects`) });
  });

  const groupProject = `${groups}/:id/projects/:project_id`;
  app.put(groupProject, auth, function addEndpointGroupToProject(c) {
    admin.addEndpointGroupToProject(ctx(c), c.req.param('id'), c.req.param('project_id'));
    return c.body(null, 204);
  });

  app.get(groupProject, auth, function showEndpointGroupProject(c) {
    const p = admin.getEndpointGroupInProject(ctx(c), c.req.param('id'), c.req.param('project_id'));
    return c.req.method === 'HEAD' ? c.body(null, 200) : c.json({ project: views.project(p) });
  });

  app.delete(groupProject, auth, function removeEndpointGroupFromProject(c) {
    admin.removeEndpointGroupFromProject(ctx(c), c.req.param('id'), c.req.param('project_id'));
    return c.body(null, 204);
  });

  app.get('/v3/OS-EP-FILTER/projects/:project_id/endpoint_groups', auth, function listProjectEndpointGroups(c) {
    const id = c.req.param('project_id');
    return c.json({ endpoint_groups: admin.listProjectEndpointGroups(ctx(c), id).map(groupView), links: links(`OS-EP-FILTER/projects/${id}/endpoint_groups`) });
  });
}
