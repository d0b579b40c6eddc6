// Response headers for accounts, containers and objects, as Swift spells them.
import type { AccountInfo, ContainerInfo, ObjectInfo, SystemMetadata } from '../../../core/objects/types.js';
import { headerSafe, httpDate, swiftTimestamp, writeMetaHeaders } from './headers.js';

/** The only storage policy skybridge has; clients and tempest expect a name. */
export const STORAGE_POLICY = 'Policy-0';

/** Object ETag as Swift sends it: plain MD5 unquoted; SLO/DLO (and S3 multipart) etags quoted. */
export function swiftEtag(info: Pick<ObjectInfo, 'kind' | 'swiftEtag'>): string {
  return info.kind === 'simple' ? info.swiftEtag : `"${info.swiftEtag}"`;
}

/** True for objects Swift presents as static large objects. */
export const isSlo = (info: Pick<ObjectInfo, 'kind'>): boolean => info.kind === 'slo' || info.kind === 'multipart';

const TEMP_URL_KEYS = new Set(['temp-url-key', 'temp-url-key-2']);

/** Metadata without the Temp-URL keys: whoever knows a key can mint TempURLs, so only writers see them. */
const withoutTempUrlKeys = (m: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(m).filter(([k]) => !TEMP_URL_KEYS.has(k)));

/** Account counters and metadata (GET/HEAD account); `showSecrets` for callers who may write. */
export function accountHeaders(info: AccountInfo, showSecrets: boolean): Headers {
  const h = new Headers();
  h.set('X-Account-Container-Count', String(info.containerCount));
  h.set('X-Account-Object-Count', String(info.objectCount));
  h.set('X-Account-Bytes-Used', String(info.bytesUsed));
  h.set('Accept-Ranges', 'bytes');
  if (info.containerCount > 0) {
    h.set(`X-Account-Storage-Policy-${STORAGE_POLICY}-Container-Count`, String(info.containerCount));
    h.set(`X-Account-Storage-Policy-${STORAGE_POLICY}-Object-Count`, String(info.objectCount));
    h.set(`X-Account-Storage-Policy-${STORAGE_POLICY}-Bytes-Used`, String(info.bytesUsed));
  }
  h.set('X-Timestamp', swiftTimestamp(info.createdAt));
  h.set('X-Put-Timestamp', swiftTimestamp(info.createdAt));
  writeMetaHeaders(h, 'Account', showSecrets ? info.metadata : withoutTempUrlKeys(info.metadata));
  return h;
}

/** Container counters, metadata and (owners only) ACLs (GET/HEAD container); `showSecrets` for callers who may write. */
export function containerHeaders(info: ContainerInfo, showSecrets: boolean): Headers {
  const h = new Headers();
  h.set('X-Container-Object-Count', String(info.objectCount));
  h.set('X-Container-Bytes-Used', String(info.bytesUsed));
  h.set('Accept-Ranges', 'bytes');
  h.set('X-Storage-Policy', STORAGE_POLICY);
  h.set('X-Timestamp', swiftTimestamp(info.createdAt));
  h.set('X-Put-Timestamp', swiftTimestamp(info.lastModified));
  h.set('Last-Modified', httpDate(info.lastModified));
  if (info.callerIsOwner) {
    if (info.swiftAcl.read) h.set('X-Container-Read', headerSafe(info.swiftAcl.read));
    if (info.swiftAcl.write) h.set('X-Container-Write', headerSafe(info.swiftAcl.write));
  }
  // object_versioning's flag: S3 Enabled is `True`, Suspended (Swift's disabled) `False`; never set, absent.
  if (info.versioning) h.set('X-Versions-Enabled', info.versioning === 'Enabled' ? 'True' : 'False');
  if (info.swiftVersions) h.set(info.swiftVersions.mode === 'history' ? 'X-History-Location' : 'X-Versions-Location', headerSafe(encodeURIComponent(info.swiftVersions.location)));
  writeMetaHeaders(h, 'Container', info.callerIsOwner && showSecrets ? info.metadata : withoutTempUrlKeys(info.metadata));
  return h;
}

/** System metadata headers an object carries (`Content-Disposition`, `Content-Encoding`…). */
export function systemMetadataHeaders(h: Headers, sm: SystemMetadata): void {
  if (sm.contentDisposition) h.set('Content-Disposition', headerSafe(sm.contentDisposition));
  if (sm.contentEncoding) h.set('Content-Encoding', headerSafe(sm.contentEncoding));
  if (sm.cacheControl) h.set('Cache-Control', headerSafe(sm.cacheControl));
  if (sm.contentLanguage) h.set('Content-Language', headerSafe(sm.contentLanguage));
  if (sm.expires) h.set('Expires', headerSafe(sm.expires));
}

/** Object headers for GET/HEAD (without Content-Length/Range, which depend on the request). */
export function objectHeaders(info: ObjectInfo, opts: { publicMetaOnly?: boolean } = {}): Headers {
  const h = new Headers();
  h.set('Content-Type', headerSafe(info.contentType || 'application/octet-stream'));
  h.set('Etag', swiftEtag(info));
  h.set('Last-Modified', httpDate(info.lastModified));
  h.set('X-Timestamp', swiftTimestamp(info.lastModified));
  h.set('Accept-Ranges', 'bytes');
  const meta = opts.publicMetaOnly
    ? Object.fromEntries(Object.entries(info.userMetadata).filter(([k]) => k.startsWith('public-')))
    : info.userMetadata;
  writeMetaHeaders(h, 'Object', meta);
  systemMetadataHeaders(h, info.systemMetadata);
  if (info.deleteAt !== undefined) h.set('X-Delete-At', String(Math.floor(info.deleteAt / 1000)));
  if (isSlo(info)) h.set('X-Static-Large-Object', 'True');
  if (info.kind === 'dlo' && info.dloManifest !== undefined) h.set('X-Object-Manifest', headerSafe(info.dloManifest));
  return h;
}

/** Reads the system-metadata request headers Swift stores with an object. */
export function readSystemMetadata(h: Headers): SystemMetadata {
  const sm: SystemMetadata = {};
  const cd = h.get('content-disposition');
  const ce = h.get('content-encoding');
  const cc = h.get('cache-control');
  const cl = h.get('content-language');
  const ex = h.get('expires');
  if (cd) sm.contentDisposition = cd;
  if (ce) sm.contentEncoding = ce;
  if (cc) sm.cacheControl = cc;
  if (cl) sm.contentLanguage = cl;
  if (ex) sm.expires = ex;
  return sm;
}

/** The quoted etags Swift adds to a large object's listing entry (`slo_etag`, and `s3_etag` for an S3 multipart object). */
export function largeObjectEtags(e: { kind: string; swiftEtag: string; etag: string }): Record<string, string> {
  const extra: Record<string, string> = {};
  if (e.kind === 'slo' || e.kind === 'multipart') extra.slo_etag = `"${e.swiftEtag}"`;
  if (e.kind === 'multipart') extra.s3_etag = `"${e.etag}"`;
  return extra;
}
