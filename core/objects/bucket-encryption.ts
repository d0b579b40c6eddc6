// Bucket default encryption (S3 Put/Get/DeleteBucketEncryption): what new objects written without an explicit choice are sealed with.
import { eq } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import { objContainers } from '../db/schema/objects.js';
import { requireContainer, requireProjectRole } from './authorize.js';
import type { ObjectStoreContext } from './store-context.js';
import type { ContainerRef, DefaultEncryption } from './types.js';

/** The container's default encryption, or undefined when none is set. Needs a role on the owning project (a bucket configuration, not data: no ACL grants it). */
export async function getContainerEncryption(store: ObjectStoreContext, ctx: RequestContext, ref: ContainerRef): Promise<DefaultEncryption | undefined> {
  const c = requireContainer(store, ref, ctx);
  requireProjectRole(ctx, c.projectId, false);
  return c.encryption ?? undefined;
}

/**
 * Sets (or with `null` removes) the container's default encryption; objects already stored keep theirs.
 * Needs a writing role on the owning project.
 */
export async function putContainerEncryption(store: ObjectStoreContext, ctx: RequestContext, ref: ContainerRef, enc: DefaultEncryption | null): Promise<void> {
  const c = requireContainer(store, ref, ctx);
  requireProjectRole(ctx, c.projectId, true);
  const value = enc ? { algorithm: enc.algorithm, ...(enc.bucketKeyEnabled !== undefined ? { bucketKeyEnabled: enc.bucketKeyEnabled } : {}) } : null;
  store.db.update(objContainers).set({ encryption: value, updatedAt: store.now() }).where(eq(objContainers.id, c.id)).run();
}
