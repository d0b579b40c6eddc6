// Keystone /v3/credentials (EC2 credentials show here too, with id = sha256(access)).
import type { Hono } from 'hono';
import { z } from 'zod';
import { requireAuth, type OpenStackEnv } from '../common/index.js';
import type { KeystoneDeps } from './app.js';
import { ctxOf, listLinks, parseMember } from './resource-helpers.js';
import { KeystoneViews } from './views.js';

const createSchema = z.object({
  blob: z.string().min(1).max(65535),
  type: z.string().min(1).max(255),
  user_id: z.string().min(1).max(64),
  project_id: z.string().min(1).max(64).nullish(),
});

const updateSchema = z.object({
  blob: z.string().min(1).max(65535).optional(),
  type: z.string().min(1).max(255).optional(),
  user_id: z.string().min(1).max(64).optional(),
  project_id: z.string().min(1).max(64).nullish(),
});

/** Registers credential CRUD. */
export function registerCredentialsRoutes(app: Hono<OpenStackEnv>, deps: KeystoneDeps): void {
  const { identity, identityUrl } = deps;
  const creds = identity.services.credentials;
  const views = new KeystoneViews(identityUrl);
  const auth = requireAuth(identity.tokens);

  app.get('/v3/credentials', auth, function listCredentials(c) {
    const rows = creds.list(ctxOf(c), { userId: c.req.query('user_id'), type: c.req.query('type') });
    return c.json({ credentials: rows.map((r) => views.credential(r)), links: listLinks(c, identityUrl) });
  });

  app.post('/v3/credentials', auth, async function createCredential(c) {
    const b = await parseMember(c, deps.jsonBodyLimit, 'credential', createSchema);
    const row = await creds.create(ctxOf(c), { type: b.type, userId: b.user_id, projectId: b.project_id ?? null, blob: b.blob });
    return c.json({ credential: views.credential(row) }, 201);
  });

  app.get('/v3/credentials/:credential_id', auth, function showCredential(c) {
    return c.json({ credential: views.credential(creds.get(ctxOf(c), c.req.param('credential_id'))) });
  });

  app.patch('/v3/credentials/:credential_id', auth, async function updateCredential(c) {
    const b = await parseMember(c, deps.jsonBodyLimit, 'credential', updateSchema);
    const row = creds.update(ctxOf(c), c.req.param('credential_id'), { type: b.type, userId: b.user_id, projectId: b.project_id, blob: b.blob });
    identity.invalidateEc2();
    return c.json({ credential: views.credential(row) });
  });

  app.delete('/v3/credentials/:credential_id', auth, function deleteCredential(c) {
    creds.delete(ctxOf(c), c.req.param('credential_id'));
    identity.invalidateEc2();
    return c.body(null, 204);
  });
}
