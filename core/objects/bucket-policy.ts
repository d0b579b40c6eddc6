// Bucket policies: the subset of the IAM policy language skybridge evaluates (validation of meaning, and the allow/deny decision).
import { BlockList, isIP } from 'node:net';
import type { RequestContext } from '../context.js';
import { errors } from '../errors.js';

/**
 * Who a statement names. `any`: everyone, anonymous callers included (`"*"` / `{"AWS": "*"}`).
 * `projects`: Keystone project ids — an S3 canonical user id is the project id, and
 * `arn:aws:iam::<project id>:root` names the same account; a caller matches when its token is scoped
 * to that project (the account's own "IAM" is then its Keystone roles, see {@link evaluatePolicy}).
 */
export interface PolicyPrincipal {
  any: boolean;
  projects: string[];
}

/** One condition test: `operator` over `key` with any of `values` (keys are compared lower-cased). */
export interface PolicyCondition {
  operator: string;
  key: string;
  values: string[];
}

/** One statement, as parsed by the S3 face from the policy JSON. */
export interface PolicyStatement {
  sid?: string;
  effect: 'Allow' | 'Deny';
  principal: PolicyPrincipal;
  /** `s3:Name` patterns (`*` and `?` wildcards), or `*`. */
  actions: string[];
  /** `arn:aws:s3:::bucket` or `arn:aws:s3:::bucket/<key pattern>`. */
  resources: string[];
  conditions: PolicyCondition[];
}

/** A bucket policy: the document as the owner sent it (GetBucketPolicy returns it), and its statements. */
export interface BucketPolicy {
  text: string;
  statements: PolicyStatement[];
}

/** Facts of one request a policy is evaluated against. */
export interface PolicyRequest {
  /** `s3:GetObject`, `s3:ListBucket`, ... */
  action: string;
  /** The object key for object-level actions; undefined for bucket-level ones. */
  key?: string;
  /** `s3:prefix` of a listing. */
  prefix?: string;
}

/** The outcome of a policy for one request: an explicit deny, an allow, or nothing said. */
export type PolicyDecision = 'deny' | 'allow' | undefined;

type ResourceKind = 'bucket' | 'object';

/** The S3 actions a policy may name, with the resource type each applies to (the IAM service authorization reference). */
const ACTIONS: ReadonlyMap<string, ResourceKind> = new Map(
  [
    ...[
      'AbortMultipartUpload', 'BypassGovernanceRetention', 'DeleteObject', 'DeleteObjectTagging', 'DeleteObjectVersion',
      'DeleteObjectVersionTagging', 'GetObject', 'GetObjectAcl', 'GetObjectAttributes', 'GetObjectLegalHold',
      'GetObjectRetention', 'GetObjectTagging', 'GetObjectTorrent', 'GetObjectVersion', 'GetObjectVersionAcl',
      'GetObjectVersionAttributes', 'GetObjectVersionTagging', 'GetObjectVersionTorrent', 'ListMultipartUploadParts',
      'PutObject', 'PutObjectAcl', 'PutObjectLegalHold', 'PutObjectRetention', 'PutObjectTagging', 'PutObjectVersionAcl',
      'PutObjectVersionTagging', 'RestoreObject',
    ].map((a) => [a, 'object'] as const),
    ...[
      'CreateBucket', 'DeleteBucket', 'DeleteBucketPolicy', 'DeleteBucketWebsite', 'GetAccelerateConfiguration',
      'GetAnalyticsConfiguration', 'GetBucketAcl', 'GetBucketCORS', 'GetBucketLocation', 'GetBucketLogging',
      'GetBucketNotification', 'GetBucketObjectLockConfiguration', 'GetBucketOwnershipControls', 'GetBucketPolicy',
      'GetBucketPolicyStatus', 'GetBucketPublicAccessBlock', 'GetBucketRequestPayment', 'GetBucketTagging',
      'GetBucketVersioning', 'GetBucketWebsite', 'GetEncryptionConfiguration', 'GetIntelligentTieringConfiguration',
      'GetInventoryConfiguration', 'GetLifecycleConfiguration', 'GetMetricsConfiguration', 'GetReplicationConfiguration',
      'ListBucket', 'ListBucketMultipartUploads', 'ListBucketVersions', 'PutAccelerateConfiguration',
      'PutAnalyticsConfiguration', 'PutBucketAcl', 'PutBucketCORS', 'PutBucketLogging', 'PutBucketNotification',
      'PutBucketObjectLockConfiguration', 'PutBucketOwnershipControls', 'PutBucketPolicy', 'PutBucketPublicAccessBlock',
      'PutBucketRequestPayment', 'PutBucketTagging', 'PutBucketVersioning', 'PutBucketWebsite',
      'PutEncryptionConfiguration', 'PutIntelligentTieringConfiguration', 'PutInventoryConfiguration',
      'PutLifecycleConfiguration', 'PutMetricsConfiguration', 'PutReplicationConfiguration',
    ].map((a) => [a, 'bucket'] as const),
  ].map(([a, k]) => [`s3:${a}`.toLowerCase(), k]),
);

/** The policy operations the bucket owner may always perform, whatever the policy says (as AWS account root). */
export const OWNER_POLICY_ACTIONS: ReadonlySet<string> = new Set(['s3:GetBucketPolicy', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy'].map((a) => a.toLowerCase()));

/** Condition operators and the keys each may test; anything else is refused rather than ignored. */
const CONDITIONS: Readonly<Record<string, ReadonlySet<string>>> = {
  Bool: new Set(['aws:securetransport']),
  IpAddress: new Set(['aws:sourceip']),
  NotIpAddress: new Set(['aws:sourceip']),
  StringEquals: new Set(['s3:prefix']),
  StringNotEquals: new Set(['s3:prefix']),
  StringLike: new Set(['s3:prefix']),
  StringNotLike: new Set(['s3:prefix']),
};

/** Operators that hold when the key is absent from the request (IAM's negated operators). */
const NEGATED = new Set(['NotIpAddress', 'StringNotEquals', 'StringNotLike']);

const malformed = (message: string) => errors.invalid(message, { reason: 'MalformedPolicy' });

/** IAM's `*` (any run) and `?` (one character) wildcards, anchored. */
function globRegExp(pattern: string, flags = ''): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, flags + 's');
}

/** The known actions an action pattern matches (lower-cased). */
function expandAction(pattern: string): string[] {
  if (pattern === '*') return [...ACTIONS.keys()];
  const re = globRegExp(pattern.toLowerCase());
  return [...ACTIONS.keys()].filter((a) => re.test(a));
}

/** Splits `arn:aws:s3:::bucket[/key]` into its bucket and key pattern; undefined when it is no S3 resource. */
function parseResource(arn: string): { bucket: string; key?: string } | undefined {
  const m = /^arn:aws:s3:::([^/]+)(?:\/(.*))?$/s.exec(arn);
  if (!m) return undefined;
  return { bucket: m[1]!, key: m[2] };
}

function validateCondition(c: PolicyCondition): void {
  const keys = CONDITIONS[c.operator];
  if (!keys) throw malformed(`Policy has an unsupported condition operator: ${c.operator}`);
  if (!keys.has(c.key.toLowerCase())) throw malformed(`Policy has an invalid condition key: ${c.key}`);
  if (!c.values.length) throw malformed('Policy has an empty condition value list.');
  if (c.operator === 'Bool') {
    for (const v of c.values) if (v !== 'true' && v !== 'false') throw malformed(`Invalid Condition Bool value: ${v}`);
  }
  if (c.operator === 'IpAddress' || c.operator === 'NotIpAddress') {
    for (const v of c.values) if (!parseCidr(v)) throw malformed(`Invalid IpAddress value: ${v}`);
  }
}

/** `a.b.c.d[/n]` or an IPv6 address with optional prefix length; undefined when malformed. */
function parseCidr(v: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | undefined {
  const [address, len, ...rest] = v.trim().split('/');
  if (rest.length || !address) return undefined;
  const fam = isIP(address);
  if (!fam) return undefined;
  const max = fam === 4 ? 32 : 128;
  const prefix = len === undefined ? max : /^\d{1,3}$/.test(len) ? Number(len) : NaN;
  if (!(prefix >= 0 && prefix <= max)) return undefined;
  return { address, prefix, family: fam === 4 ? 'ipv4' : 'ipv6' };
}

/**
 * Validates the meaning of a parsed policy for `bucket`: at least one statement; every action an S3
 * action (wildcards must match one) that applies to one of the statement's resources; every resource
 * inside this bucket; conditions limited to those we evaluate; principal projects that exist
 * (`projectExists`). Invalid with reason MalformedPolicy otherwise: a policy we cannot evaluate is
 * refused, never stored and ignored.
 */
export function validateBucketPolicy(policy: BucketPolicy, bucket: string, projectExists: (id: string) => boolean): void {
  if (!policy.statements.length) throw malformed('Could not parse the policy: Statement is empty!');
  for (const st of policy.statements) {
    if (!st.principal.any && !st.principal.projects.length) throw malformed('Invalid principal in policy');
    for (const p of st.principal.projects) if (!projectExists(p)) throw malformed('Invalid principal in policy');
    if (!st.actions.length) throw malformed('Policy has no action.');
    if (!st.resources.length) throw malformed('Policy has no resource.');
    const kinds = new Set<ResourceKind>();
    for (const r of st.resources) {
      const res = parseResource(r);
      if (!res || res.bucket !== bucket) throw malformed('Policy has invalid resource');
      kinds.add(res.key === undefined ? 'bucket' : 'object');
    }
    for (const a of st.actions) {
      if (a !== '*' && !a.toLowerCase().startsWith('s3:')) throw malformed('Policy has invalid action');
      const known = expandAction(a);
      if (!known.length) throw malformed('Policy has invalid action');
      if (!known.some((k) => kinds.has(ACTIONS.get(k)!))) throw malformed('Action does not apply to any resource(s) in statement');
    }
    for (const c of st.conditions) validateCondition(c);
  }
}

/** Facts a policy's conditions read, from the request context (absent ones as IAM treats missing keys). */
function conditionValue(ctx: RequestContext, req: PolicyRequest, key: string): string | undefined {
  switch (key.toLowerCase()) {
    case 'aws:securetransport':
      // Always known: skybridge either terminated TLS for this request or it did not.
      return String(ctx.facts?.secureTransport ?? false);
    case 'aws:sourceip':
      return ctx.facts?.sourceIp;
    case 's3:prefix':
      return req.prefix;
    default:
      return undefined;
  }
}

/** An IPv4-mapped IPv6 socket address (`::ffff:10.0.0.1`) is the IPv4 address it carries. */
function plainIp(ip: string): { address: string; family: 'ipv4' | 'ipv6' } | undefined {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  const address = m ? m[1]! : ip;
  const fam = isIP(address);
  return fam ? { address, family: fam === 4 ? 'ipv4' : 'ipv6' } : undefined;
}

function ipIn(ip: string, cidrs: string[]): boolean {
  const addr = plainIp(ip);
  if (!addr) return false;
  const list = new BlockList();
  for (const v of cidrs) {
    const c = parseCidr(v)!;
    list.addSubnet(c.address, c.prefix, c.family);
  }
  return list.check(addr.address, addr.family);
}

function conditionHolds(ctx: RequestContext, req: PolicyRequest, c: PolicyCondition): boolean {
  const v = conditionValue(ctx, req, c.key);
  if (v === undefined) return NEGATED.has(c.operator);
  switch (c.operator) {
    case 'Bool':
      return c.values.includes(v);
    case 'IpAddress':
      return ipIn(v, c.values);
    case 'NotIpAddress':
      return !ipIn(v, c.values);
    case 'StringEquals':
      return c.values.includes(v);
    case 'StringNotEquals':
      return !c.values.includes(v);
    case 'StringLike':
      return c.values.some((p) => globRegExp(p).test(v));
    case 'StringNotLike':
      return !c.values.some((p) => globRegExp(p).test(v));
    default:
      return false;
  }
}

/** True for actions that only read (`s3:Get*`, `s3:List*`): a reader of the named project may be granted those. */
function isReadAction(action: string): boolean {
  const a = action.toLowerCase();
  return a.startsWith('s3:get') || a.startsWith('s3:list');
}

/**
 * Whether the statement's principal covers the caller. A project principal covers callers whose token
 * is scoped to that project; for an Allow, the caller must also hold a role there that could perform
 * the action in its own account (any role for reads, a writing role otherwise) — Keystone roles stand
 * in for the account's own IAM policies. A Deny covers every caller scoped to the project.
 */
function principalCovers(ctx: RequestContext, st: PolicyStatement, action: string, roleOf: (projectId: string) => 'read' | 'write' | undefined): boolean {
  if (st.principal.any) return true;
  const p = ctx.auth?.projectId;
  if (!p || !st.principal.projects.includes(p)) return false;
  if (st.effect === 'Deny') return true;
  const role = roleOf(p);
  return role === 'write' || (role === 'read' && isReadAction(action));
}

function statementApplies(ctx: RequestContext, st: PolicyStatement, bucket: string, req: PolicyRequest, roleOf: (projectId: string) => 'read' | 'write' | undefined): boolean {
  const action = req.action.toLowerCase();
  if (!st.actions.some((a) => a === '*' || globRegExp(a.toLowerCase()).test(action))) return false;
  const arn = req.key === undefined ? `arn:aws:s3:::${bucket}` : `arn:aws:s3:::${bucket}/${req.key}`;
  if (!st.resources.some((r) => globRegExp(r).test(arn))) return false;
  if (!principalCovers(ctx, st, req.action, roleOf)) return false;
  return st.conditions.every((c) => conditionHolds(ctx, req, c));
}

/**
 * The policy's decision for one request: `deny` when any matching Deny statement covers it (an explicit
 * deny beats every allow, the owner's included), `allow` when a matching Allow does, else undefined.
 * `roleOf` says which standing the caller has on a project (see principalCovers); `ignorePublic`
 * drops public Allow statements for callers outside `ownerProjectId` (RestrictPublicBuckets).
 */
export function evaluatePolicy(
  policy: BucketPolicy,
  ctx: RequestContext,
  bucket: string,
  req: PolicyRequest,
  roleOf: (projectId: string) => 'read' | 'write' | undefined,
  restrict?: { ownerProjectId: string },
): PolicyDecision {
  let allowed = false;
  for (const st of policy.statements) {
    if (!statementApplies(ctx, st, bucket, req, roleOf)) continue;
    if (st.effect === 'Deny') return 'deny';
    if (restrict && isPublicStatement(st) && ctx.auth?.projectId !== restrict.ownerProjectId) continue;
    allowed = true;
  }
  return allowed ? 'allow' : undefined;
}

/**
 * A statement is public (S3's "policy status") when it allows everyone and no condition pins it to
 * fixed source addresses (an `aws:SourceIp` range narrower than the whole address space).
 */
function isPublicStatement(st: PolicyStatement): boolean {
  if (st.effect !== 'Allow' || !st.principal.any) return false;
  const pinned = st.conditions.some(
    (c) => c.operator === 'IpAddress' && c.key.toLowerCase() === 'aws:sourceip' && c.values.every((v) => (parseCidr(v)?.prefix ?? 0) > 0),
  );
  return !pinned;
}

/** GetBucketPolicyStatus `IsPublic`: some statement is public (see isPublicStatement). */
export function isPublicPolicy(policy: BucketPolicy): boolean {
  return policy.statements.some(isPublicStatement);
}
