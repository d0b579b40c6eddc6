// Builds an OpenStack family's Hono sub-app: request-id header, its own error mapping and its own catch-all.
import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isCoreError, type ErrorKind } from '../../../core/errors.js';
import { CLIENT_ABORT_STATUS, isClientAbort } from '../../../core/client-abort.js';
import type { Logger } from '../../../core/logger.js';
import { DEFAULT_MESSAGE, KIND_STATUS, STATUS_TITLE, keystoneError, type ErrorRenderer, type WireError } from './errors.js';
import type { OpenStackEnv } from './env.js';

/** How a family sub-app reports errors. */
export interface OpenStackAppOptions {
  logger: Logger;
  /** `{publicUrl}/identity`: quoted in `WWW-Authenticate: Keystone uri="..."` on every 401. */
  identityUri: string;
  /** Body shape of the family's errors; Keystone's by default. */
  renderError?: ErrorRenderer;
  /** Kinds this family maps to another status than the shared table (Nova: QuotaExceeded is 403). */
  kindStatus?: Partial<Record<ErrorKind, { status: ContentfulStatusCode; title: string }>>;
}

/**
 * A sub-app with the OpenStack request-id header on every response and an `onError` that maps
 * CoreError kinds with the shared table. Register routes, then call `finishOpenStackApp` to add the
 * catch-all (Hono's `notFound` only runs at the top level, and routes match in registration order).
 */
export function createOpenStackApp(opts: OpenStackAppOptions): Hono<OpenStackEnv> {
  const render = opts.renderError ?? keystoneError;
  const app = new Hono<OpenStackEnv>();
  app.use('*', async (c, next) => {
    await next();
    if (carriesRequestId(c.res)) return;
    c.res.headers.set('x-openstack-request-id', `req-${c.get('requestId')}`);
  });
  app.onError((err, c) => {
    const res = render(c, toWireError(err, c, opts.logger, opts.kindStatus));
    res.headers.set('x-openstack-request-id', `req-${c.get('requestId')}`);
    if (res.status === 401) res.headers.set('WWW-Authenticate', `Keystone uri="${opts.identityUri}"`);
    return res;
  });
  return app;
}

/** Marks a response built by `plainResponse`, whose headers already hold the request id. */
const REQUEST_ID_SET = Symbol('x-openstack-request-id set');

const carriesRequestId = (res: Response) => (res as unknown as Record<symbol, unknown>)[REQUEST_ID_SET] === true;

/**
 * A response with `headers` and the request-id header as one plain object, for hot routes (token
 * validation). Setting a header on a finished response, as the sub-app's middleware otherwise does,
 * turns its headers into a `Headers` object, which costs more than the rest of a cached validation.
 */
export function plainResponse(c: Context<OpenStackEnv>, body: string, status: ContentfulStatusCode, headers: Record<string, string>): Response {
  const res = new Response(body, { status, headers: { ...headers, 'x-openstack-request-id': `req-${c.get('requestId')}` } });
  (res as unknown as Record<symbol, unknown>)[REQUEST_ID_SET] = true;
  return res;
}

/** Adds the family's catch-all 404 (in its own error shape); call after every route is registered. */
export function finishOpenStackApp(app: Hono<OpenStackEnv>, opts: Pick<OpenStackAppOptions, 'renderError'> = {}): Hono<OpenStackEnv> {
  const render = opts.renderError ?? keystoneError;
  app.all('*', (c) => render(c, { status: 404, title: 'Not Found', message: DEFAULT_MESSAGE[404]! }));
  return app;
}

/** A wire error for a status that arises in compat (405, 413, 415…), rendered by the family's onError. */
export function httpError(status: ContentfulStatusCode, message?: string): HTTPException {
  return new HTTPException(status, { message: message ?? DEFAULT_MESSAGE[status] ?? STATUS_TITLE[status] ?? 'Error' });
}

function toWireError(err: Error, c: Context<OpenStackEnv>, logger: Logger, kindStatus: OpenStackAppOptions['kindStatus'] = {}): WireError {
  if (isClientAbort(err)) {
    logger.info({ req_id: c.get('requestId'), reason: err.message }, 'client aborted the request');
    return { status: CLIENT_ABORT_STATUS as ContentfulStatusCode, title: 'Client Closed Request', message: 'The client closed the connection before the request body ended.' };
  }
  if (isCoreError(err)) {
    const { status, title } = kindStatus[err.kind] ?? KIND_STATUS[err.kind];
    if (err.kind === 'Internal') {
      logger.error({ req_id: c.get('requestId'), err: { message: err.message } }, 'internal error');
      return { status, title, message: DEFAULT_MESSAGE[500]! };
    }
    // A dependency is down: the caller sees a plain 503, the operator sees what failed.
    if (err.kind === 'Unavailable') logger.warn({ req_id: c.get('requestId'), err: { message: err.message, detail: err.detail } }, 'dependency unavailable');
    return { status, title, message: err.message };
  }
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    return { status, title: STATUS_TITLE[status] ?? 'Error', message: err.message || DEFAULT_MESSAGE[status] || '' };
  }
  logger.error({ req_id: c.get('requestId'), err: { message: err.message, stack: err.stack } }, 'unhandled error');
  return { status: 500, title: 'Internal Server Error', message: DEFAULT_MESSAGE[500]! };
}
