// Keystone application credentials: creation with a secret shown once, restricted roles, expiry, verification.
import { and, eq } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import { applicationCredentials, roles, users } from '../db/schema/identity.js';
import { errors } from '../errors.js';
import { authorize } from '../policy/index.js';
import { AssignmentsService } from './assignments.js';
import { duplicate, findGlobalRoleByName, mustGetUser, newId, resolveDomainId, type RoleRow } from './lookup.js';
import type { IdentityDeps, Revoker } from './ports.js';

/** A stored application credential row (the secret only as a hash). */
export type AppCredRow = typeof applicationCredentials.$inferSelect;

/** How an authenticating caller names an application credential: by id, or by name plus its user. */
export interface AppCredRef {
  id?: string;
  name?: string;
  user?: { id?: string; name?: string; domain?: { id?: string; name?: string } };
}

/** What `POST /v3/users/{id}/application_credentials` accepts. */
export interface AppCredCreate {
  name: string;
  description?: string | null;
  /** Generated when absent. */
  secret?: string | null;
  expiresAt?: number | null;
  /** The expiry with microseconds (µs since the epoch); takes precedence over `expiresAt` when given. */
  expiresAtMicros?: number | null;
  /** Defaults to the roles of the caller's token. */
  roles?: Array<{ id?: string; name?: string; domainId?: string | null }>;
  unrestricted?: boolean;
  accessRules?: unknown[];
}

/** A created credential and its secret, which is never shown again. */
export interface CreatedAppCred {
  row: AppCredRow;
  secret: string;
}

/** Application credentials of users. */
export class ApplicationCredentialsService {
  private readonly assignments: AssignmentsService;

  constructor(
    private readonly deps: IdentityDeps,
    private readonly revoker: Revoker,
  ) {
    this.assignments = new AssignmentsService(deps, revoker);
  }

  /** Creates a credential for the caller on the caller's project (`identity:create_application_credential`). */
  async create(ctx: RequestContext, userId: string, input: AppCredCreate): Promise<CreatedAppCred> {
    authorize(ctx, 'identity:create_application_credential', { userId });
    const auth = ctx.auth!;
    this.requireUnrestrictedIfAppCred(ctx);
    if (auth.userId !== userId) {
      throw errors.forbidden('You are not authorized to perform the requested action: Cannot create an application credential for another user.');
    }
    const projectId = auth.projectId;
    if (!projectId) throw errors.invalid('Invalid application credential: Application credentials require a project-scoped token.');
    const { db, clock } = this.deps;
    if (input.expiresAtMicros !== undefined && input.expiresAtMicros !== null) input = { ...input, expiresAt: Math.floor(input.expiresAtMicros / 1000) };
    if (input.expiresAt !== undefined && input.expiresAt !== null && input.expiresAt < clock.now()) {
      throw errors.invalid(
        "The 'expires_at' must not be before now. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.",
      );
    }
    const held = new Set(this.assignments.effectiveRoles(userId, { projectId }).map((r) => r.id));
    const wanted = input.roles?.length ? input.roles.map((r) => this.resolveRole(r)) : auth.roleIds.map((id) => ({ id }));
    for (const r of wanted) {
      if (!held.has(r.id)) {
        throw errors.invalid(
          `Invalid application credential: Could not find role assignment with role: ${r.id}, user or group: ${userId}, project, domain, or system: ${projectId}.`,
        );
      }
    }
    if (db.select({ id: applicationCredentials.id }).from(applicationCredentials).where(and(eq(applicationCredentials.userId, userId), eq(applicationCredentials.name, input.name))).get()) {
      throw duplicate('application_credential', input.name);
    }
    const secret = input.secret || generateSecret();
    const row: AppCredRow = {
      id: newId(),
      name: input.name,
      userId,
      projectId,
      description: input.description ?? null,
      secretHash: await this.deps.hasher.hash(secret),
      expiresAt: input.expiresAt ?? null,
      expiresAtMicros: input.expiresAtMicros ?? (input.expiresAt != null ? input.expiresAt * 1000 : null),
      unrestricted: input.unrestricted ?? false,
      roleIds: [...new Set(wanted.map((r) => r.id))],
      accessRules: input.accessRules ?? [],
      createdAt: clock.now(),
    };
    try {
      db.insert(applicationCredentials).values(row).run();
    } catch (e) {
      if (String(e).includes('UNIQUE')) throw duplicate('application_credential', input.name);
      throw e;
    }
    return { row, secret };
  }

  /** The user's credentials (`identity:list_application_credentials`), optionally by name. */
  list(ctx: RequestContext, userId: string, filter: { name?: string } = {}): AppCredRow[] {
    authorize(ctx, 'identity:list_application_credentials', { userId });
    mustGetUser(this.deps.db, userId);
    const where = [eq(applicationCredentials.userId, userId)];
    if (filter.name !== undefined) where.push(eq(applicationCredentials.name, filter.name));
    return this.deps.db.select().from(applicationCredentials).where(and(...where)).orderBy(applicationCredentials.name).all();
  }

  /** One credential (`identity:get_application_credential`). */
  get(ctx: RequestContext, userId: string, id: string): AppCredRow {
    authorize(ctx, 'identity:get_application_credential', { userId });
    return this.mustGet(userId, id);
  }

  /** Deletes a credential and revokes the tokens issued with it. */
  delete(ctx: RequestContext, userId: string, id: string): void {
    authorize(ctx, 'identity:delete_application_credential', { userId });
    this.requireUnrestrictedIfAppCred(ctx);
    this.mustGet(userId, id);
    this.deps.db.delete(applicationCredentials).where(eq(applicationCredentials.id, id)).run();
    this.revoker.revoke({ appCredId: id });
  }

  /** Role rows a credential carries (for views). */
  rolesOf(row: AppCredRow): RoleRow[] {
    if (!row.roleIds.length) return [];
    return row.roleIds
      .map((id) => this.deps.db.select().from(roles).where(eq(roles.id, id)).get())
      .filter((r): r is RoleRow => r !== undefined);
  }

  /** The credential with this id, or undefined (no policy: for token issue and validation). */
  find(id: string): AppCredRow | undefined {
    return this.deps.db.select().from(applicationCredentials).where(eq(applicationCredentials.id, id)).get();
  }

  /** Checks `secret` for the credential named by `ref`; rejects expired ones and disabled users. Throws Unauthenticated. */
  async verify(ref: AppCredRef, secret: string): Promise<AppCredRow> {
    const { db, hasher, clock } = this.deps;
    let row: AppCredRow | undefined;
    if (ref.id) row = this.find(ref.id);
    else if (ref.name && ref.user) {
      const u = ref.user;
      let userId = u.id;
      if (!userId && u.name) {
        const domainId = resolveDomainId(db, { id: u.domain?.id, name: u.domain?.name });
        userId = domainId ? db.select({ id: users.id }).from(users).where(and(eq(users.domainId, domainId), eq(users.name, u.name))).get()?.id : undefined;
      }
      if (userId) row = db.select().from(applicationCredentials).where(and(eq(applicationCredentials.userId, userId), eq(applicationCredentials.name, ref.name))).get();
    }
    if (!row || !(await hasher.verify(secret, row.secretHash))) throw errors.unauthenticated();
    if (row.expiresAt !== null && row.expiresAt <= clock.now()) throw errors.unauthenticated(undefined, { reason: 'application_credential_expired' });
    const user = db.select({ enabled: users.enabled }).from(users).where(eq(users.id, row.userId)).get();
    if (!user?.enabled) throw errors.unauthenticated(undefined, { reason: 'user_disabled' });
    return row;
  }

  private mustGet(userId: string, id: string): AppCredRow {
    const row = this.find(id);
    if (!row || row.userId !== userId) throw errors.notFound('application credential', id, `Could not find Application Credential: ${id}.`);
    return row;
  }

  /** Keystone: a restricted application credential cannot manage application credentials. */
  private requireUnrestrictedIfAppCred(ctx: RequestContext): void {
    const auth = ctx.auth;
    if (!auth?.methods.includes('application_credential')) return;
    const cred = auth.appCredentialId ? this.find(auth.appCredentialId) : undefined;
    if (!cred?.unrestricted) {
      throw errors.forbidden(
        "You are not authorized to perform the requested action: Using method 'application_credential' is not allowed for managing additional application credentials.",
      );
    }
  }

  private resolveRole(r: { id?: string; name?: string; domainId?: string | null }): { id: string } {
    if (r.id) {
      const row = this.deps.db.select({ id: roles.id }).from(roles).where(eq(roles.id, r.id)).get();
      if (!row) throw errors.notFound('role', r.id);
      return row;
    }
    if (r.name) {
      const row = r.domainId
        ? this.deps.db.select({ id: roles.id }).from(roles).where(and(eq(roles.name, r.name), eq(roles.domainId, r.domainId))).get()
        : findGlobalRoleByName(this.deps.db, r.name);
      if (!row) throw errors.notFound('role', r.name);
      return { id: row.id };
    }
    throw errors.invalid('Invalid application credential: a role needs an id or a name.');
  }
}

/** 64 random bytes, base64url without padding (Keystone's generated secret). */
function generateSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(64));
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
