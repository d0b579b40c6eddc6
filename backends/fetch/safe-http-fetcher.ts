// The one SSRF-safe URL fetcher (web-download): scheme/port allow-lists, resolve-then-pin, deny ranges, redirects re-checked per hop.
import { lookup as dnsLookup } from 'node:dns/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { BlockList, isIP } from 'node:net';
import { Readable } from 'node:stream';
import { errors } from '../../core/errors.js';
import type { FetchedBody, UrlFetcher } from '../../core/image/types.js';

/** How the fetcher is configured (from `gateway/config.ts`). */
export interface SafeFetcherOptions {
  /** CIDR ranges opened on purpose although they are private/loopback (tests: `127.0.0.1/32`). */
  allowRanges?: string[];
  /** Ports the fetcher may connect to (default 80 and 443). */
  ports?: number[];
  /** Schemes (default http and https). */
  schemes?: Array<'http' | 'https'>;
  /** Redirects followed, each one re-checked (default 5). */
  maxRedirects?: number;
  /** Whole-fetch deadline, ms (default 10 min); a body still flowing then is cut. */
  timeoutMs?: number;
  /** Name resolution (tests inject one); default the system resolver, every address. */
  resolve?: (host: string) => Promise<string[]>;
}

/** Ranges no fetch may reach unless allow-listed: loopback, private, link-local (metadata), CGNAT, reserved, multicast. */
function denyList(): BlockList {
  const b = new BlockList();
  const v4: Array<[string, number]> = [
    ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
    ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
    ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
  ];
  for (const [a, p] of v4) b.addSubnet(a, p, 'ipv4');
  const v6: Array<[string, number]> = [
    ['::', 128], ['::1', 128], ['::ffff:0:0', 96], ['64:ff9b::', 96], ['100::', 64], ['2001:db8::', 32], ['2002::', 16], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8],
  ];
  for (const [a, p] of v6) b.addSubnet(a, p, 'ipv6');
  return b;
}

function allowList(ranges: readonly string[]): BlockList {
  const b = new BlockList();
  for (const r of ranges) {
    const [addr, bits] = r.split('/');
    const type = isIP(addr ?? '');
    if (!type) throw errors.invalid(`Not a CIDR range: ${r}`);
    const prefix = bits === undefined ? (type === 4 ? 32 : 128) : Number(bits);
    b.addSubnet(addr!, prefix, type === 4 ? 'ipv4' : 'ipv6');
  }
  return b;
}

/** The IPv4 address an IPv4-mapped (or -translated) IPv6 address (`::ffff:a.b.c.d`, `::ffff:7f00:1`) carries, if it is one. */
function mappedV4(addr: string): string | undefined {
  const m = /^::ffff:(?:0:)?(.+)$/i.exec(addr);
  if (!m) return undefined;
  if (isIP(m[1]!) === 4) return m[1];
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(m[1]!);
  if (!hex) return undefined;
  const hi = parseInt(hex[1]!, 16);
  const lo = parseInt(hex[2]!, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

const refuse = (url: string, why: string) => errors.invalid(`The URL ${url} was refused: ${why}.`, { reason: 'ssrf' });

/** The raw host part of a URL string as the client wrote it (before WHATWG canonicalisation). */
function rawHost(url: string): string {
  const afterScheme = url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const authority = afterScheme.split(/[/?#]/)[0] ?? '';
  const host = authority.slice(authority.lastIndexOf('@') + 1);
  return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d*$/, '');
}

/** A URL that passed every check, with the one address it will be fetched from. */
interface Target {
  url: URL;
  address: string;
  port: number;
}

/**
 * Fetches http(s) URLs for web-download without letting a URL reach what it should not: the name is
 * resolved here and the connection goes to the checked address (no re-resolution, so DNS rebinding
 * cannot swap it), every address of the name must be allowed, numeric host forms other than the canonical
 * dotted quad are refused, redirects are followed by hand and each hop checked the same way.
 */
export class SafeHttpFetcher implements UrlFetcher {
  private readonly deny = denyList();
  private readonly allow: BlockList;
  private readonly ports: number[];
  private readonly schemes: string[];
  private readonly maxRedirects: number;
  private readonly timeoutMs: number;
  private readonly resolve: (host: string) => Promise<string[]>;

  constructor(opts: SafeFetcherOptions = {}) {
    this.allow = allowList(opts.allowRanges ?? []);
    this.ports = opts.ports ?? [80, 443];
    this.schemes = (opts.schemes ?? ['http', 'https']).map((s) => `${s}:`);
    this.maxRedirects = opts.maxRedirects ?? 5;
    this.timeoutMs = opts.timeoutMs ?? 600_000;
    this.resolve = opts.resolve ?? (async (host) => (await dnsLookup(host, { all: true, verbatim: true })).map((a) => a.address));
  }

  /** True when the fetcher may connect to `address`. */
  addressAllowed(address: string): boolean {
    const type = isIP(address);
    if (type === 0) return false;
    const family = type === 4 ? 'ipv4' : 'ipv6';
    // IPv4-mapped IPv6 is refused in every form, even for an allow-listed IPv4 range: it is how deny lists get bypassed.
    if (type === 6 && mappedV4(address) !== undefined) return false;
    if (this.allow.check(address, family)) return true;
    return !this.deny.check(address, family);
  }

  /** Checks one URL (scheme, credentials, port, host form, every resolved address) and picks the address to use. */
  async check(raw: string): Promise<Target> {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw refuse(raw, 'it is not a valid URL');
    }
    if (!this.schemes.includes(url.protocol)) throw refuse(raw, `the scheme ${url.protocol.replace(':', '')} is not allowed`);
    if (url.username || url.password) throw refuse(raw, 'credentials in URLs are not allowed');
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    if (!this.ports.includes(port)) throw refuse(raw, `port ${port} is not allowed`);
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    if (!host) throw refuse(raw, 'it has no host');
    const written = rawHost(raw).toLowerCase();
    // Decimal, octal, hex and shorthand IPv4 forms are canonicalised by the URL parser; refuse them outright.
    if (isIP(host) === 4 && written !== host) throw refuse(raw, `the address form ${written} is not a canonical dotted quad`);
    let addresses: string[];
    if (isIP(host)) addresses = [host];
    else {
      if (/^[0-9.]+$|^0x/i.test(host)) throw refuse(raw, `the address form ${host} is not a canonical dotted quad`);
      try {
        addresses = await this.resolve(host);
      } catch {
        throw refuse(raw, `the name ${host} does not resolve`);
      }
      if (addresses.length === 0) throw refuse(raw, `the name ${host} does not resolve`);
    }
    const bad = addresses.find((a) => !this.addressAllowed(a));
    if (bad !== undefined) throw refuse(raw, `the address ${bad} is loopback, private, link-local or reserved`);
    return { url, address: addresses[0]!, port };
  }

  async fetch(raw: string, opts: { maxBytes: number; signal?: AbortSignal }): Promise<FetchedBody> {
    const deadline = AbortSignal.timeout(this.timeoutMs);
    const signal = opts.signal ? AbortSignal.any([opts.signal, deadline]) : deadline;
    let current = raw;
    for (let hop = 0; hop <= this.maxRedirects; hop++) {
      const target = await this.check(current);
      const res = await this.get(target, signal);
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        current = new URL(res.headers.location, target.url).toString();
        continue;
      }
      if (status !== 200) {
        res.resume();
        throw errors.invalid(`The URL ${current} answered HTTP ${status}.`, { reason: 'fetch' });
      }
      const len = res.headers['content-length'];
      const size = len !== undefined && /^\d+$/.test(len) ? Number(len) : undefined;
      if (size !== undefined && size > opts.maxBytes) {
        res.destroy();
        throw errors.quota(`The image at ${current} is ${size} bytes, more than the ${opts.maxBytes} allowed.`, { reason: 'TooLarge' });
      }
      return { body: Readable.toWeb(res) as ReadableStream<Uint8Array>, ...(size !== undefined ? { size } : {}) };
    }
    throw refuse(raw, `more than ${this.maxRedirects} redirects`);
  }

  /** One GET to the pinned address; the Host header and TLS name stay the URL's. */
  private get(t: Target, signal: AbortSignal): Promise<IncomingMessage> {
    const mod = t.url.protocol === 'https:' ? https : http;
    const hostname = t.url.hostname.startsWith('[') ? t.url.hostname.slice(1, -1) : t.url.hostname;
    return new Promise((res, rej) => {
      const req = mod.request({
        host: t.address,
        port: t.port,
        path: `${t.url.pathname}${t.url.search}`,
        method: 'GET',
        headers: { host: t.url.host, 'user-agent': 'skybridge-image-import', accept: '*/*' },
        ...(isIP(hostname) ? {} : { servername: hostname }),
        signal,
      });
      req.on('response', res);
      req.on('error', (e) => rej(signal.aborted ? errors.invalid(`Fetching ${t.url.toString()} timed out.`, { reason: 'timeout' }) : errors.invalid(`Fetching ${t.url.toString()} failed: ${e.message}`, { reason: 'fetch' })));
      req.end();
    });
  }
}
