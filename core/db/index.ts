// Opens the model's SQLite database (WAL) and applies the committed drizzle migrations.
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { fileURLToPath } from 'node:url';
import * as schema from './schema/index.js';

/** The drizzle handle every core service receives; transactions on it are synchronous. */
export type Db = BetterSQLite3Database<typeof schema>;

/** An open database: the drizzle handle, the raw connection (for pragmas and benches) and a closer. */
export interface OpenDb {
  db: Db;
  sqlite: Database.Database;
  close(): void;
}

const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

/**
 * Opens (creating if needed) the database at `file` (`:memory:` for tests), sets WAL and
 * busy timeout, and applies every pending migration before returning.
 */
export function openDatabase(file: string): OpenDb {
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  // FULL: a commit the client saw acknowledged survives power loss, not only a process crash.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder });
  return { db, sqlite, close: () => sqlite.close() };
}

export { schema };
