// Input and output types of the object store both faces (Swift and S3) call, and the error reasons it raises.
//
// Error contract (faces map these; match on `detail.reason` first, then on the kind):
//
// | kind         | detail.resource / detail.reason | meaning (S3 code / Swift status)                                       |
// | ------------ | ------------------------------- | ---------------------------------------------------------------------- |
// | NotFound     | resource 'container'            | NoSuchBucket / 404                                                     |
// | NotFound     | resource 'object'               | NoSuchKey (HEAD: bare 404) / 404; also expired objects                 |
// | NotFound     | resource 'upload'               | NoSuchUpload / 404                                                     |
// | NotFound     | resource 'tagset'               | NoSuchTagSet (object or container has no tags)                         |
// | NotFound     | resource 'version'              | NoSuchVersion (detail.versionId)                                       |
// | NotFound     | resource 'object', detail.deleteMarker | NoSuchKey with the latest version a delete marker (detail.versionId) |
// | InvalidState | reason 'DeleteMarker'           | MethodNotAllowed / 405: GET/HEAD of a delete marker by version id (detail.versionId, lastModified) |
// | Conflict     | reason 'VersionsContainerMissing' | Swift versioned writes whose archive container does not exist / 412 |
// | Conflict     | reason 'VersioningConflict'     | S3 versioning and Swift versioned writes on one container / 400      |
// | Forbidden    | —                               | AccessDenied / 403 (role, ACL or project mismatch; anonymous refusals) |
// | Unauthenticated | —                            | anonymous caller where only authentication could help (Swift 401)      |
// | Conflict     | reason 'BucketNotEmpty'         | BucketNotEmpty / 409                                                   |
// | Conflict     | reason 'BucketAlreadyExists'    | name taken by another project / 409                                    |
// | Conflict     | reason 'BucketAlreadyOwnedByYou'| S3 create of an own bucket when the face asked for strictness / 409    |
// | Conflict     | reason 'PreconditionFailed'     | PreconditionFailed / 412 (If-Match, If-Unmodified-Since, If-None-Match:* on write, copy-source conditions) |
// | Conflict     | reason 'ConditionalRequestConflict' | S3 409 / Swift 412: a conditional write whose condition another write broke while its body streamed |
// | InvalidState | reason 'NotModified'            | 304 (detail.etag, detail.swiftEtag, detail.lastModified for the headers) |
// | Invalid      | reason 'InvalidRange'           | InvalidRange / 416 (detail.size = object size)                         |
// | Invalid      | reason 'BadDigest'              | BadDigest / Swift 422 (Content-MD5 or Etag header mismatch; nothing stored) |
// | Invalid      | reason 'BadChecksum'            | BadDigest (x-amz-checksum-* mismatch; detail.algorithm; nothing stored) |
// | Invalid      | reason 'IncompleteBody'         | IncompleteBody / Swift 499-ish 400 (fewer/more bytes than expectedSize) |
// | Invalid      | reason 'EntityTooLarge'         | EntityTooLarge / Swift 413                                              |
// | Invalid      | reason 'EntityTooSmall'         | EntityTooSmall (detail.partNumber, detail.size, detail.etag)           |
// | Invalid      | reason 'InvalidPart'            | InvalidPart (detail.partNumber, detail.etag); also GET partNumber beyond the count |
// | Invalid      | reason 'InvalidPartOrder'       | InvalidPartOrder                                                       |
// | Invalid      | reason 'MalformedManifest'      | Complete with no parts / bad SLO manifest JSON (MalformedXML / 400)     |
// | Invalid      | reason 'ManifestSegmentErrors'  | SLO segment validation failed; detail.errors = [[path, "404 Not Found" | "Etag Mismatch" | "Size Mismatch" | …]] |
// | Invalid      | reason 'KeyTooLong'             | KeyTooLongError / Swift 400 (name > 1024 bytes)                        |
// | Invalid      | reason 'InvalidName'            | empty / malformed object or container name (Swift 400 / S3 InvalidBucketName) |
// | Invalid      | reason 'InvalidBucketName'      | S3 bucket naming rules (createContainer with s3Naming)                 |
// | Invalid      | reason 'InvalidArgument'        | bad parameter value (part number out of 1..10000, grant to an unknown canonical id, bad delete-at, copy onto itself without changes → reason 'InvalidRequest') |
// | Invalid      | reason 'InvalidRequest'         | InvalidRequest (copy onto itself without changing anything)            |
// | Invalid      | reason 'InvalidTag'             | InvalidTag (too many tags, key/value too long, duplicate key)          |
// | Invalid      | reason 'TempUrlInvalid'         | Swift 401 `Temp URL invalid`                                           |
// | Invalid      | reason 'SseCustomerKeyRequired' | SSE-C object (or upload) read/written without its customer key: InvalidRequest / Swift 400 |
// | Invalid      | reason 'SseNotApplicable'       | a customer key for an object (or upload) that is not SSE-C: InvalidRequest |
// | Forbidden    | reason 'SseCustomerKeyMismatch' | SSE-C object (or upload) with another customer key: AccessDenied / 403 |
// | NotImplemented | reason <what>                 | NotImplemented / 501                                                   |

/** A user-metadata map: lower-cased keys without any wire prefix (`x-amz-meta-`, `X-Object-Meta-`), raw values. */
export type UserMetadata = Record<string, string>;

/** Standard HTTP representation metadata stored with an object (not user metadata). */
export interface SystemMetadata {
  contentEncoding?: string;
  contentDisposition?: string;
  cacheControl?: string;
  /** The `Expires` header value, stored verbatim. */
  expires?: string;
  contentLanguage?: string;
}

/** Flexible checksum algorithms (S3). */
export type ChecksumAlgorithm = 'crc32' | 'crc32c' | 'crc64nvme' | 'sha1' | 'sha256';

/** How a multipart object's checksum derives from its parts: a checksum of the part checksums, or of the whole object. */
export type ChecksumType = 'FULL_OBJECT' | 'COMPOSITE';

/** A checksum as S3 reports it: base64 of the digest; multipart composites end with `-N`. */
export interface Checksum {
  algorithm: ChecksumAlgorithm;
  /** Base64 value (composite values carry the `-N` suffix). */
  value: string;
  type: ChecksumType;
}

/** A checksum the client asked for, optionally with the value to verify. */
export interface ChecksumRequest {
  algorithm: ChecksumAlgorithm;
  /**
   * Expected base64 value. A function is called after the body has been fully read (aws-chunked
   * trailers arrive after the data); undefined means compute and return only.
   */
  expected?: string | (() => string | undefined);
}

/** How an object is encrypted at rest (absent: in clear). */
export type EncryptionMode = 'SSE-S3' | 'SSE-C';

/**
 * Encryption a write asks for: SSE-S3 (per-blob data keys wrapped by the server's key ring) or SSE-C
 * (AES-256 with the customer's 32-byte key, which is never stored; only a salted HMAC to check it).
 */
export type EncryptionRequest = { mode: 'SSE-S3' } | { mode: 'SSE-C'; customerKey: Uint8Array };

/** A bucket's default encryption, applied to writes that ask for none (S3 PutBucketEncryption; AES256 only). */
export interface DefaultEncryption {
  algorithm: 'AES256';
  bucketKeyEnabled?: boolean;
}

/** Who a grant is for. A canonical user id is a project id. */
export type AclGrantee =
  | { type: 'project'; projectId: string }
  | { type: 'group'; group: 'AllUsers' | 'AuthenticatedUsers' };

export type AclPermission = 'FULL_CONTROL' | 'READ' | 'WRITE' | 'READ_ACP' | 'WRITE_ACP';

/** One S3-style grant. The owner (the container's project) always has FULL_CONTROL implicitly. */
export interface AclGrant {
  grantee: AclGrantee;
  permission: AclPermission;
}

/** S3 canned ACL names core understands. */
export type CannedAcl =
  | 'private'
  | 'public-read'
  | 'public-read-write'
  | 'authenticated-read'
  | 'bucket-owner-read'
  | 'bucket-owner-full-control';

/** An S3 ACL: either canned or explicit grants (core expands canned into grants and remembers the name). */
export interface S3Acl {
  canned?: CannedAcl;
  grants?: AclGrant[];
}

/** S3 ACL as stored and returned: grants always expanded. */
export interface StoredAcl {
  canned?: CannedAcl;
  grants: AclGrant[];
  /**
   * Objects only: the project that wrote the object when it is not the container's (S3: the writer
   * owns what it writes into another project's bucket, and keeps full control of it).
   */
  owner?: string;
}

/** An ACL as S3 shows it: whose it is, the bucket's owner (for `bucket-owner-*` canned ACLs) and the display names of every project named. */
export interface AclView {
  /** The owning project (the object's writer, or the container's project). */
  owner: string;
  /** The container's project. */
  bucketOwner: string;
  acl: StoredAcl;
  /** Project id → project name, for the owner, the bucket owner and every project grantee that still exists. */
  displayNames: Record<string, string>;
}

/** Swift container ACL strings, stored verbatim (`X-Container-Read` / `X-Container-Write` grammar). */
export interface SwiftAcl {
  read?: string | null;
  write?: string | null;
}

/**
 * Names a container. Swift always passes `projectId` (the account). S3 passes only `container`:
 * core resolves the bucket name to the caller's own container of that name, else the one container
 * of that name in any project (S3 names are global; Swift may have duplicates, the oldest wins).
 */
export interface ContainerRef {
  projectId?: string;
  container: string;
}

/** Names an object; `name` is stored verbatim (UTF-8, up to 1024 bytes, `..`, `//`, leading `/` legal). */
export interface ObjectRef extends ContainerRef {
  name: string;
}

/** Proof that a Swift TempURL was verified by core; only `verifyTempUrl` makes these. */
export interface TempUrlGrant {
  readonly projectId: string;
  readonly container: string;
  /** Exact object name, or a prefix when `isPrefix`. */
  readonly name: string;
  readonly isPrefix: boolean;
  /** Upper-case HTTP method the signature allows (HEAD is allowed with GET or PUT). */
  readonly method: string;
}

/** Options every call may carry besides the request context. */
export interface AccessOptions {
  /** A verified TempURL grant (Swift); lets an anonymous context act on exactly what it covers. */
  grant?: TempUrlGrant;
}

/** AccessOptions of a call that may address one version (S3 `versionId`; `null` names the null version). */
export interface VersionedAccessOptions extends AccessOptions {
  versionId?: string;
}

// ---------------------------------------------------------------- accounts

/** An account is a project's view in the object store (Swift `AUTH_<project_id>`, S3 owner). */
export interface AccountInfo {
  projectId: string;
  containerCount: number;
  objectCount: number;
  bytesUsed: number;
  /** Account metadata, lower-cased keys without prefix (includes `temp-url-key`, `temp-url-key-2`). */
  metadata: UserMetadata;
  createdAt: number;
}

/** Replace or remove account metadata: `set` adds/overwrites keys, `remove` deletes keys (Swift POST semantics). */
export interface MetadataUpdate {
  set?: UserMetadata;
  remove?: string[];
}

/** Paging through a name-ordered list (UTF-8 byte order). */
export interface ListOptions {
  prefix?: string;
  /** Any non-empty string (Swift: one character; S3: any). Names with it after the prefix roll up. */
  delimiter?: string;
  /** Exclusive start (forward) or exclusive upper bound (reverse). */
  marker?: string;
  /** Exclusive end (forward) or exclusive lower bound (reverse). */
  endMarker?: string;
  /** Max entries (objects + rolled-up prefixes); default 1000, capped at 10000. */
  limit?: number;
  reverse?: boolean;
  /**
   * Report each DLO (`X-Object-Manifest`) with the size and ETag of its current content, as a HEAD
   * does, instead of Swift's listing figures (0 bytes, the manifest's own ETag). The S3 face asks
   * for this: S3 has no manifests, and sync tools compare listed sizes with local files.
   */
  resolveDynamicManifests?: boolean;
  /** Also look up the display names (project names) of the listed objects' owners (S3 Owner elements). */
  withOwnerNames?: boolean;
}

/** One container as listed. */
export interface ContainerSummary {
  name: string;
  projectId: string;
  objectCount: number;
  bytesUsed: number;
  createdAt: number;
  lastModified: number;
  region: string;
}

export interface ContainerListing {
  containers: ContainerSummary[];
  isTruncated: boolean;
  /** Name of the last container returned (the next marker) when truncated. */
  nextMarker?: string;
}

// ---------------------------------------------------------------- containers

export type VersioningStatus = 'Enabled' | 'Suspended';

/** Swift versioned writes: overwritten (and, in history mode, deleted) objects are kept in `location`, a container of the same account. */
export interface SwiftVersions {
  location: string;
  mode: 'stack' | 'history';
}

export interface CreateContainerOptions {
  metadata?: UserMetadata;
  swiftAcl?: SwiftAcl;
  s3Acl?: S3Acl;
  region?: string;
  /** Tags of the new container (S3 CreateBucket `Tags`); like an ACL, re-creating one's bucket with other tags is refused. */
  tags?: Record<string, string>;
  /**
   * S3 semantics: the name must not exist in ANY project (BucketAlreadyExists); an existing own
   * container answers `created: false`, or Conflict 'BucketAlreadyOwnedByYou' when
   * `failIfOwned` is set, and Conflict 'BucketAlreadyExists' when either request carries an ACL.
   * Also applies S3 naming rules (reason 'InvalidBucketName').
   */
  s3?: { failIfOwned?: boolean };
}

export interface ContainerInfo {
  projectId: string;
  name: string;
  objectCount: number;
  bytesUsed: number;
  metadata: UserMetadata;
  swiftAcl: SwiftAcl;
  s3Acl: StoredAcl;
  tags?: Record<string, string>;
  region: string;
  versioning?: VersioningStatus;
  /** Swift versioned writes (`X-Versions-Location` = stack, `X-History-Location` = history). */
  swiftVersions?: SwiftVersions;
  createdAt: number;
  lastModified: number;
  /** True when the caller is a member of the owning project (Swift shows ACLs only to owners). */
  callerIsOwner: boolean;
}

export interface UpdateContainerOptions {
  metadata?: MetadataUpdate;
  /** Fields present replace the stored value; `null` clears it. */
  swiftAcl?: SwiftAcl;
  s3Acl?: S3Acl;
  /** Replace the tag set; `null` removes it. */
  tags?: Record<string, string> | null;
  versioning?: VersioningStatus;
  /** Set (or with `null` remove) Swift versioned writes; Conflict 'VersioningConflict' while S3 versioning is set, and the reverse. */
  swiftVersions?: SwiftVersions | null;
}

// ---------------------------------------------------------------- objects

/** How an object's bytes are stored. */
export type ObjectKind = 'simple' | 'multipart' | 'slo' | 'dlo';

/** An object's current version as both faces see it. */
export interface ObjectInfo {
  projectId: string;
  container: string;
  name: string;
  /** Internal id of this version (changes on every write). */
  versionId: string;
  /** The S3 version id (`null` for the null version) when the bucket's versioning was ever set; else absent. */
  s3VersionId?: string;
  size: number;
  /**
   * S3 view of the ETag, unquoted: hex MD5 for simple objects; `md5(concat(binary part md5s))-N`
   * for multipart and SLO objects; for DLO the same over its current segments. SSE-C objects (as in
   * AWS) do not expose the plaintext MD5: their part/object ETag is an HMAC of it under the blob key.
   */
  etag: string;
  /**
   * Swift view of the ETag, unquoted: hex MD5 for simple objects; md5 of the concatenated
   * segment/part etag strings for multipart, SLO and DLO objects (Swift quotes it then).
   */
  swiftEtag: string;
  contentType: string;
  userMetadata: UserMetadata;
  systemMetadata: SystemMetadata;
  /** Commit time of this version, ms. */
  lastModified: number;
  /** Expiry time, ms (Swift X-Delete-At × 1000). */
  deleteAt?: number;
  kind: ObjectKind;
  /** Number of parts (multipart: parts; SLO: segments); absent for simple and DLO. */
  partsCount?: number;
  /** DLO only: `container/prefix` as given in X-Object-Manifest. */
  dloManifest?: string;
  checksum?: Checksum;
  tagCount: number;
  acl: StoredAcl;
  encryption?: EncryptionMode;
}

/** One object row as listed (cheap fields only). */
export interface ObjectSummary {
  name: string;
  size: number;
  etag: string;
  swiftEtag: string;
  contentType: string;
  lastModified: number;
  kind: ObjectKind;
  /** The owning project: the writer when it was not the container's project, else the container's. */
  ownerProjectId: string;
}

/** A listing entry in order: an object, or a prefix rolled up at the delimiter. */
export type ListingEntry = ({ type: 'object' } & ObjectSummary) | { type: 'prefix'; prefix: string };

export interface ObjectListing {
  /** Objects and rolled-up prefixes interleaved in listing order (Swift needs them merged; S3 splits them). */
  entries: ListingEntry[];
  isTruncated: boolean;
  /** The last entry's name or prefix when truncated: pass as `marker` for the next page. */
  nextMarker?: string;
  /** With `withOwnerNames`: project id → name of the owners of the listed objects (and the container's project). */
  ownerNames?: Record<string, string>;
}

/** ETag preconditions; values unquoted or quoted, `*` allowed; timestamps in ms (compared at 1 s granularity). */
export interface Conditions {
  ifMatch?: string[];
  ifNoneMatch?: string[];
  ifModifiedSince?: number;
  ifUnmodifiedSince?: number;
}

/** A byte range as the face parsed it: `a-b`, `a-` (end omitted) or suffix `-n`. */
export type ByteRange = { start: number; end?: number } | { suffix: number };

export interface PutObjectOptions extends AccessOptions {
  contentType?: string;
  userMetadata?: UserMetadata;
  systemMetadata?: SystemMetadata;
  /** From Content-Length (or the decoded length): a shorter or longer body stores nothing (reason 'IncompleteBody'). */
  expectedSize?: number;
  /** Hex MD5 the body must have (S3 Content-MD5 decoded, Swift `Etag`); mismatch → 'BadDigest'. */
  expectedMd5?: string;
  checksum?: ChecksumRequest;
  /** Conditional write: `'*'` → fail if the object exists. */
  ifNoneMatch?: '*';
  /** Conditional write: the current ETag must match (object missing → NotFound). */
  ifMatch?: string;
  /** Expiry, ms since epoch; must be in the future (reason 'InvalidArgument'). */
  deleteAt?: number;
  tags?: Record<string, string>;
  acl?: S3Acl;
  /** Store as a DLO manifest (`container/prefix`); the body should be empty. */
  dloManifest?: string;
  /** Encryption at rest; when absent the bucket's default encryption applies. */
  encryption?: EncryptionRequest;
}

export interface PutObjectResult {
  etag: string;
  swiftEtag: string;
  size: number;
  lastModified: number;
  versionId: string;
  /** The new version's S3 version id when the bucket's versioning was ever set. */
  s3VersionId?: string;
  checksum?: Checksum;
  encryption?: EncryptionMode;
}

export interface GetObjectOptions extends AccessOptions {
  /** S3 `versionId`: that version (`null` names the null version) instead of the current one. */
  versionId?: string;
  conditions?: Conditions;
  range?: ByteRange;
  /** S3 `partNumber`: return that part (multipart: the part; SLO: the segment; simple: only 1). */
  partNumber?: number;
  /** Swift `multipart-manifest=get` on a DLO: the manifest object's own bytes and etag instead of its segments. */
  dloManifestItself?: boolean;
  /** SSE-C: the customer key (required for SSE-C objects, refused for others). */
  customerKey?: Uint8Array;
}

export interface HeadObjectResult {
  info: ObjectInfo;
  /** Set when a range or part was asked: the bytes that a GET would return. */
  range?: { start: number; end: number; size: number };
  /** When a bucket lifecycle rule expires the object, and which rule (S3 `x-amz-expiration`). */
  expiration?: { at: number; ruleId: string };
}

export interface GetObjectResult extends HeadObjectResult {
  /** The bytes (the range or part when asked); parts and segments stream in order. */
  body: ReadableStream<Uint8Array>;
  /**
   * The same bytes already in memory, when they are one inline blob stored in clear: a wire layer answers
   * them in one write instead of streaming. `body` is then only built if read.
   */
  bytes?: Uint8Array;
}

export interface DeleteObjectOptions extends AccessOptions {
  /** S3 conditional delete. */
  ifMatch?: string;
  /** S3 `versionId`: remove that version for good instead of adding a delete marker. */
  versionId?: string;
}

export interface DeleteObjectResult {
  /** Whether a current object (or, with a version id, that version) existed. */
  existed: boolean;
  /** Set when a delete marker was created or (by version id) removed. */
  deleteMarker?: boolean;
  /** S3 version id of the version removed or the delete marker created. */
  versionId?: string;
}

/** One name (optionally one version of it) of a bulk delete. */
export interface DeleteTarget {
  name: string;
  versionId?: string;
  /** Delete only over this ETag (S3 DeleteObjects' per-object `ETag`). */
  ifMatch?: string;
}

export interface DeleteObjectsResult {
  deleted: string[];
  /** Per deleted target, in request order: what a DeleteObject of it answered. */
  results: Array<{ name: string; requestedVersionId?: string } & DeleteObjectResult>;
  /** `resource`: what was not found (`object` for a conditional delete of a missing key, `container`). */
  errors: Array<{ name: string; versionId?: string; kind: string; reason?: string; resource?: string; message: string }>;
}

/** ListObjectVersions paging (S3 key-marker / version-id-marker). */
export interface VersionListOptions {
  prefix?: string;
  delimiter?: string;
  keyMarker?: string;
  /** Requires `keyMarker`; `null` names the null version. */
  versionIdMarker?: string;
  /** Max entries (versions + delete markers + prefixes), 0..1000 (default 1000). */
  limit?: number;
}

/** One version or delete marker as ListObjectVersions shows it. */
export interface VersionSummary {
  type: 'version' | 'deleteMarker';
  name: string;
  versionId: string;
  isLatest: boolean;
  lastModified: number;
  size: number;
  etag: string;
  /** Swift's view of the ETag (see ObjectInfo.swiftEtag); empty for a delete marker. */
  swiftEtag: string;
  /** Empty for a delete marker. */
  contentType: string;
  kind: ObjectKind;
  /** The owning project: the writer's when another project wrote it, else the container's. */
  ownerProjectId: string;
}

export interface VersionListing {
  /** By key, newest version first; prefixes rolled up at the delimiter are interleaved. */
  entries: Array<VersionSummary | { type: 'prefix'; prefix: string }>;
  isTruncated: boolean;
  nextKeyMarker?: string;
  nextVersionIdMarker?: string;
  /** Display names of the container's and the listed entries' owning projects, by project id. */
  ownerNames: Record<string, string>;
}

export type MetadataDirective = 'COPY' | 'REPLACE';

export interface CopyObjectOptions extends AccessOptions {
  /** COPY (default) keeps the source's metadata; REPLACE uses the fields below. */
  metadataDirective?: MetadataDirective;
  /** Swift COPY/X-Copy-From: merge `userMetadata` over the source's (unless `freshMetadata`). */
  mergeMetadata?: boolean;
  contentType?: string;
  userMetadata?: UserMetadata;
  systemMetadata?: SystemMetadata;
  /** Conditions on the source (x-amz-copy-source-if-*) → 'PreconditionFailed'. */
  sourceConditions?: Conditions;
  /** Conditional write on the destination. */
  ifNoneMatch?: '*';
  ifMatch?: string;
  deleteAt?: number | null;
  tagsDirective?: 'COPY' | 'REPLACE';
  tags?: Record<string, string>;
  acl?: S3Acl;
  /**
   * The checksum algorithm the copy must carry. Copies share the source's blobs and keep its checksum,
   * so any other algorithm is NotImplemented (nothing is copied).
   */
  checksumAlgorithm?: ChecksumAlgorithm;
  /** For a source manifest (SLO/DLO): copy the manifest itself instead of its content (Swift `multipart-manifest=get`). */
  copyManifest?: boolean;
  /** Encryption of the copy; when absent the destination bucket's default applies (not the source's). */
  encryption?: EncryptionRequest;
  /** SSE-C key of the source object. */
  sourceCustomerKey?: Uint8Array;
  /** S3 `x-amz-copy-source: ...?versionId=`: copy that version of the source. */
  sourceVersionId?: string;
}

export interface CopyObjectResult {
  etag: string;
  swiftEtag: string;
  size: number;
  lastModified: number;
  /** The source's last-modified time (Swift's X-Copied-From-Last-Modified). */
  sourceLastModified: number;
  /** The new object's user metadata and type (Swift's COPY answers with them). */
  userMetadata: UserMetadata;
  contentType: string;
  versionId: string;
  /** The new version's S3 version id when the destination bucket's versioning was ever set. */
  s3VersionId?: string;
  /** The source version's S3 version id when the source bucket's versioning was ever set. */
  sourceS3VersionId?: string;
  checksum?: Checksum;
  encryption?: EncryptionMode;
}

export interface UpdateObjectMetadataOptions extends AccessOptions {
  /** Replaces all user metadata (Swift POST). */
  userMetadata: UserMetadata;
  /** Replaces Content-Type when given. */
  contentType?: string;
  /** Replaces the system metadata (fields absent are cleared). */
  systemMetadata?: SystemMetadata;
  /** ms; null removes; undefined → removed too (Swift POST replaces X-Delete-At) unless `keepDeleteAt`. */
  deleteAt?: number | null;
  keepDeleteAt?: boolean;
  /** Swift POST `X-Object-Manifest`: the object becomes (or stays) a DLO over this `container/prefix`; only a plain object or a DLO may. */
  dloManifest?: string;
}

// ---------------------------------------------------------------- multipart

export interface CreateMultipartOptions extends AccessOptions {
  contentType?: string;
  userMetadata?: UserMetadata;
  systemMetadata?: SystemMetadata;
  tags?: Record<string, string>;
  acl?: S3Acl;
  checksumAlgorithm?: ChecksumAlgorithm;
  /** Defaults to FULL_OBJECT for crc64nvme, else COMPOSITE; only with an algorithm ('InvalidRequest'). */
  checksumType?: ChecksumType;
  deleteAt?: number;
  /** Encryption of every part and of the object; when absent the bucket's default applies. SSE-C parts must carry the same key. */
  encryption?: EncryptionRequest;
}

export interface MultipartUpload {
  uploadId: string;
  projectId: string;
  container: string;
  name: string;
  initiated: number;
  /** User id of the initiator (S3 Initiator). */
  initiatorUserId?: string;
  initiatorUserName?: string;
  /** The project that will own the object (the initiator's; S3 Owner), and its name. */
  ownerProjectId: string;
  ownerDisplayName?: string;
  checksumAlgorithm?: ChecksumAlgorithm;
  checksumType?: ChecksumType;
  encryption?: EncryptionMode;
}

export interface UploadPartOptions extends AccessOptions {
  expectedSize?: number;
  expectedMd5?: string;
  checksum?: ChecksumRequest;
  /** SSE-C uploads: the upload's customer key (required; refused for other uploads). */
  customerKey?: Uint8Array;
}

export interface PartInfo {
  partNumber: number;
  size: number;
  /** Hex MD5 of the part, unquoted (SSE-C: a keyed stand-in, see ObjectInfo.etag). */
  etag: string;
  lastModified: number;
  checksum?: Checksum;
  encryption?: EncryptionMode;
}

export interface UploadPartCopyOptions extends AccessOptions {
  /** Inclusive byte range of the source. Beyond the source → 'InvalidRange'. */
  sourceRange?: { start: number; end: number };
  sourceConditions?: Conditions;
  /** SSE-C uploads: the upload's customer key. */
  customerKey?: Uint8Array;
  /** SSE-C source: its customer key. */
  sourceCustomerKey?: Uint8Array;
  /** S3 `x-amz-copy-source: ...?versionId=`: copy from that version of the source. */
  sourceVersionId?: string;
}

export interface ListPartsOptions {
  partNumberMarker?: number;
  maxParts?: number;
}

export interface PartListing {
  upload: MultipartUpload;
  parts: PartInfo[];
  isTruncated: boolean;
  nextPartNumberMarker?: number;
}

/** One part of a completed multipart (or SLO) object: its number, size and stored checksum (base64, the object's algorithm). */
export interface ObjectPartInfo {
  partNumber: number;
  size: number;
  checksum?: string;
}

/** A page of a stored object's parts (S3 GetObjectAttributes ObjectParts). */
export interface ObjectPartListing {
  info: ObjectInfo;
  /** Parts the object has in all. */
  totalParts: number;
  parts: ObjectPartInfo[];
  isTruncated: boolean;
  nextPartNumberMarker?: number;
}

export interface ListUploadsOptions {
  prefix?: string;
  delimiter?: string;
  keyMarker?: string;
  uploadIdMarker?: string;
  maxUploads?: number;
}

export interface UploadListing {
  uploads: MultipartUpload[];
  commonPrefixes: string[];
  isTruncated: boolean;
  nextKeyMarker?: string;
  nextUploadIdMarker?: string;
}

export interface CompletePart {
  partNumber: number;
  /** Quoted or unquoted hex MD5. */
  etag: string;
  /** The part's checksum in the upload's algorithm; must equal the stored one ('InvalidPart'). */
  checksum?: string;
}

export interface CompleteMultipartOptions extends AccessOptions {
  ifNoneMatch?: '*';
  ifMatch?: string;
  /** Must equal the upload's type ('InvalidRequest'). */
  checksumType?: ChecksumType;
  /** A whole-object checksum to verify ('BadChecksum'); composite values may carry `-N`. */
  checksum?: { algorithm: ChecksumAlgorithm; value: string };
  /** The size the completed object must have ('InvalidRequest'; the upload stays open). */
  expectedSize?: number;
}

export interface CompleteMultipartResult {
  etag: string;
  size: number;
  lastModified: number;
  versionId: string;
  /** The new version's S3 version id when the bucket's versioning was ever set. */
  s3VersionId?: string;
  checksum?: Checksum;
  encryption?: EncryptionMode;
}

// ---------------------------------------------------------------- SLO

/** One entry of a Swift SLO manifest PUT body (`multipart-manifest=put`). */
export interface SloSegmentInput {
  /** `/container/object` (leading slash optional), in the same account. */
  path: string;
  etag?: string | null;
  sizeBytes?: number | null;
  /** `a-b`, `a-` or `-n` as Swift accepts. */
  range?: string;
}

export interface PutSloOptions extends AccessOptions {
  contentType?: string;
  userMetadata?: UserMetadata;
  systemMetadata?: SystemMetadata;
  /** The request's `Etag` header: must equal the SLO etag (md5 of concatenated segment etags). */
  expectedEtag?: string;
  deleteAt?: number;
  ifNoneMatch?: '*';
}

/** One entry of the stored manifest as `multipart-manifest=get` returns it. */
export interface SloSegmentInfo {
  /** `/container/object`. */
  name: string;
  /** Segment etag (unquoted). */
  hash: string;
  bytes: number;
  contentType: string;
  lastModified: number;
  range?: string;
}

export interface DeleteSloResult {
  /** Names deleted (`/container/object` for segments, the manifest last). */
  deleted: string[];
  notFound: string[];
  errors: Array<{ name: string; reason: string }>;
}

// ---------------------------------------------------------------- temp URLs

export interface TempUrlInput {
  projectId: string;
  container: string;
  /** Object name; with `prefix` the prefix from `temp_url_prefix`. */
  name: string;
  method: string;
  /** Unix seconds. */
  expires: number;
  /** Hex (sha1/sha256/sha512) or `sha256:<b64>` / `sha512:<urlsafe-b64>`. */
  signature: string;
  /** The exact path that was signed, e.g. `/v1/AUTH_p/c/o` (or the prefix path). */
  signedPath: string;
  prefix?: boolean;
  ipRange?: string;
  clientIp?: string;
}

/** What a Swift FormPost signature covers (the form's hidden fields, as sent). */
export interface FormPostInput {
  projectId: string;
  container: string;
  /** The object-name prefix the form uploads under ('' for the container itself). */
  prefix: string;
  /** The paths the signature may have been made over (the form's action path as Swift serves it, or as mounted). */
  signedPaths: string[];
  redirect: string;
  maxFileSize: string;
  maxFileCount: string;
  /** Unix seconds. */
  expires: number;
  signature: string;
}

// ---------------------------------------------------------------- workers

/** What the object-store worker and the auditor need from the service. */
export interface ObjectMaintenance {
  /** `object.expire`: delete the object if it is still that version and past its delete-at. Idempotent. */
  expireObject(payload: { projectId: string; container: string; name: string; versionId: string }): Promise<void>;
  /** `multipart.cleanup`: abort the upload if it still exists. Idempotent. */
  abortStaleUpload(uploadId: string): Promise<void>;
  /** `blob.gc`: delete those blobs no longer referenced by any object or part. Idempotent. */
  collectBlobs(blobKeys: string[]): Promise<void>;
  /** True when the blob key is referenced (the auditor leaves it alone). */
  isBlobReferenced(blobKey: string): boolean;
  /** Every referenced blob key (auditor). */
  listBlobRefs(): AsyncIterable<string>;
}
