// Object writes from a request body (Swift PUT object, S3 PutObject).
import type { RequestContext } from '../context.js';
import { errors } from '../errors.js';
import { assertWrite, requireContainer } from './authorize.js';
import { refusePublicAcl } from './bucket-guard.js';
import { commitOrDrop, writeBlob } from './blob-writes.js';
import { storedEncryption, writeSealFor } from './encryption.js';
import { checkDeleteAt, checkWriteConditions, cleanSysMeta, liveRow, lowerKeys, validateAclGrants, writeRow, writerAcl } from './object-rows.js';
import { checkQuota } from './quotas.js';
import { newId, toStoredAcl, validateObjectName, validateTags } from './rules.js';
import type { ContainerRow, ObjectStoreContext } from './store-context.js';
import type { ObjectRef, PutObjectOptions, PutObjectResult } from './types.js';
import { s3VersionIdOf } from './versions.js';

/**
 * Streams `body` to a fresh blob, verifies size/MD5/checksum, then commits the object row (the write
 * that completes last wins). A failed body leaves no row and no blob. The replaced version's blobs
 * are released and collected later by a `blob.gc` job.
 */
export async function putObject(store: ObjectStoreContext, ctx: RequestContext, ref: ObjectRef, body: ReadableStream<Uint8Array>, opts: PutObjectOptions = {}): Promise<PutObjectResult> {
  let c: ContainerRow;
  try {
    validateObjectName(ref.name);
    c = requireContainer(store, ref, ctx);
    assertWrite(store, ctx, c, ref.name, opts);
    checkDeleteAt(store, opts.deleteAt);
    if (opts.tags) validateTags(opts.tags, 10);
    // Fail fast before reading the body (Expect: 100-continue clients send nothing yet).
    const old = store.stmts.objectByName(c.id, ref.name);
    checkWriteConditions(store, liveRow(store, old), opts.ifNoneMatch, opts.ifMatch, ref.name);
    checkQuota(store.stmts, c.id, { bytes: (opts.expectedSize ?? 0) - (old?.size ?? 0), objects: old ? 0 : 1 });
  } catch (e) {
    await body.cancel().catch(() => undefined);
    throw e;
  }
  const acl = writerAcl(ctx, c, toStoredAcl(opts.acl));
  validateAclGrants(store, acl);
  refusePublicAcl(store, c, { s3: acl });
  const seal = writeSealFor(c, opts.encryption);
  const written = await writeBlob(store, body, { ...opts, seal });
  const { res, checksum, etag, cipher } = written;
  const id = newId();
  const now = store.now();
  const stored = await commitOrDrop(store, written, (tx) => {
    if (!store.stmts.containerExists(c.id)) throw errors.notFound('container', ref.container, 'The specified bucket does not exist.');
    const current = store.stmts.objectByName(c.id, ref.name) ?? null;
    checkWriteConditions(store, liveRow(store, current), opts.ifNoneMatch, opts.ifMatch, ref.name, true);
    return writeRow(
      store,
      tx,
      {
        id,
        containerId: c.id,
        name: ref.name,
        size: res.size,
        etag,
        swiftEtag: etag,
        contentType: opts.contentType || 'application/octet-stream',
        userMeta: lowerKeys(opts.userMetadata),
        sysMeta: cleanSysMeta(opts.systemMetadata),
        lastModified: now,
        deleteAt: opts.deleteAt ?? null,
        tags: opts.tags ?? null,
        acl,
        checksum: checksum ?? null,
        kind: opts.dloManifest !== undefined ? 'dlo' : 'simple',
        blobKey: res.key,
        manifest: null,
        dloManifest: opts.dloManifest ?? null,
        encryption: storedEncryption(seal, cipher),
      },
      { ...ref, projectId: c.projectId },
      current,
    );
  });
  return { etag, swiftEtag: etag, size: res.size, lastModified: now, versionId: id, s3VersionId: s3VersionIdOf(c, stored), checksum, encryption: seal?.mode };
}
