// A new user's first hour with the `skybridge` command: start, stop on SIGTERM mid-upload, restart, port in use, bad config, passwords, aws CLI, reset.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startServer, type RunningServer } from '../harness/server.js';
import { passwordToken } from './keystone-http.js';
import { readCloudsYaml } from './openstack.js';

const root = resolve(import.meta.dirname, '../..');
const ENV = { SKYBRIDGE_PASSWORD_HASH_COST: '1024' };

/** Runs `node bin/skybridge.js <args>` to its end (commands and failed starts). */
function skybridge(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((res) => {
    const child = spawn(process.execPath, [join(root, 'bin/skybridge.js'), ...args], {
      cwd: root,
      env: { ...process.env, SKYBRIDGE_HOST: '127.0.0.1', SKYBRIDGE_LOG_LEVEL: 'warn', ...ENV, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => res({ code, stdout, stderr }));
  });
}

/** True once nothing accepts connections on the port. */
const refused = (port: number) =>
  new Promise<boolean>((res) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), res(false)));
    s.once('error', () => res(true));
  });

/** The port can be bound again (the stopped server released it). */
const bindable = (port: number) =>
  new Promise<boolean>((res) => {
    const s = createServer();
    s.once('error', () => res(false));
    s.listen(port, '127.0.0.1', () => s.close(() => res(true)));
  });

/** One line on stderr, no stack trace. */
const oneLine = (stderr: string) => {
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
};

describe('failed starts answer one line, before anything is bootstrapped', () => {
  const dirs: string[] = [];
  const freshDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'skybridge-first-hour-'));
    dirs.push(d);
    return d;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('port in use: exit 1, one line naming the port, the new data dir left untouched', async () => {
    const port = await freePort();
    const holder = createServer();
    await new Promise<void>((r) => holder.listen(port, '127.0.0.1', () => r()));
    try {
      const dataDir = freshDir();
      const r = await skybridge([], { SKYBRIDGE_PORT: String(port), SKYBRIDGE_DATA_DIR: dataDir });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`cannot listen on 127.0.0.1:${port}: the port is in use`);
      oneLine(r.stderr);
      expect(readdirSync(dataDir)).toEqual([]);
    } finally {
      holder.close();
    }
  });

  it('bad config: exit 2, one line naming the variable, nothing bootstrapped', async () => {
    const dataDir = join(freshDir(), 'data');
    const r = await skybridge([], { SKYBRIDGE_PORT: 'eighty', SKYBRIDGE_DATA_DIR: dataDir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('SKYBRIDGE_PORT');
    oneLine(r.stderr);
    const level = await skybridge([], { SKYBRIDGE_LOG_LEVEL: 'loud', SKYBRIDGE_DATA_DIR: dataDir });
    expect(level.code).toBe(2);
    expect(level.stderr).toContain('SKYBRIDGE_LOG_LEVEL');
    oneLine(level.stderr);
    expect(existsSync(dataDir)).toBe(false);
  });
});

// Steps run in order and share one data dir: first start, a stop during an upload, restarts.
describe('the skybridge command', () => {
  let server: RunningServer;
  let adminPassword = '';
  const body = randomBytes(3 << 20);

  beforeAll(async () => {
    server = await startServer({ viaBin: true, env: ENV });
    adminPassword = (await readCloudsYaml(join(server.dataDir, 'clouds.yaml'))).clouds.skybridge!.auth.password!;
  });
  afterAll(async () => server?.dispose());

  it('SIGTERM during an upload: stops accepting, finishes the upload, exits 0, releases the port; the data is there after a restart', async () => {
    const admin = await passwordToken(server.url, 'admin', adminPassword, 'admin');
    const account = `${server.url}/object/v1/AUTH_${admin.projectId}`;
    expect((await fetch(`${account}/drain`, { method: 'PUT', headers: { 'x-auth-token': admin.id } })).status).toBe(201);
    const upload = request(`${account}/drain/big`, { method: 'PUT', headers: { 'x-auth-token': admin.id, 'transfer-encoding': 'chunked' } });
    const answered = new Promise<number>((res, rej) => {
      upload.on('response', (r) => (r.resume(), res(r.statusCode!)));
      upload.on('error', rej);
    });
    upload.write(body.subarray(0, 1 << 20));
    await new Promise((r) => setTimeout(r, 300));
    const exited = server.stop();
    for (let i = 0; i < 100 && !(await refused(server.port)); i++) await new Promise((r) => setTimeout(r, 50));
    expect(await refused(server.port)).toBe(true);
    upload.end(body.subarray(1 << 20));
    expect(await answered).toBe(201);
    expect(await exited).toBe(0);
    expect(await bindable(server.port)).toBe(true);

    await server.restart();
    const again = await passwordToken(server.url, 'admin', adminPassword, 'admin');
    const got = await fetch(`${account}/drain/big`, { headers: { 'x-auth-token': again.id } });
    expect(got.status).toBe(200);
    const bytes = Buffer.from(await got.arrayBuffer());
    expect(createHash('md5').update(bytes).digest('hex')).toBe(createHash('md5').update(body).digest('hex'));
  });
});
