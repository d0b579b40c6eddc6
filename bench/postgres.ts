// A throwaway PostgreSQL database for the bench's PostgreSQL scenarios (SKYBRIDGE_BENCH_POSTGRES_URL names the server).
import { randomBytes } from 'node:crypto';
import { PgSyncDatabase } from '../core/db/pg-sync.js';

/** A created database: its URL for SKYBRIDGE_DATABASE_URL, and a dropper. */
export interface BenchDatabase {
  url: string;
  drop(): void;
}

/** Creates `sb_bench_<random>` on the server (default: the local one every developer machine has). */
export function createBenchDatabase(): BenchDatabase {
  const admin = process.env.SKYBRIDGE_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `sb_bench_${randomBytes(4).toString('hex')}`;
  const c = new PgSyncDatabase({ url: admin });
  c.exec(`CREATE DATABASE ${name}`);
  c.close();
  const u = new URL(admin);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop() {
      const d = new PgSyncDatabase({ url: admin });
      d.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      d.close();
    },
  };
}
