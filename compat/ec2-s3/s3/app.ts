// The S3 face: resolves bucket/key from the raw request, routes by the table, authenticates, parses, dispatches, serializes.
import { Hono, type Context } from 'hono';
import type { RequestBindings, RequestContext, RequestVariables } from '../../../core/context.js';
import { rawTarget } from '../../../core/context.js';
import { requestHeaders } from '../../../core/request-headers.js';
import { CLIENT_ABORT_STATUS, isClientAbort } from '../../../core/client-abort.js';
import { isCoreError } from '../../../core/errors.js';
import { authenticate, type AwsPrincipal } from '../common/authenticate.js';
import shapes from '../common/generated/s3-shapes.json' with { type: 'json' };
import { RestXml, type ShapeDocument } from '../common/rest-xml.js';
import { SigningKeyCache, isStrictQuery } from '../common/sigv4.js';
import { ec2NotImplemented } from '../ec2/not-implemented.js';
import { resolveAddress, RESERVED_BUCKETS, type S3Address } from './address.js';
import { objectBody, readSmallBody } from './body.js';
import { renderS3Error, s3Error, toAwsError } from './errors.js';
import type { S3Call, S3Deps, S3Handler, S3Result } from './handler-types.js';
import * as acl from './handlers/acl-tagging.js';
import { postObject } from './handlers/post-object.js';
import { bucketConfigHandlers, bucketConfigNotes } from './handlers/bucket-config.js';
import * as policy from './handlers/bucket-policy.js';
import * as buckets from './handlers/buckets.js';
import * as cors from './handlers/cors.js';
import * as lifecycle from './handlers/lifecycle.js';
import * as pab from './handlers/public-access-block.js';
import * as listing from './handlers/listing.js';
import * as multipart from './handlers/multipart.js';
import * as objects from './handlers/objects.js';
import * as versions from './handlers/versions.js';
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
  GetBucketVersioning: versions.getBucketVersioning,
  PutBucketVersioning: versions.putBucketVersioning,
  GetBucketTagging: buckets.getBucketTagging,
  PutBucketTagging: buckets.putBucketTagging,
  DeleteBucketTagging: buckets.deleteBucketTagging,
  ListObjects: listing.listObjects,
  ListObjectsV2: listing.listObjectsV2,
  ListObjectVersions: versions.listObjectVersions,
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
  PutBucketCors: cors.putBucketCors,
  GetBucketCors: cors.getBucketCors,
  DeleteBucketCors: cors.deleteBucketCors,
  PutBucketPolicy: policy.putBucketPolicy,
  GetBucketPolicy: policy.getBucketPolicy,
  DeleteBucketPolicy: policy.deleteBucketPolicy,
  GetBucketPolicyStatus: policy.getBucketPolicyStatus,
  PutBucketLifecycleConfiguration: lifecycle.putBucketLifecycleConfiguration,
  GetBucketLifecycleConfiguration: lifecycle.getBucketLifecycleConfiguration,
  DeleteBucketLifecycle: lifecycle.deleteBucketLifecycle,
  PutPublicAccessBlock: pab.putPublicAccessBlock,
  GetPublicAccessBlock: pab.getPublicAccessBlock,
  DeletePublicAccessBlock: pab.deletePublicAccessBlock,
};

/**
 * The IAM action a bucket policy sees for operations whose one authorization check in core does not
 * name it by itself (core's defaults: GetObject, PutObject, DeleteObject, ListBucket). Operations with
 * several checks (CopyObject, UploadPartCopy: source read and destination write) are left to core's defaults.
 */
const POLICY_ACTIONS: Readonly<Record<string, string>> = {
  GetObjectAcl: 's3:GetObjectAcl',
  PutObjectAcl: 's3:PutObjectAcl',
  GetObjectTagging: 's3:GetObjectTagging',
  PutObjectTagging: 's3:PutObjectTagging',
  DeleteObjectTagging: 's3:DeleteObjectTagging',
  GetObjectAttributes: 's3:GetObjectAttributes',
  ListParts: 's3:ListMultipartUploadParts',
  ListMultipartUploads: 's3:ListBucketMultipartUploads',
  AbortMultipartUpload: 's3:AbortMultipartUpload',
  ListObjectVersions: 's3:ListBucketVersions',
  GetBucketAcl: 's3:GetBucketAcl',
  PutBucketAcl: 's3:PutBucketAcl',
  GetBucketTagging: 's3:GetBucketTagging',
  PutBucketTagging: 's3:PutBucketTagging',
  DeleteBucketTagging: 's3:PutBucketTagging',
  GetBucketVersioning: 's3:GetBucketVersioning',
  PutBucketVersioning: 's3:PutBucketVersioning',
  GetBucketLocation: 's3:GetBucketLocation',
  DeleteBucket: 's3:DeleteBucket',
};

/** The S3 operation table for the compat matrix. */
export const s3Operations = s3OperationRows(new Set([...Object.keys(S3_HANDLERS), 'PostObject']), {
  ...bucketConfigNotes,
  ...versions.versionNotes,
  ...acl.aclTaggingNotes,
  PostObject:
    'browser form upload (multipart/form-data, e.g. boto3 generate_presigned_post, createPresignedPost, minio presignedPostPolicy): policy signed with AWS4-HMAC-SHA256 (SigV2 → 501), conditions exact / eq / starts-with / content-length-range, every field covered (x-ignore-* excepted), key ${filename}, acl, Content-Type and the other PutObject headers with the same verdicts, x-amz-meta-*, Tagging; success_action_redirect (303), success_action_status 200/201 (PostResponse)/204; no policy: anonymous (bucket ACL); forms up to 100 MiB (buffered)',
});

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
  const headers = requestHeaders(c);
  const addr = resolveAddress(target, headers.get('host') ?? undefined, publicHost);
  const query = new URLSearchParams(addr.rawQuery);
  const writeContinue = () => c.env?.writeContinue?.();
  const rawBody = () => (c.env?.requestBody ? c.env.requestBody() : c.req.raw.body);

  if (!addr.virtualHosted && addr.bucket === undefined && (method === 'POST' || query.has('Action'))) {
    writeContinue();
    // One name for every Action: a label per client-chosen string would let a caller grow the metrics without bound.
    c.set('operation', 'Ec2Query');
    return ec2NotImplemented(requestId, query.get('Action') ?? undefined);
  }
  if (!addr.virtualHosted && addr.bucket !== undefined && RESERVED_BUCKETS.has(addr.bucket)) {
    writeContinue();
    return c.notFound();
  }

  const scope = { method, bucket: addr.bucket, key: addr.key, uploadId: query.get('uploadId') ?? undefined };
  const fail = (e: unknown): Response => {
    if (isClientAbort(e)) {
      deps.logger.info({ req_id: requestId, reason: e instanceof Error ? e.message : String(e) }, 'client aborted the request');
      return new Response(null, { status: CLIENT_ABORT_STATUS, headers: { connection: 'close' } });
    }
    if (isCoreError(e, 'Unavailable')) deps.logger.warn({ req_id: requestId, err: { message: e.message, detail: e.detail } }, 's3: dependency unavailable');
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

  const origin = headers.get('origin');
  const bucket = addr.bucket;
  // The caller once authenticated: its own bucket of that name is the one addressed (Swift names are per project).
  let corsCtx: RequestContext = { requestId };
  /** CORS headers of the bucket's matching rule, added to every answer to a request carrying `Origin`. */
  const withCors = async (res: Response): Promise<Response> => {
    if (!origin || bucket === undefined) return res;
    try {
      for (const [k, v] of Object.entries(await cors.actualRequestHeaders(deps.objects, corsCtx, bucket, method, origin))) res.headers.set(k, v);
    } catch (e) {
      deps.logger.warn({ req_id: requestId, err: e instanceof Error ? e.message : String(e) }, 's3: CORS headers not added');
    }
    return res;
  };

  // Browsers send preflights without credentials: answered from the bucket's CORS rules, never authenticated.
  if (method === 'OPTIONS' && bucket !== undefined) {
    writeContinue();
    try {
      const pre = await cors.preflight(deps.objects, { requestId }, bucket, headers);
      return new Response(null, { status: pre.status, headers: { ...pre.headers, 'x-amz-request-id': requestId, 'x-amz-id-2': requestId, 'content-length': '0' } });
    } catch (e) {
      return fail(e);
    }
  }

  try {
    // Before routing and auth, as S3 does: a name with no exact UTF-8 decoding would alias another key.
    if (addr.invalidUri || !isStrictQuery(addr.rawQuery)) throw s3Error('InvalidURI');
    const wireRoute = matchRoute(method, level(addr), query, headers);
    if (!wireRoute) throw s3Error('MethodNotAllowed');
    c.set('operation', wireRoute.operation);
    // A browser form carries its signature in the form, not the headers: verified by the handler once the form is read.
    if (wireRoute.operation === 'PostObject') {
      writeContinue();
      const facts = { sourceIp: c.env?.remoteAddress, secureTransport: c.req.url.startsWith('https:') };
      return await withCors(await postObject({ deps, requestId, bucket: addr.bucket!, headers, body: rawBody(), regions, now: deps.clock?.now() ?? Date.now(), facts }));
    }
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
    c.set('operation', route.operation);
    const handler = S3_HANDLERS[route.operation];
    if (!handler) throw s3Error('NotImplemented', `${route.operation} is not implemented.`);
    if (addr.key !== undefined && Buffer.byteLength(addr.key, 'utf8') > 1024) throw s3Error('KeyTooLongError');

    const ctx: RequestContext = {
      requestId,
      auth: principal.auth,
      facts: { sourceIp: c.env?.remoteAddress, secureTransport: c.req.url.startsWith('https:'), action: POLICY_ACTIONS[route.operation] },
    };
    corsCtx = ctx;
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
    try {
      return await withCors(respond(route.operation, result, requestId, method));
    } catch (e) {
      // A streamed body holds an open blob: release it, then answer the error.
      if (result.body instanceof ReadableStream) await result.body.cancel().catch(() => undefined);
      throw e;
    }
  } catch (e) {
    return withCors(fail(e));
  }
}

function respond(operation: string, result: S3Result, requestId: string, method: string): Response {
  const ser = protocol.serialize(operation, result.output ?? {});
  // A plain record (names lowercase): the Node adapter writes it as is, where a Headers object is validated
  // again on every set and copied once more; `res.headers` still gives a Headers to whoever asks for one.
  const headers: Record<string, string> = ser.headers;
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k.toLowerCase()] = v;
  headers['x-amz-request-id'] = requestId;
  headers['x-amz-id-2'] = requestId;
  const status = result.status ?? ser.status;
  if (method === 'HEAD' || status === 204 || status === 304) {
    if (result.body instanceof ReadableStream) result.body.cancel().catch(() => undefined);
    return new Response(null, { status, headers });
  }
  // A Uint8Array body is written with the headers in one go (a stream's headers are flushed on their own first).
  const body = (result.body as BodyInit | undefined) ?? (ser.body as BodyInit | undefined) ?? null;
  if (body === null && headers['content-length'] === undefined) headers['content-length'] = '0';
  return new Response(body, { status, headers });
}
