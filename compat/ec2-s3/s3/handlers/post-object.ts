// PostObject: the browser form upload (POST /bucket, multipart/form-data) with a SigV4-signed policy, its conditions and success_action_*.
import { createHmac } from 'node:crypto';
import type { RequestContext } from '../../../../core/context.js';
import { awsErrors } from '../../common/aws-error.js';
import { buildXml } from '../../common/rest-xml.js';
import { hmacHex, safeEqualHex } from '../../common/sigv4.js';
import { s3Error } from '../errors.js';
import type { S3Deps } from '../handler-types.js';
import { refuseUnprovidedProtection } from '../protection.js';
import { refuseUnhonouredParameters } from '../request-parameters.js';
import { writeEncryptionFrom } from '../sse.js';
import { aclFromHeaders, quote, systemMetadataFrom, tagsFromHeader } from '../wire.js';

/** The form is buffered to be parsed: bodies above this answer EntityTooLarge (use a presigned PUT or multipart upload). */
export const POST_OBJECT_MAX_BYTES = 100 * (1 << 20);

/** Form fields the signature and policy machinery uses; never stored as object metadata. */
const AUTH_FIELDS = new Set(['policy', 'x-amz-signature', 'x-amz-algorithm', 'x-amz-credential', 'x-amz-date', 'x-amz-security-token', 'awsaccesskeyid', 'signature']);
/** Fields that become the PutObject request headers of the same name. */
const HEADER_FIELDS = new Set(['content-type', 'cache-control', 'content-disposition', 'content-encoding', 'expires', 'tagging']);
/** Fields that steer the response; they must be covered by the policy like any other. */
const RESPONSE_FIELDS = new Set(['success_action_status', 'success_action_redirect', 'redirect']);

export interface PostObjectRequest {
  deps: S3Deps;
  requestId: string;
  bucket: string;
  headers: Headers;
  body: ReadableStream<Uint8Array> | null;
  regions: readonly string[];
  now: number;
  facts: RequestContext['facts'];
}

const denied = (why: string) => s3Error('AccessDenied', `Invalid according to Policy: ${why}`);

/** Fails the stream once more than `max` bytes went through: a form without Content-Length is held to the same cap. */
function capped(body: ReadableStream<Uint8Array>, max: number): ReadableStream<Uint8Array> {
  let seen = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > max) controller.error(s3Error('EntityTooLarge'));
        else controller.enqueue(chunk);
      },
    }),
  );
}

/** The form's fields (names lower-cased, as S3 matches them) before the `file` field, and the file; S3 ignores fields after it. */
async function readForm(r: PostObjectRequest): Promise<{ fields: Map<string, string>; file: File }> {
  const type = r.headers.get('content-type') ?? '';
  if (!/^multipart\/form-data\s*;/i.test(type)) throw s3Error('PreconditionFailed', 'Bucket POST must be of the enclosure-type multipart/form-data');
  const declared = Number(r.headers.get('content-length') ?? '0');
  if (declared > POST_OBJECT_MAX_BYTES) throw s3Error('EntityTooLarge');
  let form: FormData;
  try {
    form = await new Response(r.body ? capped(r.body, POST_OBJECT_MAX_BYTES) : null, { headers: { 'content-type': type } }).formData();
  } catch (e) {
    if (e && typeof e === 'object' && 'code' in e && (e as { code?: string }).code === 'EntityTooLarge') throw e;
    throw s3Error('MalformedPOSTRequest', 'The body of your POST request is not well-formed multipart/form-data.');
  }
  const fields = new Map<string, string>();
  for (const [name, value] of form.entries()) {
    const n = name.toLowerCase();
    if (n === 'file') {
      if (typeof value === 'string') return { fields, file: new File([value], '') };
      return { fields, file: value };
    }
    if (typeof value !== 'string') continue;
    if (fields.has(n)) throw s3Error('InvalidArgument', `Bucket POST must contain only one field named ${name}`);
    fields.set(n, value);
  }
  throw s3Error('InvalidArgument', 'Bucket POST must contain a field named file, and it must be the last field.');
}

/** AWS4 signing key for a credential scope date/region. */
function signingKey(secret: string, date: string, region: string): Uint8Array {
  const h = (key: string | Uint8Array, data: string) => createHmac('sha256', key).update(data).digest();
  return h(h(h(h(`AWS4${secret}`, date), region), 's3'), 'aws4_request');
}

interface Policy {
  expiration?: unknown;
  conditions?: unknown;
}

/** Verifies the policy's SigV4 signature; returns who signed it. */
function verifySignature(r: PostObjectRequest, fields: Map<string, string>, policyB64: string): RequestContext['auth'] {
  if (fields.has('awsaccesskeyid') || fields.has('signature')) throw s3Error('NotImplemented', 'Browser form uploads signed with Signature Version 2 are not implemented; sign with AWS4-HMAC-SHA256.');
  if (fields.has('x-amz-security-token')) throw s3Error('InvalidToken', 'The provided token is malformed or otherwise invalid.');
  const algorithm = fields.get('x-amz-algorithm');
  const credential = fields.get('x-amz-credential');
  const date = fields.get('x-amz-date');
  const signature = fields.get('x-amz-signature');
  if (!algorithm || !credential || !date || !signature) throw s3Error('InvalidArgument', 'Bucket POST with a policy must contain x-amz-algorithm, x-amz-credential, x-amz-date and x-amz-signature fields.');
  if (algorithm !== 'AWS4-HMAC-SHA256') throw s3Error('InvalidArgument', `Unsupported x-amz-algorithm: ${algorithm}`);
  const parts = credential.split('/');
  if (parts.length !== 5 || parts[3] !== 's3' || parts[4] !== 'aws4_request' || !/^\d{8}$/.test(parts[1]!)) throw s3Error('InvalidArgument', `Invalid x-amz-credential: ${credential}`);
  const [access, day, region] = parts as [string, string, string];
  if (!/^\d{8}T\d{6}Z$/.test(date) || date.slice(0, 8) !== day) throw s3Error('InvalidArgument', 'x-amz-date must be the credential scope date, as YYYYMMDDTHHMMSSZ.');
  if (!r.regions.includes(region)) throw s3Error('AuthorizationQueryParametersError', `the region '${region}' is wrong; expecting '${r.regions[0]}'`, { Region: r.regions[0] });
  const id = r.deps.authenticateEc2(access);
  if (!id) throw awsErrors.invalidAccessKeyId(access);
  const expected = hmacHex(signingKey(id.secret, day, region), policyB64);
  if (!/^[0-9a-f]{64}$/.test(signature) || !safeEqualHex(expected, signature)) throw awsErrors.signatureDoesNotMatch();
  return id.context;
}

/**
 * Checks the policy against the form: not expired, every condition met (exact, `eq`, `starts-with`,
 * `content-length-range`), and every field but the signature, policy, file and `x-ignore-*` covered by a condition.
 */
function checkPolicy(policy: Policy, fields: Map<string, string>, bucket: string, size: number, now: number): void {
  if (typeof policy.expiration !== 'string' || Number.isNaN(Date.parse(policy.expiration))) throw denied('Policy missing expiration.');
  if (Date.parse(policy.expiration) < now) throw denied('Policy expired.');
  if (!Array.isArray(policy.conditions)) throw denied('Policy missing conditions.');
  const covered = new Set<string>();
  const value = (field: string) => (field === 'bucket' ? bucket : fields.get(field));
  const fieldName = (raw: unknown): string => {
    if (typeof raw !== 'string' || !raw.startsWith('$')) throw s3Error('InvalidPolicyDocument', 'Invalid Policy: Invalid Condition: a field must start with $.');
    return raw.slice(1).toLowerCase();
  };
  for (const c of policy.conditions as unknown[]) {
    if (c && typeof c === 'object' && !Array.isArray(c)) {
      const entries = Object.entries(c as Record<string, unknown>);
      if (entries.length !== 1 || typeof entries[0]![1] !== 'string') throw s3Error('InvalidPolicyDocument', 'Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.');
      const [name, expected] = [entries[0]![0].toLowerCase(), entries[0]![1] as string];
      covered.add(name);
      if (value(name) !== expected) throw denied(`Policy Condition failed: ["eq", "$${name}", ${JSON.stringify(expected)}]`);
      continue;
    }
    if (!Array.isArray(c) || c.length !== 3) throw s3Error('InvalidPolicyDocument', 'Invalid Policy: Invalid Condition.');
    const op = String(c[0]).toLowerCase();
    if (op === 'content-length-range') {
      const [min, max] = [Number(c[1]), Number(c[2])];
      if (!Number.isInteger(min) || !Number.isInteger(max)) throw s3Error('InvalidPolicyDocument', 'Invalid Policy: Invalid content-length-range.');
      if (size < min) throw s3Error('EntityTooSmall');
      if (size > max) throw s3Error('EntityTooLarge');
      continue;
    }
    const name = fieldName(c[1]);
    if (typeof c[2] !== 'string') throw s3Error('InvalidPolicyDocument', 'Invalid Policy: Invalid Condition: the value must be a string.');
    covered.add(name);
    const got = value(name) ?? '';
    if (op === 'eq' ? got !== c[2] : op === 'starts-with' ? !got.startsWith(c[2]) : true) {
      if (op !== 'eq' && op !== 'starts-with') throw s3Error('InvalidPolicyDocument', `Invalid Policy: Invalid Condition: unknown operator ${String(c[0])}.`);
      throw denied(`Policy Condition failed: ${JSON.stringify([op, `$${name}`, c[2]])}`);
    }
  }
  for (const name of fields.keys()) {
    if (name === 'policy' || name === 'x-amz-signature' || name.startsWith('x-ignore-') || covered.has(name)) continue;
    throw denied(`Extra input fields: ${name}`);
  }
}

/** The upload's PutObject-equivalent headers (acl, content-type, x-amz-meta-*, SSE...), so PutObject's parameter verdicts apply unchanged. */
function requestHeaders(fields: Map<string, string>): Headers {
  const h = new Headers();
  for (const [name, v] of fields) {
    if (AUTH_FIELDS.has(name) || RESPONSE_FIELDS.has(name) || name === 'key' || name.startsWith('x-ignore-')) continue;
    if (name === 'acl') h.set('x-amz-acl', v);
    else if (name === 'tagging') continue;
    else if (HEADER_FIELDS.has(name) || name.startsWith('x-amz-')) h.set(name, v);
    else throw s3Error('InvalidArgument', `Unsupported form field: ${name}`);
  }
  return h;
}

/** The `Tagging` field is a `<Tagging>` XML document in PostObject (a query-string header in PutObject). */
function tagsField(xml: string | undefined): string | undefined {
  if (xml === undefined) return undefined;
  const pairs = [...xml.matchAll(/<Tag>\s*<Key>([^<]*)<\/Key>\s*<Value>([^<]*)<\/Value>\s*<\/Tag>/g)];
  if (!/<Tagging>[\s\S]*<\/Tagging>/.test(xml)) throw s3Error('MalformedXML');
  return pairs.map((m) => `${encodeURIComponent(m[1]!)}=${encodeURIComponent(m[2]!)}`).join('&');
}

/**
 * POST /bucket with a multipart form: the policy (when present) is verified with SigV4 and its
 * conditions, the object is written as PutObject writes it (same parameter verdicts, ACL, metadata,
 * encryption), then answered with `success_action_redirect` (303), or `success_action_status` 200, 201
 * (a PostResponse document) or 204 (the default). Without a policy the upload is anonymous (the bucket's ACL decides).
 */
export async function postObject(r: PostObjectRequest): Promise<Response> {
  const { fields, file } = await readForm(r);
  const policyB64 = fields.get('policy');
  let auth: RequestContext['auth'];
  if (policyB64 !== undefined) {
    auth = verifySignature(r, fields, policyB64);
    let policy: Policy;
    try {
      policy = JSON.parse(Buffer.from(policyB64, 'base64').toString('utf8')) as Policy;
    } catch {
      throw s3Error('InvalidPolicyDocument', 'Invalid Policy: Invalid JSON.');
    }
    if (!policy || typeof policy !== 'object') throw s3Error('InvalidPolicyDocument', 'Invalid Policy: Invalid JSON.');
    checkPolicy(policy, fields, r.bucket, file.size, r.now);
  } else if (fields.has('x-amz-signature')) {
    throw s3Error('InvalidArgument', 'Bucket POST with a signature must contain a policy field.');
  }
  const rawKey = fields.get('key');
  if (!rawKey) throw s3Error('InvalidArgument', 'Bucket POST must contain a field named key.');
  const key = rawKey.replace(/\$\{filename\}/g, file.name);
  if (Buffer.byteLength(key, 'utf8') > 1024) throw s3Error('KeyTooLongError');

  const headers = requestHeaders(fields);
  const ctx: RequestContext = { requestId: r.requestId, auth, facts: { ...r.facts, action: 's3:PutObject' } };
  refuseUnprovidedProtection({ operation: 'PutObject', headers, input: {} });
  refuseUnhonouredParameters({ operation: 'PutObject', headers, query: new URLSearchParams(), anonymous: !auth });
  const meta: Record<string, string> = {};
  for (const [name, v] of fields) if (name.startsWith('x-amz-meta-')) meta[name.slice('x-amz-meta-'.length)] = v;
  const enc = writeEncryptionFrom(headers);
  const put = await r.deps.objects.putObject(ctx, { container: r.bucket, name: key }, file.stream(), {
    contentType: headers.get('content-type') ?? undefined,
    userMetadata: Object.keys(meta).length ? meta : undefined,
    systemMetadata: systemMetadataFrom(headers),
    expectedSize: file.size,
    tags: tagsFromHeader(tagsField(fields.get('tagging')) ?? null),
    acl: aclFromHeaders(headers),
    encryption: enc.request,
  });

  const etag = quote(put.etag);
  const location = `/${encodeURIComponent(r.bucket)}/${key.split('/').map(encodeURIComponent).join('/')}`;
  const common: Record<string, string> = { etag, location, 'x-amz-request-id': r.requestId, 'x-amz-id-2': r.requestId };
  if (put.s3VersionId) common['x-amz-version-id'] = put.s3VersionId;
  const redirect = fields.get('success_action_redirect') ?? fields.get('redirect');
  if (redirect) {
    let target: URL | undefined;
    try {
      target = new URL(redirect);
    } catch {
      target = undefined;
    }
    if (target && (target.protocol === 'http:' || target.protocol === 'https:')) {
      target.searchParams.set('bucket', r.bucket);
      target.searchParams.set('key', key);
      target.searchParams.set('etag', etag);
      return new Response(null, { status: 303, headers: { ...common, location: target.href } });
    }
  }
  const status = fields.get('success_action_status');
  if (status === '201') {
    const xml = buildXml('PostResponse', { Location: location, Bucket: r.bucket, Key: key, ETag: etag });
    return new Response(xml, { status: 201, headers: { ...common, 'content-type': 'application/xml' } });
  }
  return new Response(null, { status: status === '200' ? 200 : 204, headers: common });
}
