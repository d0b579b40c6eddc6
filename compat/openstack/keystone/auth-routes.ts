// Keystone /v3/auth/*: issue, validate, check and revoke tokens; the caller's catalog, projects, domains and system.
import type { Context, Hono } from 'hono';
import { errors } from '../../../core/errors.js';
import type { Identity, TokenInfo } from '../../../core/identity/index.js';
import { plainResponse, queryFlag, readJsonObject, requireAuth, type OpenStackEnv } from '../common/index.js';
import { parseAuthRequest } from './auth-request.js';
import { TokenBodyRenderer } from './token-view.js';

/** What the auth routes need. */
export interface AuthRoutesDeps {
  identity: Identity;
  /** `{publicUrl}/identity`, for links. */
  identityUrl: string;
  jsonBodyLimit: number;
}

type C = Context<OpenStackEnv>;

/** Registers /v3/auth/tokens (POST/GET/HEAD/DELETE) and /v3/auth/{catalog,projects,domains,system}. */
export function registerAuthRoutes(app: Hono<OpenStackEnv>, deps: AuthRoutesDeps): void {
  const { identity, identityUrl } = deps;
  const auth = requireAuth(identity.tokens);
  const selfLinks = (path: string) => ({ self: `${identityUrl}/v3/${path}`, previous: null, next: null });

  const bodies = new TokenBodyRenderer(identity.catalog);
  /** The token body as JSON text (what `c.json` would send, without re-serialising a token it has seen). */
  const tokenResponse = (c: C, id: string, info: TokenInfo, status: 200 | 201) =>
    plainResponse(c, bodies.render(info, queryFlag(c, 'nocatalog', true)), status, { 'Content-Type': 'application/json', 'X-Subject-Token': id });

  const ctx = (c: C) => ({ requestId: c.get('requestId'), auth: c.get('auth') });
  const subjectId = (c: C) => c.req.header('x-subject-token')?.trim() ?? '';

  app.post('/v3/auth/tokens', async function createToken(c) {
    const req = parseAuthRequest(await readJsonObject(c, deps.jsonBodyLimit));
    const { id, info } = await identity.auth.authenticate(req);
    return tokenResponse(c, id, info, 201);
  });

  // HEAD (checkToken) is served by this route too: Hono answers HEAD with the GET route and drops the body.
  app.get('/v3/auth/tokens', auth, async function validateToken(c) {
    const id = subjectId(c);
    const info = await identity.auth.validateSubject(ctx(c), id, { allowExpired: queryFlag(c, 'allow_expired') });
    return tokenResponse(c, id, info, 200);
  });

  app.delete('/v3/auth/tokens', auth, async function revokeToken(c) {
    await identity.auth.revokeSubject(ctx(c), subjectId(c));
    return c.body(null, 204);
  });

  app.get('/v3/auth/catalog', auth, function getCatalog(c) {
    const ctx = c.get('auth')!;
    if (!ctx.projectId && !ctx.domainId && !ctx.system) {
      throw errors.forbidden('A project-scoped token is required to produce a service catalog.');
    }
    return c.json({ catalog: identity.catalog.forProject(ctx.projectId), links: selfLinks('auth/catalog') });
  });

  app.get('/v3/auth/projects', auth, function getProjects(c) {
    const projects = identity.auth.projectsFor(c.get('auth')!).map((p) => ({
      id: p.id,
      name: p.name,
      domain_id: p.domainId,
      description: p.description,
      enabled: p.enabled,
      parent_id: p.parentId ?? p.domainId,
      is_domain: false,
      tags: p.tags,
      options: {},
      links: { self: `${identityUrl}/v3/projects/${p.id}` },
    }));
    return c.json({ projects, links: selfLinks('auth/projects') });
  });

  app.get('/v3/auth/domains', auth, function getDomains(c) {
    const domains = identity.auth.domainsFor(c.get('auth')!).map((d) => ({
      id: d.id,
      name: d.name,
      description: d.description,
      enabled: d.enabled,
      tags: [],
      options: {},
      links: { self: `${identityUrl}/v3/domains/${d.id}` },
    }));
    return c.json({ domains, links: selfLinks('auth/domains') });
  });

  app.get('/v3/auth/system', auth, function getSystem(c) {
    return c.json({ system: identity.auth.systemFor(c.get('auth')!) ? [{ all: true }] : [], links: selfLinks('auth/system') });
  });
}
