// Finds the bucket and key of an S3 request from the Host header (virtual-hosted) or the raw path (path style).
import { percentDecode } from '../common/sigv4.js';

/** Path prefixes the gateway serves to OpenStack families; they are never bucket names on the main port. */
export const RESERVED_BUCKETS: ReadonlySet<string> = new Set(['identity', 'object', 'compute', 'image', 'network', 'volume', 'placement', 'healthz']);

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
}

/**
 * Virtual-hosted buckets: `{bucket}.s3.{anything}`, or `{bucket}.{publicHost}` when the public URL names
 * a host (not an IP address), which is what SDKs without path style send.
 */
export function bucketFromHost(host: string | null | undefined, publicHost: string): string | undefined {
  if (!host) return undefined;
  const h = host.replace(/:\d+$/, '').toLowerCase();
  const s3 = h.indexOf('.s3.');
  if (s3 > 0) return h.slice(0, s3);
  const isIp = /^[\d.]+$/.test(publicHost) || publicHost.includes(':') || publicHost.startsWith('[');
  if (!isIp && publicHost && h.endsWith(`.${publicHost}`) && h.length > publicHost.length + 1) return h.slice(0, -publicHost.length - 1);
  return undefined;
}

/** Splits a raw request target into bucket and key, decoding each once; dot segments stay verbatim. */
export function resolveAddress(target: string, host: string | null | undefined, publicHost: string): S3Address {
  const q = target.indexOf('?');
  const rawPath = q === -1 ? target : target.slice(0, q);
  const rawQuery = q === -1 ? '' : target.slice(q + 1);
  const vbucket = bucketFromHost(host, publicHost);
  if (vbucket !== undefined) {
    const rest = rawPath.startsWith('/') ? rawPath.slice(1) : rawPath;
    return { bucket: vbucket, key: rest ? percentDecode(rest) : undefined, virtualHosted: true, rawPath, rawQuery, resource: `/${vbucket}${rawPath}` };
  }
  const p = rawPath.startsWith('/') ? rawPath.slice(1) : rawPath;
  if (!p) return { virtualHosted: false, rawPath, rawQuery, resource: '/' };
  const slash = p.indexOf('/');
  const bucket = percentDecode(slash === -1 ? p : p.slice(0, slash));
  const keyRaw = slash === -1 ? '' : p.slice(slash + 1);
  return { bucket, key: keyRaw ? percentDecode(keyRaw) : undefined, virtualHosted: false, rawPath, rawQuery, resource: rawPath };
}

/** True when the gateway should hand this request to the S3 (or EC2 `POST /`) face rather than an OpenStack prefix. */
export function isAwsRequest(target: string, host: string | null | undefined, publicHost: string): boolean {
  if (bucketFromHost(host, publicHost) !== undefined) return true;
  const path = target.split('?')[0] ?? '/';
  const first = path.split('/')[1] ?? '';
  return !RESERVED_BUCKETS.has(percentDecode(first));
}
