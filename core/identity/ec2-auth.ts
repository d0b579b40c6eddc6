// The EC2/S3 access-key lookup signature verifiers call: the secret plus the request context, cached in memory.
import type { AuthContext } from '../context.js';
import type { IdentityLookups } from './lookups.js';
import type { Clock } from './ports.js';
import type { RevocationList } from './revocation.js';
import type { RoleResolver } from './tokens/token-service.js';

/** Finds an EC2 credential by access key (A2's CredentialsService.findEc2). */
export interface Ec2Finder {
  findEc2(accessKey: string): { userId: string; projectId: string; secret: string } | undefined;
}

/** What a SigV4 verifier gets for a known, usable access key. */
export interface Ec2Identity {
  secret: string;
  context: AuthContext;
}

/** Cache entries are re-checked against the database after this, so new grants show up without an event. */
const CACHE_TTL_MS = 30_000;
const CACHE_MAX = 10_000;

/**
 * Derived AWS keys inherit the owner's state on every request (OSSA-2013-005, OSSA-2012-018): the
 * user, its domain and the credential's project must be enabled and the user must hold a role on the
 * project. Results are cached; any revocation event (user disabled, password changed, role removed,
 * project disabled) clears the cache. Every hit re-asks the finder (whose own cache the credential
 * service invalidates on delete), so a deleted credential stops working at once.
 */
export class Ec2Authenticator {
  private readonly cache = new Map<string, { value: Ec2Identity | undefined; at: number }>();

  constructor(
    private readonly finder: Ec2Finder,
    private readonly lookups: IdentityLookups,
    private readonly roles: RoleResolver,
    private readonly clock: Clock,
    revocations: RevocationList,
  ) {
    revocations.onStale(() => this.cache.clear());
  }

  /** The secret and context for `accessKey`, or undefined when unknown or not usable. */
  authenticate(accessKey: string): Ec2Identity | undefined {
    const now = this.clock.now();
    const hit = this.cache.get(accessKey);
    if (hit && now - hit.at < CACHE_TTL_MS) {
      const cred = this.finder.findEc2(accessKey);
      if (!hit.value && !cred) return undefined;
      if (hit.value && cred && cred.secret === hit.value.secret && cred.projectId === hit.value.context.projectId) return hit.value;
    }
    const value = this.resolve(accessKey, now);
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    this.cache.set(accessKey, { value, at: now });
    return value;
  }

  /** Drops the cached entry for `accessKey` (or all), e.g. when a credential is deleted. */
  invalidate(accessKey?: string): void {
    if (accessKey === undefined) this.cache.clear();
    else this.cache.delete(accessKey);
  }

  private resolve(accessKey: string, now: number): Ec2Identity | undefined {
    const cred = this.finder.findEc2(accessKey);
    if (!cred) return undefined;
    const user = this.lookups.user(cred.userId);
    if (!user || !user.enabled) return undefined;
    const ud = this.lookups.domain(user.domainId);
    const project = this.lookups.project(cred.projectId);
    if (!ud?.enabled || !project?.enabled) return undefined;
    const pd = project.domainId === ud.id ? ud : this.lookups.domain(project.domainId);
    if (!pd?.enabled) return undefined;
    const roles = this.roles.effectiveRoles(user.id, { projectId: project.id });
    if (roles.length === 0) return undefined;
    return {
      secret: cred.secret,
      context: {
        userId: user.id,
        userName: user.name,
        userDomainId: ud.id,
        userDomainName: ud.name,
        projectId: project.id,
        projectName: project.name,
        projectDomainId: pd.id,
        projectDomainName: pd.name,
        roles: roles.map((r) => r.name),
        roleIds: roles.map((r) => r.id),
        methods: ['ec2credential'],
        issuedAt: now,
        expiresAt: now + CACHE_TTL_MS,
      },
    };
  }
}
