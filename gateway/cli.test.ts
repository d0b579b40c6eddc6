// `skybridge reset`: asks before deleting, refuses what is not a skybridge data dir, and PostgreSQL models.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resetCommand, usage } from './cli.js';
import { loadConfig } from './config.js';

describe('skybridge reset', () => {
  const root = mkdtempSync(join(tmpdir(), 'skybridge-reset-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const dataDir = (name: string, files: string[]) => {
    const d = join(root, name);
    mkdirSync(d, { recursive: true });
    for (const f of files) writeFileSync(join(d, f), 'x');
    return d;
  };
  const answering = (answer: string) => ({ interactive: true, ask: async () => answer });

  it('deletes only after `yes`', async () => {
    const d = dataDir('asked', ['skybridge.db', 'admin-password']);
    const config = loadConfig({ SKYBRIDGE_DATA_DIR: d });
    expect(await resetCommand(config, [], answering('no'))).toBe('not reset\n');
    expect(existsSync(d)).toBe(true);
    expect(await resetCommand(config, [], answering('yes'))).toContain(`removed ${d}`);
    expect(existsSync(d)).toBe(false);
  });

  it('refuses a directory that is not a skybridge data dir, even with --yes', async () => {
    const d = dataDir('home', ['notes.txt']);
    await expect(resetCommand(loadConfig({ SKYBRIDGE_DATA_DIR: d }), ['--yes'], answering('yes'))).rejects.toThrow(/does not look like a skybridge data directory/);
    expect(existsSync(join(d, 'notes.txt'))).toBe(true);
  });

  it('refuses a PostgreSQL model, and says so for an empty or missing dir', async () => {
    const d = dataDir('pg', ['token-keys']);
    await expect(resetCommand(loadConfig({ SKYBRIDGE_DATA_DIR: d, SKYBRIDGE_DATABASE_URL: 'postgres://u@127.0.0.1/db' }), ['--yes'])).rejects.toThrow(/SKYBRIDGE_DATABASE_URL/);
    expect(await resetCommand(loadConfig({ SKYBRIDGE_DATA_DIR: join(root, 'missing') }), ['--yes'])).toContain('nothing to reset');
  });

  it('usage names every command', () => {
    for (const c of ['reset [--yes]', 'token-keys:rotate', 'sse-keys:rotate', '--help', '--version']) expect(usage()).toContain(c);
  });
});
