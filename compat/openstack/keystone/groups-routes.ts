// Keystone /v3/groups and group membership.
import type { Hono } from 'hono';
import { z } from 'zod';
import { requireAuth, type OpenStackEnv } from '../common/index.js';
import type { KeystoneDeps } from './app.js';
import { ctxOf, listLinks, parseMember } from './resource-helpers.js';
import { KeystoneViews } from './views.js';

const createSchema = z.object({
  name: z.string().min(1).max(64),
  domain_id: z.string().min(1).max(64).nullish(),
  description: z.string().nullish(),
});

const updateSchema = z.object({ name: z.string().min(1).max(64).optional(), description: z.string().nullish() });

/** Registers group CRUD and membership. */
export function registerGroupsRoutes(app: Hono<OpenStackEnv>, deps: KeystoneDeps): void {
  const { identity, identityUrl } = deps;
  const groups = identity.services.groups;
  const views = new KeystoneViews(identityUrl);
  const auth = requireAuth(identity.tokens);

  app.get('/v3/groups', auth, function listGroups(c) {
    const rows = groups.list(ctxOf(c), { name: c.req.query('name'), domainId: c.req.query('domain_id') });
    return c.json({ groups: rows.map((g) => views.group(g)), links: listLinks(c, identityUrl) });
  });

  app.post('/v3/groups', auth, async function createGroup(c) {
    const b = await parseMember(c, deps.jsonBodyLimit, 'group', createSchema);
    const row = groups.create(ctxOf(c), { name: b.name, domainId: b.domain_id ?? undefined, description: b.description ?? undefined });
    return c.json({ group: views.group(row) }, 201);
  });

  app.get('/v3/groups/:group_id', auth, function showGroup(c) {
    return c.json({ group: views.group(groups.get(ctxOf(c), c.req.param('group_id'))) });
  });

  app.patch('/v3/groups/:group_id', auth, async function updateGroup(c) {
    const b = await parseMember(c, deps.jsonBodyLimit, 'group', updateSchema);
    const row = groups.update(ctxOf(c), c.req.param('group_id'), { name: b.name, description: b.description ?? undefined });
    return c.json({ group: views.group(row) });
  });

  app.delete('/v3/groups/:group_id', auth, function deleteGroup(c) {
    groups.delete(ctxOf(c), c.req.param('group_id'));
    return c.body(null, 204);
  });

  app.get('/v3/groups/:group_id/users', auth, function listGroupUsers(c) {
    const rows = groups.listUsers(ctxOf(c), c.req.param('group_id'));
    return c.json({ users: rows.map((u) => views.user(u)), links: listLinks(c, identityUrl) });
  });

  app.put('/v3/groups/:group_id/users/:user_id', auth, function addUserToGroup(c) {
    groups.addUser(ctxOf(c), c.req.param('group_id'), c.req.param('user_id'));
    return c.body(null, 204);
  });

  // HEAD is answered by this GET route.
  app.get('/v3/groups/:group_id/users/:user_id', auth, function checkUserInGroup(c) {
    groups.checkUser(ctxOf(c), c.req.param('group_id'), c.req.param('user_id'));
    return c.body(null, 204);
  });

  app.delete('/v3/groups/:group_id/users/:user_id', auth, function removeUserFromGroup(c) {
    groups.removeUser(ctxOf(c), c.req.param('group_id'), c.req.param('user_id'));
    return c.body(null, 204);
  });
}
