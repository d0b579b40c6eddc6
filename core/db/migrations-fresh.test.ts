// Both dialects' committed migrations are up to date with the one schema (`npm run db:generate` writes them).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PG_SCHEMA_FILE, renderPgSchema } from '../../scripts/gen-pg-schema.js';

const root = resolve(import.meta.dirname, '../..');
const drizzleKit = join(root, 'node_modules/.bin/drizzle-kit');

/** The .sql files drizzle-kit would add to a copy of `folder` for `schema`: none when the committed ones are current. */
function newMigrations(dialect: 'sqlite' | 'postgresql', schema: string, folder: string): string[] {
  const tmp = mkdtempSync(join(tmpdir(), 'skybridge-migrations-'));
  try {
    cpSync(join(root, folder), tmp, { recursive: true });
    const before = new Set(readdirSync(tmp));
    execFileSync(drizzleKit, ['generate', `--dialect=${dialect}`, `--schema=${schema}`, `--out=${tmp}`], { cwd: root, stdio: 'pipe' });
    return readdirSync(tmp).filter((f) => f.endsWith('.sql') && !before.has(f));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

describe('migrations', () => {
  it('the PostgreSQL schema mirror is what the generator makes of core/db/schema', () => {
    expect(readFileSync(PG_SCHEMA_FILE, 'utf8'), 'stale: run `npm run db:generate`').toBe(renderPgSchema());
  });

  it('the SQLite migrations are current', () => {
    expect(newMigrations('sqlite', './core/db/schema/index.ts', 'core/db/migrations'), 'stale: run `npm run db:generate`').toEqual([]);
  });

  it('the PostgreSQL migrations are current', () => {
    expect(newMigrations('postgresql', './core/db/pg/schema.generated.ts', 'core/db/pg/migrations'), 'stale: run `npm run db:generate`').toEqual([]);
  });
});
