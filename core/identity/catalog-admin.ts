// Admin writes to the Keystone catalog: regions, services, endpoints and endpoint groups of their own, beside the derived entries.
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import type { Db } from '../db/index.js';
import { catalogEndpointGroups, catalogEndpoints, catalogProjectEndpointGroups, catalogProjectEndpoints, catalogRegions, catalogRevision, catalogServices } from '../db/schema/catalog.js';
import { projects } from '../db/schema/identity.js';
import { errors } from '../errors.js';
import { authorize } from '../policy/index.js';
import { matchesGroupFilters, type AddedCatalog, type AddedCatalogSource, type CatalogEndpoint, type CatalogRegion, type CatalogService, type EndpointInterface, type ProjectEndpointFilter, type ServiceCatalog } from './catalog.js';
import type { ProjectRow } from './lookup.js';
import { newId } from './lookup.js';

/** Fields of `POST /v3/regions` (and `PUT /v3/regions/{id}`). */
export interface RegionInput {
  id?: string;
  description?: string;
  parentRegionId?: string | null;
}

/** Fields of `POST /v3/services`. */
export interface ServiceInput {
  type: string;
  name?: string;
  description?: string;
  enabled?: boolean;
}

/** Fields of `POST /v3/endpoints`. */
export interface EndpointInput {
  serviceId: string;
  interface: string;
  url: string;
  regionId?: string | null;
  enabled?: boolean;
}

/** An OS-EP-FILTER endpoint group: endpoints whose attributes match every filter. */
export interface EndpointGroup {
  id: string;
  name: string;
  description: string;
  /** Any of `service_id`, `region_id`, `interface`. */
  filters: Record<string, string>;
}

const INTERFACES = ['public', 'internal', 'admin'];
const GROUP_FILTERS = ['service_id', 'region_id', 'interface'];

/**
 * The added part of the catalog, stored in the database. Derived entries (the services served here, their
 * endpoints and the configured region) are read-only: writes naming them are Forbidden.
 */
export class CatalogAdmin implements AddedCatalogSource {
  private cache: { revision: number; added: AddedCatalog } | undefined;

  constructor(
    private readonly db: Db,
    private readonly catalog: ServiceCatalog,
    private readonly now: () => number,
  ) {}

  /** The revision row (0 before any write). */
  revision(): number {
    return this.db.select({ r: catalogRevision.revision }).from(catalogRevision).where(eq(catalogRevision.id, 1)).get()?.r ?? 0;
  }

  load(): AddedCatalog {
    const revision = this.revision();
    if (this.cache?.revision === revision) return this.cache.added;
    const added: AddedCatalog = {
      services: this.db.select().from(catalogServices).orderBy(catalogServices.createdAt).all().map((s) => ({ id: s.id, type: s.type, name: s.name, description: s.description, enabled: s.enabled })),
      endpoints: this.db
        .select()
        .from(catalogEndpoints)
        .orderBy(catalogEndpoints.createdAt)
        .all()
        .map((e) => ({ id: e.id, serviceId: e.serviceId, interface: e.interface as EndpointInterface, region: e.regionId, url: e.url, enabled: e.enabled })),
      regions: this.db.select().from(catalogRegions).orderBy(catalogRegions.createdAt).all().map((r) => ({ id: r.id, description: r.description, parentRegionId: r.parentRegionId })),
      projectFilters: this.loadProjectFilters(),
    };
    this.cache = { revision, added };
    return added;
  }

  /** Every project's OS-EP-FILTER associations, direct and by endpoint group. */
  private loadProjectFilters(): Map<string, ProjectEndpointFilter> {
    const out = new Map<string, ProjectEndpointFilter>();
    const of = (projectId: string) => {
      let f = out.get(projectId);
      if (!f) out.set(projectId, (f = { endpointIds: new Set(), groups: [] }));
      return f;
    };
    for (const a of this.db.select().from(catalogProjectEndpoints).all()) of(a.projectId).endpointIds.add(a.endpointId);
    const groups = new Map(this.db.select().from(catalogEndpointGroups).all().map((g) => [g.id, g.filters]));
    for (const a of this.db.select().from(catalogProjectEndpointGroups).all()) {
      const filters = groups.get(a.endpointGroupId);
      if (filters) of(a.projectId).groups.push(filters);
    }
    return out;
  }

  /** Bumps the revision in the same transaction as a write, so every process re-reads. */
  private bump(tx: Pick<Db, 'insert'>): void {
    tx.insert(catalogRevision)
      .values({ id: 1, revision: 1 })
      .onConflictDoUpdate({ target: catalogRevision.id, set: { revision: sql`${catalogRevision.revision} + 1` } })
      .run();
  }

  private refuseDerived(id: string, what: string): void {
    if (this.catalog.isDerived(id)) throw errors.forbidden(`The ${what} ${id} is derived from the services skybridge serves and cannot be changed.`);
  }

  private regionExists(id: string): boolean {
    return this.catalog.regions().some((r) => r.id === id);
  }

  // ------------------------------------------------------------ regions

  createRegion(ctx: RequestContext, input: RegionInput): CatalogRegion {
    authorize(ctx, 'identity:create_region');
    const id = input.id ?? newId();
    if (this.regionExists(id)) throw errors.conflict('region', `Conflict occurred attempting to store region - Duplicate ID, ${id}.`, { reason: 'duplicate', id });
    const parent = input.parentRegionId ?? null;
    if (parent !== null && !this.regionExists(parent)) throw errors.invalid(`The specified parent region ${parent} could not be found.`);
    const row = { id, description: input.description ?? '', parentRegionId: parent, extra: {}, createdAt: this.now() };
    this.db.transaction((tx) => {
      tx.insert(catalogRegions).values(row).run();
      this.bump(tx);
    });
    return { id, description: row.description, parentRegionId: parent };
  }

  updateRegion(ctx: RequestContext, id: string, patch: Omit<RegionInput, 'id'>): CatalogRegion {
    authorize(ctx, 'identity:update_region');
    this.refuseDerived(id, 'region');
    const cur = this.db.select().from(catalogRegions).where(eq(catalogRegions.id, id)).get();
    if (!cur) throw errors.notFound('region', id);
    const parent = patch.parentRegionId === undefined ? cur.parentRegionId : patch.parentRegionId;
    if (parent !== null) {
      if (!this.regionExists(parent)) throw errors.invalid(`The specified parent region ${parent} could not be found.`);
      // A region may not become its own ancestor.
      for (let p: string | null = parent; p !== null; p = this.catalog.regions().find((r) => r.id === p)?.parentRegionId ?? null) {
        if (p === id) throw errors.invalid('Circular reference or a repeated entry found in region tree.');
      }
    }
    const set = { description: patch.description ?? cur.description, parentRegionId: parent };
    this.db.transaction((tx) => {
      tx.update(catalogRegions).set(set).where(eq(catalogRegions.id, id)).run();
      this.bump(tx);
    });
    return { id, ...set };
  }

  deleteRegion(ctx: RequestContext, id: string): void {
    authorize(ctx, 'identity:delete_region');
    this.refuseDerived(id, 'region');
    if (!this.db.select({ id: catalogRegions.id }).from(catalogRegions).where(eq(catalogRegions.id, id)).get()) throw errors.notFound('region', id);
    if (this.catalog.regions().some((r) => r.parentRegionId === id)) throw errors.conflict('region', `Unable to delete region ${id} because it or its child regions have associated endpoints.`);
    if (this.catalog.endpoints().some((e) => e.region === id)) throw errors.conflict('region', `Unable to delete region ${id} because it or its child regions have associated endpoints.`);
    this.db.transaction((tx) => {
      tx.delete(catalogRegions).where(eq(catalogRegions.id, id)).run();
      this.bump(tx);
    });
  }

  // ------------------------------------------------------------ services

  createService(ctx: RequestContext, input: ServiceInput): CatalogService {
    authorize(ctx, 'identity:create_service');
    if (!input.type || input.type.length > 255) throw errors.invalid("Invalid input for field 'type': a service needs a type of at most 255 characters.");
    const row = { id: newId(), type: input.type, name: input.name ?? '', description: input.description ?? '', enabled: input.enabled ?? true, extra: {}, createdAt: this.now() };
    this.db.transaction((tx) => {
      tx.insert(catalogServices).values(row).run();
      this.bump(tx);
    });
    return { id: row.id, type: row.type, name: row.name, description: row.description, enabled: row.enabled };
  }

  updateService(ctx: RequestContext, id: string, patch: Partial<ServiceInput>): CatalogService {
    authorize(ctx, 'identity:update_service');
    this.refuseDerived(id, 'service');
    const cur = this.db.select().from(catalogServices).where(eq(catalogServices.id, id)).get();
    if (!cur) throw errors.notFound('service', id);
    if (patch.type !== undefined && (!patch.type || patch.type.length > 255)) throw errors.invalid("Invalid input for field 'type'.");
    const set = { type: patch.type ?? cur.type, name: patch.name ?? cur.name, description: patch.description ?? cur.description, enabled: patch.enabled ?? cur.enabled };
    this.db.transaction((tx) => {
      tx.update(catalogServices).set(set).where(eq(catalogServices.id, id)).run();
      this.bump(tx);
    });
    return { id, ...set };
  }

  /** Deletes an added service and its endpoints, as Keystone does. */
  deleteService(ctx: RequestContext, id: string): void {
    authorize(ctx, 'identity:delete_service');
    this.refuseDerived(id, 'service');
    if (!this.db.select({ id: catalogServices.id }).from(catalogServices).where(eq(catalogServices.id, id)).get()) throw errors.notFound('service', id);
    this.db.transaction((tx) => {
      tx.delete(catalogEndpoints).where(eq(catalogEndpoints.serviceId, id)).run();
      tx.delete(catalogServices).where(eq(catalogServices.id, id)).run();
      this.bump(tx);
    });
  }

  // ------------------------------------------------------------ endpoints

  private checkEndpoint(e: { serviceId: string; interface: string; url: string; regionId: string | null }): void {
    if (!INTERFACES.includes(e.interface)) throw errors.invalid(`Invalid input for field 'interface': '${e.interface}' is not one of ${INTERFACES.join(', ')}.`);
    if (!e.url || !/^[a-z][a-z0-9+.-]*:\/\//i.test(e.url)) throw errors.invalid("Invalid input for field 'url': an absolute URL is required.");
    if (!this.catalog.services().some((s) => s.id === e.serviceId)) throw errors.notFound('service', e.serviceId);
    if (e.regionId !== null && !this.regionExists(e.regionId)) throw errors.invalid(`Region ${e.regionId} not found.`);
  }

  createEndpoint(ctx: RequestContext, input: EndpointInput): CatalogEndpoint {
    authorize(ctx, 'identity:create_endpoint');
    const e = { serviceId: input.serviceId, interface: input.interface, url: input.url, regionId: input.regionId ?? null };
    this.checkEndpoint(e);
    const row = { id: newId(), ...e, enabled: input.enabled ?? true, extra: {}, createdAt: this.now() };
    this.db.transaction((tx) => {
      tx.insert(catalogEndpoints).values(row).run();
      this.bump(tx);
    });
    return { id: row.id, serviceId: row.serviceId, interface: row.interface as EndpointInterface, region: row.regionId, url: row.url, enabled: row.enabled };
  }

  updateEndpoint(ctx: RequestContext, id: string, patch: Partial<EndpointInput>): CatalogEndpoint {
    authorize(ctx, 'identity:update_endpoint');
    this.refuseDerived(id, 'endpoint');
    const cur = this.db.select().from(catalogEndpoints).where(eq(catalogEndpoints.id, id)).get();
    if (!cur) throw errors.notFound('endpoint', id);
    const e = {
      serviceId: patch.serviceId ?? cur.serviceId,
      interface: patch.interface ?? cur.interface,
      url: patch.url ?? cur.url,
      regionId: patch.regionId === undefined ? cur.regionId : patch.regionId,
    };
    this.checkEndpoint(e);
    const enabled = patch.enabled ?? cur.enabled;
    this.db.transaction((tx) => {
      tx.update(catalogEndpoints).set({ ...e, enabled }).where(eq(catalogEndpoints.id, id)).run();
      this.bump(tx);
    });
    return { id, serviceId: e.serviceId, interface: e.interface as EndpointInterface, region: e.regionId, url: e.url, enabled };
  }

  deleteEndpoint(ctx: RequestContext, id: string): void {
    authorize(ctx, 'identity:delete_endpoint');
    this.refuseDerived(id, 'endpoint');
    if (!this.db.select({ id: catalogEndpoints.id }).from(catalogEndpoints).where(eq(catalogEndpoints.id, id)).get()) throw errors.notFound('endpoint', id);
    this.db.transaction((tx) => {
      tx.delete(catalogEndpoints).where(eq(catalogEndpoints.id, id)).run();
      tx.delete(catalogProjectEndpoints).where(eq(catalogProjectEndpoints.endpointId, id)).run();
      this.bump(tx);
    });
  }

  // ------------------------------------------------------------ endpoint groups

  private checkFilters(filters: Record<string, unknown>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(filters)) {
      if (!GROUP_FILTERS.includes(k) || typeof v !== 'string') throw errors.invalid(`Invalid input for field 'filters': ${k} is not one of ${GROUP_FILTERS.join(', ')} with a string value.`);
      out[k] = v;
    }
    if (out.interface !== undefined && !INTERFACES.includes(out.interface)) throw errors.invalid(`Invalid input for field 'filters': interface '${out.interface}'.`);
    return out;
  }

  createEndpointGroup(ctx: RequestContext, input: { name: string; description?: string; filters: Record<string, unknown> }): EndpointGroup {
    authorize(ctx, 'identity:create_endpoint_group');
    if (!input.name) throw errors.invalid("Invalid input for field 'name'.");
    const row = { id: newId(), name: input.name, description: input.description ?? '', filters: this.checkFilters(input.filters), createdAt: this.now() };
    this.db.insert(catalogEndpointGroups).values(row).run();
    return { id: row.id, name: row.name, description: row.description, filters: row.filters };
  }

  listEndpointGroups(ctx: RequestContext, f: { name?: string } = {}): EndpointGroup[] {
    authorize(ctx, 'identity:list_endpoint_groups');
    return this.db
      .select()
      .from(catalogEndpointGroups)
      .orderBy(catalogEndpointGroups.createdAt)
      .all()
      .filter((g) => f.name === undefined || g.name === f.name)
      .map((g) => ({ id: g.id, name: g.name, description: g.description, filters: g.filters }));
  }

  getEndpointGroup(ctx: RequestContext, id: string): EndpointGroup {
    authorize(ctx, 'identity:get_endpoint_group');
    const g = this.db.select().from(catalogEndpointGroups).where(eq(catalogEndpointGroups.id, id)).get();
    if (!g) throw errors.notFound('endpoint group', id);
    return { id: g.id, name: g.name, description: g.description, filters: g.filters };
  }

  updateEndpointGroup(ctx: RequestContext, id: string, patch: { name?: string; description?: string; filters?: Record<string, unknown> }): EndpointGroup {
    authorize(ctx, 'identity:update_endpoint_group');
    const cur = this.getEndpointGroup(ctx, id);
    const set = { name: patch.name ?? cur.name, description: patch.description ?? cur.description, filters: patch.filters ? this.checkFilters(patch.filters) : cur.filters };
    this.db.transaction((tx) => {
      tx.update(catalogEndpointGroups).set(set).where(eq(catalogEndpointGroups.id, id)).run();
      // Its filters shape the catalogs of the projects it is associated with.
      this.bump(tx);
    });
    return { id, ...set };
  }

  deleteEndpointGroup(ctx: RequestContext, id: string): void {
    authorize(ctx, 'identity:delete_endpoint_group');
    this.getEndpointGroup(ctx, id);
    this.db.transaction((tx) => {
      tx.delete(catalogEndpointGroups).where(eq(catalogEndpointGroups.id, id)).run();
      tx.delete(catalogProjectEndpointGroups).where(eq(catalogProjectEndpointGroups.endpointGroupId, id)).run();
      this.bump(tx);
    });
  }

  /** The endpoints (derived or added) a group's filters select. */
  listEndpointGroupEndpoints(ctx: RequestContext, id: string): CatalogEndpoint[] {
    const g = this.getEndpointGroup(ctx, id);
    return this.catalog
      .endpoints()
      .filter((e) => matchesGroupFilters(e, g.filters));
  }

  // ------------------------------------------------------------ OS-EP-FILTER project associations

  private project(id: string): ProjectRow {
    const p = this.db.select().from(projects).where(eq(projects.id, id)).get();
    if (!p) throw errors.notFound('project', id);
    return p;
  }

  private endpoint(id: string): CatalogEndpoint {
    const e = this.catalog.endpoints().find((x) => x.id === id);
    if (!e) throw errors.notFound('endpoint', id);
    return e;
  }

  /** Associates an endpoint with a project (idempotent); from then on the project's catalog is filtered. */
  addEndpointToProject(ctx: RequestContext, projectId: string, endpointId: string): void {
    authorize(ctx, 'identity:add_endpoint_to_project');
    this.project(projectId);
    this.endpoint(endpointId);
    this.db.transaction((tx) => {
      tx.insert(catalogProjectEndpoints).values({ projectId, endpointId, createdAt: this.now() }).onConflictDoNothing().run();
      this.bump(tx);
    });
  }

  /** NotFound unless the endpoint is associated with the project. */
  checkEndpointInProject(ctx: RequestContext, projectId: string, endpointId: string): void {
    authorize(ctx, 'identity:check_endpoint_in_project');
    this.project(projectId);
    this.endpoint(endpointId);
    const a = this.db.select().from(catalogProjectEndpoints).where(and(eq(catalogProjectEndpoints.projectId, projectId), eq(catalogProjectEndpoints.endpointId, endpointId))).get();
    if (!a) throw errors.notFound('project endpoint', `${projectId}/${endpointId}`);
  }

  /** Removes an association; NotFound when there is none. */
  removeEndpointFromProject(ctx: RequestContext, projectId: string, endpointId: string): void {
    authorize(ctx, 'identity:remove_endpoint_from_project');
    this.db.transaction((tx) => {
      const r = tx.delete(catalogProjectEndpoints).where(and(eq(catalogProjectEndpoints.projectId, projectId), eq(catalogProjectEndpoints.endpointId, endpointId))).run();
      if (r.changes === 0) throw errors.notFound('project endpoint', `${projectId}/${endpointId}`);
      this.bump(tx);
    });
  }

  /** The endpoints a project is associated with, directly or through its endpoint groups (Keystone lists both). */
  listProjectEndpoints(ctx: RequestContext, projectId: string): CatalogEndpoint[] {
    authorize(ctx, 'identity:list_endpoints_for_project');
    this.project(projectId);
    const f = this.loadProjectFilters().get(projectId);
    if (!f) return [];
    return this.catalog.endpoints().filter((e) => f.endpointIds.has(e.id) || f.groups.some((g) => matchesGroupFilters(e, g)));
  }

  /** The projects an endpoint is directly associated with. */
  listEndpointProjects(ctx: RequestContext, endpointId: string): ProjectRow[] {
    authorize(ctx, 'identity:list_projects_for_endpoint');
    this.endpoint(endpointId);
    const ids = this.db.select({ id: catalogProjectEndpoints.projectId }).from(catalogProjectEndpoints).where(eq(catalogProjectEndpoints.endpointId, endpointId)).all().map((r) => r.id);
    return ids.length ? this.db.select().from(projects).where(inArray(projects.id, ids)).all() : [];
  }

  /** Associates an endpoint group with a project (idempotent): the group's members join the project's catalog. */
  addEndpointGroupToProject(ctx: RequestContext, groupId: string, projectId: string): void {
    authorize(ctx, 'identity:add_endpoint_group_to_project');
    this.getEndpointGroup(ctx, groupId);
    this.project(projectId);
    this.db.transaction((tx) => {
      tx.insert(catalogProjectEndpointGroups).values({ projectId, endpointGroupId: groupId, createdAt: this.now() }).onConflictDoNothing().run();
      this.bump(tx);
    });
  }

  /** The project of an association (Keystone's GET answers with it); NotFound when not associated. */
  getEndpointGroupInProject(ctx: RequestContext, groupId: string, projectId: string): ProjectRow {
    authorize(ctx, 'identity:get_endpoint_group_in_project');
    this.getEndpointGroup(ctx, groupId);
    const p = this.project(projectId);
    const a = this.db
      .select()
      .from(catalogProjectEndpointGroups)
      .where(and(eq(catalogProjectEndpointGroups.projectId, projectId), eq(catalogProjectEndpointGroups.endpointGroupId, groupId)))
      .get();
    if (!a) throw errors.notFound('project endpoint group', `${groupId}/${projectId}`);
    return p;
  }

  /** Removes an endpoint group association; NotFound when there is none. */
  removeEndpointGroupFromProject(ctx: RequestContext, groupId: string, projectId: string): void {
    authorize(ctx, 'identity:remove_endpoint_group_from_project');
    this.db.transaction((tx) => {
      const r = tx
        .delete(catalogProjectEndpointGroups)
        .where(and(eq(catalogProjectEndpointGroups.projectId, projectId), eq(catalogProjectEndpointGroups.endpointGroupId, groupId)))
        .run();
      if (r.changes === 0) throw errors.notFound('project endpoint group', `${groupId}/${projectId}`);
      this.bump(tx);
    });
  }

  /** The projects an endpoint group is associated with. */
  listEndpointGroupProjects(ctx: RequestContext, groupId: string): ProjectRow[] {
    authorize(ctx, 'identity:list_projects_associated_with_endpoint_group');
    this.getEndpointGroup(ctx, groupId);
    const ids = this.db.select({ id: catalogProjectEndpointGroups.projectId }).from(catalogProjectEndpointGroups).where(eq(catalogProjectEndpointGroups.endpointGroupId, groupId)).all().map((r) => r.id);
    return ids.length ? this.db.select().from(projects).where(inArray(projects.id, ids)).all() : [];
  }

  /** The endpoint groups associated with a project. */
  listProjectEndpointGroups(ctx: RequestContext, projectId: string): EndpointGroup[] {
    authorize(ctx, 'identity:list_endpoint_groups_for_project');
    this.project(projectId);
    const ids = this.db.select({ id: catalogProjectEndpointGroups.endpointGroupId }).from(catalogProjectEndpointGroups).where(eq(catalogProjectEndpointGroups.projectId, projectId)).all().map((r) => r.id);
    if (!ids.length) return [];
    return this.db
      .select()
      .from(catalogEndpointGroups)
      .where(inArray(catalogEndpointGroups.id, ids))
      .all()
      .map((g) => ({ id: g.id, name: g.name, description: g.description, filters: g.filters }));
  }
}
