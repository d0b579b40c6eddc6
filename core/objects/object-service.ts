// The one object store both faces call: Swift (`compat/openstack/swift`) and S3 (`compat/ec2-s3/s3`).
import type { BlobStore } from '../../backends/blob/types.js';
import type { RequestContext } from '../context.js';
import type { Db } from '../db/index.js';
import { errors } from '../errors.js';
import type { JobName, JobPayloads, EnqueueOptions } from '../jobs/port.js';
import type { Logger } from '../logger.js';
import type {
  AccessOptions,
  AccountInfo,
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
  DeleteObjectOptions,
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
  StoredAcl,
  TempUrlGrant,
  TempUrlInput,
  UpdateContainerOptions,
  UpdateObjectMetadataOptions,
  UploadListing,
  UploadPartCopyOptions,
  UploadPartOptions,
} from './types.js';

/** Writes a job into the caller's open (synchronous) database transaction: the outbox. */
export type TxEnqueue = <N extends JobName>(tx: unknown, name: N, payload: JobPayloads[N], opts?: EnqueueOptions) => void;

/** Everything the object service is built from (in `gateway/app.ts`). */
export interface ObjectServiceDeps {
  db: Db;
  blobs: BlobStore;
  /** Enqueue inside a db transaction (the queue's outbox). */
  enqueueInTx: TxEnqueue;
  logger: Logger;
  /** Region reported for containers created without one. */
  region: string;
  clock?: { now(): number };
  /** Delay before unreferenced blobs are deleted, so readers streaming an old version finish (default 60 s). */
  gcDelayMs?: number;
  /** Incomplete multipart uploads are aborted this long after initiation (default 7 days). */
  multipartTtlMs?: number;
}

/**
 * Accounts, containers, objects, multipart uploads, SLO/DLO manifests and TempURL checks, with the
 * authorization rules of both faces: the caller needs a role on the owning project (reader reads;
 * member/admin write) unless a container ACL (Swift `X-Container-Read/Write`) or an S3 ACL grants
 * access. Every error is a CoreError described in `types.ts`.
 */
export class ObjectService implements ObjectMaintenance {
  constructor(private readonly deps: ObjectServiceDeps) {}

  // ------------------------------------------------------------ accounts

  /** Counters and metadata of the project's account (zeros for an account never used). Reader role needed. */
  async headAccount(ctx: RequestContext, projectId: string): Promise<AccountInfo> {
    void ctx, projectId, this.deps;
    throw errors.notImplemented('headAccount');
  }

  /** Swift account POST: set/remove account metadata (incl. `temp-url-key`, `temp-url-key-2`). Member role needed. */
  async updateAccountMetadata(ctx: RequestContext, projectId: string, update: MetadataUpdate): Promise<AccountInfo> {
    void ctx, projectId, update;
    throw errors.notImplemented('updateAccountMetadata');
  }

  /** The project's containers in byte order of name (Swift account GET, S3 ListBuckets). Reader role needed. */
  async listContainers(ctx: RequestContext, projectId: string, opts: ListOptions = {}): Promise<ContainerListing> {
    void ctx, projectId, opts;
    throw errors.notImplemented('listContainers');
  }

  // ------------------------------------------------------------ containers

  /**
   * Creates a container (Swift PUT: `created: false` and metadata/ACL merged when it exists → 202).
   * With `opts.s3`: S3 naming and global-uniqueness rules (see CreateContainerOptions). Member role needed.
   * S3 callers pass `ref.projectId` undefined: the container is created in the caller's project.
   */
  async createContainer(ctx: RequestContext, ref: ContainerRef, opts: CreateContainerOptions = {}): Promise<{ created: boolean; info: ContainerInfo }> {
    void ctx, ref, opts;
    throw errors.notImplemented('createContainer');
  }

  /** Container counters, metadata and ACLs. Needs read access (owner role, or a read/listing ACL). */
  async headContainer(ctx: RequestContext, ref: ContainerRef, access: AccessOptions = {}): Promise<ContainerInfo> {
    void ctx, ref, access;
    throw errors.notImplemented('headContainer');
  }

  /** Swift container POST / S3 Put{BucketAcl,BucketTagging,BucketVersioning}. Owner member role needed. */
  async updateContainer(ctx: RequestContext, ref: ContainerRef, update: UpdateContainerOptions): Promise<ContainerInfo> {
    void ctx, ref, update;
    throw errors.notImplemented('updateContainer');
  }

  /** Deletes an empty container; Conflict `BucketNotEmpty` when it has objects or (S3) open uploads. */
  async deleteContainer(ctx: RequestContext, ref: ContainerRef): Promise<void> {
    void ctx, ref;
    throw errors.notImplemented('deleteContainer');
  }

  /** Which project owns the bucket of that name (S3 resolution, see ContainerRef); undefined if none. No auth check. */
  async findContainerOwner(ctx: RequestContext, name: string): Promise<string | undefined> {
    void ctx, name;
    throw errors.notImplemented('findContainerOwner');
  }

  /** Objects (and rolled-up prefixes) of a container, in byte order. Needs listing access. Expired objects are omitted. */
  async listObjects(ctx: RequestContext, ref: ContainerRef, opts: ListOptions = {}, access: AccessOptions = {}): Promise<ObjectListing> {
    void ctx, ref, opts, access;
    throw errors.notImplemented('listObjects');
  }

  // ------------------------------------------------------------ objects

  /**
   * Streams `body` to a fresh blob, verifies size/MD5/checksum, then commits the object row (the write
   * that completes last wins). A failed body leaves no row and no blob. The replaced version's blobs
   * are released and collected later by a `blob.gc` job.
   */
  async putObject(ctx: RequestContext, ref: ObjectRef, body: ReadableStream<Uint8Array>, opts: PutObjectOptions = {}): Promise<PutObjectResult> {
    void ctx, ref, body, opts;
    throw errors.notImplemented('putObject');
  }

  /** Metadata (and the range/part the request would get) after evaluating conditions; no body. */
  async headObject(ctx: RequestContext, ref: ObjectRef, opts: GetObjectOptions = {}): Promise<HeadObjectResult> {
    void ctx, ref, opts;
    throw errors.notImplemented('headObject');
  }

  /** Metadata plus the bytes (range or part when asked; manifests stream their segments in order). */
  async getObject(ctx: RequestContext, ref: ObjectRef, opts: GetObjectOptions = {}): Promise<GetObjectResult> {
    void ctx, ref, opts;
    throw errors.notImplemented('getObject');
  }

  /** Deletes the object; idempotent (`existed` false when there was none). Needs write access. */
  async deleteObject(ctx: RequestContext, ref: ObjectRef, opts: DeleteObjectOptions = {}): Promise<{ existed: boolean }> {
    void ctx, ref, opts;
    throw errors.notImplemented('deleteObject');
  }

  /** Bulk delete in one container (S3 DeleteObjects, Swift bulk delete); missing names count as deleted. */
  async deleteObjects(ctx: RequestContext, ref: ContainerRef, names: string[], access: AccessOptions = {}): Promise<DeleteObjectsResult> {
    void ctx, ref, names, access;
    throw errors.notImplemented('deleteObjects');
  }

  /** Server-side copy sharing the source's blobs (no byte copy); source read access and destination write access needed. */
  async copyObject(ctx: RequestContext, source: ObjectRef, dest: ObjectRef, opts: CopyObjectOptions = {}): Promise<CopyObjectResult> {
    void ctx, source, dest, opts;
    throw errors.notImplemented('copyObject');
  }

  /** Swift object POST: replaces user metadata (and content type / system metadata / delete-at) without touching bytes. */
  async updateObjectMetadata(ctx: RequestContext, ref: ObjectRef, opts: UpdateObjectMetadataOptions): Promise<ObjectInfo> {
    void ctx, ref, opts;
    throw errors.notImplemented('updateObjectMetadata');
  }

  /** The object's tag set (empty object when none). */
  async getObjectTags(ctx: RequestContext, ref: ObjectRef, access: AccessOptions = {}): Promise<Record<string, string>> {
    void ctx, ref, access;
    throw errors.notImplemented('getObjectTags');
  }

  /** Replaces (or with `null` removes) the object's tag set; does not change lastModified. */
  async putObjectTags(ctx: RequestContext, ref: ObjectRef, tags: Record<string, string> | null, access: AccessOptions = {}): Promise<void> {
    void ctx, ref, tags, access;
    throw errors.notImplemented('putObjectTags');
  }

  /** The object's ACL (owner = container project). */
  async getObjectAcl(ctx: RequestContext, ref: ObjectRef): Promise<{ owner: string; acl: StoredAcl }> {
    void ctx, ref;
    throw errors.notImplemented('getObjectAcl');
  }

  /** Replaces the object's ACL; does not change lastModified. Grants to unknown projects → 'InvalidArgument'. */
  async putObjectAcl(ctx: RequestContext, ref: ObjectRef, acl: S3Acl): Promise<void> {
    void ctx, ref, acl;
    throw errors.notImplemented('putObjectAcl');
  }

  /** The container's S3 ACL (owner = project). */
  async getContainerAcl(ctx: RequestContext, ref: ContainerRef): Promise<{ owner: string; acl: StoredAcl }> {
    void ctx, ref;
    throw errors.notImplemented('getContainerAcl');
  }

  // ------------------------------------------------------------ multipart

  /** Starts an upload into an existing container; metadata is applied at completion. */
  async createMultipartUpload(ctx: RequestContext, ref: ObjectRef, opts: CreateMultipartOptions = {}): Promise<MultipartUpload> {
    void ctx, ref, opts;
    throw errors.notImplemented('createMultipartUpload');
  }

  /** Streams one part (1..10000) to a fresh blob; a re-upload of the same number replaces it (last finished wins). */
  async uploadPart(ctx: RequestContext, ref: ObjectRef, uploadId: string, partNumber: number, body: ReadableStream<Uint8Array>, opts: UploadPartOptions = {}): Promise<PartInfo> {
    void ctx, ref, uploadId, partNumber, body, opts;
    throw errors.notImplemented('uploadPart');
  }

  /** Copies a source object (or a byte range of it) into a part; the part's ETag is the MD5 of the copied bytes. */
  async uploadPartCopy(ctx: RequestContext, ref: ObjectRef, uploadId: string, partNumber: number, source: ObjectRef, opts: UploadPartCopyOptions = {}): Promise<PartInfo> {
    void ctx, ref, uploadId, partNumber, source, opts;
    throw errors.notImplemented('uploadPartCopy');
  }

  /** Parts uploaded so far, by part number. */
  async listParts(ctx: RequestContext, ref: ObjectRef, uploadId: string, opts: ListPartsOptions = {}): Promise<PartListing> {
    void ctx, ref, uploadId, opts;
    throw errors.notImplemented('listParts');
  }

  /** In-progress uploads of a container, by key then initiation. */
  async listMultipartUploads(ctx: RequestContext, ref: ContainerRef, opts: ListUploadsOptions = {}): Promise<UploadListing> {
    void ctx, ref, opts;
    throw errors.notImplemented('listMultipartUploads');
  }

  /**
   * Completes with S3's rules (InvalidPart, InvalidPartOrder, EntityTooSmall, MalformedManifest for no
   * parts) and writes a manifest object with ETag `hex(md5(concat(binary part md5s)))-N`; no byte copy.
   * Repeating a Complete that already succeeded returns the same result.
   */
  async completeMultipartUpload(ctx: RequestContext, ref: ObjectRef, uploadId: string, parts: CompletePart[], opts: CompleteMultipartOptions = {}): Promise<CompleteMultipartResult> {
    void ctx, ref, uploadId, parts, opts;
    throw errors.notImplemented('completeMultipartUpload');
  }

  /** Aborts the upload and releases its parts; NotFound 'upload' when unknown. */
  async abortMultipartUpload(ctx: RequestContext, ref: ObjectRef, uploadId: string): Promise<void> {
    void ctx, ref, uploadId;
    throw errors.notImplemented('abortMultipartUpload');
  }

  // ------------------------------------------------------------ SLO / DLO

  /** Swift `multipart-manifest=put`: validates every segment (ManifestSegmentErrors) and stores an SLO referencing their bytes. */
  async putSloManifest(ctx: RequestContext, ref: ObjectRef, segments: SloSegmentInput[], opts: PutSloOptions = {}): Promise<PutObjectResult> {
    void ctx, ref, segments, opts;
    throw errors.notImplemented('putSloManifest');
  }

  /** Swift `multipart-manifest=get`: the stored segment list of an SLO (also of an S3 multipart object). */
  async getSloManifest(ctx: RequestContext, ref: ObjectRef, access: AccessOptions = {}): Promise<{ info: ObjectInfo; segments: SloSegmentInfo[] }> {
    void ctx, ref, access;
    throw errors.notImplemented('getSloManifest');
  }

  /** Swift `multipart-manifest=delete`: deletes the manifest and its segment objects. */
  async deleteSloManifest(ctx: RequestContext, ref: ObjectRef, access: AccessOptions = {}): Promise<DeleteSloResult> {
    void ctx, ref, access;
    throw errors.notImplemented('deleteSloManifest');
  }

  // ------------------------------------------------------------ temp URLs

  /** Checks a Swift TempURL signature against the account's and container's keys; Invalid 'TempUrlInvalid' otherwise. */
  async verifyTempUrl(input: TempUrlInput): Promise<TempUrlGrant> {
    void input;
    throw errors.notImplemented('verifyTempUrl');
  }

  // ------------------------------------------------------------ maintenance (workers)

  async expireObject(payload: { projectId: string; container: string; name: string; versionId: string }): Promise<void> {
    void payload;
    throw errors.notImplemented('expireObject');
  }

  async abortStaleUpload(uploadId: string): Promise<void> {
    void uploadId;
    throw errors.notImplemented('abortStaleUpload');
  }

  async collectBlobs(blobKeys: string[]): Promise<void> {
    void blobKeys;
    throw errors.notImplemented('collectBlobs');
  }

  isBlobReferenced(blobKey: string): boolean {
    void blobKey;
    throw errors.notImplemented('isBlobReferenced');
  }

  async *listBlobRefs(): AsyncIterable<string> {
    throw errors.notImplemented('listBlobRefs');
  }
}
