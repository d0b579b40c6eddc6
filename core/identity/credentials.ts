// Keystone /v3/credentials and OS-EC2 credentials (the same rows), plus the cached EC2 secret lookup for SigV4.
import { and, eq, type SQL } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import { credentials } from '../db/schema/identity.js';
import { parseBoundedJson } from '../bounded-json.js';
import { errors } from '../errors.js';
import { authorize, seesAll } from '../policy/index.js';
import { mustGetProject, mustGetUser, newId } from './lookup.js';
import type { CacheGenerations } from './generations.js';
import type { IdentityDeps } from './ports.js';

/** A stored credential row. */
export type CredentialRow = typeof credentials.$inferSelect;

/** What a SigV4 verifier needs for an access key. */
export interface Ec2Secret {
  userId: string;
  projectId: string;
  secret: string;
}

/** An EC2 credential as OS-EC2 shows it. */
export interface Ec2Credential {
  userId: string;
  projectId: string;
  access: string;
  secret: string;
  trustId: string | null;
}

/** What `POST /v3/credentials` accepts (`blob` is the client's string). */
export interface CredentialCreate {
  type: string;
  userId: string;
  projectId?: string | null;
  blob: string;
}

/** What `PATCH /v3/credentials/{id}` may change. */
export type CredentialUpdate = Partial<CredentialCreate>;

const CACHE_TTL_MS = 10_000;

/** Credentials of users, of any type; EC2 ones are also the AWS access keys. */
export class CredentialsService {
  private readonly cache = new Map<string, { value: Ec2Secret; at: number }>();

  constructor(
    private readonly deps: IdentityDeps,
    /** Bumped when a credential changes or goes, so other processes' caches drop it too (checked on every lookup). */
    private readonly generations: CacheGenerations,
  ) {}

  /** `POST /v3/credentials` (`identity:create_credential`). An ec2 credential's id is sha256(access). */
  async create(ctx: RequestContext, input: CredentialCreate): Promise<CredentialRow> {
    authorize(ctx, 'identity:create_credential', { userId: input.userId });
    this.rejectEc2Derived(ctx);
    mustGetUser(this.deps.db, input.userId);
    let id = newId();
    let accessKey: string | null = null;
    if (input.type === 'ec2') {
      this.rejectRestrictedAppCred(ctx);
      const blob = parseEc2Blob(input.blob);
      if (!input.projectId) throw missing('project_id', 'credential');
      accessKey = blob.access;
      id = await sha256Hex(accessKey);
    }
    if (input.projectId) mustGetProject(this.deps.db, input.projectId);
    const row: CredentialRow = { id, userId: input.userId, projectId: input.projectId ?? null, type: input.type, blob: input.blob, accessKey, createdAt: this.deps.clock.now() };
    this.insert(row);
    return row;
  }

  /** `GET /v3/credentials` (`identity:list_credentials`): everyone's for admins, otherwise the caller's own. */
  list(ctx: RequestContext, filter: { userId?: string; type?: string } = {}): CredentialRow[] {
    const auth = ctx.auth;
    const all = seesAll(ctx);
    const userId = all ? filter.userId : (filter.userId ?? auth?.userId);
    authorize(ctx, 'identity:list_credentials', { userId });
    this.rejectEc2Derived(ctx);
    const where: SQL[] = [];
    if (userId) where.push(eq(credentials.userId, userId));
    if (filter.type) where.push(eq(credentials.type, filter.type));
    return this.deps.db.select().from(credentials).where(and(...where)).orderBy(credentials.createdAt).all();
  }

  /** `GET /v3/credentials/{id}`; another user's credential and a missing one are both 403 to a non-admin, as in Keystone. */
  get(ctx: RequestContext, id: string): CredentialRow {
    this.rejectEc2Derived(ctx);
    return this.authorizedRow(ctx, 'identity:get_credential', id);
  }

  /**
   * `PATCH /v3/credentials/{id}`. An ec2 credential's scope keys (`trust_id`, `app_cred_id`,
   * `access_token_id`, `access_id`) cannot change; it keeps the access key its id derives from.
   */
  update(ctx: RequestContext, id: string, patch: CredentialUpdate): CredentialRow {
    this.rejectEc2Derived(ctx);
    const current = this.authorizedRow(ctx, 'identity:update_credential', id);
    if (patch.userId !== undefined && patch.userId !== current.userId) {
      authorize(ctx, 'identity:update_credential', { userId: patch.userId });
      mustGetUser(this.deps.db, patch.userId);
    }
    const next: CredentialRow = { ...current };
    if (patch.type !== undefined) next.type = patch.type;
    if (patch.userId !== undefined) next.userId = patch.userId;
    if (patch.projectId !== undefined) next.projectId = patch.projectId;
    if (patch.projectId) mustGetProject(this.deps.db, patch.projectId);
    if (patch.blob !== undefined) next.blob = patch.blob;
    if (current.type === 'ec2' && patch.blob !== undefined) checkScopeKeysKept(current.blob, patch.blob);
    if (next.type === 'ec2') {
      const blob = parseEc2Blob(next.blob);
      if (!next.projectId) throw missing('project_id', 'credential');
      // The blob's `access` may change (Keystone allows it), but the credential is still found by the
      // access key its id was derived from, as Keystone finds it by sha256(access).
      next.accessKey = current.accessKey ?? blob.access;
    } else next.accessKey = null;
    this.deps.db.transaction((tx) => {
      tx.update(credentials).set(next).where(eq(credentials.id, id)).run();
      if (current.accessKey) this.generations.bump(tx, 'ec2');
    });
    if (current.accessKey) this.cache.delete(current.accessKey);
    return next;
  }

  /** `DELETE /v3/credentials/{id}`. */
  delete(ctx: RequestContext, id: string): void {
    this.rejectEc2Derived(ctx);
    const row = this.authorizedRow(ctx, 'identity:delete_credential', id);
    this.deps.db.transaction((tx) => {
      tx.delete(credentials).where(eq(credentials.id, id)).run();
      if (row.accessKey) this.generations.bump(tx, 'ec2');
    });
    if (row.accessKey) this.cache.delete(row.accessKey);
  }

  /** `POST /v3/users/{id}/credentials/OS-EC2`: a new random access/secret pair for the user on the project. */
  async createEc2(ctx: RequestContext, userId: string, projectId: string): Promise<Ec2Credential> {
    authorize(ctx, 'identity:ec2_create_credential', { userId });
    this.requirePrimaryAuth(ctx);
    mustGetUser(this.deps.db, userId);
    mustGetProject(this.deps.db, projectId);
    const access = newId();
    const secret = newId();
    const blob = JSON.stringify({ access, secret, trust_id: null });
    this.insert({ id: await sha256Hex(access), userId, projectId, type: 'ec2', blob, accessKey: access, createdAt: this.deps.clock.now() });
    return { userId, projectId, access, secret, trustId: null };
  }

  /** `GET /v3/users/{id}/credentials/OS-EC2`. */
  listEc2(ctx: RequestContext, userId: string): Ec2Credential[] {
    authorize(ctx, 'identity:ec2_list_credentials', { userId });
    this.requirePrimaryAuth(ctx);
    mustGetUser(this.deps.db, userId);
    return this.deps.db
      .select()
      .from(credentials)
      .where(and(eq(credentials.userId, userId), eq(credentials.type, 'ec2')))
      .orderBy(credentials.createdAt)
      .all()
      .map(toEc2);
  }

  /** `GET /v3/users/{id}/credentials/OS-EC2/{access}`. */
  getEc2(ctx: RequestContext, userId: string, access: string): Ec2Credential {
    authorize(ctx, 'identity:ec2_get_credential', { userId });
    this.requirePrimaryAuth(ctx);
    return toEc2(this.mustGetEc2(userId, access));
  }

  /** `DELETE /v3/users/{id}/credentials/OS-EC2/{access}`. */
  deleteEc2(ctx: RequestContext, userId: string, access: string): void {
    authorize(ctx, 'identity:ec2_delete_credential', { userId });
    this.requirePrimaryAuth(ctx);
    const row = this.mustGetEc2(userId, access);
    this.deps.db.transaction((tx) => {
      tx.delete(credentials).where(eq(credentials.id, row.id)).run();
      this.generations.bump(tx, 'ec2');
    });
    this.cache.delete(access);
  }

  /**
   * The EC2 credential with this access key, or undefined. Cached briefly; a change anywhere (this
   * process or another sharing the database) bumps the `ec2` generation, which empties the cache here.
   */
  findEc2(accessKey: string): Ec2Secret | undefined {
    const now = this.deps.clock.now();
    if (this.generations.changed('ec2')) this.cache.clear();
    const hit = this.cache.get(accessKey);
    if (hit && now - hit.at < CACHE_TTL_MS) return hit.value;
    const row = this.deps.db.select().from(credentials).where(eq(credentials.accessKey, accessKey)).get();
    if (!row || row.type !== 'ec2' || !row.projectId) {
      this.cache.delete(accessKey);
      return undefined;
    }
    const value = { userId: row.userId, projectId: row.projectId, secret: parseEc2Blob(row.blob).secret ?? '' };
    this.cache.set(accessKey, { value, at: now });
    return value;
  }

  private insert(row: CredentialRow): void {
    try {
      this.deps.db.insert(credentials).values(row).run();
    } catch (e) {
      if (String(e).includes('UNIQUE')) throw errors.conflict('credential', `Conflict occurred attempting to store credential - Duplicate entry found with ID ${row.id}.`, { reason: 'duplicate', id: row.id });
      throw e;
    }
  }

  private authorizedRow(ctx: RequestContext, action: string, id: string): CredentialRow {
    const row = this.deps.db.select().from(credentials).where(eq(credentials.id, id)).get();
    // As Keystone, the policy target is built from whatever exists: a missing credential fails the owner
    // check exactly as someone else's does (403 both), so a caller cannot probe which ids exist. Only
    // a caller the policy lets see every credential learns that one is missing (404).
    authorize(ctx, action, { userId: row?.userId });
    if (!row) throw errors.notFound('credential', id);
    return row;
  }

  private mustGetEc2(userId: string, access: string): CredentialRow {
    const row = this.deps.db.select().from(credentials).where(eq(credentials.accessKey, access)).get();
    if (!row || row.userId !== userId || row.type !== 'ec2') throw errors.notFound('credential', access, 'Could not find credential: ' + access + '.');
    return row;
  }

  /** Tokens derived from an EC2 signature may not manage credentials (Keystone 2026 fixes). */
  private rejectEc2Derived(ctx: RequestContext): void {
    if (ctx.auth?.methods.includes('ec2credential')) throw errors.forbidden();
  }

  /** OS-EC2 refuses delegated authentication: application credentials and EC2-derived tokens (LP#2159643). */
  private requirePrimaryAuth(ctx: RequestContext): void {
    const m = ctx.auth?.methods ?? [];
    if (m.includes('application_credential') || m.includes('ec2credential')) {
      throw errors.forbidden('You are not authorized to perform the requested action: EC2 credentials require primary authentication.');
    }
  }

  /** A restricted application credential cannot mint EC2 credentials (OSSA-2026-005). */
  private rejectRestrictedAppCred(ctx: RequestContext): void {
    if (ctx.auth?.methods.includes('application_credential')) throw errors.forbidden();
  }
}

function toEc2(row: CredentialRow): Ec2Credential {
  const blob = parseEc2Blob(row.blob);
  return { userId: row.userId, projectId: row.projectId ?? '', access: blob.access, secret: blob.secret ?? '', trustId: blob.trust_id ?? null };
}

function parseEc2Blob(blob: string): { access: string; secret?: string; trust_id?: string | null } {
  const parsed = parseBoundedJson(blob, 'Invalid blob in credential');
  if (typeof parsed !== 'object' || parsed === null) throw errors.invalid('Invalid blob in credential');
  const p = parsed as Record<string, unknown>;
  if (typeof p.access !== 'string' || !p.access) throw missing('access', 'blob');
  return { access: p.access, secret: typeof p.secret === 'string' ? p.secret : undefined, trust_id: typeof p.trust_id === 'string' ? p.trust_id : null };
}

/** Keystone's _validate_blob_update_keys: the keys that scope an ec2 credential may not be set, changed or unset. */
function checkScopeKeysKept(oldBlob: string, newBlob: string): void {
  const before = parseBoundedJson(oldBlob, 'Invalid blob in credential') as Record<string, unknown> | null;
  const after = parseBoundedJson(newBlob, 'Invalid blob in credential');
  if (typeof after !== 'object' || after === null || Array.isArray(after)) throw errors.invalid('Invalid blob in credential');
  for (const key of ['trust_id', 'app_cred_id', 'access_token_id', 'access_id']) {
    const was = before?.[key] ?? null;
    const now = (after as Record<string, unknown>)[key] ?? null;
    if (JSON.stringify(was) !== JSON.stringify(now)) throw errors.invalid(`${key} can not be updated for credential`);
  }
}

function missing(attribute: string, target: string) {
  return errors.invalid(
    `Expecting to find ${attribute} in ${target}. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.`,
  );
}

async function sha256Hex(s: string): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(s)));
  return [...d].map((b) => b.toString(16).padStart(2, '0')).join('');
}
