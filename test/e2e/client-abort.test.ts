// Clients that hang up mid-upload (Swift and S3, with and without `100 Continue`) are logged as client aborts, never as server errors, and leave no object.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../core/logger.js';
import { presignV4, startS3Server, type S3TestServer } from './s3-server.js';

interface Entry {
  level: 'info' | 'warn' | 'error' | 'debug';
  obj: unknown;
  msg?: string;
}

/** A Logger that keeps every entry, so a test can assert what was logged at which level. */
function recordingLogger(entries: Entry[]): Logger {
  const at = (level: Entry['level']) => (obj: object | string, msg?: string) => void entries.push({ level, obj, msg });
  const logger: Logger = { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug'), child: () => logger };
  return logger;
}

const entries: Entry[] = [];
let s: S3TestServer;
let token: string;
beforeAll(async () => {
  s = await startS3Server({}, { logger: recordingLogger(entries) });
  const b = s.sys.firstStart.bootstrap;
  const login = await s.sys.request('/identity/v3/auth/tokens', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: { methods: ['password'], password: { user: { name: b.demo.userName, domain: { id: 'default' }, password: b.demo.password } } },
        scope: { project: { name: b.demo.projectName, domain: { id: 'default' } } },
      },
    }),
  });
  token = login.headers.get('x-subject-token')!;
  await s.sys.request(`/object/v1/AUTH_${s.demo.projectId}/aborts`, { method: 'PUT', headers: { 'x-auth-token': token } });
});
afterAll(async () => {
  await s.close();
});

/** Opens a raw connection, writes `head`, optionally waits for `100 Continue`, writes `partial` body bytes, then destroys the socket. */
async function hangUp(head: string, partial: Buffer | undefined, opts: { awaitContinue?: boolean } = {}): Promise<void> {
  const sock: Socket = connect(s.port, '127.0.0.1');
  await new Promise<void>((r) => sock.once('connect', () => r()));
  sock.on('error', () => {});
  sock.write(head);
  if (opts.awaitContinue) {
    await new Promise<void>((r, j) => {
      let seen = '';
      sock.on('data', (d) => {
        seen += d.toString('latin1');
        if (seen.includes('100 Continue')) r();
      });
      setTimeout(() => j(new Error(`no 100 Continue, got ${JSON.stringify(seen)}`)), 5000).unref();
    });
  }
  if (partial) await new Promise<void>((r) => sock.write(partial, () => r()));
  // Let the server start reading the body before the connection goes.
  await new Promise((r) => setTimeout(r, 50));
  sock.destroy();
}

/** Waits until the server has finished with the aborted request (its access-log line is written). */
async function settled(path: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (entries.some((e) => typeof e.obj === 'object' && e.obj !== null && (e.obj as { path?: string }).path === path)) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no access log for ${path}`);
}

const serverErrors = () => entries.filter((e) => e.level === 'error' || (typeof e.obj === 'object' && (e.obj as { status?: number }).status === 500));

describe('client aborts', () => {
  it('a Swift upload cut off mid-body: logged as a client abort, no error entry, no 500, no object', async () => {
    const path = `/object/v1/AUTH_${s.demo.projectId}/aborts/cut`;
    entries.length = 0;
    await hangUp(`PUT ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Auth-Token: ${token}\r\nContent-Length: 1000000\r\n\r\n`, Buffer.alloc(70_000, 7));
    await settled(path);
    expect(serverErrors()).toEqual([]);
    expect(entries.some((e) => e.msg === 'client aborted the request')).toBe(true);
    expect((await s.sys.request(path, { headers: { 'x-auth-token': token } })).status).toBe(404);
  });

  it('a chunked Swift upload cut off mid-chunk: a client abort, no object', async () => {
    const path = `/object/v1/AUTH_${s.demo.projectId}/aborts/chunked`;
    entries.length = 0;
    await hangUp(`PUT ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Auth-Token: ${token}\r\nTransfer-Encoding: chunked\r\n\r\n`, Buffer.from(`10000\r\n${'z'.repeat(3000)}`));
    await settled(path);
    expect(serverErrors()).toEqual([]);
    expect(entries.some((e) => e.msg === 'client aborted the request')).toBe(true);
    expect((await s.sys.request(path, { headers: { 'x-auth-token': token } })).status).toBe(404);
  });

  it('a Swift client that closes right after `100 Continue`: a client abort, not a 500', async () => {
    const path = `/object/v1/AUTH_${s.demo.projectId}/aborts/after-continue`;
    entries.length = 0;
    await hangUp(`PUT ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Auth-Token: ${token}\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n`, undefined, {
      awaitContinue: true,
    });
    await settled(path);
    expect(serverErrors()).toEqual([]);
    expect(entries.some((e) => e.msg === 'client aborted the request')).toBe(true);
    expect((await s.sys.request(path, { headers: { 'x-auth-token': token } })).status).toBe(404);
  });

  it('an S3 presigned PUT cut off mid-body and one closed after `100 Continue`: client aborts, no object', async () => {
    await fetch(await presignV4(s.url, { method: 'PUT', path: '/abort-bucket', access: s.demo.access, secret: s.demo.secret, expiresIn: 300 }), { method: 'PUT' });
    for (const [key, awaitContinue] of [
      ['cut', false],
      ['after-continue', true],
    ] as const) {
      const path = `/abort-bucket/${key}`;
      const url = new URL(await presignV4(s.url, { method: 'PUT', path, access: s.demo.access, secret: s.demo.secret, expiresIn: 300 }));
      entries.length = 0;
      const expect100 = awaitContinue ? 'Expect: 100-continue\r\n' : '';
      await hangUp(`PUT ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Length: 1000000\r\n${expect100}\r\n`, awaitContinue ? undefined : Buffer.alloc(70_000, 7), {
        awaitContinue,
      });
      await settled(path);
      expect(serverErrors(), key).toEqual([]);
      expect(entries.some((e) => e.msg === 'client aborted the request'), key).toBe(true);
      const head = await fetch(await presignV4(s.url, { method: 'HEAD', path, access: s.demo.access, secret: s.demo.secret, expiresIn: 300 }), { method: 'HEAD' });
      expect(head.status, key).toBe(404);
    }
  });
});
