// Keystone /v3/users, self-service password change, and a user's projects and groups.
import type { Hono } from 'hono';
import { z } from 'zod';
import { MAX_PASSWORD_LENGTH } from '../../../core/identity/users.js';
import { requireAuth, type OpenStackEnv } from '../common/index.js';
import type { KeystoneDeps } from './app.js';
import { boolFilter, ctxOf, extraOf, listLinks, parseMember } from './resource-helpers.js';
import { KeystoneViews } from './views.js';

const KNOWN = ['name', 'domain_id', 'password', 'enabled', 'email', 'description', 'default_project_id', 'options', 'id', 'links', 'password_expires_at'];
const password = z.string().max(MAX_PASSWORD_LENGTH);
const options = z.record(z.string(), z.union([z.boolean(), z.null(), z.array(z.unknown())]));

const createSchema = z.looseObject({
  name: z.string().min(1).max(255),
  domain_id: z.string().min(1).max(64).nullish(),
  password: password.nullish(),
  enabled: z.boolean().optional(),
  email: z.string().nullish(),
  description: z.string().nullish(),
  default_project_id: z.string().nullish(),
  options: options.optional(),
});

const updateSchema = z.looseObject({
  name: z.string().min(1).max(255).optional(),
  password: password.nullish(),
  enabled: z.boolean().optional(),
  email: z.string().nullish(),
  description: z.string().nullish(),
  default_project_id: z.string().nullish(),
  options: options.optional(),
});

const passwordChangeSchema = z.object({ password, original_password: password });

/** Registers user CRUD, `POST /v3/users/{id}/password`, `/v3/users/{id}/projects` and `/v3/users/{id}/groups`. */
export function registerUsersRoutes(app: Hono<OpenStackEnv>, deps: KeystoneDeps): void {
  const { identity, identityUrl } = deps;
  const { users, assignments, groups } = identity.services;
  const views = new KeystoneViews(identityUrl);
  const auth = requireAuth(identity.tokens);

  app.get('/v3/users', auth, function listUsers(c) {
    const rows = users.list(ctxOf(c), { name: c.req.query('name'), domainId: c.req.query('domain_id'), enabled: boolFilter(c, 'enabled') });
    return c.json({ users: rows.map((u) => views.user(u)), links: listLinks(c, identityUrl) });
  });

  app.post('/v3/users', auth, async function createUser(c) {
    const b = await parseMember(c, deps.jsonBodyLimit, 'user', createSchema);
    const row = await users.create(ctxOf(c), {
      name: b.name,
      domainId: b.domain_id ?? undefined,
      password: b.password,
      enabled: b.enabled,
      email: b.email,
      description: b.description,
      defaultProjectId: b.default_project_id,
      options: b.options,
      extra: extraOf(b, KNOWN),
    });
    return c.json({ user: views.user(row) }, 201);
  });

  app.get('/v3/users/:user_id', auth, function showUser(c) {
    return c.json({ user: views.user(users.get(ctxOf(c), c.req.param('user_id'))) });
  });

  app.patch('/v3/users/:user_id', auth, async function updateUser(c) {
    const b = await parseMember(c, deps.jsonBodyLimit, 'user', updateSchema);
    const extra = extraOf(b, KNOWN);
    const row = await users.update(ctxOf(c), c.req.param('user_id'), {
      name: b.name,
      password: b.password,
      enabled: b.enabled,
      email: b.email,
      description: b.description,
      defaultProjectId: b.default_project_id,
      options: b.options,
      extra: Object.keys(extra).length ? extra : undefined,
    });
    return c.json({ user: views.user(row) });
  });

  app.delete('/v3/users/:user_id', auth, function deleteUser(c) {
    users.delete(ctxOf(c), c.req.param('user_id'));
    return c.body(null, 204);
  });

  // No token needed, as in Keystone: the original password authenticates (so an expired password can be changed).
  app.post('/v3/users/:user_id/password', async function changeUserPassword(c) {
    const b = await parseMember(c, deps.jsonBodyLimit, 'user', passwordChangeSchema);
    await users.changePassword(c.req.param('user_id'), b.original_password, b.password);
    return c.body(null, 204);
  });

  app.get('/v3/users/:user_id/projects', auth, function listUserProjects(c) {
    const rows = assignments.listProjectsForUser(ctxOf(c), c.req.param('user_id'));
    return c.json({ projects: rows.map((p) => views.project(p)), links: listLinks(c, identityUrl) });
  });

  app.get('/v3/users/:user_id/groups', auth, function listUserGroups(c) {
    const rows = groups.listForUser(ctxOf(c), c.req.param('user_id'));
    return c.json({ groups: rows.map((g) => views.group(g)), links: listLinks(c, identityUrl) });
  });
}
