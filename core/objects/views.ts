// Shapes stored container and object rows into the service's result types.
import { inArray } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import { projects } from '../db/schema/identity.js';
import { projectRole } from './access.js';
import type { ContainerRow, ObjectRow, ObjectStoreContext } from './store-context.js';
import type { AclView, Checksum, ContainerInfo, ObjectInfo, ObjectKind, StoredAcl, SystemMetadata } from './types.js';

/** Project id → name for those of `ids` that exist (S3 DisplayName of a canonical user). */
export function projectDisplayNames(store: ObjectStoreContext, ids: Iterable<string>): Record<string, string> {
  const want = [...new Set(ids)];
  if (!want.length) return {};
  const rows = store.db.select({ id: projects.id, name: projects.name }).from(projects).where(inArray(projects.id, want)).all();
  return Object.fromEntries(rows.map((r) => [r.id, r.name]));
}

/** The AclView of an ACL stored on a container of `bucketOwner` (an object's, when it names its owner). */
export function aclView(store: ObjectStoreContext, bucketOwner: string, acl: StoredAcl): AclView {
  const owner = acl.owner ?? bucketOwner;
  const ids = [owner, bucketOwner, ...acl.grants.flatMap((g) => (g.grantee.type === 'project' ? [g.grantee.projectId] : []))];
  return { owner, bucketOwner, acl, displayNames: projectDisplayNames(store, ids) };
}

/** The ObjectInfo of a stored row in container `c`. */
export function objectInfo(c: ContainerRow, r: ObjectRow): ObjectInfo {
  const parts = r.manifest ? new Set(r.manifest.map((e) => e.partNumber)).size : undefined;
  return {
    projectId: c.projectId,
    container: c.name,
    name: r.name,
    versionId: r.id,
    s3VersionId: c.versioning ? (r.versionId ?? 'null') : undefined,
    size: r.size,
    etag: r.etag,
    swiftEtag: r.swiftEtag,
    contentType: r.contentType,
    userMetadata: { ...r.userMeta },
    systemMetadata: { ...r.sysMeta } as SystemMetadata,
    lastModified: r.lastModified,
    deleteAt: r.deleteAt ?? undefined,
    kind: r.kind as ObjectKind,
    partsCount: r.kind === 'multipart' || r.kind === 'slo' ? parts : undefined,
    dloManifest: r.dloManifest ?? undefined,
    checksum: (r.checksum as Checksum | null) ?? undefined,
    tagCount: Object.keys(r.tags ?? {}).length,
    acl: r.acl as StoredAcl,
  };
}

/** The ContainerInfo of a stored row, as seen by the caller (`callerIsOwner`). */
export function containerInfo(ctx: RequestContext, c: ContainerRow): ContainerInfo {
  return {
    projectId: c.projectId,
    name: c.name,
    objectCount: c.objectCount,
    bytesUsed: c.bytesUsed,
    metadata: { ...c.metadata },
    swiftAcl: { read: c.swiftRead, write: c.swiftWrite },
    s3Acl: c.s3Acl as StoredAcl,
    tags: c.tags ?? undefined,
    region: c.region,
    versioning: (c.versioning as ContainerInfo['versioning']) ?? undefined,
    swiftVersions: c.swiftVersionsLocation ? { location: c.swiftVersionsLocation, mode: c.swiftVersionsMode === 'history' ? 'history' : 'stack' } : undefined,
    createdAt: c.createdAt,
    lastModified: c.updatedAt,
    callerIsOwner: !!projectRole(ctx, c.projectId),
  };
}
