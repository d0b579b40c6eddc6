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
  region: string;
  url: string;
  enabled: boolean;
}

/** One token catalog entry (`token.catalog[]`). */
export interface CatalogEntry {
  id: string;
  type: string;
  name: string;
  endpoints: Array<{ id: string; interface: EndpointInterface; region: string; region_id: string; url: string }>;
}

const INTERFACES: EndpointInterface[] = ['public', 'internal', 'admin'];
const PROJECT_VAR = /%\(project_id\)s|\$\(project_id\)s|%\(tenant_id\)s|\$\(tenant_id\)s/g;

/**
 * The catalog lists only what is actually served: families register at composition time. Every
 * service has public, internal and admin endpoints (tempest reads identity from `admin`), all on the
 * public URL. Ids are derived from the type, so `/v3/services` and `/v3/endpoints` are stable across
 * restarts and processes.
 */
export class ServiceCatalog {
  private readonly defs: CatalogServiceDef[] = [];
  /** Derived views, rebuilt on register: the token path only substitutes the project id. */
  private built: { services: CatalogService[]; endpoints: CatalogEndpoint[]; entries: Array<CatalogEntry & { needsProject: boolean }> } | undefined;
  private registrations = 0;

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

  /** Changes whenever the catalog does, so renderers may keep what they derived from it until then. */
  get version(): number {
    return this.registrations;
  }

  services(): CatalogService[] {
    return this.build().services;
  }

  endpoints(): CatalogEndpoint[] {
    return this.build().endpoints;
  }

  private build() {
    if (this.built) return this.built;
    const services = this.defs.map((d) => ({
      id: stableId(`service:${d.type}`),
      type: d.type,
      name: d.name,
      description: d.description ?? '',
      enabled: true,
    }));
    const endpoints = this.defs.flatMap((d) =>
      INTERFACES.map((iface) => ({
        id: stableId(`endpoint:${d.type}:${iface}:${this.region}`),
        serviceId: stableId(`service:${d.type}`),
        interface: iface,
        region: this.region,
        url: this.publicUrl + d.path,
        enabled: true,
      })),
    );
    const entries = services.map((s, i) => ({
      id: s.id,
      type: s.type,
      name: s.name,
      needsProject: new RegExp(PROJECT_VAR.source).test(this.defs[i]!.path),
      endpoints: endpoints
        .filter((e) => e.serviceId === s.id)
        .map((e) => ({ id: e.id, interface: e.interface, region: e.region, region_id: e.region, url: e.url })),
    }));
    this.built = { services, endpoints, entries };
    return this.built;
  }

  /**
   * The token catalog for a scope. With a project, templates take its id; without one, services whose
   * URL needs a project are left out (Keystone drops endpoints it cannot substitute).
   */
  forProject(projectId?: string): CatalogEntry[] {
    const out: CatalogEntry[] = [];
    for (const { needsProject, ...entry } of this.build().entries) {
      if (!needsProject) out.push(entry);
      else if (projectId) out.push({ ...entry, endpoints: entry.endpoints.map((e) => ({ ...e, url: e.url.replace(PROJECT_VAR, projectId) })) });
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
