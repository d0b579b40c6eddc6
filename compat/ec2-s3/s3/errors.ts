// Maps core errors to S3 error codes and renders S3's <Error> document (RequestId equal to x-amz-request-id).
import { isCoreError, type CoreError } from '../../../core/errors.js';
import { AwsError } from '../common/aws-error.js';
import { ProtocolError, buildXml } from '../common/rest-xml.js';

/** Code → (status, default message) for every code this face emits. */
export const S3_ERROR_STATUS: Record<string, [number, string]> = {
  AccessDenied: [403, 'Access Denied'],
  BadDigest: [400, 'The Content-MD5 you specified did not match what we received.'],
  BucketAlreadyExists: [409, 'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.'],
  BucketAlreadyOwnedByYou: [409, 'Your previous request to create the named bucket succeeded and you already own it.'],
  BucketNotEmpty: [409, 'The bucket you tried to delete is not empty'],
  EntityTooLarge: [400, 'Your proposed upload exceeds the maximum allowed size'],
  EntityTooSmall: [400, 'Your proposed upload is smaller than the minimum allowed object size.'],
  ConditionalRequestConflict: [409, 'The conditional request cannot succeed due to a conflicting operation against this resource.'],
  IncompleteBody: [400, 'You did not provide the number of bytes specified by the Content-Length HTTP header.'],
  InternalError: [500, 'We encountered an internal error. Please try again.'],
  InvalidAccessKeyId: [403, 'The AWS Access Key Id you provided does not exist in our records.'],
  InvalidArgument: [400, 'Invalid Argument'],
  InvalidBucketName: [400, 'The specified bucket is not valid.'],
  InvalidDigest: [400, 'The Content-MD5 you specified is not valid.'],
  InvalidPart: [400, 'One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part\'s entity tag.'],
  InvalidPartOrder: [400, 'The list of parts was not in ascending order. Parts must be ordered by part number.'],
  InvalidRange: [416, 'The requested range is not satisfiable'],
  InvalidRequest: [400, 'Invalid Request'],
  InvalidStorageClass: [400, 'The storage class you specified is not valid'],
  InvalidTag: [400, 'The tag provided was not a valid tag.'],
  InvalidURI: [400, "Couldn't parse the specified URI."],
  KeyTooLongError: [400, 'Your key is too long'],
  MalformedPolicy: [400, 'Policies must be valid JSON and the first byte must be \'{\''],
  CORSResponse: [403, 'This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource\'s CORS spec.'],
  BadRequest: [400, 'Bad Request'],
  MalformedPOSTRequest: [400, 'The body of your POST request is not well-formed multipart/form-data.'],
  InvalidPolicyDocument: [400, 'The content of the form does not meet the conditions specified in the policy document.'],
  MalformedXML: [400, 'The XML you provided was not well-formed or did not validate against our published schema.'],
  MethodNotAllowed: [405, 'The specified method is not allowed against this resource.'],
  MissingContentLength: [411, 'You must provide the Content-Length HTTP header.'],
  NoSuchBucket: [404, 'The specified bucket does not exist'],
  NoSuchBucketPolicy: [404, 'The bucket policy does not exist'],
  NoSuchCORSConfiguration: [404, 'The CORS configuration does not exist'],
  NoSuchLifecycleConfiguration: [404, 'The lifecycle configuration does not exist'],
  NoSuchPublicAccessBlockConfiguration: [404, 'The public access block configuration was not found'],
  NoSuchWebsiteConfiguration: [404, 'The specified bucket does not have a website configuration'],
  ObjectLockConfigurationNotFoundError: [404, 'Object Lock configuration does not exist for this bucket'],
  OwnershipControlsNotFoundError: [404, 'The bucket ownership controls were not found'],
  ReplicationConfigurationNotFoundError: [404, 'The replication configuration was not found'],
  ServerSideEncryptionConfigurationNotFoundError: [404, 'The server side encryption configuration was not found'],
  NoSuchKey: [404, 'The specified key does not exist.'],
  NoSuchTagSet: [404, 'The TagSet does not exist'],
  NoSuchVersion: [404, 'The specified version does not exist.'],
  NoSuchUpload: [404, 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.'],
  NotImplemented: [501, 'A header you provided implies functionality that is not implemented.'],
  NotModified: [304, 'Not Modified'],
  PreconditionFailed: [412, 'At least one of the pre-conditions you specified did not hold'],
  QuotaExceeded: [403, 'Quota exceeded'],
  ServiceUnavailable: [503, 'Please reduce your request rate.'],
  UnresolvableGrantByEmailAddress: [400, 'The e-mail address you provided does not match any account on record.'],
  IllegalLocationConstraintException: [400, 'The location constraint is incompatible for the region specific endpoint this request was sent to.'],
};

/** The not-configured error of each bucket configuration kind core reports missing. */
const NO_SUCH_CONFIG: Record<string, string> = {
  cors: 'NoSuchCORSConfiguration',
  policy: 'NoSuchBucketPolicy',
  lifecycle: 'NoSuchLifecycleConfiguration',
  'public-access-block': 'NoSuchPublicAccessBlockConfiguration',
};

/** Builds an AwsError for `code` with S3's status and standard message. */
export function s3Error(code: string, message?: string, fields: Record<string, string | number | undefined> = {}): AwsError {
  const [status, msg] = S3_ERROR_STATUS[code] ?? [400, code];
  return new AwsError(code, message ?? msg, status, fields);
}

/** Which bucket/key a failing request addressed, for the extra elements S3 adds. */
export interface ErrorScope {
  method?: string;
  bucket?: string;
  key?: string;
  uploadId?: string;
}

/** Translates a CoreError by reason first, then kind, to the S3 code, with the extra fields S3 sends. */
export function fromCoreError(e: CoreError, scope: ErrorScope): AwsError {
  const d = e.detail;
  const reason = typeof d.reason === 'string' ? d.reason : undefined;
  switch (e.kind) {
    case 'NotFound': {
      // Core names what was missing: for a copy that is the source, not the addressed bucket/key.
      const id = typeof d.id === 'string' ? d.id : undefined;
      if (d.resource === 'container') return s3Error('NoSuchBucket', undefined, { BucketName: id ?? scope.bucket });
      if (d.resource === 'upload') return s3Error('NoSuchUpload', undefined, { UploadId: scope.uploadId });
      if (d.resource === 'tagset') return s3Error('NoSuchTagSet');
      if (d.resource === 'bucket-config') return s3Error(NO_SUCH_CONFIG[String(d.id)] ?? 'NoSuchKey', undefined, { BucketName: scope.bucket });
      if (d.resource === 'version') return s3Error('NoSuchVersion', undefined, { Key: scope.key, VersionId: d.versionId as string | undefined });
      if (d.deleteMarker) {
        // The latest version is a delete marker: S3 says so in headers (HEAD has no body to carry it).
        const err = s3Error('NoSuchKey', undefined, { Key: id ?? scope.key });
        return new AwsError(err.code, err.message, err.status, err.fields, { 'x-amz-delete-marker': 'true', 'x-amz-version-id': String(d.versionId) });
      }
      return s3Error('NoSuchKey', undefined, { Key: id ?? scope.key });
    }
    case 'Conflict':
      if (reason === 'BucketNotEmpty') return s3Error('BucketNotEmpty', undefined, { BucketName: scope.bucket });
      if (reason === 'BucketAlreadyExists') return s3Error('BucketAlreadyExists', undefined, { BucketName: scope.bucket });
      if (reason === 'BucketAlreadyOwnedByYou') return s3Error('BucketAlreadyOwnedByYou', undefined, { BucketName: scope.bucket });
      if (reason === 'ConditionalRequestConflict') return s3Error('ConditionalRequestConflict');
      if (reason === 'VersioningConflict') return new AwsError('InvalidBucketState', e.message, 409);
      if (reason === 'PreconditionFailed') return s3Error('PreconditionFailed', undefined, { Condition: d.condition as string | undefined });
      return new AwsError('OperationAborted', e.message, 409);
    case 'InvalidState':
      if (reason === 'NotModified') {
        const headers: Record<string, string> = {};
        if (typeof d.etag === 'string') headers.etag = `"${d.etag}"`;
        if (typeof d.lastModified === 'number') headers['last-modified'] = new Date(d.lastModified).toUTCString();
        return new AwsError('NotModified', 'Not Modified', 304, {}, headers);
      }
      if (reason === 'DeleteMarker') {
        const headers: Record<string, string> = { 'x-amz-delete-marker': 'true', allow: 'DELETE' };
        if (typeof d.versionId === 'string') headers['x-amz-version-id'] = d.versionId;
        if (typeof d.lastModified === 'number') headers['last-modified'] = new Date(d.lastModified).toUTCString();
        const err = s3Error('MethodNotAllowed', undefined, { Method: scope.method, ResourceType: 'DeleteMarker' });
        return new AwsError(err.code, err.message, err.status, err.fields, headers);
      }
      return s3Error('InvalidRequest', e.message);
    case 'Invalid':
      switch (reason) {
        case 'InvalidRange':
          return s3Error('InvalidRange', undefined, { ActualObjectSize: d.size as number | undefined });
        case 'BadDigest':
          return s3Error('BadDigest');
        case 'BadChecksum':
          return s3Error('BadDigest', `The ${String(d.algorithm ?? 'checksum').toUpperCase()} you specified did not match the calculated checksum.`);
        case 'IncompleteBody':
        case 'EntityTooLarge':
        case 'InvalidPart':
        case 'InvalidPartOrder':
        case 'InvalidTag':
        case 'InvalidBucketName':
        case 'InvalidRequest':
        case 'InvalidArgument':
          return s3Error(reason, reason === 'InvalidArgument' || reason === 'InvalidRequest' || reason === 'InvalidTag' ? e.message : undefined, {
            UploadId: reason === 'InvalidPart' ? scope.uploadId : undefined,
            PartNumber: d.partNumber as number | undefined,
            ETag: d.etag as string | undefined,
            BucketName: reason === 'InvalidBucketName' ? scope.bucket : undefined,
            ArgumentName: typeof d.argumentName === 'string' ? d.argumentName : undefined,
            ArgumentValue: typeof d.argumentValue === 'string' ? d.argumentValue : undefined,
          });
        case 'EntityTooSmall':
          return s3Error('EntityTooSmall', undefined, {
            ProposedSize: d.size as number | undefined,
            MinSizeAllowed: 5242880,
            PartNumber: d.partNumber as number | undefined,
            ETag: d.etag as string | undefined,
          });
        case 'MalformedManifest':
          return s3Error('MalformedXML');
        case 'SseCustomerKeyRequired':
        case 'SseNotApplicable':
          return s3Error('InvalidRequest', e.message);
        case 'MalformedXML':
          return s3Error('MalformedXML');
        case 'MalformedPolicy':
          return s3Error('MalformedPolicy', e.message);
        case 'KeyTooLong':
          return s3Error('KeyTooLongError');
        case 'InvalidName':
          return scope.key === undefined ? s3Error('InvalidBucketName', undefined, { BucketName: scope.bucket }) : s3Error('InvalidArgument', e.message);
        default:
          return s3Error('InvalidArgument', e.message);
      }
    case 'Forbidden':
      return reason === 'MethodNotAllowed' ? s3Error('MethodNotAllowed') : s3Error('AccessDenied');
    case 'Unauthenticated':
      return s3Error('AccessDenied');
    case 'QuotaExceeded':
      return s3Error('QuotaExceeded', e.message);
    case 'NotImplemented':
      return s3Error('NotImplemented', e.message);
    case 'Unavailable':
      return s3Error('ServiceUnavailable', 'Service is unable to handle request.');
    default:
      return s3Error('InternalError');
  }
}

/** Any thrown value → AwsError (unknown errors become a generic InternalError; the caller logs them). */
export function toAwsError(e: unknown, scope: ErrorScope): AwsError | undefined {
  if (e instanceof AwsError) return e;
  if (e instanceof ProtocolError) return s3Error(e.code, e.message);
  if (isCoreError(e)) return fromCoreError(e, scope);
  return undefined;
}

/** The wire response for an S3 error: `<Error>` XML (no namespace), none for HEAD and 304. */
export function renderS3Error(err: AwsError, requestId: string, method: string, resource: string): Response {
  const headers = new Headers({ 'x-amz-request-id': requestId, 'x-amz-id-2': requestId, ...err.headers });
  if (err.status === 304 || method === 'HEAD') {
    return new Response(null, { status: err.status, headers });
  }
  headers.set('content-type', 'application/xml');
  const extra: Record<string, string> = {};
  for (const [k, v] of Object.entries(err.fields)) if (v !== undefined && v !== '') extra[k] = String(v);
  let body: string;
  try {
    body = buildXml('Error', { Code: err.code, Message: err.message, Resource: resource, ...extra, RequestId: requestId, HostId: requestId });
  } catch {
    // Last resort: whatever the echoed fields held, the client still gets an S3 <Error>, never the gateway's JSON 500.
    const [status, message] = S3_ERROR_STATUS.InternalError!;
    headers.delete('content-length');
    body = buildXml('Error', { Code: 'InternalError', Message: message, RequestId: requestId.replace(/[^\x20-\x7e]/g, ''), HostId: requestId.replace(/[^\x20-\x7e]/g, '') });
    return new Response(body, { status, headers });
  }
  return new Response(body, { status: err.status, headers });
}
