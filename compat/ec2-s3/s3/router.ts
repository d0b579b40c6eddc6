// The S3 routing table: method × (service | bucket | object) × sub-resource query/header → model operation, for every S3 operation.
import type { OperationRow } from '../../../core/operations.js';

/** Which part of the namespace a request addresses. */
export type S3Level = 'service' | 'bucket' | 'object';

/** One row of the table: the first row (in order) whose method, level, query keys and header all match wins. */
export interface S3Route {
  operation: string;
  method: string;
  level: S3Level;
  /** Query parameters that must be present (sub-resources such as `acl`, `uploadId`). */
  query?: string[];
  /** A request header that must be present (`x-amz-copy-source` tells a copy from an upload). */
  header?: string;
  /** Legacy operations whose wire request equals another's never match; listed for completeness. */
  aliasOf?: string;
  /** Not reachable on this endpoint (S3 Express / Object Lambda hosts). */
  unreachable?: string;
  /**
   * Added to S3 after the model our shapes come from (taken from the current `@aws-sdk/client-s3`):
   * routed so that their sub-resource answers NotImplemented instead of falling through to, say,
   * PutObject (a RenameObject must never overwrite the key with an empty body).
   */
  newerThanModel?: true;
  /** An S3 wire operation the SDK model has no shape for (the browser form upload); says why. */
  outsideModel?: string;
}

const r = (method: string, level: S3Level, operation: string, query?: string[], header?: string): S3Route => ({ method, level, operation, query, header });
const newer = (method: string, level: S3Level, operation: string, query: string[]): S3Route => ({ method, level, operation, query, newerThanModel: true });

/**
 * Every operation of `s3-2006-03-01`, most specific rows first (Garage's table, in the model's terms).
 * Unknown query parameters are ignored, as S3 does; known sub-resources never fall through to GetObject.
 */
export const S3_ROUTES: readonly S3Route[] = [
  // service
  r('GET', 'service', 'ListBuckets'),
  { method: 'GET', level: 'service', operation: 'ListDirectoryBuckets', unreachable: 'S3 Express endpoint only' },
  { method: 'POST', level: 'service', operation: 'WriteGetObjectResponse', unreachable: 'S3 Object Lambda endpoint only' },

  // bucket GET
  r('GET', 'bucket', 'GetBucketAcl', ['acl']),
  r('GET', 'bucket', 'GetBucketAccelerateConfiguration', ['accelerate']),
  r('GET', 'bucket', 'GetBucketAnalyticsConfiguration', ['analytics', 'id']),
  r('GET', 'bucket', 'ListBucketAnalyticsConfigurations', ['analytics']),
  r('GET', 'bucket', 'GetBucketCors', ['cors']),
  r('GET', 'bucket', 'GetBucketEncryption', ['encryption']),
  r('GET', 'bucket', 'GetBucketIntelligentTieringConfiguration', ['intelligent-tiering', 'id']),
  r('GET', 'bucket', 'ListBucketIntelligentTieringConfigurations', ['intelligent-tiering']),
  r('GET', 'bucket', 'GetBucketInventoryConfiguration', ['inventory', 'id']),
  r('GET', 'bucket', 'ListBucketInventoryConfigurations', ['inventory']),
  r('GET', 'bucket', 'GetBucketLifecycleConfiguration', ['lifecycle']),
  { method: 'GET', level: 'bucket', operation: 'GetBucketLifecycle', query: ['lifecycle'], aliasOf: 'GetBucketLifecycleConfiguration' },
  r('GET', 'bucket', 'GetBucketLocation', ['location']),
  r('GET', 'bucket', 'GetBucketLogging', ['logging']),
  r('GET', 'bucket', 'GetBucketMetricsConfiguration', ['metrics', 'id']),
  r('GET', 'bucket', 'ListBucketMetricsConfigurations', ['metrics']),
  r('GET', 'bucket', 'GetBucketNotificationConfiguration', ['notification']),
  { method: 'GET', level: 'bucket', operation: 'GetBucketNotification', query: ['notification'], aliasOf: 'GetBucketNotificationConfiguration' },
  r('GET', 'bucket', 'GetBucketOwnershipControls', ['ownershipControls']),
  r('GET', 'bucket', 'GetBucketPolicy', ['policy']),
  r('GET', 'bucket', 'GetBucketPolicyStatus', ['policyStatus']),
  r('GET', 'bucket', 'GetBucketReplication', ['replication']),
  r('GET', 'bucket', 'GetBucketRequestPayment', ['requestPayment']),
  r('GET', 'bucket', 'GetBucketTagging', ['tagging']),
  r('GET', 'bucket', 'GetBucketVersioning', ['versioning']),
  r('GET', 'bucket', 'GetBucketWebsite', ['website']),
  r('GET', 'bucket', 'GetObjectLockConfiguration', ['object-lock']),
  r('GET', 'bucket', 'GetPublicAccessBlock', ['publicAccessBlock']),
  r('GET', 'bucket', 'CreateSession', ['session']),
  r('GET', 'bucket', 'ListMultipartUploads', ['uploads']),
  r('GET', 'bucket', 'ListObjectVersions', ['versions']),
  r('GET', 'bucket', 'ListObjectsV2', ['list-type']),
  newer('GET', 'bucket', 'GetBucketAbac', ['abac']),
  newer('GET', 'bucket', 'GetBucketMetadataConfiguration', ['metadataConfiguration']),
  newer('GET', 'bucket', 'GetBucketMetadataTableConfiguration', ['metadataTable']),
  r('GET', 'bucket', 'ListObjects'),
  r('HEAD', 'bucket', 'HeadBucket'),

  // bucket PUT
  r('PUT', 'bucket', 'PutBucketAcl', ['acl']),
  r('PUT', 'bucket', 'PutBucketAccelerateConfiguration', ['accelerate']),
  r('PUT', 'bucket', 'PutBucketAnalyticsConfiguration', ['analytics']),
  r('PUT', 'bucket', 'PutBucketCors', ['cors']),
  r('PUT', 'bucket', 'PutBucketEncryption', ['encryption']),
  r('PUT', 'bucket', 'PutBucketIntelligentTieringConfiguration', ['intelligent-tiering']),
  r('PUT', 'bucket', 'PutBucketInventoryConfiguration', ['inventory']),
  r('PUT', 'bucket', 'PutBucketLifecycleConfiguration', ['lifecycle']),
  { method: 'PUT', level: 'bucket', operation: 'PutBucketLifecycle', query: ['lifecycle'], aliasOf: 'PutBucketLifecycleConfiguration' },
  r('PUT', 'bucket', 'PutBucketLogging', ['logging']),
  r('PUT', 'bucket', 'PutBucketMetricsConfiguration', ['metrics']),
  r('PUT', 'bucket', 'PutBucketNotificationConfiguration', ['notification']),
  { method: 'PUT', level: 'bucket', operation: 'PutBucketNotification', query: ['notification'], aliasOf: 'PutBucketNotificationConfiguration' },
  r('PUT', 'bucket', 'PutBucketOwnershipControls', ['ownershipControls']),
  r('PUT', 'bucket', 'PutBucketPolicy', ['policy']),
  r('PUT', 'bucket', 'PutBucketReplication', ['replication']),
  r('PUT', 'bucket', 'PutBucketRequestPayment', ['requestPayment']),
  r('PUT', 'bucket', 'PutBucketTagging', ['tagging']),
  r('PUT', 'bucket', 'PutBucketVersioning', ['versioning']),
  r('PUT', 'bucket', 'PutBucketWebsite', ['website']),
  r('PUT', 'bucket', 'PutObjectLockConfiguration', ['object-lock']),
  r('PUT', 'bucket', 'PutPublicAccessBlock', ['publicAccessBlock']),
  newer('PUT', 'bucket', 'PutBucketAbac', ['abac']),
  newer('PUT', 'bucket', 'UpdateBucketMetadataAnnotationTableConfiguration', ['metadataAnnotationTable']),
  newer('PUT', 'bucket', 'UpdateBucketMetadataInventoryTableConfiguration', ['metadataInventoryTable']),
  newer('PUT', 'bucket', 'UpdateBucketMetadataJournalTableConfiguration', ['metadataJournalTable']),
  r('PUT', 'bucket', 'CreateBucket'),

  // bucket DELETE / POST
  r('DELETE', 'bucket', 'DeleteBucketAnalyticsConfiguration', ['analytics']),
  r('DELETE', 'bucket', 'DeleteBucketCors', ['cors']),
  r('DELETE', 'bucket', 'DeleteBucketEncryption', ['encryption']),
  r('DELETE', 'bucket', 'DeleteBucketIntelligentTieringConfiguration', ['intelligent-tiering']),
  r('DELETE', 'bucket', 'DeleteBucketInventoryConfiguration', ['inventory']),
  r('DELETE', 'bucket', 'DeleteBucketLifecycle', ['lifecycle']),
  r('DELETE', 'bucket', 'DeleteBucketMetricsConfiguration', ['metrics']),
  r('DELETE', 'bucket', 'DeleteBucketOwnershipControls', ['ownershipControls']),
  r('DELETE', 'bucket', 'DeleteBucketPolicy', ['policy']),
  r('DELETE', 'bucket', 'DeleteBucketReplication', ['replication']),
  r('DELETE', 'bucket', 'DeleteBucketTagging', ['tagging']),
  r('DELETE', 'bucket', 'DeleteBucketWebsite', ['website']),
  r('DELETE', 'bucket', 'DeletePublicAccessBlock', ['publicAccessBlock']),
  newer('DELETE', 'bucket', 'DeleteBucketMetadataConfiguration', ['metadataConfiguration']),
  newer('DELETE', 'bucket', 'DeleteBucketMetadataTableConfiguration', ['metadataTable']),
  r('DELETE', 'bucket', 'DeleteBucket'),
  newer('POST', 'bucket', 'CreateBucketMetadataConfiguration', ['metadataConfiguration']),
  newer('POST', 'bucket', 'CreateBucketMetadataTableConfiguration', ['metadataTable']),
  r('POST', 'bucket', 'DeleteObjects', ['delete']),
  // The browser form upload (multipart/form-data with a signed policy): not in the SDK model, which has no request shape for it.
  { method: 'POST', level: 'bucket', operation: 'PostObject', outsideModel: 'browser form upload; the SDK model has no request shape for it' },

  // object GET / HEAD
  r('GET', 'object', 'GetObjectAcl', ['acl']),
  r('GET', 'object', 'GetObjectAttributes', ['attributes']),
  r('GET', 'object', 'GetObjectLegalHold', ['legal-hold']),
  r('GET', 'object', 'GetObjectRetention', ['retention']),
  r('GET', 'object', 'GetObjectTagging', ['tagging']),
  r('GET', 'object', 'GetObjectTorrent', ['torrent']),
  r('GET', 'object', 'ListParts', ['uploadId']),
  r('GET', 'object', 'GetObject'),
  r('HEAD', 'object', 'HeadObject'),

  // object PUT
  r('PUT', 'object', 'PutObjectAcl', ['acl']),
  r('PUT', 'object', 'PutObjectLegalHold', ['legal-hold']),
  r('PUT', 'object', 'PutObjectRetention', ['retention']),
  r('PUT', 'object', 'PutObjectTagging', ['tagging']),
  newer('PUT', 'object', 'RenameObject', ['renameObject']),
  newer('PUT', 'object', 'UpdateObjectEncryption', ['encryption']),
  r('PUT', 'object', 'UploadPartCopy', ['partNumber', 'uploadId'], 'x-amz-copy-source'),
  r('PUT', 'object', 'UploadPart', ['partNumber', 'uploadId']),
  r('PUT', 'object', 'CopyObject', undefined, 'x-amz-copy-source'),
  r('PUT', 'object', 'PutObject'),

  // object DELETE / POST
  r('DELETE', 'object', 'DeleteObjectTagging', ['tagging']),
  r('DELETE', 'object', 'AbortMultipartUpload', ['uploadId']),
  r('DELETE', 'object', 'DeleteObject'),
  r('POST', 'object', 'CreateMultipartUpload', ['uploads']),
  r('POST', 'object', 'CompleteMultipartUpload', ['uploadId']),
  r('POST', 'object', 'RestoreObject', ['restore']),
  r('POST', 'object', 'SelectObjectContent', ['select']),
];

/** The operation for a request, or undefined when no S3 operation has that shape (→ MethodNotAllowed / NotImplemented). */
export function matchRoute(method: string, level: S3Level, query: URLSearchParams, headers: Headers): S3Route | undefined {
  for (const row of S3_ROUTES) {
    if (row.aliasOf || row.unreachable) continue;
    if (row.method !== method || row.level !== level) continue;
    if (row.query && !row.query.every((q) => query.has(q))) continue;
    if (row.header && !headers.has(row.header)) continue;
    return row;
  }
  return undefined;
}

/** Rows for the generated compat matrix; `implemented` is the set of operations with a handler, `notes` what to say about some. */
export function s3OperationRows(implemented: ReadonlySet<string>, notes: Readonly<Record<string, string>> = {}): OperationRow[] {
  return S3_ROUTES.map((row) => ({
    service: 's3',
    operation: row.operation,
    method: row.method,
    path:
      (row.level === 'service' ? '/' : row.level === 'bucket' ? '/{Bucket}' : '/{Bucket}/{Key+}') +
      (row.query?.length ? `?${row.query.join('&')}` : '') +
      (row.header ? ` (${row.header})` : ''),
    implemented: implemented.has(row.operation) && !row.aliasOf && !row.unreachable,
    note: row.aliasOf ? `legacy alias of ${row.aliasOf}` : (row.unreachable ?? notes[row.operation] ?? (row.newerThanModel ? 'newer than the published model skybridge is built from' : undefined)),
  }));
}
