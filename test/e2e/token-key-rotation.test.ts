// Token key rotation against a running server: `npm run token-keys:rotate`, and SKYBRIDGE_TOKEN_KEY_ROTATION_HOURS.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileKeyRing } from '../../backends/crypto/file-key-ring.js';
import { startServer, type RunningServer } from '../harness/server.js';

const root = resolve(import.meta.dirname, '../..');
const ENV = { SKYBRIDGE_ADMIN_PASSWORD: 'admin-secret', SKYBRIDGE_PASSWORD_HASH_COST: '1024' };

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res) => {
    execFile(cmd, args, { env, cwd: root, timeout: 60_000 }, (err, stdout, stderr) => {
      res({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

async function login(url: string): Promise<string> {
  const r = await fetch(`${url}/identity/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: { methods: ['password'], password: { user: { name: 'admin', domain: { id: 'default' }, password: 'admin-secret' } } },
        scope: { project: { name: 'admin', domain: { id: 'default' } } },
      },
    }),
  });
  await r.body?.cancel();
  expect(r.status).toBe(201);
  return r.headers.get('x-subject-token')!;
}

async function validate(url: string, caller: string, subject: string): Promise<number> {
  const r = await fetch(`${url}/identity/v3/auth/tokens`, { headers: { 'x-auth-token': caller, 'x-subject-token': subject } });
  await r.body?.cancel();
  return r.status;
}

/** The key id a token names (bytes 1-4), and the one of key file `n`: the first 4 bytes of SHA-256 of the key. */
const tokenKid = (token: string) => Buffer.from(token, 'base64url').subarray(1, 5).toString('hex');
const fileKid = (dataDir: string, n: number) =>
  createHash('sha256').update(Buffer.from(readFileSync(join(dataDir, 'token-keys', String(n)), 'utf8').trim(), 'base64url')).digest().subarray(0, 4).toString('hex');

/** Logs in until the server seals with key file `n` (a server notices another process's rotation within 5 s). */
async function tokenSealedWith(server: RunningServer, n: number, ms = 20_000): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const t = await login(server.url);
    if (existsSync(join(server.dataDir, 'token-keys', String(n))) && tokenKid(t) === fileKid(server.dataDir, n)) return t;
    if (Date.now() > deadline) throw new Error(`no token sealed with key ${n} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('npm run token-keys:rotate against a running server', () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startServer({ env: ENV });
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it('new tokens use the new key without a restart; tokens from the old key stay valid, also after a restart', async () => {
    const before = await login(server.url);
    expect(tokenKid(before)).toBe(fileKid(server.dataDir, 1));

    const r = await run('npm', ['run', '--silent', 'token-keys:rotate'], { ...process.env, SKYBRIDGE_DATA_DIR: server.dataDir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('key 2 is the new primary; keys 2, 1 validate tokens; removed: none.');

    const after = await tokenSealedWith(server, 2);
    expect(await validate(server.url, after, before)).toBe(200);
    expect(await validate(server.url, before, after)).toBe(200);

    // After a restart nothing is cached: both tokens are opened with the keys on disk.
    await server.restart();
    expect(await validate(server.url, after, before)).toBe(200);
    expect(await validate(server.url, before, after)).toBe(200);
    expect(tokenKid(await login(server.url))).toBe(fileKid(server.dataDir, 2));
  });
});

describe('SKYBRIDGE_TOKEN_KEY_ROTATION_HOURS', () => {
  it('rotates a primary key older than the period when the server starts, and keeps the old one', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'skybridge-rotation-'));
    try {
      new FileKeyRing(join(dataDir, 'token-keys'));
      const threeHoursAgo = (Date.now() - 3 * 3600_000) / 1000;
      utimesSync(join(dataDir, 'token-keys', '1'), threeHoursAgo, threeHoursAgo);
      const server = await startServer({ dataDir, env: { ...ENV, SKYBRIDGE_TOKEN_KEY_ROTATION_HOURS: '1' } });
      try {
        const token = await tokenSealedWith(server, 2);
        expect(new FileKeyRing(join(dataDir, 'token-keys')).keyFiles()).toEqual([2, 1]);
        expect(await validate(server.url, token, token)).toBe(200);
      } finally {
        await server.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses to start with a period that is not a whole number of hours, naming the variable', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'skybridge-rotation-'));
    try {
      await expect(startServer({ dataDir, env: { ...ENV, SKYBRIDGE_TOKEN_KEY_ROTATION_HOURS: 'daily' }, timeoutMs: 20_000 })).rejects.toThrow(
        /SKYBRIDGE_TOKEN_KEY_ROTATION_HOURS/,
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
