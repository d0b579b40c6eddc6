// Renders a resolved token as Keystone's token body (JSON text, reused while the token's resolution is), and timestamps in Keystone's form.
import type { CatalogEntry, ServiceCatalog } from '../../../core/identity/catalog.js';
import type { TokenInfo } from '../../../core/identity/index.js';

/** Keystone's timestamp form, `2026-11-25T19:27:08.123000Z` (microsecond digits). */
export function keystoneTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** The `token` object of POST/GET /v3/auth/tokens; `catalog` omitted when undefined (`nocatalog`, unscoped). */
export function renderToken(info: TokenInfo, catalog: CatalogEntry[] | undefined): Record<string, unknown> {
  const t: Record<string, unknown> = {
    methods: info.payload.methods,
    user: {
      domain: info.user.domain,
      id: info.user.id,
      name: info.user.name,
      password_expires_at: info.user.passwordExpiresAt === null ? null : keystoneTime(info.user.passwordExpiresAt),
    },
    audit_ids: info.payload.auditIds,
    expires_at: keystoneTime(info.payload.expiresAt),
    issued_at: keystoneTime(info.payload.issuedAt),
  };
  if (info.project) {
    t.project = { domain: info.project.domain, id: info.project.id, name: info.project.name };
    t.is_domain = false;
  } else if (info.domain) {
    t.domain = info.domain;
  } else if (info.system) {
    t.system = { all: true };
  }
  if (info.project || info.domain || info.system) t.roles = info.roles.map((r) => ({ id: r.id, name: r.name }));
  if (info.trust) {
    t['OS-TRUST:trust'] = { id: info.trust.id, impersonation: info.trust.impersonation, trustee_user: { id: info.trust.trusteeUserId }, trustor_user: { id: info.trust.trustorUserId } };
  }
  if (info.appCred) t.application_credential = { id: info.appCred.id, name: info.appCred.name, restricted: info.appCred.restricted };
  if (catalog) t.catalog = catalog;
  return t;
}

/** Catalogs kept as JSON text at most; one per project that validated a token, so this bounds a pathological spread. */
const MAX_CATALOGS = 10_000;

/**
 * The JSON text of `{"token": …}`, built once per resolved token and once per scope's catalog.
 *
 * Validation is the hot path and its body is mostly the catalog and the resolved names, so the text is
 * kept beside the `TokenInfo` it came from (a WeakMap on that object). The token service hands out a new
 * `TokenInfo` whenever it resolves the token again: after any revocation event (user or project
 * disabled, role removed, token revoked: every one empties its cache) and at least once a minute (new
 * grants, renames). So reusing the text can never outlive what it shows, and the revocation check itself
 * still runs on every validation before this is reached.
 */
export class TokenBodyRenderer {
  /** The body without its catalog and without the closing `}}`, per resolved token. */
  private readonly heads = new WeakMap<TokenInfo, string>();
  /** `,"catalog":[…]` per project id (`''` for domain and system scope). */
  private readonly catalogs = new Map<string, string>();
  private catalogVersion: number;

  constructor(private readonly catalog: ServiceCatalog) {
    this.catalogVersion = catalog.version;
  }

  /** `{"token":{…}}` for `info`; with its scope's catalog unless `nocatalog` (unscoped tokens never have one). */
  render(info: TokenInfo, nocatalog: boolean): string {
    let head = this.heads.get(info);
    if (head === undefined) {
      const text = JSON.stringify({ token: renderToken(info, undefined) });
      head = text.slice(0, -2);
      this.heads.set(info, head);
    }
    const scoped = info.project || info.domain || info.system;
    if (nocatalog || !scoped) return `${head}}}`;
    return `${head}${this.catalogFor(info.project?.id ?? '')}}}`;
  }

  private catalogFor(projectId: string): string {
    if (this.catalog.version !== this.catalogVersion) {
      this.catalogs.clear();
      this.catalogVersion = this.catalog.version;
    }
    let text = this.catalogs.get(projectId);
    if (text === undefined) {
      text = `,"catalog":${JSON.stringify(this.catalog.forProject(projectId || undefined))}`;
      if (this.catalogs.size >= MAX_CATALOGS) this.catalogs.clear();
      this.catalogs.set(projectId, text);
    }
    return text;
  }
}
