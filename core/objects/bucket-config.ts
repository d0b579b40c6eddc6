// Bucket configuration documents (CORS, policy, lifecycle, public access block): reading, setting and deleting them, and evaluating CORS requests.
import { and, eq } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import { objBucketConfigs } from '../db/schema/objects.js';
import { errors } from '../errors.js';
import { findContainer, requireContainer } from './authorize.js';
import { assertBucketAction, bucketConfigs, type BucketConfigDocs, type BucketConfigKind } from './bucket-guard.js';
import { isPublicPolicy, validateBucketPolicy, type BucketPolicy } from './bucket-policy.js';
import { matchCorsRule, validateCorsRules, type CorsRequest, type CorsRule } from './cors.js';
import { validateLifecycleRules, type LifecycleRule, type LifecycleUnsupported } from './lifecycle.js';
import type { ObjectStoreContext } from './store-context.js';
import type { ContainerRef } from './types.js';

export type { BucketConfigDocs, BucketConfigKind, PublicAccessBlock } from './bucket-guard.js';

/** The IAM actions reading, setting and deleting each kind need. */
const ACTIONS: Record<BucketConfigKind, { get: string; put: string; delete: string }> = {
  cors: { get: 's3:GetBucketCORS', put: 's3:PutBucketCORS', delete: 's3:PutBucketCORS' },
  policy: { get: 's3:GetBucketPolicy', put: 's3:PutBucketPolicy', delete: 's3:DeleteBucketPolicy' },
  lifecycle: { get: 's3:GetLifecycleConfiguration', put: 's3:PutLifecycleConfiguration', delete: 's3:PutLifecycleConfiguration' },
  'public-access-block': { get: 's3:GetBucketPublicAccessBlock', put: 's3:PutBucketPublicAccessBlock', delete: 's3:PutBucketPublicAccessBlock' },
  accelerate: { get: 's3:GetAccelerateConfiguration', put: 's3:PutAccelerateConfiguration', delete: 's3:PutAccelerateConfiguration' },
  'request-payment': { get: 's3:GetBucketRequestPayment', put: 's3:PutBucketRequestPayment', delete: 's3:PutBucketRequestPayment' },
  logging: { get: 's3:GetBucketLogging', put: 's3:PutBucketLogging', delete: 's3:PutBucketLogging' },
};

/** The stored document of `kind`, or NotFound (resource `bucket-config`, id = kind) when the bucket has none. */
export async function getBucketConfig<K extends BucketConfigKind>(store: ObjectStoreContext, ctx: RequestContext, ref: ContainerRef, kind: K): Promise<NonNullable<BucketConfigDocs[K]>> {
  const c = requireContainer(store, ref, ctx);
  const docs = bucketConfigs(store, c.id);
  assertBucketAction(ctx, c, docs, ACTIONS[kind].get, false);
  const doc = docs[kind];
  if (doc === undefined) throw errors.notFound('bucket-config', kind);
  return doc as NonNullable<BucketConfigDocs[K]>;
}

/** What PutBucketLifecycleConfiguration carries besides the rules: the actions we refuse. */
export interface PutBucketConfigOptions {
  lifecycleUnsupported?: LifecycleUnsupported[];
}

/**
 * Validates and stores a document (replacing the previous one). Policy: meaning checked by
 * validateBucketPolicy, and a public policy refused (Forbidden) under BlockPublicPolicy.
 */
export async function putBucketConfig<K extends BucketConfigKind>(
  store: ObjectStoreContext,
  ctx: RequestContext,
  ref: ContainerRef,
  kind: K,
  doc: NonNullable<BucketConfigDocs[K]>,
  opts: PutBucketConfigOptions = {},
): Promise<void> {
  const c = requireContainer(store, ref, ctx);
  const docs = bucketConfigs(store, c.id);
  assertBucketAction(ctx, c, docs, ACTIONS[kind].put, true);
  if (kind === 'cors') validateCorsRules(doc as CorsRule[]);
  if (kind === 'lifecycle') validateLifecycleRules(doc as LifecycleRule[], opts.lifecycleUnsupported ?? []);
  if (kind === 'policy') {
    const policy = doc as BucketPolicy;
    validateBucketPolicy(policy, c.name, (id) => store.stmts.projectDomainId(id) !== undefined);
    if (docs['public-access-block']?.blockPublicPolicy && isPublicPolicy(policy)) throw errors.forbidden('Access Denied');
  }
  const now = store.now();
  store.db
    .insert(objBucketConfigs)
    .values({ containerId: c.id, kind, document: doc, updatedAt: now })
    .onConflictDoUpdate({ target: [objBucketConfigs.containerId, objBucketConfigs.kind], set: { document: doc, updatedAt: now } })
    .run();
}

/** Removes the document of `kind` (no error when there is none, as S3's Delete* answer 204). */
export async function deleteBucketConfig(store: ObjectStoreContext, ctx: RequestContext, ref: ContainerRef, kind: BucketConfigKind): Promise<void> {
  const c = requireContainer(store, ref, ctx);
  const docs = bucketConfigs(store, c.id);
  assertBucketAction(ctx, c, docs, ACTIONS[kind].delete, true);
  store.db.delete(objBucketConfigs).where(and(eq(objBucketConfigs.containerId, c.id), eq(objBucketConfigs.kind, kind))).run();
}

/** GetBucketPolicyStatus: whether the policy is public (NotFound `bucket-config` policy without one). */
export async function getBucketPolicyStatus(store: ObjectStoreContext, ctx: RequestContext, ref: ContainerRef): Promise<{ isPublic: boolean }> {
  const c = requireContainer(store, ref, ctx);
  const docs = bucketConfigs(store, c.id);
  assertBucketAction(ctx, c, docs, 's3:GetBucketPolicyStatus', false);
  if (!docs.policy) throw errors.notFound('bucket-config', 'policy');
  return { isPublic: isPublicPolicy(docs.policy) };
}

/** The outcome of a CORS evaluation: no configuration, no matching rule, or the rule that matched. */
export type CorsOutcome = { kind: 'no-bucket' } | { kind: 'not-enabled' } | { kind: 'denied' } | { kind: 'allowed'; rule: CorsRule };

/**
 * Evaluates a cross-origin request against the bucket's CORS rules. No authorization: preflights are
 * anonymous by nature (browsers send no credentials), and the rules are what the owner chose to publish.
 */
export async function evaluateCors(store: ObjectStoreContext, ctx: RequestContext, ref: ContainerRef, req: CorsRequest): Promise<CorsOutcome> {
  const c = findContainer(store, ref, ctx);
  if (!c) return { kind: 'no-bucket' };
  const rules = bucketConfigs(store, c.id).cors;
  if (!rules) return { kind: 'not-enabled' };
  const rule = matchCorsRule(rules, req);
  return rule ? { kind: 'allowed', rule } : { kind: 'denied' };
}
