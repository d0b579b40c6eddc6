// The node adapter writes bodies that offer a byte source from a few reused buffers: right bytes and headers, the source closed at the end, on a client that goes away and on a read error; other bodies go to node-server unchanged.
import { createAdaptorServer } from '@hono/node-server';
import { createHash } from 'node:crypto';
import { request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourceStream, type ByteSource } from '../core/byte-source.js';
import { writeDirect } from './direct-body.js';

const MIB = 1024 * 1024;

/** A source over `bytes` that records the buffers it was read into and whether it was closed; `failAt` makes the read reaching that offset reject. */
function testSource(bytes: Buffer, failAt?: number) {
  let pos = 0;
  const into = new Set<Uint8Array>();
  const state = { closed: false, buffers: () => into.size, pos: () => pos };
  const source: ByteSource = {
    get remaining() {
      return state.closed ? 0 : bytes.length - pos;
    },
    async read(buf) {
      into.add(buf);
      await new Promise((r) => setImmediate(r));
      if (state.closed) return 0;
      if (failAt !== undefined && pos + buf.length > failAt) throw new Error('disk on fire');
      const n = Math.min(buf.length, bytes.length - pos);
      buf.set(bytes.subarray(pos, pos + n));
      pos += n;
      return n;
    },
    async close() {
      state.closed = true;
    },
  };
  return { source, state };
}

let server: Server;
let base: string;
let next: () => Response;

beforeAll(async () => {
  server = createAdaptorServer({
    fetch: (_req, env: { incoming?: unknown; outgoing?: unknown }) => writeDirect(next(), (env.incoming as IncomingMessage | undefined)?.method, env.outgoing as ServerResponse | undefined),
  }) as Server;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});

/** GET (or `method`) `/`, reading the whole body; `keep` destroys the connection after that many body bytes. */
function get(method = 'GET', keep?: number): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer; aborted: boolean }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}/`, { method }, (res) => {
      const parts: Buffer[] = [];
      let got = 0;
      const done = (aborted: boolean) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts), aborted });
      res.on('data', (c: Buffer) => {
        parts.push(c);
        got += c.length;
        if (keep !== undefined && got >= keep) {
          req.destroy();
          done(true);
        }
      });
      res.on('end', () => done(false));
      res.on('error', () => done(true));
      res.on('aborted', () => done(true));
    });
    req.on('error', (e) => (req.destroyed ? undefined : reject(e)));
    req.end();
  });
}

async function until(cond: () => boolean): Promise<boolean> {
  for (let i = 0; i < 100 && !cond(); i++) await new Promise((r) => setTimeout(r, 20));
  return cond();
}

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

describe('writeDirect', () => {
  it('writes a large body from its byte source in at most three buffers, with every header, and closes the source', async () => {
    const bytes = Buffer.alloc(5 * MIB + 123);
    for (let i = 0; i < bytes.length; i += 4096) bytes.writeUInt32BE(i, i);
    const t = testSource(bytes);
    const headers = new Headers({ 'content-length': String(bytes.length), etag: '"x"' });
    headers.append('set-cookie', 'a=1');
    headers.append('set-cookie', 'b=2');
    next = () => new Response(sourceStream(t.source, 64 * 1024), { status: 200, headers });
    const r = await get();
    expect([r.status, r.aborted, r.body.length, md5(r.body)]).toEqual([200, false, bytes.length, md5(bytes)]);
    expect(r.headers).toMatchObject({ etag: '"x"', 'set-cookie': ['a=1', 'b=2'], 'content-type': 'text/plain; charset=UTF-8', 'content-length': String(bytes.length) });
    expect(t.state.buffers()).toBeLessThanOrEqual(3);
    expect(await until(() => t.state.closed)).toBe(true);
  });

  it('a 206 with its own content type is written the same way', async () => {
    const bytes = Buffer.alloc(300 * 1024, 9);
    const t = testSource(bytes);
    next = () => new Response(sourceStream(t.source, 64 * 1024), { status: 206, headers: { 'content-length': String(bytes.length), 'content-type': 'application/octet-stream', 'content-range': `bytes 0-${bytes.length - 1}/${bytes.length * 2}` } });
    const r = await get();
    expect([r.status, r.headers['content-type'], r.headers['content-range'], r.body.equals(bytes)]).toEqual([206, 'application/octet-stream', `bytes 0-${bytes.length - 1}/${bytes.length * 2}`, true]);
  });

  it('a client that goes away mid-body stops the reads and closes the source', async () => {
    const bytes = Buffer.alloc(64 * MIB, 1);
    const t = testSource(bytes);
    next = () => new Response(sourceStream(t.source, 64 * 1024), { headers: { 'content-length': String(bytes.length) } });
    const r = await get('GET', 512 * 1024);
    expect(r.aborted).toBe(true);
    expect(await until(() => t.state.closed)).toBe(true);
    const at = t.state.pos();
    await new Promise((r) => setTimeout(r, 100));
    expect(t.state.pos()).toBe(at);
    expect(at).toBeLessThan(bytes.length);
  });

  it('a read error cuts the response short and closes the source', async () => {
    const bytes = Buffer.alloc(4 * MIB, 2);
    const t = testSource(bytes, 2 * MIB);
    next = () => new Response(sourceStream(t.source, 64 * 1024), { headers: { 'content-length': String(bytes.length) } });
    const r = await get();
    expect(r.body.length).toBeLessThan(bytes.length);
    expect(await until(() => t.state.closed)).toBe(true);
  });

  it('bodies without a source, small bodies and HEAD answers are left to node-server', async () => {
    const big = Buffer.alloc(200 * 1024, 3);
    next = () =>
      new Response(
        new ReadableStream({
          start(c) {
            c.enqueue(big);
            c.close();
          },
        }),
        { headers: { 'content-length': String(big.length) } },
      );
    expect((await get()).body.equals(big)).toBe(true);
    next = () => new Response('hello', { headers: { 'content-type': 'text/plain' } });
    expect((await get()).body.toString()).toBe('hello');
    next = () => new Response(null, { headers: { 'content-length': String(big.length) } });
    const head = await get('HEAD');
    expect([head.status, head.headers['content-length'], head.body.length]).toEqual([200, String(big.length), 0]);
    // A source on a small body is not taken: the stream is read as any other.
    const small = Buffer.alloc(1000, 4);
    const s = testSource(small);
    next = () => new Response(sourceStream(s.source, 64 * 1024), { headers: { 'content-length': String(small.length) } });
    expect((await get()).body.equals(small)).toBe(true);
  });
});
