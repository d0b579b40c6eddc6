// Neutron's error bodies `{"NeutronError":{"type","message","detail"}}`: core kinds and their Neutron type names to status and type.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { CLIENT_ABORT_STATUS, isClientAbort } from '../../../core/client-abort.js';
import { isCoreError, type ErrorKind } from '../../../core/errors.js';
import type { Logger } from '../../../core/logger.js';
import type { OpenStackEnv } from '../common/index.js';

/** Status and default type per core kind (Neutron answers quota failures with 409 OverQuota). */
const KIND: Record<ErrorKind, { status: ContentfulStatusCode; type: string }> = {
  Invalid: { status: 400, type: 'HTTPBadRequest' },
  Unauthenticated: { status: 401, type: 'HTTPUnauthorized' },
  Forbidden: { status: 403, type: 'HTTPForbidden' },
  NotFound: { status: 404, type: 'HTTPNotFound' },
  Conflict: { status: 409, type: 'HTTPConflict' },
  InvalidState: { status: 409, type: 'HTTPConflict' },
  QuotaExceeded: { status: 409, type: 'OverQuota' },
  NotImplemented: { status: 501, type: 'HTTPNotImplemented' },
  Unavailable: { status: 503, type: 'ServiceUnavailable' },
  Internal: { status: 500, type: 'HTTPInternalServerError' },
};

const STATUS_TYPE: Record<number, string> = { 400: 'HTTPBadRequest', 401: 'HTTPUnauthorized', 403: 'HTTPForbidden', 404: 'HTTPNotFound', 405: 'HTTPMethodNotAllowed', 409: 'HTTPConflict', 413: 'HTTPRequestEntityTooLarge', 415: 'HTTPUnsupportedMediaType', 501: 'HTTPNotImplemented' };

/** One Neutron error body. */
export function neutronError(c: Context, status: ContentfulStatusCode, type: string, message: string, detail = ''): Response {
  return c.json({ NeutronError: { type, message, detail } }, status);
}

/** The Neutron app's error handler: core errors by kind and Neutron type, wire errors by status, anything else a logged 500. */
export function neutronOnError(logger: Logger, identityUri: string) {
  return (err: Error, c: Context<OpenStackEnv>): Response => {
    let res: Response;
    if (isClientAbort(err)) {
      res = c.body(null, CLIENT_ABORT_STATUS as 200);
    } else if (isCoreError(err)) {
      const k = KIND[err.kind];
      let type = typeof err.detail.type === 'string' ? err.detail.type : k.type;
      if (err.kind === 'Forbidden' && err.detail.reason === 'policy') type = 'PolicyNotAuthorized';
      if (err.kind === 'Internal') {
        logger.error({ req_id: c.get('requestId'), err: { message: err.message } }, 'internal error');
        res = neutronError(c, 500, k.type, 'Request Failed: internal server error while processing your request.');
      } else {
        if (err.kind === 'Unavailable') logger.warn({ req_id: c.get('requestId'), err: { message: err.message, detail: err.detail } }, 'dependency unavailable');
        const message = err.kind === 'Unauthenticated' ? 'Authentication required' : err.message;
        res = neutronError(c, k.status, type, message);
      }
    } else if (err instanceof HTTPException) {
      const status = err.status as ContentfulStatusCode;
      res = neutronError(c, status, STATUS_TYPE[status] ?? 'HTTPError', err.message);
    } else {
      logger.error({ req_id: c.get('requestId'), err: { message: err.message, stack: err.stack } }, 'unhandled error');
      res = neutronError(c, 500, 'HTTPInternalServerError', 'Request Failed: internal server error while processing your request.');
    }
    res.headers.set('x-openstack-request-id', `req-${c.get('requestId')}`);
    if (res.status === 401) res.headers.set('WWW-Authenticate', `Keystone uri="${identityUri}"`);
    return res;
  };
}
