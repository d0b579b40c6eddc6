// The image service (Glance's model and rules): one class Glance (and later EC2 AMIs) call; data lives in the object store.
import { Readable } from 'node:stream';
import { eq } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import { imgImages } from '../db/schema/image.js';
import { isCoreError } from '../errors.js';
import { enqueueInTx } from '../jobs/outbox.js';
import { IMAGE_STORE_CONTAINER, IMAGE_STORE_PROJECT, dataRef, storeCtx, type ImageContext, type ImageServiceDeps } from './context.js';
import { DEFAULT_IMAGE_ID, DEFAULT_IMAGE_NAME, defaultImageBytes } from './default-image.js';
import { HASH_ALGO } from './hashing.js';
import { MAX_IMAGE_BYTES, downloadData, getTask, imageTasks, importMethods, listTasks, runImport, stageData, startImport, uploadData } from './image-data.js';
import { addTag, createImage, deactivateImage, deleteImage, deleteTag, getImage, projectUsage, reactivateImage, updateImage } from './images.js';
import { listImages } from './list-images.js';
import { addMember, deleteMember, getMember, listMembers, updateMember } from './members.js';
import { newEc2Id } from './rules.js';
import type { ByteRange, CreateImageInput, Image, ImageChange, ImageDownload, ImageMember, ImagePage, ImageTask, ImportRequest, ListImagesOptions } from './types.js';
import { createHash } from 'node:crypto';

export type { ImageServiceDeps } from './context.js';
export { IMAGE_STORE_PROJECT, IMAGE_STORE_CONTAINER } from './context.js';
export * from './types.js';

/**
 * Images: records, data, members, tags, imports and tasks. Every rule (visibility, policy, states,
 * quotas) is enforced here; the Glance face only translates. Image bytes are objects in an internal
 * object-store account no tenant can reach.
 */
export class ImageService {
  private readonly ic: ImageContext;

  constructor(deps: ImageServiceDeps) {
    const clock = deps.clock ?? { now: () => Date.now() };
    this.ic = {
      db: deps.db,
      objects: deps.objects,
      logger: deps.logger,
      enqueue: deps.enqueueInTx ?? ((tx, name, payload, opts) => enqueueInTx(tx, name, payload, opts, clock.now())),
      fetcher: deps.fetcher,
      quotas: deps.quotas ?? {},
      maxImageBytes: Math.min(deps.maxImageBytes ?? MAX_IMAGE_BYTES, MAX_IMAGE_BYTES),
      now: () => clock.now(),
    };
  }

  /** Creates the internal store container (idempotent); call once before serving. */
  async init(): Promise<void> {
    await this.ic.objects.createContainer(storeCtx('image-init'), { projectId: IMAGE_STORE_PROJECT, container: IMAGE_STORE_CONTAINER });
  }

  /**
   * Registers the default image (public, active, a small raw disk made in code) owned by `owner`, once:
   * a first server can boot without an upload. Later starts find it and do nothing.
   */
  async ensureDefaultImage(owner: string): Promise<void> {
    if (this.ic.db.select({ id: imgImages.id }).from(imgImages).where(eq(imgImages.id, DEFAULT_IMAGE_ID)).get()) return;
    const bytes = defaultImageBytes();
    const name = `${DEFAULT_IMAGE_ID}/data-default`;
    await this.ic.objects.putObject(storeCtx('image-bootstrap'), dataRef(name), Readable.toWeb(Readable.from([bytes])) as ReadableStream<Uint8Array>, { expectedSize: bytes.length });
    const now = this.ic.now();
    this.ic.db
      .insert(imgImages)
      .values({
        id: DEFAULT_IMAGE_ID,
        ec2Id: newEc2Id(),
        name: DEFAULT_IMAGE_NAME,
        status: 'active',
        visibility: 'public',
        owner,
        containerFormat: 'bare',
        diskFormat: 'raw',
        size: bytes.length,
        virtualSize: bytes.length,
        checksum: createHash('md5').update(bytes).digest('hex'),
        osHashAlgo: HASH_ALGO,
        osHashValue: createHash(HASH_ALGO).update(bytes).digest('hex'),
        minDisk: 0,
        minRam: 0,
        protected: false,
        osHidden: false,
        dataObject: name,
        stageObject: null,
        stageSize: null,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing()
      .run();
  }

  create(ctx: RequestContext, input: CreateImageInput): Image {
    return createImage(this.ic, ctx, input);
  }

  get(ctx: RequestContext, id: string): Image {
    return getImage(this.ic, ctx, id);
  }

  list(ctx: RequestContext, opts: ListImagesOptions = {}): ImagePage {
    return listImages(this.ic, ctx, opts);
  }

  update(ctx: RequestContext, id: string, changes: ImageChange[]): Image {
    return updateImage(this.ic, ctx, id, changes);
  }

  delete(ctx: RequestContext, id: string): Promise<void> {
    return deleteImage(this.ic, ctx, id);
  }

  addTag(ctx: RequestContext, id: string, tag: string): void {
    addTag(this.ic, ctx, id, tag);
  }

  deleteTag(ctx: RequestContext, id: string, tag: string): void {
    deleteTag(this.ic, ctx, id, tag);
  }

  deactivate(ctx: RequestContext, id: string): void {
    deactivateImage(this.ic, ctx, id);
  }

  reactivate(ctx: RequestContext, id: string): void {
    reactivateImage(this.ic, ctx, id);
  }

  upload(ctx: RequestContext, id: string, body: ReadableStream<Uint8Array>, expectedSize?: number): Promise<void> {
    return uploadData(this.ic, ctx, id, body, expectedSize);
  }

  download(ctx: RequestContext, id: string, range?: ByteRange): Promise<ImageDownload | null> {
    return downloadData(this.ic, ctx, id, range);
  }

  stage(ctx: RequestContext, id: string, body: ReadableStream<Uint8Array>, expectedSize?: number): Promise<void> {
    return stageData(this.ic, ctx, id, body, expectedSize);
  }

  /** The caller's project usage against its image quotas. */
  usage(ctx: RequestContext): ReturnType<typeof projectUsage> {
    return projectUsage(this.ic, ctx);
  }

  /** The import methods offered (`GET /info/import`). */
  importMethods(): string[] {
    return importMethods(this.ic);
  }

  /** Starts an import; returns the task id. */
  import(ctx: RequestContext, id: string, req: ImportRequest): string {
    return startImport(this.ic, ctx, id, req);
  }

  /** The `image.import` job: runs the task (idempotent). */
  async runImport(taskId: string): Promise<void> {
    try {
      await runImport(this.ic, taskId);
    } catch (e) {
      // runImport records failures on the task itself; anything escaping is a database error worth a retry.
      if (isCoreError(e)) this.ic.logger.warn({ task: taskId, err: e.message }, 'image import: gave up');
      else throw e;
    }
  }

  getTask(ctx: RequestContext, id: string): ImageTask {
    return getTask(this.ic, ctx, id);
  }

  listTasks(ctx: RequestContext, opts: { status?: string; type?: string; limit?: number; sortDir?: 'asc' | 'desc' } = {}): ImageTask[] {
    return listTasks(this.ic, ctx, opts);
  }

  imageTasks(ctx: RequestContext, imageId: string): ImageTask[] {
    return imageTasks(this.ic, ctx, imageId);
  }

  addMember(ctx: RequestContext, id: string, member: string): ImageMember {
    return addMember(this.ic, ctx, id, member);
  }

  listMembers(ctx: RequestContext, id: string): ImageMember[] {
    return listMembers(this.ic, ctx, id);
  }

  getMember(ctx: RequestContext, id: string, member: string): ImageMember {
    return getMember(this.ic, ctx, id, member);
  }

  updateMember(ctx: RequestContext, id: string, member: string, status: string): ImageMember {
    return updateMember(this.ic, ctx, id, member, status);
  }

  deleteMember(ctx: RequestContext, id: string, member: string): void {
    deleteMember(this.ic, ctx, id, member);
  }
}
