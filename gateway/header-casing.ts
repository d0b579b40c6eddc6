// Writes response header names in the casing each API's real servers send, at the node:http boundary (Headers objects lowercase every name).
import { ServerResponse, type IncomingMessage, type OutgoingHttpHeader, type OutgoingHttpHeaders } from 'node:http';

/**
 * Names whose canonical spelling is not the word-by-word capitalisation. Swift itself title-cases every
 * name (swob's HeaderKeyDict), so its `Etag` stays as it is; S3's `ETag` is in {@link S3_NAMES}.
 */
const OPENSTACK_NAMES: Record<string, string> = {
  'www-authenticate': 'WWW-Authenticate',
  'content-md5': 'Content-MD5',
  'openstack-api-version': 'OpenStack-API-Version',
  'x-openstack-nova-api-version': 'X-OpenStack-Nova-API-Version',
  // Glance sends these exactly so (glance/api/v2/images.py).
  'openstack-image-import-methods': 'OpenStack-image-import-methods',
  'openstack-image-store-ids': 'OpenStack-image-store-ids',
};

const S3_NAMES: Record<string, string> = { ...OPENSTACK_NAMES, etag: 'ETag' };

/** Python's `str.title()`, which swob applies to every name: `x-object-meta-my_key1x` → `X-Object-Meta-My_Key1X`. */
function titleCase(name: string): string {
  return name.toLowerCase().replace(/(?<![a-z])[a-z]/g, (ch) => ch.toUpperCase());
}

/**
 * The canonical spelling of a response header name. `aws` selects S3's spelling: `x-amz-*` (and
 * `x-amzn-*`) lower-case as S3 sends them, and `ETag`; otherwise OpenStack's title case
 * (`X-Object-Meta-Color`, `X-Subject-Token`, `X-Trans-Id`), which openstacksdk needs because it
 * matches the `X-Object-Meta-` prefix case-sensitively.
 */
export function canonicalHeaderName(name: string, aws: boolean): string {
  const lower = name.toLowerCase();
  if (aws && lower.startsWith('x-amz')) return lower;
  return (aws ? S3_NAMES : OPENSTACK_NAMES)[lower] ?? titleCase(lower);
}

/** An S3/EC2 response: every one carries `x-amz-request-id` (compat/ec2-s3 sets it on successes and errors alike). */
function isAwsResponse(names: Iterable<string>): boolean {
  for (const n of names) if (n.toLowerCase() === 'x-amz-request-id') return true;
  return false;
}

/** The same headers under canonical names (values untouched; a name given twice in different cases is merged as Node would). */
export function canonicalHeaders(headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  const aws = isAwsResponse(Object.keys(headers));
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    out[canonicalHeaderName(k, aws)] = v;
  }
  return out;
}

/** `[name, value, name, value…]` or `[[name, value]…]`, as `writeHead` accepts them. */
function canonicalHeaderArray(headers: readonly unknown[]): unknown[] {
  if (headers.length > 0 && Array.isArray(headers[0])) {
    const pairs = headers as Array<[string, OutgoingHttpHeader]>;
    const aws = isAwsResponse(pairs.map(([k]) => k));
    return pairs.map(([k, v]) => [canonicalHeaderName(k, aws), v]);
  }
  const flat = headers as string[];
  const aws = isAwsResponse(flat.filter((_, i) => i % 2 === 0));
  return flat.map((x, i) => (i % 2 === 0 ? canonicalHeaderName(x, aws) : x));
}

/**
 * The server's response class (`http.createServer({ ServerResponse })`): `writeHead`, which
 * @hono/node-server calls with the Fetch response's lower-cased header record, sends canonical names.
 * Headers set earlier with `setHeader` keep the spelling they were set with, made canonical too.
 */
export class CanonicalCaseResponse<Request extends IncomingMessage = IncomingMessage> extends ServerResponse<Request> {
  override setHeader(name: string, value: number | string | readonly string[]): this {
    return super.setHeader(canonicalHeaderName(name, name.toLowerCase().startsWith('x-amz')), value);
  }

  override writeHead(statusCode: number, ...rest: unknown[]): this {
    const last = rest.length - 1;
    const headers = rest[last];
    if (Array.isArray(headers)) rest[last] = canonicalHeaderArray(headers);
    else if (headers && typeof headers === 'object') rest[last] = canonicalHeaders(headers as OutgoingHttpHeaders);
    return (super.writeHead as (status: number, ...args: unknown[]) => this)(statusCode, ...rest);
  }
}
