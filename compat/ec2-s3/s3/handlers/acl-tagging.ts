// Bucket and object ACLs (canned, header grants, AccessControlPolicy bodies) and object tagging.
import type { AclGrant, AclPermission, AclView, S3Acl } from '../../../../core/objects/types.js';
import { s3Error } from '../errors.js';
import type { S3Call, S3Result } from '../handler-types.js';
import { aclFromHeaders, ALL_USERS, AUTHENTICATED_USERS, granteeFrom, tagSetOf, tagsFromTagSet } from '../wire.js';

const PERMISSIONS = new Set(['FULL_CONTROL', 'READ', 'WRITE', 'READ_ACP', 'WRITE_ACP']);

/**
 * A stored ACL as an AccessControlPolicy, as S3 shows it. A canned ACL is its expansion: the owner's
 * FULL_CONTROL, the bucket owner's grant of `bucket-owner-read`/`-full-control` (when the bucket owner
 * is not the object owner), then the group grants. Explicit grants (header grants or a policy body)
 * are shown exactly as put, even none: the owner keeps its rights without a grant. Every canonical
 * user carries its project's name as DisplayName.
 */
function policyOf(view: AclView): Record<string, unknown> {
  const user = (id: string) => ({ ID: id, DisplayName: view.displayNames[id] ?? id });
  const grants: Array<{ Grantee: Record<string, string>; Permission: AclPermission }> = [];
  const add = (g: AclGrant['grantee'], permission: AclPermission) => {
    const grantee: Record<string, string> = g.type === 'group' ? { Type: 'Group', URI: g.group === 'AllUsers' ? ALL_USERS : AUTHENTICATED_USERS } : { Type: 'CanonicalUser', ...user(g.projectId) };
    if (!grants.some((x) => x.Permission === permission && x.Grantee.Type === grantee.Type && x.Grantee.ID === grantee.ID && x.Grantee.URI === grantee.URI)) {
      grants.push({ Grantee: grantee, Permission: permission });
    }
  };
  const { acl, owner, bucketOwner } = view;
  if (acl.canned !== undefined) {
    add({ type: 'project', projectId: owner }, 'FULL_CONTROL');
    if (bucketOwner !== owner && acl.canned === 'bucket-owner-read') add({ type: 'project', projectId: bucketOwner }, 'READ');
    if (bucketOwner !== owner && acl.canned === 'bucket-owner-full-control') add({ type: 'project', projectId: bucketOwner }, 'FULL_CONTROL');
  }
  for (const g of acl.grants) add(g.grantee, g.permission);
  return { Owner: user(owner), Grants: grants };
}

/** The ACL a Put*Acl request sets: headers, or an AccessControlPolicy body. */
function aclFromRequest(call: S3Call): S3Acl {
  const fromHeaders = aclFromHeaders(call.headers);
  const policy = call.input.AccessControlPolicy as
    | { Grants?: Array<{ Grantee?: { Type?: string; ID?: string; URI?: string; EmailAddress?: string }; Permission?: string }> }
    | undefined;
  if (fromHeaders && policy) throw s3Error('InvalidRequest', 'Specifying both an ACL header and an AccessControlPolicy body is not allowed');
  if (fromHeaders) return fromHeaders;
  if (!policy) throw s3Error('MalformedXML');
  const grants: AclGrant[] = (policy.Grants ?? []).map((g) => {
    if (!g.Grantee || !g.Permission || !PERMISSIONS.has(g.Permission)) throw s3Error('MalformedXML');
    return { grantee: granteeFrom(g.Grantee), permission: g.Permission as AclGrant['permission'] };
  });
  return { grants };
}

/** GET /bucket?acl. */
export async function getBucketAcl(call: S3Call): Promise<S3Result> {
  const r = await call.deps.objects.getContainerAcl(call.ctx, { container: call.bucket });
  return { output: policyOf(r) };
}

/** PUT /bucket?acl. */
export async function putBucketAcl(call: S3Call): Promise<S3Result> {
  await call.deps.objects.updateContainer(call.ctx, { container: call.bucket }, { s3Acl: aclFromRequest(call) });
  return { output: {} };
}

/** GET /bucket/key?acl. */
export async function getObjectAcl(call: S3Call): Promise<S3Result> {
  const versionId = call.query.get('versionId') ?? undefined;
  const r = await call.deps.objects.getObjectAcl(call.ctx, { container: call.bucket, name: call.key }, { versionId });
  return { output: policyOf(r) };
}

/** PUT /bucket/key?acl — LastModified is unchanged. */
export async function putObjectAcl(call: S3Call): Promise<S3Result> {
  const versionId = call.query.get('versionId') ?? undefined;
  await call.deps.objects.putObjectAcl(call.ctx, { container: call.bucket, name: call.key }, aclFromRequest(call), { versionId });
  return { output: {} };
}

/** GET /bucket/key?tagging — an empty TagSet when none. */
export async function getObjectTagging(call: S3Call): Promise<S3Result> {
  const versionId = call.query.get('versionId') ?? undefined;
  const tags = await call.deps.objects.getObjectTags(call.ctx, { container: call.bucket, name: call.key }, { versionId });
  return { output: { TagSet: tagSetOf(tags), VersionId: versionId } };
}

/** PUT /bucket/key?tagging. */
export async function putObjectTagging(call: S3Call): Promise<S3Result> {
  const t = call.input.Tagging as { TagSet?: Array<{ Key?: string; Value?: string }> } | undefined;
  if (!t) throw s3Error('MalformedXML');
  const versionId = call.query.get('versionId') ?? undefined;
  await call.deps.objects.putObjectTags(call.ctx, { container: call.bucket, name: call.key }, tagsFromTagSet(t.TagSet), { versionId });
  return { output: { VersionId: versionId } };
}

/** DELETE /bucket/key?tagging. */
export async function deleteObjectTagging(call: S3Call): Promise<S3Result> {
  const versionId = call.query.get('versionId') ?? undefined;
  await call.deps.objects.putObjectTags(call.ctx, { container: call.bucket, name: call.key }, null, { versionId });
  return { output: { VersionId: versionId } };
}

const ACL_ACCEPTS =
  'x-amz-acl (private, public-read, public-read-write, authenticated-read, bucket-owner-read, bucket-owner-full-control), or x-amz-grant-* headers, or an AccessControlPolicy body (one of the three: InvalidRequest otherwise); grantees by id (a project id) or the AllUsers / AuthenticatedUsers groups; EmailAddress → UnresolvableGrantByEmailAddress';

/** What the compat matrix says the ACL operations accept. */
export const aclNotes: Readonly<Record<string, string>> = {
  PutBucketAcl: `${ACL_ACCEPTS}; blocked by PutPublicAccessBlock BlockPublicAcls`,
  PutObjectAcl: `${ACL_ACCEPTS}; ?versionId targets one version; LastModified unchanged`,
};
