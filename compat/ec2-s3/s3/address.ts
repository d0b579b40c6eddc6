// Finds the bucket and key of an S3 request from the Host header (virtual-hosted) or the raw path (path style).
import { percentDecode, strictPercentDecode } from '../common/sigv4.js';

/** Path prefixes the gateway serves to OpenStack families; they are never bucket names on the main port. */
export const RESERVED_BUCKETS: ReadonlySet<string> = new Set(['identity', 'object', 'compute', 'image', 'network', 'volume', 'placement', 'healthz', 'metadata']);

/** Where a request points in the S3 namespace. */
export interface S3Address {
  bucket?: string;
  key?: string;
  virtualHosted: boolean;
  /** Raw path as sent (no query): the SigV4 canonical URI. */
  rawPath: string;
  rawQuery: string;
  /** `/bucket/key` as sent, for the SigV2 canonical resource and error `<Resource>`. */
  resource: string;
  /**
   * The bucket or key does not decode to UTF-8 (malformed escape, invalid bytes): the request is answered
   * 400 InvalidURI before anything else, because a lenient decode would alias two wire keys.
   */
  invalidUri?: true;
}

/** Decodes a bucket or key segment; `bad` records a segment that has no exact UTF-8 decoding. */
function decodeSegment(raw: string, bad: { invalid: boolean }): string {
  const strict = strictPercentDecode(raw);
  if (strict !== undefined) return strict;
  bad.invalid = true;
  return percentDecode(raw);
}

/**
 * The bucket a virtual-hosted request names in its `Host`, or undefined for path style. The public URL's
 * host `H` (SKYBRIDGE_PUBLIC_URL) and `s3.H` are path-style endpoints; `{bucket}.s3.H` and, when H is a
 * name rather than an IP address, `{bucket}.H` (what SDKs derive from an endpoint of `http://H`) are
 * virtual-hosted. Any other `{bucket}.s3.{domain}` is virtual-hosted too, so `bucket.s3.localhost` works
 * whatever the public URL. Bucket names may contain dots, so suffixes are matched from the right.
 */
export function bucketFromHost(host: string | null | undefined, publicHost: string): string | undefined {
  if (!host) return undefined;
  const h = host.replace(/:\d+$/, '').replace(/\.$/, '').toLowerCase();
  const base = publicHost.toLowerCase();
  if (h === base || h === `s3.${base}`) return undefined;
  const isIp = /^[\d.]+$/.test(base) || base.includes(':') || base.startsWith('[');
  if (!isIp && base) {
    for (const suffix of [`.s3.${base}`, `.${base}`]) if (h.endsWith(suffix) && h.length > suffix.length) return h.slice(0, -suffix.length);
  }
  const s3 = h.lastIndexOf('.s3.');
  return s3 > 0 ? h.slice(0, s3) : undefined;
}

/** Splits a raw request target into bucket and key, decoding each once; dot segments stay verbatim. */
export function resolveAddress(target: string, host: string | null | undefined, publicHost: string): S3Address {
  const q = target.indexOf('?');
  const rawPath = q === -1 ? target : target.slice(0, q);
  const rawQuery = q === -1 ? '' : target.slice(q + 1);
  const vbucket = bucketFromHost(host, publicHost);
  const bad = { invalid: false };
  let addr: S3Address;
  if (vbucket !== undefined) {
    const rest = rawPath.startsWith('/') ? rawPath.slice(1) : rawPath;
    addr = { bucket: vbucket, key: rest ? decodeSegment(rest, bad) : undefined, virtualHosted: true, rawPath, rawQuery, resource: `/${vbucket}${rawPath}` };
  } else {
    const p = rawPath.startsWith('/') ? rawPath.slice(1) : rawPath;
    if (!p) return { virtualHosted: false, rawPath, rawQuery, resource: '/' };
    const slash = p.indexOf('/');
    const bucket = decodeSegment(slash === -1 ? p : p.slice(0, slash), bad);
    const keyRaw = slash === -1 ? '' : p.slice(slash + 1);
    addr = { bucket, key: keyRaw ? decodeSegment(keyRaw, bad) : undefined, virtualHosted: false, rawPath, rawQuery, resource: rawPath };
  }
  if (bad.invalid) addr.invalidUri = true;
  return addr;
}

/** True when the gateway should hand this request to the S3 (or EC2 `POST /`) face rather than an OpenStack prefix. */
export function isAwsRequest(target: string, host: string | null | undefined, publicHost: string): boolean {
  if (bucketFromHost(host, publicHost) !== undefined) return true;
  const path = target.split('?')[0] ?? '/';
  const first = path.split('/')[1] ?? '';
  return !RESERVED_BUCKETS.has(percentDecode(first));
}
