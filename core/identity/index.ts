// The identity facade: builds every identity service from its deps and exposes them to the API families.
import { ApplicationCredentialsService } from './application-credentials.js';
import { AssignmentsService } from './assignments.js';
import { AuthService } from './auth-service.js';
import { bootstrapIdentity, type BootstrapOptions, type BootstrapResult } from './bootstrap.js';
import { ServiceCatalog } from './catalog.js';
import { CatalogReads } from './catalog-reads.js';
import { CatalogAdmin } from './catalog-admin.js';
import { CredentialsService } from './credentials.js';
import { DomainsService } from './domains.js';
import { GroupsService } from './groups.js';
import { ProjectsService } from './projects.js';
import { RolesService } from './roles.js';
import { Ec2Authenticator, type Ec2Identity } from './ec2-auth.js';
import { CacheGenerations } from './generations.js';
import { IdentityLookups } from './lookups.js';
import type { IdentityDeps } from './ports.js';
import { RevocationList } from './revocation.js';
import { TokenCodec } from './tokens/format.js';
import { ALLOW_EXPIRED_WINDOW_MS, TOKEN_CACHE_LIMITS, TokenService } from './tokens/token-service.js';
import { UsersService } from './users.js';

/**
 * The resource services (users, projects, roles…), each constructed as `new XService(deps, revoker)`.
 * Add a service here and in `createIdentity` below.
 */
export interface IdentityServices {
  users: UsersService;
  assignments: AssignmentsService;
  applicationCredentials: ApplicationCredentialsService;
  credentials: CredentialsService;
  domains: DomainsService;
  projects: ProjectsService;
  groups: GroupsService;
  roles: RolesService;
}

/** Everything identity offers the API families and the composition root. */
export interface Identity {
  services: IdentityServices;
  /** Issue/validate/revoke tokens; `tokens.validate` is the hot path of every OpenStack request. */
  tokens: TokenService;
  /** POST /v3/auth/tokens semantics and the /v3/auth/* listings. */
  auth: AuthService;
  /** Served services; families register theirs at composition time. */
  catalog: ServiceCatalog;
  /** Policy-checked reads of the catalog (/v3/services, /v3/endpoints, /v3/regions). */
  catalogReads: CatalogReads;
  /** Admin writes of added regions, services, endpoints and endpoint groups. */
  catalogAdmin: CatalogAdmin;
  /** Revocation events: every service that disables, deletes or ungrants calls `revocations.revoke`. */
  revocations: RevocationList;
  lookups: IdentityLookups;
  /** EC2/S3 access key → secret and request context; undefined when unknown or not usable. */
  authenticateEc2(accessKey: string): Ec2Identity | undefined;
  /** Forget a cached access key (call when an EC2 credential is deleted). */
  invalidateEc2(accessKey?: string): void;
  /** `keystone-manage bootstrap`; idempotent. */
  bootstrap(opts: BootstrapOptions): Promise<BootstrapResult>;
  /** Loads revocation events; call once before serving. */
  start(): void;
}

/** Builds the identity services from `deps`; no module-level state, so each system gets its own. */
export function createIdentity(deps: IdentityDeps): Identity {
  const generations = new CacheGenerations(deps.db);
  const revocations = new RevocationList(deps.db, deps.clock, deps.tokenTtlSeconds * 1000 + ALLOW_EXPIRED_WINDOW_MS, generations);
  const lookups = new IdentityLookups(deps.db);
  const services: IdentityServices = {
    users: new UsersService(deps, revocations),
    assignments: new AssignmentsService(deps, revocations),
    applicationCredentials: new ApplicationCredentialsService(deps, revocations),
    credentials: new CredentialsService(deps, generations),
    domains: new DomainsService(deps, revocations),
    projects: new ProjectsService(deps, revocations),
    groups: new GroupsService(deps, revocations),
    roles: new RolesService(deps, revocations),
  };
  const roles = services.assignments;
  const tokens = new TokenService(new TokenCodec(deps.keyRing), revocations, lookups, roles, deps.clock, deps.tokenTtlSeconds, {
    ...TOKEN_CACHE_LIMITS,
    maxBytes: deps.tokenCacheBytes ?? TOKEN_CACHE_LIMITS.maxBytes,
  });
  const auth = new AuthService(tokens, lookups, roles, services.users, services.applicationCredentials);
  const catalog = new ServiceCatalog(deps.publicUrl, deps.region);
  const catalogAdmin = new CatalogAdmin(deps.db, catalog, () => deps.clock.now());
  catalog.attachAdded(catalogAdmin);
  const ec2 = new Ec2Authenticator(services.credentials, lookups, roles, deps.clock, revocations);
  return {
    services,
    tokens,
    auth,
    catalog,
    catalogReads: new CatalogReads(catalog),
    catalogAdmin,
    revocations,
    lookups,
    authenticateEc2: (accessKey) => ec2.authenticate(accessKey),
    invalidateEc2: (accessKey) => ec2.invalidate(accessKey),
    bootstrap: (opts) => bootstrapIdentity(deps.db, deps.hasher, deps.clock.now(), opts),
    start: () => revocations.load(),
  };
}

export type { Ec2Identity } from './ec2-auth.js';
export type { BootstrapResult, BootstrapAccount } from './bootstrap.js';
export type { TokenInfo } from './tokens/token-service.js';
export type { AuthRequest, ScopeRequest } from './auth-service.js';
