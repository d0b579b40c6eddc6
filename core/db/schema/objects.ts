// Drizzle schema for the object store: accounts, containers, objects, multipart uploads and parts, blob references.
import { sqliteTable, text, integer, blob, primaryKey, uniqueIndex, index } from 'drizzle-orm/sqlite-core';
import type { BlobCipher, CustomerKeyCheck } from '../../objects/sse-cipher.js';

/** Milliseconds since the epoch. */
const ms = (name: string) => integer(name);

/** JSON shapes stored in object-store columns (core/objects/types.ts has the documented public forms). */
export interface StoredGrant {
  grantee: { type: 'project'; projectId: string } | { type: 'group'; group: 'AllUsers' | 'AuthenticatedUsers' };
  permission: 'FULL_CONTROL' | 'READ' | 'WRITE' | 'READ_ACP' | 'WRITE_ACP';
}
export interface StoredAclJson {
  canned?: string;
  grants: StoredGrant[];
  /** Objects: the writing project when it is not the container's. */
  owner?: string;
}
/** One piece of a manifest object's bytes: `size` bytes of `blobKey` from `offset`. */
export interface ManifestEntry {
  blobKey: string;
  offset: number;
  size: number;
  /** Hex MD5 (unquoted) of the part / segment as listed. */
  etag: string;
  partNumber: number;
  /** SLO: `/container/object` the segment came from, and its range as given. */
  path?: string;
  range?: string;
  contentType?: string;
  lastModified?: number;
  checksum?: string;
  /** How this piece's blob is sealed (absent: stored in clear). */
  cipher?: BlobCipher;
}
/** An object's encryption at rest: its mode, the SSE-C key check, and the cipher of its own blob (simple objects). */
export interface StoredEncryption {
  mode: 'SSE-S3' | 'SSE-C';
  keyCheck?: CustomerKeyCheck;
  cipher?: BlobCipher;
}
/** A bucket's default encryption (PutBucketEncryption). */
export interface StoredDefaultEncryption {
  algorithm: 'AES256';
  bucketKeyEnabled?: boolean;
}

/** One row per project that used the object store: account metadata (incl. temp-url keys). */
export const objAccounts = sqliteTable('obj_accounts', {
  projectId: text('project_id').primaryKey(),
  metadata: text('metadata', { mode: 'json' }).$type<Record<string, string>>().notNull().default({}),
  createdAt: ms('created_at').notNull(),
});

export const objContainers = sqliteTable(
  'obj_containers',
  {
    id: text('id').primaryKey(),
    projectId: text('project_id').notNull(),
    name: text('name').notNull(),
    metadata: text('metadata', { mode: 'json' }).$type<Record<string, string>>().notNull().default({}),
    swiftRead: text('swift_read'),
    swiftWrite: text('swift_write'),
    s3Acl: text('s3_acl', { mode: 'json' }).$type<StoredAclJson>().notNull().default({ grants: [] }),
    tags: text('tags', { mode: 'json' }).$type<Record<string, string> | null>(),
    region: text('region').notNull(),
    /** S3 bucket versioning: null (never enabled), 'Enabled' or 'Suspended'. */
    versioning: text('versioning'),
    /** Default encryption of new objects written without an explicit choice; null: none. */
    encryption: text('encryption', { mode: 'json' }).$type<StoredDefaultEncryption | null>(),
    /** Swift versioned writes: the archive container's name (`X-Versions-Location` / `X-History-Location`). */
    swiftVersionsLocation: text('swift_versions_location'),
    /** 'stack' (X-Versions-Location) or 'history' (X-History-Location). */
    swiftVersionsMode: text('swift_versions_mode'),
    /** Counters kept in the same transaction as every object write. */
    objectCount: integer('object_count').notNull().default(0),
    bytesUsed: integer('bytes_used').notNull().default(0),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [uniqueIndex('obj_containers_project_name_uq').on(t.projectId, t.name), index('obj_containers_name_idx').on(t.name, t.createdAt)],
);

/**
 * The columns of one stored object version besides its id, shared by `obj_objects` (current versions)
 * and `obj_versions` (noncurrent ones and delete markers), so a row moves between the two unchanged.
 * A function: each table needs its own column builders.
 */
const objectVersionColumns = () => ({
  containerId: text('container_id').notNull(),
  name: text('name').notNull(),
  size: integer('size').notNull(),
  etag: text('etag').notNull(),
  swiftEtag: text('swift_etag').notNull(),
  contentType: text('content_type').notNull(),
  userMeta: text('user_meta', { mode: 'json' }).$type<Record<string, string>>().notNull().default({}),
  sysMeta: text('sys_meta', { mode: 'json' }).$type<Record<string, string>>().notNull().default({}),
  lastModified: ms('last_modified').notNull(),
  deleteAt: ms('delete_at'),
  tags: text('tags', { mode: 'json' }).$type<Record<string, string> | null>(),
  acl: text('acl', { mode: 'json' }).$type<StoredAclJson>().notNull().default({ grants: [] }),
  checksum: text('checksum', { mode: 'json' }).$type<{ algorithm: string; value: string; type: string } | null>(),
  /** simple | multipart | slo | dlo */
  kind: text('kind').notNull(),
  /** simple: the blob holding the bytes. */
  blobKey: text('blob_key'),
  /** multipart/slo: the pieces in order. */
  manifest: text('manifest', { mode: 'json' }).$type<ManifestEntry[] | null>(),
  /** dlo: `container/prefix`. */
  dloManifest: text('dlo_manifest'),
  /** Encryption at rest; null: stored in clear. */
  encryption: text('encryption', { mode: 'json' }).$type<StoredEncryption | null>(),
  /** S3 version id of this version; null is S3's "null" version (written while unversioned or suspended). */
  versionId: text('version_id'),
});

/** The current version of each object (unversioned store: one row per name). Names are verbatim, byte-ordered (BINARY). */
export const objObjects = sqliteTable(
  'obj_objects',
  { id: text('id').primaryKey(), ...objectVersionColumns() },
  (t) => [uniqueIndex('obj_objects_container_name_uq').on(t.containerId, t.name), index('obj_objects_delete_at_idx').on(t.deleteAt)],
);

/**
 * S3 noncurrent versions and delete markers (the current version of a name stays in `obj_objects`).
 * The columns are `obj_objects`' (objectVersionColumns) plus `seq`, which orders a name's versions
 * (higher is newer), and `delete_marker`. Invariant: when a name has no current row, its newest row
 * here (if any) is a delete marker.
 */
export const objVersions = sqliteTable(
  'obj_versions',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    deleteMarker: integer('delete_marker', { mode: 'boolean' }).notNull().default(false),
    id: text('id').notNull(),
    ...objectVersionColumns(),
  },
  (t) => [uniqueIndex('obj_versions_id_uq').on(t.id), index('obj_versions_container_name_seq_idx').on(t.containerId, t.name, t.seq)],
);

export const objUploads = sqliteTable(
  'obj_uploads',
  {
    id: text('id').primaryKey(),
    containerId: text('container_id').notNull(),
    name: text('name').notNull(),
    initiated: ms('initiated').notNull(),
    initiatorUserId: text('initiator_user_id'),
    initiatorUserName: text('initiator_user_name'),
    /** Content type, metadata, tags, ACL, checksum algorithm and delete-at applied at completion. */
    settings: text('settings', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
    /** Set once completed: the object version it produced (so a repeated Complete answers the same). */
    completedVersionId: text('completed_version_id'),
    completedEtag: text('completed_etag'),
  },
  (t) => [index('obj_uploads_container_name_idx').on(t.containerId, t.name, t.initiated)],
);

export const objParts = sqliteTable(
  'obj_parts',
  {
    uploadId: text('upload_id').notNull(),
    partNumber: integer('part_number').notNull(),
    blobKey: text('blob_key').notNull(),
    size: integer('size').notNull(),
    etag: text('etag').notNull(),
    checksum: text('checksum'),
    lastModified: ms('last_modified').notNull(),
    /** How the part's blob is sealed; null: in clear. */
    cipher: text('cipher', { mode: 'json' }).$type<BlobCipher | null>(),
  },
  (t) => [primaryKey({ columns: [t.uploadId, t.partNumber] })],
);

/**
 * The bytes of small blobs, kept in the database instead of a file (core/objects/inline-blobs.ts): written in the
 * same transaction as the object or part that references them, read and collected through the blob store interface.
 */
export const objInlineBlobs = sqliteTable('obj_inline_blobs', {
  blobKey: text('blob_key').primaryKey(),
  data: blob('data', { mode: 'buffer' }).notNull(),
  createdAt: ms('created_at').notNull(),
});

/** How many object rows and parts reference each blob; a blob at zero is deleted by a `blob.gc` job. */
export const objBlobRefs = sqliteTable('obj_blob_refs', {
  blobKey: text('blob_key').primaryKey(),
  refs: integer('refs').notNull(),
  updatedAt: ms('updated_at').notNull(),
});

/**
 * Bucket configuration documents (CORS rules, bucket policy, lifecycle rules, public access block), one row
 * per container and kind; the document is core's validated form (core/objects/bucket-config.ts).
 */
export const objBucketConfigs = sqliteTable(
  'obj_bucket_configs',
  {
    containerId: text('container_id').notNull(),
    /** cors | policy | lifecycle | public-access-block */
    kind: text('kind').notNull(),
    document: text('document', { mode: 'json' }).$type<unknown>().notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.containerId, t.kind] }), index('obj_bucket_configs_kind_idx').on(t.kind)],
);
