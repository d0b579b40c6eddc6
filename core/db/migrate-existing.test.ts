// Migrations apply to a database made by an earlier release: the encryption columns arrive NULL (stored in clear) and existing rows are kept.
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { eq } from 'drizzle-orm';
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from './index.js';
import { objContainers, objObjects, objVersions } from './schema/objects.js';

const dir = mkdtempSync(join(tmpdir(), 'skybridge-migrate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of the migrations folder without the encryption migration: the schema of the release before it. */
function migrationsBeforeEncryption(): string {
  const folder = join(dir, 'migrations');
  cpSync(fileURLToPath(new URL('./migrations', import.meta.url)), folder, { recursive: true });
  const journalFile = join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: Array<{ tag: string }> };
  const idx = journal.entries.findIndex((e) => readFileSync(join(folder, `${e.tag}.sql`), 'utf8').includes('ADD `encryption`'));
  expect(idx).toBeGreaterThan(0);
  for (const e of journal.entries.slice(idx)) unlinkSync(join(folder, `${e.tag}.sql`));
  journal.entries = journal.entries.slice(0, idx);
  writeFileSync(journalFile, JSON.stringify(journal));
  return folder;
}

describe('migrating an existing database', () => {
  it('adds the encryption columns as NULL and keeps the objects and noncurrent versions written before', () => {
    const file = join(dir, 'old.db');
    const old = new Database(file);
    migrate(drizzle(old), { migrationsFolder: migrationsBeforeEncryption() });
    old.prepare("INSERT INTO obj_containers (id, project_id, name, region, created_at, updated_at) VALUES ('c1', 'p1', 'b', 'RegionOne', 1, 1)").run();
    old
      .prepare("INSERT INTO obj_objects (id, container_id, name, size, etag, swift_etag, content_type, last_modified, kind, blob_key) VALUES ('o1', 'c1', 'k', 3, 'e', 'e', 'text/plain', 1, 'simple', 'blob1')")
      .run();
    old
      .prepare("INSERT INTO obj_versions (id, container_id, name, size, etag, swift_etag, content_type, last_modified, kind, blob_key, version_id) VALUES ('o0', 'c1', 'k', 2, 'e0', 'e0', 'text/plain', 0, 'simple', 'blob0', 'o0')")
      .run();
    expect(() => old.prepare('SELECT encryption FROM obj_objects').all()).toThrow(/no such column/);
    old.close();

    const now = openDatabase(file);
    const obj = now.db.select().from(objObjects).where(eq(objObjects.id, 'o1')).get();
    expect(obj).toMatchObject({ name: 'k', size: 3, blobKey: 'blob1', encryption: null });
    expect(now.db.select().from(objVersions).where(eq(objVersions.id, 'o0')).get()).toMatchObject({ name: 'k', blobKey: 'blob0', versionId: 'o0', encryption: null });
    expect(now.db.select().from(objContainers).where(eq(objContainers.id, 'c1')).get()?.encryption).toBeNull();
    expect(now.sqlite.prepare('SELECT cipher FROM obj_parts').all()).toEqual([]);
    now.close();
  });
});
