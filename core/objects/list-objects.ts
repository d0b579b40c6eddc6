// Object listings of a container (Swift container GET, S3 ListObjects/ListObjectsV2).
import type { RequestContext } from '../context.js';
import { assertList, requireContainer } from './authorize.js';
import { resolvePieces } from './object-pieces.js';
import { liveObject } from './object-rows.js';
import { concatEtag, multipartEtag } from './rules.js';
import { MAX_LIST, type ObjectStoreContext } from './store-context.js';
import type { AccessOptions, ContainerRef, ListOptions, ObjectKind, ObjectListing } from './types.js';
import { projectDisplayNames } from './views.js';

/** Listing columns, snake_case as the raw listing query returns them. */
interface ListRow {
  name: string;
  size: number;
  etag: string;
  swift_etag: string;
  content_type: string;
  last_modified: number;
  kind: string;
  delete_at: number | null;
  /** The ACL's `owner` (set only when a writer of another project owns the object). */
  owner: string | null;
}

/** Objects (and rolled-up prefixes) of a container, in byte order. Needs listing access. Expired objects are omitted. */
export async function listObjects(store: ObjectStoreContext, ctx: RequestContext, ref: ContainerRef, opts: ListOptions = {}, access: AccessOptions = {}): Promise<ObjectListing> {
  void access;
  const c = requireContainer(store, ref, ctx);
  assertList(store, ctx, c, { prefix: opts.prefix });
  const limit = Math.min(Math.max(opts.limit ?? MAX_LIST, 0), MAX_LIST);
  if (limit === 0) return { entries: [], isTruncated: false };
  const now = store.now();
  const { entries, isTruncated } = store.lister.list<ListRow>(c.id, opts, limit, (r) => r.delete_at !== null && r.delete_at <= now);
  const out = entries.map((e) =>
    e.type === 'prefix'
      ? e
      : {
          type: 'object' as const,
          name: e.row.name,
          size: e.row.size,
          etag: e.row.etag,
          swiftEtag: e.row.swift_etag,
          contentType: e.row.content_type,
          lastModified: e.row.last_modified,
          kind: e.row.kind as ObjectKind,
          ownerProjectId: e.row.owner ?? c.projectId,
        },
  );
  if (opts.resolveDynamicManifests) {
    for (const e of out) {
      if (e.type !== 'object' || e.kind !== 'dlo') continue;
      const row = liveObject(store, c.id, e.name);
      if (!row) continue;
      const r = resolvePieces(store, c, row);
      e.size = r.size;
      e.swiftEtag = concatEtag(r.etags);
      e.etag = r.etags.length ? multipartEtag(r.etags) : e.swiftEtag;
    }
  }
  const last = out.at(-1);
  const ownerNames = opts.withOwnerNames ? projectDisplayNames(store, [c.projectId, ...out.flatMap((e) => (e.type === 'object' ? [e.ownerProjectId] : []))]) : undefined;
  return { entries: out, isTruncated, nextMarker: isTruncated && last ? (last.type === 'prefix' ? last.prefix : last.name) : undefined, ownerNames };
}
