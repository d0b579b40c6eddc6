// The first start as a newcomer sees it: printed endpoint and credentials, clouds.yaml and a sourceable aws.env.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../harness/server.js';

const root = resolve(import.meta.dirname, '../..');

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res) => {
    execFile(cmd, args, { env, cwd: root, timeout: 60_000 }, (err, stdout, stderr) => {
      res({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** Waits until the process has printed `needle` (stdout arrives asynchronously after /healthz answers). */
async function waitForOutput(server: RunningServer, needle: string, ms = 5_000): Promise<string> {
  const deadline = Date.now() + ms;
  while (!server.stdout().includes(needle) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return server.stdout();
}

describe('first start', () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startServer();
  });

  afterAll(async () => {
    await server?.dispose();
  });

  it('prints the endpoint, both users with their passwords, and the clouds.yaml and aws.env paths', async () => {
    const cloudsPath = join(server.dataDir, 'clouds.yaml');
    const awsEnvPath = join(server.dataDir, 'aws.env');
    const out = await waitForOutput(server, 'aws.env');
    expect(out).toContain(server.url);
    expect(out).toMatch(/\badmin\b/);
    expect(out).toMatch(/\bdemo\b/);
    expect(out).toContain(cloudsPath);
    expect(out).toContain(awsEnvPath);
    const passwords = [...readFileSync(cloudsPath, 'utf8').matchAll(/^\s*password:\s*['"]?([^'"\s]+)['"]?\s*$/gm)].map((m) => m[1]!);
    expect(passwords).toHaveLength(2);
    for (const p of passwords) expect(out).toContain(p);
  });

  it('generates passwords a CLI flag can take as they are (never starting with "-")', () => {
    for (const f of ['admin-password', 'demo-password']) {
      const file = join(server.dataDir, f);
      if (!existsSync(file)) continue;
      expect(readFileSync(file, 'utf8').trim()).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{20,}$/);
    }
    expect(existsSync(join(server.dataDir, 'demo-password'))).toBe(true);
  });

  it('writes clouds.yaml with the skybridge and skybridge-demo clouds pointing at the server', () => {
    const yaml = readFileSync(join(server.dataDir, 'clouds.yaml'), 'utf8');
    expect(yaml).toMatch(/^clouds:\s*$/m);
    expect(yaml).toMatch(/^\s+skybridge:\s*$/m);
    expect(yaml).toMatch(/^\s+skybridge-demo:\s*$/m);
    expect(yaml).toMatch(new RegExp(`auth_url:\\s*['"]?${server.url.replace(/[.]/g, '\\.')}/identity`));
  });

  it('writes an aws.env that a shell can source', async () => {
    const file = join(server.dataDir, 'aws.env');
    expect(existsSync(file)).toBe(true);
    const script = 'set -e; . "$1"; printf "%s\\n" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$AWS_DEFAULT_REGION" "$AWS_ENDPOINT_URL"';
    const r = await run('bash', ['-c', script, 'bash', file], { PATH: process.env.PATH });
    expect(r.code, r.stderr).toBe(0);
    const [key, secret, region, endpoint] = r.stdout.trim().split('\n');
    expect(key).toMatch(/^\S{16,}$/);
    expect(secret).toMatch(/^\S{16,}$/);
    expect(region).toBe('RegionOne');
    expect(endpoint).toBe(server.url);
  });
});

describe('bad configuration', () => {
  const start = (env: Record<string, string>) =>
    run(process.execPath, ['--import', 'tsx', join(root, 'gateway/main.ts')], {
      ...process.env,
      SKYBRIDGE_DATA_DIR: join(tmpdir(), 'skybridge-bad-config-never-created'),
      SKYBRIDGE_LOG_LEVEL: 'warn',
      ...env,
    });

  it('SKYBRIDGE_PORT=abc exits non-zero naming the variable', async () => {
    const r = await start({ SKYBRIDGE_PORT: 'abc' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('SKYBRIDGE_PORT');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a bad region name exits non-zero naming the variable', async () => {
    const r = await start({ SKYBRIDGE_PORT: '0', SKYBRIDGE_REGION: 'not a region!' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('SKYBRIDGE_REGION');
  });
});
