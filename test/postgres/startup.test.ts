// SKYBRIDGE_DATABASE_URL at start: a bad URL or an unreachable server stops the process with a message naming the variable.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../harness/server.js';

const root = resolve(import.meta.dirname, '../..');

function start(databaseUrl: string, port: number): { status: number | null; stderr: string } {
  const dataDir = mkdtempSync(join(tmpdir(), 'skybridge-pg-start-'));
  try {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'gateway/main.ts')], {
      cwd: root,
      env: { ...process.env, SKYBRIDGE_DATA_DIR: dataDir, SKYBRIDGE_PORT: String(port), SKYBRIDGE_HOST: '127.0.0.1', SKYBRIDGE_DATABASE_URL: databaseUrl },
      encoding: 'utf8',
      timeout: 30_000,
    });
    return { status: r.status, stderr: r.stderr };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

describe('SKYBRIDGE_DATABASE_URL at start', () => {
  it('a URL of another scheme stops the start naming the variable', async () => {
    const r = start('mysql://root@127.0.0.1/skybridge', await freePort());
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/SKYBRIDGE_DATABASE_URL.*postgres:\/\//);
  });

  it('an unreachable server stops the start naming the variable and the server, without the password', async () => {
    const dead = await freePort();
    const r = start(`postgres://someone:hunter2@127.0.0.1:${dead}/skybridge`, await freePort());
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('SKYBRIDGE_DATABASE_URL');
    expect(r.stderr).toContain(`127.0.0.1:${dead}`);
    expect(r.stderr).not.toContain('hunter2');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a database that does not exist stops the start naming the variable', async () => {
    const r = start('postgres://postgres@127.0.0.1:5432/skybridge_no_such_database', await freePort());
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/SKYBRIDGE_DATABASE_URL.*skybridge_no_such_database/s);
  });
});
