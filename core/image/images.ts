// Image records: create, show, update (JSON-patch steps), delete, tags, deactivate/reactivate, with Glance's rules.
import { randomUUID } from 'node:crypto';
import { and, count, eq, sql } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import { imgImages, imgProperties, imgTags } from '../db/schema/image.js';
import { errors } from '../errors.js';
import { dataRef, isAdmin, loadImage, requireRule, storeCtx, visibleRow, type ImageContext, type ImageRow } from './context.js';
import { BASE, MAX_PROPERTIES, MAX_TAGS, assertWritable, checkBase, checkProperty, checkTag, isUuid, newEc2Id } from './rules.js';
import type { CreateImageInput, Image, ImageChange, Visibility } from './types.js';

/** Checks that the caller may give an image `visibility` (public needs admin). */
function checkVisibility(ctx: RequestContext, visibility: Visibility, owner: string | null): void {
  if (visibility === 'public') requireRule(ctx, 'publicize_image', owner);
  if (visibility === 'community') requireRule(ctx, 'communitize_image', owner);
}

/** Counts an owner's images against `image_count_total`. */
function checkImageCount(ic: ImageContext, owner: string | null, delta: number): void {
  const limit = ic.quotas.imageCount;
  if (limit === undefined || owner === null) return;
  const used = Number(ic.db.select({ n: count() }).from(imgImages).where(eq(imgImages.owner, owner)).get()?.n ?? 0);
  if (used + delta > limit) {
    throw errors.quota(`Project ${owner} is over a limit for [Resource image_count_total is over limit of ${limit} due to current usage ${used} and delta ${delta}]`, { reason: 'image_count_total' });
  }
}

/** Registers a new image (status `queued`, no data). Creating for another project or a public image needs admin. */
export function createImage(ic: ImageContext, ctx: RequestContext, input: CreateImageInput): Image {
  requireRule(ctx, 'add_image');
  const own = ctx.auth?.projectId ?? null;
  let owner = own;
  if (input.owner !== undefined && input.owner !== own) {
    if (!isAdmin(ctx)) throw errors.forbidden(`You are not permitted to create images owned by '${input.owner}'.`, { reason: 'owner' });
    owner = checkBase('owner', input.owner) as string | null;
  }
  const visibility = (input.visibility !== undefined ? checkBase('visibility', input.visibility) : 'shared') as Visibility;
  checkVisibility(ctx, visibility, owner);
  const props: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.extra ?? {})) {
    assertWritable(k);
    props[k] = checkProperty(k, v);
  }
  if (Object.keys(props).length > MAX_PROPERTIES) throw errors.quota(`Maximum number of properties exceeded by ${Object.keys(props).length - MAX_PROPERTIES}`, { reason: 'properties' });
  const tags = input.tags !== undefined ? (checkBase('tags', input.tags) as string[]) : [];
  if (input.id !== undefined && !isUuid(input.id)) throw errors.invalid(`Provided object does not match schema 'image': '${input.id}' does not match the id pattern`, { attr: 'id' });
  const id = input.id?.toLowerCase() ?? randomUUID();
  const now = ic.now();
  const row: ImageRow = {
    id,
    ec2Id: newEc2Id(),
    name: input.name !== undefined ? (checkBase('name', input.name) as string | null) : null,
    status: 'queued',
    visibility,
    owner,
    containerFormat: input.containerFormat !== undefined ? (checkBase('container_format', input.containerFormat) as string | null) : null,
    diskFormat: input.diskFormat !== undefined ? (checkBase('disk_format', input.diskFormat) as string | null) : null,
    size: null,
    virtualSize: null,
    checksum: null,
    osHashAlgo: null,
    osHashValue: null,
    minDisk: input.minDisk !== undefined ? (checkBase('min_disk', input.minDisk) as number) : 0,
    minRam: input.minRam !== undefined ? (checkBase('min_ram', input.minRam) as number) : 0,
    protected: input.protected !== undefined ? (checkBase('protected', input.protected) as boolean) : false,
    osHidden: input.osHidden !== undefined ? (checkBase('os_hidden', input.osHidden) as boolean) : false,
    dataObject: null,
    stageObject: null,
    stageSize: null,
    createdAt: now,
    updatedAt: now,
  };
  checkImageCount(ic, owner, 1);
  return ic.db.transaction((tx) => {
    const taken = tx.select({ id: imgImages.id }).from(imgImages).where(eq(imgImages.id, id)).get();
    if (taken) throw errors.conflict('image', `An image with identifier ${id} already exists`, { id });
    tx.insert(imgImages).values(row).run();
    for (const [name, value] of Object.entries(props)) tx.insert(imgProperties).values({ imageId: id, name, value }).run();
    tags.forEach((tag, i) => tx.insert(imgTags).values({ imageId: id, tag, createdAt: now + i }).run());
    return loadImage(tx, id);
  });
}

/** One image the caller may see. */
export function getImage(ic: ImageContext, ctx: RequestContext, id: string): Image {
  requireRule(ctx, 'get_image');
  visibleRow(ic, ctx, id);
  return loadImage(ic.db, id);
}

/** Column values of base attributes, by attribute name. */
const COLUMN: Record<string, keyof ImageRow> = {
  name: 'name',
  visibility: 'visibility',
  protected: 'protected',
  os_hidden: 'osHidden',
  min_disk: 'minDisk',
  min_ram: 'minRam',
  container_format: 'containerFormat',
  disk_format: 'diskFormat',
  owner: 'owner',
};

/**
 * Applies JSON-patch steps as Glance does: base attributes are replaced (never removed), tags replace the
 * list, free-form properties are added, replaced (409 when absent) or removed (409 when absent);
 * read-only and reserved attributes are 403; formats change only while queued; public needs admin.
 */
export function updateImage(ic: ImageContext, ctx: RequestContext, id: string, changes: ImageChange[]): Image {
  requireRule(ctx, 'get_image');
  const row = visibleRow(ic, ctx, id);
  requireRule(ctx, 'modify_image', row.owner, `You are not permitted to modify this image.`);
  const set: Partial<ImageRow> = {};
  const props = new Map(ic.db.select().from(imgProperties).where(eq(imgProperties.imageId, id)).all().map((p) => [p.name, p.value] as const));
  let tags: string[] | undefined;
  for (const ch of changes) {
    assertWritable(ch.attr);
    if (ch.attr === 'tags') {
      tags = ch.op === 'remove' ? [] : (checkBase('tags', ch.value) as string[]);
      continue;
    }
    if (BASE.includes(ch.attr)) {
      if (ch.op === 'remove') throw errors.forbidden(`Unable to remove base property ${ch.attr}.`, { reason: 'base', attr: ch.attr });
      const value = checkBase(ch.attr, ch.value);
      if ((ch.attr === 'container_format' || ch.attr === 'disk_format') && row.status !== 'queued' && value !== row[COLUMN[ch.attr]!]) {
        throw errors.forbidden(`Attribute ${ch.attr} can be only replaced for a queued image.`, { reason: 'format', attr: ch.attr });
      }
      if (ch.attr === 'owner' && value !== row.owner) requireRule(ctx, 'set_image_owner', row.owner, 'Owner can only be changed by an administrator.');
      if (ch.attr === 'visibility' && value !== row.visibility) checkVisibility(ctx, value as Visibility, row.owner);
      (set as Record<string, unknown>)[COLUMN[ch.attr]!] = value;
      continue;
    }
    if (ch.op === 'remove') {
      if (!props.has(ch.attr)) throw errors.conflict('image', `Property ${ch.attr} does not exist.`, { reason: 'property', attr: ch.attr });
      props.delete(ch.attr);
    } else {
      if (ch.op === 'replace' && !props.has(ch.attr)) throw errors.conflict('image', `Property ${ch.attr} does not exist.`, { reason: 'property', attr: ch.attr });
      props.set(ch.attr, checkProperty(ch.attr, ch.value));
    }
  }
  if (props.size > MAX_PROPERTIES) throw errors.quota(`Maximum number of properties exceeded by ${props.size - MAX_PROPERTIES}`, { reason: 'properties' });
  const now = ic.now();
  return ic.db.transaction((tx) => {
    const current = tx.select({ updatedAt: imgImages.updatedAt }).from(imgImages).where(eq(imgImages.id, id)).get();
    if (!current) throw errors.notFound('image', id, `No image found with ID ${id}`);
    tx.update(imgImages)
      .set({ ...set, updatedAt: Math.max(now, current.updatedAt) })
      .where(eq(imgImages.id, id))
      .run();
    tx.delete(imgProperties).where(eq(imgProperties.imageId, id)).run();
    for (const [name, value] of props) tx.insert(imgProperties).values({ imageId: id, name, value }).run();
    if (tags) {
      tx.delete(imgTags).where(eq(imgTags.imageId, id)).run();
      tags.forEach((tag, i) => tx.insert(imgTags).values({ imageId: id, tag, createdAt: now + i }).run());
    }
    return loadImage(tx, id);
  });
}

/**
 * Deletes an image (403 while protected). Its data and staged data are deleted through the object
 * service, whose delayed blob gc lets a download already streaming finish.
 */
export async function deleteImage(ic: ImageContext, ctx: RequestContext, id: string): Promise<void> {
  requireRule(ctx, 'get_image');
  const row = visibleRow(ic, ctx, id);
  requireRule(ctx, 'delete_image', row.owner, 'You are not permitted to delete this image.');
  if (row.protected) throw errors.forbidden(`Image ${id} is protected and cannot be deleted.`, { reason: 'protected' });
  const gone = ic.db.transaction((tx) => {
    const r = tx.select().from(imgImages).where(eq(imgImages.id, id)).get();
    if (!r) return undefined;
    tx.delete(imgImages).where(eq(imgImages.id, id)).run();
    return r;
  });
  if (!gone) throw errors.notFound('image', id, `No image found with ID ${id}`);
  for (const name of [gone.dataObject, gone.stageObject]) {
    if (name) await ic.objects.deleteObject(storeCtx(ctx.requestId), dataRef(name)).catch((e: unknown) => ic.logger.warn({ image: id, err: String(e) }, 'image delete: could not delete data'));
  }
}

/** Adds a tag (idempotent; at most MAX_TAGS). */
export function addTag(ic: ImageContext, ctx: RequestContext, id: string, tag: string): void {
  requireRule(ctx, 'get_image');
  const row = visibleRow(ic, ctx, id);
  requireRule(ctx, 'add_image_tag', row.owner, 'You are not permitted to modify tags on this image.');
  const t = checkTag(tag);
  const now = ic.now();
  ic.db.transaction((tx) => {
    const n = Number(tx.select({ n: count() }).from(imgTags).where(eq(imgTags.imageId, id)).get()?.n ?? 0);
    const has = tx.select({ t: imgTags.tag }).from(imgTags).where(and(eq(imgTags.imageId, id), eq(imgTags.tag, t))).get();
    if (has) return;
    if (n + 1 > MAX_TAGS) throw errors.quota(`Maximum number of tags exceeded by 1`, { reason: 'tags' });
    tx.insert(imgTags).values({ imageId: id, tag: t, createdAt: now }).onConflictDoNothing().run();
    tx.update(imgImages).set({ updatedAt: now }).where(eq(imgImages.id, id)).run();
  });
}

/** Removes a tag; 404 when the image does not carry it. */
export function deleteTag(ic: ImageContext, ctx: RequestContext, id: string, tag: string): void {
  requireRule(ctx, 'get_image');
  const row = visibleRow(ic, ctx, id);
  requireRule(ctx, 'delete_image_tag', row.owner, 'You are not permitted to modify tags on this image.');
  const removed = ic.db.transaction((tx) => {
    const r = tx.delete(imgTags).where(and(eq(imgTags.imageId, id), eq(imgTags.tag, tag))).run();
    if (r.changes > 0) tx.update(imgImages).set({ updatedAt: ic.now() }).where(eq(imgImages.id, id)).run();
    return r.changes;
  });
  if (!removed) throw errors.notFound('tag', tag, `Tag ${tag} not found`);
}

/** active → deactivated (a deactivated image stays so); anything else is 403, as in Glance. */
export function deactivateImage(ic: ImageContext, ctx: RequestContext, id: string): void {
  flipActive(ic, ctx, id, 'deactivate', 'active', 'deactivated');
}

/** deactivated → active (an active image stays so); anything else is 403. */
export function reactivateImage(ic: ImageContext, ctx: RequestContext, id: string): void {
  flipActive(ic, ctx, id, 'reactivate', 'deactivated', 'active');
}

function flipActive(ic: ImageContext, ctx: RequestContext, id: string, action: 'deactivate' | 'reactivate', from: string, to: string): void {
  requireRule(ctx, 'get_image');
  const row = visibleRow(ic, ctx, id);
  requireRule(ctx, action, row.owner, `You are not authorized to complete ${action} action.`);
  if (row.status === to) return;
  if (row.status !== from) throw errors.forbidden(`Not allowed to ${action} image in status '${row.status}'`, { reason: 'status' });
  const r = ic.db
    .update(imgImages)
    .set({ status: to, updatedAt: ic.now() })
    .where(and(eq(imgImages.id, id), eq(imgImages.status, from)))
    .run();
  if (r.changes === 0) throw errors.conflict('image', `Image ${id} changed status while it was being ${action}d; try again.`);
}

/** Bytes an owner's images and staged data use (`image_size_total` and `image_stage_total`). */
export function usage(ic: ImageContext, owner: string): { bytes: number; staged: number } {
  const r = ic.db
    .select({ bytes: sql<number>`coalesce(sum(${imgImages.size}), 0)`, staged: sql<number>`coalesce(sum(${imgImages.stageSize}), 0)` })
    .from(imgImages)
    .where(eq(imgImages.owner, owner))
    .get();
  return { bytes: Number(r?.bytes ?? 0), staged: Number(r?.staged ?? 0) };
}

/** The caller's project usage and limits (Glance `GET /v2/info/usage`); sizes in bytes, undefined limits unlimited. */
export function projectUsage(ic: ImageContext, ctx: RequestContext): { images: number; uploading: number; bytes: number; staged: number; limits: ImageContext['quotas'] } {
  requireRule(ctx, 'get_images');
  const owner = ctx.auth?.projectId;
  if (!owner) throw errors.forbidden('A project-scoped token is required.');
  const n = (cond: ReturnType<typeof eq>) => Number(ic.db.select({ n: count() }).from(imgImages).where(cond).get()?.n ?? 0);
  const { bytes, staged } = usage(ic, owner);
  return {
    images: n(eq(imgImages.owner, owner)),
    uploading: n(and(eq(imgImages.owner, owner), sql`${imgImages.status} in ('saving', 'uploading', 'importing')`)!),
    bytes,
    staged,
    limits: ic.quotas,
  };
}

