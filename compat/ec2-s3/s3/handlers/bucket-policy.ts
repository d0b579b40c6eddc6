// Bucket policies on the S3 face: the JSON document parsed (bounded) into core's statements, Put/Get/DeleteBucketPolicy and GetBucketPolicyStatus.
import { parseBoundedJson } from '../../../../core/bounded-json.js';
import type { BucketPolicy, PolicyCondition, PolicyPrincipal, PolicyStatement } from '../../../../core/objects/bucket-policy.js';
import { s3Error } from '../errors.js';
import type { S3Handler } from '../handler-types.js';

/** Largest policy document S3 accepts (20 KB). */
const MAX_POLICY_BYTES = 20 * 1024;

const malformed = (message: string) => s3Error('MalformedPolicy', message);

const STATEMENT_KEYS = new Set(['Sid', 'Effect', 'Principal', 'Action', 'Resource', 'Condition']);

function strings(v: unknown, what: string): string[] {
  const list = Array.isArray(v) ? v : [v];
  if (!list.length || list.some((s) => typeof s !== 'string' || s === '')) throw malformed(`Policy has an invalid ${what}`);
  return list as string[];
}

/**
 * Principal forms we map: `"*"` and `{"AWS": "*"}` (everyone, anonymous included); `{"AWS": id | arn}` and
 * `{"CanonicalUser": id}`, where an id is a project id (S3's canonical user id here) and
 * `arn:aws:iam::<project id>:root` the same account. Users, roles, services and federated principals
 * have no meaning here and are refused.
 */
function principal(v: unknown): PolicyPrincipal {
  if (v === '*') return { any: true, projects: [] };
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw malformed('Invalid principal in policy');
  const out: PolicyPrincipal = { any: false, projects: [] };
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    if (k !== 'AWS' && k !== 'CanonicalUser') throw malformed('Invalid principal in policy');
    for (const p of strings(val, 'principal')) {
      if (p === '*' && k === 'AWS') out.any = true;
      else if (/^[0-9A-Za-z_-]+$/.test(p)) out.projects.push(p);
      else {
        const m = k === 'AWS' ? /^arn:aws:iam::([0-9A-Za-z_-]+):root$/.exec(p) : null;
        if (!m) throw malformed('Invalid principal in policy');
        out.projects.push(m[1]!);
      }
    }
  }
  return out;
}

function conditions(v: unknown): PolicyCondition[] {
  if (v === undefined) return [];
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw malformed('Policy has an invalid condition block');
  const out: PolicyCondition[] = [];
  for (const [operator, tests] of Object.entries(v as Record<string, unknown>)) {
    if (typeof tests !== 'object' || tests === null || Array.isArray(tests)) throw malformed('Policy has an invalid condition block');
    for (const [key, values] of Object.entries(tests as Record<string, unknown>)) {
      const list = (Array.isArray(values) ? values : [values]).map((x) => (typeof x === 'boolean' ? String(x) : x));
      out.push({ operator, key, values: strings(list, 'condition value') });
    }
  }
  return out;
}

function statement(v: unknown): PolicyStatement {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw malformed('Policy has an invalid statement');
  const s = v as Record<string, unknown>;
  for (const k of Object.keys(s)) {
    // NotPrincipal/NotAction/NotResource and anything else are refused rather than ignored.
    if (!STATEMENT_KEYS.has(k)) throw malformed(`Policy has an unsupported element: ${k}`);
  }
  if (s.Effect !== 'Allow' && s.Effect !== 'Deny') throw malformed('Invalid effect: ' + String(s.Effect));
  if (s.Principal === undefined) throw malformed('Missing required field Principal');
  if (s.Action === undefined) throw malformed('Missing required field Action');
  if (s.Resource === undefined) throw malformed('Missing required field Resource');
  if (s.Sid !== undefined && typeof s.Sid !== 'string') throw malformed('Policy has an invalid Sid');
  return {
    sid: s.Sid as string | undefined,
    effect: s.Effect,
    principal: principal(s.Principal),
    actions: strings(s.Action, 'action'),
    resources: strings(s.Resource, 'resource'),
    conditions: conditions(s.Condition),
  };
}

/** Parses a policy document (JSON, depth-bounded) into core's form; MalformedPolicy on anything else. */
export function parsePolicy(text: string): BucketPolicy {
  if (Buffer.byteLength(text, 'utf8') > MAX_POLICY_BYTES) throw malformed('Policies must be less than 20KB');
  let doc: unknown;
  try {
    doc = parseBoundedJson(text, 'Policies must be valid JSON');
  } catch {
    throw malformed("Policies must be valid JSON and the first byte must be '{'");
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw malformed("Policies must be valid JSON and the first byte must be '{'");
  const d = doc as Record<string, unknown>;
  for (const k of Object.keys(d)) if (k !== 'Version' && k !== 'Id' && k !== 'Statement') throw malformed(`Policy has an unsupported element: ${k}`);
  // No Version is IAM's 2008-10-17; neither version uses policy variables, which we do not expand.
  if (d.Version !== undefined && d.Version !== '2012-10-17' && d.Version !== '2008-10-17') throw malformed('The policy must contain a valid version string');
  if (d.Id !== undefined && typeof d.Id !== 'string') throw malformed('Policy has an invalid Id');
  if (d.Statement === undefined) throw malformed('Missing required field Statement');
  const list = (Array.isArray(d.Statement) ? d.Statement : [d.Statement]).map(statement);
  const sids = list.map((s) => s.sid).filter((s) => s !== undefined);
  if (new Set(sids).size !== sids.length) throw malformed('Statement IDs (SID) must be unique');
  return { text, statements: list };
}

/** PutBucketPolicy: 204; the owner may always set it (even past a Deny), and BlockPublicAccess may refuse a public one. */
export const putBucketPolicy: S3Handler = async (call) => {
  const text = typeof call.input.Policy === 'string' ? call.input.Policy : '';
  if (!text.trim()) throw malformed("Policies must be valid JSON and the first byte must be '{'");
  await call.deps.objects.putBucketConfig(call.ctx, { container: call.bucket }, 'policy', parsePolicy(text));
  return { status: 204 };
};

/** GetBucketPolicy: the document as it was put; 404 NoSuchBucketPolicy without one. */
export const getBucketPolicy: S3Handler = async (call) => {
  const policy = await call.deps.objects.getBucketConfig(call.ctx, { container: call.bucket }, 'policy');
  return { output: { Policy: policy.text }, headers: { 'content-type': 'application/json' } };
};

/** DeleteBucketPolicy: 204 whether or not there was one. */
export const deleteBucketPolicy: S3Handler = async (call) => {
  await call.deps.objects.deleteBucketConfig(call.ctx, { container: call.bucket }, 'policy');
  return { status: 204 };
};

/** GetBucketPolicyStatus: IsPublic as S3 judges it (an Allow to everyone not pinned to source addresses). */
export const getBucketPolicyStatus: S3Handler = async (call) => {
  const s = await call.deps.objects.getBucketPolicyStatus(call.ctx, { container: call.bucket });
  return { output: { PolicyStatus: { IsPublic: s.isPublic } } };
};
