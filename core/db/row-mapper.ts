// Whole-row reads of a drizzle table as raw prepared statements with a mapper compiled once: drizzle's own per-row mapping cost more than the query on hot paths.
import { Column, getTableColumns, getTableName } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';

/** What `rowMapper` builds for a table: its select list and the mapping of one raw row (array mode) to drizzle's row object. */
export interface RowMapper<T> {
  /** `"col_a", "col_b", …` in the order `map` expects, qualified with `alias` when one was given. */
  columns: string;
  /** A row read with `.raw()` (values in `columns` order) as drizzle would have returned it. */
  map(values: unknown[]): T;
  table: string;
}

/**
 * The columns of `table` and a mapper giving exactly the object drizzle's `select().from(table)` gives:
 * the same keys, and each value decoded by its column's own `mapFromDriverValue` (JSON text parsed,
 * booleans, timestamps) where the column defines one; NULL stays null, as drizzle leaves it.
 */
export function rowMapper<T extends SQLiteTable>(table: T, alias?: string): RowMapper<T['$inferSelect']> {
  const cols = Object.entries(getTableColumns(table)) as Array<[string, Column]>;
  const identity = Column.prototype.mapFromDriverValue;
  const decoders = cols.map(([key, col]) => ({ key, decode: col.mapFromDriverValue === identity ? undefined : col.mapFromDriverValue.bind(col) }));
  const prefix = alias ? `${alias}.` : '';
  return {
    columns: cols.map(([, col]) => `${prefix}"${col.name}"`).join(', '),
    table: getTableName(table),
    map(values) {
      const row: Record<string, unknown> = {};
      for (let i = 0; i < decoders.length; i++) {
        const d = decoders[i]!;
        const v = values[i];
        row[d.key] = v === null || v === undefined || !d.decode ? (v ?? null) : d.decode(v);
      }
      return row as T['$inferSelect'];
    },
  };
}
