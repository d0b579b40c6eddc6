// The SSRF-safe fetcher against a local HTTP server: every refused address form fetches nothing; allowed ranges work.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCoreError } from '../../core/errors.js';
import { SafeHttpFetcher } from './safe-http-fetcher.js';

let server: Server;
let port: number;
const hits: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/data') return res.end('image bytes');
    if (req.url === '/big') {
      res.setHeader('content-length', '100');
      return res.end('x'.repeat(100));
    }
    if (req.url?.startsWith('/redirect?to=')) {
      res.statusCode = 302;
      res.setHeader('location', decodeURIComponent(req.url.slice('/redirect?to='.length)));
      return res.end();
    }
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
});

const text = async (s: ReadableStream<Uint8Array>) => new Response(s).text();

async function refusal(f: SafeHttpFetcher, url: string): Promise<string> {
  try {
    const r = await f.fetch(url, { maxBytes: 1 << 20 });
    await r.body.cancel();
  } catch (e) {
    expect(isCoreError(e), String(e)).toBe(true);
    return (e as Error).message;
  }
  throw new Error(`${url} was fetched`);
}

describe('SafeHttpFetcher', () => {
  it('refuses loopback, private, link-local, reserved, mapped and encoded address forms without connecting', async () => {
    const open = new SafeHttpFetcher({ ports: [80, 443, port], resolve: async (h) => (h === 'rebind.test' ? ['127.0.0.1'] : h === 'mixed.test' ? ['93.184.216.34', '10.0.0.1'] : ['93.184.216.34']) });
    const before = hits.length;
    const urls = [
      `http://127.0.0.1:${port}/data`,
      `http://2130706433:${port}/data`,
      `http://0x7f000001:${port}/data`,
      `http://0177.0.0.1:${port}/data`,
      `http://127.1:${port}/data`,
      `http://[::1]:${port}/data`,
      `http://[::ffff:127.0.0.1]:${port}/data`,
      `http://[::ffff:7f00:1]:${port}/data`,
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.1/',
      'http://172.16.0.1/',
      'http://192.168.1.1/',
      'http://100.64.0.1/',
      'http://0.0.0.0/',
      'http://[fe80::1]/',
      'http://[fc00::1]/',
      'http://224.0.0.1/',
      `http://rebind.test:${port}/data`,
      'http://mixed.test/',
    ];
    for (const u of urls) expect(await refusal(open, u), u).toMatch(/refused/);
    expect(hits.length).toBe(before);
  });

  it('refuses other schemes, credentials, unlisted ports and bad URLs', async () => {
    const f = new SafeHttpFetcher({ resolve: async () => ['93.184.216.34'] });
    expect(await refusal(f, 'ftp://example.test/x')).toMatch(/scheme ftp/);
    expect(await refusal(f, 'file:///etc/passwd')).toMatch(/scheme file/);
    expect(await refusal(f, 'http://user:pw@example.test/x')).toMatch(/credentials/);
    expect(await refusal(f, 'http://example.test:8080/x')).toMatch(/port 8080/);
    expect(await refusal(f, 'not a url')).toMatch(/not a valid URL/);
  });

  it('fetches from an allow-listed range, re-checks every redirect hop and caps the size', async () => {
    const f = new SafeHttpFetcher({ allowRanges: ['127.0.0.1/32'], ports: [port] });
    expect(await refusal(f, `http://[::ffff:127.0.0.1]:${port}/data`)).toMatch(/refused/);
    const ok = await f.fetch(`http://127.0.0.1:${port}/data`, { maxBytes: 1000 });
    expect(await text(ok.body)).toBe('image bytes');

    const followed = await f.fetch(`http://127.0.0.1:${port}/redirect?to=${encodeURIComponent(`http://127.0.0.1:${port}/data`)}`, { maxBytes: 1000 });
    expect(await text(followed.body)).toBe('image bytes');

    const before = hits.length;
    expect(await refusal(f, `http://127.0.0.1:${port}/redirect?to=${encodeURIComponent('http://169.254.169.254/latest/meta-data/')}`)).toMatch(/169\.254\.169\.254/);
    expect(await refusal(f, `http://127.0.0.1:${port}/redirect?to=${encodeURIComponent(`http://127.0.0.2:${port}/data`)}`)).toMatch(/127\.0\.0\.2/);
    // Only the redirecting hops reached the server.
    expect(hits.slice(before).every((h) => h.startsWith('/redirect'))).toBe(true);

    await expect(f.fetch(`http://127.0.0.1:${port}/big`, { maxBytes: 10 })).rejects.toThrow(/more than the 10 allowed/);
    await expect(f.fetch(`http://127.0.0.1:${port}/missing`, { maxBytes: 10 })).rejects.toThrow(/HTTP 404/);
  });
});
