// Prepared statements for the object service's per-request queries (building and preparing SQL per call cost more than running it).
import type Database from 'better-sqlite3';
import type { Db } from '../db/index.js';
import { rowMapper, type RowMapper } from '../db/row-mapper.js';
import { objContainers, objObjects } from '../db/schema/objects.js';

type ObjectInsert = typeof objObjects.$inferInsert;

/** JSON column value as drizzle writes it: SQL NULL stays NULL, anything else is JSON text. */
const json = (v: unknown): string | null => (v === undefined || v === null ? null : JSON.stringify(v));

/** One raw row mapped, or undefined when the statement found none. */
const mapOne = <T>(m: RowMapper<T>, values: unknown): T | undefined => (values === undefined ? undefined : m.map(values as unknown[]));

const OBJECT_COLUMNS =
  'id, container_id, name, size, etag, swift_etag, content_type, user_meta, sys_meta, last_modified, delete_at, tags, acl, checksum, kind, blob_key, manifest, dlo_manifest, encryption, version_id';

/**
 * The hot queries of object reads and writes, prepared once per connection. They run on the
 * connection's current transaction when called inside one (better-sqlite3 has a single connection),
 * so they serve both plain reads and transactional writes.
 */
export function prepareObjectStatements(db: Db) {
  const sqlite = (db as unknown as { $client: Database.Database }).$client;
  // Whole rows through raw statements and a mapper compiled once (drizzle's per-row mapping was the larger cost).
  const containerRow = rowMapper(objContainers);
  const objectRow = rowMapper(objObjects);
  const containerByProjectName = sqlite.prepare(`SELECT ${containerRow.columns} FROM obj_containers WHERE project_id = ? AND name = ?`).raw();
  const oldestContainerByName = sqlite.prepare(`SELECT ${containerRow.columns} FROM obj_containers WHERE name = ? ORDER BY created_at ASC LIMIT 1`).raw();
  const objectByName = sqlite.prepare(`SELECT ${objectRow.columns} FROM obj_objects WHERE container_id = ? AND name = ?`).raw();
  // Raw: a drizzle placeholder would turn a null JSON column into the text 'null'.
  const insertObject = sqlite.prepare(`INSERT INTO obj_objects (${OBJECT_COLUMNS}) VALUES (${OBJECT_COLUMNS.split(', ').map(() => '?').join(', ')})`);
  const containerExists = sqlite.prepare('SELECT 1 FROM obj_containers WHERE id = ?').pluck();
  const containerVersioning = sqlite.prepare('SELECT versioning, swift_versions_location AS location, swift_versions_mode AS mode, project_id AS "projectId" FROM obj_containers WHERE id = ?');
  const bumpContainer = sqlite.prepare('UPDATE obj_containers SET object_count = object_count + ?, bytes_used = bytes_used + ?, updated_at = ? WHERE id = ?');
  const quotaUsage = sqlite.prepare(
    'SELECT c.project_id AS "projectId", c.metadata AS metadata, c.object_count AS "objectCount", c.bytes_used AS "bytesUsed", a.metadata AS "accountMetadata" ' +
      'FROM obj_containers c LEFT JOIN obj_accounts a ON a.project_id = c.project_id WHERE c.id = ?',
  );
  const projectBytes = sqlite.prepare('SELECT coalesce(sum(bytes_used), 0) FROM obj_containers WHERE project_id = ?').pluck();
  const projectDomainId = sqlite.prepare('SELECT domain_id FROM projects WHERE id = ?').pluck();
  const bucketConfigRows = sqlite.prepare('SELECT kind, document FROM obj_bucket_configs WHERE container_id = ?');
  const addRef = sqlite.prepare(
    'INSERT INTO obj_blob_refs (blob_key, refs, updated_at) VALUES (?, 1, ?) ON CONFLICT (blob_key) DO UPDATE SET refs = obj_blob_refs.refs + 1, updated_at = excluded.updated_at',
  );

  return {
    containerByProjectName: (projectId: string, name: string) => mapOne(containerRow, containerByProjectName.get(projectId, name)),
    oldestContainerByName: (name: string) => mapOne(containerRow, oldestContainerByName.get(name)),
    /** The domain of a Keystone project; undefined when there is no such project. */
    projectDomainId: (projectId: string) => projectDomainId.get(projectId) as string | undefined,
    /** A container's configuration documents (kind → parsed JSON). */
    bucketConfigs(containerId: string): Record<string, unknown> {
      const out: Record<string, unknown> = {};
      for (const r of bucketConfigRows.all(containerId) as Array<{ kind: string; document: string }>) out[r.kind] = JSON.parse(r.document);
      return out;
    },
    containerExists: (id: string) => containerExists.get(id) !== undefined,
    /** The versioning settings every object write and delete consults (`versions.ts`). */
    containerVersioning: (id: string) =>
      containerVersioning.get(id) as { versioning: string | null; location: string | null; mode: string | null; projectId: string } | undefined,
    objectByName: (containerId: string, name: string) => mapOne(objectRow, objectByName.get(containerId, name)),
    /** Inserts an object row, applying the schema's defaults for omitted columns. */
    insertObject(r: ObjectInsert): void {
      insertObject.run(
        r.id,
        r.containerId,
        r.name,
        r.size,
        r.etag,
        r.swiftEtag,
        r.contentType,
        json(r.userMeta ?? {}),
        json(r.sysMeta ?? {}),
        r.lastModified,
        r.deleteAt ?? null,
        json(r.tags),
        json(r.acl ?? { grants: [] }),
        json(r.checksum),
        r.kind,
        r.blobKey ?? null,
        json(r.manifest),
        r.dloManifest ?? null,
        json(r.encryption),
        r.versionId ?? null,
      );
    },
    /** Adds to a container's object and byte counters. */
    bumpContainer: (id: string, objects: number, bytes: number, now: number) => void bumpContainer.run(objects, bytes, now, id),
    addRef: (blobKey: string, now: number) => void addRef.run(blobKey, now),
    /** A container's counters and metadata with its account's metadata (JSON text), for the quota check. */
    quotaUsage: (containerId: string) =>
      quotaUsage.get(containerId) as { projectId: string; metadata: string; objectCount: number; bytesUsed: number; accountMetadata: string | null } | undefined,
    /** Bytes used by all of a project's containers. */
    projectBytes: (projectId: string) => Number(projectBytes.get(projectId) ?? 0),
  };
}

/** The prepared statements of one connection. */
export type ObjectStatements = ReturnType<typeof prepareObjectStatements>;
