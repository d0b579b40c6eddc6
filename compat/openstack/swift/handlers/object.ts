// Object operations: GET/HEAD (ranges, conditionals, manifests), PUT, COPY / X-Copy-From, POST, DELETE.
import { getMimeType } from 'hono/utils/mime';
import { isCoreError } from '../../../../core/errors.js';
import type { ByteRange, GetObjectResult, HeadObjectResult, ObjectRef } from '../../../../core/objects/types.js';
import { SwiftError } from '../errors.js';
import { checkMetadata, headerSafe, httpDate, readMetaHeaders, writeMetaHeaders } from '../headers.js';
import { RESELLER_PREFIX, decodePathOnce, splitContainerObject } from '../path.js';
import { isTrue, parseConditions, parseDeleteAt, parseRange } from '../request-parse.js';
import { access, objectRef, projectOf, respond, type SwiftRequest } from '../request.js';
import { tempUrlDisposition } from '../tempurl.js';
import { objectHeaders, readSystemMetadata } from '../views.js';
import { DELETE_MARKER_CONTENT_TYPE, requireVersionedContainer, versionIdParam, writtenVersionHeader } from './versions.js';

/** Swift's default `max_file_size` (5 GiB + 2). */
export const MAX_FILE_SIZE = 5368709122;

/**
 * How a GET/HEAD reads: `manifestItself` serves a DLO manifest as the stored object (`multipart-manifest=get`);
 * `versionId` reads that version (`?version-id`, object_versioning).
 */
interface ReadMode {
  manifestItself: boolean;
  versionId?: string;
}

/**
 * Object headers for a read; a DLO manifest read as itself shows its own (unquoted) etag, as any stored object.
 * In a versioned container every read names its version (`null` for one written unversioned), as object_versioning does.
 */
function objectReadHeaders(r: SwiftRequest, info: HeadObjectResult['info'], mode: ReadMode): Headers {
  const h = objectHeaders(info, { publicMetaOnly: r.tempUrl !== undefined });
  if (mode.manifestItself) h.set('Etag', info.swiftEtag);
  const versionId = info.s3VersionId ?? mode.versionId;
  if (versionId !== undefined) h.set('X-Object-Version-Id', versionId);
  return h;
}

/** The core read options of a mode. */
const modeOptions = (mode: ReadMode) => ({ ...(mode.manifestItself ? { dloManifestItself: true } : {}), ...(mode.versionId !== undefined ? { versionId: mode.versionId } : {}) });

/** Headers for a GET/HEAD result, including the range and TempURL download disposition. */
function readHeaders(r: SwiftRequest, res: HeadObjectResult, range: ByteRange | undefined, mode: ReadMode): { status: number; h: Headers } {
  const h = objectReadHeaders(r, res.info, mode);
  if (r.tempUrl) {
    h.set('Content-Disposition', tempUrlDisposition(r.target.object!, r.tempUrl.params, h.get('content-disposition') ?? undefined));
    // Caches may keep a TempURL download until the URL itself expires.
    h.set('Expires', new Date(r.tempUrl.params.expires * 1000).toUTCString());
  }
  if (range && res.range) {
    h.set('Content-Range', `bytes ${res.range.start}-${res.range.end}/${res.range.size}`);
    h.set('Content-Length', String(res.range.end - res.range.start + 1));
    return { status: 206, h };
  }
  h.set('Content-Length', String(res.info.size));
  return { status: 200, h };
}

/**
 * Maps core's conditional and range failures onto Swift's responses. A failed conditional GET/HEAD (304, or
 * 412 for If-Match / If-Unmodified-Since) carries the object's own headers and no body, as swob sends it,
 * so an SLO's or DLO's 304 shows the same quoted Etag as its 200.
 */
async function conditionalFailure(r: SwiftRequest, e: unknown, mode: ReadMode): Promise<never> {
  const notModified = isCoreError(e, 'InvalidState') && e.detail.reason === 'NotModified';
  if (notModified || (isCoreError(e, 'Conflict') && e.detail.reason === 'PreconditionFailed')) {
    let h: Headers;
    try {
      const { info } = await r.deps.objects.headObject(r.ctx, objectRef(r), { ...access(r), ...modeOptions(mode) });
      h = objectReadHeaders(r, info, mode);
    } catch {
      // Gone since the check: answer with what the failure itself reported.
      h = new Headers();
      if (isCoreError(e) && typeof e.detail.swiftEtag === 'string') h.set('Etag', e.detail.swiftEtag);
      if (isCoreError(e) && typeof e.detail.lastModified === 'number') h.set('Last-Modified', httpDate(e.detail.lastModified));
    }
    throw new SwiftError(notModified ? 304 : 412, notModified ? undefined : '', Object.fromEntries(h));
  }
  if (isCoreError(e, 'Invalid') && e.detail.reason === 'InvalidRange') {
    const size = typeof e.detail.size === 'number' ? e.detail.size : undefined;
    throw new SwiftError(416, undefined, size === undefined ? {} : { 'Content-Range': `bytes */${size}` });
  }
  // A delete marker read by its version id is a 404 that says what it is.
  if (isCoreError(e, 'InvalidState') && e.detail.reason === 'DeleteMarker' && mode.versionId !== undefined) {
    throw new SwiftError(404, undefined, { 'X-Object-Version-Id': mode.versionId, 'Content-Type': DELETE_MARKER_CONTENT_TYPE });
  }
  throw e;
}

/** GET or HEAD through core: single range → 206, conditionals → 304/412. */
async function readObject(r: SwiftRequest, mode: ReadMode): Promise<Response> {
  const range = parseRange(r.headers.get('range'));
  const opts = { conditions: parseConditions(r.headers), range, ...access(r), ...modeOptions(mode) };
  let res: HeadObjectResult & { body?: GetObjectResult['body'] };
  try {
    res = r.method === 'HEAD' ? await r.deps.objects.headObject(r.ctx, objectRef(r), opts) : await r.deps.objects.getObject(r.ctx, objectRef(r), opts);
  } catch (e) {
    return conditionalFailure(r, e, mode);
  }
  try {
    const { status, h } = readHeaders(r, res, range, mode);
    return respond(status, h, res.body ?? null);
  } catch (e) {
    // The body holds an open blob: release it rather than leave it to the garbage collector.
    await res.body?.cancel().catch(() => undefined);
    throw e;
  }
}

/** The read mode of a plain GET/HEAD: the current object, or the `?version-id` asked for. */
async function versionedRead(r: SwiftRequest): Promise<ReadMode> {
  const versionId = versionIdParam(r);
  if (versionId !== undefined) await requireVersionedContainer(r, versionId);
  return { manifestItself: false, ...(versionId !== undefined ? { versionId } : {}) };
}

/** GET object: the bytes (single range → 206), conditionals → 304/412, DLO/SLO streamed; `?version-id` reads that version. */
export const getObject = async (r: SwiftRequest): Promise<Response> => readObject(r, await versionedRead(r));

/** HEAD object: GET's headers without the body. */
export const headObject = async (r: SwiftRequest): Promise<Response> => readObject(r, await versionedRead(r));

/**
 * GET/HEAD `?multipart-manifest=get` on anything but an SLO: Swift's dlo middleware passes it through, so a
 * DLO manifest comes back as the stored object (its own bytes and etag, with X-Object-Manifest).
 */
export const getManifestObject = (r: SwiftRequest): Promise<Response> => readObject(r, { manifestItself: true });

/** Content-Length or chunked is required; returns the declared length (undefined for chunked). */
export function declaredLength(r: SwiftRequest): number | undefined {
  const cl = r.headers.get('content-length');
  const te = r.headers.get('transfer-encoding');
  if (cl !== null) {
    if (!/^\s*\d+\s*$/.test(cl)) throw new SwiftError(400, 'Invalid Content-Length header value');
    const n = Number(cl);
    if (n > MAX_FILE_SIZE) throw new SwiftError(413, 'Your request is too large.');
    return n;
  }
  if (te !== null && te.toLowerCase().split(',').map((s) => s.trim()).includes('chunked')) return undefined;
  throw new SwiftError(411);
}

/** Content-Type of a new object: as sent (unless X-Detect-Content-Type), else guessed from the name. */
function contentTypeFor(r: SwiftRequest): string {
  const sent = r.headers.get('content-type');
  if (sent && !isTrue(r.headers.get('x-detect-content-type'))) return sent;
  return getMimeType(r.target.object!) ?? 'application/octet-stream';
}

/** User metadata of a PUT or COPY (`keepEmpty`: an empty value is stored) or a POST (an empty value is dropped). */
function userMetadata(r: SwiftRequest, keepEmpty: boolean): Record<string, string> {
  const { set } = readMetaHeaders(r.headers, 'Object', { keepEmpty });
  const problem = checkMetadata(set, 'Object');
  if (problem) throw new SwiftError(400, problem);
  return set;
}

function ifNoneMatchStar(r: SwiftRequest): '*' | undefined {
  const inm = r.headers.get('if-none-match');
  if (inm === null) return undefined;
  if (inm.trim() !== '*') throw new SwiftError(400, 'If-None-Match only supports *');
  return '*';
}

const emptyBody = (): ReadableStream<Uint8Array> =>
  new ReadableStream({
    start(controller) {
      controller.close();
    },
  });

/** The `X-Object-Manifest` of a PUT or POST (null when absent), checked as Swift's dlo middleware checks it. */
function readManifest(r: SwiftRequest): string | null {
  const manifest = r.headers.get('x-object-manifest');
  // Swift's rule: a container, a non-empty prefix not starting with `/`, and no `?` or `&` anywhere.
  if (manifest !== null && !/^[^/?&]+\/[^/?&][^?&]*$/s.test(manifest)) {
    throw new SwiftError(400, 'X-Object-Manifest must be in the format container/prefix');
  }
  // The dlo middleware unquotes container and prefix; escapes that spell no UTF-8 would decode to U+FFFD.
  if (manifest !== null && decodePathOnce(manifest) === undefined) throw new SwiftError(412, 'Invalid UTF8 or contains NULL');
  return manifest;
}

/** PUT object: streams the body (Etag checked → 422), 201 with Etag and Last-Modified. Also DLO manifests. */
export async function putObject(r: SwiftRequest): Promise<Response> {
  if (r.headers.has('x-static-large-object')) {
    throw new SwiftError(400, 'X-Static-Large-Object is a reserved header. To create a static large object add query param multipart-manifest=put.');
  }
  const length = declaredLength(r);
  const etag = r.headers.get('etag');
  const manifest = readManifest(r);
  const res = await r.deps.objects.putObject(r.ctx, objectRef(r), r.c.req.raw.body ?? emptyBody(), {
    contentType: contentTypeFor(r),
    userMetadata: userMetadata(r, true),
    systemMetadata: readSystemMetadata(r.headers),
    ...(length !== undefined ? { expectedSize: length } : {}),
    ...(etag ? { expectedMd5: etag.replace(/^"|"$/g, '').toLowerCase() } : {}),
    ...(ifNoneMatchStar(r) ? { ifNoneMatch: '*' as const } : {}),
    deleteAt: parseDeleteAt(r.headers, r.deps.now()),
    ...(manifest !== null ? { dloManifest: manifest } : {}),
    ...access(r),
  });
  const h = new Headers();
  h.set('Etag', manifest !== null ? res.etag : res.swiftEtag);
  h.set('Last-Modified', httpDate(res.lastModified));
  writtenVersionHeader(h, res.s3VersionId);
  return respond(201, h);
}

/** The account a `*-Account` header names, as a project id (same account when absent). */
function accountProject(r: SwiftRequest, header: string): string {
  const v = r.headers.get(header);
  if (v === null || v.trim() === '') return projectOf(r);
  const acct = decodePathOnce(v.trim());
  if (acct === undefined || !acct.startsWith(RESELLER_PREFIX) || acct.length === RESELLER_PREFIX.length || acct.includes('/')) {
    throw new SwiftError(412, `${header} is not a valid account`);
  }
  return acct.slice(RESELLER_PREFIX.length);
}

/** COPY with `Destination`, or PUT with `X-Copy-From`: server-side copy, 201 with X-Copied-From headers. */
export async function copyObject(r: SwiftRequest): Promise<Response> {
  let source: ObjectRef;
  let dest: ObjectRef;
  // COPY `?version-id` copies that version of the source (a PUT `?version-id` is a restore, never a copy).
  const sourceVersionId = r.method === 'COPY' ? versionIdParam(r) : undefined;
  if (r.method === 'COPY') {
    const d = r.headers.get('destination');
    const parsed = d === null ? undefined : splitContainerObject(d);
    if (!parsed) throw new SwiftError(412, 'Destination header must be of the form <container name>/<object name>');
    source = objectRef(r);
    dest = { projectId: accountProject(r, 'destination-account'), ...parsed, name: parsed.object };
  } else {
    const length = declaredLength(r);
    if (length !== undefined && length !== 0) throw new SwiftError(400, 'Copy requests require a zero byte body');
    const parsed = splitContainerObject(r.headers.get('x-copy-from') ?? '');
    if (!parsed) throw new SwiftError(412, 'X-Copy-From header must be of the form <container name>/<object name>');
    source = { projectId: accountProject(r, 'x-copy-from-account'), container: parsed.container, name: parsed.object };
    dest = objectRef(r);
  }
  const fresh = isTrue(r.headers.get('x-fresh-metadata'));
  const sentType = r.headers.get('content-type');
  const deleteAt = parseDeleteAt(r.headers, r.deps.now());
  const res = await r.deps.objects.copyObject(r.ctx, source, dest, {
    ...(fresh ? { metadataDirective: 'REPLACE' as const } : { mergeMetadata: true }),
    userMetadata: userMetadata(r, true),
    ...(sentType ? { contentType: sentType } : fresh ? { contentType: getMimeType(dest.name) ?? 'application/octet-stream' } : {}),
    ...(fresh ? { systemMetadata: readSystemMetadata(r.headers) } : {}),
    ...(deleteAt !== undefined ? { deleteAt } : {}),
    ...(r.target.query.get('multipart-manifest') === 'get' ? { copyManifest: true } : {}),
    ...(ifNoneMatchStar(r) ? { ifNoneMatch: '*' as const } : {}),
    ...(sourceVersionId !== undefined ? { sourceVersionId } : {}),
    ...access(r),
  });
  const h = new Headers();
  h.set('Etag', res.swiftEtag);
  writtenVersionHeader(h, res.s3VersionId);
  h.set('Last-Modified', httpDate(res.lastModified));
  h.set('X-Copied-From', headerSafe(`${encodeURIComponent(source.container)}/${encodeURIComponent(source.name).replace(/%2F/g, '/')}`));
  h.set('X-Copied-From-Last-Modified', httpDate(res.sourceLastModified));
  if (source.projectId !== dest.projectId) h.set('X-Copied-From-Account', `${RESELLER_PREFIX}${source.projectId}`);
  // Swift's copy middleware answers with the new object's headers: its metadata and type.
  h.set('Content-Type', res.contentType);
  writeMetaHeaders(h, 'Object', res.userMetadata);
  return respond(201, h);
}

/**
 * POST object: replaces user metadata, Content-Type, Content-Disposition/Encoding and X-Delete-At; 202.
 * `X-Object-Manifest` is one of the object server's allowed headers, so a POST carrying it makes the object
 * a DLO over that container/prefix (or points a DLO elsewhere).
 */
export async function postObject(r: SwiftRequest): Promise<Response> {
  if (versionIdParam(r) !== undefined) throw new SwiftError(400, 'POST to a specific version is not allowed');
  const sentType = r.headers.get('content-type');
  const deleteAt = parseDeleteAt(r.headers, r.deps.now());
  const manifest = readManifest(r);
  await r.deps.objects.updateObjectMetadata(r.ctx, objectRef(r), {
    ...(manifest !== null ? { dloManifest: manifest } : {}),
    userMetadata: userMetadata(r, false),
    ...(sentType ? { contentType: sentType } : {}),
    systemMetadata: readSystemMetadata(r.headers),
    deleteAt: deleteAt ?? null,
    ...access(r),
  });
  return respond(202, new Headers(), '<html><h1>Accepted</h1><p>The request is accepted for processing.</p></html>');
}

/**
 * DELETE object: 204, 404 when there was none. In a versioned container it leaves a delete marker (named in
 * `X-Object-Version-Id`, even on the 404); `?version-id` removes that version for good.
 */
export async function deleteObject(r: SwiftRequest): Promise<Response> {
  const versionId = versionIdParam(r);
  if (versionId !== undefined) return deleteVersion(r, versionId);
  const res = await r.deps.objects.deleteObject(r.ctx, objectRef(r), access(r));
  const h = new Headers();
  if (res.deleteMarker) writtenVersionHeader(h, res.versionId);
  if (!res.existed) throw new SwiftError(404, undefined, Object.fromEntries(h));
  return respond(204, h);
}

/** The version id of the name's current object after a change ('null' when there is none or it is the null version). */
async function currentVersionId(r: SwiftRequest): Promise<string> {
  const cur = await r.deps.objects.headObject(r.ctx, objectRef(r), access(r)).catch(() => undefined);
  return cur?.info.s3VersionId ?? 'null';
}

/**
 * DELETE `?version-id`: that version (or delete marker) goes for good, with no new marker; 404 when it did not
 * exist. The previous version becomes current when the current one goes (one model with S3; Swift alone
 * would leave the name without a current object), and `X-Object-Current-Version-Id` says which it is.
 */
async function deleteVersion(r: SwiftRequest, versionId: string): Promise<Response> {
  await requireVersionedContainer(r, versionId);
  const res = await r.deps.objects.deleteObject(r.ctx, objectRef(r), { ...access(r), versionId });
  const h = new Headers({ 'X-Object-Version-Id': versionId, 'X-Object-Current-Version-Id': await currentVersionId(r) });
  if (!res.existed) throw new SwiftError(404, undefined, Object.fromEntries(h));
  return respond(204, h);
}

/**
 * PUT `?version-id` with no body: that earlier version becomes the current one again (object_versioning's
 * restore, which s3api also uses); 404 when there is no such version. The version keeps its id.
 */
export async function restoreVersion(r: SwiftRequest): Promise<Response> {
  const versionId = versionIdParam(r)!;
  // Swift's copy middleware turns X-Copy-From into a PUT with the source's bytes: a body, which a restore refuses.
  if (r.headers.has('x-copy-from')) throw new SwiftError(400, 'PUT version-id requests require a zero byte body');
  const length = declaredLength(r);
  if (length === undefined) {
    const first = await r.c.req.raw.body?.getReader().read();
    if (first && !first.done && first.value.length) throw new SwiftError(400, 'PUT version-id requests require a zero byte body');
  } else if (length !== 0) throw new SwiftError(400, 'PUT version-id requests require a zero byte body');
  await requireVersionedContainer(r, versionId);
  const info = await r.deps.objects.restoreObjectVersion(r.ctx, objectRef(r), { ...access(r), versionId }).catch((e: unknown) => {
    if (isCoreError(e, 'NotFound') || (isCoreError(e, 'InvalidState') && e.detail.reason === 'DeleteMarker')) throw new SwiftError(404, 'The specified version does not exist');
    throw e;
  });
  const h = new Headers();
  h.set('Etag', info.swiftEtag);
  h.set('Last-Modified', httpDate(info.lastModified));
  h.set('X-Object-Version-Id', versionId);
  return respond(201, h);
}
