// Image data: upload and download through the object store, staging, and interoperable import run as a job with a task.
import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import { imgImages, imgProperties, imgTasks } from '../db/schema/image.js';
import { errors, isCoreError } from '../errors.js';
import { MAX_OBJECT_SIZE } from '../objects/rules.js';
import { dataRef, isAdmin, requireRule, storeCtx, visibleRow, type ImageContext, type ImageRow } from './context.js';
import { HASH_ALGO, hashingStream, type StreamDigests } from './hashing.js';
import { usage } from './images.js';
import type { ByteRange, ImageDownload, ImageTask, ImportRequest, TaskStatus } from './types.js';

/** Import methods this service can run: web-download only with a fetcher. copy-image needs several stores. */
export function importMethods(ic: ImageContext): string[] {
  return ic.fetcher ? ['glance-direct', 'web-download'] : ['glance-direct'];
}

/** How long a finished task stays listed (Glance `task_time_to_live`, 48 h). */
const TASK_TTL_MS = 48 * 3600_000;

/** The virtual size the data's header declares (qcow2), or the size itself for raw. */
function virtualSizeOf(diskFormat: string | null, head: Buffer, size: number): number | null {
  if (diskFormat === 'raw') return size;
  if (diskFormat === 'qcow2' && head.length >= 32 && head.readUInt32BE(0) === 0x514649fb) return Number(head.readBigUInt64BE(24));
  return null;
}

/** The most bytes `owner` may still store (image_size_total), capped by the image size cap. */
function remainingBytes(ic: ImageContext, owner: string | null): number {
  let cap = ic.maxImageBytes;
  const limit = ic.quotas.totalBytes;
  if (limit !== undefined && owner !== null) cap = Math.min(cap, Math.max(0, limit - usage(ic, owner).bytes));
  return cap;
}

function quotaMessage(ic: ImageContext, owner: string | null, what: 'image_size_total' | 'image_stage_total'): string {
  const limit = what === 'image_size_total' ? ic.quotas.totalBytes : ic.quotas.stageBytes;
  if (limit === undefined) return `Image exceeds the storage quota or the image size cap of ${ic.maxImageBytes} bytes.`;
  return `Project ${owner} is over a limit for [Resource ${what} is over limit of ${Math.floor(limit / 1048576)} MiB]`;
}

/** Streams `body` to object `name` while hashing it; nothing is stored when it fails or exceeds `maxBytes`. */
async function storeData(ic: ImageContext, requestId: string, name: string, body: ReadableStream<Uint8Array>, maxBytes: number, quota: string, expectedSize?: number): Promise<{ d: StreamDigests; md5: string; head: Buffer }> {
  if (expectedSize !== undefined && expectedSize > maxBytes) {
    await body.cancel().catch(() => undefined);
    throw errors.quota(quota, { reason: 'TooLarge' });
  }
  const h = hashingStream(body, maxBytes, () => quota);
  // A simple object's ETag is the hex md5 of its bytes: Glance's `checksum`, without hashing twice.
  const put = await ic.objects.putObject(storeCtx(requestId), dataRef(name), h.stream, { expectedSize, contentType: 'application/octet-stream' });
  const d = h.digests();
  return { d, md5: put.etag, head: d.head };
}

async function dropObject(ic: ImageContext, requestId: string, name: string | null | undefined): Promise<void> {
  if (!name) return;
  await ic.objects.deleteObject(storeCtx(requestId), dataRef(name)).catch((e: unknown) => ic.logger.warn({ object: name, err: String(e) }, 'image: could not delete data'));
}

/**
 * `PUT /file`: queued → saving → active, with size, md5 and sha512 computed while streaming. A second
 * upload is 409; a failed one returns the image to queued with nothing stored.
 */
export async function uploadData(ic: ImageContext, ctx: RequestContext, id: string, body: ReadableStream<Uint8Array>, expectedSize?: number): Promise<void> {
  let row: ImageRow;
  try {
    requireRule(ctx, 'get_image');
    row = visibleRow(ic, ctx, id);
    requireRule(ctx, 'upload_image', row.owner, 'You are not permitted to upload data to this image.');
    if (!row.containerFormat || !row.diskFormat) throw errors.invalid('Properties disk_format, container_format must be set prior to saving data.', { reason: 'formats' });
    const r = ic.db
      .update(imgImages)
      .set({ status: 'saving', updatedAt: ic.now() })
      .where(and(eq(imgImages.id, id), eq(imgImages.status, 'queued')))
      .run();
    if (r.changes === 0) throw errors.conflict('image', `Image status transition from ${row.status} to saving is not allowed`, { reason: 'status' });
  } catch (e) {
    await body.cancel().catch(() => undefined);
    throw e;
  }
  const name = `${id}/data-${randomUUID()}`;
  let stored = false;
  try {
    const { d, md5, head } = await storeData(ic, ctx.requestId, name, body, remainingBytes(ic, row.owner), quotaMessage(ic, row.owner, 'image_size_total'), expectedSize);
    stored = true;
    const done = ic.db
      .update(imgImages)
      .set({ status: 'active', size: d.size, virtualSize: virtualSizeOf(row.diskFormat, head, d.size), checksum: md5, osHashAlgo: HASH_ALGO, osHashValue: d.sha512, dataObject: name, updatedAt: ic.now() })
      .where(and(eq(imgImages.id, id), eq(imgImages.status, 'saving')))
      .run();
    if (done.changes === 0) throw errors.conflict('image', `Image ${id} was deleted or changed while its data was being uploaded.`, { reason: 'gone' });
  } catch (e) {
    ic.db
      .update(imgImages)
      .set({ status: 'queued', updatedAt: ic.now() })
      .where(and(eq(imgImages.id, id), eq(imgImages.status, 'saving')))
      .run();
    if (stored) await dropObject(ic, ctx.requestId, name);
    throw e;
  }
}

/**
 * `GET /file`: the data (or one range of it); null when the image has none. A deactivated image's data
 * is refused to everyone but an admin.
 */
export async function downloadData(ic: ImageContext, ctx: RequestContext, id: string, range?: ByteRange): Promise<ImageDownload | null> {
  requireRule(ctx, 'get_image');
  const row = visibleRow(ic, ctx, id);
  requireRule(ctx, 'download_image', row.owner);
  if (row.status === 'deactivated' && !isAdmin(ctx)) throw errors.forbidden('The requested image has been deactivated. Image data download is forbidden.', { reason: 'deactivated' });
  if (!row.dataObject || row.status !== 'active' && row.status !== 'deactivated') return null;
  const res = await ic.objects.getObject(storeCtx(ctx.requestId), dataRef(row.dataObject), range ? { range } : {});
  const size = res.range ? res.range.end - res.range.start + 1 : res.info.size;
  return {
    body: res.body,
    size,
    checksum: row.checksum,
    ...(res.range ? { range: { start: res.range.start, end: res.range.end, total: res.range.size } } : {}),
  };
}

/** `PUT /stage` (glance-direct): queued → uploading, the data kept aside until the import runs. */
export async function stageData(ic: ImageContext, ctx: RequestContext, id: string, body: ReadableStream<Uint8Array>, expectedSize?: number): Promise<void> {
  let row: ImageRow;
  try {
    requireRule(ctx, 'get_image');
    row = visibleRow(ic, ctx, id);
    requireRule(ctx, 'stage_image', row.owner, 'You are not permitted to stage data for this image.');
    const r = ic.db
      .update(imgImages)
      .set({ status: 'uploading', updatedAt: ic.now() })
      .where(and(eq(imgImages.id, id), eq(imgImages.status, 'queued')))
      .run();
    if (r.changes === 0) throw errors.conflict('image', `Image status transition from ${row.status} to uploading is not allowed`, { reason: 'status' });
  } catch (e) {
    await body.cancel().catch(() => undefined);
    throw e;
  }
  let max = ic.maxImageBytes;
  if (ic.quotas.stageBytes !== undefined && row.owner) max = Math.min(max, Math.max(0, ic.quotas.stageBytes - usage(ic, row.owner).staged));
  const name = `${id}/stage-${randomUUID()}`;
  let stored = false;
  try {
    const { d } = await storeData(ic, ctx.requestId, name, body, max, quotaMessage(ic, row.owner, 'image_stage_total'), expectedSize);
    stored = true;
    const done = ic.db
      .update(imgImages)
      .set({ stageObject: name, stageSize: d.size, updatedAt: ic.now() })
      .where(and(eq(imgImages.id, id), eq(imgImages.status, 'uploading')))
      .run();
    if (done.changes === 0) throw errors.conflict('image', `Image ${id} was deleted or changed while its data was being staged.`, { reason: 'gone' });
  } catch (e) {
    ic.db
      .update(imgImages)
      .set({ status: 'queued', updatedAt: ic.now() })
      .where(and(eq(imgImages.id, id), eq(imgImages.status, 'uploading')))
      .run();
    if (stored) await dropObject(ic, ctx.requestId, name);
    throw e;
  }
}

/**
 * `POST /import`: checks the method against the image's state, sets `importing`, records a task and
 * writes the `image.import` job in the same transaction. Returns the task id (the API answers 202).
 */
export function startImport(ic: ImageContext, ctx: RequestContext, id: string, req: ImportRequest): string {
  requireRule(ctx, 'get_image');
  const row = visibleRow(ic, ctx, id);
  requireRule(ctx, 'import_image', row.owner, 'You are not permitted to import data to this image.');
  if (req.method === 'copy-image') throw errors.notImplemented('Import method copy-image (there is one store, so there is nowhere to copy to)');
  if (!importMethods(ic).includes(req.method)) throw errors.invalid(`Import method ${req.method} is not valid; use one of ${importMethods(ic).join(', ')}.`, { reason: 'method' });
  if (req.stores?.length || req.allStores) throw errors.invalid('Multiple stores are not enabled; do not send stores or all_stores.', { reason: 'stores' });
  if (!row.containerFormat || !row.diskFormat) throw errors.conflict('image', `'container_format' and 'disk_format' need to be set before import`, { reason: 'formats' });
  let from: string;
  if (req.method === 'glance-direct') {
    if (row.status !== 'uploading' || !row.stageObject) throw errors.conflict('image', "Image needs to be staged before 'glance-direct' method can be used", { reason: 'status' });
    from = 'uploading';
  } else {
    if (row.status !== 'queued') throw errors.conflict('image', `Image status transition from ${row.status} to importing is not allowed`, { reason: 'status' });
    if (!req.uri) throw errors.invalid("'uri' is required for the web-download import method", { reason: 'uri' });
    from = 'queued';
  }
  const taskId = randomUUID();
  const now = ic.now();
  ic.db.transaction((tx) => {
    const r = tx
      .update(imgImages)
      .set({ status: 'importing', updatedAt: now })
      .where(and(eq(imgImages.id, id), eq(imgImages.status, from)))
      .run();
    if (r.changes === 0) throw errors.conflict('image', `Image status transition from ${row.status} to importing is not allowed`, { reason: 'status' });
    const method: Record<string, unknown> = { name: req.method, ...(req.uri ? { uri: req.uri } : {}) };
    tx.insert(imgTasks)
      .values({
        id: taskId,
        type: 'api_image_import',
        status: 'pending',
        owner: row.owner,
        imageId: id,
        input: { image_id: id, import_req: { method }, backend: null },
        result: null,
        message: '',
        requestId: ctx.requestId,
        userId: ctx.auth?.userId ?? null,
        createdAt: now,
        updatedAt: now,
        expiresAt: null,
      })
      .run();
    tx.insert(imgProperties)
      .values({ imageId: id, name: 'os_glance_import_task', value: taskId })
      .onConflictDoUpdate({ target: [imgProperties.imageId, imgProperties.name], set: { value: taskId } })
      .run();
    ic.enqueue(tx, 'image.import', { taskId }, { jobId: `image.import:${taskId}` });
  });
  return taskId;
}

function setTask(ic: ImageContext, taskId: string, status: TaskStatus, message: string, result: Record<string, unknown> | null): void {
  const now = ic.now();
  const finished = status === 'success' || status === 'failure';
  ic.db
    .update(imgTasks)
    .set({ status, message, result, updatedAt: now, ...(finished ? { expiresAt: now + TASK_TTL_MS } : {}) })
    .where(eq(imgTasks.id, taskId))
    .run();
}

/**
 * Runs an import task (the `image.import` job). Idempotent: a finished task is left alone, a task seen
 * `processing` (a crashed delivery) runs again and overwrites what it wrote. On failure the image goes
 * back to queued, the staged data is dropped and the task records why.
 */
export async function runImport(ic: ImageContext, taskId: string): Promise<void> {
  const task = ic.db.select().from(imgTasks).where(eq(imgTasks.id, taskId)).get();
  if (!task || task.status === 'success' || task.status === 'failure') return;
  setTask(ic, taskId, 'processing', '', null);
  const imageId = task.imageId ?? '';
  const requestId = task.requestId ?? `import-${taskId}`;
  const row = ic.db.select().from(imgImages).where(eq(imgImages.id, imageId)).get();
  if (row && row.status === 'active' && row.dataObject) {
    // A delivery that crashed after the image went active but before the task was marked: finish the bookkeeping.
    const mine = ic.db.select({ v: imgProperties.value }).from(imgProperties).where(and(eq(imgProperties.imageId, imageId), eq(imgProperties.name, 'os_glance_import_task'))).get();
    if (mine?.v === taskId) {
      setTask(ic, taskId, 'success', '', { image_id: imageId });
      return;
    }
  }
  if (!row || row.status !== 'importing') {
    setTask(ic, taskId, 'failure', row ? `Image ${imageId} is ${row.status}, not importing.` : `Image ${imageId} was deleted during the import.`, null);
    return;
  }
  const method = (task.input.import_req as { method?: { name?: string; uri?: string } } | undefined)?.method ?? {};
  const name = `${imageId}/data-${randomUUID()}`;
  let stored = false;
  try {
    const max = remainingBytes(ic, row.owner);
    let source: ReadableStream<Uint8Array>;
    let expected: number | undefined;
    if (method.name === 'glance-direct') {
      if (!row.stageObject) throw errors.invalid('The staged data is gone.');
      const got = await ic.objects.getObject(storeCtx(requestId), dataRef(row.stageObject));
      source = got.body;
      expected = got.info.size;
    } else if (method.name === 'web-download' && ic.fetcher && method.uri) {
      const fetched = await ic.fetcher.fetch(method.uri, { maxBytes: max });
      source = fetched.body;
      expected = fetched.size;
    } else {
      throw errors.invalid(`Import method ${method.name ?? '(none)'} cannot run here.`);
    }
    const { d, md5, head } = await storeData(ic, requestId, name, source, max, quotaMessage(ic, row.owner, 'image_size_total'), expected);
    stored = true;
    const done = ic.db.transaction((tx) => {
      const r = tx
        .update(imgImages)
        .set({ status: 'active', size: d.size, virtualSize: virtualSizeOf(row.diskFormat, head, d.size), checksum: md5, osHashAlgo: HASH_ALGO, osHashValue: d.sha512, dataObject: name, stageObject: null, stageSize: null, updatedAt: ic.now() })
        .where(and(eq(imgImages.id, imageId), eq(imgImages.status, 'importing')))
        .run();
      return r.changes > 0;
    });
    if (!done) throw errors.conflict('image', `Image ${imageId} was deleted or changed during the import.`);
    setTask(ic, taskId, 'success', '', { image_id: imageId });
    await dropObject(ic, requestId, row.stageObject);
  } catch (e) {
    const message = isCoreError(e) && e.kind !== 'Internal' ? e.message : 'The import failed on an unexpected error.';
    if (!isCoreError(e)) ic.logger.error({ task: taskId, err: e instanceof Error ? e.message : String(e) }, 'image import failed');
    ic.db
      .update(imgImages)
      .set({ status: 'queued', stageObject: null, stageSize: null, updatedAt: ic.now() })
      .where(and(eq(imgImages.id, imageId), eq(imgImages.status, 'importing')))
      .run();
    setTask(ic, taskId, 'failure', message, null);
    if (stored) await dropObject(ic, requestId, name);
    await dropObject(ic, requestId, row.stageObject);
  }
}

type TaskRow = typeof imgTasks.$inferSelect;
const toTask = (t: TaskRow): ImageTask => ({ ...t, status: t.status as TaskStatus });

/** One task: its owner's project (reader) or an admin. */
export function getTask(ic: ImageContext, ctx: RequestContext, id: string): ImageTask {
  const t = ic.db.select().from(imgTasks).where(eq(imgTasks.id, id)).get();
  if (!t || !(isAdmin(ctx) || (ctx.auth?.projectId !== undefined && t.owner === ctx.auth.projectId))) throw errors.notFound('task', id, `Task with the given ID ${id} not found`);
  requireRule(ctx, 'get_task', t.owner);
  return toTask(t);
}

/** Every task (admin): newest first, optionally by status or type. */
export function listTasks(ic: ImageContext, ctx: RequestContext, o: { status?: string; type?: string; limit?: number; sortDir?: 'asc' | 'desc' } = {}): ImageTask[] {
  requireRule(ctx, 'get_tasks');
  const conds = [];
  if (o.status) conds.push(eq(imgTasks.status, o.status));
  if (o.type) conds.push(eq(imgTasks.type, o.type));
  const rows = ic.db
    .select()
    .from(imgTasks)
    .where(conds.length ? and(...conds) : undefined)
    .orderBy(o.sortDir === 'asc' ? asc(imgTasks.createdAt) : desc(imgTasks.createdAt), asc(imgTasks.id))
    .limit(Math.min(o.limit ?? 25, 1000))
    .all();
  return rows.map(toTask);
}

/** The tasks of one image the caller may see (its import tasks), newest first. */
export function imageTasks(ic: ImageContext, ctx: RequestContext, imageId: string): ImageTask[] {
  requireRule(ctx, 'get_image');
  const row = visibleRow(ic, ctx, imageId);
  requireRule(ctx, 'get_image_tasks', row.owner);
  const rows = ic.db.select().from(imgTasks).where(inArray(imgTasks.imageId, [imageId])).orderBy(desc(imgTasks.createdAt)).all();
  return rows.filter((t) => isAdmin(ctx) || t.owner === ctx.auth?.projectId).map(toTask);
}

/** The largest image this service stores (the object store's largest object). */
export const MAX_IMAGE_BYTES = MAX_OBJECT_SIZE;
