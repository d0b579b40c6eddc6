// Bucket operations: ListBuckets, CreateBucket, HeadBucket, DeleteBucket, GetBucketLocation and bucket tagging (versioning: versions.ts).
import { AwsError } from '../../common/aws-error.js';
import { RESERVED_BUCKETS } from '../address.js';
import { s3Error } from '../errors.js';
import { ownerOf, type S3Call, type S3Result } from '../handler-types.js';
import { ownBucket } from './bucket-config.js';
import { aclFromHeaders, intParam, tagSetOf, tagsFromTagSet } from '../wire.js';

const token = {
  encode: (marker: string) => Buffer.from(marker, 'utf8').toString('base64url'),
  decode: (t: string) => Buffer.from(t, 'base64url').toString('utf8'),
};

/** GET / — the caller's project's buckets (paginated with max-buckets / continuation-token; filtered by prefix and bucket-region). */
export async function listBuckets(call: S3Call): Promise<S3Result> {
  const auth = call.ctx.auth;
  if (!auth?.projectId) throw s3Error('AccessDenied');
  const max = intParam(call.query.get('max-buckets'), 'max-buckets', 1, 10000);
  const cont = call.query.get('continuation-token');
  const prefix = call.query.get('prefix') ?? undefined;
  const region = call.query.get('bucket-region') || undefined;
  let marker = cont ? token.decode(cont) : undefined;
  const buckets: Array<{ Name: string; CreationDate: Date; BucketRegion: string }> = [];
  let next: string | undefined;
  for (;;) {
    const page = await call.deps.objects.listContainers(call.ctx, auth.projectId, { marker, prefix, limit: max ? max - buckets.length : 1000 });
    for (const b of page.containers) {
      if (region === undefined || b.region === region) buckets.push({ Name: b.name, CreationDate: new Date(b.createdAt), BucketRegion: b.region });
    }
    if (!page.isTruncated || !page.nextMarker) break;
    marker = page.nextMarker;
    if (max && buckets.length >= max) {
      next = token.encode(marker);
      break;
    }
  }
  return { output: { Buckets: buckets, Owner: ownerOf(auth), ContinuationToken: next, Prefix: prefix } };
}

/**
 * PUT /bucket — S3 naming and uniqueness rules live in core. Re-creating one's own bucket answers as S3
 * does in the configured region: 200 in us-east-1, 409 BucketAlreadyOwnedByYou anywhere else.
 */
export async function createBucket(call: S3Call): Promise<S3Result> {
  if (!call.ctx.auth) throw s3Error('AccessDenied');
  if (RESERVED_BUCKETS.has(call.bucket)) throw s3Error('InvalidBucketName', undefined, { BucketName: call.bucket });
  const conf = call.input.CreateBucketConfiguration as { LocationConstraint?: string; Location?: unknown; Bucket?: unknown; Tags?: Array<{ Key?: string; Value?: string }> } | undefined;
  if (conf?.Location !== undefined || conf?.Bucket !== undefined) throw s3Error('NotImplemented', 'Directory buckets (CreateBucketConfiguration Location and Bucket) are not implemented.');
  const lc = conf?.LocationConstraint;
  if (lc && lc !== call.deps.region) {
    throw new AwsError('IllegalLocationConstraintException', `The ${lc} location constraint is incompatible for the region specific endpoint this request was sent to.`, 400);
  }
  const acl = aclFromHeaders(call.headers);
  const failIfOwned = call.deps.region !== 'us-east-1';
  const tags = conf?.Tags !== undefined ? tagsFromTagSet(conf.Tags) : undefined;
  await call.deps.objects.createContainer(call.ctx, { container: call.bucket }, { s3: { failIfOwned }, s3Acl: acl, region: call.deps.region, ...(tags ? { tags } : {}) });
  return { output: {}, headers: { location: `/${call.bucket}` } };
}

/** HEAD /bucket. */
export async function headBucket(call: S3Call): Promise<S3Result> {
  const info = await call.deps.objects.headContainer(call.ctx, { container: call.bucket });
  return { output: { BucketRegion: info.region } };
}

/** DELETE /bucket — 409 BucketNotEmpty (from core) while objects remain; in-progress multipart uploads are dropped with it, as in S3. */
export async function deleteBucket(call: S3Call): Promise<S3Result> {
  await call.deps.objects.deleteContainer(call.ctx, { container: call.bucket });
  return { output: {} };
}

/** GET /bucket?location — empty for us-east-1, else the bucket's region. */
export async function getBucketLocation(call: S3Call): Promise<S3Result> {
  const info = await call.deps.objects.headContainer(call.ctx, { container: call.bucket });
  return { output: { LocationConstraint: info.region === 'us-east-1' ? '' : info.region } };
}

/** GET /bucket?tagging — NoSuchTagSet when none; the bucket's own project only (no ACL grants it). */
export async function getBucketTagging(call: S3Call): Promise<S3Result> {
  await ownBucket(call);
  const info = await call.deps.objects.headContainer(call.ctx, { container: call.bucket });
  if (!info.tags || !Object.keys(info.tags).length) throw s3Error('NoSuchTagSet');
  return { output: { TagSet: tagSetOf(info.tags) } };
}

/** PUT /bucket?tagging — replaces the tag set. */
export async function putBucketTagging(call: S3Call): Promise<S3Result> {
  const t = call.input.Tagging as { TagSet?: Array<{ Key?: string; Value?: string }> } | undefined;
  if (!t) throw s3Error('MalformedXML');
  await call.deps.objects.updateContainer(call.ctx, { container: call.bucket }, { tags: tagsFromTagSet(t.TagSet) });
  return { output: {}, status: 204 };
}

/** DELETE /bucket?tagging. */
export async function deleteBucketTagging(call: S3Call): Promise<S3Result> {
  await call.deps.objects.updateContainer(call.ctx, { container: call.bucket }, { tags: null });
  return { output: {} };
}
