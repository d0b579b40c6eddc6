// Swift's object_versioning face (X-Versions-Enabled, ?versions, ?version-id) over core's S3 object versions: one set of versions, two APIs.
import type { VersionListing, VersionSummary, VersioningStatus } from '../../../../core/objects/types.js';
import { SwiftError } from '../errors.js';
import { listingTime } from '../headers.js';
import { LISTING_LIMIT, isTrue } from '../request-parse.js';
import { access, callerMayWrite, containerRef, respond, type SwiftRequest } from '../request.js';
import { containerHeaders, largeObjectEtags } from '../views.js';

/** The content type Swift lists (and serves) a delete marker with. */
export const DELETE_MARKER_CONTENT_TYPE = 'application/x-deleted;swift_versions_deleted=1';

/** MD5 of nothing: a delete marker is a zero-byte object in Swift's versions container. */
const EMPTY_MD5 = 'd41d8cd98f00b204e9800998ecf8427e';

/** The S3 versioning state an `X-Versions-Enabled` header asks for (Swift's config_true_value: anything else disables). */
export function readVersionsEnabled(r: SwiftRequest): VersioningStatus | undefined {
  const v = r.headers.get('x-versions-enabled');
  if (v === null) return undefined;
  return isTrue(v) ? 'Enabled' : 'Suspended';
}

/**
 * The `version-id` query parameter of an object request (an empty one is ignored, as Swift's `req.params.get`).
 * `null` names the version written while versioning was never enabled or disabled.
 */
export function versionIdParam(r: SwiftRequest): string | undefined {
  const v = r.target.query.get('version-id');
  if (!v) return undefined;
  // Swift parses a version id as its Timestamp; ours are core's 32-hex-digit version ids.
  if (v !== 'null' && !/^[0-9a-f]{32}$/.test(v)) throw new SwiftError(400, 'Invalid version parameter');
  return v;
}

/**
 * Refuses a version-aware request on a container whose versioning was never set (Swift's 400), before core
 * would answer "no such version". A caller who may not read the container learns nothing here: core decides.
 */
export async function requireVersionedContainer(r: SwiftRequest, versionId: string): Promise<void> {
  if (versionId === 'null') return;
  const info = await r.deps.objects.headContainer(r.ctx, containerRef(r), access(r)).catch(() => undefined);
  if (info && !info.versioning) throw new SwiftError(400, 'version-aware operations require that the container is versioned');
}

/** The `X-Object-Version-Id` a write answers with: only while versioning is enabled (a disabled container writes `null` silently). */
export function writtenVersionHeader(h: Headers, s3VersionId: string | undefined): void {
  if (s3VersionId !== undefined && s3VersionId !== 'null') h.set('X-Object-Version-Id', s3VersionId);
}

/** One JSON item of a `?versions` listing. */
function versionItem(e: VersionSummary): Record<string, unknown> {
  if (e.type === 'deleteMarker') {
    return { name: e.name, hash: EMPTY_MD5, bytes: 0, content_type: DELETE_MARKER_CONTENT_TYPE, last_modified: listingTime(e.lastModified), version_id: e.versionId, is_latest: e.isLatest };
  }
  const extra = largeObjectEtags(e);
  return {
    name: e.name,
    hash: e.swiftEtag,
    bytes: e.size,
    content_type: e.contentType,
    last_modified: listingTime(e.lastModified),
    ...extra,
    version_id: e.versionId,
    is_latest: e.isLatest,
  };
}

/**
 * GET container `?versions`: every version and delete marker, by name then newest first, as JSON (Swift's
 * middleware lists versions in JSON only, whatever format was asked). `marker` + `version_marker` page on;
 * `prefix`, `delimiter` and `limit` as in a plain listing. `reverse` is not implemented (501).
 */
export async function listVersions(r: SwiftRequest): Promise<Response> {
  const q = r.target.query;
  if (isTrue(q.get('reverse'))) throw new SwiftError(501, 'Reverse listings of versions are not implemented.');
  let limit = LISTING_LIMIT;
  const rawLimit = q.get('limit');
  if (rawLimit !== null && rawLimit !== '') {
    if (!/^\d+$/.test(rawLimit.trim())) throw new SwiftError(412, 'Value of limit must be a positive integer');
    limit = Number(rawLimit);
    if (limit > LISTING_LIMIT) throw new SwiftError(412, `Maximum limit is ${LISTING_LIMIT}`);
  }
  const marker = q.get('marker') || undefined;
  const versionMarker = q.get('version_marker') || undefined;
  if (versionMarker !== undefined && marker === undefined) throw new SwiftError(400, 'version_marker param requires marker');
  if (versionMarker !== undefined && versionMarker !== 'null' && !/^[0-9a-f]{32}$/.test(versionMarker)) throw new SwiftError(400, 'invalid version_marker param');
  const delimiter = q.get('delimiter') || undefined;
  if (delimiter !== undefined && ([...delimiter].length > 1 || delimiter.codePointAt(0)! > 254)) throw new SwiftError(412, 'Bad delimiter');
  const prefix = q.get('prefix') || undefined;

  const ref = containerRef(r);
  const items: Array<Record<string, unknown>> = [];
  let keyMarker = marker;
  let versionIdMarker = versionMarker;
  // Core pages by at most 1000 entries; Swift's limit goes to 10000.
  while (items.length < limit) {
    const page: VersionListing = await r.deps.objects.listObjectVersions(r.ctx, ref, {
      ...(prefix !== undefined ? { prefix } : {}),
      ...(delimiter !== undefined ? { delimiter } : {}),
      ...(keyMarker !== undefined ? { keyMarker } : {}),
      ...(versionIdMarker !== undefined ? { versionIdMarker } : {}),
      limit: Math.min(limit - items.length, 1000),
    });
    for (const e of page.entries) items.push(e.type === 'prefix' ? { subdir: e.prefix } : versionItem(e));
    if (!page.isTruncated || !page.nextKeyMarker) break;
    keyMarker = page.nextKeyMarker;
    versionIdMarker = page.nextVersionIdMarker;
  }
  const info = await r.deps.objects.headContainer(r.ctx, ref, access(r));
  const h = containerHeaders(info, callerMayWrite(r));
  h.set('Content-Type', 'application/json; charset=utf-8');
  return respond(200, h, JSON.stringify(items));
}
