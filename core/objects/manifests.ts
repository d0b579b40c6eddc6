// Swift static large object (SLO) manifests: put, get and delete with their segments.
import { eq } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import { type ManifestEntry, objBlobRefs } from '../db/schema/objects.js';
import { errors, isCoreError } from '../errors.js';
import { assertReadObject, assertWrite, findContainer, requireContainer } from './authorize.js';
import { deleteObject } from './delete-object.js';
import { resolvePieces } from './object-pieces.js';
import { checkDeleteAt, checkWriteConditions, cleanSysMeta, liveObject, lowerKeys, noSuchKey, writeRow } from './object-rows.js';
import { concatEtag, multipartEtag, newId, normalizeEtag, parseSloRange, validateObjectName } from './rules.js';
import type { ObjectStoreContext } from './store-context.js';
import { type Piece, slicePieces } from './streams.js';
import type { AccessOptions, DeleteSloResult, ObjectInfo, ObjectRef, PutObjectResult, PutSloOptions, SloSegmentInfo, SloSegmentInput } from './types.js';
import { objectInfo } from './views.js';

/** Swift `multipart-manifest=put`: validates every segment (ManifestSegmentErrors) and stores an SLO referencing their bytes. */
export async function putSloManifest(store: ObjectStoreContext, ctx: RequestContext, ref: ObjectRef, segments: SloSegmentInput[], opts: PutSloOptions = {}): Promise<PutObjectResult> {
  validateObjectName(ref.name);
  const c = requireContainer(store, ref, ctx);
  assertWrite(store, ctx, c, ref.name, opts);
  checkDeleteAt(store, opts.deleteAt);
  if (!segments.length || segments.length > 1000) throw errors.invalid('Manifest must have 1 to 1000 segments.', { reason: 'MalformedManifest' });
  const problems: Array<[string, string]> = [];
  const manifest: ManifestEntry[] = [];
  const segEtags: string[] = [];
  const partEtags: string[] = [];
  segments.forEach((s, i) => {
    const path = s.path.startsWith('/') ? s.path.slice(1) : s.path;
    const slash = path.indexOf('/');
    if (slash <= 0 || slash === path.length - 1) {
      problems.push([s.path, '400 Bad Request']);
      return;
    }
    const segC = findContainer(store, { projectId: c.projectId, container: path.slice(0, slash) }, ctx);
    const segName = path.slice(slash + 1);
    const seg = segC ? liveObject(store, segC.id, segName) : undefined;
    if (!segC || !seg) {
      problems.push([s.path, '404 Not Found']);
      return;
    }
    try {
      assertReadObject(store, ctx, segC, segName, seg, {});
    } catch {
      problems.push([s.path, '403 Forbidden']);
      return;
    }
    if (seg.kind === 'dlo') {
      problems.push([s.path, 'Nested DLO is not supported']);
      return;
    }
    if (s.etag != null && normalizeEtag(s.etag) !== seg.swiftEtag && normalizeEtag(s.etag) !== seg.etag) problems.push([s.path, 'Etag Mismatch']);
    if (s.sizeBytes != null && s.sizeBytes !== seg.size) problems.push([s.path, 'Size Mismatch']);
    let pieces = resolvePieces(store, segC, seg).pieces as Piece[];
    let range: { start: number; end: number } | undefined;
    if (s.range !== undefined) {
      range = parseSloRange(s.range, seg.size);
      if (!range) {
        problems.push([s.path, 'Unsatisfiable Range']);
        return;
      }
      pieces = slicePieces(pieces, range.start, range.end);
    }
    const segEtag = s.range !== undefined ? `${seg.swiftEtag}:${range!.start}-${range!.end};` : seg.swiftEtag;
    segEtags.push(segEtag);
    partEtags.push(seg.etag);
    for (const p of pieces) {
      manifest.push({ blobKey: p.blobKey, offset: p.offset, size: p.size, etag: seg.swiftEtag, partNumber: i + 1, path: `/${segC.name}/${segName}`, range: s.range, contentType: seg.contentType, lastModified: seg.lastModified });
    }
    if (!pieces.length) manifest.push({ blobKey: seg.blobKey ?? '', offset: 0, size: 0, etag: seg.swiftEtag, partNumber: i + 1, path: `/${segC.name}/${segName}`, range: s.range, contentType: seg.contentType, lastModified: seg.lastModified });
  });
  if (problems.length) throw errors.invalid('Invalid SLO manifest segments.', { reason: 'ManifestSegmentErrors', errors: problems });
  const swiftEtag = concatEtag(segEtags);
  if (opts.expectedEtag !== undefined && normalizeEtag(opts.expectedEtag) !== swiftEtag) {
    throw errors.invalid('Etag mismatch with the manifest.', { reason: 'BadDigest', expected: opts.expectedEtag, calculated: swiftEtag });
  }
  const entries = manifest.filter((e) => e.blobKey !== '');
  const size = entries.reduce((a, e) => a + e.size, 0);
  const etag = multipartEtag(partEtags);
  const id = newId();
  const now = store.now();
  store.db.transaction((tx) => {
    checkWriteConditions(store, liveObject(store, c.id, ref.name), opts.ifNoneMatch, undefined, ref.name);
    // The segments' rows may have been replaced since validation; their blobs must still be referenced to share them.
    for (const e of entries) {
      const r = tx.select().from(objBlobRefs).where(eq(objBlobRefs.blobKey, e.blobKey)).get();
      if (!r || r.refs <= 0) throw errors.conflict('object', 'A segment changed while the manifest was stored; retry.', { reason: 'ManifestSegmentErrors', errors: [[e.path ?? '', '409 Conflict']] });
    }
    writeRow(
      store,
      tx,
      {
        id,
        containerId: c.id,
        name: ref.name,
        size,
        etag,
        swiftEtag,
        contentType: opts.contentType || 'application/octet-stream',
        userMeta: lowerKeys(opts.userMetadata),
        sysMeta: cleanSysMeta(opts.systemMetadata),
        lastModified: now,
        deleteAt: opts.deleteAt ?? null,
        tags: null,
        acl: { canned: 'private', grants: [] },
        checksum: null,
        kind: 'slo',
        blobKey: null,
        manifest: entries,
        dloManifest: null,
      },
      { ...ref, projectId: c.projectId },
    );
  });
  return { etag, swiftEtag, size, lastModified: now, versionId: id };
}

/** Swift `multipart-manifest=get`: the stored segment list of an SLO (also of an S3 multipart object). */
export async function getSloManifest(store: ObjectStoreContext, ctx: RequestContext, ref: ObjectRef, access: AccessOptions = {}): Promise<{ info: ObjectInfo; segments: SloSegmentInfo[] }> {
  validateObjectName(ref.name);
  const c = requireContainer(store, ref, ctx);
  const row = liveObject(store, c.id, ref.name);
  assertReadObject(store, ctx, c, ref.name, row, access);
  if (!row) throw noSuchKey(ref.name);
  const segments: SloSegmentInfo[] = [];
  const byPart = new Map<number, SloSegmentInfo>();
  for (const e of row.manifest ?? []) {
    const seg = byPart.get(e.partNumber);
    if (seg) {
      seg.bytes += e.size;
      continue;
    }
    const s: SloSegmentInfo = {
      name: e.path ?? `/${c.name}/${row.name}/${e.partNumber}`,
      hash: e.etag,
      bytes: e.size,
      contentType: e.contentType ?? 'application/octet-stream',
      lastModified: e.lastModified ?? row.lastModified,
      range: e.range,
    };
    byPart.set(e.partNumber, s);
    segments.push(s);
  }
  return { info: objectInfo(c, row), segments };
}

/** Swift `multipart-manifest=delete`: deletes the manifest and its segment objects. */
export async function deleteSloManifest(store: ObjectStoreContext, ctx: RequestContext, ref: ObjectRef, access: AccessOptions = {}): Promise<DeleteSloResult> {
  const { segments, info } = await getSloManifest(store, ctx, ref, access);
  const out: DeleteSloResult = { deleted: [], notFound: [], errors: [] };
  if (info.kind !== 'slo') {
    await deleteObject(store, ctx, ref, access);
    out.deleted.push(`/${info.container}/${info.name}`);
    return out;
  }
  for (const s of segments) {
    const path = s.name.slice(1);
    const slash = path.indexOf('/');
    try {
      const r = await deleteObject(store, ctx, { projectId: info.projectId, container: path.slice(0, slash), name: path.slice(slash + 1) }, access);
      (r.existed ? out.deleted : out.notFound).push(s.name);
    } catch (e) {
      if (isCoreError(e, 'NotFound')) out.notFound.push(s.name);
      else if (isCoreError(e)) out.errors.push({ name: s.name, reason: e.detail.reason ?? e.kind });
      else throw e;
    }
  }
  await deleteObject(store, ctx, ref, access);
  out.deleted.push(`/${info.container}/${info.name}`);
  return out;
}
