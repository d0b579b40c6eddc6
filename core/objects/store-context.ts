// The one internal context every object-store capability module works on: db, prepared statements, blob store, clock, config.
import type Database from 'better-sqlite3';
import type { BlobStore } from '../../backends/blob/types.js';
import { GroupCommit } from '../db/group-commit.js';
import { jsonTextField, type Db } from '../db/index.js';
import type { objContainers, objObjects, objUploads } from '../db/schema/objects.js';
import { enqueueInTx as outboxEnqueue, type DbOrTx } from '../jobs/outbox.js';
import type { EnqueueOptions, JobName, JobPayloads } from '../jobs/port.js';
import type { Logger } from '../logger.js';
import { DEFAULT_INLINE_MAX_BYTES, InlineBlobStore } from './inline-blobs.js';
import { NameLister } from './listing.js';
import type { SseKeyRing } from './sse-cipher.js';
import { prepareObjectStatements, type ObjectStatements } from './statements.js';

/** Writes a job into the caller's open (synchronous) database transaction: the outbox. */
export type TxEnqueue = <N extends JobName>(tx: DbOrTx, name: N, payload: JobPayloads[N], opts?: EnqueueOptions) => void;

/** Everything the object service is built from (in `gateway/app.ts`). */
export interface ObjectServiceDeps {
  db: Db;
  blobs: BlobStore;
  logger: Logger;
  /** Region reported for containers created without one. */
  region: string;
  /** Enqueue inside a db transaction; defaults to the job outbox (`core/jobs/outbox.ts`). */
  enqueueInTx?: TxEnqueue;
  clock?: { now(): number };
  /** Delay before unreferenced blobs are deleted, so readers streaming an old version finish (default 60 s). */
  gcDelayMs?: number;
  /** Incomplete multipart uploads are aborted this long after initiation (default 7 days). */
  multipartTtlMs?: number;
  /** Smallest non-last multipart part (S3: 5 MiB); tests lower it. */
  minPartSize?: number;
  /** Keys wrapping SSE-S3 data keys (`$DATA_DIR/sse-keys`); without it SSE-S3 requests are NotImplemented. */
  sseKeys?: SseKeyRing;
  /** Hears each group commit (seconds until durable, batch size): metrics. */
  onCommit?: (seconds: number, batchSize: number) => void;
  /** Bodies of at most this many bytes (declared size, stored in clear) are kept in the database; 0: never (default 16 KiB). */
  inlineMaxBytes?: number;
}

export type ContainerRow = typeof objContainers.$inferSelect;
export type ObjectRow = typeof objObjects.$inferSelect;
export type UploadRow = typeof objUploads.$inferSelect;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Most entries one listing page returns. */
export const MAX_LIST = 10000;

/**
 * The state one ObjectService instance shares with its capability modules (containers, put, get,
 * copy, multipart, ...). Built once per service; never a module-level singleton.
 */
export interface ObjectStoreContext {
  readonly deps: ObjectServiceDeps;
  readonly db: Db;
  readonly blobs: BlobStore;
  readonly enqueue: TxEnqueue;
  /** Object listings by index range scans over (container_id, name). */
  readonly lister: NameLister;
  /** Container listings by index range scans over (project_id, name). */
  readonly containerLister: NameLister;
  /** TempURL grants this instance issued: an AccessOptions grant counts only if it is one of these. */
  readonly grants: WeakSet<object>;
  readonly stmts: ObjectStatements;
  /** Group commit of blob-backed writes (one fsync per batch). */
  readonly commits: GroupCommit;
  /** Where small blobs go (`blobs` is then this store); undefined when inlining is off. */
  readonly inline?: { store: InlineBlobStore; maxBytes: number };
  /** The clock (ms since epoch). */
  now(): number;
}

/** Builds the shared context from the service's dependencies (prepares statements on the db's connection). */
export function createObjectStoreContext(deps: ObjectServiceDeps): ObjectStoreContext {
  // drizzle's better-sqlite3 handle carries its connection; listings use it for cached prepared statements.
  const sqlite = (deps.db as unknown as { $client: Database.Database }).$client;
  const now = () => deps.clock?.now() ?? Date.now();
  const maxBytes = deps.inlineMaxBytes ?? DEFAULT_INLINE_MAX_BYTES;
  // The gateway passes the wrapped store (its workers collect inline blobs too); a bare backend is wrapped here.
  const blobs = deps.blobs instanceof InlineBlobStore ? deps.blobs : new InlineBlobStore(deps.blobs, deps.db, now);
  return {
    deps,
    db: deps.db,
    blobs,
    inline: maxBytes > 0 ? { store: blobs, maxBytes } : undefined,
    enqueue: deps.enqueueInTx ?? ((tx, name, payload, opts) => void outboxEnqueue(tx, name, payload, opts, now())),
    lister: new NameLister(sqlite, 'obj_objects', 'container_id', `name, size, etag, swift_etag, content_type, last_modified, kind, delete_at, ${jsonTextField(sqlite, 'acl', 'owner')} AS owner`),
    containerLister: new NameLister(sqlite, 'obj_containers', 'project_id', 'id, name, object_count, bytes_used, created_at, updated_at, region'),
    grants: new WeakSet<object>(),
    stmts: prepareObjectStatements(deps.db),
    commits: new GroupCommit(deps.db, deps.onCommit),
    now,
  };
}
