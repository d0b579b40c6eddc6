// Object reads: HEAD and GET with conditions, ranges and part numbers, over simple objects and manifests.
import type { RequestContext } from '../context.js';
import { errors } from '../errors.js';
import { assertDloSegmentsReadable, assertReadObject, assertSloSegmentsReadable, requireContainer } from './authorize.js';
import { assertPiecesOpenable, checkCustomerKey, unsealer } from './encryption.js';
import { lifecycleExpiry } from './lifecycle.js';
import { resolvePieces, storedPieces } from './object-pieces.js';
import { liveObject, noSuchKey } from './object-rows.js';
import { checkConditions, concatEtag, multipartEtag, resolveByteRange, validateObjectName } from './rules.js';
import type { ObjectRow, ObjectStoreContext } from './store-context.js';
import { bytesStream, emptyStream, openPieces, type Piece, slicePieces } from './streams.js';
import type { GetObjectOptions, GetObjectResult, HeadObjectResult, ListPartsOptions, ObjectPartInfo, ObjectPartListing, ObjectRef } from './types.js';
import { objectInfo } from './views.js';
import { rowForRead } from './versions.js';

/**
 * The parts of a stored multipart or SLO object after `partNumberMarker`, at most `maxParts` (≤ 1000)
 * of them, with the read access and conditions of HEAD. A simple object has none.
 */
export async function listObjectParts(store: ObjectStoreContext, ctx: RequestContext, ref: ObjectRef, opts: ListPartsOptions & GetObjectOptions = {}): Promise<ObjectPartListing> {
  const { head } = await readObject(store, ctx, ref, opts, 'HEAD');
  const c = requireContainer(store, ref, ctx);
  const row = liveObject(store, c.id, ref.name);
  if (!row || row.id !== head.info.versionId) throw noSuchKey(ref.name);
  const byPart = new Map<number, ObjectPartInfo>();
  if (row.kind === 'multipart' || row.kind === 'slo') {
    for (const e of row.manifest ?? []) {
      const p = byPart.get(e.partNumber);
      if (p) p.size += e.size;
      else byPart.set(e.partNumber, { partNumber: e.partNumber, size: e.size, checksum: e.checksum });
    }
  }
  const all = [...byPart.values()].sort((a, b) => a.partNumber - b.partNumber);
  const max = Math.min(Math.max(opts.maxParts ?? 1000, 0), 1000);
  const after = all.filter((p) => p.partNumber > (opts.partNumberMarker ?? 0));
  const parts = after.slice(0, max);
  const isTruncated = after.length > parts.length;
  return { info: head.info, totalParts: all.length, parts, isTruncated, nextPartNumberMarker: parts.at(-1)?.partNumber };
}

/** Shared GET/HEAD path: access, conditions, range or part number; the pieces to stream for GET. */
export async function readObject(store: ObjectStoreContext, ctx: RequestContext, ref: ObjectRef, opts: GetObjectOptions, method: 'GET' | 'HEAD'): Promise<{ head: HeadObjectResult; pieces: Piece[] }> {
  validateObjectName(ref.name);
  const c = requireContainer(store, ref, ctx);
  // A version lookup's own error (delete marker, no such version) only after access is settled: no existence oracle.
  let row: ObjectRow | undefined;
  let lookupError: unknown;
  try {
    row = rowForRead(store, c, ref.name, opts.versionId, liveObject(store, c.id, ref.name));
  } catch (e) {
    lookupError = e;
  }
  const docs = assertReadObject(store, ctx, c, ref.name, row, opts, method);
  if (lookupError) throw lookupError;
  if (!row) throw noSuchKey(ref.name);
  checkCustomerKey(row.encryption, opts.customerKey);
  // The manifest itself is an ordinary stored object: its own bytes and etag, no segment lookup.
  const dlo = row.kind === 'dlo' && !opts.dloManifestItself;
  if (dlo) assertDloSegmentsReadable(store, ctx, c, row, opts);
  if (method === 'GET') assertSloSegmentsReadable(store, ctx, c, row, opts);
  const info = objectInfo(c, row);
  const r = row.kind === 'dlo' && !dlo ? storedPieces(row) : resolvePieces(store, c, row);
  let pieces: Piece[] = r.pieces;
  if (dlo) {
    info.size = r.size;
    info.swiftEtag = concatEtag(r.etags);
    info.etag = r.etags.length ? multipartEtag(r.etags) : info.swiftEtag;
  }
  checkConditions(opts.conditions, info);
  let range: HeadObjectResult['range'];
  if (opts.partNumber !== undefined) {
    const n = opts.partNumber;
    const count = info.partsCount ?? 1;
    if (!Number.isInteger(n) || n < 1 || n > 10000) throw errors.invalid('Part number must be an integer between 1 and 10000, inclusive', { reason: 'InvalidArgument' });
    if (n > count) throw errors.invalid('The requested partnumber is not satisfiable', { reason: 'InvalidPart', partNumber: n });
    if (row.kind === 'multipart' || row.kind === 'slo') {
      let start = 0;
      for (const p of r.pieces) {
        if (p.partNumber >= n) break;
        start += p.size;
      }
      const partPieces = r.pieces.filter((p) => p.partNumber === n);
      const len = partPieces.reduce((a, p) => a + p.size, 0);
      range = { start, end: start + len - 1, size: info.size };
      pieces = partPieces;
    } else {
      range = { start: 0, end: info.size - 1, size: info.size };
    }
    if (info.size === 0) range = undefined;
  } else if (opts.range) {
    const r = resolveByteRange(opts.range, info.size);
    range = { ...r, size: info.size };
    pieces = slicePieces(pieces, r.start, r.end);
  }
  // A Swift manifest over SSE-C segments has no key to open them: refused, never answered with ciphertext.
  if (method === 'GET') assertPiecesOpenable(pieces, opts.customerKey);
  // The lifecycle rules came with the access check: x-amz-expiration costs no further lookup.
  const expiration = docs.lifecycle ? lifecycleExpiry(docs.lifecycle, row) : undefined;
  return { head: { info, range, expiration }, pieces };
}

/** Metadata (and the range/part the request would get) after evaluating conditions; no body. */
export async function headObject(store: ObjectStoreContext, ctx: RequestContext, ref: ObjectRef, opts: GetObjectOptions = {}): Promise<HeadObjectResult> {
  return (await readObject(store, ctx, ref, opts, 'HEAD')).head;
}

/** Metadata plus the bytes (range or part when asked; manifests stream their segments in order). */
export async function getObject(store: ObjectStoreContext, ctx: RequestContext, ref: ObjectRef, opts: GetObjectOptions = {}): Promise<GetObjectResult> {
  const { head, pieces } = await readObject(store, ctx, ref, opts, 'GET');
  const only = pieces.length === 1 ? pieces[0]! : undefined;
  const inline = only && !only.cipher ? store.inline?.store.bytes(only.blobKey) : undefined;
  if (inline && only) {
    const bytes = only.offset === 0 && only.size === inline.length ? inline : inline.subarray(only.offset, only.offset + only.size);
    let body: ReadableStream<Uint8Array> | undefined;
    return {
      ...head,
      bytes,
      get body() {
        return (body ??= bytesStream(bytes));
      },
    };
  }
  const body = head.info.size === 0 ? emptyStream() : await openPieces(store.blobs, pieces, unsealer(store, opts.customerKey));
  return { ...head, body };
}
