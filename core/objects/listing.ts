// Name-ordered listings by index range scans: prefix/marker/end_marker bounds, delimiter roll-up by seeking past each common prefix.
import type Database from 'better-sqlite3';
import { compareBytes, prefixUpperBound } from './rules.js';
import type { ListOptions } from './types.js';

/** A bound on `name`, compared in byte order; values are UTF-8 bytes (possibly not valid UTF-8: a prefix successor). */
interface Bound {
  op: '>' | '>=' | '<' | '<=';
  value: Buffer;
}

/** What one listed row must offer. */
export interface NamedRow {
  name: string;
}

/** A listed entry before shaping: a row or a rolled-up prefix. */
export type RawEntry<R> = { type: 'row'; row: R } | { type: 'prefix'; prefix: string };

/**
 * Pages over `table` rows of one parent (`parentColumn = parentId`) ordered by `name` (BINARY collation).
 * Each query is an index seek on (parent, name); a common prefix costs one extra seek, never a scan of
 * the names under it.
 */
export class NameLister {
  private readonly stmts = new Map<string, Database.Statement>();

  constructor(
    private readonly sqlite: Database.Database,
    private readonly table: string,
    private readonly parentColumn: string,
    private readonly columns: string,
  ) {}

  private query<R extends NamedRow>(parentId: string, lower: Bound | undefined, upper: Bound | undefined, desc: boolean, limit: number): R[] {
    const conds = [`${this.parentColumn} = ?`];
    const params: unknown[] = [parentId];
    // CAST keeps the comparison TEXT vs TEXT (so the index applies) while allowing a non-UTF-8 successor.
    if (lower) {
      conds.push(`name ${lower.op} CAST(? AS TEXT)`);
      params.push(lower.value);
    }
    if (upper) {
      conds.push(`name ${upper.op} CAST(? AS TEXT)`);
      params.push(upper.value);
    }
    const sql = `SELECT ${this.columns} FROM ${this.table} WHERE ${conds.join(' AND ')} ORDER BY name ${desc ? 'DESC' : 'ASC'} LIMIT ?`;
    let st = this.stmts.get(sql);
    if (!st) {
      st = this.sqlite.prepare(sql);
      this.stmts.set(sql, st);
    }
    return st.all(...params, limit) as R[];
  }

  /**
   * Up to `limit` entries (rows and rolled-up prefixes) in order, plus whether more exist.
   * `skip` filters rows out (e.g. expired objects) without counting them.
   */
  list<R extends NamedRow>(parentId: string, opts: ListOptions, limit: number, skip?: (row: R) => boolean): { entries: RawEntry<R>[]; isTruncated: boolean } {
    const prefix = opts.prefix ?? '';
    const delim = opts.delimiter || undefined;
    const reverse = !!opts.reverse;
    const marker = opts.marker || undefined;
    const endMarker = opts.endMarker || undefined;

    // Forward: lower = max(prefix (>=), marker (>)); upper = min(prefix successor, end_marker) (<).
    // Reverse: the marker is the exclusive upper bound and end_marker the exclusive lower one.
    const startBound = reverse ? endMarker : marker;
    const stopBound = reverse ? marker : endMarker;
    let lower: Bound | undefined = prefix ? { op: '>=', value: Buffer.from(prefix) } : undefined;
    if (startBound !== undefined && (!prefix || compareBytes(startBound, prefix) >= 0)) lower = { op: '>', value: Buffer.from(startBound) };
    let upper: Bound | undefined = prefix ? { op: '<', value: prefixUpperBound(prefix) } : undefined;
    if (stopBound !== undefined && (!upper || Buffer.compare(Buffer.from(stopBound), upper.value) < 0)) upper = { op: '<', value: Buffer.from(stopBound) };
    if (lower && upper && Buffer.compare(lower.value, upper.value) >= 0) return { entries: [], isTruncated: false };

    const want = limit + 1;
    const out: RawEntry<R>[] = [];
    for (;;) {
      const batch = Math.min(Math.max(want - out.length, 1) + 8, 1000);
      const rows = this.query<R>(parentId, lower, upper, reverse, batch);
      let reseek = false;
      for (const row of rows) {
        if (delim) {
          const rest = row.name.slice(prefix.length);
          const i = rest.indexOf(delim);
          if (i !== -1) {
            const cp = prefix + rest.slice(0, i + delim.length);
            // A marker inside this prefix means the client already got it on the previous page.
            const seen = !reverse && marker !== undefined && compareBytes(cp, marker) <= 0;
            if (!seen) out.push({ type: 'prefix', prefix: cp });
            if (reverse) upper = { op: '<', value: Buffer.from(cp) };
            else lower = { op: '>=', value: prefixUpperBound(cp) };
            reseek = true;
            break;
          }
        }
        if (reverse) upper = { op: '<', value: Buffer.from(row.name) };
        else lower = { op: '>', value: Buffer.from(row.name) };
        if (skip?.(row)) continue;
        out.push({ type: 'row', row });
        if (out.length >= want) break;
      }
      if (out.length >= want) break;
      if (!reseek && rows.length < batch) break;
      if (lower && upper && Buffer.compare(lower.value, upper.value) >= 0) break;
    }
    const isTruncated = out.length > limit;
    return { entries: isTruncated ? out.slice(0, limit) : out, isTruncated };
  }
}
