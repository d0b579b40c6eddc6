// Accounts: counters and metadata of a project's store, and its container listing (Swift account GET, S3 ListBuckets).
import { eq, sql } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import { objAccounts, objContainers } from '../db/schema/objects.js';
import { requireProjectRole } from './authorize.js';
import { applyMetadataUpdate } from './object-rows.js';
import { authorizeAccountQuota } from './quotas.js';
import { MAX_LIST, type ObjectStoreContext } from './store-context.js';
import type { AccountInfo, ContainerListing, ListOptions, MetadataUpdate } from './types.js';

/** Counters and metadata of the project's account (zeros for an account never used). Reader role needed. */
export async function headAccount(store: ObjectStoreContext, ctx: RequestContext, projectId: string): Promise<AccountInfo> {
  requireProjectRole(ctx, projectId, false);
  return accountInfo(store, projectId);
}

/** Counters (summed over the project's containers) and metadata of an account. */
function accountInfo(store: ObjectStoreContext, projectId: string): AccountInfo {
  const acct = store.db.select().from(objAccounts).where(eq(objAccounts.projectId, projectId)).get();
  const sums = store.db
    .select({ n: sql<number>`count(*)`, objects: sql<number>`coalesce(sum(${objContainers.objectCount}), 0)`, bytes: sql<number>`coalesce(sum(${objContainers.bytesUsed}), 0)` })
    .from(objContainers)
    .where(eq(objContainers.projectId, projectId))
    .get();
  return {
    projectId,
    containerCount: Number(sums?.n ?? 0),
    objectCount: Number(sums?.objects ?? 0),
    bytesUsed: Number(sums?.bytes ?? 0),
    metadata: { ...(acct?.metadata ?? {}) },
    createdAt: acct?.createdAt ?? store.now(),
  };
}

/** Swift account POST: set/remove account metadata (incl. `temp-url-key`, `temp-url-key-2`). Member role needed. */
export async function updateAccountMetadata(store: ObjectStoreContext, ctx: RequestContext, projectId: string, update: MetadataUpdate): Promise<AccountInfo> {
  requireProjectRole(ctx, projectId, true);
  authorizeAccountQuota(ctx, update);
  store.db.transaction((tx) => {
    const acct = tx.select().from(objAccounts).where(eq(objAccounts.projectId, projectId)).get();
    const meta = applyMetadataUpdate(acct?.metadata ?? {}, update);
    if (acct) tx.update(objAccounts).set({ metadata: meta }).where(eq(objAccounts.projectId, projectId)).run();
    else tx.insert(objAccounts).values({ projectId, metadata: meta, createdAt: store.now() }).run();
  });
  return accountInfo(store, projectId);
}

/** The project's containers in byte order of name (Swift account GET, S3 ListBuckets). Reader role needed. */
export async function listContainers(store: ObjectStoreContext, ctx: RequestContext, projectId: string, opts: ListOptions = {}): Promise<ContainerListing> {
  requireProjectRole(ctx, projectId, false);
  const limit = Math.min(Math.max(opts.limit ?? MAX_LIST, 0), MAX_LIST);
  if (limit === 0) return { containers: [], isTruncated: false };
  type Row = { id: string; name: string; object_count: number; bytes_used: number; created_at: number; updated_at: number; region: string };
  const { entries, isTruncated } = store.containerLister.list<Row>(projectId, { ...opts, delimiter: undefined }, limit);
  const containers = entries.flatMap((e) =>
    e.type === 'row'
      ? [{ name: e.row.name, projectId, objectCount: e.row.object_count, bytesUsed: e.row.bytes_used, createdAt: e.row.created_at, lastModified: e.row.updated_at, region: e.row.region }]
      : [],
  );
  return { containers, isTruncated, nextMarker: isTruncated ? containers.at(-1)?.name : undefined };
}
