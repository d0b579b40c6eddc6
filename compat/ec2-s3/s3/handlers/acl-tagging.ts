// Bucket and object ACLs (canned, header grants, AccessControlPolicy bodies) and object tagging.
import type { AclGrant, S3Acl, StoredAcl } from '../../../../core/objects/types.js';
import { s3Error } from '../errors.js';
import { ownerOf, type S3Call, type S3Result } from '../handler-types.js';
import { aclFromHeaders, ALL_USERS, AUTHENTICATED_USERS, granteeFrom, tagSetOf, tagsFromTagSet } from '../wire.js';

const PERMISSIONS = new Set(['FULL_CONTROL', 'READ', 'WRITE', 'READ_ACP', 'WRITE_ACP']);

/** A stored ACL as an AccessControlPolicy: the owner's FULL_CONTROL first, then the grants. */
function policyOf(call: S3Call, owner: string, acl: StoredAcl): Record<string, unknown> {
  const own = ownerOf(call.ctx.auth, owner)!;
  const grantee = (g: AclGrant['grantee']) =>
    g.type === 'group'
      ? { Type: 'Group', URI: g.group === 'AllUsers' ? ALL_USERS : AUTHENTICATED_USERS }
      : { Type: 'CanonicalUser', ...ownerOf(call.ctx.auth, g.projectId) };
  const grants = acl.grants.map((g) => ({ Grantee: grantee(g.grantee), Permission: g.permission }));
  const ownerHasFull = acl.grants.some((g) => g.grantee.type === 'project' && g.grantee.projectId === owner && g.permission === 'FULL_CONTROL');
  if (!ownerHasFull) grants.unshift({ Grantee: { Type: 'CanonicalUser', ...own }, Permission: 'FULL_CONTROL' });
  return { Owner: own, Grants: grants };
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
  return { output: policyOf(call, r.owner, r.acl) };
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
  return { output: policyOf(call, r.owner, r.acl) };
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
