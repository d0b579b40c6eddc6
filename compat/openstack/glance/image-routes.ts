// Glance /v2/images: CRUD, JSON-patch updates, data upload/download, staging and import, members, tags, actions.
import type { Context, Hono } from 'hono';
import type { RequestContext } from '../../../core/context.js';
import { isCoreError } from '../../../core/errors.js';
import type { ImageService } from '../../../core/image/index.js';
import { httpError, isObject, readJson, requireAuth, type OpenStackEnv, type TokenValidator } from '../common/index.js';
import { PATCH_TYPES, nextLink, parseCreate, parseListQuery, parsePatch, parseRange } from './request.js';
import { imageView, memberView, taskView } from './views.js';

/** What the image routes need. */
export interface ImageRouteDeps {
  images: ImageService;
  tokens: TokenValidator;
  jsonBodyLimit: number;
}

type C = Context<OpenStackEnv>;

const ctxOf = (c: C): RequestContext => ({ requestId: c.get('requestId'), auth: c.get('auth') });

/** The request body straight from the connection when the entry offers it (no WHATWG Request built). */
function bodyStream(c: C): ReadableStream<Uint8Array> {
  return c.env?.requestBody?.() ?? c.req.raw.body ?? new ReadableStream({ start: (ctl) => ctl.close() });
}

function contentLength(c: C): number | undefined {
  const v = c.req.header('content-length');
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}

/** Data uploads must be `application/octet-stream` (Glance answers 415 otherwise). */
function requireOctetStream(c: C): void {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/octet-stream') throw httpError(415, `The request media type ${type || '(none)'} is not supported by this server.`);
}

/** Registers every /v2/images route. */
export function registerImageRoutes(app: Hono<OpenStackEnv>, deps: ImageRouteDeps): void {
  const { images } = deps;
  const auth = requireAuth(deps.tokens);

  app.get('/v2/images', auth, function listImages(c) {
    const page = images.list(ctxOf(c), parseListQuery(c));
    const first = new URL(c.req.url).searchParams;
    first.delete('marker');
    const qs = first.toString();
    const body: Record<string, unknown> = { images: page.images.map(imageView), first: `/v2/images${qs ? `?${qs}` : ''}`, schema: '/v2/schemas/images' };
    if (page.more && page.images.length) body.next = nextLink(c, page.images[page.images.length - 1]!.id);
    return c.json(body);
  });

  app.post('/v2/images', auth, async function createImage(c) {
    const image = images.create(ctxOf(c), parseCreate(await readJson(c, deps.jsonBodyLimit)));
    c.header('Location', `/v2/images/${image.id}`);
    c.header('OpenStack-image-import-methods', images.importMethods().join(','));
    return c.json(imageView(image), 201);
  });

  app.get('/v2/images/:image_id', auth, function showImage(c) {
    return c.json(imageView(images.get(ctxOf(c), c.req.param('image_id'))));
  });

  app.patch('/v2/images/:image_id', auth, async function updateImage(c) {
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (!PATCH_TYPES.includes(type)) {
      c.header('Accept-Patch', PATCH_TYPES.join(', '));
      throw httpError(415, `The request media type ${type || '(none)'} is not supported by this server.`);
    }
    const changes = parsePatch(await readJson(c, deps.jsonBodyLimit));
    return c.json(imageView(images.update(ctxOf(c), c.req.param('image_id'), changes)));
  });

  app.delete('/v2/images/:image_id', auth, async function deleteImage(c) {
    await images.delete(ctxOf(c), c.req.param('image_id'));
    return c.body(null, 204);
  });

  app.post('/v2/images/:image_id/actions/deactivate', auth, function deactivateImage(c) {
    images.deactivate(ctxOf(c), c.req.param('image_id'));
    return c.body(null, 204);
  });

  app.post('/v2/images/:image_id/actions/reactivate', auth, function reactivateImage(c) {
    images.reactivate(ctxOf(c), c.req.param('image_id'));
    return c.body(null, 204);
  });

  app.put('/v2/images/:image_id/file', auth, async function uploadImageData(c) {
    requireOctetStream(c);
    await images.upload(ctxOf(c), c.req.param('image_id'), bodyStream(c), contentLength(c));
    return c.body(null, 204);
  });

  app.get('/v2/images/:image_id/file', auth, async function downloadImageData(c) {
    const range = parseRange(c.req.header('range'));
    if (range === 'invalid') throw httpError(416, 'The Range requested is not available.');
    let data;
    try {
      data = await images.download(ctxOf(c), c.req.param('image_id'), range);
    } catch (e) {
      if (isCoreError(e) && typeof e.detail.reason === 'string' && /range/i.test(e.detail.reason)) throw httpError(416, 'The Range requested is not available.');
      throw e;
    }
    if (!data) return c.body(null, 204);
    const headers: Record<string, string> = { 'Content-Type': 'application/octet-stream', 'Content-Length': String(data.size) };
    if (data.range) headers['Content-Range'] = `bytes ${data.range.start}-${data.range.end}/${data.range.total}`;
    else if (data.checksum) headers['Content-MD5'] = data.checksum;
    return new Response(data.body, { status: data.range ? 206 : 200, headers });
  });

  app.put('/v2/images/:image_id/stage', auth, async function stageImageData(c) {
    requireOctetStream(c);
    await images.stage(ctxOf(c), c.req.param('image_id'), bodyStream(c), contentLength(c));
    return c.body(null, 204);
  });

  app.post('/v2/images/:image_id/import', auth, async function importImage(c) {
    const body = await readJson(c, deps.jsonBodyLimit);
    const method = isObject(body) && isObject(body.method) ? body.method : undefined;
    if (!method || typeof method.name !== 'string') throw httpError(400, "Import request requires a 'method' field with a 'name'.");
    if (method.uri !== undefined && typeof method.uri !== 'string') throw httpError(400, "'uri' must be a string.");
    const b = body as Record<string, unknown>;
    const stores = Array.isArray(b.stores) ? b.stores.filter((s): s is string => typeof s === 'string') : undefined;
    images.import(ctxOf(c), c.req.param('image_id'), {
      method: method.name,
      ...(typeof method.uri === 'string' ? { uri: method.uri } : {}),
      ...(stores ? { stores } : {}),
      ...(b.all_stores === true ? { allStores: true } : {}),
    });
    return c.body(null, 202);
  });

  app.get('/v2/images/:image_id/tasks', auth, function listImageTasks(c) {
    return c.json({ tasks: images.imageTasks(ctxOf(c), c.req.param('image_id')).map((t) => taskView(t)) });
  });

  app.post('/v2/images/:image_id/members', auth, async function createImageMember(c) {
    const body = await readJson(c, deps.jsonBodyLimit);
    const member = isObject(body) ? body.member : undefined;
    if (typeof member !== 'string') throw httpError(400, "Provided object does not match schema 'member': 'member' is a required property");
    return c.json(memberView(images.addMember(ctxOf(c), c.req.param('image_id'), member)));
  });

  app.get('/v2/images/:image_id/members', auth, function listImageMembers(c) {
    return c.json({ members: images.listMembers(ctxOf(c), c.req.param('image_id')).map(memberView), schema: '/v2/schemas/members' });
  });

  app.get('/v2/images/:image_id/members/:member_id', auth, function showImageMember(c) {
    return c.json(memberView(images.getMember(ctxOf(c), c.req.param('image_id'), c.req.param('member_id'))));
  });

  app.put('/v2/images/:image_id/members/:member_id', auth, async function updateImageMember(c) {
    const body = await readJson(c, deps.jsonBodyLimit);
    const status = isObject(body) ? body.status : undefined;
    if (typeof status !== 'string') throw httpError(400, "Provided object does not match schema 'member': 'status' is a required property");
    return c.json(memberView(images.updateMember(ctxOf(c), c.req.param('image_id'), c.req.param('member_id'), status)));
  });

  app.delete('/v2/images/:image_id/members/:member_id', auth, function deleteImageMember(c) {
    images.deleteMember(ctxOf(c), c.req.param('image_id'), c.req.param('member_id'));
    return c.body(null, 204);
  });

  app.put('/v2/images/:image_id/tags/:tag', auth, function addImageTag(c) {
    images.addTag(ctxOf(c), c.req.param('image_id'), c.req.param('tag'));
    return c.body(null, 204);
  });

  app.delete('/v2/images/:image_id/tags/:tag', auth, function deleteImageTag(c) {
    images.deleteTag(ctxOf(c), c.req.param('image_id'), c.req.param('tag'));
    return c.body(null, 204);
  });
}
