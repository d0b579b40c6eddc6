// Renders a resolved token as Keystone's token body, and timestamps in Keystone's form.
import type { CatalogEntry } from '../../../core/identity/catalog.js';
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
  if (info.appCred) t.application_credential = { id: info.appCred.id, name: info.appCred.name, restricted: info.appCred.restricted };
  if (catalog) t.catalog = catalog;
  return t;
}
