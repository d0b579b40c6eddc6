// The background checkpointer copies committed WAL pages into the database file without the writer checkpointing.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type OpenDb } from './index.js';

describe('background checkpointer', () => {
  let dir: string | undefined;
  let odb: OpenDb | undefined;
  afterEach(() => {
    odb?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('moves committed pages into the database file while the writer only commits (its own threshold is far away)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'checkpointer-'));
    const path = join(dir, 'db.sqlite');
    odb = openDatabase(path);
    expect(Number(odb.sqlite.pragma('wal_autocheckpoint', { simple: true }))).toBe(30000);
    odb.sqlite.exec('CREATE TABLE big (id INTEGER PRIMARY KEY, data BLOB)');
    const before = statSync(path).size;
    const insert = odb.sqlite.prepare('INSERT INTO big (data) VALUES (?)');
    // About 2,000 pages: far below the writer's automatic checkpoint.
    odb.sqlite.transaction(() => {
      for (let i = 0; i < 2000; i++) insert.run(Buffer.alloc(4000, i % 251));
    })();
    const deadline = Date.now() + 10_000;
    while (statSync(path).size < before + 2000 * 4000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(statSync(path).size).toBeGreaterThanOrEqual(before + 2000 * 4000);
    expect((odb.sqlite.prepare('SELECT count(*) FROM big').pluck().get() as number)).toBe(2000);
  });
});
