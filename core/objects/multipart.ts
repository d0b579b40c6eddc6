// Multipart uploads: create, upload (copy) part, list parts and uploads, complete, abort.
import { and, asc, eq, gt, isNull } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import { type ManifestEntry, objParts, objUploads, type StoredEncryption } from '../db/schema/objects.js';
import { errors } from '../errors.js';
import { assertList, assertWrite, requireContainer } from './authorize.js';
import { refusePublicAcl } from './bucket-guard.js';
import { commitOrDrop, writeBlob, type WrittenBlob } from './blob-writes.js';
import { assertSealable, checkCustomerKey, storedEncryption, unsealer, writeSealFor, type WriteSeal } from './encryption.js';
import { readObject } from './get-object.js';
import { checkPartAlgorithm, multipartChecksum, uploadChecksumType } from './multipart-checksum.js';
import { s3VersionIdOf, storedVersionById } from './versions.js';
import { addRefs, checkDeleteAt, checkWriteConditions, cleanSysMeta, liveObject, lowerKeys, releaseRefs, validateAclGrants, writeRow, writerAcl } from './object-rows.js';
import { checkConditions, compareBytes, concatEtag, multipartEtag, newId, normalizeEtag, toStoredAcl, validateObjectName, validateTags } from './rules.js';
import type { ContainerRow, ObjectStoreContext, UploadRow } from './store-context.js';
import { emptyStream, openPieces, slicePieces } from './streams.js';
import type {
  Checksum,
  ChecksumAlgorithm,
  ChecksumType,
  CompleteMultipartOptions,
  CompleteMultipartResult,
  CompletePart,
  ContainerRef,
  CreateMultipartOptions,
  ListPartsOptions,
  ListUploadsOptions,
  MultipartUpload,
  ObjectRef,
  PartInfo,
  PartListing,
  StoredAcl,
  UploadListing,
  UploadPartCopyOptions,
  UploadPartOptions,
} from './types.js';
import { projectDisplayNames } from './views.js';

/** The upload `uploadId` of object `ref` after the access check (write, or listing for reads); NotFound `upload` otherwise. */
function requireUpload(store: ObjectStoreContext, ctx: RequestContext, ref: ObjectRef, uploadId: string, write: boolean): { c: ContainerRow; up: UploadRow } {
  const c = requireContainer(store, ref, ctx);
  if (write) assertWrite(store, ctx, c, ref.name, {});
  else assertList(store, ctx, c, { key: ref.name });
  const up = store.db.select().from(objUploads).where(eq(objUploads.id, uploadId)).get();
  if (!up || up.containerId !== c.id || up.name !== ref.name) {
    throw errors.notFound('upload', uploadId, 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.');
  }
  return { c, up };
}

/** The upload's encryption (mode and SSE-C key check), kept in its settings. */
function uploadEncryption(up: UploadRow): StoredEncryption | undefined {
  return (up.settings as { encryption?: StoredEncryption }).encryption;
}

/** The seal of a part of `up`: its mode, with the customer key the part request carried (checked against the upload's). */
function partSeal(up: UploadRow, customerKey: Uint8Array | undefined): WriteSeal | undefined {
  const enc = uploadEncryption(up);
  checkCustomerKey(enc, customerKey);
  if (!enc) return undefined;
  return enc.mode === 'SSE-C' ? { mode: 'SSE-C', customerKey: customerKey! } : { mode: 'SSE-S3' };
}

/** The MultipartUpload view of an upload row (owner display name left to withOwnerNames). */
function uploadView(c: ContainerRow, up: UploadRow): MultipartUpload {
  const s = up.settings as { checksumAlgorithm?: ChecksumAlgorithm; checksumType?: ChecksumType; acl?: StoredAcl };
  return {
    ownerProjectId: s.acl?.owner ?? c.projectId,
    uploadId: up.id,
    projectId: c.projectId,
    container: c.name,
    name: up.name,
    initiated: up.initiated,
    initiatorUserId: up.initiatorUserId ?? undefined,
    initiatorUserName: up.initiatorUserName ?? undefined,
    checksumAlgorithm: s.checksumAlgorithm,
    checksumType: s.checksumType,
    encryption: uploadEncryption(up)?.mode,
  };
}

/** Fills in the owners' display names (project names) of upload views. */
function withOwnerNames<T extends MultipartUpload>(store: ObjectStoreContext, uploads: T[]): T[] {
  const names = projectDisplayNames(store, uploads.map((u) => u.ownerProjectId));
  for (const u of uploads) u.ownerDisplayName = names[u.ownerProjectId];
  return uploads;
}

/** Starts an upload into an existing container; metadata is applied at completion. */
export async function createMultipartUpload(store: ObjectStoreContext, ctx: RequestContext, ref: ObjectRef, opts: CreateMultipartOptions = {}): Promise<MultipartUpload> {
  validateObjectName(ref.name);
  const c = requireContainer(store, ref, ctx);
  assertWrite(store, ctx, c, ref.name, opts);
  checkDeleteAt(store, opts.deleteAt);
  if (opts.tags) validateTags(opts.tags, 10);
  const acl = writerAcl(ctx, c, toStoredAcl(opts.acl));
  validateAclGrants(store, acl);
  refusePublicAcl(store, c, { s3: acl });
  const checksumType = uploadChecksumType(opts.checksumAlgorithm, opts.checksumType);
  const seal = writeSealFor(c, opts.encryption);
  assertSealable(store, seal);
  const encryption = storedEncryption(seal) ?? undefined;
  const now = store.now();
  const row: UploadRow = {
    id: newId(),
    containerId: c.id,
    name: ref.name,
    initiated: now,
    initiatorUserId: ctx.auth?.userId ?? null,
    initiatorUserName: ctx.auth?.userName ?? null,
    settings: {
      contentType: opts.contentType,
      userMeta: lowerKeys(opts.userMetadata),
      sysMeta: cleanSysMeta(opts.systemMetadata),
      tags: opts.tags,
      acl,
      checksumAlgorithm: opts.checksumAlgorithm,
      checksumType,
      deleteAt: opts.deleteAt,
      encryption,
    },
    completedVersionId: null,
    completedEtag: null,
  };
  store.db.transaction((tx) => {
    tx.insert(objUploads).values(row).run();
    store.enqueue(tx, 'multipart.cleanup', { uploadId: row.id }, { runAt: now + (store.deps.multipartTtlMs ?? 7 * 86_400_000), jobId: `mpu:${row.id}` });
  });
  return withOwnerNames(store, [uploadView(c, row)])[0]!;
}

/** Invalid unless `n` is an integer part number 1..10000. */
function assertPartNumber(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > 10000) throw errors.invalid('Part number must be an integer between 1 and 10000, inclusive', { reason: 'InvalidArgument' });
}

/** Records a written part blob in `uploadId`, replacing an earlier part of that number. */
function commitPart(store: ObjectStoreContext, uploadId: string, partNumber: number, written: WrittenBlob): Promise<PartInfo> {
  const { res, checksum, etag, cipher } = written;
  const now = store.now();
  return commitOrDrop(store, written, (tx) => {
    const up = tx.select().from(objUploads).where(eq(objUploads.id, uploadId)).get();
    if (!up || up.completedVersionId) throw errors.notFound('upload', uploadId, 'The specified upload does not exist.');
    const old = tx.select().from(objParts).where(and(eq(objParts.uploadId, uploadId), eq(objParts.partNumber, partNumber))).get();
    if (old) {
      tx.delete(objParts).where(and(eq(objParts.uploadId, uploadId), eq(objParts.partNumber, partNumber))).run();
      releaseRefs(store, tx, [old.blobKey]);
    }
    tx.insert(objParts).values({ uploadId, partNumber, blobKey: res.key, size: res.size, etag, checksum: checksum?.value ?? null, lastModified: now, cipher: cipher ?? null }).run();
    addRefs(store, tx, [res.key]);
    return { partNumber, size: res.size, etag, lastModified: now, checksum, encryption: cipher?.mode };
  });
}

/** Streams one part (1..10000) to a fresh blob; a re-upload of the same number replaces it (last finished wins). */
export async function uploadPart(store: ObjectStoreContext, ctx: RequestContext, ref: ObjectRef, uploadId: string, partNumber: number, body: ReadableStream<Uint8Array>, opts: UploadPartOptions = {}): Promise<PartInfo> {
  let algorithm: ChecksumAlgorithm | undefined;
  let seal: WriteSeal | undefined;
  try {
    assertPartNumber(partNumber);
    const { up } = requireUpload(store, ctx, ref, uploadId, true);
    algorithm = (up.settings as { checksumAlgorithm?: ChecksumAlgorithm }).checksumAlgorithm;
    checkPartAlgorithm(algorithm, opts.checksum?.algorithm);
    seal = partSeal(up, opts.customerKey);
  } catch (e) {
    await body.cancel().catch(() => undefined);
    throw e;
  }
  // Parts of an upload with an algorithm always get that checksum, sent or not: completion needs them all.
  const written = await writeBlob(store, body, { ...opts, checksum: opts.checksum ?? (algorithm ? { algorithm } : undefined), seal });
  return commitPart(store, uploadId, partNumber, written);
}

/** Copies a source object (or a byte range of it) into a part; the part's ETag is the MD5 of the copied bytes. */
export async function uploadPartCopy(store: ObjectStoreContext, ctx: RequestContext, ref: ObjectRef, uploadId: string, partNumber: number, source: ObjectRef, opts: UploadPartCopyOptions = {}): Promise<PartInfo> {
  assertPartNumber(partNumber);
  const { up } = requireUpload(store, ctx, ref, uploadId, true);
  const algorithm = (up.settings as { checksumAlgorithm?: ChecksumAlgorithm }).checksumAlgorithm;
  const seal = partSeal(up, opts.customerKey);
  const range = opts.sourceRange;
  if (range && (range.start < 0 || range.end < range.start)) throw errors.invalid('The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy', { reason: 'InvalidArgument' });
  const { head, pieces } = await readObject(store, ctx, source, { versionId: opts.sourceVersionId, customerKey: opts.sourceCustomerKey }, 'GET');
  checkConditions(opts.sourceConditions, head.info, true);
  let use = pieces;
  if (range) {
    if (range.end >= head.info.size) throw errors.invalid('The requested range is not satisfiable', { reason: 'InvalidRange', size: head.info.size });
    use = slicePieces(pieces, range.start, range.end);
  }
  const size = range ? range.end - range.start + 1 : head.info.size;
  const body = size === 0 ? emptyStream() : await openPieces(store.blobs, use, unsealer(store, opts.sourceCustomerKey));
  const written = await writeBlob(store, body, { expectedSize: size, checksum: algorithm ? { algorithm } : undefined, seal });
  return commitPart(store, uploadId, partNumber, written);
}

/** Parts uploaded so far, by part number. */
export async function listParts(store: ObjectStoreContext, ctx: RequestContext, ref: ObjectRef, uploadId: string, opts: ListPartsOptions = {}): Promise<PartListing> {
  const { c, up } = requireUpload(store, ctx, ref, uploadId, false);
  if (up.completedVersionId) throw errors.notFound('upload', uploadId, 'The specified upload does not exist.');
  const max = Math.min(Math.max(opts.maxParts ?? 1000, 0), 1000);
  const rows = store.db
    .select()
    .from(objParts)
    .where(and(eq(objParts.uploadId, uploadId), gt(objParts.partNumber, opts.partNumberMarker ?? 0)))
    .orderBy(asc(objParts.partNumber))
    .limit(max + 1)
    .all();
  const isTruncated = rows.length > max;
  const { checksumAlgorithm } = up.settings as { checksumAlgorithm?: ChecksumAlgorithm };
  const parts = rows.slice(0, max).map((p) => ({
    partNumber: p.partNumber,
    size: p.size,
    etag: p.etag,
    lastModified: p.lastModified,
    checksum: p.checksum && checksumAlgorithm ? { algorithm: checksumAlgorithm, value: p.checksum, type: 'FULL_OBJECT' as const } : undefined,
  }));
  return { upload: withOwnerNames(store, [uploadView(c, up)])[0]!, parts, isTruncated, nextPartNumberMarker: isTruncated ? parts.at(-1)?.partNumber : undefined };
}

/** In-progress uploads of a container, by key then initiation. */
export async function listMultipartUploads(store: ObjectStoreContext, ctx: RequestContext, ref: ContainerRef, opts: ListUploadsOptions = {}): Promise<UploadListing> {
  const c = requireContainer(store, ref, ctx);
  assertList(store, ctx, c);
  const max = Math.min(Math.max(opts.maxUploads ?? 1000, 0), 1000);
  const prefix = opts.prefix ?? '';
  const rows = store.db
    .select()
    .from(objUploads)
    .where(and(eq(objUploads.containerId, c.id), isNull(objUploads.completedVersionId)))
    .all()
    .filter((u) => u.name.startsWith(prefix))
    .sort((a, b) => compareBytes(a.name, b.name) || a.initiated - b.initiated || compareBytes(a.id, b.id));
  const uploads: MultipartUpload[] = [];
  const commonPrefixes: string[] = [];
  let isTruncated = false;
  let last: { key: string; id?: string } | undefined;
  for (const u of rows) {
    if (opts.keyMarker !== undefined) {
      const cmp = compareBytes(u.name, opts.keyMarker);
      if (cmp < 0) continue;
      if (cmp === 0) {
        if (opts.uploadIdMarker === undefined) continue;
        const idx = rows.findIndex((r) => r.id === opts.uploadIdMarker);
        if (idx === -1 || rows.indexOf(u) <= idx) continue;
      }
    }
    let cp: string | undefined;
    if (opts.delimiter) {
      const i = u.name.indexOf(opts.delimiter, prefix.length);
      if (i !== -1) cp = u.name.slice(0, i + opts.delimiter.length);
    }
    if (cp !== undefined && commonPrefixes.at(-1) === cp) continue;
    if (cp !== undefined && opts.keyMarker !== undefined && compareBytes(cp, opts.keyMarker) <= 0) continue;
    if (uploads.length + commonPrefixes.length >= max) {
      isTruncated = true;
      break;
    }
    if (cp !== undefined) {
      commonPrefixes.push(cp);
      last = { key: cp };
    } else {
      uploads.push(uploadView(c, u));
      last = { key: u.name, id: u.id };
    }
  }
  return { uploads: withOwnerNames(store, uploads), commonPrefixes, isTruncated, nextKeyMarker: isTruncated ? last?.key : undefined, nextUploadIdMarker: isTruncated ? last?.id : undefined };
}

/**
 * Completes with S3's rules (InvalidPart, InvalidPartOrder, EntityTooSmall, MalformedManifest for no
 * parts) and writes a manifest object with ETag `hex(md5(concat(binary part md5s)))-N`; no byte copy.
 * Repeating a Complete that already succeeded returns the same result.
 */
export async function completeMultipartUpload(store: ObjectStoreContext, ctx: RequestContext, ref: ObjectRef, uploadId: string, parts: CompletePart[], opts: CompleteMultipartOptions = {}): Promise<CompleteMultipartResult> {
  const { c, up } = requireUpload(store, ctx, ref, uploadId, true);
  if (up.completedVersionId) {
    // The version it made may be noncurrent by now (a versioned bucket kept it).
    const done = storedVersionById(store, up.completedVersionId);
    if (done) {
      return {
        etag: done.etag,
        size: done.size,
        lastModified: done.lastModified,
        versionId: done.id,
        s3VersionId: s3VersionIdOf(c, done.versionId),
        checksum: (done.checksum as Checksum | null) ?? undefined,
        encryption: done.encryption?.mode,
      };
    }
    throw errors.notFound('upload', uploadId, 'The specified upload does not exist.');
  }
  if (!parts.length) throw errors.invalid('The XML you provided was not well-formed or did not validate against our published schema', { reason: 'MalformedManifest' });
  // A part number listed twice (re-uploaded part) counts once, with the last listed ETag.
  const chosen: CompletePart[] = [];
  for (const p of parts) {
    const prev = chosen.at(-1);
    if (prev && p.partNumber < prev.partNumber) throw errors.invalid('The list of parts was not in ascending order. The parts list must be specified in order by part number.', { reason: 'InvalidPartOrder' });
    if (prev && p.partNumber === prev.partNumber) chosen[chosen.length - 1] = p;
    else chosen.push(p);
  }
  const stored = new Map(store.db.select().from(objParts).where(eq(objParts.uploadId, uploadId)).all().map((p) => [p.partNumber, p]));
  const minPart = store.deps.minPartSize ?? 5 * 1024 * 1024;
  const used = chosen.map((p) => {
    const s = stored.get(p.partNumber);
    if (!s || normalizeEtag(p.etag) !== s.etag) {
      throw errors.invalid('One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not have matched the part\'s entity tag.', { reason: 'InvalidPart', partNumber: p.partNumber, etag: p.etag, uploadId });
    }
    return s;
  });
  used.forEach((s, i) => {
    if (i < used.length - 1 && s.size < minPart) {
      throw errors.invalid('Your proposed upload is smaller than the minimum allowed object size.', { reason: 'EntityTooSmall', partNumber: s.partNumber, size: s.size, minSize: minPart, etag: s.etag });
    }
  });
  const etag = multipartEtag(used.map((p) => p.etag));
  const swiftEtag = concatEtag(used.map((p) => p.etag));
  const size = used.reduce((a, p) => a + p.size, 0);
  if (opts.expectedSize !== undefined && opts.expectedSize !== size) {
    throw errors.invalid(`The provided object size ${opts.expectedSize} does not match the size of the completed object, ${size}.`, { reason: 'InvalidRequest' });
  }
  const settings = up.settings as {
    contentType?: string;
    userMeta?: Record<string, string>;
    sysMeta?: Record<string, string>;
    tags?: Record<string, string>;
    acl?: StoredAcl;
    checksumAlgorithm?: ChecksumAlgorithm;
    checksumType?: ChecksumType;
    deleteAt?: number;
    encryption?: StoredEncryption;
  };
  const checksum = multipartChecksum(settings.checksumAlgorithm, uploadChecksumType(settings.checksumAlgorithm, settings.checksumType), used, {
    given: chosen.map((p) => p.checksum),
    type: opts.checksumType,
    expected: opts.checksum,
  });
  const manifest: ManifestEntry[] = used.map((p) => ({ blobKey: p.blobKey, offset: 0, size: p.size, etag: p.etag, partNumber: p.partNumber, checksum: p.checksum ?? undefined, cipher: p.cipher ?? undefined }));
  const id = newId();
  const now = store.now();
  const storedVersion = store.db.transaction((tx) => {
    const again = tx.select().from(objUploads).where(eq(objUploads.id, uploadId)).get();
    if (!again || again.completedVersionId) throw errors.notFound('upload', uploadId, 'The specified upload does not exist.');
    checkWriteConditions(store, liveObject(store, c.id, ref.name), opts.ifNoneMatch, opts.ifMatch, ref.name);
    const v = writeRow(
      store,
      tx,
      {
        id,
        containerId: c.id,
        name: ref.name,
        size,
        etag,
        swiftEtag,
        contentType: settings.contentType || 'application/octet-stream',
        userMeta: settings.userMeta ?? {},
        sysMeta: settings.sysMeta ?? {},
        lastModified: now,
        deleteAt: settings.deleteAt && settings.deleteAt > now ? settings.deleteAt : null,
        tags: settings.tags ?? null,
        acl: settings.acl ?? { canned: 'private', grants: [] },
        checksum: checksum ?? null,
        kind: 'multipart',
        blobKey: null,
        manifest,
        dloManifest: null,
        encryption: settings.encryption ?? null,
      },
      { ...ref, projectId: c.projectId },
    );
    const all = tx.select().from(objParts).where(eq(objParts.uploadId, uploadId)).all();
    tx.delete(objParts).where(eq(objParts.uploadId, uploadId)).run();
    releaseRefs(store, tx, all.map((p) => p.blobKey));
    tx.update(objUploads).set({ completedVersionId: id, completedEtag: etag }).where(eq(objUploads.id, uploadId)).run();
    return v;
  });
  return { etag, size, lastModified: now, versionId: id, s3VersionId: s3VersionIdOf(c, storedVersion), checksum, encryption: settings.encryption?.mode };
}

/** Deletes an upload and releases its parts, in one transaction. */
export function dropUpload(store: ObjectStoreContext, uploadId: string): void {
  store.db.transaction((tx) => {
    const parts = tx.select().from(objParts).where(eq(objParts.uploadId, uploadId)).all();
    tx.delete(objParts).where(eq(objParts.uploadId, uploadId)).run();
    tx.delete(objUploads).where(eq(objUploads.id, uploadId)).run();
    releaseRefs(store, tx, parts.map((p) => p.blobKey));
  });
}

/** Aborts the upload and releases its parts; NotFound 'upload' when unknown. */
export async function abortMultipartUpload(store: ObjectStoreContext, ctx: RequestContext, ref: ObjectRef, uploadId: string): Promise<void> {
  const { up } = requireUpload(store, ctx, ref, uploadId, true);
  if (up.completedVersionId) throw errors.notFound('upload', uploadId, 'The specified upload does not exist.');
  dropUpload(store, uploadId);
}
