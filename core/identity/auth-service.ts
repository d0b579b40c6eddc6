// POST /v3/auth/tokens semantics: identify the user by each method, resolve the scope, issue; plus the /v3/auth/* listings.
import type { AuthContext, RequestContext } from '../context.js';
import { CoreError, errors } from '../errors.js';
import { authorize } from '../policy/index.js';
import type { AppCredRef } from './application-credentials.js';
import type { IdentityLookups, ProjectRow, DomainRow } from './lookups.js';
import type { TokenScope } from './tokens/format.js';
import type { RoleResolver, TokenInfo, TokenService } from './tokens/token-service.js';
import type { UserRef } from './users.js';

/** A reference to a project or domain by id, or by name (a project name needs its domain). */
export interface NamedRef {
  id?: string;
  name?: string;
  domain?: { id?: string; name?: string };
}

/** The scope a caller asks for; at most one of project, domain, system. */
export interface ScopeRequest {
  project?: NamedRef;
  domain?: { id?: string; name?: string };
  system?: boolean;
  /** `OS-TRUST:trust`: a token through a trust, asked for by its trustee. */
  trust?: { id: string };
  /** Explicit `"scope": "unscoped"`: never fall back to the default project. */
  unscoped?: boolean;
}

/** The auth request, already checked for shape by the wire layer. */
export interface AuthRequest {
  methods: string[];
  password?: { user: UserRef; password: string };
  token?: { id: string };
  applicationCredential?: { ref: AppCredRef; secret: string };
  scope?: ScopeRequest;
}

/** Checks a password for a user reference (A2's UsersService). */
export interface PasswordVerifier {
  verifyPassword(ref: UserRef, password: string): Promise<{ id: string; defaultProjectId: string | null }>;
}

/** Checks and consumes a trust for a trust-scoped token (TrustsService). */
export interface TrustConsumer {
  consume(trusteeUserId: string, trustId: string): { userId: string; projectId: string; expiresAt: number | null; trustId: string };
}

/** Checks an application credential secret (A2's ApplicationCredentialsService). */
export interface AppCredVerifier {
  verify(ref: AppCredRef, secret: string): Promise<{ id: string; userId: string; projectId: string; expiresAt: number | null }>;
}

const SUPPORTED = new Set(['password', 'token', 'application_credential']);

const unauth = (reason: string) => errors.unauthenticated('The request you have made requires authentication.', { reason });

/** Keystone's `ForbiddenAction` wording. */
const forbiddenAction = (action: string) =>
  errors.forbidden(`You are not authorized to perform the requested action: ${action}.`, { reason: 'forbidden-action' });

/** Keystone's `ValidationError(attribute, target)` wording. */
export const expecting = (attribute: string, target: string) =>
  errors.invalid(
    `Expecting to find ${attribute} in ${target}. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.`,
  );

/** Token issue and the listings a token's holder may see about itself. */
export class AuthService {
  constructor(
    private readonly tokens: TokenService,
    private readonly lookups: IdentityLookups,
    private readonly roles: RoleResolver,
    private readonly users: PasswordVerifier,
    private readonly appCreds: AppCredVerifier,
    private readonly trusts?: TrustConsumer,
  ) {}

  /** Authenticates with every listed method (they must agree on the user) and issues a token for the scope. */
  async authenticate(req: AuthRequest): Promise<{ id: string; info: TokenInfo }> {
    if (req.methods.length === 0) throw expecting('methods', 'identity');
    for (const m of req.methods) {
      if (!SUPPORTED.has(m)) throw errors.unauthenticated('Attempted to authenticate with an unsupported method.', { reason: 'method' });
    }
    let userId: string | undefined;
    let defaultProjectId: string | null = null;
    let parent: TokenInfo | undefined;
    let appCred: { id: string; projectId: string; expiresAt: number | null } | undefined;
    const methods = new Set<string>();
    const same = (id: string) => {
      if (userId !== undefined && userId !== id) throw unauth('methods-disagree');
      userId = id;
    };

    for (const m of req.methods) {
      methods.add(m);
      if (m === 'password') {
        if (!req.password) throw expecting('password', 'identity');
        const u = await this.users.verifyPassword(req.password.user, req.password.password);
        same(u.id);
        defaultProjectId = u.defaultProjectId;
      } else if (m === 'token') {
        if (!req.token) throw expecting('token', 'identity');
        parent = await this.validateParent(req.token.id);
        this.checkRescope(parent, req.scope);
        same(parent.user.id);
        for (const pm of parent.payload.methods) methods.add(pm);
      } else {
        if (!req.applicationCredential) throw expecting('application_credential', 'identity');
        if (req.scope && !req.scope.unscoped) {
          throw errors.unauthenticated('Application credentials cannot request a scope.', { reason: 'app-cred-scope' });
        }
        const ac = await this.appCreds.verify(req.applicationCredential.ref, req.applicationCredential.secret);
        same(ac.userId);
        appCred = ac;
      }
    }
    if (!userId) throw unauth('no-user');

    if (req.scope?.trust) {
      if ([req.scope.project, req.scope.domain, req.scope.system, req.scope.unscoped].some(Boolean)) throw expecting('project, domain, OS-TRUST:trust or unscoped', 'scope');
      if (!this.trusts) throw errors.notImplemented('Trust-scoped tokens (OS-TRUST)');
      const t = this.trusts.consume(userId, req.scope.trust.id);
      const expiries = [parent?.payload.expiresAt, t.expiresAt ?? undefined].filter((x): x is number => x !== undefined);
      return this.tokens.issue({
        userId: t.userId,
        methods: [...methods],
        scope: { kind: 'project', id: t.projectId },
        trustId: t.trustId,
        parentAuditIds: parent?.payload.auditIds,
        ...(expiries.length ? { expiresAt: Math.min(...expiries) } : {}),
      });
    }

    let scope: TokenScope;
    if (appCred) scope = { kind: 'project', id: appCred.projectId };
    else scope = this.resolveScope(userId, req.scope, defaultProjectId);

    return this.tokens.issue({
      userId,
      methods: [...methods],
      scope,
      appCredId: appCred?.id ?? parent?.payload.appCredId,
      parentAuditIds: parent?.payload.auditIds,
      expiresAt: parent ? parent.payload.expiresAt : appCred?.expiresAt ?? undefined,
    });
  }

  /** Projects the token's user has a role on (`GET /v3/auth/projects`). */
  projectsFor(ctx: AuthContext): ProjectRow[] {
    return this.lookups.allProjects().filter((p) => p.enabled && this.hasRoles(ctx.userId, { projectId: p.id }));
  }

  /** Domains the token's user has a role on (`GET /v3/auth/domains`). */
  domainsFor(ctx: AuthContext): DomainRow[] {
    return this.lookups.allDomains().filter((d) => d.enabled && this.hasRoles(ctx.userId, { domainId: d.id }));
  }

  /** Whether the token's user has a role on the system (`GET /v3/auth/system`). */
  systemFor(ctx: AuthContext): boolean {
    return this.hasRoles(ctx.userId, { system: true });
  }

  private hasRoles(userId: string, scope: { projectId: string } | { domainId: string } | { system: true }): boolean {
    return this.roles.effectiveRoles(userId, scope).length > 0;
  }

  /**
   * The `token` method's token: Keystone's token plugin validates it with the provider, whose
   * TokenNotFound makes a revoked or expired (well-formed) token 404. A token that does not even
   * decode stays 401.
   */
  private async validateParent(id: string): Promise<TokenInfo> {
    try {
      return await this.tokens.validate(id);
    } catch (e) {
      const reason = e instanceof CoreError && e.kind === 'Unauthenticated' ? String(e.detail.reason ?? '') : '';
      if (reason.startsWith('token-')) throw errors.notFound('token', '', 'Could not find token.');
      throw e;
    }
  }

  /** Keystone refuses to mint a new token from delegated or system tokens into a narrower scope. */
  private checkRescope(parent: TokenInfo, scope: ScopeRequest | undefined): void {
    if (parent.payload.trustId) throw forbiddenAction('Rescoping a trust-scoped token is not allowed');
    if (parent.payload.appCredId) {
      throw forbiddenAction('Using a token obtained with an application credential to create another token is not allowed');
    }
    if (parent.payload.methods.includes('ec2credential')) {
      throw forbiddenAction('Using a token obtained with an EC2 credential to create another token is not allowed');
    }
    if (parent.system && (scope?.project || scope?.domain)) {
      throw forbiddenAction('Using a system-scoped token to create a project-scoped or domain-scoped token is not allowed.');
    }
  }

  private resolveScope(userId: string, s: ScopeRequest | undefined, defaultProjectId: string | null): TokenScope {
    if (!s || (!s.project && !s.domain && !s.system && !s.unscoped)) {
      if (defaultProjectId && !s?.unscoped) {
        const p = this.lookups.project(defaultProjectId);
        if (p && p.enabled && this.hasRoles(userId, { projectId: p.id })) return { kind: 'project', id: p.id };
      }
      return { kind: 'unscoped' };
    }
    const count = [s.project, s.domain, s.system].filter(Boolean).length;
    if (count > 1 || (s.unscoped && count > 0)) throw expecting('project, domain, OS-TRUST:trust or unscoped', 'scope');
    if (s.unscoped) return { kind: 'unscoped' };
    if (s.system) return { kind: 'system' };
    if (s.domain) return { kind: 'domain', id: this.findDomain(s.domain).id };
    const ref = s.project!;
    if (ref.id) {
      const p = this.lookups.project(ref.id);
      if (!p) throw unauth('project-not-found');
      return { kind: 'project', id: p.id };
    }
    if (!ref.name) throw expecting('id or name', 'project');
    if (!ref.domain || (!ref.domain.id && !ref.domain.name)) throw expecting('domain', 'project');
    const d = this.findDomain(ref.domain);
    const p = this.lookups.projectByName(ref.name, d.id);
    if (!p) throw unauth('project-not-found');
    return { kind: 'project', id: p.id };
  }

  private findDomain(ref: { id?: string; name?: string }): DomainRow {
    if (!ref.id && !ref.name) throw expecting('id or name', 'domain');
    const d = ref.id ? this.lookups.domain(ref.id) : this.lookups.domainByName(ref.name!);
    if (!d) throw unauth('domain-not-found');
    if (!d.enabled) throw unauth('domain-disabled');
    return d;
  }

  /**
   * `GET/HEAD /v3/auth/tokens`: the subject token, if the caller may see it (admin, system reader,
   * service, or the token's own user). An invalid subject is NotFound, as in Keystone (without echoing
   * the token, so it does not end up in client logs).
   */
  async validateSubject(ctx: RequestContext, id: string, opts: { allowExpired?: boolean } = {}): Promise<TokenInfo> {
    if (!ctx.auth) throw errors.unauthenticated();
    let info: TokenInfo;
    try {
      info = await this.tokens.validate(id, opts);
    } catch (e) {
      if (e instanceof CoreError && e.kind === 'Unauthenticated') throw errors.notFound('token', '', 'Could not find token.');
      throw e;
    }
    authorize(ctx, 'identity:validate_token', { userId: info.user.id });
    return info;
  }

  /** `DELETE /v3/auth/tokens`: revokes the subject token (and every token rescoped from it). */
  async revokeSubject(ctx: RequestContext, id: string): Promise<void> {
    const info = await this.validateSubject(ctx, id);
    authorize(ctx, 'identity:revoke_token', { userId: info.user.id });
    await this.tokens.revoke(id);
  }
}
