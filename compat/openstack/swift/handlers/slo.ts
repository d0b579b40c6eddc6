// Static large objects: `multipart-manifest=put|get|delete` (segments are ordinary objects in the same account).
import { createHash } from 'node:crypto';
import { MAX_JSON_DEPTH, jsonTextDepth } from '../../../../core/bounded-json.js';
import { isCoreError } from '../../../../core/errors.js';
import type { SloSegmentInput } from '../../../../core/objects/types.js';
import { quotePath, renderBulkResult } from '../bulk-response.js';
import { SwiftError } from '../errors.js';
import { checkMetadata, httpDate, listingTime, readMetaHeaders } from '../headers.js';
import { negotiateFormat } from '../listing.js';
import { parseDeleteAt } from '../request-parse.js';
import { access, objectRef, respond, type SwiftRequest } from '../request.js';
import { isSlo, objectHeaders, readSystemMetadata } from '../views.js';
import { readBodyText } from './body.js';
import { deleteObject, getManifestObject } from './object.js';
import { writtenVersionHeader } from './versions.js';

/** Swift's SLO limits (published by `GET /info` under `slo`). */
export const SLO_LIMITS = { maxManifestSegments: 1000, maxManifestSize: 8388608, minSegmentSize: 1, yieldFrequency: 10 } as const;

/** A UTF-16 surrogate without its partner. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const bad = (msg: string): never => {
  throw new SwiftError(400, msg);
};

/** Validates the manifest PUT body the way Swift's `parse_and_validate_input` does. */
export function parseSloManifest(text: string): SloSegmentInput[] {
  let parsed: unknown;
  if (jsonTextDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) return bad('Manifest must be valid JSON.\n');
  try {
    parsed = JSON.parse(text);
  } catch {
    return bad('Manifest must be valid JSON.\n');
  }
  if (!Array.isArray(parsed)) return bad('Manifest must be a list.\n');
  if (parsed.length === 0) return bad('Manifest must have at least one segment.\n');
  if (parsed.length > SLO_LIMITS.maxManifestSegments) return bad(`Too many segments; max ${SLO_LIMITS.maxManifestSegments}\n`);
  return parsed.map((seg: unknown, i): SloSegmentInput => {
    if (typeof seg !== 'object' || seg === null || Array.isArray(seg)) return bad(`Index ${i}: not a JSON object\n`);
    const s = seg as Record<string, unknown>;
    if ('data' in s) return bad(`Index ${i}: inline data segments are not supported\n`);
    const unknown = Object.keys(s).filter((k) => !['path', 'etag', 'size_bytes', 'range'].includes(k));
    if (unknown.length) return bad(`Index ${i}: extraneous keys ${unknown.map((k) => JSON.stringify(k)).join(', ')}\n`);
    if (typeof s.path !== 'string' || !/^\/?[^/]+\/.+/s.test(s.path)) return bad(`Index ${i}: "path" must be of the form /container/object\n`);
    // JSON may spell a lone surrogate (`"\\ud800"`), which has no UTF-8 form: stored, it would become U+FFFD.
    if (LONE_SURROGATE.test(s.path)) return bad(`Index ${i}: "path" must be valid UTF-8\n`);
    if (s.etag !== undefined && s.etag !== null && typeof s.etag !== 'string') return bad(`Index ${i}: "etag" must be a string or null (if provided)\n`);
    let size: number | null | undefined = undefined;
    if (s.size_bytes !== undefined && s.size_bytes !== null) {
      const n = typeof s.size_bytes === 'number' ? s.size_bytes : typeof s.size_bytes === 'string' && /^\d+$/.test(s.size_bytes) ? Number(s.size_bytes) : NaN;
      if (!Number.isInteger(n) || n < 0) return bad(`Index ${i}: "size_bytes" must be an integer or null (if provided)\n`);
      size = n;
    } else if (s.size_bytes === null) size = null;
    if (s.range !== undefined && (typeof s.range !== 'string' || !/^(\d+-\d*|-\d+)$/.test(s.range.trim()))) {
      return bad(`Index ${i}: invalid range\n`);
    }
    return {
      path: s.path,
      ...(s.etag !== undefined ? { etag: s.etag as string | null } : {}),
      ...(size !== undefined ? { sizeBytes: size } : {}),
      ...(typeof s.range === 'string' ? { range: s.range.trim() } : {}),
    };
  });
}

/** Manifest operations on one version (`?version-id`) are not implemented: answering for the current object instead would be wrong. */
function refuseVersionId(r: SwiftRequest): void {
  if (r.target.query.get('version-id')) throw new SwiftError(501, 'multipart-manifest operations on a version (?version-id) are not implemented.');
}

/** PUT `?multipart-manifest=put`: validates the segments and stores the manifest; 201 with the quoted SLO etag. */
export async function putSloManifest(r: SwiftRequest): Promise<Response> {
  refuseVersionId(r);
  const text = await readBodyText(r, SLO_LIMITS.maxManifestSize, `Manifest File > ${SLO_LIMITS.maxManifestSize} bytes`);
  const segments = parseSloManifest(text);
  const { set } = readMetaHeaders(r.headers, 'Object');
  const problem = checkMetadata(set, 'Object');
  if (problem) throw new SwiftError(400, problem);
  const etag = r.headers.get('etag');
  const inm = r.headers.get('if-none-match');
  if (inm !== null && inm.trim() !== '*') throw new SwiftError(400, 'If-None-Match only supports *');
  try {
    const res = await r.deps.objects.putSloManifest(r.ctx, objectRef(r), segments, {
      ...(r.headers.get('content-type') ? { contentType: r.headers.get('content-type')! } : {}),
      userMetadata: set,
      systemMetadata: readSystemMetadata(r.headers),
      ...(etag ? { expectedEtag: etag.replace(/^"|"$/g, '').toLowerCase() } : {}),
      deleteAt: parseDeleteAt(r.headers, r.deps.now()),
      ...(inm !== null ? { ifNoneMatch: '*' as const } : {}),
      ...access(r),
    });
    const h = new Headers();
    h.set('Etag', `"${res.swiftEtag}"`);
    h.set('Last-Modified', httpDate(res.lastModified));
    writtenVersionHeader(h, res.s3VersionId);
    return respond(201, h);
  } catch (e) {
    if (isCoreError(e, 'Invalid') && e.detail.reason === 'ManifestSegmentErrors' && Array.isArray(e.detail.errors)) {
      const fmt = negotiateFormat(null, r.headers.get('accept')) ?? { format: 'plain' as const, contentType: 'text/plain; charset=utf-8' };
      const errs = (e.detail.errors as unknown[][]).map((x) => [quotePath(String(x[0])), String(x[1])] as [string, string]);
      const body =
        fmt.format === 'json'
          ? JSON.stringify({ Errors: errs })
          : `Errors:\n${errs.map(([p, s]) => `${p}, ${s}\n`).join('')}`;
      throw new SwiftError(400, body, { 'Content-Type': fmt.format === 'json' ? fmt.contentType : 'text/plain; charset=utf-8' });
    }
    throw e;
  }
}

/** GET `?multipart-manifest=get`: the stored segment list as JSON (`format=raw`: the PUT format); other objects as stored. */
export async function getSloManifest(r: SwiftRequest): Promise<Response> {
  refuseVersionId(r);
  let manifest;
  try {
    manifest = await r.deps.objects.getSloManifest(r.ctx, objectRef(r), access(r));
  } catch (e) {
    // Not a static large object: Swift serves the stored object itself.
    if (isCoreError(e, 'Invalid') || isCoreError(e, 'InvalidState')) return getManifestObject(r);
    throw e;
  }
  if (!isSlo(manifest.info)) return getManifestObject(r);
  const raw = r.target.query.get('format') === 'raw';
  const body = JSON.stringify(
    manifest.segments.map((s) =>
      raw
        ? { path: s.name, etag: s.hash, size_bytes: s.bytes, ...(s.range ? { range: s.range } : {}) }
        : { name: s.name, hash: s.hash, bytes: s.bytes, content_type: s.contentType, last_modified: listingTime(s.lastModified), ...(s.range ? { range: s.range } : {}) },
    ),
  );
  const h = objectHeaders(manifest.info);
  h.set('Content-Type', 'application/json; charset=utf-8');
  h.set('Etag', createHash('md5').update(body).digest('hex'));
  h.set('X-Static-Large-Object', 'True');
  h.set('Content-Length', String(Buffer.byteLength(body)));
  return respond(200, h, r.method === 'HEAD' ? null : body);
}

/** DELETE `?multipart-manifest=delete`: removes the manifest and its segments; bulk-style result body. */
export async function deleteSloManifest(r: SwiftRequest): Promise<Response> {
  refuseVersionId(r);
  const fmt = negotiateFormat(null, r.headers.get('accept'));
  if (!fmt) throw new SwiftError(406);
  let res;
  try {
    res = await r.deps.objects.deleteSloManifest(r.ctx, objectRef(r), access(r));
  } catch (e) {
    if (isCoreError(e, 'Invalid') || isCoreError(e, 'InvalidState')) return deleteObject(r);
    throw e;
  }
  const errors = res.errors.map((x) => [quotePath(x.name), x.reason] as [string, string]);
  const h = new Headers();
  h.set('Content-Type', fmt.contentType);
  return respond(
    200,
    h,
    renderBulkResult(fmt.format, {
      deleted: res.deleted.length,
      notFound: res.notFound.length,
      errors,
      status: errors.length ? '400 Bad Request' : '200 OK',
    }),
  );
}

/** True when the request's `multipart-manifest` query names `value`. */
export const manifestParam = (r: Pick<SwiftRequest, 'target'>, value: string): boolean =>
  (r.target.query.get('multipart-manifest') ?? '').toLowerCase() === value;
