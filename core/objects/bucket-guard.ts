// What a bucket's configuration enforces on every request: the bucket policy's decision and the public access block.
import type { RequestContext } from '../context.js';
import { errors } from '../errors.js';
import { canWriteRole, projectRole } from './access.js';
import { evaluatePolicy, OWNER_POLICY_ACTIONS, type BucketPolicy, type PolicyDecision, type PolicyRequest } from './bucket-policy.js';
import type { CorsRule } from './cors.js';
import type { LifecycleRule } from './lifecycle.js';
import type { ContainerRow, ObjectStoreContext } from './store-context.js';
import type { StoredAcl } from './types.js';

/** S3's four public access block switches. */
export interface PublicAccessBlock {
  blockPublicAcls: boolean;
  ignorePublicAcls: boolean;
  blockPublicPolicy: boolean;
  restrictPublicBuckets: boolean;
}

/** Every configuration kind and its stored document. */
export interface BucketConfigDocs {
  cors?: CorsRule[];
  policy?: BucketPolicy;
  lifecycle?: LifecycleRule[];
  'public-access-block'?: PublicAccessBlock;
  /** Transfer acceleration explicitly suspended (enabling it is refused: there is no accelerate endpoint). */
  accelerate?: { status: 'Suspended' };
  /** Who pays: only the bucket owner (Requester Pays is refused). */
  'request-payment'?: { payer: 'BucketOwner' };
  /** Server access logging, set off (enabling it is refused: no logs are delivered). */
  logging?: { enabled: false };
}

export type BucketConfigKind = keyof BucketConfigDocs;

/** The configurations of a container (one indexed read). */
export function bucketConfigs(store: ObjectStoreContext, containerId: string): BucketConfigDocs {
  return store.stmts.bucketConfigs(containerId) as BucketConfigDocs;
}

const readWrite = (ctx: RequestContext) => (projectId: string) => {
  const r = projectRole(ctx, projectId);
  return canWriteRole(r) ? ('write' as const) : r ? ('read' as const) : undefined;
};

/** The bucket policy's decision for `req` on `c` (RestrictPublicBuckets applied); undefined without a policy. */
export function policyDecision(ctx: RequestContext, c: ContainerRow, docs: BucketConfigDocs, req: PolicyRequest): PolicyDecision {
  if (!docs.policy) return undefined;
  const restrict = docs['public-access-block']?.restrictPublicBuckets ? { ownerProjectId: c.projectId } : undefined;
  return evaluatePolicy(docs.policy, ctx, c.name, req, readWrite(ctx), restrict);
}

/** True when an S3 ACL grants anything to everyone or to every authenticated caller. */
export function isPublicAcl(acl: StoredAcl | undefined): boolean {
  return !!acl?.grants.some((g) => g.grantee.type === 'group');
}

/** True when a Swift ACL string lets in anyone (`.r:` referrers, `.rlistings`) or any project (`*:…`). */
export function isPublicSwiftAcl(acl: string | null | undefined): boolean {
  return (acl ?? '')
    .split(',')
    .map((s) => s.trim())
    .some((e) => (e.startsWith('.r:') && !e.startsWith('.r:-')) || e === '.rlistings' || e.startsWith('*:'));
}

/** The S3 ACL as the bucket honours it: without its public grants under IgnorePublicAcls. */
export function effectiveS3Acl(docs: BucketConfigDocs, acl: StoredAcl | undefined): StoredAcl | undefined {
  if (!acl || !docs['public-access-block']?.ignorePublicAcls) return acl;
  return { ...acl, grants: acl.grants.filter((g) => g.grantee.type !== 'group') };
}

/** The Swift ACL string as the bucket honours it: without its public elements under IgnorePublicAcls. */
export function effectiveSwiftAcl(docs: BucketConfigDocs, acl: string | null | undefined): string | null | undefined {
  if (!acl || !docs['public-access-block']?.ignorePublicAcls) return acl;
  return acl
    .split(',')
    .filter((e) => !isPublicSwiftAcl(e))
    .join(',');
}

/**
 * BlockPublicAcls: a request that would set a public S3 ACL (or a public Swift ACL) on a bucket with the
 * switch on is refused (Forbidden), whoever asks.
 */
export function refusePublicAcl(store: ObjectStoreContext, c: ContainerRow, acl: { s3?: StoredAcl; swiftRead?: string | null; swiftWrite?: string | null }): void {
  const pab = bucketConfigs(store, c.id)['public-access-block'];
  if (!pab?.blockPublicAcls) return;
  if (isPublicAcl(acl.s3) || isPublicSwiftAcl(acl.swiftRead) || isPublicSwiftAcl(acl.swiftWrite)) throw errors.forbidden('Access Denied');
}

/**
 * Bucket-level authorization for configuration operations: the policy's explicit Deny refuses (except
 * the owner's own policy operations, as for AWS account root); the owner's members may set, its readers
 * read; anyone else needs a policy Allow.
 */
export function assertBucketAction(ctx: RequestContext, c: ContainerRow, docs: BucketConfigDocs, action: string, write: boolean): void {
  const role = projectRole(ctx, c.projectId);
  const owner = write ? canWriteRole(role) : !!role;
  if (OWNER_POLICY_ACTIONS.has(action.toLowerCase())) {
    if (owner) return;
    // As in S3, the policy itself belongs to the owner's account: a caller of another account the policy
    // grants it to gets 405, anyone else 403.
    const granted = ctx.auth?.projectId !== c.projectId && policyDecision(ctx, c, docs, { action }) === 'allow';
    if (granted) throw errors.forbidden('The specified method is not allowed against this resource.', { reason: 'MethodNotAllowed' });
    throw errors.forbidden('Access Denied');
  }
  const decision = policyDecision(ctx, c, docs, { action });
  if (decision === 'deny') throw errors.forbidden('Access Denied');
  if (owner || decision === 'allow') return;
  throw errors.forbidden('Access Denied');
}

