// Every Swift request header and query parameter skybridge knows: honoured, refused (501 / 400 as Swift would) or meaningless here, for docs/compat-matrix.md.
import type { ParameterRow } from '../../../core/operations.js';
import type { SwiftOperation } from './operations.js';

type Row = ParameterRow & { operations: readonly (SwiftOperation | '*')[] };

const row = (param: string, operations: readonly (SwiftOperation | '*')[], verdict: Row['verdict'], note: string): Row => ({ param, operations, verdict, note });

const OBJECT_WRITES: SwiftOperation[] = ['putObject', 'copyObject', 'putSloManifest'];
const CONTAINER_WRITES: SwiftOperation[] = ['putContainer', 'postContainer'];
const READS: SwiftOperation[] = ['getObject', 'headObject'];

/**
 * The Swift face's parameter table. A request asking for a guarantee this server does not give is
 * refused (501 where the feature's middleware is absent, Swift's own 400 for reserved headers), never
 * stored as if it were honoured; /info advertises only the honoured features.
 */
export const SWIFT_PARAMETER_RULES: readonly Row[] = [
  row('X-Auth-Token, X-Storage-Token', ['*'], 'honoured', 'Keystone tokens (keystoneauth); TempURL query signatures instead on tempUrl'),
  row('X-Object-Meta-*, X-Remove-Object-Meta-*', ['putObject', 'postObject', 'copyObject', 'putSloManifest'], 'honoured', 'stored (S3 shows them as x-amz-meta-*); limits as /info says'),
  row('X-Container-Meta-*, X-Remove-Container-Meta-*', CONTAINER_WRITES, 'honoured', 'stored'),
  row('X-Account-Meta-*, X-Remove-Account-Meta-*', ['postAccount'], 'honoured', 'stored'),
  row('X-Container-Read, X-Container-Write (and X-Remove-*)', CONTAINER_WRITES, 'honoured', 'enforced on both faces; names match default-domain identities only, ids everywhere'),
  row('X-Account-Meta-Temp-URL-Key(-2), X-Container-Meta-Temp-URL-Key(-2)', ['postAccount', ...CONTAINER_WRITES], 'honoured', 'TempURL keys'),
  row(
    'X-Container-Meta-Quota-Bytes, X-Container-Meta-Quota-Count',
    CONTAINER_WRITES,
    'honoured',
    'container_quotas: every object write on either face (Swift PUT/COPY/SLO, S3 PutObject/CopyObject/CompleteMultipartUpload) that would pass it → Swift 413 "Upload exceeds quota." / S3 403 QuotaExceeded, nothing stored; a non-integer value → 400',
  ),
  row(
    'X-Account-Meta-Quota-Bytes',
    ['postAccount'],
    'honoured',
    'account_quotas: only a caller with the ResellerAdmin role may set or remove it (403 otherwise); enforced like the container quota',
  ),
  row('X-Storage-Policy', ['putContainer', 'postContainer'], 'honoured', "the one policy (Policy-0) is accepted; any other name → 400 Invalid X-Storage-Policy '<name>', as Swift"),
  row('X-Container-Sync-To, X-Container-Sync-Key', CONTAINER_WRITES, 'refused', '501: no container sync, so the container would never be synced'),
  row(
    'X-Versions-Location, X-History-Location (and X-Remove-*)',
    CONTAINER_WRITES,
    'honoured',
    'versioned_writes stack / history modes; the archive copy (and history-mode delete marker) is a write into the versions container, held to its quotas',
  ),
  row(
    'X-Versions-Enabled',
    ['objectVersioning'],
    'honoured',
    "object_versioning: `true` (config_true_value) enables the bucket's S3 versioning, anything else suspends it; the same versions S3 lists; 400 with X-Versions-Location / X-History-Location",
  ),
  row(
    '?version-id',
    ['getObject', 'headObject', 'deleteObject', 'copyObject', 'restoreVersion', 'postObject'],
    'honoured',
    "the S3 version id (32 hex digits, or `null`): GET/HEAD read that version (a delete marker → 404 with its content type), DELETE removes it for good (the previous version becomes current, as S3), COPY copies it, PUT restores it; POST → 400; on a container never versioned → 400, as Swift; anything else → 400 Invalid version parameter; with ?multipart-manifest → 501 (not implemented)",
  ),
  row('?versions, ?version_marker', ['listVersions'], 'honoured', 'version listing (JSON); version_marker needs marker (400)'),
  row('X-Symlink-Target, X-Symlink-Target-Account, X-Symlink-Target-Etag', ['putObject', 'postObject'], 'refused', '501: no symlinks, never a plain object in place of one'),
  row('X-Static-Large-Object', ['putObject'], 'refused', "400 \"X-Static-Large-Object is a reserved header...\", as Swift's slo (SLOs are made with ?multipart-manifest=put)"),
  row('X-Object-Manifest', ['putObject'], 'honoured', 'DLO manifests'),
  row('?multipart-manifest', ['putSloManifest', 'getSloManifest', 'deleteSloManifest'], 'honoured', 'put / get (format=raw) / delete'),
  row('X-Delete-At, X-Delete-After', ['putObject', 'postObject', 'copyObject'], 'honoured', 'expired objects vanish at once and are reaped by the expiry job'),
  row('Etag', ['putObject', 'putSloManifest'], 'honoured', 'checked against the body → 422, nothing stored'),
  row('If-None-Match', ['putObject', 'putSloManifest'], 'honoured', '`*`: create only (412); other values → 400, as Swift'),
  row('If-Match, If-None-Match, If-Modified-Since, If-Unmodified-Since', READS, 'honoured', '412 / 304'),
  row('Range', READS, 'honoured', 'one range → 206; DLO/SLO included'),
  row('Content-Type, X-Detect-Content-Type', ['putObject', 'postObject', 'copyObject'], 'honoured', 'stored; guessed from the name when absent or asked'),
  row('Content-Encoding, Content-Disposition, Content-Language', ['putObject', 'postObject', 'copyObject'], 'honoured', 'stored and returned'),
  row('Content-Length, Transfer-Encoding: chunked', ['putObject'], 'honoured', 'a short body → 499, nothing stored'),
  row('X-Copy-From, X-Copy-From-Account, Destination, Destination-Account, X-Fresh-Metadata', ['copyObject'], 'honoured', 'server-side copy'),
  row('?format, ?prefix, ?delimiter, ?marker, ?end_marker, ?limit, ?reverse, ?path', ['getAccount', 'getContainer'], 'honoured', 'listings'),
  row('?temp_url_sig, ?temp_url_expires, ?temp_url_prefix, ?temp_url_ip_range, ?filename, ?inline', ['tempUrl'], 'honoured', 'TempURL'),
  row('?bulk-delete', ['bulkDelete'], 'honoured', 'bulk delete'),
  row('X-Container-Meta-Web-*', CONTAINER_WRITES, 'meaningless', 'stored as metadata, as Swift without staticweb stores it; no website is served (staticweb is not in /info)'),
  row('X-Container-Meta-Access-Control-*', CONTAINER_WRITES, 'meaningless', 'stored as metadata; no CORS responses (OPTIONS is not implemented)'),
  row('X-Newest', READS, 'meaningless', 'one copy of each object: the one read is always the newest'),
  row('X-Timestamp', OBJECT_WRITES, 'meaningless', 'client timestamps are not taken (Swift honours them only from internal clients); Last-Modified is the server time'),
];
