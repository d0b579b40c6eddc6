// Server-side object copies sharing the source's blobs (Swift COPY / X-Copy-From, S3 CopyObject).
import type { RequestContext } from '../context.js';
import { errors, isCoreError } from '../errors.js';
import { assertDloSegmentsReadable, assertReadObject, assertSloSegmentsReadable, assertWrite, requireContainer } from './authorize.js';
import { commitOrDrop, writeBlob } from './blob-writes.js';
import { refusePublicAcl } from './bucket-guard.js';
import { assertPiecesOpenable, canShareBlobs, checkCustomerKey, storedEncryption, unsealer, writeSealFor } from './encryption.js';
import { resolvePieces, storedPieces } from './object-pieces.js';
import { checkDeleteAt, checkWriteConditions, cleanSysMeta, liveObject, lowerKeys, noSuchKey, validateAclGrants, writeRow, writerAcl } from './object-rows.js';
import { checkConditions, concatEtag, multipartEtag, newId, toStoredAcl, validateObjectName, validateTags } from './rules.js';
import type { ContainerRow, ObjectRow, ObjectStoreContext, Tx } from './store-context.js';
import { openPieces } from './streams.js';
import type { Checksum, CopyObjectOptions, CopyObjectResult, ObjectRef } from './types.js';
import { rowForRead, rowStillStored, s3VersionIdOf } from './versions.js';

/**
 * Server-side copy sharing the source's blobs (no byte copy) when source and copy are sealed alike (see
 * `canShareBlobs`); otherwise the source is opened and its bytes sealed anew as one simple object. Source
 * read access (and an SSE-C source's key) and destination write access needed.
 */
export async function copyObject(store: ObjectStoreContext, ctx: RequestContext, source: ObjectRef, dest: ObjectRef, opts: CopyObjectOptions = {}): Promise<CopyObjectResult> {
  validateObjectName(source.name);
  validateObjectName(dest.name);
  const sc = requireContainer(store, source, ctx);
  let src: ObjectRow | undefined;
  let lookupError: unknown;
  try {
    src = copySourceRow(store, sc, source.name, opts.sourceVersionId);
  } catch (e) {
    lookupError = e;
  }
  assertReadObject(store, ctx, sc, source.name, src, {});
  if (lookupError) throw lookupError;
  if (!src) throw noSuchKey(source.name);
  checkCustomerKey(src.encryption, opts.sourceCustomerKey, true);
  if (!opts.copyManifest) {
    assertDloSegmentsReadable(store, ctx, sc, src, {});
    assertSloSegmentsReadable(store, ctx, sc, src, {});
  }
  checkConditions(opts.sourceConditions, src, true);
  if (opts.checksumAlgorithm !== undefined && (src.checksum as Checksum | null)?.algorithm !== opts.checksumAlgorithm) {
    throw errors.notImplemented(`Computing a ${opts.checksumAlgorithm.toUpperCase()} checksum for a copy whose source has none of that algorithm`);
  }
  const dc = requireContainer(store, dest, ctx);
  assertWrite(store, ctx, dc, dest.name, opts);
  checkDeleteAt(store, opts.deleteAt);
  const replace = opts.metadataDirective === 'REPLACE';
  const seal = writeSealFor(dc, opts.encryption);
  if (
    sc.id === dc.id &&
    source.name === dest.name &&
    opts.sourceVersionId === undefined &&
    opts.metadataDirective === 'COPY' &&
    opts.tagsDirective !== 'REPLACE' &&
    !opts.acl &&
    !opts.mergeMetadata &&
    !opts.encryption
  ) {
    throw errors.invalid(
      'This copy request is illegal because it is trying to copy an object to itself without changing the object\'s metadata, storage class, website redirect location or encryption attributes.',
      { reason: 'InvalidRequest' },
    );
  }
  let kind = src.kind;
  let manifest = src.manifest;
  let blobKey = src.blobKey;
  let size = src.size;
  let etag = src.etag;
  let swiftEtag = src.swiftEtag;
  let dloManifest = src.dloManifest;
  let encryption = src.encryption;
  let checksum = src.checksum;
  let written: Awaited<ReturnType<typeof writeBlob>> | undefined;
  const share = canShareBlobs(src.encryption, seal);
  if (share && src.kind === 'dlo' && !opts.copyManifest) {
    // The copy of a DLO is its current content, frozen as a manifest over the segments' blobs.
    const r = resolvePieces(store, sc, src);
    kind = 'multipart';
    assertPiecesOpenable(r.pieces, undefined);
    manifest = r.pieces.map((p) => ({ blobKey: p.blobKey, offset: p.offset, size: p.size, etag: p.etag, partNumber: p.partNumber, cipher: p.cipher }));
    blobKey = null;
    size = r.size;
    dloManifest = null;
    swiftEtag = concatEtag(r.etags);
    etag = r.etags.length ? multipartEtag(r.etags) : swiftEtag;
  } else if (share && src.kind === 'slo' && !opts.copyManifest) {
    // Swift copies an SLO's content, not its manifest: the copy must not own the source's segment objects
    // (`multipart-manifest=delete` of the copy would delete them). It keeps sharing the segments' blobs.
    kind = 'multipart';
  }
  const userMeta = replace ? lowerKeys(opts.userMetadata) : opts.mergeMetadata ? { ...src.userMeta, ...lowerKeys(opts.userMetadata) } : { ...src.userMeta };
  const contentType = replace || opts.mergeMetadata ? (opts.contentType ?? src.contentType) : src.contentType;
  const sysMeta = replace ? cleanSysMeta(opts.systemMetadata) : opts.mergeMetadata ? { ...src.sysMeta, ...cleanSysMeta(opts.systemMetadata) } : { ...src.sysMeta };
  const tags = opts.tagsDirective === 'REPLACE' ? (opts.tags ?? null) : src.tags;
  if (tags) validateTags(tags, 10);
  const acl = writerAcl(ctx, dc, toStoredAcl(opts.acl));
  validateAclGrants(store, acl);
  refusePublicAcl(store, dc, { s3: acl });
  if (!share) {
    // Another seal (plain ↔ SSE-S3 ↔ SSE-C, or another customer key): open the source and seal its bytes anew,
    // after a first look at the destination's conditions so a doomed copy reads nothing.
    checkWriteConditions(store, liveObject(store, dc.id, dest.name), opts.ifNoneMatch, opts.ifMatch, dest.name);
    const r = src.kind === 'dlo' && opts.copyManifest ? storedPieces(src) : resolvePieces(store, sc, src);
    assertPiecesOpenable(r.pieces, opts.sourceCustomerKey);
    const body = await openPieces(store.blobs, r.pieces, unsealer(store, opts.sourceCustomerKey));
    written = await writeBlob(store, body, { expectedSize: r.size, seal });
    kind = src.kind === 'dlo' && opts.copyManifest ? 'dlo' : 'simple';
    manifest = null;
    blobKey = written.res.key;
    size = written.res.size;
    etag = written.etag;
    swiftEtag = written.etag;
    if (kind !== 'dlo') dloManifest = null;
    encryption = storedEncryption(seal, written.cipher);
    if (src.kind !== 'simple') checksum = null;
  }
  const srcRow = src;
  const id = newId();
  const now = store.now();
  const commit = (tx: Tx) => {
    // Re-read the source inside the transaction: its blobs are still referenced, so sharing them is safe.
    if (!written && !rowStillStored(tx, srcRow)) throw noSuchKey(source.name);
    checkWriteConditions(store, liveObject(store, dc.id, dest.name), opts.ifNoneMatch, opts.ifMatch, dest.name);
    return writeRow(
      store,
      tx,
      {
        id,
        containerId: dc.id,
        name: dest.name,
        size,
        etag,
        swiftEtag,
        contentType,
        userMeta,
        sysMeta,
        lastModified: now,
        deleteAt: opts.deleteAt ?? null,
        tags,
        acl,
        checksum,
        kind,
        blobKey,
        manifest,
        dloManifest,
        encryption,
      },
      { ...dest, projectId: dc.projectId },
    );
  };
  const stored = written ? await commitOrDrop(store, written, commit) : store.db.transaction(commit);
  return {
    etag,
    swiftEtag,
    size,
    lastModified: now,
    sourceLastModified: src.lastModified,
    userMetadata: userMeta,
    contentType,
    versionId: id,
    s3VersionId: s3VersionIdOf(dc, stored),
    sourceS3VersionId: opts.sourceVersionId ?? s3VersionIdOf(sc, src.versionId),
    checksum: (checksum as Checksum | null) ?? undefined,
    encryption: encryption?.mode,
  };
}

/** The source row of a copy: the current one, or the version asked for (a delete marker cannot be copied: InvalidRequest). */
function copySourceRow(store: ObjectStoreContext, sc: ContainerRow, name: string, versionId: string | undefined): ObjectRow | undefined {
  try {
    return rowForRead(store, sc, name, versionId, liveObject(store, sc.id, name));
  } catch (e) {
    if (isCoreError(e, 'InvalidState')) throw errors.invalid('The source of a copy request may not specifically refer to a delete marker by version id.', { reason: 'InvalidRequest' });
    throw e;
  }
}
