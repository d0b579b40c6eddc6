// Drizzle schema for the parts of the Keystone catalog that admins add (regions, services, endpoints, endpoint groups, OS-EP-FILTER project associations) and for trusts.
import { sqliteTable, text, integer, index, primaryKey } from 'drizzle-orm/sqlite-core';

/** Milliseconds since the epoch. */
const ms = (name: string) => integer(name);

/** Regions added through `/v3/regions` (the configured region is derived, never stored). */
export const catalogRegions = sqliteTable(
  'catalog_regions',
  {
    id: text('id').primaryKey(),
    description: text('description').notNull().default(''),
    parentRegionId: text('parent_region_id'),
    extra: text('extra', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [index('catalog_regions_parent_idx').on(t.parentRegionId)],
);

/** Services added through `/v3/services`. */
export const catalogServices = sqliteTable('catalog_services', {
  id: text('id').primaryKey(),
  type: text('type').notNull(),
  name: text('name').notNull().default(''),
  description: text('description').notNull().default(''),
  enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
  extra: text('extra', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
  createdAt: ms('created_at').notNull(),
});

/** Endpoints added through `/v3/endpoints`, of added or derived services. */
export const catalogEndpoints = sqliteTable(
  'catalog_endpoints',
  {
    id: text('id').primaryKey(),
    serviceId: text('service_id').notNull(),
    interface: text('interface').notNull(),
    regionId: text('region_id'),
    url: text('url').notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    extra: text('extra', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [index('catalog_endpoints_service_idx').on(t.serviceId)],
);

/** Endpoint groups of OS-EP-FILTER: a name and the endpoint attributes that select members. */
export const catalogEndpointGroups = sqliteTable('catalog_endpoint_groups', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  filters: text('filters', { mode: 'json' }).$type<Record<string, string>>().notNull().default({}),
  createdAt: ms('created_at').notNull(),
});

/** OS-EP-FILTER: an endpoint (derived or added) associated with a project; a project with any association sees only those in its catalog. */
export const catalogProjectEndpoints = sqliteTable(
  'catalog_project_endpoints',
  {
    projectId: text('project_id').notNull(),
    endpointId: text('endpoint_id').notNull(),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.endpointId] }), index('catalog_project_endpoints_endpoint_idx').on(t.endpointId)],
);

/** OS-EP-FILTER: an endpoint group associated with a project (its members join the project's catalog). */
export const catalogProjectEndpointGroups = sqliteTable(
  'catalog_project_endpoint_groups',
  {
    projectId: text('project_id').notNull(),
    endpointGroupId: text('endpoint_group_id').notNull(),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.endpointGroupId] }), index('catalog_project_endpoint_groups_group_idx').on(t.endpointGroupId)],
);

/** One row counting catalog writes, so every process notices another's change before rendering a token catalog. */
export const catalogRevision = sqliteTable('catalog_revision', {
  id: integer('id').primaryKey(),
  revision: integer('revision').notNull(),
});

/** OS-TRUST trusts: a trustor delegates roles on a project to a trustee. Deleted trusts keep their row (`deletedAt`). */
export const trusts = sqliteTable(
  'trusts',
  {
    id: text('id').primaryKey(),
    trustorUserId: text('trustor_user_id').notNull(),
    trusteeUserId: text('trustee_user_id').notNull(),
    projectId: text('project_id'),
    impersonation: integer('impersonation', { mode: 'boolean' }).notNull(),
    /** Role ids delegated (a subset of the trustor's roles on the project when created). */
    roleIds: text('role_ids', { mode: 'json' }).$type<string[]>().notNull(),
    expiresAt: ms('expires_at'),
    /** Null: unlimited. */
    remainingUses: integer('remaining_uses'),
    /** How many more times this trust may be redelegated (0: not at all). */
    redelegationCount: integer('redelegation_count').notNull().default(0),
    /** The trust this one was redelegated from. */
    redelegatedTrustId: text('redelegated_trust_id'),
    extra: text('extra', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
    createdAt: ms('created_at').notNull(),
    deletedAt: ms('deleted_at'),
  },
  (t) => [index('trusts_trustor_idx').on(t.trustorUserId), index('trusts_trustee_idx').on(t.trusteeUserId), index('trusts_parent_idx').on(t.redelegatedTrustId)],
);
