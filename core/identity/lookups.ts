// Indexed reads of identity rows that token issue and validation need (not the hot path: results are cached).
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { trusts } from '../db/schema/catalog.js';
import { applicationCredentials, domains, projects, users } from '../db/schema/identity.js';

export type DomainRow = typeof domains.$inferSelect;
export type ProjectRow = typeof projects.$inferSelect;
export type UserRecord = typeof users.$inferSelect;
export type AppCredRecord = typeof applicationCredentials.$inferSelect;
export type TrustRecord = typeof trusts.$inferSelect;

/** Read-only row lookups by id or by name within a domain. */
export class IdentityLookups {
  constructor(private readonly db: Db) {}

  user(id: string): UserRecord | undefined {
    return this.db.select().from(users).where(eq(users.id, id)).get();
  }

  domain(id: string): DomainRow | undefined {
    return this.db.select().from(domains).where(eq(domains.id, id)).get();
  }

  domainByName(name: string): DomainRow | undefined {
    return this.db.select().from(domains).where(eq(domains.name, name)).get();
  }

  project(id: string): ProjectRow | undefined {
    return this.db.select().from(projects).where(eq(projects.id, id)).get();
  }

  projectByName(name: string, domainId: string): ProjectRow | undefined {
    return this.db
      .select()
      .from(projects)
      .where(and(eq(projects.name, name), eq(projects.domainId, domainId)))
      .get();
  }

  appCred(id: string): AppCredRecord | undefined {
    return this.db.select().from(applicationCredentials).where(eq(applicationCredentials.id, id)).get();
  }

  /** A trust row, deleted ones included (callers check `deletedAt`). */
  trust(id: string): TrustRecord | undefined {
    return this.db.select().from(trusts).where(eq(trusts.id, id)).get();
  }

  allProjects(): ProjectRow[] {
    return this.db.select().from(projects).all();
  }

  allDomains(): DomainRow[] {
    return this.db.select().from(domains).all();
  }
}
