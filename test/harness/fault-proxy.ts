// An HTTP proxy in front of a real server that can answer 5xx, drop connections or cut bodies short on demand (failure tests).
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** How the proxy treats the next requests. */
export type FaultMode =
  /** Forward untouched. */
  | { kind: 'pass' }
  /** Answer every request with this status and an S3 `<Error>` body, never reaching the target. */
  | { kind: 'status'; status: number }
  /** Close the connection without answering. */
  | { kind: 'reset' }
  /** Forward, but cut GET response bodies off after `afterBytes` bytes by closing the connection. */
  | { kind: 'cut-body'; afterBytes: number };

/** A running proxy. */
export interface FaultProxy {
  url: string;
  /** Requests seen, by method (what reached the proxy, whatever the mode). */
  seen: string[];
  set(mode: FaultMode): void;
  close(): Promise<void>;
}

/** Starts a proxy on a free loopback port forwarding to `target` (an http URL). */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const t = new URL(target);
  let mode: FaultMode = { kind: 'pass' };
  const seen: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    seen.push(req.method ?? '');
    const m = mode;
    if (m.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (m.kind === 'status') {
      req.resume();
      req.on('end', () => {
        const body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${m.status === 503 ? 'SlowDown' : 'InternalError'}</Code><Message>injected</Message></Error>`;
        res.writeHead(m.status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
        res.end(req.method === 'HEAD' ? undefined : body);
      });
      return;
    }
    const up = request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers }, (ur) => {
      res.writeHead(ur.statusCode ?? 502, ur.headers);
      if (m.kind === 'cut-body' && req.method === 'GET') {
        let sent = 0;
        ur.on('data', (d: Buffer) => {
          if (sent >= m.afterBytes) return;
          const part = d.subarray(0, m.afterBytes - sent);
          sent += part.length;
          res.write(part);
          if (sent >= m.afterBytes) {
            ur.destroy();
            res.socket?.destroy();
          }
        });
        ur.on('end', () => res.end());
        return;
      }
      ur.pipe(res);
    });
    up.on('error', () => res.socket?.destroy());
    req.pipe(up);
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    set(next) {
      mode = next;
      // Kept-alive connections would otherwise carry on in the old mode's state.
      for (const s of sockets) s.destroy();
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
