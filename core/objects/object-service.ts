// The one object store both faces call: Swift (`compat/openstack/swift`) and S3 (`compat/ec2-s3/s3`); a facade over one module per capability.
import type { RequestContext } from '../context.js';
import { headAccount, listContainers, updateAccountMetadata } from './accounts.js';
import { getContainerAcl, getObjectAcl, getObjectTags, putObjectAcl, putObjectTags } from './acl-tags.js';
import { getContainerEncryption, putContainerEncryption } from './bucket-encryption.js';
import { createContainer, deleteContainer, findContainerOwner, headContainer, staticWebSettings, updateContainer } from './containers.js';
import { copyObject } from './copy-object.js';
import { deleteObject, deleteObjects } from './delete-object.js';
import { getObject, headObject, listObjectParts } from './get-object.js';
import { listObjects } from './list-objects.js';
import {
  deleteBucketConfig,
  evaluateCors,
  getBucketConfig,
  getBucketPolicyStatus,
  putBucketConfig,
  type BucketConfigDocs,
  type BucketConfigKind,
  type CorsOutcome,
  type PutBucketConfigOptions,
} from './bucket-config.js';
import type { CorsRequest } from './cors.js';
import { sweepLifecycle } from './lifecycle.js';
import { abortStaleUpload, collectBlobs, expireObject, isBlobReferenced, listBlobRefs } from './maintenance.js';
import { deleteSloManifest, getSloManifest, putSloManifest } from './manifests.js';
import {
  abortMultipartUpload,
  completeMultipartUpload,
  createMultipartUpload,
  listMultipartUploads,
  listParts,
  uploadPart,
  uploadPartCopy,
} from './multipart.js';
import { updateObjectMetadata } from './object-metadata.js';
import { putObject } from './put-object.js';
import { verifyFormPost, verifyTempUrl } from './temp-url.js';
import { listObjectVersions, restoreObjectVersion } from './versions.js';
import { createObjectStoreContext, type ObjectServiceDeps, type ObjectStoreContext } from './store-context.js';
import type {
  AccessOptions,
  AccountInfo,
  AclView,
  CompleteMultipartOptions,
  CompleteMultipartResult,
  CompletePart,
  ContainerInfo,
  ContainerListing,
  ContainerRef,
  CopyObjectOptions,
  CopyObjectResult,
  CreateContainerOptions,
  CreateMultipartOptions,
  DefaultEncryption,
  DeleteObjectOptions,
  DeleteObjectResult,
  DeleteTarget,
  DeleteObjectsResult,
  DeleteSloResult,
  GetObjectOptions,
  GetObjectResult,
  HeadObjectResult,
  ListOptions,
  ListPartsOptions,
  ListUploadsOptions,
  MetadataUpdate,
  MultipartUpload,
  ObjectInfo,
  ObjectListing,
  ObjectPartListing,
  ObjectMaintenance,
  ObjectRef,
  PartInfo,
  PartListing,
  PutObjectOptions,
  PutObjectResult,
  PutSloOptions,
  S3Acl,
  SloSegmentInfo,
  SloSegmentInput,
  TempUrlGrant,
  TempUrlInput,
  FormPostInput,
  UpdateContainerOptions,
  UpdateObjectMetadataOptions,
  UploadListing,
  UploadPartCopyOptions,
  UploadPartOptions,
  VersionedAccessOptions,
  VersionListing,
  VersionListOptions,
} from './types.js';

export type { ObjectServiceDeps, TxEnqueue } from './store-context.js';

/**
 * Accounts, containers, objects, multipart uploads, SLO/DLO manifests and TempURL checks, with the
 * authorization rules of both faces: the caller needs a role on the owning project (reader reads;
 * member/admin write) unless a container ACL (Swift `X-Container-Read/Write`), an S3 ACL or the
 * bucket policy grants access; the policy's explicit Deny refuses everyone, owners included, and the
 * public access block can refuse or ignore public ACLs and policies. Every error is a CoreError described in `types.ts`. Forbidden for an anonymous caller is
 * what Swift answers 401 for.
 *
 * Each method delegates to the module of its capability (`accounts.ts`, `containers.ts`,
 * `list-objects.ts`, `put-object.ts`, `get-object.ts`, `delete-object.ts`, `copy-object.ts`,
 * `object-metadata.ts`, `acl-tags.ts`, `bucket-encryption.ts`, `multipart.ts`, `manifests.ts`, `temp-url.ts`,
 * `versions.ts`, `bucket-config.ts`, `lifecycle.ts`, `maintenance.ts`); shared rules live in `authorize.ts`,
 * `bucket-guard.ts` (bucket policy and public access block), `object-rows.ts`, `blob-writes.ts`,
 * `object-pieces.ts`, `encryption.ts` (encryption at rest) and `views.ts`, all working on one `ObjectStoreContext` built here.
 */
export class ObjectService implements ObjectMaintenance {
  private readonly store: ObjectStoreContext;

  constructor(deps: ObjectServiceDeps) {
    this.store = createObjectStoreContext(deps);
  }

  /** Shutdown: commits the queued writes and waits until every acknowledged one is durable (before the database closes). */
  drain(): Promise<void> {
    return this.store.commits.drain();
  }

  /** Counters and metadata of the project's account (zeros for an account never used). Reader role needed. */
  headAccount(ctx: RequestContext, projectId: string): Promise<AccountInfo> {
    return headAccount(this.store, ctx, projectId);
  }

  /** Swift account POST: set/remove account metadata (incl. `temp-url-key`, `temp-url-key-2`). Member role needed. */
  updateAccountMetadata(ctx: RequestContext, projectId: string, update: MetadataUpdate): Promise<AccountInfo> {
    return updateAccountMetadata(this.store, ctx, projectId, update);
  }

  /** The project's containers in byte order of name (Swift account GET, S3 ListBuckets). Reader role needed. */
  listContainers(ctx: RequestContext, projectId: string, opts: ListOptions = {}): Promise<ContainerListing> {
    return listContainers(this.store, ctx, projectId, opts);
  }

  /**
   * Creates a container (Swift PUT: `created: false` and metadata/ACL merged when it exists → 202).
   * With `opts.s3`: S3 naming and global-uniqueness rules (see CreateContainerOptions). Member role needed.
   * S3 callers pass `ref.projectId` undefined: the container is created in the caller's project.
   */
  createContainer(ctx: RequestContext, ref: ContainerRef, opts: CreateContainerOptions = {}): Promise<{ created: boolean; info: ContainerInfo }> {
    return createContainer(this.store, ctx, ref, opts);
  }

  /** Container counters, metadata and ACLs. Needs read access (owner role, or a read/listing ACL). */
  headContainer(ctx: RequestContext, ref: ContainerRef, access: AccessOptions = {}): Promise<ContainerInfo> {
    return headContainer(this.store, ctx, ref, access);
  }

  /** The container's static-web settings (`web-*` metadata) when the caller may read its objects; else undefined. */
  staticWebSettings(ctx: RequestContext, ref: ContainerRef): Promise<Record<string, string> | undefined> {
    return staticWebSettings(this.store, ctx, ref);
  }

  /** Swift container POST / S3 Put{BucketAcl,BucketTagging,BucketVersioning}. Owner member role needed. */
  updateContainer(ctx: RequestContext, ref: ContainerRef, update: UpdateContainerOptions): Promise<ContainerInfo> {
    return updateContainer(this.store, ctx, ref, update);
  }

  /** Deletes an empty container; Conflict `BucketNotEmpty` when it has objects or open uploads. */
  deleteContainer(ctx: RequestContext, ref: ContainerRef): Promise<void> {
    return deleteContainer(this.store, ctx, ref);
  }

  /** The container's default encryption (undefined: none). Needs a role on the owning project. */
  getContainerEncryption(ctx: RequestContext, ref: ContainerRef): Promise<DefaultEncryption | undefined> {
    return getContainerEncryption(this.store, ctx, ref);
  }

  /** Sets (`null`: removes) the default encryption applied to new objects that ask for none. Owner member role needed. */
  putContainerEncryption(ctx: RequestContext, ref: ContainerRef, enc: DefaultEncryption | null): Promise<void> {
    return putContainerEncryption(this.store, ctx, ref, enc);
  }

  /** Which project owns the bucket of that name (S3 resolution, see ContainerRef); undefined if none. No auth check. */
  findContainerOwner(ctx: RequestContext, name: string): Promise<string | undefined> {
    return findContainerOwner(this.store, ctx, name);
  }

  /** Objects (and rolled-up prefixes) of a container, in byte order. Needs listing access. Expired objects are omitted. */
  listObjects(ctx: RequestContext, ref: ContainerRef, opts: ListOptions = {}, access: AccessOptions = {}): Promise<ObjectListing> {
    return listObjects(this.store, ctx, ref, opts, access);
  }

  /**
   * Streams `body` to a fresh blob, verifies size/MD5/checksum, then commits the object row (the write
   * that completes last wins). A failed body leaves no row and no blob. The replaced version's blobs
   * are released and collected later by a `blob.gc` job.
   */
  putObject(ctx: RequestContext, ref: ObjectRef, body: ReadableStream<Uint8Array>, opts: PutObjectOptions = {}): Promise<PutObjectResult> {
    return putObject(this.store, ctx, ref, body, opts);
  }

  /** Metadata (and the range/part the request would get) after evaluating conditions; no body. */
  headObject(ctx: RequestContext, ref: ObjectRef, opts: GetObjectOptions = {}): Promise<HeadObjectResult> {
    return headObject(this.store, ctx, ref, opts);
  }

  /** Metadata plus the bytes (range or part when asked; manifests stream their segments in order). */
  getObject(ctx: RequestContext, ref: ObjectRef, opts: GetObjectOptions = {}): Promise<GetObjectResult> {
    return getObject(this.store, ctx, ref, opts);
  }

  /**
   * The parts of a stored multipart or SLO object after `partNumberMarker`, at most `maxParts` (≤ 1000)
   * of them, with the read access and conditions of HEAD. A simple object has none.
   */
  listObjectParts(ctx: RequestContext, ref: ObjectRef, opts: ListPartsOptions & GetObjectOptions = {}): Promise<ObjectPartListing> {
    return listObjectParts(this.store, ctx, ref, opts);
  }

  /**
   * Deletes the object; idempotent (`existed` false when there was none). Needs write access. In a
   * versioned container the container's rules apply (`versions.ts`): a delete marker, a version removed
   * by id (`opts.versionId`), or Swift's restore/archive.
   */
  deleteObject(ctx: RequestContext, ref: ObjectRef, opts: DeleteObjectOptions = {}): Promise<DeleteObjectResult> {
    return deleteObject(this.store, ctx, ref, opts);
  }

  /** Bulk delete in one container (S3 DeleteObjects, Swift bulk delete); missing names (and versions) count as deleted; an `ifMatch` entry is conditional. */
  deleteObjects(ctx: RequestContext, ref: ContainerRef, names: Array<string | DeleteTarget>, access: AccessOptions = {}): Promise<DeleteObjectsResult> {
    return deleteObjects(this.store, ctx, ref, names, access);
  }

  /**
   * Makes an earlier version the current one again, keeping its id (Swift PUT `?version-id`); the current one
   * becomes noncurrent. NotFound 'version' / InvalidState 'DeleteMarker' as a versioned read. Needs write access.
   */
  restoreObjectVersion(ctx: RequestContext, ref: ObjectRef, opts: VersionedAccessOptions & { versionId: string }): Promise<ObjectInfo> {
    return restoreObjectVersion(this.store, ctx, ref, opts);
  }

  /** Every version and delete marker of a container (S3 ListObjectVersions), by key then newest first. Needs listing access. */
  listObjectVersions(ctx: RequestContext, ref: ContainerRef, opts: VersionListOptions = {}): Promise<VersionListing> {
    return listObjectVersions(this.store, ctx, ref, opts);
  }

  /** Server-side copy sharing the source's blobs (no byte copy); source read access and destination write access needed. */
  copyObject(ctx: RequestContext, source: ObjectRef, dest: ObjectRef, opts: CopyObjectOptions = {}): Promise<CopyObjectResult> {
    return copyObject(this.store, ctx, source, dest, opts);
  }

  /** Swift object POST: replaces user metadata (and content type / system metadata / delete-at) without touching bytes. */
  updateObjectMetadata(ctx: RequestContext, ref: ObjectRef, opts: UpdateObjectMetadataOptions): Promise<ObjectInfo> {
    return updateObjectMetadata(this.store, ctx, ref, opts);
  }

  /** The object's tag set (empty object when none). */
  getObjectTags(ctx: RequestContext, ref: ObjectRef, access: VersionedAccessOptions = {}): Promise<Record<string, string>> {
    return getObjectTags(this.store, ctx, ref, access);
  }

  /** Replaces (or with `null` removes) the object's tag set; does not change lastModified. */
  putObjectTags(ctx: RequestContext, ref: ObjectRef, tags: Record<string, string> | null, access: VersionedAccessOptions = {}): Promise<void> {
    return putObjectTags(this.store, ctx, ref, tags, access);
  }

  /** The object's ACL (owner = container project); needs READ_ACP. */
  getObjectAcl(ctx: RequestContext, ref: ObjectRef, access: VersionedAccessOptions = {}): Promise<AclView> {
    return getObjectAcl(this.store, ctx, ref, access);
  }

  /** Replaces the object's ACL (needs WRITE_ACP); does not change lastModified. Grants to unknown projects → 'InvalidArgument'. */
  putObjectAcl(ctx: RequestContext, ref: ObjectRef, acl: S3Acl, access: VersionedAccessOptions = {}): Promise<void> {
    return putObjectAcl(this.store, ctx, ref, acl, access);
  }

  /** The container's S3 ACL (owner = project). */
  getContainerAcl(ctx: RequestContext, ref: ContainerRef): Promise<AclView> {
    return getContainerAcl(this.store, ctx, ref);
  }

  /** Starts an upload into an existing container; metadata is applied at completion. */
  createMultipartUpload(ctx: RequestContext, ref: ObjectRef, opts: CreateMultipartOptions = {}): Promise<MultipartUpload> {
    return createMultipartUpload(this.store, ctx, ref, opts);
  }

  /** Streams one part (1..10000) to a fresh blob; a re-upload of the same number replaces it (last finished wins). */
  uploadPart(ctx: RequestContext, ref: ObjectRef, uploadId: string, partNumber: number, body: ReadableStream<Uint8Array>, opts: UploadPartOptions = {}): Promise<PartInfo> {
    return uploadPart(this.store, ctx, ref, uploadId, partNumber, body, opts);
  }

  /** Copies a source object (or a byte range of it) into a part; the part's ETag is the MD5 of the copied bytes. */
  uploadPartCopy(ctx: RequestContext, ref: ObjectRef, uploadId: string, partNumber: number, source: ObjectRef, opts: UploadPartCopyOptions = {}): Promise<PartInfo> {
    return uploadPartCopy(this.store, ctx, ref, uploadId, partNumber, source, opts);
  }

  /** Parts uploaded so far, by part number. */
  listParts(ctx: RequestContext, ref: ObjectRef, uploadId: string, opts: ListPartsOptions = {}): Promise<PartListing> {
    return listParts(this.store, ctx, ref, uploadId, opts);
  }

  /** In-progress uploads of a container, by key then initiation. */
  listMultipartUploads(ctx: RequestContext, ref: ContainerRef, opts: ListUploadsOptions = {}): Promise<UploadListing> {
    return listMultipartUploads(this.store, ctx, ref, opts);
  }

  /**
   * Completes with S3's rules (InvalidPart, InvalidPartOrder, EntityTooSmall, MalformedManifest for no
   * parts) and writes a manifest object with ETag `hex(md5(concat(binary part md5s)))-N`; no byte copy.
   * Repeating a Complete that already succeeded returns the same result.
   */
  completeMultipartUpload(ctx: RequestContext, ref: ObjectRef, uploadId: string, parts: CompletePart[], opts: CompleteMultipartOptions = {}): Promise<CompleteMultipartResult> {
    return completeMultipartUpload(this.store, ctx, ref, uploadId, parts, opts);
  }

  /** Aborts the upload and releases its parts; NotFound 'upload' when unknown. */
  abortMultipartUpload(ctx: RequestContext, ref: ObjectRef, uploadId: string): Promise<void> {
    return abortMultipartUpload(this.store, ctx, ref, uploadId);
  }

  /** Swift `multipart-manifest=put`: validates every segment (ManifestSegmentErrors) and stores an SLO referencing their bytes. */
  putSloManifest(ctx: RequestContext, ref: ObjectRef, segments: SloSegmentInput[], opts: PutSloOptions = {}): Promise<PutObjectResult> {
    return putSloManifest(this.store, ctx, ref, segments, opts);
  }

  /** Swift `multipart-manifest=get`: the stored segment list of an SLO (also of an S3 multipart object). */
  getSloManifest(ctx: RequestContext, ref: ObjectRef, access: AccessOptions = {}): Promise<{ info: ObjectInfo; segments: SloSegmentInfo[] }> {
    return getSloManifest(this.store, ctx, ref, access);
  }

  /** Swift `multipart-manifest=delete`: deletes the manifest and its segment objects. */
  deleteSloManifest(ctx: RequestContext, ref: ObjectRef, access: AccessOptions = {}): Promise<DeleteSloResult> {
    return deleteSloManifest(this.store, ctx, ref, access);
  }

  /** Checks a Swift TempURL signature against the account's and container's keys; Invalid 'TempUrlInvalid' otherwise. */
  verifyTempUrl(input: TempUrlInput): Promise<TempUrlGrant> {
    return verifyTempUrl(this.store, input);
  }

  /** Checks a Swift FormPost signature; the grant allows PUTs under the form's prefix. */
  verifyFormPost(input: FormPostInput): Promise<TempUrlGrant> {
    return verifyFormPost(this.store, input);
  }

  /**
   * A bucket's configuration document of `kind` (CORS rules, policy, lifecycle rules, public access
   * block); NotFound `bucket-config` when it has none. The owner's roles read it; others need a policy Allow.
   */
  getBucketConfig<K extends BucketConfigKind>(ctx: RequestContext, ref: ContainerRef, kind: K): Promise<NonNullable<BucketConfigDocs[K]>> {
    return getBucketConfig(this.store, ctx, ref, kind);
  }

  /** Validates (Invalid with S3's reasons, NotImplemented for what we cannot honour) and stores a configuration document. Member role. */
  putBucketConfig<K extends BucketConfigKind>(ctx: RequestContext, ref: ContainerRef, kind: K, doc: NonNullable<BucketConfigDocs[K]>, opts: PutBucketConfigOptions = {}): Promise<void> {
    return putBucketConfig(this.store, ctx, ref, kind, doc, opts);
  }

  /** Removes a configuration document (a no-op when absent). Member role. */
  deleteBucketConfig(ctx: RequestContext, ref: ContainerRef, kind: BucketConfigKind): Promise<void> {
    return deleteBucketConfig(this.store, ctx, ref, kind);
  }

  /** Whether the bucket policy is public; NotFound `bucket-config` without a policy. */
  getBucketPolicyStatus(ctx: RequestContext, ref: ContainerRef): Promise<{ isPublic: boolean }> {
    return getBucketPolicyStatus(this.store, ctx, ref);
  }

  /** Evaluates a cross-origin request (preflight or actual) against the bucket's CORS rules; no authorization. */
  evaluateCors(ctx: RequestContext, ref: ContainerRef, req: CorsRequest): Promise<CorsOutcome> {
    return evaluateCors(this.store, ctx, ref, req);
  }

  /** The lifecycle sweep (periodic): schedules expiry of objects and aborts of uploads that enabled rules made due. */
  sweepLifecycle(): Promise<{ expired: number; aborted: number }> {
    return sweepLifecycle(this.store);
  }

  expireObject(payload: { projectId: string; container: string; name: string; versionId: string }): Promise<void> {
    return expireObject(this.store, payload);
  }

  abortStaleUpload(uploadId: string): Promise<void> {
    return abortStaleUpload(this.store, uploadId);
  }

  collectBlobs(blobKeys: string[]): Promise<void> {
    return collectBlobs(this.store, blobKeys);
  }

  isBlobReferenced(blobKey: string): boolean {
    return isBlobReferenced(this.store, blobKey);
  }

  listBlobRefs(): AsyncIterable<string> {
    return listBlobRefs(this.store);
  }
}
