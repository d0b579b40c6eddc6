// Keystone /v3/users/{id}/application_credentials.
import type { Hono } from 'hono';
import { z } from 'zod';
import { requireAuth, type OpenStackEnv } from '../common/index.js';
import type { KeystoneDeps } from './app.js';
import { ctxOf, listLinks, parseMember, parseTimeMicros } from './resource-helpers.js';
import { KeystoneViews } from './views.js';

const roleRef = z.object({
  id: z.string().optional(),
  name: z.string().optional(),
  domain_id: z.string().nullish(),
});

const createSchema = z.object({
  name: z.string().min(1).max(255),
  description: z.string().max(255).nullish(),
  secret: z.string().min(1).max(4096).nullish(),
  expires_at: z.string().nullish(),
  roles: z.array(roleRef).optional(),
  unrestricted: z.boolean().optional(),
  access_rules: z.array(z.record(z.string(), z.unknown())).optional(),
});

/** Registers application credential create/list/show/delete. */
export function registerApplicationCredentialsRoutes(app: Hono<OpenStackEnv>, deps: KeystoneDeps): void {
  const { identity, identityUrl } = deps;
  const appCreds = identity.services.applicationCredentials;
  const views = new KeystoneViews(identityUrl);
  const auth = requireAuth(identity.tokens);
  const base = '/v3/users/:user_id/application_credentials';

  app.get(base, auth, function listApplicationCredentials(c) {
    const rows = appCreds.list(ctxOf(c), c.req.param('user_id'), { name: c.req.query('name') });
    return c.json({ application_credentials: rows.map((r) => views.applicationCredential(r, appCreds.rolesOf(r))), links: listLinks(c, identityUrl) });
  });

  app.post(base, auth, async function createApplicationCredential(c) {
    const b = await parseMember(c, deps.jsonBodyLimit, 'application_credential', createSchema);
    const { row, secret } = await appCreds.create(ctxOf(c), c.req.param('user_id'), {
      name: b.name,
      description: b.description ?? null,
      secret: b.secret ?? null,
      expiresAtMicros: parseTimeMicros(b.expires_at, 'expires_at'),
      roles: b.roles?.map((r) => ({ id: r.id, name: r.name, domainId: r.domain_id ?? null })),
      unrestricted: b.unrestricted,
      accessRules: b.access_rules,
    });
    return c.json({ application_credential: views.applicationCredential(row, appCreds.rolesOf(row), secret) }, 201);
  });

  app.get(`${base}/:application_credential_id`, auth, function showApplicationCredential(c) {
    const row = appCreds.get(ctxOf(c), c.req.param('user_id'), c.req.param('application_credential_id'));
    return c.json({ application_credential: views.applicationCredential(row, appCreds.rolesOf(row)) });
  });

  app.delete(`${base}/:application_credential_id`, auth, function deleteApplicationCredential(c) {
    appCreds.delete(ctxOf(c), c.req.param('user_id'), c.req.param('application_credential_id'));
    return c.body(null, 204);
  });
}
