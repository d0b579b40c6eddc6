// Pure object-store rules: name validation, byte order helpers, ETag arithmetic, conditions and ranges.
import { createHash, randomUUID } from 'node:crypto';
import { CoreError, errors } from '../errors.js';
import type { ByteRange, CannedAcl, Conditions, S3Acl, StoredAcl } from './types.js';

/** S3's and Swift's limit on object names, in UTF-8 bytes. */
export const MAX_NAME_BYTES = 1024;
/** Largest single PUT (Swift `max_file_size` 5 GiB + 2). */
export const MAX_OBJECT_SIZE = 5 * 1024 ** 3 + 2;

/** A fresh opaque blob key (safe for any file system; never derived from client input). */
export function newBlobKey(): string {
  return Buffer.from(newId(), 'hex').toString('base64url');
}

/**
 * A fresh object / version / upload id: 32 hex digits, the time in ms (12 digits, as UUIDv7 leads with it)
 * then 80 random bits. Ids made together sort together, so a batch of inserts lands in the last pages of
 * each id index instead of one page per row all over it (measured on 4 KiB object writes: ~30% less commit
 * work). randomUUID draws from Node's cached entropy; randomBytes made a getrandom call per id.
 */
export function newId(): string {
  const u = randomUUID();
  return Date.now().toString(16).padStart(12, '0') + u.slice(0, 8) + u.slice(24);
}

/** A UTF-16 surrogate without its partner: such a name has no UTF-8 form and would be stored as U+FFFD. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Object names: 1–1024 UTF-8 bytes, and a real UTF-8 string (two names never store as one). */
export function validateObjectName(name: string): void {
  if (typeof name !== 'string' || name.length === 0) throw errors.invalid('Object name must not be empty.', { reason: 'InvalidName' });
  if (LONE_SURROGATE.test(name)) throw errors.invalid('Object name must be valid UTF-8.', { reason: 'InvalidName' });
  if (Buffer.byteLength(name) > MAX_NAME_BYTES) throw errors.invalid('Your key is too long.', { reason: 'KeyTooLong', size: Buffer.byteLength(name) });
}

/** Swift's container rule: 1–256 bytes, no `/`. */
export function validateContainerName(name: string): void {
  if (!name || Buffer.byteLength(name) > 256 || name.includes('/') || name.includes('\0') || LONE_SURROGATE.test(name)) {
    throw errors.invalid('Container name must be 1-256 bytes with no "/".', { reason: 'InvalidName' });
  }
}

/** AWS general-purpose bucket naming rules plus RGW's DNS checks. */
export function validateBucketName(name: string): void {
  const bad = () => errors.invalid('The specified bucket is not valid.', { reason: 'InvalidBucketName', id: name });
  if (name.length < 3 || name.length > 63) throw bad();
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) throw bad();
  if (name.includes('..') || name.includes('.-') || name.includes('-.')) throw bad();
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) throw bad();
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name) || /(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name)) throw bad();
}

/** Byte-order comparison of two strings as their UTF-8 encodings (SQLite BINARY collation). */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/**
 * The smallest string greater (in UTF-8 byte order) than every string starting with `prefix`: its last
 * code point + 1, skipping surrogates. UTF-8 byte order is code point order, so the result is valid
 * UTF-8 and both SQLite (BINARY) and PostgreSQL (COLLATE "C") compare it as bytes. Only a prefix ending
 * in U+10FFFF has no such string; then the last byte + 1 (not UTF-8) serves SQLite.
 */
export function prefixUpperBound(prefix: string): Buffer {
  const cps = Array.from(prefix);
  while (cps.length) {
    const last = cps.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) {
      const next = last === 0xd7ff ? 0xe000 : last + 1;
      return Buffer.from(cps.join('') + String.fromCodePoint(next));
    }
  }
  const b = Buffer.from(prefix);
  const out = Buffer.from(b);
  out[out.length - 1] = (out[out.length - 1] ?? 0) + 1;
  return out;
}

/** Strips quotes (and a weak `W/`) from an ETag a client sent; lower-cases hex. */
export function normalizeEtag(etag: string): string {
  let e = etag.trim();
  if (e.startsWith('W/')) e = e.slice(2);
  if (e.length >= 2 && e.startsWith('"') && e.endsWith('"')) e = e.slice(1, -1);
  return e.toLowerCase();
}

export function md5Hex(data: string | Buffer): string {
  return createHash('md5').update(data).digest('hex');
}

/** S3 multipart ETag: hex(md5(concat(binary md5 of each part))) + `-N`. Non-MD5 etags contribute the MD5 of their text. */
export function multipartEtag(partEtags: string[]): string {
  const bins = partEtags.map((e) => (/^[0-9a-f]{32}$/.test(e) ? Buffer.from(e, 'hex') : createHash('md5').update(e).digest()));
  return `${md5Hex(Buffer.concat(bins))}-${partEtags.length}`;
}

/** Swift SLO/DLO ETag: md5 of the concatenated segment etag strings. */
export function concatEtag(segmentEtags: string[]): string {
  return md5Hex(segmentEtags.join(''));
}

function etagMatches(list: string[], etags: string[]): boolean {
  return list.some((raw) => {
    const v = normalizeEtag(raw);
    return v === '*' || etags.includes(v);
  });
}

/**
 * RFC 7232 evaluation as S3 implements it. `write` (copy-source conditions) turns "not modified"
 * outcomes into PreconditionFailed, as S3 does for `x-amz-copy-source-if-*`.
 */
export function checkConditions(c: Conditions | undefined, obj: { etag: string; swiftEtag: string; lastModified: number }, forCopySource = false): void {
  if (!c) return;
  const etags = [obj.etag.toLowerCase(), obj.swiftEtag.toLowerCase()];
  const lmSec = Math.floor(obj.lastModified / 1000);
  const failed = () => errors.conflict('object', 'At least one of the pre-conditions you specified did not hold.', { reason: 'PreconditionFailed' });
  const notModified = () =>
    forCopySource ? failed() : new CoreError('InvalidState', 'Not Modified', { reason: 'NotModified', etag: obj.etag, swiftEtag: obj.swiftEtag, lastModified: obj.lastModified });
  if (c.ifMatch && c.ifMatch.length) {
    if (!etagMatches(c.ifMatch, etags)) throw failed();
  } else if (c.ifUnmodifiedSince !== undefined && lmSec > Math.floor(c.ifUnmodifiedSince / 1000)) {
    throw failed();
  }
  if (c.ifNoneMatch && c.ifNoneMatch.length) {
    if (etagMatches(c.ifNoneMatch, etags)) throw notModified();
  } else if (c.ifModifiedSince !== undefined && lmSec <= Math.floor(c.ifModifiedSince / 1000)) {
    throw notModified();
  }
}

/** Resolves a requested range against `size` to inclusive [start, end]; unsatisfiable → Invalid 'InvalidRange'. */
export function resolveByteRange(range: ByteRange, size: number): { start: number; end: number } {
  const unsatisfiable = () => errors.invalid('The requested range is not satisfiable', { reason: 'InvalidRange', size });
  if ('suffix' in range) {
    if (range.suffix <= 0 || size === 0) throw unsatisfiable();
    return { start: Math.max(0, size - range.suffix), end: size - 1 };
  }
  if (range.start >= size || (range.end !== undefined && range.end < range.start)) throw unsatisfiable();
  return { start: range.start, end: range.end === undefined ? size - 1 : Math.min(range.end, size - 1) };
}

/** Expands a canned ACL or validates explicit grants into the stored form. */
export function toStoredAcl(acl: S3Acl | undefined): StoredAcl {
  if (!acl) return { canned: 'private', grants: [] };
  if (acl.grants && !acl.canned) return { grants: acl.grants };
  const canned: CannedAcl = acl.canned ?? 'private';
  const grants: StoredAcl['grants'] = [];
  const all = { type: 'group', group: 'AllUsers' } as const;
  switch (canned) {
    case 'public-read':
      grants.push({ grantee: all, permission: 'READ' });
      break;
    case 'public-read-write':
      grants.push({ grantee: all, permission: 'READ' }, { grantee: all, permission: 'WRITE' });
      break;
    case 'authenticated-read':
      grants.push({ grantee: { type: 'group', group: 'AuthenticatedUsers' }, permission: 'READ' });
      break;
    case 'private':
    case 'bucket-owner-read':
    case 'bucket-owner-full-control':
      break;
    default:
      throw errors.invalid(`Unknown canned ACL: ${String(canned)}`, { reason: 'InvalidArgument' });
  }
  return { canned, grants };
}

/** S3 tag limits (10 per object, 50 per bucket; key ≤ 128, value ≤ 256 characters). */
export function validateTags(tags: Record<string, string>, max: number): void {
  const entries = Object.entries(tags);
  if (entries.length > max) throw errors.invalid('Object tags cannot be greater than ' + max, { reason: 'InvalidTag' });
  for (const [k, v] of entries) {
    if (!k || [...k].length > 128 || [...v].length > 256) throw errors.invalid('The TagKey or TagValue you have provided is invalid.', { reason: 'InvalidTag' });
  }
}

/** Parses a Swift SLO segment range (`a-b`, `a-`, `-n`) against a segment size. */
export function parseSloRange(range: string, size: number): { start: number; end: number } | undefined {
  const m = /^\s*(\d*)-(\d*)\s*$/.exec(range);
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  try {
    if (m[1] === '') return resolveByteRange({ suffix: Number(m[2]) }, size);
    return resolveByteRange({ start: Number(m[1]), end: m[2] === '' ? undefined : Number(m[2]) }, size);
  } catch {
    return undefined;
  }
}

/**
 * Splits a DLO's `X-Object-Manifest` (`container/prefix`) and percent-decodes both parts, as Swift's dlo
 * middleware does: swiftclient sends them quoted, so a name with a space or non-ASCII would otherwise name
 * no segments. Malformed escapes stay as they are; bytes that are not UTF-8 become U+FFFD (Python's unquote).
 */
export function parseDloManifest(spec: string): { container: string; prefix: string } {
  const slash = spec.indexOf('/');
  const unquote = (s: string): string => {
    if (!s.includes('%')) return s;
    const bytes: number[] = [];
    for (let i = 0; i < s.length; i++) {
      if (s[i] === '%' && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) {
        bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
        i += 2;
      } else {
        const cp = s.codePointAt(i)!;
        bytes.push(...Buffer.from(String.fromCodePoint(cp), 'utf8'));
        if (cp > 0xffff) i++;
      }
    }
    return Buffer.from(bytes).toString('utf8');
  };
  return slash === -1 ? { container: unquote(spec), prefix: '' } : { container: unquote(spec.slice(0, slash)), prefix: unquote(spec.slice(slash + 1)) };
}
