// What the image service's modules share: the database, the object store holding the bytes, the clock, rows → model.
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { AuthContext, RequestContext } from '../context.js';
import type { Db } from '../db/index.js';
import { imgImages, imgMembers, imgProperties, imgTags } from '../db/schema/image.js';
import { errors } from '../errors.js';
import type { DbOrTx } from '../jobs/outbox.js';
import type { JobName, JobPayloads, EnqueueOptions } from '../jobs/port.js';
import type { Logger } from '../logger.js';
import type { ObjectService } from '../objects/object-service.js';
import { can } from '../policy/index.js';
import { imageRules } from '../policy/image-rules.js';
import type { Image, ImageQuotas, ImageStatus, UrlFetcher, Visibility } from './types.js';

/** The object-store account holding image bytes: no Keystone project has this id, so no tenant can reach it. */
export const IMAGE_STORE_PROJECT = '_skybridge_image_store';
/** Its one container; not a valid S3 bucket name, so no tenant can create (or squat) it through S3. */
export const IMAGE_STORE_CONTAINER = 'image_store';

/** Writes a job inside a transaction (the job outbox by default). */
export type ImageEnqueue = <N extends JobName>(tx: DbOrTx, name: N, payload: JobPayloads[N], opts?: EnqueueOptions) => string;

/** What the image service is built from. */
export interface ImageServiceDeps {
  db: Db;
  /** The object store: image data are objects in the internal image account. */
  objects: ObjectService;
  logger: Logger;
  /** Defaults to the job outbox. */
  enqueueInTx?: ImageEnqueue;
  /** web-download's SSRF-safe fetcher; without one web-download is not offered. */
  fetcher?: UrlFetcher;
  quotas?: ImageQuotas;
  /** Largest image, bytes (Glance `image_size_cap`); default and ceiling: the object store's largest object. */
  maxImageBytes?: number;
  clock?: { now(): number };
}

export type ImageRow = typeof imgImages.$inferSelect;

/** The shared state of one ImageService. */
export interface ImageContext {
  db: Db;
  objects: ObjectService;
  logger: Logger;
  enqueue: ImageEnqueue;
  fetcher?: UrlFetcher;
  quotas: ImageQuotas;
  maxImageBytes: number;
  now(): number;
}

/** The object-store caller the image service acts as on its internal account. */
export function storeCtx(requestId: string): RequestContext {
  const auth: AuthContext = {
    userId: 'skybridge-image-service',
    userName: 'skybridge-image-service',
    userDomainId: 'default',
    projectId: IMAGE_STORE_PROJECT,
    roles: ['admin', 'member', 'reader'],
    roleIds: [],
    methods: ['internal'],
    issuedAt: 0,
    expiresAt: Number.MAX_SAFE_INTEGER,
  };
  return { requestId, auth };
}

/** The object ref of an image's data or staged data. */
export const dataRef = (name: string) => ({ projectId: IMAGE_STORE_PROJECT, container: IMAGE_STORE_CONTAINER, name });

export const isAdmin = (ctx: RequestContext) => !!ctx.auth?.roles.includes('admin');

/** True when the caller passes the image policy rule `action` on a resource of `projectId`. */
export function allowed(ctx: RequestContext, action: string, projectId?: string | null): boolean {
  return can(ctx, action, { projectId: projectId ?? undefined }, imageRules);
}

/** Forbidden (Glance's policy wording) unless the caller passes `action`. */
export function requireRule(ctx: RequestContext, action: string, projectId?: string | null, message?: string): void {
  if (!ctx.auth) throw errors.unauthenticated();
  if (!allowed(ctx, action, projectId)) throw errors.forbidden(message ?? `You are not authorized to complete ${action} action.`, { reason: 'policy', action });
}

/** Whether the caller sees `row` at all (else it is a 404 to them, as in Glance). */
export function canSee(ic: ImageContext, ctx: RequestContext, row: ImageRow): boolean {
  const a = ctx.auth;
  if (!a) return false;
  if (a.roles.includes('admin')) return true;
  if (row.visibility === 'public' || row.visibility === 'community') return true;
  if (a.projectId && row.owner === a.projectId) return true;
  if (row.visibility === 'shared' && a.projectId) {
    const m = ic.db.select({ s: imgMembers.status }).from(imgMembers).where(and(eq(imgMembers.imageId, row.id), eq(imgMembers.member, a.projectId))).get();
    return !!m;
  }
  return false;
}

/** The image `id` as the caller may see it; NotFound (Glance: "No image found with ID x") otherwise. */
export function visibleRow(ic: ImageContext, ctx: RequestContext, id: string, db: DbOrTx = ic.db): ImageRow {
  const row = db.select().from(imgImages).where(eq(imgImages.id, id)).get();
  if (!row || !canSee(ic, ctx, row)) throw errors.notFound('image', id, `No image found with ID ${id}`);
  return row;
}

/** Attaches tags and properties to rows (two queries for the whole page). */
export function toImages(db: DbOrTx, rows: ImageRow[]): Image[] {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const props = db.select().from(imgProperties).where(inArray(imgProperties.imageId, ids)).all();
  const tags = db.select().from(imgTags).where(inArray(imgTags.imageId, ids)).orderBy(asc(imgTags.createdAt), asc(imgTags.tag)).all();
  const propsBy = new Map<string, Record<string, string>>();
  for (const p of props) {
    let m = propsBy.get(p.imageId);
    if (!m) propsBy.set(p.imageId, (m = {}));
    m[p.name] = p.value;
  }
  const tagsBy = new Map<string, string[]>();
  for (const t of tags) {
    let l = tagsBy.get(t.imageId);
    if (!l) tagsBy.set(t.imageId, (l = []));
    l.push(t.tag);
  }
  return rows.map((r) => toImage(r, tagsBy.get(r.id) ?? [], propsBy.get(r.id) ?? {}));
}

/** One image with its tags and properties. */
export function loadImage(db: DbOrTx, id: string): Image {
  const row = db.select().from(imgImages).where(eq(imgImages.id, id)).get();
  if (!row) throw errors.notFound('image', id, `No image found with ID ${id}`);
  return toImages(db, [row])[0]!;
}

function toImage(r: ImageRow, tags: string[], properties: Record<string, string>): Image {
  return {
    id: r.id,
    ec2Id: r.ec2Id,
    name: r.name,
    status: r.status as ImageStatus,
    visibility: r.visibility as Visibility,
    owner: r.owner,
    containerFormat: r.containerFormat,
    diskFormat: r.diskFormat,
    size: r.size,
    virtualSize: r.virtualSize,
    checksum: r.checksum,
    osHashAlgo: r.osHashAlgo,
    osHashValue: r.osHashValue,
    minDisk: r.minDisk,
    minRam: r.minRam,
    protected: r.protected,
    osHidden: r.osHidden,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    tags,
    properties,
    hasData: r.dataObject !== null,
  };
}
