// Issues, validates and revokes tokens; validation is served from memory (LRU + revocation list) with no database read.
import type { AuthContext } from '../../context.js';
import { errors } from '../../errors.js';
import type { IdentityLookups } from '../lookups.js';
import type { Clock } from '../ports.js';
import type { RevocableToken, RevocationList } from '../revocation.js';
import { newAuditId, type TokenCodec, type TokenPayload, type TokenScope } from './format.js';
import { TokenCache, type TokenCacheLimits } from './token-cache.js';

/** Keystone's `[token] allow_expired_window`: how long after expiry `allow_expired=1` still validates (48 h). */
export const ALLOW_EXPIRED_WINDOW_MS = 48 * 3600 * 1000;

/** Entries older than this are re-described from the database, so renames and new grants show up. */
const DESCRIBE_TTL_MS = 60_000;

/**
 * The resolved-token cache's default budget. An entry costs ~3 KB of heap with the token body the
 * Keystone face renders beside it (measured with `npm run bench:token-soak`), so 32 MiB holds about
 * ten thousand live tokens; only tokens validated within DESCRIBE_TTL_MS are worth holding at all.
 */
export const TOKEN_CACHE_LIMITS: TokenCacheLimits = { maxEntries: 20_000, maxBytes: 32 << 20, ttlMs: DESCRIBE_TTL_MS, sweepEveryMs: 10_000 };

/** Fixed heap cost of one cached token (entry, resolved info, context, rendered body head), before its strings. */
const ENTRY_BASE_BYTES = 2048;

/** A scope in the form the role resolver takes (A2's AssignmentsService.effectiveRoles). */
export type RoleScope = { projectId: string } | { domainId: string } | { system: true };

/** Computes a user's effective roles on a scope (groups, inheritance and implied roles included). */
export interface RoleResolver {
  effectiveRoles(userId: string, scope: RoleScope): Array<{ id: string; name: string }>;
}

interface Named {
  id: string;
  name: string;
}

/** Everything a token stands for, resolved: what the token response body and the request context are made of. */
export interface TokenInfo {
  payload: TokenPayload;
  context: AuthContext;
  user: Named & { domain: Named; passwordExpiresAt: number | null };
  project?: Named & { domain: Named };
  domain?: Named;
  system?: boolean;
  roles: Named[];
  appCred?: Named & { restricted: boolean };
}

/** What a caller asks to be issued; audit ids and times are filled in. */
export interface IssueRequest {
  userId: string;
  methods: string[];
  scope: TokenScope;
  appCredId?: string;
  /** Audit ids of the token being rescoped: the new token joins its chain. */
  parentAuditIds?: string[];
  /** A rescoped token keeps its parent's expiry (Keystone); an app credential caps it at its own. */
  expiresAt?: number;
}

interface CacheEntry {
  info: TokenInfo;
  /** What revocation events are matched against, derived once per resolution. */
  facts: RevocableToken;
}

/**
 * Stateless tokens: the id is the sealed payload. Validation opens it (Web Crypto), checks expiry and
 * the in-memory revocation list; the resolved names and roles come from an LRU so a valid token
 * costs no database read. Any revocation event empties the LRU, so a disabled user or removed role
 * takes effect at once; the event itself is what rejects the token, cached or not.
 */
export class TokenService {
  private readonly cache: TokenCache<CacheEntry>;

  constructor(
    private readonly codec: TokenCodec,
    private readonly revocations: RevocationList,
    private readonly lookups: IdentityLookups,
    private readonly roles: RoleResolver,
    private readonly clock: Clock,
    private readonly ttlSeconds: number,
    cacheLimits: TokenCacheLimits = TOKEN_CACHE_LIMITS,
  ) {
    this.cache = new TokenCache(cacheLimits);
    revocations.onStale(() => this.cache.clear());
  }

  /** How many resolved tokens are held in memory, and their estimated bytes. */
  cacheStats(): { entries: number; bytes: number } {
    return this.cache.stats();
  }

  /** Seals a new token for `req`; throws Unauthenticated if the user or scope is not (or no longer) valid. */
  async issue(req: IssueRequest): Promise<{ id: string; info: TokenInfo }> {
    const now = this.clock.now();
    let expiresAt = now + this.ttlSeconds * 1000;
    if (req.expiresAt !== undefined) expiresAt = Math.min(expiresAt, req.expiresAt);
    const root = req.parentAuditIds?.[req.parentAuditIds.length - 1];
    const payload: TokenPayload = {
      userId: req.userId,
      methods: req.methods,
      scope: req.scope,
      appCredId: req.appCredId,
      auditIds: root ? [newAuditId(), root] : [newAuditId()],
      issuedAt: now,
      expiresAt,
    };
    const info = this.describe(payload);
    const id = await this.codec.seal(payload);
    this.remember(id, info, now);
    return { id, info };
  }

  /**
   * The resolved token, or Unauthenticated when it is malformed, tampered with, expired (unless
   * `allowExpired` and within the 48 h window), revoked, or its user/scope is no longer valid.
   */
  async validate(id: string, opts: { allowExpired?: boolean } = {}): Promise<TokenInfo> {
    const now = this.clock.now();
    let entry = this.cache.get(id, now);
    if (entry) {
      this.checkLive(entry.info.payload, now, opts.allowExpired);
    } else {
      const payload = await this.codec.open(id);
      this.checkLive(payload, now, opts.allowExpired);
      entry = this.remember(id, this.describe(payload), now);
    }
    if (this.revocations.isRevoked(entry.facts)) throw invalid('revoked');
    return entry.info;
  }

  /** Revokes the token `id` (its audit id, hence every token rescoped from it too). */
  async revoke(id: string): Promise<void> {
    const info = await this.validate(id);
    this.revocations.revoke({ auditId: info.payload.auditIds[0] });
  }

  private checkLive(p: TokenPayload, now: number, allowExpired?: boolean): void {
    if (now < p.expiresAt) return;
    if (allowExpired && now < p.expiresAt + ALLOW_EXPIRED_WINDOW_MS) return;
    throw invalid('expired');
  }

  private remember(id: string, info: TokenInfo, now: number): CacheEntry {
    const entry = { info, facts: revocable(info) };
    this.cache.set(id, entry, { now, expiresAt: info.payload.expiresAt, bytes: entryBytes(id, info) });
    return entry;
  }

  /** Resolves names and roles from the database, rejecting disabled or vanished users, scopes and app credentials. */
  private describe(p: TokenPayload): TokenInfo {
    const user = this.lookups.user(p.userId);
    if (!user || !user.enabled) throw invalid('user');
    const userDomain = this.lookups.domain(user.domainId);
    if (!userDomain || !userDomain.enabled) throw invalid('user-domain');

    let appCred: TokenInfo['appCred'];
    let allowedRoleIds: Set<string> | undefined;
    if (p.appCredId) {
      const ac = this.lookups.appCred(p.appCredId);
      if (!ac || ac.userId !== user.id || (ac.expiresAt !== null && ac.expiresAt <= this.clock.now())) throw invalid('app-cred');
      if (p.scope.kind !== 'project' || p.scope.id !== ac.projectId) throw invalid('app-cred-scope');
      appCred = { id: ac.id, name: ac.name, restricted: !ac.unrestricted };
      allowedRoleIds = new Set(ac.roleIds);
    }

    const info: TokenInfo = {
      payload: p,
      user: { id: user.id, name: user.name, domain: { id: userDomain.id, name: userDomain.name }, passwordExpiresAt: user.passwordExpiresAt ?? null },
      roles: [],
      appCred,
      context: undefined as unknown as AuthContext,
    };
    if (p.scope.kind === 'project') {
      const project = this.lookups.project(p.scope.id);
      if (!project || !project.enabled) throw invalid('project');
      const pd = project.domainId === userDomain.id ? userDomain : this.lookups.domain(project.domainId);
      if (!pd || !pd.enabled) throw invalid('project-domain');
      info.project = { id: project.id, name: project.name, domain: { id: pd.id, name: pd.name } };
      info.roles = this.roles.effectiveRoles(user.id, { projectId: project.id });
    } else if (p.scope.kind === 'domain') {
      const d = this.lookups.domain(p.scope.id);
      if (!d || !d.enabled) throw invalid('domain');
      info.domain = { id: d.id, name: d.name };
      info.roles = this.roles.effectiveRoles(user.id, { domainId: d.id });
    } else if (p.scope.kind === 'system') {
      info.system = true;
      info.roles = this.roles.effectiveRoles(user.id, { system: true });
    }
    if (allowedRoleIds) info.roles = info.roles.filter((r) => allowedRoleIds.has(r.id));
    if (p.scope.kind !== 'unscoped' && info.roles.length === 0) throw invalid('no-roles');

    info.context = {
      userId: user.id,
      userName: user.name,
      userDomainId: userDomain.id,
      userDomainName: userDomain.name,
      projectId: info.project?.id,
      projectName: info.project?.name,
      projectDomainId: info.project?.domain.id,
      projectDomainName: info.project?.domain.name,
      domainId: info.domain?.id,
      domainName: info.domain?.name,
      system: info.system,
      roles: info.roles.map((r) => r.name),
      roleIds: info.roles.map((r) => r.id),
      methods: p.methods,
      auditId: p.auditIds[0],
      appCredentialId: p.appCredId,
      issuedAt: p.issuedAt,
      expiresAt: p.expiresAt,
    };
    return info;
  }
}

/** Estimated heap bytes of a cached token: a fixed part plus its strings (UTF-16, held about twice: info and context). */
function entryBytes(id: string, info: TokenInfo): number {
  let chars = id.length + info.user.name.length + info.user.id.length + (info.project?.name.length ?? 0) + (info.domain?.name.length ?? 0);
  for (const r of info.roles) chars += r.id.length + r.name.length;
  return ENTRY_BASE_BYTES + chars * 4;
}

/** The facts of a resolved token that revocation events match against. */
export function revocable(info: TokenInfo): RevocableToken {
  const domainIds = [info.user.domain.id];
  if (info.project) domainIds.push(info.project.domain.id);
  if (info.domain) domainIds.push(info.domain.id);
  return {
    userId: info.user.id,
    domainIds,
    projectId: info.project?.id,
    roleIds: info.context.roleIds,
    auditIds: info.payload.auditIds,
    appCredId: info.payload.appCredId,
    issuedAt: info.payload.issuedAt,
  };
}

function invalid(reason: string) {
  return errors.unauthenticated('The request you have made requires authentication.', { reason: `token-${reason}` });
}
