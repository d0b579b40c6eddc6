// The Glance v2 family: a sub-app mounted under /image with discovery, schemas, images, import info, tasks and its error shape.
import type { Hono } from 'hono';
import type { ImageService } from '../../../core/image/index.js';
import type { Logger } from '../../../core/logger.js';
import { createOpenStackApp, finishOpenStackApp, requireAuth, type OpenStackEnv, type TokenValidator } from '../common/index.js';
import { glanceError } from './errors.js';
import { registerImageRoutes } from './image-routes.js';
import { registerMethodNotAllowed, registerNotImplemented } from './not-implemented.js';
import { glanceOperations } from './operations.js';
import { imageSchema, imagesSchema, memberSchema, membersSchema, taskSchema, tasksSchema } from './schemas.js';
import { taskView } from './views.js';

/** What the Glance app is built from (in `gateway/app.ts`). */
export interface GlanceDeps {
  images: ImageService;
  tokens: TokenValidator;
  logger: Logger;
  /** `{publicUrl}/image`: base of the version links. */
  imageUrl: string;
  /** `{publicUrl}/identity`, for `WWW-Authenticate` on 401s. */
  identityUrl: string;
  jsonBodyLimit: number;
}

/** Minor versions Glance 2024.x lists; the newest is CURRENT. */
const MINOR_VERSIONS = [17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0];

/** Glance's version list (the discovery document). */
export function versions(imageUrl: string) {
  return {
    versions: MINOR_VERSIONS.map((m, i) => ({
      id: `v2.${m}`,
      status: i === 0 ? 'CURRENT' : 'SUPPORTED',
      links: [{ rel: 'self', href: `${imageUrl}/v2/` }],
    })),
  };
}

/** Builds the Glance sub-app (mount with `app.route('/image', ...)`); the catch-all stays last. */
export function createGlanceApp(deps: GlanceDeps): Hono<OpenStackEnv> {
  const app = createOpenStackApp({ logger: deps.logger, identityUri: deps.identityUrl, renderError: glanceError });
  const auth = requireAuth(deps.tokens);
  const { images } = deps;

  // Version discovery: the root negotiates (300), `/versions` is the explicit list (200), as in Glance.
  app.get('/', function listVersions(c) {
    return c.json(versions(deps.imageUrl), 300);
  });
  app.get('/versions', function listVersionsExplicit(c) {
    return c.json(versions(deps.imageUrl));
  });
  app.get('/v2', (c) => c.json(versions(deps.imageUrl), 300));
  app.get('/v2/', (c) => c.json(versions(deps.imageUrl), 300));

  app.get('/v2/schemas/image', auth, function showImageSchema(c) {
    return c.json(imageSchema());
  });
  app.get('/v2/schemas/images', auth, function showImagesSchema(c) {
    return c.json(imagesSchema());
  });
  app.get('/v2/schemas/member', auth, function showImageMemberSchema(c) {
    return c.json(memberSchema());
  });
  app.get('/v2/schemas/members', auth, function showImageMembersSchema(c) {
    return c.json(membersSchema());
  });
  app.get('/v2/schemas/task', auth, function showTaskSchema(c) {
    return c.json(taskSchema());
  });
  app.get('/v2/schemas/tasks', auth, function showTasksSchema(c) {
    return c.json(tasksSchema());
  });

  app.get('/v2/info/import', auth, function showImportInfo(c) {
    return c.json({ 'import-methods': { description: 'Import methods available.', type: 'array', value: images.importMethods() } });
  });

  app.get('/v2/info/usage', auth, function showUsage(c) {
    const u = images.usage({ requestId: c.get('requestId'), auth: c.get('auth') });
    const mib = (b: number) => Math.floor(b / 1048576);
    const lim = (v: number | undefined, toMib = false) => (v === undefined ? -1 : toMib ? mib(v) : v);
    return c.json({
      usage: {
        image_size_total: { limit: lim(u.limits.totalBytes, true), usage: mib(u.bytes) },
        image_stage_total: { limit: lim(u.limits.stageBytes, true), usage: mib(u.staged) },
        image_count_total: { limit: lim(u.limits.imageCount), usage: u.images },
        image_count_uploading: { limit: -1, usage: u.uploading },
      },
    });
  });

  app.get('/v2/tasks', auth, function listTasks(c) {
    const dir = c.req.query('sort_dir');
    const limit = c.req.query('limit');
    const tasks = images.listTasks(
      { requestId: c.get('requestId'), auth: c.get('auth') },
      {
        status: c.req.query('status'),
        type: c.req.query('type'),
        ...(limit && /^\d+$/.test(limit) ? { limit: Number(limit) } : {}),
        ...(dir === 'asc' || dir === 'desc' ? { sortDir: dir } : {}),
      },
    );
    return c.json({ tasks: tasks.map((t) => taskView(t, false)), first: '/v2/tasks', schema: '/v2/schemas/tasks' });
  });
  app.get('/v2/tasks/:task_id', auth, function showTask(c) {
    return c.json(taskView(images.getTask({ requestId: c.get('requestId'), auth: c.get('auth') }, c.req.param('task_id'))));
  });

  registerImageRoutes(app, { images, tokens: deps.tokens, jsonBodyLimit: deps.jsonBodyLimit });
  registerNotImplemented(app, glanceOperations);
  registerMethodNotAllowed(app, glanceOperations);
  return finishOpenStackApp(app, { renderError: glanceError });
}
