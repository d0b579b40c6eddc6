// Bulk delete (`?bulk-delete`) and bulk extract (`?extract-archive`), answered in Swift's bulk result format.
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { isCoreError } from '../../../../core/errors.js';
import { quotePath, renderBulkResult, renderExtractResult, type BulkResult, type ExtractResult } from '../bulk-response.js';
import { SwiftError, fromCoreError } from '../errors.js';
import { negotiateFormat } from '../listing.js';
import { NAME_LIMITS, checkContainerName, checkObjectName, decodePathOnce } from '../path.js';
import { checkMetadata, readMetaHeaders } from '../headers.js';
import { getMimeType } from 'hono/utils/mime';
import { missingContainer, projectOf, respond, type SwiftRequest } from '../request.js';
import { readBodyText } from './body.js';
import { MAX_FILE_SIZE } from './object.js';
import { TarError, readTar } from '../tar-reader.js';
import { Bzip2Error, bunzip2 } from '../bzip2.js';

/** Swift's bulk-delete limits (published by `GET /info` under `bulk_delete`). */
export const BULK_DELETE_LIMITS = { maxDeletesPerRequest: 10000, maxFailedDeletes: 1000 } as const;

/** Swift's bulk-extract limits (published by `GET /info` under `bulk_upload`). */
export const BULK_EXTRACT_LIMITS = { maxContainersPerExtraction: 10000, maxFailedExtractions: 1000 } as const;

const STATUS_LINE: Record<number, string> = {
  400: '400 Bad Request',
  401: '401 Unauthorized',
  403: '403 Forbidden',
  404: '404 Not Found',
  409: '409 Conflict',
  411: '411 Length Required',
  412: '412 Precondition Failed',
  413: '413 Request Entity Too Large',
  422: '422 Unprocessable Entity',
  500: '500 Internal Error',
  501: '501 Not Implemented',
};

/**
 * POST/DELETE `?bulk-delete`: each body line is a URL-encoded `/container/object` or `/container`
 * (relative to the account). Answers 200 with Swift's result body (plain, JSON or XML by Accept).
 */
export async function bulkDelete(r: SwiftRequest): Promise<Response> {
  // Nobody deletes anonymously (write ACLs name users), so Swift's answer is known before reading the body.
  if (!r.ctx.auth) throw new SwiftError(401);
  const fmt = negotiateFormat(null, r.headers.get('accept'));
  if (!fmt) throw new SwiftError(406);
  const projectId = projectOf(r);
  const text = await readBodyText(r, BULK_DELETE_LIMITS.maxDeletesPerRequest * 1400);
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (lines.length > BULK_DELETE_LIMITS.maxDeletesPerRequest) {
    throw new SwiftError(413, `Maximum Bulk Deletes: ${BULK_DELETE_LIMITS.maxDeletesPerRequest} per request`);
  }
  const result: BulkResult = { deleted: 0, notFound: 0, errors: [], status: '200 OK' };
  if (lines.length === 0) {
    result.status = '400 Bad Request';
    result.body = 'Invalid bulk delete.';
  }
  for (const line of lines) {
    if (result.errors.length >= BULK_DELETE_LIMITS.maxFailedDeletes) break;
    const decoded = decodePathOnce(line);
    const path = decoded === undefined ? undefined : decoded.replace(/^\/+/, '');
    const slash = path === undefined ? -1 : path.indexOf('/');
    const container = path === undefined ? '' : slash === -1 ? path : path.slice(0, slash);
    const object = path === undefined || slash === -1 ? '' : path.slice(slash + 1);
    const shown = quotePath(`/${path ?? line}`);
    if (!path || checkContainerName(container) || (object !== '' && checkObjectName(object))) {
      result.errors.push([shown, STATUS_LINE[400]!]);
      continue;
    }
    try {
      if (object === '') {
        await r.deps.objects.deleteContainer(r.ctx, { projectId, container });
        result.deleted++;
      } else {
        const { existed } = await r.deps.objects.deleteObject(r.ctx, { projectId, container, name: object });
        if (existed) result.deleted++;
        else result.notFound++;
      }
    } catch (e) {
      if (!isCoreError(e)) throw e;
      const hidden = e.kind === 'NotFound' && e.detail.resource === 'container' ? missingContainer(r) : undefined;
      if (e.kind === 'NotFound' && !hidden) {
        result.notFound++;
        continue;
      }
      const status = hidden?.status ?? fromCoreError(e).status;
      result.errors.push([shown, STATUS_LINE[status] ?? `${status} Error`]);
    }
  }
  if (result.errors.length) result.status = STATUS_LINE[400]!;
  const h = new Headers();
  h.set('Content-Type', fmt.contentType);
  return respond(200, h, renderBulkResult(fmt.format, result));
}

/** The archive formats Swift's bulk middleware reads (`?extract-archive=tar|tar.gz|tar.bz2`, dots around ignored). */
const ARCHIVE_FORMATS = ['tar', 'tar.gz', 'tar.bz2'] as const;

/** The request body, decompressed as `format` says. */
function archiveStream(r: SwiftRequest, format: (typeof ARCHIVE_FORMATS)[number]): AsyncIterable<Uint8Array> {
  const body = r.c.req.raw.body;
  const raw = body ? Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>) : Readable.from([]);
  if (format === 'tar.gz') return raw.pipe(createGunzip());
  if (format === 'tar.bz2') return bunzip2(raw);
  return raw;
}

/** Swift's `pax_key_to_swift_header`: object metadata and Content-Type carried as pax xattrs (GNU tar's and libarchive's spellings). */
function paxHeaders(pax: Record<string, string>): Headers {
  const h = new Headers();
  for (const [key, value] of Object.entries(pax)) {
    for (const ns of ['SCHILY.xattr.user.', 'LIBARCHIVE.xattr.user.']) {
      if (!key.startsWith(ns)) continue;
      const rest = key.slice(ns.length);
      if (rest === 'mime_type') h.set('content-type', value);
      else if (rest.startsWith('meta.')) h.set(`x-object-meta-${rest.slice(5)}`, value);
    }
  }
  return h;
}

/**
 * PUT `?extract-archive=tar|tar.gz|tar.bz2` at an account, container or pseudo-folder: each regular file of the
 * archive becomes an object under that base (at the account, its first path segment names the container, created
 * when missing; files at the top level are skipped). Answers 200 with Swift's result body; the body's status is
 * `201 Created`, or `400 Bad Request` with the failed paths.
 */
export async function bulkExtract(r: SwiftRequest): Promise<Response> {
  if (!r.ctx.auth) throw new SwiftError(401);
  const asked = (r.target.query.get('extract-archive') ?? '').trim().toLowerCase().replace(/^\.+|\.+$/g, '');
  const format = ARCHIVE_FORMATS.find((f) => f === asked);
  if (!format) throw new SwiftError(400, 'Unsupported archive format');
  const fmt = negotiateFormat(null, r.headers.get('accept'));
  if (!fmt) throw new SwiftError(406);
  const projectId = projectOf(r);
  const base = [r.target.container, r.target.object?.replace(/\/+$/, '')].filter((p) => p !== undefined && p !== '').join('/');
  const result: ExtractResult = { created: 0, errors: [], status: '201 Created' };
  const containers = new Set<string>();
  const fail = (path: string, status: number) => result.errors.push([quotePath(path.slice(0, NAME_LIMITS.maxObjectNameLength + NAME_LIMITS.maxContainerNameLength + 1)), STATUS_LINE[status] ?? `${status} Error`]);
  try {
    for await (const entry of readTar(archiveStream(r, format))) {
      if (entry.type !== 'file') continue;
      let path = entry.name.startsWith('./') ? entry.name.slice(2) : entry.name;
      path = path.replace(/^\/+/, '');
      if (base) path = `${base}/${path}`;
      const slash = path.indexOf('/');
      // A file at the account level names no container: Swift skips it.
      if (slash === -1) continue;
      const container = path.slice(0, slash);
      const name = path.slice(slash + 1);
      if (checkContainerName(container) || name === '' || checkObjectName(name)) {
        fail(path, checkContainerName(container)?.status ?? 412);
        continue;
      }
      if (entry.size > MAX_FILE_SIZE) {
        fail(path, 413);
        continue;
      }
      try {
        if (!containers.has(container)) {
          if (containers.size >= BULK_EXTRACT_LIMITS.maxContainersPerExtraction) throw new SwiftError(400, `More than ${BULK_EXTRACT_LIMITS.maxContainersPerExtraction} containers to create from tar.`);
          await r.deps.objects.createContainer(r.ctx, { projectId, container });
          containers.add(container);
        }
        const h = paxHeaders(entry.pax);
        const { set } = readMetaHeaders(h, 'Object', { keepEmpty: true });
        const problem = checkMetadata(set, 'Object');
        if (problem) {
          fail(path, 400);
          continue;
        }
        await r.deps.objects.putObject(r.ctx, { projectId, container, name }, entry.body(), {
          contentType: h.get('content-type') ?? getMimeType(name) ?? 'application/octet-stream',
          userMetadata: set,
          expectedSize: entry.size,
        });
        result.created++;
      } catch (e) {
        if (e instanceof SwiftError) throw e;
        if (!isCoreError(e)) throw e;
        const hidden = e.kind === 'NotFound' && e.detail.resource === 'container' ? missingContainer(r) : undefined;
        fail(path, hidden?.status ?? fromCoreError(e).status);
      }
      if (result.errors.length >= BULK_EXTRACT_LIMITS.maxFailedExtractions) break;
    }
    if (result.errors.length) result.status = STATUS_LINE[400]!;
  } catch (e) {
    if (e instanceof SwiftError) {
      result.status = STATUS_LINE[e.status] ?? `${e.status} Error`;
      result.body = e.body ?? '';
    } else if (e instanceof TarError || e instanceof Bzip2Error || (e instanceof Error && 'code' in e && typeof e.code === 'string' && e.code.startsWith('Z_'))) {
      result.status = STATUS_LINE[400]!;
      result.body = `Invalid Tar File: ${e instanceof TarError || e instanceof Bzip2Error ? e.message : 'invalid compressed data'}`;
    } else throw e;
  }
  const h = new Headers();
  h.set('Content-Type', fmt.contentType);
  return respond(200, h, renderExtractResult(fmt.format, result));
}
