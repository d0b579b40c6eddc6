// obj_versions mirrors obj_objects column for column, so a version moves between the two tables unchanged.
import { getTableColumns } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { objObjects, objVersions } from '../db/schema/objects.js';
import { swiftArchiveName } from './versions.js';

describe('object versions', () => {
  it('obj_versions has every obj_objects column with the same SQL name and type (plus seq and delete_marker)', () => {
    const cols = (t: typeof objObjects | typeof objVersions) =>
      Object.fromEntries(Object.entries(getTableColumns(t)).map(([k, c]) => [k, `${c.name}:${c.columnType}:${c.notNull}`]));
    const current = cols(objObjects);
    const { seq, deleteMarker, ...noncurrent } = cols(objVersions);
    expect(seq).toBeDefined();
    expect(deleteMarker).toBeDefined();
    expect(noncurrent).toEqual(current);
  });

  it('names Swift archive entries <len(name) in 3 hex digits><name>/<normalized timestamp>', () => {
    expect(swiftArchiveName('photo.jpg', 1440619048461)).toBe('009photo.jpg/1440619048.46100');
    expect(swiftArchiveName('é', 1000)).toBe('002é/0000000001.00000');
  });
});
