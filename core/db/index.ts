// Opens the model's database, SQLite (WAL, the default) or PostgreSQL (a postgres:// URL), and applies the committed migrations.
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { is } from 'drizzle-orm';
import { getTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { fileURLToPath } from 'node:url';
import { migratePostgres } from './pg-migrate.js';
import { startCheckpointer } from './checkpointer.js';
import { PgSyncDatabase } from './pg-sync.js';
import * as schema from './schema/index.js';

/** The drizzle handle every core service receives; transactions on it are synchronous, on either database. */
export type Db = BetterSQLite3Database<typeof schema>;

/** Which database serves the model. */
export type Dialect = 'sqlite' | 'postgres';

/**
 * An open database: the drizzle handle, the raw connection (for prepared statements and benches) and a closer.
 * On PostgreSQL `sqlite` is a PgSyncDatabase, which offers the better-sqlite3 calls the core makes
 * (`prepare` → `run/get/all/raw/pluck`, `transaction`, `pragma`, `inTransaction`).
 */
export interface OpenDb {
  db: Db;
  sqlite: Database.Database;
  dialect: Dialect;
  close(): void;
}

const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));
const pgMigrationsFolder = fileURLToPath(new URL('./pg/migrations', import.meta.url));

/** Each table's autoincrement key, from the schema (PostgreSQL needs `default` where SQLite takes `null`). */
function autoIncrementColumns(): Map<string, string> {
  const out = new Map<string, string>();
  for (const t of Object.values(schema)) {
    if (!is(t, SQLiteTable)) continue;
    const cfg = getTableConfig(t);
    for (const c of cfg.columns) if ((c as unknown as { autoIncrement?: boolean }).autoIncrement) out.set(cfg.name, c.name);
  }
  return out;
}

/** True for a PostgreSQL connection URL (`postgres://` or `postgresql://`). */
export function isPostgresUrl(target: string): boolean {
  return /^postgres(ql)?:\/\//i.test(target);
}

/**
 * Opens the database at `target`: a SQLite file (`:memory:` for tests), created if needed, with WAL
 * and a busy timeout; or a `postgres://` URL. Applies every pending migration before returning.
 * Throws when PostgreSQL is unreachable or refuses the login (the caller names the variable).
 */
export function openDatabase(target: string): OpenDb {
  if (isPostgresUrl(target)) {
    const pg = new PgSyncDatabase({ url: target, autoIncrement: autoIncrementColumns() });
    migratePostgres(pg, pgMigrationsFolder);
    const sqlite = pg as unknown as Database.Database;
    return { db: drizzle(sqlite, { schema }), sqlite, dialect: 'postgres', close: () => pg.close() };
  }
  const sqlite = new Database(target);
  sqlite.pragma('journal_mode = WAL');
  // FULL: a commit the client saw acknowledged survives power loss, not only a process crash.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  // A file database is checkpointed by a worker thread (core/db/checkpointer.ts); the writer's own automatic
  // checkpoint, which runs inside a commit on the event loop, only backs it up past 30,000 pages (120 MiB of WAL),
  // and a WAL reset after it is cut back to 64 MiB. Measured on 4 KiB inline-object inserts: 45 → 26 µs per insert
  // on the event loop, and the slowest commit 94 → 46 ms.
  const background = target !== ':memory:' && !sqlite.memory;
  sqlite.pragma(`wal_autocheckpoint = ${background ? 30000 : 1000}`);
  sqlite.pragma('journal_size_limit = 67108864');
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder });
  const checkpointer = background ? startCheckpointer(sqlite.name) : undefined;
  return {
    db,
    sqlite,
    dialect: 'sqlite',
    close: () => {
      checkpointer?.stop();
      sqlite.close();
    },
  };
}

/** The dialect of a raw connection (for the few statements whose SQL differs). */
export function dialectOf(sqlite: Database.Database | PgSyncDatabase): Dialect {
  return sqlite instanceof PgSyncDatabase ? 'postgres' : 'sqlite';
}

/** `column`'s JSON text field `key` as text, in the connection's dialect. */
export function jsonTextField(sqlite: Database.Database | PgSyncDatabase, column: string, key: string): string {
  return dialectOf(sqlite) === 'postgres' ? `(${column}::json ->> '${key}')` : `json_extract(${column}, '$.${key}')`;
}

export { schema };
