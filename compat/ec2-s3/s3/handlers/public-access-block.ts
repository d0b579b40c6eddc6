// The bucket public access block on the S3 face: Put/Get/DeletePublicAccessBlock (core enforces the switches on every request).
import { s3Error } from '../errors.js';
import type { S3Handler } from '../handler-types.js';

/** PutPublicAccessBlock: the four switches (absent ones false), enforced by core on every request. */
export const putPublicAccessBlock: S3Handler = async (call) => {
  const c = call.input.PublicAccessBlockConfiguration as Record<string, boolean | undefined> | undefined;
  if (!c) throw s3Error('MalformedXML');
  await call.deps.objects.putBucketConfig(call.ctx, { container: call.bucket }, 'public-access-block', {
    blockPublicAcls: c.BlockPublicAcls === true,
    ignorePublicAcls: c.IgnorePublicAcls === true,
    blockPublicPolicy: c.BlockPublicPolicy === true,
    restrictPublicBuckets: c.RestrictPublicBuckets === true,
  });
  return {};
};

/** GetPublicAccessBlock: 404 NoSuchPublicAccessBlockConfiguration without one. */
export const getPublicAccessBlock: S3Handler = async (call) => {
  const p = await call.deps.objects.getBucketConfig(call.ctx, { container: call.bucket }, 'public-access-block');
  return {
    output: {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: p.blockPublicAcls,
        IgnorePublicAcls: p.ignorePublicAcls,
        BlockPublicPolicy: p.blockPublicPolicy,
        RestrictPublicBuckets: p.restrictPublicBuckets,
      },
    },
  };
};

/** DeletePublicAccessBlock: 204. */
export const deletePublicAccessBlock: S3Handler = async (call) => {
  await call.deps.objects.deleteBucketConfig(call.ctx, { container: call.bucket }, 'public-access-block');
  return { status: 204 };
};
