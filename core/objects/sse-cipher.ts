// Encryption at rest of blob bytes: AES-256-GCM over fixed-size chunks (see docs/adr/encryption-at-rest.md), data-key wrapping and SSE-C key checks.
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { CoreError } from '../errors.js';

/** Plaintext bytes per chunk; each chunk is sealed on its own, so a range opens only the chunks it touches. */
export const SSE_CHUNK_SIZE = 64 * 1024;
/** The GCM tag appended to every chunk. */
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const WRAP_AAD = Buffer.from('skybridge sse-s3 data key v1');
const SSE_C_INFO = Buffer.from('skybridge sse-c blob key v1');

/**
 * How one blob's bytes are sealed (stored as JSON beside the reference to the blob). The data key is
 * unique to the blob: SSE-S3 draws it at random and stores it wrapped by a key-ring key (`keyId`);
 * SSE-C derives it from the customer key and the blob's random `salt` (the customer key is never stored).
 */
export interface BlobCipher {
  v: 1;
  mode: 'SSE-S3' | 'SSE-C';
  /** Plaintext bytes per chunk. */
  chunk: number;
  /** Plaintext size of the whole blob (tells which chunk is the last). */
  size: number;
  /** SSE-S3: id of the key-ring key that wrapped the data key. */
  keyId?: string;
  /** SSE-S3: base64 of nonce ‖ AES-256-GCM(data key) ‖ tag. */
  wrapped?: string;
  /** SSE-C: base64 salt of the blob's key derivation. */
  salt?: string;
}

/** A salted HMAC of an SSE-C key: proves a later request holds the same key without storing the key. */
export interface CustomerKeyCheck {
  salt: string;
  mac: string;
}

/** The key-ring keys SSE-S3 wraps data keys with, primary first (the file ring of `$DATA_DIR/sse-keys`). */
export interface SseKeyRing {
  keys(): Uint8Array[];
  /** Re-reads keys another process added (a rotation); optional. */
  reload?(): void;
}

/** Ciphertext size of `plain` plaintext bytes. */
export function sealedSize(plain: number, chunk = SSE_CHUNK_SIZE): number {
  return plain === 0 ? 0 : plain + TAG_BYTES * Math.ceil(plain / chunk);
}

/** Nonce of chunk `index`: unique per (data key, chunk); the last-chunk flag makes truncation at a chunk boundary detectable. */
function nonce(index: number, last: boolean): Buffer {
  const n = Buffer.alloc(12);
  n.writeUIntBE(index, 0, 6);
  n[11] = last ? 1 : 0;
  return n;
}

function sealChunk(key: Uint8Array, index: number, last: boolean, plain: readonly Uint8Array[]): Buffer {
  const c = createCipheriv('aes-256-gcm', key, nonce(index, last));
  const out = plain.map((p) => c.update(p));
  out.push(c.final(), c.getAuthTag());
  return Buffer.concat(out);
}

function openChunk(key: Uint8Array, index: number, last: boolean, sealed: Uint8Array): Buffer {
  if (sealed.length < TAG_BYTES) throw tampered();
  const d = createDecipheriv('aes-256-gcm', key, nonce(index, last));
  d.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    return Buffer.concat([d.update(sealed.subarray(0, sealed.length - TAG_BYTES)), d.final()]);
  } catch {
    throw tampered();
  }
}

const internal = (message: string) => new CoreError('Internal', message);
const tampered = () => internal('stored object bytes failed authentication (corrupted or tampered blob)');

/**
 * Seals a plaintext stream chunk by chunk. A full chunk is held back until the next byte arrives, so the
 * last chunk (flagged in its nonce) is known. `onPlain` sees every plaintext byte (digests, size checks).
 */
export async function* sealStream(key: Uint8Array, plain: AsyncIterable<Uint8Array>, onPlain: (chunk: Uint8Array) => void, chunk = SSE_CHUNK_SIZE): AsyncGenerator<Uint8Array> {
  // The chunk being filled, as views of the input (no copy until the cipher reads them).
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let index = 0;
  for await (const piece of plain) {
    onPlain(piece);
    let rest = piece;
    while (rest.length > 0) {
      if (pendingBytes === chunk) {
        // More bytes follow, so the full chunk held back is not the last one.
        yield sealChunk(key, index++, false, pending);
        pending = [];
        pendingBytes = 0;
      }
      const take = Math.min(chunk - pendingBytes, rest.length);
      pending.push(rest.subarray(0, take));
      pendingBytes += take;
      rest = rest.subarray(take);
    }
  }
  if (pendingBytes > 0) yield sealChunk(key, index, true, pending);
}

/** The ciphertext byte range holding plaintext [start, end] (inclusive) of a blob sealed as `cipher` says. */
export function sealedRange(cipher: BlobCipher, start: number, end: number): { start: number; end: number; firstChunk: number } {
  const per = cipher.chunk + TAG_BYTES;
  const first = Math.floor(start / cipher.chunk);
  const last = Math.floor(end / cipher.chunk);
  return { start: first * per, end: Math.min((last + 1) * per, sealedSize(cipher.size, cipher.chunk)) - 1, firstChunk: first };
}

/**
 * Opens the chunks covering plaintext [start, end] from the ciphertext stream of `sealedRange`, yielding
 * exactly those plaintext bytes. A chunk failing its tag (or missing bytes) ends the stream with an error.
 */
export async function* openStream(key: Uint8Array, cipher: BlobCipher, sealed: AsyncIterable<Uint8Array>, start: number, end: number): AsyncGenerator<Uint8Array> {
  const per = cipher.chunk + TAG_BYTES;
  const lastChunk = Math.ceil(cipher.size / cipher.chunk) - 1;
  let index = Math.floor(start / cipher.chunk);
  let buf = Buffer.alloc(0);
  const emit = (sealedChunk: Uint8Array): Uint8Array => {
    const plain = openChunk(key, index, index === lastChunk, sealedChunk);
    const base = index * cipher.chunk;
    index++;
    return plain.subarray(Math.max(0, start - base), Math.min(plain.length, end - base + 1));
  };
  for await (const piece of sealed) {
    buf = buf.length ? Buffer.concat([buf, piece]) : Buffer.from(piece);
    while (buf.length >= per) {
      yield emit(buf.subarray(0, per));
      buf = buf.subarray(per);
    }
  }
  if (buf.length > 0) yield emit(buf);
  if (index * cipher.chunk <= end) throw tampered();
}

/** A stable id for a key-ring key (a hash, so the key itself is never written next to the data it protects). */
export function keyIdOf(key: Uint8Array): string {
  return createHash('sha256').update('skybridge sse key id v1').update(key).digest('hex').slice(0, 16);
}

/** A fresh random data key. */
export function newDataKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

/** Wraps a data key with the ring's primary key. */
export function wrapDataKey(ring: SseKeyRing, dataKey: Uint8Array): { keyId: string; wrapped: string } {
  const kek = ring.keys()[0];
  if (!kek) throw internal('no SSE key in the key ring');
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', kek, iv);
  c.setAAD(WRAP_AAD);
  const ct = Buffer.concat([c.update(dataKey), c.final()]);
  return { keyId: keyIdOf(kek), wrapped: Buffer.concat([iv, ct, c.getAuthTag()]).toString('base64') };
}

/** Unwraps an SSE-S3 data key with the ring key it names (re-reading the ring once if another process rotated). */
export function unwrapDataKey(ring: SseKeyRing, cipher: BlobCipher): Uint8Array {
  const find = () => ring.keys().find((k) => keyIdOf(k) === cipher.keyId);
  let kek = find();
  if (!kek && ring.reload) {
    ring.reload();
    kek = find();
  }
  if (!kek) throw internal(`SSE key ${cipher.keyId} is not in the key ring`);
  const raw = Buffer.from(cipher.wrapped ?? '', 'base64');
  const d = createDecipheriv('aes-256-gcm', kek, raw.subarray(0, 12));
  d.setAAD(WRAP_AAD);
  d.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
  try {
    return Buffer.concat([d.update(raw.subarray(12, raw.length - TAG_BYTES)), d.final()]);
  } catch {
    throw tampered();
  }
}

/** The blob key derived from an SSE-C customer key and the blob's salt (HKDF-SHA256). */
export function customerBlobKey(customerKey: Uint8Array, salt: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', customerKey, Buffer.from(salt, 'base64'), SSE_C_INFO, KEY_BYTES));
}

/** A new salted HMAC of a customer key, to store instead of the key. */
export function customerKeyCheck(customerKey: Uint8Array): CustomerKeyCheck {
  const salt = randomBytes(16);
  return { salt: salt.toString('base64'), mac: createHmac('sha256', customerKey).update(salt).digest('base64') };
}

/** True when `customerKey` is the key `check` was made from (constant-time comparison). */
export function customerKeyMatches(check: CustomerKeyCheck, customerKey: Uint8Array): boolean {
  const mac = createHmac('sha256', customerKey).update(Buffer.from(check.salt, 'base64')).digest();
  const want = Buffer.from(check.mac, 'base64');
  return want.length === mac.length && timingSafeEqual(mac, want);
}

/**
 * An SSE-C object's ETag: not the plaintext MD5 (which would let anyone without the key confirm a guess of
 * the content, the reason AWS does not return it either) but an HMAC of it under the blob key, still 32 hex digits.
 */
export function customerEtag(blobKey: Uint8Array, md5: string): string {
  return createHmac('sha256', blobKey).update(Buffer.from(md5, 'hex')).digest('hex').slice(0, 32);
}
