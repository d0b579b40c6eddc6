// Keystone /v3/projects and /v3/projects/{id}/tags.
import type { Hono } from 'hono';
import { z } from 'zod';
import { requireAuth, readJsonObject, type OpenStackEnv } from '../common/index.js';
import type { KeystoneDeps } from './app.js';
import { boolFilter, ctxOf, extraOf, listFilter, listLinks, parseMember, validate } from './resource-helpers.js';
import { KeystoneViews } from './views.js';

const name = z.string().min(1).max(64);
const KNOWN = ['name', 'domain_id', 'parent_id', 'description', 'enabled', 'is_domain', 'tags', 'options', 'id', 'links'];

const createSchema = z.looseObject({
  name,
  domain_id: z.string().min(1).max(64).nullish(),
  parent_id: z.string().min(1).max(64).nullish(),
  description: z.string().nullish(),
  enabled: z.boolean().optional(),
  is_domain: z.boolean().optional(),
  tags: z.array(z.string()).optional(),
});

const updateSchema = z.looseObject({
  name: name.optional(),
  domain_id: z.string().nullish(),
  parent_id: z.string().nullish(),
  description: z.string().nullish(),
  enabled: z.boolean().optional(),
  is_domain: z.boolean().optional(),
  tags: z.array(z.string()).optional(),
});

const tagsSchema = z.object({ tags: z.array(z.string()) });

/** Registers project CRUD and project tags. */
export function registerProjectsRoutes(app: Hono<OpenStackEnv>, deps: KeystoneDeps): void {
  const { identity, identityUrl } = deps;
  const projects = identity.services.projects;
  const views = new KeystoneViews(identityUrl);
  const auth = requireAuth(identity.tokens);

  app.get('/v3/projects', auth, function listProjects(c) {
    const rows = projects.list(ctxOf(c), {
      name: c.req.query('name'),
      domainId: c.req.query('domain_id'),
      enabled: boolFilter(c, 'enabled'),
      parentId: c.req.query('parent_id'),
      isDomain: boolFilter(c, 'is_domain'),
      tags: listFilter(c, 'tags'),
      tagsAny: listFilter(c, 'tags-any'),
      notTags: listFilter(c, 'not-tags'),
      notTagsAny: listFilter(c, 'not-tags-any'),
    });
    return c.json({ projects: rows.map((p) => views.project(p)), links: listLinks(c, identityUrl) });
  });

  app.post('/v3/projects', auth, async function createProject(c) {
    const b = await parseMember(c, deps.jsonBodyLimit, 'project', createSchema);
    const row = projects.create(ctxOf(c), {
      name: b.name,
      domainId: b.domain_id ?? undefined,
      parentId: b.parent_id ?? undefined,
      description: b.description ?? undefined,
      enabled: b.enabled,
      isDomain: b.is_domain,
      tags: b.tags,
      extra: extraOf(b, KNOWN),
    });
    return c.json({ project: views.project(row) }, 201);
  });

  app.get('/v3/projects/:project_id', auth, function showProject(c) {
    return c.json({ project: views.project(projects.get(ctxOf(c), c.req.param('project_id'))) });
  });

  app.patch('/v3/projects/:project_id', auth, async function updateProject(c) {
    const b = await parseMember(c, deps.jsonBodyLimit, 'project', updateSchema);
    const extra = extraOf(b, KNOWN);
    const row = projects.update(ctxOf(c), c.req.param('project_id'), {
      name: b.name,
      domainId: b.domain_id ?? undefined,
      parentId: b.parent_id ?? undefined,
      description: b.description ?? undefined,
      enabled: b.enabled,
      isDomain: b.is_domain,
      tags: b.tags,
      extra: Object.keys(extra).length ? extra : undefined,
    });
    return c.json({ project: views.project(row) });
  });

  app.delete('/v3/projects/:project_id', auth, function deleteProject(c) {
    projects.delete(ctxOf(c), c.req.param('project_id'));
    return c.body(null, 204);
  });

  app.get('/v3/projects/:project_id/tags', auth, function listProjectTags(c) {
    return c.json({ tags: projects.listTags(ctxOf(c), c.req.param('project_id')) });
  });

  app.put('/v3/projects/:project_id/tags', auth, async function modifyProjectTags(c) {
    const b = validate(tagsSchema, await readJsonObject(c, deps.jsonBodyLimit));
    return c.json({ tags: projects.replaceTags(ctxOf(c), c.req.param('project_id'), b.tags) });
  });

  app.delete('/v3/projects/:project_id/tags', auth, function deleteProjectTags(c) {
    projects.deleteTags(ctxOf(c), c.req.param('project_id'));
    return c.body(null, 204);
  });

  // HEAD is answered by this GET route (Hono drops the body).
  app.get('/v3/projects/:project_id/tags/:tag', auth, function checkProjectTag(c) {
    projects.checkTag(ctxOf(c), c.req.param('project_id'), c.req.param('tag'));
    return c.body(null, 204);
  });

  app.put('/v3/projects/:project_id/tags/:tag', auth, function addProjectTag(c) {
    const id = c.req.param('project_id');
    const tag = c.req.param('tag');
    projects.addTag(ctxOf(c), id, tag);
    c.header('Location', `${identityUrl}/v3/projects/${id}/tags/${encodeURIComponent(tag)}`);
    return c.body(null, 201);
  });

  app.delete('/v3/projects/:project_id/tags/:tag', auth, function deleteProjectTag(c) {
    projects.deleteTag(ctxOf(c), c.req.param('project_id'), c.req.param('tag'));
    return c.body(null, 204);
  });
}
