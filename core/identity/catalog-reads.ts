// The policy-checked reads behind /v3/services, /v3/endpoints and /v3/regions.
import type { RequestContext } from '../context.js';
import { errors } from '../errors.js';
import { authorize } from '../policy/index.js';
import type { CatalogEndpoint, CatalogRegion, CatalogService, ServiceCatalog } from './catalog.js';

export type { CatalogRegion } from './catalog.js';

/** Reads of the derived catalog, under Keystone's default policies (admin or system reader; regions: anyone). */
export class CatalogReads {
  constructor(private readonly catalog: ServiceCatalog) {}

  listServices(ctx: RequestContext, f: { type?: string; name?: string } = {}): CatalogService[] {
    authorize(ctx, 'identity:list_services');
    return this.catalog.services().filter((s) => (!f.type || s.type === f.type) && (!f.name || s.name === f.name));
  }

  getService(ctx: RequestContext, id: string): CatalogService {
    authorize(ctx, 'identity:get_service');
    const s = this.catalog.services().find((x) => x.id === id);
    if (!s) throw errors.notFound('service', id);
    return s;
  }

  listEndpoints(ctx: RequestContext, f: { serviceId?: string; interface?: string; regionId?: string } = {}): CatalogEndpoint[] {
    authorize(ctx, 'identity:list_endpoints');
    return this.catalog
      .endpoints()
      .filter((e) => (!f.serviceId || e.serviceId === f.serviceId) && (!f.interface || e.interface === f.interface) && (!f.regionId || e.region === f.regionId));
  }

  getEndpoint(ctx: RequestContext, id: string): CatalogEndpoint {
    authorize(ctx, 'identity:get_endpoint');
    const e = this.catalog.endpoints().find((x) => x.id === id);
    if (!e) throw errors.notFound('endpoint', id);
    return e;
  }

  listRegions(ctx: RequestContext): CatalogRegion[] {
    authorize(ctx, 'identity:list_regions');
    return this.catalog.regions();
  }

  getRegion(ctx: RequestContext, id: string): CatalogRegion {
    authorize(ctx, 'identity:get_region');
    const r = this.catalog.regions().find((x) => x.id === id);
    if (!r) throw errors.notFound('region', id);
    return r;
  }
}
