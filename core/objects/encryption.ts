// The encryption-at-rest rules: which seal a write gets (explicit or the bucket default), who may open an object, and the keys of its blobs.
import { randomBytes } from 'node:crypto';
import type { StoredEncryption } from '../db/schema/objects.js';
import { errors } from '../errors.js';
import { customerBlobKey, customerKeyCheck, customerKeyMatches, newDataKey, SSE_CHUNK_SIZE, unwrapDataKey, wrapDataKey, type BlobCipher, type CustomerKeyCheck } from './sse-cipher.js';
import type { ContainerRow, ObjectStoreContext } from './store-context.js';
import type { EncryptionMode, EncryptionRequest } from './types.js';

/** How a write seals its blob: SSE-S3 (a ring-wrapped data key) or SSE-C (derived from the customer's key). */
export type WriteSeal = EncryptionRequest;

const noRing = () => errors.notImplemented('Server-side encryption with S3 managed keys (no SSE key ring configured)');

/** NotImplemented when `seal` is SSE-S3 and this service has no key ring (checked before anything is stored). */
export function assertSealable(store: ObjectStoreContext, seal: WriteSeal | undefined): void {
  if (seal?.mode === 'SSE-S3' && !store.deps.sseKeys) throw noRing();
}

/** A fresh data key for one blob and the cipher record to store beside it (size filled in once written). */
export function newBlobSeal(store: ObjectStoreContext, seal: WriteSeal): { dataKey: Uint8Array; cipher: BlobCipher } {
  if (seal.mode === 'SSE-S3') {
    const ring = store.deps.sseKeys;
    if (!ring) throw noRing();
    const dataKey = newDataKey();
    return { dataKey, cipher: { v: 1, mode: 'SSE-S3', chunk: SSE_CHUNK_SIZE, size: 0, ...wrapDataKey(ring, dataKey) } };
  }
  const salt = randomBytes(16).toString('base64');
  return { dataKey: customerBlobKey(seal.customerKey, salt), cipher: { v: 1, mode: 'SSE-C', chunk: SSE_CHUNK_SIZE, size: 0, salt } };
}

/** The seal of a new object in `c`: the one asked for, else the bucket's default encryption, else none. */
export function writeSealFor(c: ContainerRow, requested: EncryptionRequest | undefined): WriteSeal | undefined {
  if (requested) return requested;
  return c.encryption?.algorithm === 'AES256' ? { mode: 'SSE-S3' } : undefined;
}

/** The object-level record of a seal (the SSE-C key check is made once per object or upload). */
export function storedEncryption(seal: WriteSeal | undefined, cipher?: BlobCipher, keyCheck?: CustomerKeyCheck): StoredEncryption | null {
  if (!seal) return null;
  if (seal.mode === 'SSE-S3') return { mode: 'SSE-S3', cipher };
  return { mode: 'SSE-C', keyCheck: keyCheck ?? customerKeyCheck(seal.customerKey), cipher };
}

/** The encryption mode a stored record reports. */
export function encryptionMode(e: StoredEncryption | null | undefined): EncryptionMode | undefined {
  return e?.mode;
}

const keyRequired = (source: boolean) =>
  errors.invalid(
    `The ${source ? 'source ' : ''}object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.`,
    { reason: 'SseCustomerKeyRequired' },
  );

/**
 * The read rule, as S3 answers it: an SSE-C object needs its customer key (none → Invalid
 * 'SseCustomerKeyRequired', another key → Forbidden 'SseCustomerKeyMismatch'); a customer key for an
 * object that is not SSE-C is Invalid 'SseNotApplicable'.
 */
export function checkCustomerKey(e: StoredEncryption | null | undefined, customerKey: Uint8Array | undefined, source = false): void {
  if (e?.mode === 'SSE-C') {
    if (!customerKey) throw keyRequired(source);
    if (!e.keyCheck || !customerKeyMatches(e.keyCheck, customerKey)) throw errors.forbidden('Access Denied', { reason: 'SseCustomerKeyMismatch' });
    return;
  }
  if (customerKey) throw errors.invalid('The encryption parameters are not applicable to this object.', { reason: 'SseNotApplicable' });
}

/**
 * The data key of each sealed piece: SSE-S3 unwrapped by the key ring, SSE-C derived from `customerKey`
 * (already checked against the object). A sealed SSE-C piece without a key (a Swift manifest over SSE-C
 * segments) is refused rather than returned as ciphertext.
 */
export function unsealer(store: ObjectStoreContext, customerKey?: Uint8Array): (cipher: BlobCipher) => Uint8Array {
  return (cipher) => {
    if (cipher.mode === 'SSE-S3') {
      const ring = store.deps.sseKeys;
      if (!ring) throw noRing();
      return unwrapDataKey(ring, cipher);
    }
    if (!customerKey) throw keyRequired(false);
    return customerBlobKey(customerKey, cipher.salt ?? '');
  };
}

/** Throws SseCustomerKeyRequired when any piece is SSE-C sealed and no key will open it (checked before a response starts). */
export function assertPiecesOpenable(pieces: ReadonlyArray<{ cipher?: BlobCipher }>, customerKey: Uint8Array | undefined): void {
  if (!customerKey && pieces.some((p) => p.cipher?.mode === 'SSE-C')) throw keyRequired(false);
}

/**
 * True when a copy can share the source's blobs: both in clear, both SSE-S3, or both SSE-C under the same
 * customer key. Otherwise the bytes are opened and sealed again.
 */
export function canShareBlobs(src: StoredEncryption | null | undefined, dest: WriteSeal | undefined): boolean {
  if (!src) return !dest;
  if (!dest) return false;
  if (src.mode === 'SSE-S3') return dest.mode === 'SSE-S3';
  return dest.mode === 'SSE-C' && !!src.keyCheck && customerKeyMatches(src.keyCheck, dest.customerKey);
}
