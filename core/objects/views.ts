// Shapes stored container and object rows into the service's result types.
import type { RequestContext } from '../context.js';
import { projectRole } from './access.js';
import type { ContainerRow, ObjectRow } from './store-context.js';
import type { Checksum, ContainerInfo, ObjectInfo, ObjectKind, StoredAcl, SystemMetadata } from './types.js';

/** The ObjectInfo of a stored row in container `c`. */
export function objectInfo(c: ContainerRow, r: ObjectRow): ObjectInfo {
  const parts = r.manifest ? new Set(r.manifest.map((e) => e.partNumber)).size : undefined;
  return {
    projectId: c.projectId,
    container: c.name,
    name: r.name,
    versionId: r.id,
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
    encryption: r.encryption?.mode,
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
    createdAt: c.createdAt,
    lastModified: c.updatedAt,
    callerIsOwner: !!projectRole(ctx, c.projectId),
  };
}
