// The Swift routing table: method × (account | container | object) × query/headers → operation → handler.
import { getAccount, headAccount, postAccount } from './handlers/account.js';
import { bulkDelete, bulkExtract } from './handlers/bulk.js';
import { deleteContainer, getContainer, headContainer, objectVersioning, postContainer, putContainer } from './handlers/container.js';
import { copyObject, deleteObject, getObject, headObject, postObject, putObject, restoreVersion } from './handlers/object.js';
import { listVersions } from './handlers/versions.js';
import { formPost } from './handlers/form-post.js';
import { deleteSloManifest, getSloManifest, manifestParam, putSloManifest } from './handlers/slo.js';
import type { SwiftOperation } from './operations.js';
import type { SwiftTarget } from './path.js';
import type { SwiftRequest } from './request.js';

/** A Swift handler: one wire operation, one core call (listings also read the counters). */
export type SwiftHandler = (r: SwiftRequest) => Promise<Response>;

/** Implemented operations; every other row of SWIFT_OPERATIONS answers 501. */
export const HANDLERS: Partial<Record<SwiftOperation, SwiftHandler>> = {
  getAccount,
  headAccount,
  postAccount,
  bulkDelete,
  bulkExtract,
  getContainer,
  headContainer,
  putContainer,
  postContainer,
  deleteContainer,
  objectVersioning,
  listVersions,
  restoreVersion,
  formPost,
  getObject,
  headObject,
  putObject,
  copyObject,
  postObject,
  deleteObject,
  putSloManifest,
  getSloManifest,
  deleteSloManifest,
};

/** The methods each level accepts (Swift's `Allow` on a 405). */
export const ALLOWED_METHODS = {
  account: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
  container: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
  object: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'COPY', 'OPTIONS'],
} as const;

/** A container sync target or key with a value (an empty one asks for nothing): refused, never stored as if synced. */
function asksContainerSync(headers: Headers): boolean {
  return !!headers.get('x-container-sync-to')?.trim() || !!headers.get('x-container-sync-key')?.trim();
}

/** Picks the operation for a request; undefined → 405 Method Not Allowed. */
export function selectOperation(method: string, target: SwiftTarget, headers: Headers): SwiftOperation | undefined {
  const q = target.query;
  if ((method === 'POST' || method === 'DELETE') && q.has('bulk-delete')) return 'bulkDelete';
  if (method === 'PUT' && q.has('extract-archive')) return 'bulkExtract';
  if (method === 'OPTIONS') return 'optionsCors';
  if (target.object !== undefined) {
    const r = { target };
    switch (method) {
      case 'GET':
      case 'HEAD':
        if (manifestParam(r, 'get')) return 'getSloManifest';
        return method === 'GET' ? 'getObject' : 'headObject';
      case 'PUT':
        if (manifestParam(r, 'put')) return 'putSloManifest';
        if (headers.has('x-symlink-target')) return 'symlink';
        // object_versioning: a PUT to a version makes it current again.
        if (q.get('version-id')) return 'restoreVersion';
        if (headers.has('x-copy-from')) return 'copyObject';
        return 'putObject';
      case 'COPY':
        return 'copyObject';
      case 'POST':
        // Swift's formpost takes every multipart form POST, to a container or to a prefix inside it.
        if ((headers.get('content-type') ?? '').toLowerCase().startsWith('multipart/form-data')) return 'formPost';
        if (headers.has('x-symlink-target')) return 'symlink';
        return 'postObject';
      case 'DELETE':
        return manifestParam(r, 'delete') ? 'deleteSloManifest' : 'deleteObject';
      default:
        return undefined;
    }
  }
  if (target.container !== undefined) {
    switch (method) {
      case 'GET':
        return q.has('versions') ? 'listVersions' : 'getContainer';
      case 'HEAD':
        return 'headContainer';
      case 'PUT':
        // X-Versions-Enabled is the newer object_versioning middleware (S3 versioning underneath); X-Versions/History-Location are versioned_writes.
        if (headers.has('x-versions-enabled')) return 'objectVersioning';
        if (asksContainerSync(headers)) return 'containerSync';
        return 'putContainer';
      case 'POST':
        if ((headers.get('content-type') ?? '').toLowerCase().startsWith('multipart/form-data')) return 'formPost';
        if (headers.has('x-versions-enabled')) return 'objectVersioning';
        if (asksContainerSync(headers)) return 'containerSync';
        return 'postContainer';
      case 'DELETE':
        return 'deleteContainer';
      default:
        return undefined;
    }
  }
  switch (method) {
    case 'GET':
      return 'getAccount';
    case 'HEAD':
      return 'headAccount';
    case 'POST':
      return 'postAccount';
    case 'PUT':
      return 'putAccount';
    case 'DELETE':
      return 'deleteAccount';
    default:
      return undefined;
  }
}

/** The level a target addresses. */
export const levelOf = (t: SwiftTarget): keyof typeof ALLOWED_METHODS =>
  t.object !== undefined ? 'object' : t.container !== undefined ? 'container' : 'account';
