// The Swift v1 face: a Hono sub-app mounted at /object that routes on the raw path, plus the root `GET /info`.
import { Hono, type Context } from 'hono';
import { rawTarget, type AuthContext } from '../../../core/context.js';
import { isCoreError } from '../../../core/errors.js';
import { CLIENT_ABORT_STATUS, isClientAbort } from '../../../core/client-abort.js';
import type { Logger } from '../../../core/logger.js';
import type { ObjectService } from '../../../core/objects/object-service.js';
import type { OpenStackEnv, TokenValidator } from '../common/index.js';
import { ALLOWED_METHODS, HANDLERS, levelOf, selectOperation } from './dispatch.js';
import { SwiftError, errorBody, fromCoreError } from './errors.js';
import { capabilities } from './handlers/info.js';
import { staticWeb } from './handlers/static-web.js';
import { newTransId } from './headers.js';
import { isPathError, parseSwiftPath, type SwiftTarget } from './path.js';
import { missingContainer, type SwiftRequest } from './request.js';
import { TEMPURL_DISALLOWED_HEADERS, TEMPURL_METHODS, readTempUrlParams } from './tempurl.js';

/** What the Swift face is built from (in `gateway/app.ts`). */
export interface SwiftAppOptions {
  objects: ObjectService;
  /** Keystone token validation (identity.tokens). */
  tokens: TokenValidator;
  logger: Logger;
  /** Where the app is mounted on the gateway (default `/object`); stripped from the raw path. */
  mountPrefix?: string;
  /** Wall clock in ms (default Date.now). */
  now?: () => number;
}

/** The body Swift's tempurl middleware answers an invalid or expired TempURL with. */
const TEMPURL_INVALID = '401 Unauthorized: Temp URL invalid\n';

/** The gateway path the Swift face is mounted at (the catalog's `object-store` URL is `{publicUrl}/object/v1/AUTH_%(project_id)s`). */
export const SWIFT_PREFIX = '/object';

/**
 * Builds the Swift face as a sub-app to mount at the gateway root (`app.route('/', createSwiftApp(...))`),
 * before the S3 catch-all. It claims requests by their RAW target, so `/object/v1/…/../../..` (which the
 * URL parser would normalise out of `/object`) still reaches Swift, and answers the root `GET /info`
 * when it carries no S3 signature. Everything else falls through to the next family.
 */
export function createSwiftApp(opts: SwiftAppOptions): Hono<OpenStackEnv> {
  const prefix = opts.mountPrefix ?? SWIFT_PREFIX;
  const app = new Hono<OpenStackEnv>();
  app.use('*', async (c, next) => {
    const raw = rawTarget(c.env, c.req.url);
    const path = raw.split('?')[0]!;
    if (path === prefix || path.startsWith(`${prefix}/`)) return handleSwift(c, opts);
    if (path === '/info' && isSwiftInfoRequest(c)) return getInfo(c, opts.now);
    const probe = PROXY_PROBES[path];
    if (probe && isSwiftInfoRequest(c)) return finish(probe(c.req.method), newTransId((opts.now ?? Date.now)()), (opts.now ?? Date.now)());
    await next();
  });
  return app;
}

/**
 * True when a root `/info` request is Swift's capabilities probe rather than an S3 request for a bucket
 * named `info`: a plain GET/HEAD carrying no S3 signature (header or query).
 */
export function isSwiftInfoRequest(c: Context): boolean {
  if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return false;
  if (c.req.header('authorization')) return false;
  const headers = c.req.raw.headers;
  let amz = false;
  headers.forEach((_, k) => {
    if (k.toLowerCase().startsWith('x-amz-')) amz = true;
  });
  if (amz) return false;
  const q = new URL(c.req.url).searchParams;
  return !(q.has('X-Amz-Signature') || q.has('X-Amz-Credential') || q.has('Signature') || q.has('AWSAccessKeyId'));
}

/** Answers Swift's `GET /info` with the capabilities document and Swift's common headers. */
export function getInfo(c: Context, now: () => number = Date.now): Response {
  return finish(infoResponse(c.req.method), newTransId(now()), now());
}

/** Swift's crossdomain middleware answer (its default `cross_domain_policy`). */
export const CROSSDOMAIN_XML =
  '<?xml version="1.0"?>\n<!DOCTYPE cross-domain-policy SYSTEM "http://www.adobe.com/xml/dtds/cross-domain-policy.dtd" >\n<cross-domain-policy>\n<allow-access-from domain="*" secure="false" />\n</cross-domain-policy>';

/** A plain answer to a proxy-level probe (the body is left off for HEAD). */
function probeResponse(method: string, body: string, contentType: string): Response {
  return new Response(method === 'HEAD' ? null : body, { status: 200, headers: { 'Content-Type': contentType, 'Content-Length': String(Buffer.byteLength(body)) } });
}

/**
 * The proxy-root paths Swift's healthcheck and crossdomain middlewares answer before auth, served both at the
 * Swift mount (`/object/healthcheck`, where swiftclient's proxy root is) and at the host root when unsigned.
 */
const PROXY_PROBES: Record<string, (method: string) => Response> = {
  '/healthcheck': (m) => probeResponse(m, 'OK', 'text/plain'),
  '/crossdomain.xml': (m) => probeResponse(m, CROSSDOMAIN_XML, 'application/xml; charset=utf-8'),
};

function infoResponse(method: string): Response {
  const body = JSON.stringify(capabilities());
  return new Response(method === 'HEAD' ? null : body, {
    status: 200,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)) },
  });
}

async function handleSwift(c: Context<OpenStackEnv>, opts: SwiftAppOptions): Promise<Response> {
  const now = opts.now ?? Date.now;
  const transId = newTransId(now());
  // The access log and core see Swift's transaction id, the id clients report.
  c.set('requestId', transId);
  let res: Response;
  try {
    res = await dispatch(c, opts, transId, now);
  } catch (e) {
    // Core refuses an anonymous caller with Forbidden; Swift asks for credentials instead (401).
    const anonymous = !c.get('auth');
    const err = anonymous && isCoreError(e, 'Forbidden') && e.detail.reason !== 'TempUrlInvalid' ? new SwiftError(401) : e;
    res = errorResponse(err, c.req.method, opts.logger, transId);
  }
  return finish(res, transId, now());
}

async function dispatch(c: Context<OpenStackEnv>, opts: SwiftAppOptions, transId: string, now: () => number): Promise<Response> {
  const prefix = opts.mountPrefix ?? SWIFT_PREFIX;
  const raw = rawTarget(c.env, c.req.url);
  if (!raw.startsWith(`${prefix}/`)) throw new SwiftError(412, 'Bad URL');
  // swiftclient derives the capabilities URL from the storage URL: `{prefix}/info`.
  if (/^\/info(\?|$)/.test(raw.slice(prefix.length)) && (c.req.method === 'GET' || c.req.method === 'HEAD')) return infoResponse(c.req.method);
  const probe = PROXY_PROBES[raw.slice(prefix.length).split('?')[0]!];
  if (probe && (c.req.method === 'GET' || c.req.method === 'HEAD')) return probe(c.req.method);
  const parsed = parseSwiftPath(raw.slice(prefix.length));
  if (isPathError(parsed)) throw new SwiftError(parsed.status, parsed.message);
  const target: SwiftTarget = parsed;
  const method = c.req.method.toUpperCase();
  const headers = c.req.raw.headers;
  const op = selectOperation(method, target, headers);
  if (op) c.set('operation', op);
  if (!op) throw new SwiftError(405, undefined, { Allow: ALLOWED_METHODS[levelOf(target)].join(', ') });
  const handler = HANDLERS[op];
  if (!handler) throw new SwiftError(501);

  const r: SwiftRequest = { c, deps: { objects: opts.objects, now }, target, method, headers, ctx: { requestId: transId, facts: { sourceIp: c.env?.remoteAddress, secureTransport: c.req.url.startsWith('https:') } } };
  const tempUrl = readTempUrlParams(target.query);
  if (tempUrl !== undefined) {
    // TempURL requests are authorised by their signature alone, as Swift's tempurl middleware does.
    const invalid = new SwiftError(401, TEMPURL_INVALID, { 'Www-Authenticate': `Swift realm="${encodeURIComponent(target.account)}"` });
    if (tempUrl === 'invalid' || target.object === undefined || target.projectId === undefined) throw invalid;
    if (!(TEMPURL_METHODS as readonly string[]).includes(method)) throw invalid;
    for (const scope of tempUrlScopes(prefix, target, tempUrl.prefix)) {
      try {
        const grant = await opts.objects.verifyTempUrl({
          projectId: target.projectId,
          container: target.container!,
          name: scope.name,
          method,
          expires: tempUrl.expires,
          signature: tempUrl.sig,
          signedPath: scope.signedPath,
          prefix: tempUrl.prefix !== undefined,
          ...(tempUrl.ipRange !== undefined ? { ipRange: tempUrl.ipRange, clientIp: clientAddress(c) } : {}),
        });
        r.tempUrl = { params: tempUrl, grant };
        break;
      } catch (e) {
        if (!isCoreError(e) || (e.kind !== 'Invalid' && e.kind !== 'Unauthenticated' && e.kind !== 'Forbidden' && e.kind !== 'NotFound')) throw e;
      }
    }
    if (!r.tempUrl) throw invalid;
    if (method !== 'GET' && method !== 'HEAD') {
      const bad = TEMPURL_DISALLOWED_HEADERS.find((name) => headers.has(name));
      if (bad) throw new SwiftError(400, `The header '${bad}' is not allowed in this tempurl`);
    }
  } else {
    const token = headers.get('x-auth-token') ?? headers.get('x-storage-token');
    if (token) {
      let auth: AuthContext;
      try {
        auth = (await opts.tokens.validate(token.trim())).context;
      } catch (e) {
        if (isCoreError(e)) throw new SwiftError(401);
        throw e;
      }
      c.set('auth', auth);
      r.ctx.auth = auth;
    } else if (method !== 'GET' && method !== 'HEAD' && op !== 'formPost') {
      // Only reads can be granted to anonymous callers (write ACLs name users), so Swift's 401 comes before
      // anything about the request itself (a missing Content-Length, a body that is too large).
      throw new SwiftError(401);
    }
  }
  try {
    // Swift's staticweb sits before the object server: plain container and object reads may be web requests.
    const web = op === 'getContainer' || op === 'headContainer' || op === 'getObject' || op === 'headObject' ? await staticWeb(r) : undefined;
    return web ?? (await handler(r));
  } catch (e) {
    const hidden = isCoreError(e, 'NotFound') && e.detail.resource === 'container' ? missingContainer(r) : undefined;
    throw hidden ?? e;
  }
}

/** The client's IP address (an IPv4 client on a dual-stack socket shows as `::ffff:a.b.c.d`). */
function clientAddress(c: Context<OpenStackEnv>): string | undefined {
  const a = c.env?.remoteAddress;
  return a?.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
}

/**
 * What a TempURL signature may cover: the object (or `temp_url_prefix`) and the path that was signed. Clients
 * sign the path as Swift serves it (`/v1/…`); the mounted path (`/object/v1/…`, what swiftclient signs when
 * handed the storage URL) is accepted too. From a mounted path swiftclient takes `temp_url_prefix` one segment
 * early, as `<container>/<prefix>`, so that reading is tried as well.
 */
function tempUrlScopes(mount: string, t: SwiftTarget, urlPrefix: string | undefined): Array<{ name: string; signedPath: string }> {
  const object = t.object!;
  if (urlPrefix === undefined) return [t.path, `${mount}${t.path}`].map((signedPath) => ({ name: object, signedPath }));
  const scopes: Array<{ name: string; signedPath: string }> = [];
  const base = `/${t.version}/${t.account}/${t.container}/${urlPrefix}`;
  if (object.startsWith(urlPrefix)) scopes.push({ name: urlPrefix, signedPath: base }, { name: urlPrefix, signedPath: `${mount}${base}` });
  const own = `${t.container}/`;
  if (urlPrefix.startsWith(own) && object.startsWith(urlPrefix.slice(own.length))) {
    scopes.push({ name: urlPrefix.slice(own.length), signedPath: `${mount}/${t.version}/${t.account}/${urlPrefix}` });
  }
  return scopes;
}

/** Maps anything a handler threw onto Swift's wire error; internals never leak. */
function errorResponse(e: unknown, method: string, logger: Logger, transId: string): Response {
  let err: SwiftError;
  if (isClientAbort(e)) {
    // Swift's proxy logs these as 499 Client Disconnect: nobody reads the answer and nothing failed here.
    logger.info({ req_id: transId, reason: e instanceof Error ? e.message : String(e) }, 'client aborted the request');
    err = new SwiftError(CLIENT_ABORT_STATUS, 'Client Disconnect');
  } else if (e instanceof SwiftError) err = e;
  else if (isCoreError(e)) {
    if (e.kind === 'Internal') logger.error({ req_id: transId, err: { message: e.message } }, 'internal error');
    if (e.kind === 'Unavailable') logger.warn({ req_id: transId, err: { message: e.message, detail: e.detail } }, 'dependency unavailable');
    err = e.detail.reason === 'TempUrlInvalid' ? new SwiftError(401, TEMPURL_INVALID) : fromCoreError(e);
  } else {
    const x = e instanceof Error ? e : new Error(String(e));
    logger.error({ req_id: transId, err: { message: x.message, stack: x.stack } }, 'unhandled error');
    err = new SwiftError(500);
  }
  const headers = new Headers(err.headers);
  if (err.status === 304) return new Response(null, { status: 304, headers });
  const { body, contentType } = errorBody(err.status, err.body);
  if (!headers.has('Content-Type')) headers.set('Content-Type', contentType);
  headers.set('Content-Length', String(Buffer.byteLength(body)));
  return new Response(method === 'HEAD' ? null : body, { status: err.status, headers });
}

/** Adds the headers every Swift response carries: transaction ids, Date, Content-Type and Content-Length. */
function finish(res: Response, transId: string, nowMs: number): Response {
  // Read the body first: on @hono/node-server's Response, touching `body` rebuilds the headers object,
  // and edits made to the one fetched before would be lost (Content-Length: 0 was, so 201s went out chunked).
  const bodyless = res.body === null;
  const h = res.headers;
  h.set('X-Trans-Id', transId);
  h.set('X-Openstack-Request-Id', transId);
  if (!h.has('Date')) h.set('Date', new Date(nowMs).toUTCString());
  if (!h.has('Content-Type')) h.set('Content-Type', 'text/html; charset=UTF-8');
  if (!h.has('Content-Length') && bodyless) h.set('Content-Length', '0');
  return res;
}
