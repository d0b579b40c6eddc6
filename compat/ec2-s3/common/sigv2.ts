// AWS Signature Version 2 for S3 (header `AWS AKID:sig` and query `AWSAccessKeyId`/`Signature`/`Expires`), for old clients.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AwsError, awsErrors } from './aws-error.js';
import { errorTime, headerValues, queryPairs, S3_MAX_SKEW_MS, type WireRequest } from './sigv4.js';

/** What a SigV2 request claims. */
export interface ParsedV2 {
  form: 'header' | 'query';
  accessKey: string;
  signature: string;
  /** Presigned: expiry, unix seconds. */
  expires?: number;
}

/** Sub-resources that take part in the canonical resource, in the order S3 sorts them. */
const SUBRESOURCES = new Set([
  'acl', 'cors', 'delete', 'lifecycle', 'location', 'logging', 'notification', 'partNumber', 'policy', 'requestPayment',
  'restore', 'tagging', 'torrent', 'uploadId', 'uploads', 'versionId', 'versioning', 'versions', 'website',
  'response-cache-control', 'response-content-disposition', 'response-content-encoding', 'response-content-language',
  'response-content-type', 'response-expires',
]);

/** Reads SigV2 claims; undefined when the request is not SigV2. */
export function parseV2(req: WireRequest): ParsedV2 | undefined {
  const auth = req.headers.get('authorization');
  if (auth && auth.startsWith('AWS ')) {
    const cred = auth.slice(4);
    const i = cred.lastIndexOf(':');
    if (i <= 0) throw new AwsError('InvalidArgument', 'AWS authorization header is invalid.  Expected AwsAccessKeyId:signature', 400);
    return { form: 'header', accessKey: cred.slice(0, i), signature: cred.slice(i + 1) };
  }
  const q = new Map(queryPairs(req.rawQuery));
  const ak = q.get('AWSAccessKeyId');
  if (ak === undefined) return undefined;
  const sig = q.get('Signature');
  const exp = q.get('Expires');
  if (!sig || !exp || !/^\d+$/.test(exp)) {
    throw awsErrors.accessDenied('Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters');
  }
  return { form: 'query', accessKey: ak, signature: sig, expires: Number(exp) };
}

/** The SigV2 string to sign; `resourcePath` is `/bucket/key` as sent (virtual-hosted requests prepend the bucket). */
export function stringToSignV2(req: WireRequest, p: ParsedV2, resourcePath: string): string {
  const h = req.headers;
  // A header sent more than once: its values trimmed and joined with `,` (no space), as botocore's HmacV1 signs it.
  const names = new Set<string>();
  h.forEach((_, k) => {
    if (k.startsWith('x-amz-')) names.add(k);
  });
  const amzLines = [...names].sort().map((k) => `${k}:${headerValues(req, k).map((v) => v.trim()).join(',')}\n`);
  const dateLine = p.form === 'query' ? String(p.expires) : names.has('x-amz-date') ? '' : (h.get('date') ?? '');
  const subs = queryPairs(req.rawQuery)
    .filter(([k]) => SUBRESOURCES.has(k))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => (v === '' ? k : `${k}=${v}`));
  const resource = resourcePath + (subs.length ? `?${subs.join('&')}` : '');
  return `${req.method}\n${h.get('content-md5') ?? ''}\n${h.get('content-type') ?? ''}\n${dateLine}\n${amzLines.join('')}${resource}`;
}

/** Verifies a SigV2 request: time (skew or expiry), then the HMAC-SHA1 signature, in constant time. */
export function verifyV2(p: ParsedV2, secret: string, req: WireRequest, resourcePath: string, now: number): void {
  if (p.form === 'query') {
    if (now > (p.expires ?? 0) * 1000) throw awsErrors.accessDenied('Request has expired', { Expires: errorTime((p.expires ?? 0) * 1000), ServerTime: errorTime(now) });
  } else {
    const ds = req.headers.get('x-amz-date') ?? req.headers.get('date');
    const t = ds ? Date.parse(ds) : NaN;
    if (Number.isNaN(t)) throw awsErrors.accessDenied('AWS authentication requires a valid Date or x-amz-date header');
    if (Math.abs(now - t) > S3_MAX_SKEW_MS) {
      throw new AwsError('RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.', 403, {
        RequestTime: ds ?? '',
        ServerTime: errorTime(now),
        MaxAllowedSkewMilliseconds: S3_MAX_SKEW_MS,
      });
    }
  }
  const given = Buffer.from(p.signature, 'base64');
  // botocore signs a path-style bucket request (`PUT /bucket`) with the resource `/bucket/`, as for a bucket host.
  const resources = /^\/[^/]+$/.test(resourcePath) ? [resourcePath, `${resourcePath}/`] : [resourcePath];
  let first: string | undefined;
  for (const resource of resources) {
    const sts = stringToSignV2(req, p, resource);
    const expected = createHmac('sha1', secret).update(sts, 'utf8').digest();
    if (given.length === expected.length && timingSafeEqual(given, expected)) return;
    first ??= sts;
  }
  throw awsErrors.signatureDoesNotMatch({ AWSAccessKeyId: p.accessKey, StringToSign: first, SignatureProvided: p.signature });
}
