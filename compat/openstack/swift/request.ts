// What every Swift handler receives: the parsed target, the caller, the request and a few response helpers.
import type { Context } from 'hono';
import type { RequestContext } from '../../../core/context.js';
import { canWriteRole, projectRole } from '../../../core/objects/access.js';
import type { ObjectService } from '../../../core/objects/object-service.js';
import type { AccessOptions, ContainerRef, ObjectRef, TempUrlGrant } from '../../../core/objects/types.js';
import type { OpenStackEnv } from '../common/index.js';
import { SwiftError } from './errors.js';
import type { SwiftTarget } from './path.js';
import type { TempUrlParams } from './tempurl.js';

/** Dependencies of the Swift handlers. */
export interface SwiftHandlerDeps {
  objects: ObjectService;
  /** Wall clock in ms (tests pass a fixed one). */
  now(): number;
}

/** One parsed Swift request. */
export interface SwiftRequest {
  c: Context<OpenStackEnv>;
  deps: SwiftHandlerDeps;
  target: SwiftTarget;
  /** Upper-case method as sent (HEAD stays HEAD). */
  method: string;
  headers: Headers;
  /** Core request context (requestId = X-Trans-Id; auth undefined for anonymous and TempURL requests). */
  ctx: RequestContext;
  /** Set when the request was authorised by a verified TempURL. */
  tempUrl?: { params: TempUrlParams; grant: TempUrlGrant };
}

/** The project a request's account belongs to; foreign reseller prefixes are refused. */
export function projectOf(r: SwiftRequest): string {
  if (r.target.projectId === undefined) throw new SwiftError(r.ctx.auth ? 403 : 401);
  return r.target.projectId;
}

/** The container the request addresses. */
export function containerRef(r: SwiftRequest): ContainerRef & { projectId: string } {
  return { projectId: projectOf(r), container: r.target.container! };
}

/** The object the request addresses. */
export function objectRef(r: SwiftRequest): ObjectRef & { projectId: string } {
  return { projectId: projectOf(r), container: r.target.container!, name: r.target.object! };
}

/** True when the caller holds a writing role on the request's account (may see Temp-URL keys). */
export function callerMayWrite(r: SwiftRequest): boolean {
  return r.target.projectId !== undefined && canWriteRole(projectRole(r.ctx, r.target.projectId));
}

/**
 * A missing container, as the caller may learn of it: Swift authorises before it looks, so a caller with no
 * role on the account (anonymous, or another project) gets 401/403 rather than a 404 that tells what exists.
 */
export function missingContainer(r: SwiftRequest): SwiftError | undefined {
  if (r.tempUrl || (r.target.projectId !== undefined && projectRole(r.ctx, r.target.projectId))) return undefined;
  return new SwiftError(r.ctx.auth ? 403 : 401);
}

/** Access options carrying the TempURL grant, if any. */
export function access(r: SwiftRequest): AccessOptions {
  return r.tempUrl ? { grant: r.tempUrl.grant } : {};
}

/** A response with the given status, headers and body (the app adds Swift's common headers). */
export function respond(status: number, headers: Headers = new Headers(), body: string | ReadableStream<Uint8Array> | null = null): Response {
  if (typeof body === 'string') headers.set('Content-Length', String(Buffer.byteLength(body)));
  // 204 and 304 never carry a body; a stream dropped here would keep its blob open.
  if ((status === 204 || status === 304) && body instanceof ReadableStream) body.cancel().catch(() => undefined);
  return new Response(status === 204 || status === 304 ? null : body, { status, headers });
}
