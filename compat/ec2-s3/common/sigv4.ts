// AWS Signature Version 4 verification (Authorization header and presigned query) over the raw wire request.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createScope } from '@smithy/signature-v4';
import { AwsError, awsErrors } from './aws-error.js';

/** The request as it came off the wire: method, raw path (no query), raw query string, headers. */
export interface WireRequest {
  method: string;
  /** Path exactly as sent, percent-encoding untouched, no dot-segment removal. */
  rawPath: string;
  /** Query string exactly as sent, without the `?`. */
  rawQuery: string;
  headers: Headers;
  /**
   * The headers as received, `[name, value, name, value…]` (Node's `rawHeaders`). A header sent more
   * than once is one joined value in `headers` (`a, b`), but signers join its values with `,`: the
   * canonical forms need each value. Without it (in-process requests) each header has one value.
   */
  rawHeaders?: readonly string[];
}

/** Every value of header `name` in the order sent (lower-case name). */
export function headerValues(req: WireRequest, name: string): string[] {
  if (!req.rawHeaders) {
    const v = req.headers.get(name);
    return v === null ? [] : [v];
  }
  const out: string[] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) if (req.rawHeaders[i]!.toLowerCase() === name) out.push(req.rawHeaders[i + 1]!);
  return out;
}

/** ISO 8601 to the second, as S3 writes times in error documents (`2026-12-02T16:00:00Z`). */
export function errorTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** What a SigV4 request claims, before the secret is known. */
export interface ParsedV4 {
  form: 'header' | 'query';
  accessKey: string;
  /** `YYYYMMDD` from the credential scope. */
  shortDate: string;
  region: string;
  service: string;
  /** `YYYYMMDD/region/service/aws4_request`. */
  scope: string;
  signedHeaders: string[];
  signature: string;
  /** ISO 8601 basic timestamp used in the string to sign (`20240101T000000Z`). */
  amzDate: string;
  /** Presigned: seconds of validity. */
  expires?: number;
  /** `x-amz-content-sha256` (header form; presigned requests are `UNSIGNED-PAYLOAD` unless the header says otherwise). */
  payloadHash: string;
  securityToken?: string;
}

/** The verified facts later stages need (aws-chunked verification chains from `signature`). */
export interface VerifiedV4 {
  parsed: ParsedV4;
  signingKey: Uint8Array;
}

export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const ALGORITHM = 'AWS4-HMAC-SHA256';
/** S3 rejects header-signed requests more than 15 minutes off the server clock. */
export const S3_MAX_SKEW_MS = 15 * 60 * 1000;
/** Presigned URLs live at most 7 days. */
export const MAX_PRESIGN_SECONDS = 604800;

/** Most signing keys a cache keeps; past it the cache starts over (a key is one day's, per credential and scope). */
const MAX_CACHED_KEYS = 1024;

/**
 * Derived SigV4 signing keys (`kSigning`), so the four-HMAC derivation runs once per credential, day,
 * region and service rather than per request. One per endpoint, built with it (no module state).
 */
export class SigningKeyCache {
  private readonly keys = new Map<string, Buffer>();

  /** `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`. */
  get(secret: string, shortDate: string, region: string, service: string): Buffer {
    const id = `${shortDate}/${region}/${service}/${secret}`;
    let key = this.keys.get(id);
    if (!key) {
      key = deriveSigningKey(secret, shortDate, region, service);
      if (this.keys.size >= MAX_CACHED_KEYS) this.keys.clear();
      this.keys.set(id, key);
    }
    return key;
  }
}

function deriveSigningKey(secret: string, shortDate: string, region: string, service: string): Buffer {
  const h = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();
  return h(h(h(h(`AWS4${secret}`, shortDate), region), service), 'aws4_request');
}

/** `YYYYMMDDTHHMMSSZ` → ms, or NaN. */
export function parseAmzDate(s: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return NaN;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
}

/** ms → `YYYYMMDDTHHMMSSZ`. */
export function formatAmzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

const UNRESERVED = /^[A-Za-z0-9\-._~]*$/;
const UNRESERVED_OR_SLASH = /^[A-Za-z0-9\-._~/]*$/;

/** RFC 3986 encoding as SigV4 wants it (unreserved characters kept, everything else %XX upper-case). */
export function uriEncode(s: string, keepSlash = false): string {
  if ((keepSlash ? UNRESERVED_OR_SLASH : UNRESERVED).test(s)) return s;
  try {
    // encodeURIComponent escapes all but the unreserved set and !'()*, in upper-case hex.
    const enc = encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    return keepSlash ? enc.replace(/%2F/g, '/') : enc;
  } catch {
    // A lone surrogate: encode the UTF-8 bytes Buffer makes of it (U+FFFD), as below.
  }
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const ch = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-._~]/.test(ch) || (keepSlash && ch === '/')) out += ch;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Percent-decodes without treating `+` as a space; malformed escapes are kept literally. */
export function percentDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s.replace(/(%[0-9A-Fa-f]{2})+/g, (m) => {
      try {
        return decodeURIComponent(m);
      } catch {
        return m;
      }
    });
  }
}

/** A UTF-16 surrogate without its partner: no UTF-8 encoding exists for it. */
export const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const utf8Fatal = new TextDecoder('utf-8', { fatal: true });

/**
 * Percent-decodes `s` to the UTF-8 text its bytes spell, or undefined when that text does not exist: a
 * malformed escape (`%zz`, a trailing `%`), bytes that are not UTF-8 (`%ff`, overlong `%c0%af`, surrogate
 * `%ed%a0%80`) or a lone UTF-16 surrogate. A lenient decode would keep or replace such input and so give two
 * wire spellings (`%ff` and `%25ff`, or `%ff` and `%ef%bf%bd`) one name; S3 answers 400 InvalidURI instead.
 */
export function strictPercentDecode(s: string): string | undefined {
  if (!s.includes('%')) return LONE_SURROGATE.test(s) ? undefined : s;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    if (ch === 0x25) {
      const hex = s.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return undefined;
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (ch < 0x80) {
      bytes.push(ch);
    } else {
      const cp = s.codePointAt(i)!;
      if (cp >= 0xd800 && cp <= 0xdfff) return undefined;
      for (const b of Buffer.from(String.fromCodePoint(cp), 'utf8')) bytes.push(b);
      if (cp > 0xffff) i++;
    }
  }
  try {
    return utf8Fatal.decode(Uint8Array.from(bytes));
  } catch {
    return undefined;
  }
}

/** True when every name and value of a raw query string decodes strictly (see strictPercentDecode). */
export function isStrictQuery(rawQuery: string): boolean {
  if (!rawQuery) return true;
  for (const pair of rawQuery.split('&')) {
    const i = pair.indexOf('=');
    if (strictPercentDecode(i === -1 ? pair : pair.slice(0, i)) === undefined) return false;
    if (i !== -1 && strictPercentDecode(pair.slice(i + 1)) === undefined) return false;
  }
  return true;
}

/** Splits a raw query string into decoded [name, value] pairs, in wire order. */
export function queryPairs(rawQuery: string): Array<[string, string]> {
  if (!rawQuery) return [];
  return rawQuery
    .split('&')
    .filter((p) => p.length > 0)
    .map((p) => {
      const i = p.indexOf('=');
      return i === -1 ? [percentDecode(p), ''] : [percentDecode(p.slice(0, i)), percentDecode(p.slice(i + 1))];
    });
}

/** The canonical query string: every pair (but `omit`) encoded, sorted by name then value. */
export function canonicalQuery(rawQuery: string, omit?: string): string {
  return queryPairs(rawQuery)
    .filter(([k]) => k !== omit)
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

function canonicalHeaderValue(v: string): string {
  return v.trim().replace(/\s+/g, ' ');
}

/**
 * Reads the SigV4 claims from the Authorization header or the presigned query; undefined when the
 * request is not SigV4. Malformed claims raise the S3 error for them.
 */
export function parseV4(req: WireRequest): ParsedV4 | undefined {
  const auth = req.headers.get('authorization');
  if (auth && auth.startsWith(`${ALGORITHM} `)) {
    const fields = new Map<string, string>();
    for (const part of auth.slice(ALGORITHM.length + 1).split(',')) {
      const i = part.indexOf('=');
      if (i <= 0) continue;
      const name = part.slice(0, i).trim();
      // Two Credential (or SignedHeaders) fields would let the verifier and a reader disagree on which counts.
      if (fields.has(name)) throw malformedHeader(`The authorization header is malformed; the ${name} field appears more than once.`);
      fields.set(name, part.slice(i + 1).trim());
    }
    const cred = fields.get('Credential');
    const sh = fields.get('SignedHeaders');
    const sig = fields.get('Signature');
    if (!cred || !sh || !sig) throw malformedHeader('The authorization header is malformed; it must contain Credential, SignedHeaders and Signature.');
    const scope = parseCredential(cred, malformedHeader);
    let amzDate = req.headers.get('x-amz-date') ?? '';
    if (!amzDate) {
      const d = Date.parse(req.headers.get('date') ?? '');
      if (Number.isNaN(d)) throw new AwsError('AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header', 403);
      amzDate = formatAmzDate(d);
    }
    if (Number.isNaN(parseAmzDate(amzDate))) throw new AwsError('AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header', 403);
    return {
      form: 'header',
      ...scope,
      signedHeaders: parseSignedHeaders(sh, malformedHeader),
      signature: sig.toLowerCase(),
      amzDate,
      payloadHash: req.headers.get('x-amz-content-sha256') ?? '',
      securityToken: req.headers.get('x-amz-security-token') ?? undefined,
    };
  }
  const pairs = queryPairs(req.rawQuery);
  const q = new Map(pairs);
  const alg = q.get('X-Amz-Algorithm');
  if (alg === undefined) return undefined;
  for (const name of PRESIGN_PARAMS) {
    if (pairs.filter(([k]) => k === name).length > 1) throw queryError(`Query-string authentication parameter ${name} appears more than once.`);
  }
  if (alg !== ALGORITHM) throw queryError('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
  const cred = q.get('X-Amz-Credential');
  const amzDate = q.get('X-Amz-Date');
  const expires = q.get('X-Amz-Expires');
  const sh = q.get('X-Amz-SignedHeaders');
  const sig = q.get('X-Amz-Signature');
  if (!cred || !amzDate || !sh || !sig || expires === undefined) {
    throw queryError(
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
    );
  }
  const scope = parseCredential(cred, queryError);
  if (Number.isNaN(parseAmzDate(amzDate))) throw queryError('X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd\'T\'HHmmss\'Z\'"');
  if (!/^-?\d+$/.test(expires)) throw queryError('X-Amz-Expires should be a number');
  const exp = Number(expires);
  // AWS answers 403 to out-of-range expiries (conformance tests assert the status).
  if (exp <= 0) throw new AwsError('AuthorizationQueryParametersError', 'X-Amz-Expires must be non-negative', 403);
  if (exp > MAX_PRESIGN_SECONDS) throw new AwsError('AuthorizationQueryParametersError', 'X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds', 403);
  return {
    form: 'query',
    ...scope,
    signedHeaders: parseSignedHeaders(sh, queryError),
    signature: sig.toLowerCase(),
    amzDate,
    expires: exp,
    // A hash the presigner put in the query (Go SDK, S3 presigner) binds the body as the header would.
    payloadHash: req.headers.get('x-amz-content-sha256') ?? q.get('X-Amz-Content-Sha256') ?? UNSIGNED_PAYLOAD,
    securityToken: q.get('X-Amz-Security-Token'),
  };
}

/** RFC 9110 token characters, lower-case: what a signed header name may be (anything else cannot be looked up). */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/;

/** Most signed headers one request may name (real clients sign about ten; past this it is an attack on our CPU). */
const MAX_SIGNED_HEADERS = 128;

/** `SignedHeaders` as a list of lower-case header names; an empty or invalid entry is a malformed authorization. */
function parseSignedHeaders(sh: string, err: (m: string) => AwsError): string[] {
  const names = sh.split(';').map((h) => h.trim().toLowerCase());
  if (names.length > MAX_SIGNED_HEADERS) throw err(`The authorization header is malformed; SignedHeaders names more than ${MAX_SIGNED_HEADERS} headers.`);
  for (const n of names) {
    if (!HEADER_NAME.test(n)) throw err(`The authorization header is malformed; SignedHeaders contains an invalid header name: "${n.slice(0, 64)}".`);
  }
  return names;
}

/** The query parameters of presigned SigV4 itself; every other `x-amz-*` parameter is a hoisted header. */
const PRESIGN_PARAMS = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature', 'X-Amz-Security-Token'];
const PRESIGN_PARAMS_LOWER = new Set(PRESIGN_PARAMS.map((n) => n.toLowerCase()));

/**
 * The headers a presigned request stands for: the wire headers plus every `x-amz-*` query parameter
 * the presigner hoisted out of the headers (SDKs move `x-amz-acl`, `x-amz-meta-*`, SSE headers... into
 * the URL, where the signature covers them as part of the canonical query), as S3 applies them.
 * A header sent on the wire wins over the same name in the query; it is itself subject to the signed-header rule.
 */
export function presignedHeaders(req: WireRequest): Headers {
  const out = new Headers(req.headers);
  for (const [k, v] of queryPairs(req.rawQuery)) {
    const name = k.toLowerCase();
    if (!name.startsWith('x-amz-') || PRESIGN_PARAMS_LOWER.has(name) || !HEADER_NAME.test(name) || req.headers.has(name)) continue;
    // A value a header cannot carry (a newline, non-Latin-1) is not a header S3 would apply either.
    try {
      out.append(name, v);
    } catch {
      throw queryError(`The query parameter ${name.slice(0, 64)} is not a valid header value.`);
    }
  }
  return out;
}

/**
 * `x-amz-*` headers a presigned request may carry unsigned: the payload hash is bound by the canonical
 * request's last line instead, and `x-amz-date` plays no part (the query's `X-Amz-Date` is the one signed).
 */
const PRESIGN_UNSIGNED_OK = new Set(['x-amz-content-sha256', 'x-amz-date']);

/**
 * `x-amz-*` headers present but not signed, sorted. S3 refuses every one of them (they carry ACLs, copy
 * sources, encryption, metadata), in both forms; Content-Type and Content-MD5 are not required, as on S3
 * (minio-go, restic's client, never signs Content-Type, and Content-MD5 is checked against the body).
 */
export function unsignedAmzHeaders(req: WireRequest, p: ParsedV4): string[] {
  const signed = new Set(p.signedHeaders);
  const out: string[] = [];
  req.headers.forEach((_, name) => {
    if (name.startsWith('x-amz-') && !signed.has(name) && !(p.form === 'query' && PRESIGN_UNSIGNED_OK.has(name))) out.push(name);
  });
  return [...new Set(out)].sort();
}

function malformedHeader(message: string): AwsError {
  return new AwsError('AuthorizationHeaderMalformed', message, 400);
}

function queryError(message: string): AwsError {
  return new AwsError('AuthorizationQueryParametersError', message, 400);
}

function parseCredential(cred: string, err: (m: string) => AwsError): Pick<ParsedV4, 'accessKey' | 'shortDate' | 'region' | 'service' | 'scope'> {
  // The access key may itself contain '/' in theory; the scope is always the last four parts.
  const parts = cred.split('/');
  if (parts.length < 5 || parts[parts.length - 1] !== 'aws4_request') {
    throw err(`The authorization header is malformed; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`);
  }
  const [shortDate, region, service] = parts.slice(-4, -1) as [string, string, string];
  const accessKey = parts.slice(0, -4).join('/');
  if (!/^\d{8}$/.test(shortDate) || !accessKey) throw err('The authorization header is malformed; incorrect date format in the credential scope.');
  return { accessKey, shortDate, region, service, scope: createScope(shortDate, region, service) };
}

/** Canonical URI candidates: the raw path (what SDKs sign for S3), then a re-encoding for clients that send unencoded characters. */
function canonicalUris(rawPath: string): string[] {
  const reencoded = rawPath
    .split('/')
    .map((seg) => uriEncode(percentDecode(seg)))
    .join('/');
  return reencoded === rawPath ? [rawPath] : [rawPath, reencoded];
}

/** The canonical request for `uri` as the client signed it. */
export function canonicalRequest(req: WireRequest, p: ParsedV4, uri: string): string {
  // A header sent more than once: its values trimmed and joined with `,` (botocore, the SDKs).
  const headerLines = p.signedHeaders.map((h) => `${h}:${headerValues(req, h).map(canonicalHeaderValue).join(',')}`);
  const query = canonicalQuery(req.rawQuery, p.form === 'query' ? 'X-Amz-Signature' : undefined);
  return [req.method, uri, query, headerLines.join('\n'), '', p.signedHeaders.join(';'), p.payloadHash].join('\n');
}

function stringToSign(p: ParsedV4, canonical: string): string {
  return [ALGORITHM, p.amzDate, p.scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
}

/** Hex HMAC-SHA256 with the derived signing key. */
export function hmacHex(key: Uint8Array, data: string): string {
  return createHmac('sha256', key).update(data).digest('hex');
}

/** Constant-time comparison of two hex signatures. */
export function safeEqualHex(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/** What the endpoint accepts in a credential scope. */
export interface ScopeRules {
  /** SigV4 service name the endpoint serves (`s3`, `ec2`). */
  service: string;
  /**
   * Regions a scope may name, the endpoint's own first (it is the one an error names); any region
   * when absent.
   */
  regions?: readonly string[];
}

/**
 * Checks the credential scope against the endpoint before any key is looked up: date equal to the
 * request's, the endpoint's service, one of its regions. The errors are S3's: 400
 * AuthorizationHeaderMalformed (header) or AuthorizationQueryParametersError (presigned), the wrong
 * region answered with a `Region` element, which botocore's region redirector re-signs with.
 */
export function checkScope(p: ParsedV4, rules: ScopeRules): void {
  const header = p.form === 'header';
  const err = (message: string, fields: Record<string, string> = {}) =>
    new AwsError(header ? 'AuthorizationHeaderMalformed' : 'AuthorizationQueryParametersError', message, 400, fields);
  const prefix = header ? 'The authorization header is malformed;' : 'Error parsing the X-Amz-Credential parameter;';
  if (p.amzDate.slice(0, 8) !== p.shortDate) {
    throw header
      ? err('The authorization header is malformed; Invalid credential date. Date is not the same as X-Amz-Date.')
      : err(`Invalid credential date "${p.shortDate}". This date is not the same as X-Amz-Date: "${p.amzDate.slice(0, 8)}".`);
  }
  const regions = rules.regions;
  if (regions && regions.length > 0 && !regions.includes(p.region)) {
    throw err(`${prefix} the region '${p.region.slice(0, 64)}' is wrong; expecting '${regions[0]}'`, { Region: regions[0]! });
  }
  if (p.service !== rules.service) {
    throw err(`${prefix} incorrect service "${p.service.slice(0, 64)}". This endpoint belongs to "${rules.service}".`);
  }
}

/**
 * Verifies a parsed SigV4 request against `secret`: credential scope, time window (15 min skew for
 * headers, expiry for presigned), every `x-amz-*` header signed, and the signature over the raw request.
 */
export async function verifyV4(
  p: ParsedV4,
  secret: string,
  req: WireRequest,
  opts: { now: number; service: string; regions?: readonly string[]; maxSkewMs?: number; signingKeys?: SigningKeyCache },
): Promise<VerifiedV4> {
  checkScope(p, opts);
  const t = parseAmzDate(p.amzDate);
  if (p.form === 'header') {
    const skew = opts.maxSkewMs ?? S3_MAX_SKEW_MS;
    if (Math.abs(opts.now - t) > skew) {
      throw new AwsError('RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.', 403, {
        RequestTime: p.amzDate,
        ServerTime: errorTime(opts.now),
        MaxAllowedSkewMilliseconds: skew,
      });
    }
  } else {
    if (t - opts.now > (opts.maxSkewMs ?? S3_MAX_SKEW_MS)) throw awsErrors.accessDenied('Request is not valid yet');
    if (opts.now > t + (p.expires ?? 0) * 1000) {
      throw awsErrors.accessDenied('Request has expired', { 'X-Amz-Expires': p.expires, Expires: errorTime(t + (p.expires ?? 0) * 1000), ServerTime: errorTime(opts.now) });
    }
  }
  if (!p.signedHeaders.includes('host')) throw awsErrors.accessDenied('There were headers present in the request which were not signed', { HeadersNotSigned: 'host' });
  const unsigned = unsignedAmzHeaders(req, p);
  if (unsigned.length > 0) throw awsErrors.accessDenied('There were headers present in the request which were not signed', { HeadersNotSigned: unsigned.join(', ') });
  const signingKey = opts.signingKeys ? opts.signingKeys.get(secret, p.shortDate, p.region, p.service) : deriveSigningKey(secret, p.shortDate, p.region, p.service);
  let first: { canonical: string; sts: string } | undefined;
  for (const uri of canonicalUris(req.rawPath)) {
    const canonical = canonicalRequest(req, p, uri);
    const sts = stringToSign(p, canonical);
    if (safeEqualHex(hmacHex(signingKey, sts), p.signature)) return { parsed: p, signingKey };
    first ??= { canonical, sts };
  }
  throw awsErrors.signatureDoesNotMatch({
    AWSAccessKeyId: p.accessKey,
    StringToSign: first?.sts,
    SignatureProvided: p.signature,
    CanonicalRequest: first?.canonical,
  });
}

/** Signature of one aws-chunked chunk, chained from the previous one (the seed is the request signature). */
export function chunkSignature(v: VerifiedV4, previous: string, dataSha256Hex: string): string {
  const sts = ['AWS4-HMAC-SHA256-PAYLOAD', v.parsed.amzDate, v.parsed.scope, previous, EMPTY_SHA256, dataSha256Hex].join('\n');
  return hmacHex(v.signingKey, sts);
}

/** Signature of the trailer block of a signed aws-chunked body. */
export function trailerSignature(v: VerifiedV4, previous: string, trailerSha256Hex: string): string {
  const sts = ['AWS4-HMAC-SHA256-TRAILER', v.parsed.amzDate, v.parsed.scope, previous, trailerSha256Hex].join('\n');
  return hmacHex(v.signingKey, sts);
}
