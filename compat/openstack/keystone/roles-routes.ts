// Keystone /v3/roles, role inference rules (/v3/roles/{prior}/implies/...) and /v3/role_inferences.
import type { Hono } from 'hono';
import { z } from 'zod';
import { requireAuth, type OpenStackEnv } from '../common/index.js';
import type { KeystoneDeps } from './app.js';
import { ctxOf, listLinks, parseMember } from './resource-helpers.js';
import { KeystoneViews } from './views.js';

const createSchema = z.object({
  name: z.string().min(1).max(255),
  domain_id: z.string().min(1).max(64).nullish(),
  description: z.string().max(255).nullish(),
  options: z.record(z.string(), z.unknown()).optional(),
});

const updateSchema = z.object({
  name: z.string().min(1).max(255).optional(),
  description: z.string().max(255).nullish(),
  options: z.record(z.string(), z.unknown()).optional(),
});

/** Registers role CRUD and role inference reads and writes. */
export function registerRolesRoutes(app: Hono<OpenStackEnv>, deps: KeystoneDeps): void {
  const { identity, identityUrl } = deps;
  const roles = identity.services.roles;
  const views = new KeystoneViews(identityUrl);
  const auth = requireAuth(identity.tokens);
  const ruleLink = (prior: string, implied: string) => ({ self: `${identityUrl}/v3/roles/${prior}/implies/${implied}` });

  app.get('/v3/roles', auth, function listRoles(c) {
    const rows = roles.list(ctxOf(c), { name: c.req.query('name'), domainId: c.req.query('domain_id') });
    return c.json({ roles: rows.map((r) => views.role(r)), links: listLinks(c, identityUrl) });
  });

  app.post('/v3/roles', auth, async function createRole(c) {
    const b = await parseMember(c, deps.jsonBodyLimit, 'role', createSchema);
    const row = roles.create(ctxOf(c), { name: b.name, domainId: b.domain_id ?? null, description: b.description ?? null });
    return c.json({ role: views.role(row) }, 201);
  });

  app.get('/v3/roles/:role_id', auth, function showRole(c) {
    return c.json({ role: views.role(roles.get(ctxOf(c), c.req.param('role_id'))) });
  });

  app.patch('/v3/roles/:role_id', auth, async function updateRole(c) {
    const b = await parseMember(c, deps.jsonBodyLimit, 'role', updateSchema);
    return c.json({ role: views.role(roles.update(ctxOf(c), c.req.param('role_id'), { name: b.name, description: b.description })) });
  });

  app.delete('/v3/roles/:role_id', auth, function deleteRole(c) {
    roles.delete(ctxOf(c), c.req.param('role_id'));
    return c.body(null, 204);
  });

  app.get('/v3/roles/:prior_role_id/implies', auth, function listImpliedRoles(c) {
    const { prior, implies } = roles.listImplied(ctxOf(c), c.req.param('prior_role_id'));
    return c.json({
      role_inference: { prior_role: views.roleRef(prior), implies: implies.map((r) => views.roleRef(r)) },
      links: { self: `${identityUrl}/v3/roles/${prior.id}/implies` },
    });
  });

  app.put('/v3/roles/:prior_role_id/implies/:implied_role_id', auth, function createRoleInferenceRule(c) {
    const { prior, implied } = roles.createImplied(ctxOf(c), c.req.param('prior_role_id'), c.req.param('implied_role_id'));
    return c.json({ role_inference: { prior_role: views.roleRef(prior), implies: views.roleRef(implied) }, links: ruleLink(prior.id, implied.id) }, 201);
  });

  // HEAD (checkRoleInferenceRule) is answered by this GET route without a body; Keystone answers it 204.
  app.get('/v3/roles/:prior_role_id/implies/:implied_role_id', auth, function getRoleInferenceRule(c) {
    const { prior, implied } = roles.getImplied(ctxOf(c), c.req.param('prior_role_id'), c.req.param('implied_role_id'));
    if (c.req.method === 'HEAD') return c.body(null, 204);
    return c.json({ role_inference: { prior_role: views.roleRef(prior), implies: views.roleRef(implied) }, links: ruleLink(prior.id, implied.id) });
  });

  app.delete('/v3/roles/:prior_role_id/implies/:implied_role_id', auth, function deleteRoleInferenceRule(c) {
    roles.deleteImplied(ctxOf(c), c.req.param('prior_role_id'), c.req.param('implied_role_id'));
    return c.body(null, 204);
  });

  app.get('/v3/role_inferences', auth, function listRoleInferenceRules(c) {
    const rules = roles.listInferences(ctxOf(c));
    return c.json({
      role_inferences: rules.map(({ prior, implies }) => ({ prior_role: views.roleRef(prior), implies: implies.map((r) => views.roleRef(r)) })),
      links: { self: `${identityUrl}/v3/role_inferences` },
    });
  });
}
