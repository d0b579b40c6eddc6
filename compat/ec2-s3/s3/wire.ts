// Small S3 wire translations shared by the handlers: ETags, conditions, ranges, ACL headers, metadata, tags.
import type { AclGrant, AclPermission, ByteRange, CannedAcl, Checksum, ChecksumType, Conditions, S3Acl, SystemMetadata } from '../../../core/objects/types.js';
import { CHECKSUM_ALGORITHMS, checksumMember, type ChecksumAlgorithm } from '../../../core/objects/checksums.js';
import { strictPercentDecode } from '../common/sigv4.js';
import { s3Error } from './errors.js';

/** S3 always quotes ETags. */
export const quote = (etag: string) => (etag.startsWith('"') ? etag : `"${etag}"`);

const CANNED: ReadonlySet<string> = new Set(['private', 'public-read', 'public-read-write', 'authenticated-read', 'bucket-owner-read', 'bucket-owner-full-control']);

export const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
export const AUTHENTICATED_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';

/** Splits an ETag list header (`"a", "b"`, `*`). */
function etagList(v: string | null): string[] | undefined {
  if (v === null) return undefined;
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function httpTime(v: string | null): number | undefined {
  if (v === null) return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}

/** GET/HEAD preconditions from the standard headers (unparseable dates are ignored, as S3 does). */
export function readConditions(h: Headers, prefix = ''): Conditions | undefined {
  const c: Conditions = {
    ifMatch: etagList(h.get(`${prefix}if-match`)),
    ifNoneMatch: etagList(h.get(`${prefix}if-none-match`)),
    ifModifiedSince: httpTime(h.get(`${prefix}if-modified-since`)),
    ifUnmodifiedSince: httpTime(h.get(`${prefix}if-unmodified-since`)),
  };
  return Object.values(c).some((v) => v !== undefined) ? c : undefined;
}

/** One `bytes=` range; anything else (multiple ranges, junk) is ignored and the whole object returned. */
export function readRange(v: string | null): ByteRange | undefined {
  if (!v) return undefined;
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(v);
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') return { suffix: Number(m[2]) };
  const start = Number(m[1]);
  if (m[2] === '') return { start };
  const end = Number(m[2]);
  return end < start ? undefined : { start, end };
}

/** Parses `x-amz-grant-*: id="…", uri="…"` values into grants; e-mail grantees cannot be resolved here. */
function grantsFrom(value: string, permission: AclPermission): AclGrant[] {
  const out: AclGrant[] = [];
  for (const part of value.split(',')) {
    const m = /^\s*(id|uri|emailAddress)\s*=\s*"?([^"]*)"?\s*$/i.exec(part);
    if (!m) throw s3Error('InvalidArgument', `Invalid grant header value: ${part.trim()}`);
    const [, kind, v] = m;
    if (kind!.toLowerCase() === 'emailaddress') throw s3Error('UnresolvableGrantByEmailAddress', 'The e-mail address you provided does not match any account on record.');
    out.push({ grantee: granteeFrom(kind!.toLowerCase() === 'id' ? { ID: v } : { URI: v }), permission });
  }
  return out;
}

/** A wire grantee (`ID` or `URI`) in core's terms. */
export function granteeFrom(g: { ID?: string; URI?: string; EmailAddress?: string; Type?: string }): AclGrant['grantee'] {
  if (g.URI !== undefined) {
    if (g.URI === ALL_USERS) return { type: 'group', group: 'AllUsers' };
    if (g.URI === AUTHENTICATED_USERS) return { type: 'group', group: 'AuthenticatedUsers' };
    throw s3Error('InvalidArgument', 'Invalid group uri');
  }
  if (g.EmailAddress !== undefined) throw s3Error('UnresolvableGrantByEmailAddress', 'The e-mail address you provided does not match any account on record.');
  if (!g.ID) throw s3Error('InvalidArgument', 'Invalid id');
  return { type: 'project', projectId: g.ID };
}

/** The ACL a request sets through headers (`x-amz-acl` or `x-amz-grant-*`), or undefined. */
export function aclFromHeaders(h: Headers): S3Acl | undefined {
  const canned = h.get('x-amz-acl');
  const grantHeaders: Array<[string, AclPermission]> = [
    ['x-amz-grant-full-control', 'FULL_CONTROL'],
    ['x-amz-grant-read', 'READ'],
    ['x-amz-grant-write', 'WRITE'],
    ['x-amz-grant-read-acp', 'READ_ACP'],
    ['x-amz-grant-write-acp', 'WRITE_ACP'],
  ];
  const grants = grantHeaders.flatMap(([name, perm]) => {
    const v = h.get(name);
    return v === null ? [] : grantsFrom(v, perm);
  });
  if (canned !== null) {
    if (grants.length) throw s3Error('InvalidRequest', 'Specifying both Canned ACLs and Header Grants is not allowed');
    if (!CANNED.has(canned.trim())) throw s3Error('InvalidArgument', undefined, { ArgumentName: 'x-amz-acl', ArgumentValue: canned });
    return { canned: canned.trim() as CannedAcl };
  }
  return grants.length ? { grants } : undefined;
}

/** Standard representation headers to store, with `aws-chunked` removed from Content-Encoding. */
export function systemMetadataFrom(h: Headers): SystemMetadata {
  const enc = h
    .get('content-encoding')
    ?.split(',')
    .map((s) => s.trim())
    .filter((s) => s && s.toLowerCase() !== 'aws-chunked')
    .join(', ');
  const sm: SystemMetadata = {
    contentEncoding: enc || undefined,
    contentDisposition: h.get('content-disposition') ?? undefined,
    cacheControl: h.get('cache-control') ?? undefined,
    expires: h.get('expires') ?? undefined,
    contentLanguage: h.get('content-language') ?? undefined,
  };
  for (const k of Object.keys(sm) as Array<keyof SystemMetadata>) if (sm[k] === undefined) delete sm[k];
  return sm;
}

/** `x-amz-tagging: k1=v1&k2=v2` (URL query encoding) → tag map. */
export function tagsFromHeader(v: string | null): Record<string, string> | undefined {
  if (v === null) return undefined;
  const tags: Record<string, string> = {};
  for (const [k, val] of new URLSearchParams(v)) tags[k] = val;
  return tags;
}

/** A TagSet from the model (`[{Key, Value}]`) → tag map; duplicate keys are InvalidTag. */
export function tagsFromTagSet(set: Array<{ Key?: string; Value?: string }> | undefined): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const t of set ?? []) {
    if (t.Key === undefined) throw s3Error('MalformedXML');
    if (t.Key in tags) throw s3Error('InvalidTag', 'Cannot provide multiple Tags with the same key');
    tags[t.Key] = t.Value ?? '';
  }
  return tags;
}

export const tagSetOf = (tags: Record<string, string>) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

/** Output members for a stored checksum: `ChecksumCRC32: …` and, for objects (not parts), its `ChecksumType`. */
export function checksumOutput(c: Checksum | undefined, withType = true): Record<string, string> {
  if (!c) return {};
  return withType ? { [checksumMember(c.algorithm)]: c.value, ChecksumType: c.type } : { [checksumMember(c.algorithm)]: c.value };
}

/** The checksum algorithm and value a request carries in `x-amz-checksum-<alg>` headers, if any. */
export function checksumHeader(h: Headers): { algorithm: ChecksumAlgorithm; value: string } | undefined {
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    const value = h.get(`x-amz-checksum-${algorithm}`);
    if (value !== null) return { algorithm, value: value.trim() };
  }
  return undefined;
}

/** `x-amz-checksum-type`: COMPOSITE or FULL_OBJECT (any case), else InvalidRequest. */
export function checksumTypeHeader(h: Headers): ChecksumType | undefined {
  const v = h.get('x-amz-checksum-type');
  if (v === null) return undefined;
  const t = v.trim().toUpperCase();
  if (t !== 'COMPOSITE' && t !== 'FULL_OBJECT') throw s3Error('InvalidRequest', 'Value for x-amz-checksum-type header is invalid.');
  return t;
}

/**
 * `x-amz-copy-source` → bucket and key (`/b/k` or `b/k`, URL-encoded, optional `?versionId=`). A value
 * whose escapes do not spell UTF-8 is refused as S3 does, rather than decoded leniently onto another key.
 */
export function copySource(v: string): { bucket: string; key: string; versionId?: string } {
  let raw = v.trim();
  let versionId: string | undefined;
  const q = raw.indexOf('?versionId=');
  const badEncoding = () => s3Error('InvalidArgument', 'Invalid copy source encoding.', { ArgumentName: 'x-amz-copy-source', ArgumentValue: v });
  if (q !== -1) {
    versionId = strictPercentDecode(raw.slice(q + '?versionId='.length));
    if (versionId === undefined) throw badEncoding();
    raw = raw.slice(0, q);
  }
  const decoded = strictPercentDecode(raw.startsWith('/') ? raw.slice(1) : raw);
  if (decoded === undefined) throw badEncoding();
  const slash = decoded.indexOf('/');
  if (slash <= 0 || slash === decoded.length - 1) throw s3Error('InvalidArgument', 'Copy Source must mention the source bucket and key: sourcebucket/sourcekey', { ArgumentName: 'x-amz-copy-source', ArgumentValue: v });
  return { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1), versionId };
}

/** `bytes=a-b` of `x-amz-copy-source-range`. */
export function copySourceRange(v: string | null): { start: number; end: number } | undefined {
  if (v === null) return undefined;
  const m = /^bytes=(\d+)-(\d+)$/.exec(v.trim());
  if (!m || Number(m[2]) < Number(m[1])) {
    throw s3Error('InvalidArgument', 'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy');
  }
  return { start: Number(m[1]), end: Number(m[2]) };
}

/** Parses a bounded integer query/header value (`max-keys`, `partNumber`…), or InvalidArgument. */
export function intParam(v: string | null | undefined, name: string, min: number, max: number): number | undefined {
  if (v === null || v === undefined) return undefined;
  if (!/^-?\d+$/.test(v.trim())) throw s3Error('InvalidArgument', `Provided ${name} not an integer or within integer range`, { ArgumentName: name, ArgumentValue: v });
  const n = Number(v.trim());
  if (n < min || n > max) throw s3Error('InvalidArgument', `Argument ${name} must be an integer between ${min} and ${max}`, { ArgumentName: name, ArgumentValue: v });
  return n;
}
