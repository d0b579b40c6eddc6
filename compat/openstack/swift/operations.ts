// Every Swift v1 API operation: the dispatch table's documentation and the compat matrix's source.
import type { OperationRow } from '../../../core/operations.js';

/** Names of the Swift operations skybridge knows about (handler names match). */
export type SwiftOperation =
  | 'getInfo'
  | 'getAccount'
  | 'headAccount'
  | 'postAccount'
  | 'putAccount'
  | 'deleteAccount'
  | 'bulkDelete'
  | 'bulkExtract'
  | 'getContainer'
  | 'headContainer'
  | 'putContainer'
  | 'postContainer'
  | 'deleteContainer'
  | 'formPost'
  | 'getObject'
  | 'headObject'
  | 'putObject'
  | 'copyObject'
  | 'postObject'
  | 'deleteObject'
  | 'putSloManifest'
  | 'getSloManifest'
  | 'deleteSloManifest'
  | 'tempUrl'
  | 'optionsCors'
  | 'symlink'
  | 'objectVersioning'
  | 'listVersions'
  | 'restoreVersion'
  | 'versionedWrites'
  | 'containerSync'
  | 'staticWeb'
  | 'accountQuotas'
  | 'containerQuotas';

const row = (operation: SwiftOperation, method: string, path: string, implemented: boolean, note?: string): OperationRow & { operation: SwiftOperation } => ({
  service: 'swift',
  operation,
  method,
  path,
  implemented,
  ...(note ? { note } : {}),
});

const A = '/v1/{account}';
const C = '/v1/{account}/{container}';
const O = '/v1/{account}/{container}/{object}';

/** The Swift operations table, in the order of the Object Storage API reference. */
export const SWIFT_OPERATIONS: ReadonlyArray<OperationRow & { operation: SwiftOperation }> = [
  row('getInfo', 'GET', '/info', true, 'at the host root; lists exactly the features below'),
  row('getAccount', 'GET', A, true, 'plain/json/xml; prefix, delimiter, marker, end_marker, limit, reverse'),
  row('headAccount', 'HEAD', A, true),
  row('postAccount', 'POST', A, true, 'X-Account-Meta-*, X-Remove-Account-Meta-*, Temp-URL-Key(-2)'),
  row('putAccount', 'PUT', A, false, 'reseller admin only upstream; accounts are projects'),
  row('deleteAccount', 'DELETE', A, false, 'reseller admin only upstream; accounts are projects'),
  row('bulkDelete', 'POST', `${A}?bulk-delete`, true, 'also DELETE ?bulk-delete; plain, json or xml result'),
  row('bulkExtract', 'PUT', `${A}[/{container}[/{prefix}]]?extract-archive`, true, 'tar, tar.gz, tar.bz2; containers made from the first path segment at the account level; pax user.meta.* xattrs as metadata; plain, json or xml result'),
  row('getContainer', 'GET', C, true, 'plain/json/xml; prefix, delimiter, marker, end_marker, limit, reverse, path'),
  row('headContainer', 'HEAD', C, true),
  row('putContainer', 'PUT', C, true, '201 created / 202 existing; metadata and ACLs'),
  row('postContainer', 'POST', C, true, 'metadata, X-Container-Read/Write, Temp-URL-Key(-2)'),
  row('deleteContainer', 'DELETE', C, true, '409 when not empty'),
  row('formPost', 'POST', `${C}[/{prefix}] (multipart/form-data)`, true, 'signed with a temp-url key (sha1/sha256/sha512); redirect, max_file_size, max_file_count, expires, x_delete_at/after'),
  row('getObject', 'GET', O, true, 'single Range, conditionals, DLO and SLO streaming; S3 SSE-S3 objects decrypted; SSE-C objects 400 (no way to send the key)'),
  row('headObject', 'HEAD', O, true, 'SSE-C objects 400, as S3 answers a HEAD without the key'),
  row('putObject', 'PUT', O, true, 'Etag check (422), X-Delete-At/After, X-Copy-From, X-Object-Manifest (DLO), If-None-Match: *; the bucket\'s S3 default encryption applies'),
  row('copyObject', 'COPY', O, true, 'Destination, X-Fresh-Metadata; an SSE-C source is 400'),
  row('postObject', 'POST', O, true, 'replaces user metadata, Content-Type, Content-Disposition, Content-Encoding, X-Delete-At; X-Object-Manifest makes the object a DLO'),
  row('deleteObject', 'DELETE', O, true),
  row('putSloManifest', 'PUT', `${O}?multipart-manifest=put`, true, 'no inline data segments, no heartbeat; SSE-C segments refused (400)'),
  row('getSloManifest', 'GET', `${O}?multipart-manifest=get`, true, 'also format=raw'),
  row('deleteSloManifest', 'DELETE', `${O}?multipart-manifest=delete`, true),
  row('tempUrl', 'GET/HEAD/PUT/POST/DELETE', `${O}?temp_url_sig&temp_url_expires`, true, 'sha1/sha256/sha512 (hex or base64), temp_url_prefix, temp_url_ip_range, filename, inline'),
  row('optionsCors', 'OPTIONS', O, false),
  row('symlink', 'PUT/POST', `${O} (X-Symlink-Target)`, false, 'answers 501: never a plain object in place of a symlink'),
  row('versionedWrites', 'PUT/POST', `${C} (X-Versions-Location, X-History-Location)`, true, 'versioned_writes stack and history modes; archived versions share the blobs (no byte copy); DLO manifests are not versioned'),
  row(
    'objectVersioning',
    'PUT/POST',
    `${C} (X-Versions-Enabled)`,
    true,
    'object_versioning over the S3 versions of the same bucket: true = S3 Enabled, false = Suspended (X-Versions-Enabled: True/False on HEAD/GET); 400 on a container with X-Versions-Location/X-History-Location (either order). PUT answers X-Object-Version-Id; GET/HEAD/DELETE/COPY ?version-id (null too); DELETE writes a delete marker; POST ?version-id 400. X-Container-Bytes-Used counts current versions only (Swift adds the versions container\'s bytes)',
  ),
  row('listVersions', 'GET', `${C}?versions`, true, 'JSON always (as the middleware): version_id, is_latest, delete markers as application/x-deleted;swift_versions_deleted=1; prefix, delimiter, marker + version_marker, limit; reverse answers 501'),
  row('restoreVersion', 'PUT', `${O}?version-id`, true, 'zero-byte body: that version becomes current again, keeping its id (404 when absent)'),
  row('containerSync', 'PUT/POST', `${C} (X-Container-Sync-To, X-Container-Sync-Key)`, false, 'answers 501: nothing stored, so no container looks synced'),
  row('staticWeb', 'GET/HEAD', `${C}[/{path}] (X-Container-Meta-Web-*)`, true, 'anonymous or X-Web-Mode: true; Web-Index, Web-Listings (HTML, Web-Listings-CSS), Web-Error pages, 301 to the slash form of a directory'),
  row('accountQuotas', 'POST', `${A} (X-Account-Meta-Quota-Bytes)`, true, 'ResellerAdmin only; enforced on every write of both faces (413 / S3 QuotaExceeded)'),
  row('containerQuotas', 'POST', `${C} (X-Container-Meta-Quota-*)`, true, 'bytes and count; enforced on every write of both faces (413 / S3 QuotaExceeded)'),
];
