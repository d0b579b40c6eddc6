// incomingBody over real loopback connections: whole bodies, empty bodies, truncated bodies, and answering without reading.
import { Agent, createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { incomingBody } from './request-body.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<number> {
  server = createServer(handler);
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  return (server.address() as AddressInfo).port;
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  const reader = stream.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(r.value);
  return Buffer.concat(chunks);
}

function put(port: number, body: Buffer, agent?: Agent): Promise<{ status: number; text: string }> {
  return new Promise((res, rej) => {
    const req = request({ host: '127.0.0.1', port, method: 'PUT', path: '/', agent, headers: { 'content-length': String(body.length) } }, (r) => {
      let text = '';
      r.on('data', (c: Buffer) => (text += c.toString()));
      r.on('end', () => res({ status: r.statusCode ?? 0, text }));
    });
    req.on('error', rej);
    req.end(body);
  });
}

describe('incomingBody', () => {
  it('yields exactly the bytes sent, large or empty', async () => {
    const port = await serve((req, res) => {
      void readAll(incomingBody(req)).then((b) => res.end(`${b.length}:${b.subarray(0, 4).toString('hex')}:${b.subarray(-4).toString('hex')}`));
    });
    const big = Buffer.alloc(3 << 20);
    for (let i = 0; i < big.length; i += 4) big.writeUInt32BE(i, i);
    expect((await put(port, big)).text).toBe(`${big.length}:${big.subarray(0, 4).toString('hex')}:${big.subarray(-4).toString('hex')}`);
    expect((await put(port, Buffer.alloc(0))).text).toBe('0::');
  });

  it('errors when the client closes before the body ends', async () => {
    let outcome: Promise<string> | undefined;
    const port = await serve((req) => {
      outcome = readAll(incomingBody(req)).then(
        (b) => `complete ${b.length}`,
        () => 'errored',
      );
    });
    const sock = connect(port, '127.0.0.1');
    await new Promise<void>((r) => sock.once('connect', () => r()));
    sock.write('PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n' + 'a'.repeat(1000));
    await new Promise((r) => setTimeout(r, 50));
    sock.destroy();
    await expect.poll(() => outcome, { timeout: 2000 }).toBeDefined();
    expect(await outcome).toBe('errored');
  });

  it('a cancelled body still lets the server answer and the connection be reused', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    let n = 0;
    const port = await serve((req, res) => {
      const body = incomingBody(req);
      if (n++ === 0) {
        void body.cancel();
        req.resume();
        res.statusCode = 404;
        res.end('early');
      } else void readAll(body).then((b) => res.end(String(b.length)));
    });
    expect(await put(port, Buffer.alloc(1000), agent)).toEqual({ status: 404, text: 'early' });
    expect(await put(port, Buffer.alloc(2000), agent)).toEqual({ status: 200, text: '2000' });
    agent.destroy();
  });
});
