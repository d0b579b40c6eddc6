// TempURL wire pieces: temp_url_* query parameters, the signed message, and the download disposition (core verifies).
import { createHmac } from 'node:crypto';

/** Digests accepted for TempURL signatures (published by `GET /info`). */
export const TEMPURL_DIGESTS = ['sha1', 'sha256', 'sha512'] as const;
/** Methods a TempURL may be signed for (HEAD is also allowed with a GET, PUT or POST signature). */
export const TEMPURL_METHODS = ['GET', 'HEAD', 'PUT', 'POST', 'DELETE'] as const;

type Digest = (typeof TEMPURL_DIGESTS)[number];

/** The temp_url_* parameters of a request. */
export interface TempUrlParams {
  sig: string;
  /** Expiry, unix seconds (ISO 8601 input converted: the signature always covers the integer form). */
  expires: number;
  /** `temp_url_prefix`: the signature covers `prefix:/v1/AUTH_x/c/<prefix>` and the object must start with it. */
  prefix?: string;
  /** `temp_url_ip_range`: the signature covers `ip=<range>\n…` and the client must be in the range. */
  ipRange?: string;
  filename?: string;
  inline: boolean;
}

/** Reads temp_url params; undefined when the request is not a TempURL request; 'invalid' when malformed. */
export function readTempUrlParams(q: URLSearchParams): TempUrlParams | 'invalid' | undefined {
  const sig = q.get('temp_url_sig');
  const exp = q.get('temp_url_expires');
  if (sig === null && exp === null) return undefined;
  if (!sig || !exp) return 'invalid';
  let expires: number;
  if (/^\d+$/.test(exp)) expires = Number(exp);
  else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(exp)) {
    const t = Date.parse(exp);
    if (Number.isNaN(t)) return 'invalid';
    expires = Math.floor(t / 1000);
  } else return 'invalid';
  const prefix = q.get('temp_url_prefix') ?? undefined;
  const ipRange = q.get('temp_url_ip_range') ?? undefined;
  const filename = q.get('filename') ?? undefined;
  return { sig, expires, prefix, ...(ipRange !== undefined ? { ipRange } : {}), filename, inline: q.has('inline') };
}

/** The HMAC body Swift signs: `METHOD\nexpires\npath`, or with a prefix `METHOD\nexpires\nprefix:path`. */
export function tempUrlMessage(method: string, expires: number, path: string, prefixed: boolean): string {
  return `${method}\n${expires}\n${prefixed ? 'prefix:' : ''}${path}`;
}

/** Computes a hex signature (for tests and tools). */
export function signTempUrl(key: string, method: string, expires: number, path: string, digest: Digest = 'sha256', prefixed = false): string {
  return createHmac(digest, key).update(tempUrlMessage(method, expires, path, prefixed)).digest('hex');
}

/** Python's `urllib.parse.quote` with the given safe characters (Swift quotes Content-Disposition names with it). */
function pyQuote(s: string, safe: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const ch = String.fromCharCode(b);
    out += /[A-Za-z0-9_.\-~]/.test(ch) || (b < 0x80 && safe.includes(ch)) ? ch : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const dispositionFormat = (type: string, filename: string): string =>
  `${type}; filename="${pyQuote(filename, ' /')}"; filename*=UTF-8''${pyQuote(filename, '/')}`;

/**
 * Content-Disposition for a successful TempURL GET/HEAD, in Swift's order of preference: `inline` (with the
 * `filename` if given), then `filename`, then the object's own Content-Disposition, then the object's base name.
 */
export function tempUrlDisposition(objectName: string, params: TempUrlParams, existing?: string): string {
  if (params.inline) return params.filename ? dispositionFormat('inline', params.filename) : 'inline';
  if (params.filename) return dispositionFormat('attachment', params.filename);
  if (existing) return existing;
  const trimmed = objectName.replace(/\/+$/, '');
  return dispositionFormat('attachment', trimmed.slice(trimmed.lastIndexOf('/') + 1));
}

/** Request headers a TempURL write may not carry: they could point the object at data the URL does not cover. */
export const TEMPURL_DISALLOWED_HEADERS = ['X-Object-Manifest', 'X-Symlink-Target'] as const;
