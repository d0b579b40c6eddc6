// Generates core/db/pg/schema.generated.ts (drizzle pg-core) from the one schema in core/db/schema (sqlite-core), for drizzle-kit's PostgreSQL migrations.
import { getTableConfig, SQLiteTable, type SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { is } from 'drizzle-orm';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as schema from '../core/db/schema/index.js';

/** Where the generated pg-core mirror goes (read only by drizzle-kit, never at run time). */
export const PG_SCHEMA_FILE = fileURLToPath(new URL('../core/db/pg/schema.generated.ts', import.meta.url));

/** The PostgreSQL column builder for one SQLite column: integers are bigint (ms timestamps overflow int4), text compares bytewise as SQLite's BINARY does. */
function columnBuilder(c: SQLiteColumn): string {
  const t = c.columnType;
  const auto = (c as unknown as { autoIncrement?: boolean }).autoIncrement;
  let b: string;
  if (t === 'SQLiteText' || t === 'SQLiteTextJson') b = `textC(${JSON.stringify(c.name)})`;
  else if (t === 'SQLiteInteger' || t === 'SQLiteBoolean' || t === 'SQLiteTimestamp' || t === 'SQLiteBigInt') {
    b = auto ? `bigserial(${JSON.stringify(c.name)}, { mode: 'number' })` : `bigint(${JSON.stringify(c.name)}, { mode: 'number' })`;
  } else if (t === 'SQLiteReal' || t === 'SQLiteNumeric') b = `doublePrecision(${JSON.stringify(c.name)})`;
  else if (t.startsWith('SQLiteBlob')) b = `bytea(${JSON.stringify(c.name)})`;
  else if (t === 'SQLiteCustomColumn') {
    const sqlType = c.getSQLType().toLowerCase();
    if (sqlType.startsWith('int')) b = `bigint(${JSON.stringify(c.name)}, { mode: 'number' })`;
    else if (sqlType === 'text') b = `textC(${JSON.stringify(c.name)})`;
    else if (sqlType === 'blob') b = `bytea(${JSON.stringify(c.name)})`;
    else throw new Error(`column ${c.name}: no PostgreSQL type for custom SQLite type ${sqlType}`);
  } else throw new Error(`column ${c.name}: no PostgreSQL type for ${t}`);
  if (c.primary) b += '.primaryKey()';
  if (c.notNull && !c.primary && !auto) b += '.notNull()';
  if (c.hasDefault && c.default !== undefined) b += `.default(${pgDefault(c)})`;
  return b;
}

/** A column default as the SQLite column stores it: booleans become 0/1, JSON becomes its text. */
function pgDefault(c: SQLiteColumn): string {
  const d = c.default as unknown;
  if (typeof d === 'boolean') return d ? '1' : '0';
  if (typeof d === 'number') return String(d);
  if (typeof d === 'string') return JSON.stringify(d);
  if (d && typeof d === 'object' && !('queryChunks' in d)) return JSON.stringify(JSON.stringify(d));
  throw new Error(`column ${c.name}: SQL expression defaults are not portable; set the value in code`);
}

/** The whole generated file. */
export function renderPgSchema(): string {
  const out: string[] = [];
  const tables = Object.entries(schema).filter(([, v]) => is(v, SQLiteTable)) as Array<[string, SQLiteTable]>;
  tables.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const exportOf = new Map(tables.map(([exportName, t]) => [getTableConfig(t).name, exportName]));
  for (const [exportName, table] of tables) {
    const cfg = getTableConfig(table);
    if (cfg.checks.length) throw new Error(`${cfg.name}: check constraints are not generated yet`);
    const cols = cfg.columns.map((c) => `  ${c.name}: ${columnBuilder(c)},`);
    const extras: string[] = [];
    for (const pk of cfg.primaryKeys) extras.push(`primaryKey({ columns: [${pk.columns.map((c) => `t.${c.name}`).join(', ')}] })`);
    for (const ix of cfg.indexes) {
      const names = ix.config.columns.map((c) => {
        if (!('name' in c)) throw new Error(`${cfg.name}: expression indexes are not portable`);
        return `t.${(c as SQLiteColumn).name}`;
      });
      if (ix.config.where) throw new Error(`${cfg.name}: partial indexes are not generated yet`);
      extras.push(`${ix.config.unique ? 'uniqueIndex' : 'index'}(${JSON.stringify(ix.config.name)}).on(${names.join(', ')})`);
    }
    for (const fk of cfg.foreignKeys) {
      const ref = fk.reference();
      const target = exportOf.get(getTableConfig(ref.foreignTable as SQLiteTable).name);
      const cols = ref.columns.map((c) => `t.${c.name}`).join(', ');
      const fcols = ref.foreignColumns.map((c) => `${target}.${c.name}`).join(', ');
      let b = `foreignKey({ name: ${JSON.stringify(fk.getName())}, columns: [${cols}], foreignColumns: [${fcols}] })`;
      if (fk.onDelete) b += `.onDelete(${JSON.stringify(fk.onDelete)})`;
      if (fk.onUpdate) b += `.onUpdate(${JSON.stringify(fk.onUpdate)})`;
      extras.push(b);
    }
    for (const u of cfg.uniqueConstraints) throw new Error(`${cfg.name}: unique constraint ${u.name ?? ''}: use uniqueIndex`);
    out.push(`export const ${exportName} = pgTable(${JSON.stringify(cfg.name)}, {`, ...cols, extras.length ? `}, (t) => [\n  ${extras.join(',\n  ')},\n]);` : '});', '');
  }
  const body = out.join('\n');
  const used = ['bigint', 'bigserial', 'doublePrecision', 'foreignKey', 'index', 'pgTable', 'primaryKey', 'uniqueIndex'].filter((n) => new RegExp(`\\b${n}\\(`).test(body));
  const head = [
    '// GENERATED by scripts/gen-pg-schema.ts from core/db/schema (run `npm run db:generate`); read only by drizzle-kit for PostgreSQL migrations.',
    `import { ${['customType', ...used].sort().join(', ')} } from 'drizzle-orm/pg-core';`,
    '',
    "const textC = customType<{ data: string }>({ dataType: () => 'text COLLATE \"C\"' });",
  ];
  if (/\bbytea\(/.test(body)) head.push("const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });");
  return [...head, '', body].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = renderPgSchema();
  if (process.argv.includes('--check')) {
    const current = (() => { try { return readFileSync(PG_SCHEMA_FILE, 'utf8'); } catch { return ''; } })();
    if (current !== text) {
      console.error(`${PG_SCHEMA_FILE} is stale: run \`npm run db:generate\``);
      process.exit(1);
    }
  } else writeFileSync(PG_SCHEMA_FILE, text);
}
