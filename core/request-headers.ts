// Request headers as a Fetch `Headers` read straight from Node's raw header list: the same answers, without undici's per-call validation.
const HTTP_WS = /^[\t\n\r ]+|[\t\n\r ]+$/g;

/** A header value as Fetch normalizes it: leading and trailing HTTP whitespace stripped. */
function normalize(v: string): string {
  const first = v.charCodeAt(0);
  const last = v.charCodeAt(v.length - 1);
  const ws = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
  return v.length && (ws(first) || ws(last)) ? v.replace(HTTP_WS, '') : v;
}

/**
 * The `Headers` of a request built from `IncomingMessage.rawHeaders` (`[name, value, …]`), as the Node
 * adapter's own Headers would be: names case-insensitive, a header sent twice joined with `, `, values
 * trimmed of HTTP whitespace, iteration sorted by name. Node's parser has already refused malformed names
 * and values, so undici's re-validation on every `get` (a tenth of a small S3 request's CPU, the S3 layer
 * reading some twenty headers) buys nothing here.
 */
export class RawRequestHeaders implements Headers {
  private readonly map = new Map<string, string>();
  private sortedCache: Array<[string, string]> | undefined;

  constructor(raw: readonly string[]) {
    for (let i = 0; i + 1 < raw.length; i += 2) this.append(raw[i]!, raw[i + 1]!);
  }

  get(name: string): string | null {
    return this.map.get(name.toLowerCase()) ?? null;
  }

  has(name: string): boolean {
    return this.map.has(name.toLowerCase());
  }

  set(name: string, value: string): void {
    this.map.set(name.toLowerCase(), normalize(String(value)));
    this.sortedCache = undefined;
  }

  append(name: string, value: string): void {
    const k = name.toLowerCase();
    const v = normalize(String(value));
    const prev = this.map.get(k);
    this.map.set(k, prev === undefined ? v : `${prev}, ${v}`);
    this.sortedCache = undefined;
  }

  delete(name: string): void {
    this.map.delete(name.toLowerCase());
    this.sortedCache = undefined;
  }

  getSetCookie(): string[] {
    const v = this.map.get('set-cookie');
    return v === undefined ? [] : [v];
  }

  forEach(callback: (value: string, key: string, parent: Headers) => void, thisArg?: unknown): void {
    for (const [k, v] of this.sorted()) callback.call(thisArg, v, k, this);
  }

  entries(): HeadersIterator<[string, string]> {
    return this.sorted()[Symbol.iterator]() as HeadersIterator<[string, string]>;
  }

  keys(): HeadersIterator<string> {
    return this.sorted().map(([k]) => k)[Symbol.iterator]() as HeadersIterator<string>;
  }

  values(): HeadersIterator<string> {
    return this.sorted().map(([, v]) => v)[Symbol.iterator]() as HeadersIterator<string>;
  }

  [Symbol.iterator](): HeadersIterator<[string, string]> {
    return this.entries();
  }

  private sorted(): Array<[string, string]> {
    return (this.sortedCache ??= [...this.map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
}

/** Where a request's headers can come from: the entry's raw list (memoized per request) or the Fetch request. */
interface HeaderSource {
  env?: { rawHeaders?: readonly string[]; headers?: Headers };
  req: { raw: { headers: Headers } };
}

/**
 * The request's headers, built once per request from the raw list the Node entry binds (see
 * RawRequestHeaders), else the Fetch request's own. Every layer reading headers should use this one object.
 */
export function requestHeaders(c: HeaderSource): Headers {
  const env = c.env;
  if (!env?.rawHeaders) return c.req.raw.headers;
  return (env.headers ??= new RawRequestHeaders(env.rawHeaders));
}
