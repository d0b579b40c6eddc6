// Drizzle schema for the identity aggregate: domains, projects, users, groups, roles, assignments, credentials.
import { sqliteTable, text, integer, primaryKey, uniqueIndex, index } from 'drizzle-orm/sqlite-core';

/** Milliseconds since the epoch; every timestamp in the model is stored this way. */
const ms = (name: string) => integer(name);

export const domains = sqliteTable(
  'domains',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    extra: text('extra', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [uniqueIndex('domains_name_uq').on(t.name)],
);

export const projects = sqliteTable(
  'projects',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    domainId: text('domain_id').notNull(),
    /** Null for a top-level project (Keystone shows the domain id as parent_id then). */
    parentId: text('parent_id'),
    description: text('description').notNull().default(''),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    tags: text('tags', { mode: 'json' }).$type<string[]>().notNull().default([]),
    extra: text('extra', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [uniqueIndex('projects_domain_name_uq').on(t.domainId, t.name), index('projects_parent_idx').on(t.parentId)],
);

export const users = sqliteTable(
  'users',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    domainId: text('domain_id').notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    email: text('email'),
    description: text('description'),
    defaultProjectId: text('default_project_id'),
    extra: text('extra', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
    /** Self-describing hash string (`scrypt$N$r$p$salt$hash`); null when the user has no password. */
    passwordHash: text('password_hash'),
    passwordCreatedAt: ms('password_created_at'),
    passwordExpiresAt: ms('password_expires_at'),
    /** True when the current password was set by the user (minimum password age applies only then, as in Keystone). */
    passwordSelfService: integer('password_self_service', { mode: 'boolean' }).notNull().default(false),
    /** Keystone user options (`ignore_change_password_upon_first_use`, `ignore_password_expiry`, `ignore_lockout_failure_attempts`, `lock_password`...). */
    options: text('options', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
    failedAuthCount: integer('failed_auth_count').notNull().default(0),
    failedAuthAt: ms('failed_auth_at'),
    lastActiveAt: ms('last_active_at'),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [uniqueIndex('users_domain_name_uq').on(t.domainId, t.name)],
);

/** Earlier password hashes, for `unique_last_password_count`. */
export const passwordHistory = sqliteTable(
  'password_history',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: text('user_id').notNull(),
    passwordHash: text('password_hash').notNull(),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [index('password_history_user_idx').on(t.userId)],
);

export const groups = sqliteTable(
  'groups',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    domainId: text('domain_id').notNull(),
    description: text('description').notNull().default(''),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [uniqueIndex('groups_domain_name_uq').on(t.domainId, t.name)],
);

export const groupMembers = sqliteTable(
  'group_members',
  {
    groupId: text('group_id').notNull(),
    userId: text('user_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.userId] }), index('group_members_user_idx').on(t.userId)],
);

export const roles = sqliteTable(
  'roles',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    /** Null for global roles; Keystone's domain-specific roles carry their domain. */
    domainId: text('domain_id'),
    description: text('description'),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [uniqueIndex('roles_domain_name_uq').on(t.name, t.domainId)],
);

/** Keystone's role inference rules: holding `priorRoleId` also grants `impliedRoleId` (admin ⇒ member ⇒ reader). */
export const impliedRoles = sqliteTable(
  'implied_roles',
  {
    priorRoleId: text('prior_role_id').notNull(),
    impliedRoleId: text('implied_role_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.priorRoleId, t.impliedRoleId] }), index('implied_roles_implied_idx').on(t.impliedRoleId)],
);

/** Keystone's assignment table: actor (user/group) holds role on target (project/domain/system). */
export const roleAssignments = sqliteTable(
  'role_assignments',
  {
    type: text('type', {
      enum: ['UserProject', 'GroupProject', 'UserDomain', 'GroupDomain', 'UserSystem', 'GroupSystem'],
    }).notNull(),
    actorId: text('actor_id').notNull(),
    /** Project or domain id; `system` for system assignments. */
    targetId: text('target_id').notNull(),
    roleId: text('role_id').notNull(),
    inherited: integer('inherited', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [
    primaryKey({ columns: [t.type, t.actorId, t.targetId, t.roleId, t.inherited] }),
    index('role_assignments_actor_idx').on(t.actorId),
    index('role_assignments_target_idx').on(t.targetId),
    index('role_assignments_role_idx').on(t.roleId),
  ],
);

export const applicationCredentials = sqliteTable(
  'application_credentials',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    userId: text('user_id').notNull(),
    projectId: text('project_id').notNull(),
    description: text('description'),
    secretHash: text('secret_hash').notNull(),
    expiresAt: ms('expires_at'),
    /** The expiry in microseconds, as given (Keystone keeps and echoes sub-second precision); null without expiry. */
    expiresAtMicros: integer('expires_at_us'),
    unrestricted: integer('unrestricted', { mode: 'boolean' }).notNull().default(false),
    /** Role ids the credential may use (a subset of the user's roles on the project at creation). */
    roleIds: text('role_ids', { mode: 'json' }).$type<string[]>().notNull(),
    accessRules: text('access_rules', { mode: 'json' }).$type<unknown[]>().notNull().default([]),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [uniqueIndex('app_creds_user_name_uq').on(t.userId, t.name)],
);

/**
 * Keystone `/v3/credentials`. EC2 credentials (`type = 'ec2'`) carry their access key in `accessKey`
 * so signature verification (S3, EC2) finds the secret with one indexed read.
 */
export const credentials = sqliteTable(
  'credentials',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull(),
    projectId: text('project_id'),
    type: text('type').notNull(),
    /** The wire `blob`, as the client sent it (for ec2: JSON with access, secret, trust_id). */
    blob: text('blob').notNull(),
    accessKey: text('access_key'),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [uniqueIndex('credentials_access_key_uq').on(t.accessKey), index('credentials_user_idx').on(t.userId)],
);

/**
 * Keystone-style revocation events: a token issued at or before `issuedBefore` that matches every
 * non-null field is revoked. Kept in memory on every process; rows expire with the longest token life.
 */
export const revocationEvents = sqliteTable(
  'revocation_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: text('user_id'),
    projectId: text('project_id'),
    domainId: text('domain_id'),
    roleId: text('role_id'),
    auditId: text('audit_id'),
    appCredId: text('app_cred_id'),
    issuedBefore: ms('issued_before').notNull(),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [index('revocation_events_created_idx').on(t.createdAt)],
);
