// Shared row lookups, id generation and Keystone's conflict/not-found messages for the identity services.
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { domains, groups, projects, roles, users } from '../db/schema/identity.js';
import { errors } from '../errors.js';

export type DomainRow = typeof domains.$inferSelect;
export type ProjectRow = typeof projects.$inferSelect;
export type GroupRow = typeof groups.$inferSelect;
export type RoleRow = typeof roles.$inferSelect;
type UserRowT = typeof users.$inferSelect;

/** A new Keystone-style id: a UUID4 written as 32 hex digits. */
export function newId(): string {
  return crypto.randomUUID().replace(/-/g, '');
}

/** Keystone's 409 text: `Conflict occurred attempting to store <type> - Duplicate entry found with name <n>[ at domain ID <d>].` */
export function duplicate(type: string, name: string, domainId?: string | null) {
  const where = domainId ? ` at domain ID ${domainId}` : '';
  return errors.conflict(type, `Conflict occurred attempting to store ${type} - Duplicate entry found with name ${name}${where}.`, {
    reason: 'duplicate',
    id: name,
  });
}

/** Row readers that throw Keystone's NotFound (`Could not find project: <id>.`). */
export function mustGetDomain(db: Db, id: string): DomainRow {
  const row = db.select().from(domains).where(eq(domains.id, id)).get();
  if (!row) throw errors.notFound('domain', id);
  return row;
}

export function mustGetProject(db: Db, id: string): ProjectRow {
  const row = db.select().from(projects).where(eq(projects.id, id)).get();
  if (!row) throw errors.notFound('project', id);
  return row;
}

export function mustGetUser(db: Db, id: string): UserRowT {
  const row = db.select().from(users).where(eq(users.id, id)).get();
  if (!row) throw errors.notFound('user', id);
  return row;
}

export function mustGetGroup(db: Db, id: string): GroupRow {
  const row = db.select().from(groups).where(eq(groups.id, id)).get();
  if (!row) throw errors.notFound('group', id);
  return row;
}

export function mustGetRole(db: Db, id: string): RoleRow {
  const row = db.select().from(roles).where(eq(roles.id, id)).get();
  if (!row) throw errors.notFound('role', id);
  return row;
}

/** The domain named `name`, or undefined. */
export function findDomainByName(db: Db, name: string): DomainRow | undefined {
  return db.select().from(domains).where(eq(domains.name, name)).get();
}

/** A global role by name (case-sensitive, as Keystone's SQL backend with a binary collation). */
export function findGlobalRoleByName(db: Db, name: string): RoleRow | undefined {
  return db.select().from(roles).where(and(eq(roles.name, name), isNull(roles.domainId))).get();
}

/** Resolves a domain given by id or name (auth bodies and filters use either); throws Unauthenticated-neutral NotFound. */
export function resolveDomainId(db: Db, ref: { id?: string; name?: string }): string | undefined {
  if (ref.id) return db.select({ id: domains.id }).from(domains).where(eq(domains.id, ref.id)).get()?.id;
  if (ref.name) return findDomainByName(db, ref.name)?.id;
  return undefined;
}


/** The 400 message for extra attributes nested past MAX_JSON_DEPTH (they are stored as JSON and rendered back). */
export const EXTRA_TOO_DEEP = 'Invalid input for field \'extra\': attributes are nested too deeply.';
