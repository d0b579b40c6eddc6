// Keystone users: CRUD, enable/disable, password change and password verification with security compliance.
import { and, desc, eq, inArray, type SQL } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import {
  applicationCredentials,
  credentials,
  domains,
  groupMembers,
  passwordHistory,
  roleAssignments,
  users,
} from '../db/schema/identity.js';
import { assertJsonDepth } from '../bounded-json.js';
import { errors, isCoreError } from '../errors.js';
import { authorize, seesAll } from '../policy/index.js';
import { duplicate, mustGetDomain, mustGetUser, newId, resolveDomainId, EXTRA_TOO_DEEP } from './lookup.js';
import type { IdentityDeps, Revoker } from './ports.js';
import { SecurityCompliance } from './security-compliance.js';

/** A stored user row. */
export type UserRow = typeof users.$inferSelect;

/** How an authenticating caller names a user: by id, or by name within a domain given by id or name. */
export interface UserRef {
  id?: string;
  name?: string;
  domainId?: string;
  domainName?: string;
}

/** Fields a caller may set on create. */
export interface UserCreate {
  name: string;
  domainId?: string;
  password?: string | null;
  enabled?: boolean;
  email?: string | null;
  description?: string | null;
  defaultProjectId?: string | null;
  options?: Record<string, unknown>;
  extra?: Record<string, unknown>;
}

/** Fields a caller may change; `password` here is an administrator's reset (exempt from password history). */
export type UserUpdate = Partial<Omit<UserCreate, 'domainId'>>;

/** List filters (`?name=&domain_id=&enabled=`). */
export interface UserFilter {
  name?: string;
  domainId?: string;
  enabled?: boolean;
}

/** Longest password accepted (Keystone `[identity] max_password_length`). */
export const MAX_PASSWORD_LENGTH = 4096;

/** Users of every domain. */
export class UsersService {
  private readonly rules: SecurityCompliance;
  private dummyHash?: Promise<string>;

  constructor(
    private readonly deps: IdentityDeps,
    private readonly revoker: Revoker,
  ) {
    this.rules = new SecurityCompliance(deps.security, deps.clock);
  }

  /** Creates a user (`identity:create_user`); the domain defaults to the caller's. 409 on a duplicate name. */
  async create(ctx: RequestContext, input: UserCreate): Promise<UserRow> {
    const domainId = input.domainId ?? ctx.auth?.domainId ?? ctx.auth?.projectDomainId ?? ctx.auth?.userDomainId ?? 'default';
    authorize(ctx, 'identity:create_user', { domainId });
    assertJsonDepth(input.extra, EXTRA_TOO_DEEP);
    mustGetDomain(this.deps.db, domainId);
    const { db } = this.deps;
    if (db.select({ id: users.id }).from(users).where(and(eq(users.domainId, domainId), eq(users.name, input.name))).get()) {
      throw duplicate('user', input.name, domainId);
    }
    const now = this.deps.clock.now();
    const options = input.options ?? {};
    let passwordHash: string | null = null;
    if (input.password) {
      this.rules.validateFormat(input.password);
      passwordHash = await this.deps.hasher.hash(input.password);
    }
    const row: UserRow = {
      id: newId(),
      name: input.name,
      domainId,
      enabled: input.enabled ?? true,
      email: input.email ?? null,
      description: input.description ?? null,
      defaultProjectId: input.defaultProjectId ?? null,
      extra: input.extra ?? {},
      options,
      passwordHash,
      passwordCreatedAt: passwordHash ? now : null,
      passwordExpiresAt: passwordHash ? this.rules.expiryFor({ options }, false) : null,
      passwordSelfService: false,
      failedAuthCount: 0,
      failedAuthAt: null,
      lastActiveAt: null,
      createdAt: now,
    };
    db.transaction((tx) => {
      if (tx.select({ id: users.id }).from(users).where(and(eq(users.domainId, domainId), eq(users.name, input.name))).get()) {
        throw duplicate('user', input.name, domainId);
      }
      tx.insert(users).values(row).run();
      if (passwordHash) tx.insert(passwordHistory).values({ userId: row.id, passwordHash, createdAt: now }).run();
    });
    return row;
  }

  /** Lists users (`identity:list_users`); callers who are not admin see only their own domain's. */
  list(ctx: RequestContext, filter: UserFilter = {}): UserRow[] {
    const domainScope = seesAll(ctx) ? filter.domainId : (filter.domainId ?? ctx.auth?.domainId);
    authorize(ctx, 'identity:list_users', { domainId: domainScope });
    const where: SQL[] = [];
    if (domainScope) where.push(eq(users.domainId, domainScope));
    if (filter.name !== undefined) where.push(eq(users.name, filter.name));
    if (filter.enabled !== undefined) where.push(eq(users.enabled, filter.enabled));
    return this.deps.db.select().from(users).where(and(...where)).orderBy(users.name).all();
  }

  /** One user (`identity:get_user`): admins, readers of its domain, and the user itself. */
  get(ctx: RequestContext, id: string): UserRow {
    const row = this.deps.db.select().from(users).where(eq(users.id, id)).get();
    authorize(ctx, 'identity:get_user', { userId: id, domainId: row?.domainId });
    if (!row) throw errors.notFound('user', id);
    return row;
  }

  /** Updates a user (`identity:update_user`); disabling or resetting the password revokes the user's tokens. */
  async update(ctx: RequestContext, id: string, patch: UserUpdate): Promise<UserRow> {
    const { db } = this.deps;
    const current = db.select().from(users).where(eq(users.id, id)).get();
    authorize(ctx, 'identity:update_user', { userId: id, domainId: current?.domainId });
    if (!current) throw errors.notFound('user', id);
    const next: UserRow = { ...current };
    if (patch.name !== undefined && patch.name !== current.name) {
      if (db.select({ id: users.id }).from(users).where(and(eq(users.domainId, current.domainId), eq(users.name, patch.name))).get()) {
        throw duplicate('user', patch.name, current.domainId);
      }
      next.name = patch.name;
    }
    if (patch.enabled !== undefined) next.enabled = patch.enabled;
    if (patch.email !== undefined) next.email = patch.email;
    if (patch.description !== undefined) next.description = patch.description;
    if (patch.defaultProjectId !== undefined) next.defaultProjectId = patch.defaultProjectId;
    if (patch.options !== undefined) next.options = mergeOptions(current.options, patch.options);
    assertJsonDepth(patch.extra, EXTRA_TOO_DEEP);
    if (patch.extra !== undefined) next.extra = { ...current.extra, ...patch.extra };
    const now = this.deps.clock.now();
    let newHash: string | undefined;
    if (patch.password !== undefined && patch.password !== null) {
      // An administrator's reset is not subject to history, as in Keystone (only change_password checks it).
      this.rules.validateFormat(patch.password);
      newHash = await this.deps.hasher.hash(patch.password);
      next.passwordHash = newHash;
      next.passwordCreatedAt = now;
      next.passwordExpiresAt = this.rules.expiryFor(next, false);
      next.passwordSelfService = false;
      next.failedAuthCount = 0;
      next.failedAuthAt = null;
    }
    db.transaction((tx) => {
      tx.update(users).set(next).where(eq(users.id, id)).run();
      if (newHash) tx.insert(passwordHistory).values({ userId: id, passwordHash: newHash, createdAt: now }).run();
    });
    if ((current.enabled && !next.enabled) || newHash) this.revoker.revoke({ userId: id });
    return next;
  }

  /** Deletes a user with its grants, memberships, application credentials and credentials; revokes its tokens. */
  delete(ctx: RequestContext, id: string): void {
    const { db } = this.deps;
    const current = db.select().from(users).where(eq(users.id, id)).get();
    authorize(ctx, 'identity:delete_user', { userId: id, domainId: current?.domainId });
    if (!current) throw errors.notFound('user', id);
    db.transaction((tx) => {
      tx.delete(roleAssignments).where(and(inArray(roleAssignments.type, ['UserProject', 'UserDomain', 'UserSystem']), eq(roleAssignments.actorId, id))).run();
      tx.delete(groupMembers).where(eq(groupMembers.userId, id)).run();
      tx.delete(applicationCredentials).where(eq(applicationCredentials.userId, id)).run();
      tx.delete(credentials).where(eq(credentials.userId, id)).run();
      tx.delete(passwordHistory).where(eq(passwordHistory.userId, id)).run();
      tx.delete(users).where(eq(users.id, id)).run();
    });
    this.revoker.revoke({ userId: id });
  }

  /**
   * Self-service password change (`POST /v3/users/{id}/password`). Unenforced, as in Keystone: the
   * original password is the authentication, so a user whose password expired can still change it.
   */
  async changePassword(userId: string, originalPassword: string, newPassword: string): Promise<void> {
    let user: UserRow;
    try {
      user = await this.verifyPassword({ id: userId }, originalPassword);
    } catch (e) {
      if (!isCoreError(e, 'Unauthenticated') || e.detail.reason !== 'password_expired') throw e;
      user = mustGetUser(this.deps.db, userId);
    }
    if (user.options.lock_password === true) {
      throw errors.forbidden('You cannot change your password at this time due to password policy disallowing password changes. Please contact your administrator to reset your password.', { reason: 'password_locked' });
    }
    this.rules.validateFormat(newPassword);
    this.rules.checkMinimumAge(user);
    await this.rules.checkHistory(newPassword, this.recentHashes(userId), this.deps.hasher);
    const hash = await this.deps.hasher.hash(newPassword);
    const now = this.deps.clock.now();
    this.deps.db.transaction((tx) => {
      tx.update(users)
        .set({
          passwordHash: hash,
          passwordCreatedAt: now,
          passwordExpiresAt: this.rules.expiryFor(user, true),
          passwordSelfService: true,
          failedAuthCount: 0,
          failedAuthAt: null,
        })
        .where(eq(users.id, userId))
        .run();
      tx.insert(passwordHistory).values({ userId, passwordHash: hash, createdAt: now }).run();
    });
    this.revoker.revoke({ userId });
  }

  /**
   * Checks `password` for the user named by `ref` (password auth). Applies lockout, password expiry and
   * change-on-first-use; records failed attempts. Throws Unauthenticated with Keystone's messages.
   * A locked account answers like a wrong password (Keystone hides AccountLocked: OSSA-2021-003).
   */
  async verifyPassword(ref: UserRef, password: string): Promise<UserRow> {
    const { db, hasher } = this.deps;
    const user = this.findUser(ref);
    if (!user || !user.passwordHash || password.length > MAX_PASSWORD_LENGTH) {
      // Spend the same hashing work as a real check so timing does not reveal which names exist.
      await hasher.verify(password.slice(0, MAX_PASSWORD_LENGTH), await this.dummy());
      throw errors.unauthenticated();
    }
    if (this.rules.isLocked(user)) {
      await hasher.verify(password, await this.dummy());
      throw errors.unauthenticated(undefined, { reason: 'account_locked' });
    }
    if (!(await hasher.verify(password, user.passwordHash))) {
      if (this.rules.countsFailures) {
        const now = this.deps.clock.now();
        // A lockout that has run out starts a fresh count.
        const base = user.failedAuthCount >= (this.deps.security.lockoutFailureAttempts ?? Infinity) ? 0 : user.failedAuthCount;
        db.update(users).set({ failedAuthCount: base + 1, failedAuthAt: now }).where(eq(users.id, user.id)).run();
      }
      throw errors.unauthenticated();
    }
    if (!user.enabled) throw errors.unauthenticated(`The account is disabled for user: ${user.id}.`, { reason: 'user_disabled' });
    const domain = db.select({ enabled: domains.enabled }).from(domains).where(eq(domains.id, user.domainId)).get();
    if (!domain?.enabled) throw errors.unauthenticated(undefined, { reason: 'domain_disabled' });
    if (this.rules.isExpired(user)) {
      throw errors.unauthenticated(`The password is expired and needs to be changed for user: ${user.id}.`, { reason: 'password_expired' });
    }
    if (user.failedAuthCount) {
      db.update(users).set({ failedAuthCount: 0, failedAuthAt: null }).where(eq(users.id, user.id)).run();
      return { ...user, failedAuthCount: 0, failedAuthAt: null };
    }
    return user;
  }

  /** The user named by `ref`, or undefined (auth bodies name users by id, or by name plus domain id or name). */
  findUser(ref: UserRef): UserRow | undefined {
    const { db } = this.deps;
    if (ref.id) return db.select().from(users).where(eq(users.id, ref.id)).get();
    if (!ref.name) return undefined;
    const domainId = resolveDomainId(db, { id: ref.domainId, name: ref.domainName });
    if (!domainId) return undefined;
    return db.select().from(users).where(and(eq(users.domainId, domainId), eq(users.name, ref.name))).get();
  }

  private recentHashes(userId: string): string[] {
    const depth = this.rules.historyDepth;
    if (!depth) return [];
    return this.deps.db
      .select({ h: passwordHistory.passwordHash })
      .from(passwordHistory)
      .where(eq(passwordHistory.userId, userId))
      .orderBy(desc(passwordHistory.id))
      .limit(depth)
      .all()
      .map((r) => r.h);
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= this.deps.hasher.hash(newId());
    return this.dummyHash;
  }
}

/** Keystone merges options; a null value removes the option. */
function mergeOptions(current: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out = { ...current };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}
