// The service catalog: a registry each served API family adds itself to, rendered from the public URL and region.

/** A service an API family serves, as it registers itself. */
export interface CatalogServiceDef {
  /** Catalog type, e.g. `identity`, `object-store`, `compute`, `volumev3`. */
  type: string;
  /** Service name, e.g. `keystone`, `swift`. */
  name: string;
  /** Path under the public URL; `%(project_id)s` (or `$(project_id)s`) is replaced with the token's project. */
  path: string;
  description?: string;
}

/** A registered service, as `/v3/services` shows it. */
export interface CatalogService {
  id: string;
  type: string;
  name: string;
  description: string;
  enabled: boolean;
}

export type EndpointInterface = 'public' | 'internal' | 'admin';

/** A registered endpoint, as `/v3/endpoints` shows it (URL still holding its template). */
export interface CatalogEndpoint {
  id: string;
  serviceId: string;
  interface: EndpointInterface;
  /** Null for an added endpoint with no region. */
  region: string | null;
  url: string;
  enabled: boolean;
}

/** A region, as `/v3/regions` shows it. */
export interface CatalogRegion {
  id: string;
  description: string;
  parentRegionId: string | null;
}

/** Where a service, endpoint or region came from: served here (derived, read-only) or added by an admin. */
export type CatalogOrigin = 'derived' | 'added';

/** The entries admins added, as the catalog merges them with the derived ones. */
export interface AddedCatalog {
  services: CatalogService[];
  endpoints: CatalogEndpoint[];
  regions: CatalogRegion[];
  /** OS-EP-FILTER, per project that has any association: its endpoints and the filters of its endpoint groups. */
  projectFilters?: Map<string, ProjectEndpointFilter>;
}

/** What a project's token catalog is limited to once it has OS-EP-FILTER associations. */
export interface ProjectEndpointFilter {
  endpointIds: Set<string>;
  /** Endpoint group filters (`service_id`, `region_id`, `interface`); an endpoint matching every key of one joins. */
  groups: Array<Record<string, string>>;
}

/** Whether an endpoint matches an endpoint group's filters. */
export function matchesGroupFilters(e: Pick<CatalogEndpoint, 'serviceId' | 'region' | 'interface'>, filters: Record<string, string>): boolean {
  return (filters.service_id === undefined || e.serviceId === filters.service_id) && (filters.region_id === undefined || e.region === filters.region_id) && (filters.interface === undefined || e.interface === filters.interface);
}

/** The store of added entries: a revision that changes with every write (in any process), and the entries. */
export interface AddedCatalogSource {
  revision(): number;
  load(): AddedCatalog;
}

/** One token catalog entry (`token.catalog[]`). */
export interface CatalogEntry {
  id: string;
  type: string;
  name: string;
  endpoints: Array<{ id: string; interface: EndpointInterface; region: string | null; region_id: string | null; url: string }>;
}

const INTERFACES: EndpointInterface[] = ['public', 'internal', 'admin'];
const PROJECT_VAR = /%\(project_id\)s|\$\(project_id\)s|%\(tenant_id\)s|\$\(tenant_id\)s/g;

/**
 * The catalog lists what is actually served (families register at composition time) plus what admins added.
 * Every served service has public, internal and admin endpoints (tempest reads identity from `admin`), all on
 * the public URL; their ids are derived from the type, so they are stable across restarts and processes, and
 * they cannot be changed. Added services, endpoints and regions come from an {@link AddedCatalogSource}.
 */
export class ServiceCatalog {
  private readonly defs: CatalogServiceDef[] = [];
  /** Derived views, rebuilt when the version changes: the token path only substitutes the project id. */
  private built: { version: number; services: CatalogService[]; endpoints: CatalogEndpoint[]; regions: CatalogRegion[]; derived: Set<string>; entries: CatalogEntry[] } | undefined;
  private registrations = 0;
  private added: AddedCatalogSource | undefined;

  constructor(
    private readonly publicUrl: string,
    readonly region: string,
  ) {}

  /** Adds a served service; registering the same type again replaces it. */
  register(def: CatalogServiceDef): void {
    const i = this.defs.findIndex((d) => d.type === def.type);
    if (i >= 0) this.defs[i] = def;
    else this.defs.push(def);
    this.built = undefined;
    this.registrations++;
  }

  /** Merges the entries admins add (called once by the identity composition). */
  attachAdded(source: AddedCatalogSource): void {
    this.added = source;
    this.built = undefined;
  }

  /** Changes whenever the catalog does (a registration here, or an admin's write in any process). */
  get version(): number {
    return this.registrations + (this.added?.revision() ?? 0);
  }

  services(): CatalogService[] {
    return this.build().services;
  }

  endpoints(): CatalogEndpoint[] {
    return this.build().endpoints;
  }

  regions(): CatalogRegion[] {
    return this.build().regions;
  }

  /** Whether an id names a derived (served, read-only) service, endpoint or region. */
  isDerived(id: string): boolean {
    return this.build().derived.has(id);
  }

  private build() {
    const version = this.version;
    if (this.built && this.built.version === version) return this.built;
    const derivedServices = this.defs.map((d) => ({
      id: stableId(`service:${d.type}`),
      type: d.type,
      name: d.name,
      description: d.description ?? '',
      enabled: true,
    }));
    const derivedEndpoints: CatalogEndpoint[] = this.defs.flatMap((d) =>
      INTERFACES.map((iface) => ({
        id: stableId(`endpoint:${d.type}:${iface}:${this.region}`),
        serviceId: stableId(`service:${d.type}`),
        interface: iface,
        region: this.region,
        url: this.publicUrl + d.path,
        enabled: true,
      })),
    );
    const added = this.added?.load() ?? { services: [], endpoints: [], regions: [] };
    const services = [...derivedServices, ...added.services];
    const endpoints = [...derivedEndpoints, ...added.endpoints];
    const regions = [{ id: this.region, description: '', parentRegionId: null }, ...added.regions.filter((r) => r.id !== this.region)];
    const derived = new Set([...derivedServices.map((x) => x.id), ...derivedEndpoints.map((x) => x.id), this.region]);
    const entries = services
      .filter((svc) => svc.enabled)
      .map((svc) => ({
        id: svc.id,
        type: svc.type,
        name: svc.name,
        endpoints: endpoints
          .filter((e) => e.serviceId === svc.id && e.enabled)
          .map((e) => ({ id: e.id, interface: e.interface, region: e.region, region_id: e.region, url: e.url })),
      }))
      .filter((e) => e.endpoints.length > 0);
    this.built = { version, services, endpoints, regions, derived, entries };
    return this.built;
  }

  /**
   * The token catalog for a scope. With a project, templates take its id; without one, endpoints whose URL
   * needs a project are left out (Keystone drops endpoints it cannot substitute), and services left with none.
   * A project with OS-EP-FILTER associations gets only its associated endpoints (direct or by endpoint group).
   */
  forProject(projectId?: string): CatalogEntry[] {
    const out: CatalogEntry[] = [];
    // Keystone's endpoint filter: a project with associations sees only those endpoints; one without sees all.
    const filter = projectId ? this.added?.load().projectFilters?.get(projectId) : undefined;
    const kept = (serviceId: string, e: CatalogEntry['endpoints'][number]) =>
      !filter || filter.endpointIds.has(e.id) || filter.groups.some((g) => matchesGroupFilters({ serviceId, region: e.region, interface: e.interface }, g));
    for (const entry of this.build().entries) {
      const endpoints = entry.endpoints.flatMap((e) => {
        if (!kept(entry.id, e)) return [];
        if (!new RegExp(PROJECT_VAR.source).test(e.url)) return [e];
        return projectId ? [{ ...e, url: e.url.replace(PROJECT_VAR, projectId) }] : [];
      });
      if (endpoints.length) out.push({ ...entry, endpoints });
    }
    return out;
  }
}

/**
 * A deterministic 32-hex-digit id (Keystone's id form) from a name: FNV-1a 128-bit, pure and
 * synchronous so it runs anywhere. Not a security boundary, only a stable label.
 */
export function stableId(name: string): string {
  const prime = 0x0000000001000000000000000000013bn;
  const mask = (1n << 128n) - 1n;
  let h = 0x6c62272e07bb014262b821756295c58dn;
  for (const b of new TextEncoder().encode(`skybridge:${name}`)) {
    h ^= BigInt(b);
    h = (h * prime) & mask;
  }
  return h.toString(16).padStart(32, '0');
}
