// Bulk delete (`?bulk-delete`): newline-separated paths, answered in Swift's bulk result format.
import { isCoreError } from '../../../../core/errors.js';
import { quotePath, renderBulkResult, type BulkResult } from '../bulk-response.js';
import { SwiftError, fromCoreError } from '../errors.js';
import { negotiateFormat } from '../listing.js';
import { checkContainerName, checkObjectName, decodePathOnce } from '../path.js';
import { missingContainer, projectOf, respond, type SwiftRequest } from '../request.js';
import { readBodyText } from './body.js';

/** Swift's bulk-delete limits (published by `GET /info` under `bulk_delete`). */
export const BULK_DELETE_LIMITS = { maxDeletesPerRequest: 10000, maxFailedDeletes: 1000 } as const;

const STATUS_LINE: Record<number, string> = {
  400: '400 Bad Request',
  401: '401 Unauthorized',
  403: '403 Forbidden',
  404: '404 Not Found',
  409: '409 Conflict',
  412: '412 Precondition Failed',
  500: '500 Internal Error',
  501: '501 Not Implemented',
};

/**
 * POST/DELETE `?bulk-delete`: each body line is a URL-encoded `/container/object` or `/container`
 * (relative to the account). Answers 200 with Swift's result body (plain, JSON or XML by Accept).
 */
export async function bulkDelete(r: SwiftRequest): Promise<Response> {
  // Nobody deletes anonymously (write ACLs name users), so Swift's answer is known before reading the body.
  if (!r.ctx.auth) throw new SwiftError(401);
  const fmt = negotiateFormat(null, r.headers.get('accept'));
  if (!fmt) throw new SwiftError(406);
  const projectId = projectOf(r);
  const text = await readBodyText(r, BULK_DELETE_LIMITS.maxDeletesPerRequest * 1400);
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (lines.length > BULK_DELETE_LIMITS.maxDeletesPerRequest) {
    throw new SwiftError(413, `Maximum Bulk Deletes: ${BULK_DELETE_LIMITS.maxDeletesPerRequest} per request`);
  }
  const result: BulkResult = { deleted: 0, notFound: 0, errors: [], status: '200 OK' };
  if (lines.length === 0) {
    result.status = '400 Bad Request';
    result.body = 'Invalid bulk delete.';
  }
  for (const line of lines) {
    if (result.errors.length >= BULK_DELETE_LIMITS.maxFailedDeletes) break;
    const decoded = decodePathOnce(line);
    const path = decoded === undefined ? undefined : decoded.replace(/^\/+/, '');
    const slash = path === undefined ? -1 : path.indexOf('/');
    const container = path === undefined ? '' : slash === -1 ? path : path.slice(0, slash);
    const object = path === undefined || slash === -1 ? '' : path.slice(slash + 1);
    const shown = quotePath(`/${path ?? line}`);
    if (!path || checkContainerName(container) || (object !== '' && checkObjectName(object))) {
      result.errors.push([shown, STATUS_LINE[400]!]);
      continue;
    }
    try {
      if (object === '') {
        await r.deps.objects.deleteContainer(r.ctx, { projectId, container });
        result.deleted++;
      } else {
        const { existed } = await r.deps.objects.deleteObject(r.ctx, { projectId, container, name: object });
        if (existed) result.deleted++;
        else result.notFound++;
      }
    } catch (e) {
      if (!isCoreError(e)) throw e;
      const hidden = e.kind === 'NotFound' && e.detail.resource === 'container' ? missingContainer(r) : undefined;
      if (e.kind === 'NotFound' && !hidden) {
        result.notFound++;
        continue;
      }
      const status = hidden?.status ?? fromCoreError(e).status;
      result.errors.push([shown, STATUS_LINE[status] ?? `${status} Error`]);
    }
  }
  if (result.errors.length) result.status = STATUS_LINE[400]!;
  const h = new Headers();
  h.set('Content-Type', fmt.contentType);
  return respond(200, h, renderBulkResult(fmt.format, result));
}
