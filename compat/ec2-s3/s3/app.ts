// The S3 face: resolves bucket/key from the raw request, routes by the table, authenticates, parses, dispatches, serializes.
import { Hono, type Context } from 'hono';
import type { RequestBindings, RequestContext, RequestVariables } from '../../../core/context.js';
import { rawTarget } from '../../../core/context.js';
import { CLIENT_ABORT_STATUS, isClientAbort } from '../../../core/client-abort.js';
import { authenticate, type AwsPrincipal } from '../common/authenticate.js';
import shapes from '../common/generated/s3-shapes.json' with { type: 'json' };
import { RestXml, type ShapeDocument } from '../common/rest-xml.js';
import { SigningKeyCache } from '../common/sigv4.js';
import { ec2NotImplemented } from '../ec2/not-implemented.js';
import { resolveAddress, RESERVED_BUCKETS, type S3Address } from './address.js';
import { objectBody, readSmallBody } from './body.js';
import { renderS3Error, s3Error, toAwsError } from './errors.js';
import type { S3Call, S3Deps, S3Handler, S3Result } from './handler-types.js';
import * as acl from './handlers/acl-tagging.js';
import { bucketConfigHandlers, bucketConfigNotes } from './handlers/bucket-config.js';
import * as buckets from './handlers/buckets.js';
import * as listing from './handlers/listing.js';
import * as multipart from './handlers/multipart.js';
import * as objects from './handlers/objects.js';
import { checkExpectedOwners, refuseUnprovidedProtection } from './protection.js';
import { refuseUnhonouredParameters } from './request-parameters.js';
import { matchRoute, s3OperationRows, type S3Level } from './router.js';

/** Hono env of the S3 sub-app: the gateway's per-request variables and raw-path binding. */
export interface S3Env {
  Variables: RequestVariables;
  Bindings: RequestBindings;
}

/** Operation name → handler; anything in the route table but not here answers NotImplemented. */
export const S3_HANDLERS: Readonly<Record<string, S3Handler>> = {
  ListBuckets: buckets.listBuckets,
  CreateBucket: buckets.createBucket,
  HeadBucket: buckets.headBucket,
  DeleteBucket: buckets.deleteBucket,
  GetBucketLocation: buckets.getBucketLocation,
  GetBucketVersioning: buckets.getBucketVersioning,
  PutBucketVersioning: buckets.putBucketVersioning,
  GetBucketTagging: buckets.getBucketTagging,
  PutBucketTagging: buckets.putBucketTagging,
  DeleteBucketTagging: buckets.deleteBucketTagging,
  ListObjects: listing.listObjects,
  ListObjectsV2: listing.listObjectsV2,
  ListObjectVersions: listing.listObjectVersions,
  PutObject: objects.putObject,
  GetObject: objects.getObject,
  HeadObject: objects.headObject,
  DeleteObject: objects.deleteObject,
  DeleteObjects: objects.deleteObjects,
  CopyObject: objects.copyObject,
  GetObjectAttributes: objects.getObjectAttributes,
  CreateMultipartUpload: multipart.createMultipartUpload,
  UploadPart: multipart.uploadPart,
  UploadPartCopy: multipart.uploadPartCopy,
  CompleteMultipartUpload: multipart.completeMultipartUpload,
  AbortMultipartUpload: multipart.abortMultipartUpload,
  ListParts: multipart.listParts,
  ListMultipartUploads: multipart.listMultipartUploads,
  GetBucketAcl: acl.getBucketAcl,
  PutBucketAcl: acl.putBucketAcl,
  GetObjectAcl: acl.getObjectAcl,
  PutObjectAcl: acl.putObjectAcl,
  GetObjectTagging: acl.getObjectTagging,
  PutObjectTagging: acl.putObjectTagging,
  DeleteObjectTagging: acl.deleteObjectTagging,
  ...bucketConfigHandlers,
};

/** The S3 operation table for the compat matrix. */
export const s3Operations = s3OperationRows(new Set(Object.keys(S3_HANDLERS)), bucketConfigNotes);

/** Operations whose body is the object itself (streamed, never buffered). */
const STREAMING = new Set(['PutObject', 'UploadPart']);

const protocol = new RestXml(shapes as unknown as ShapeDocument);

/** Builds the S3 face. Mount it last: it answers every request the OpenStack prefixes did not claim. */
export function createS3App(deps: S3Deps): Hono<S3Env> {
  const app = new Hono<S3Env>();
  const publicHost = new URL(deps.publicUrl).hostname;
  const signingKeys = new SigningKeyCache();
  const regions = signingRegions(deps.region);
  app.all('*', (c) => handle(c, deps, publicHost, signingKeys, regions));
  return app;
}

/**
 * Regions a SigV4 scope may name: the configured one, and `us-east-1`, which boto3, the aws CLI and
 * s3cmd sign with when no region is configured (as an S3-compatible server, we are their default).
 */
export function signingRegions(region: string): readonly string[] {
  return region === 'us-east-1' ? [region] : [region, 'us-east-1'];
}

function level(addr: S3Address): S3Level {
  return addr.bucket === undefined ? 'service' : addr.key === undefined ? 'bucket' : 'object';
}

async function handle(c: Context<S3Env>, deps: S3Deps, publicHost: string, signingKeys: SigningKeyCache, regions: readonly string[]): Promise<Response> {
  const requestId = c.get('requestId') ?? crypto.randomUUID();
  const method = c.req.method.toUpperCase();
  const target = rawTarget(c.env, c.req.url);
  const addr = resolveAddress(target, c.req.header('host'), publicHost);
  const query = new URLSearchParams(addr.rawQuery);
  const headers = c.req.raw.headers;
  const writeContinue = () => c.env?.writeContinue?.();
  const rawBody = () => (c.env?.requestBody ? c.env.requestBody() : c.req.raw.body);

  if (!addr.virtualHosted && addr.bucket === undefined && (method === 'POST' || query.has('Action'))) {
    writeContinue();
    return ec2NotImplemented(requestId, query.get('Action') ?? undefined);
  }
  if (!addr.virtualHosted && addr.bucket !== undefined && RESERVED_BUCKETS.has(addr.bucket)) {
    writeContinue();
    return c.notFound();
  }

  const scope = { bucket: addr.bucket, key: addr.key, uploadId: query.get('uploadId') ?? undefined };
  const fail = (e: unknown): Response => {
    if (isClientAbort(e)) {
      deps.logger.info({ req_id: requestId, reason: e instanceof Error ? e.message : String(e) }, 'client aborted the request');
      return new Response(null, { status: CLIENT_ABORT_STATUS, headers: { connection: 'close' } });
    }
    let err = toAwsError(e, scope);
    if (!err) {
      deps.logger.error({ req_id: requestId, err: e instanceof Error ? { message: e.message, stack: e.stack } : String(e) }, 's3 internal error');
      err = s3Error('InternalError');
    }
    const res = renderS3Error(err, requestId, method, addr.resource);
    // The client may still be waiting to send a body we will never read.
    if (headers.get('expect')?.toLowerCase() === '100-continue') res.headers.set('connection', 'close');
    return res;
  };

  try {
    const wireRoute = matchRoute(method, level(addr), query, headers);
    if (!wireRoute) throw s3Error('MethodNotAllowed');
    const wire = { method, rawPath: addr.rawPath, rawQuery: addr.rawQuery, headers, rawHeaders: c.env?.rawHeaders };
    const principal: AwsPrincipal = await authenticate(wire, deps.authenticateEc2, {
      service: 's3',
      regions,
      now: deps.clock?.now() ?? Date.now(),
      v2Resource: addr.resource,
      signingKeys,
    });
    // From here on, the headers the signature covers (a presigned URL's hoisted x-amz-* included).
    const signedHeaders = principal.headers;
    const route = signedHeaders === headers ? wireRoute : (matchRoute(method, level(addr), query, signedHeaders) ?? wireRoute);
    const handler = S3_HANDLERS[route.operation];
    if (!handler) throw s3Error('NotImplemented', `${route.operation} is not implemented.`);
    if (addr.key !== undefined && Buffer.byteLength(addr.key, 'utf8') > 1024) throw s3Error('KeyTooLongError');

    const ctx: RequestContext = { requestId, auth: principal.auth };
    refuseUnprovidedProtection({ operation: route.operation, headers: signedHeaders, input: {} });
    refuseUnhonouredParameters({ operation: route.operation, headers: signedHeaders, query, anonymous: !principal.auth });
    await checkExpectedOwners(deps, ctx, addr.bucket, route.operation, signedHeaders);
    const streaming = STREAMING.has(route.operation);
    let body: string | undefined;
    if (!streaming && method !== 'GET' && method !== 'HEAD' && method !== 'DELETE') {
      writeContinue();
      body = await readSmallBody(rawBody(), signedHeaders, principal.v4, route.operation === 'CompleteMultipartUpload');
    } else if (!streaming) writeContinue();
    const input = await protocol.parse(route.operation, { headers: signedHeaders, query, uri: { Bucket: addr.bucket, Key: addr.key }, body });
    // Body members (MFADelete) are known only now; nothing has been written yet.
    refuseUnprovidedProtection({ operation: route.operation, headers: signedHeaders, input });
    const call: S3Call = {
      deps,
      ctx,
      input,
      bucket: addr.bucket ?? '',
      key: addr.key ?? '',
      method,
      headers: signedHeaders,
      query,
      v4: principal.v4,
      objectBody: () => objectBody(rawBody(), signedHeaders, principal.v4, writeContinue),
    };
    const result = await handler(call);
    return respond(route.operation, result, requestId, method);
  } catch (e) {
    return fail(e);
  }
}

function respond(operation: string, result: S3Result, requestId: string, method: string): Response {
  const ser = protocol.serialize(operation, result.output ?? {});
  const headers = new Headers(ser.headers);
  for (const [k, v] of Object.entries(result.headers ?? {})) headers.set(k, v);
  headers.set('x-amz-request-id', requestId);
  headers.set('x-amz-id-2', requestId);
  const status = result.status ?? ser.status;
  if (method === 'HEAD' || status === 204 || status === 304) return new Response(null, { status, headers });
  const body = result.body ?? (ser.body as BodyInit | undefined) ?? null;
  if (body === null && !headers.has('content-length')) headers.set('content-length', '0');
  return new Response(body, { status, headers });
}
