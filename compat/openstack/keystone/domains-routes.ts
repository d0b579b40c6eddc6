// Keystone /v3/domains.
import type { Hono } from 'hono';
import { z } from 'zod';
import { requireAuth, type OpenStackEnv } from '../common/index.js';
import type { KeystoneDeps } from './app.js';
import { boolFilter, ctxOf, extraOf, listLinks, parseMember } from './resource-helpers.js';
import { KeystoneViews } from './views.js';

const KNOWN = ['name', 'description', 'enabled', 'explicit_domain_id', 'id', 'links', 'tags', 'options'];

const createSchema = z.looseObject({
  name: z.string().min(1).max(64),
  description: z.string().nullish(),
  enabled: z.boolean().optional(),
  explicit_domain_id: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/).optional(),
});

const updateSchema = z.looseObject({
  name: z.string().min(1).max(64).optional(),
  description: z.string().nullish(),
  enabled: z.boolean().optional(),
});

/** Registers domain CRUD. */
export function registerDomainsRoutes(app: Hono<OpenStackEnv>, deps: KeystoneDeps): void {
  const { identity, identityUrl } = deps;
  const domains = identity.services.domains;
  const views = new KeystoneViews(identityUrl);
  const auth = requireAuth(identity.tokens);

  app.get('/v3/domains', auth, function listDomains(c) {
    const rows = domains.list(ctxOf(c), { name: c.req.query('name'), enabled: boolFilter(c, 'enabled') });
    return c.json({ domains: rows.map((d) => views.domain(d)), links: listLinks(c, identityUrl) });
  });

  app.post('/v3/domains', auth, async function createDomain(c) {
    const b = await parseMember(c, deps.jsonBodyLimit, 'domain', createSchema);
    const row = domains.create(ctxOf(c), {
      name: b.name,
      description: b.description ?? undefined,
      enabled: b.enabled,
      id: b.explicit_domain_id,
      extra: extraOf(b, KNOWN),
    });
    return c.json({ domain: views.domain(row) }, 201);
  });

  app.get('/v3/domains/:domain_id', auth, function showDomain(c) {
    return c.json({ domain: views.domain(domains.get(ctxOf(c), c.req.param('domain_id'))) });
  });

  app.patch('/v3/domains/:domain_id', auth, async function updateDomain(c) {
    const b = await parseMember(c, deps.jsonBodyLimit, 'domain', updateSchema);
    const extra = extraOf(b, KNOWN);
    const row = domains.update(ctxOf(c), c.req.param('domain_id'), {
      name: b.name,
      description: b.description ?? undefined,
      enabled: b.enabled,
      extra: Object.keys(extra).length ? extra : undefined,
    });
    return c.json({ domain: views.domain(row) });
  });

  app.delete('/v3/domains/:domain_id', auth, function deleteDomain(c) {
    domains.delete(ctxOf(c), c.req.param('domain_id'));
    return c.body(null, 204);
  });
}
