// rowMapper gives exactly drizzle's row objects (keys, JSON columns decoded, NULLs), on either database.
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OpenDb } from './index.js';
import { rowMapper } from './row-mapper.js';
import { objContainers } from './schema/objects.js';
import { openTestDatabase } from './testing.js';

describe('rowMapper', () => {
  let odb: OpenDb;
  beforeEach(() => {
    odb = openTestDatabase();
  });
  afterEach(() => odb.close());

  it('maps a raw row of a table with JSON, nullable and integer columns exactly as drizzle selects it', () => {
    const base = { projectId: 'p1', region: 'RegionOne', createdAt: 1_700_000_000_000, updatedAt: 1_700_000_000_001 };
    odb.db.insert(objContainers).values({ ...base, id: 'c1', name: 'full', metadata: { 'x-a': 'b' }, tags: { env: 'ci' }, s3Acl: { canned: 'private', grants: [] }, versioning: 'Enabled', objectCount: 3, bytesUsed: 42 }).run();
    odb.db.insert(objContainers).values({ ...base, id: 'c2', name: 'sparse' }).run();
    const m = rowMapper(objContainers);
    for (const id of ['c1', 'c2']) {
      const viaDrizzle = odb.db.select().from(objContainers).where(eq(objContainers.id, id)).get();
      const raw = odb.sqlite.prepare(`SELECT ${m.columns} FROM ${m.table} WHERE id = ?`).raw().get(id) as unknown[];
      expect(m.map(raw)).toEqual(viaDrizzle);
    }
    expect(m.map(odb.sqlite.prepare(`SELECT ${m.columns} FROM obj_containers WHERE id = 'c2'`).raw().get() as unknown[]).tags).toBeNull();
  });
});
