// Test databases: SQLite in memory, or (SKYBRIDGE_TEST_DATABASE=postgres) a fresh PostgreSQL schema in a database made for this test process and dropped at its exit.
import { randomBytes } from 'node:crypto';
import { openDatabase, type OpenDb } from './index.js';
import { PgSyncDatabase } from './pg-sync.js';

/** The server the PostgreSQL test run uses (every developer machine and CI has one; override with SKYBRIDGE_TEST_POSTGRES_URL). */
const adminUrl = (): string => process.env.SKYBRIDGE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

let processDatabase: string | undefined;

/** True when this test run targets PostgreSQL. */
export function testingOnPostgres(): boolean {
  return process.env.SKYBRIDGE_TEST_DATABASE === 'postgres';
}

function withDatabase(url: string, db: string, params: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return `${u.toString()}${params}`;
}

/** The process's own database, created on first use and dropped when the process exits. */
function ensureProcessDatabase(): string {
  if (processDatabase) return processDatabase;
  const name = `sb_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  let admin: PgSyncDatabase;
  try {
    admin = new PgSyncDatabase({ url: adminUrl() });
  } catch (e) {
    throw new Error(`SKYBRIDGE_TEST_DATABASE=postgres needs PostgreSQL at ${adminUrl()} (start it: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start): ${(e as Error).message}`);
  }
  admin.exec(`CREATE DATABASE ${name}`);
  admin.close();
  processDatabase = name;
  process.once('exit', () => {
    try {
      const a = new PgSyncDatabase({ url: adminUrl() });
      a.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      a.close();
    } catch {
      // The server went away first: nothing to drop.
    }
  });
  return name;
}

/**
 * A connection URL for a fresh, empty model: a new schema in this process's test database (a schema,
 * not a database, per call: many tests build a system each, and a schema costs milliseconds).
 */
export function freshPostgresUrl(): string {
  const db = ensureProcessDatabase();
  const schemaName = `s_${randomBytes(6).toString('hex')}`;
  const base = withDatabase(adminUrl(), db, '');
  const c = new PgSyncDatabase({ url: base });
  c.exec(`CREATE SCHEMA ${schemaName}`);
  c.close();
  return withDatabase(adminUrl(), db, `?options=${encodeURIComponent(`-c search_path=${schemaName}`)}`);
}

/** A fresh migrated model for one test: in-memory SQLite, or a fresh PostgreSQL schema when the run targets PostgreSQL. */
export function openTestDatabase(): OpenDb {
  return openDatabase(testingOnPostgres() ? freshPostgresUrl() : ':memory:');
}
