// Container operations: listing objects, create (201/202), metadata and ACLs, delete (409 when not empty).
import { isCoreError } from '../../../../core/errors.js';
import type { ContainerInfo, ListingEntry, SwiftAcl, SwiftVersions, UpdateContainerOptions, VersioningStatus } from '../../../../core/objects/types.js';
import { SwiftError } from '../errors.js';
import { checkMetadata, readMetaHeaders } from '../headers.js';
import { formatContainerListing, negotiateFormat, type ObjectListEntry, type SubdirEntry } from '../listing.js';
import { cleanAcl, parseListing } from '../request-parse.js';
import { access, callerMayWrite, containerRef, respond, type SwiftRequest } from '../request.js';
import { STORAGE_POLICY, containerHeaders, largeObjectEtags } from '../views.js';
import { readVersionsEnabled } from './versions.js';

/** Listing entry view: Swift lists a large object's Swift etag as `hash` and adds the quoted forms. */
function entryView(e: ListingEntry): ObjectListEntry | SubdirEntry {
  if (e.type === 'prefix') return { subdir: e.prefix };
  const extra = largeObjectEtags(e);
  return {
    name: e.name,
    hash: e.swiftEtag,
    bytes: e.size,
    contentType: e.contentType,
    lastModified: e.lastModified,
    ...(Object.keys(extra).length ? { extra } : {}),
  };
}

/** GET container: the object listing (204 when empty and plain) with the container headers. */
export async function getContainer(r: SwiftRequest): Promise<Response> {
  const fmt = negotiateFormat(r.target.query.get('format'), r.headers.get('accept'));
  if (!fmt) throw new SwiftError(406);
  const { opts, path } = parseListing(r.target.query);
  const ref = containerRef(r);
  const listing = await r.deps.objects.listObjects(r.ctx, ref, opts, access(r));
  const info = await r.deps.objects.headContainer(r.ctx, ref, access(r));
  // Legacy `path` lists only the direct children, without rolled-up pseudo-directories.
  const entries = path === undefined ? listing.entries : listing.entries.filter((e) => e.type === 'object');
  const h = containerHeaders(info, callerMayWrite(r));
  h.set('Content-Type', fmt.contentType);
  const body = formatContainerListing(fmt.format, ref.container, entries.map(entryView));
  return body === undefined ? respond(204, h) : respond(200, h, body);
}

/** HEAD container: counters, metadata and (owners) ACLs, 204. */
export async function headContainer(r: SwiftRequest): Promise<Response> {
  const info: ContainerInfo = await r.deps.objects.headContainer(r.ctx, containerRef(r), access(r));
  const h = containerHeaders(info, callerMayWrite(r));
  h.set('Content-Type', 'text/plain; charset=utf-8');
  return respond(204, h);
}

/** ACL headers of a PUT/POST: a value sets (empty clears), `X-Remove-Container-*` clears. */
function readAcl(r: SwiftRequest): SwiftAcl {
  const acl: SwiftAcl = {};
  for (const [field, header] of [
    ['read', 'X-Container-Read'],
    ['write', 'X-Container-Write'],
  ] as const) {
    const v = r.headers.get(header);
    if (v !== null) {
      const cleaned = cleanAcl(header, v);
      acl[field] = cleaned === '' ? null : cleaned;
    }
    if (r.headers.has(`X-Remove-${header.slice(2)}`)) acl[field] = null;
  }
  return acl;
}

/**
 * Versioned-writes headers of a PUT/POST: `X-Versions-Location` (stack) or `X-History-Location` (history)
 * names the archive container (URL-encoded); an empty value or `X-Remove-*-Location` turns versioning off.
 * Undefined when the request does not touch it.
 */
function readVersions(r: SwiftRequest): SwiftVersions | null | undefined {
  const stack = r.headers.get('x-versions-location');
  const history = r.headers.get('x-history-location');
  if (stack && history) throw new SwiftError(400, 'Only one of X-Versions-Location or X-History-Location may be specified');
  const decode = (v: string) => {
    try {
      return decodeURIComponent(v.trim());
    } catch {
      throw new SwiftError(400, 'Invalid versions location');
    }
  };
  if (stack) return { location: decode(stack), mode: 'stack' };
  if (history) return { location: decode(history), mode: 'history' };
  if (stack !== null || history !== null || r.headers.has('x-remove-versions-location') || r.headers.has('x-remove-history-location')) return null;
  return undefined;
}

function checkPolicy(r: SwiftRequest): void {
  const policy = r.headers.get('x-storage-policy');
  if (policy !== null && policy.trim().toLowerCase() !== STORAGE_POLICY.toLowerCase()) {
    throw new SwiftError(400, `Invalid X-Storage-Policy '${policy}'`);
  }
}

/**
 * The versioning a PUT/POST asks for: `X-Versions-Enabled` (object_versioning, S3 versioning underneath) or
 * the legacy versioned-writes locations; asking for both at once is refused, as a container keeps its
 * versions in one place.
 */
function readVersioning(r: SwiftRequest): { versioning?: VersioningStatus; swiftVersions?: SwiftVersions | null } {
  const versioning = readVersionsEnabled(r);
  const versions = readVersions(r);
  if (versioning !== undefined && versions) throw new SwiftError(400, LEGACY_CONFLICT);
  return { ...(versioning !== undefined ? { versioning } : {}), ...(versions !== undefined ? { swiftVersions: versions } : {}) };
}

const LEGACY_CONFLICT = 'Cannot enable object versioning on a container that is already using the legacy versioned writes feature.';

/** Applies a container update; core's one-place-for-versions conflict gets Swift's words when object versioning was asked for. */
async function update(r: SwiftRequest, u: UpdateContainerOptions): Promise<void> {
  try {
    await r.deps.objects.updateContainer(r.ctx, containerRef(r), u);
  } catch (e) {
    if (u.versioning && isCoreError(e, 'Conflict') && e.detail.reason === 'VersioningConflict') throw new SwiftError(400, LEGACY_CONFLICT);
    throw e;
  }
}

/** PUT container: 201 when created, 202 when it already existed (metadata and ACLs applied either way). */
export async function putContainer(r: SwiftRequest): Promise<Response> {
  checkPolicy(r);
  const { set, remove } = readMetaHeaders(r.headers, 'Container');
  const problem = checkMetadata(set, 'Container');
  if (problem) throw new SwiftError(400, problem);
  const acl = readAcl(r);
  const versioning = readVersioning(r);
  if (versioning.versioning) {
    // Swift checks the existing container before it creates or changes anything.
    const existing = await r.deps.objects.headContainer(r.ctx, containerRef(r), access(r)).catch((e: unknown) => {
      if (isCoreError(e, 'NotFound')) return undefined;
      throw e;
    });
    if (existing?.swiftVersions) throw new SwiftError(400, LEGACY_CONFLICT);
  }
  const { created } = await r.deps.objects.createContainer(r.ctx, containerRef(r), {
    metadata: set,
    ...(acl.read !== undefined || acl.write !== undefined ? { swiftAcl: acl } : {}),
  });
  // A PUT to an existing container updates it as a POST would: removals (X-Remove-Container-Meta-*, empty values) too.
  if (Object.keys(versioning).length || (!created && remove.length)) {
    await update(r, { ...versioning, ...(!created && remove.length ? { metadata: { set: {}, remove } } : {}) });
  }
  return respond(created ? 201 : 202);
}

/** POST container: metadata (set/remove) and ACL updates, 204. */
export async function postContainer(r: SwiftRequest): Promise<Response> {
  checkPolicy(r);
  const { set, remove } = readMetaHeaders(r.headers, 'Container');
  const problem = checkMetadata(set, 'Container');
  if (problem) throw new SwiftError(400, problem);
  const acl = readAcl(r);
  await update(r, {
    metadata: { set, remove },
    ...(acl.read !== undefined || acl.write !== undefined ? { swiftAcl: acl } : {}),
    ...readVersioning(r),
  });
  return respond(204);
}

/** PUT/POST container with `X-Versions-Enabled` (object_versioning): `true` enables S3 versioning underneath, anything else suspends it. */
export const objectVersioning = (r: SwiftRequest): Promise<Response> => (r.method === 'PUT' ? putContainer(r) : postContainer(r));

/** DELETE container: 204; 409 when it still holds objects; 404 when missing. */
export async function deleteContainer(r: SwiftRequest): Promise<Response> {
  await r.deps.objects.deleteContainer(r.ctx, containerRef(r));
  return respond(204);
}
