// Applies the committed PostgreSQL migrations (core/db/pg/migrations, made by drizzle-kit) once, even when several processes start together.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PgSyncDatabase } from './pg-sync.js';

interface Journal {
  entries: Array<{ idx: number; tag: string }>;
}

/** Advisory lock key held while migrating: a second process waits, then finds nothing to do. */
const MIGRATION_LOCK = 7468290118;

/** Runs every migration of `folder` not yet recorded in `skybridge_migrations`, each in its own transaction. */
export function migratePostgres(pg: PgSyncDatabase, folder: string): void {
  const journal = JSON.parse(readFileSync(join(folder, 'meta', '_journal.json'), 'utf8')) as Journal;
  pg.exec(`SELECT pg_advisory_lock(${MIGRATION_LOCK})`);
  try {
    // Under the lock too: two concurrent `CREATE TABLE IF NOT EXISTS` can both pass the check and one fail on the catalog's unique index.
    pg.exec('CREATE TABLE IF NOT EXISTS skybridge_migrations (tag text PRIMARY KEY, applied_at bigint NOT NULL)');
    const done = new Set((pg.prepare('SELECT tag FROM skybridge_migrations').pluck().all() as string[]));
    for (const e of journal.entries) {
      if (done.has(e.tag)) continue;
      const statements = readFileSync(join(folder, `${e.tag}.sql`), 'utf8').split('--> statement-breakpoint');
      pg.transaction(() => {
        // drizzle-kit qualifies references with "public"; the model lives in the connection's search_path schema.
        for (const s of statements) if (s.trim()) pg.exec(s.replaceAll('"public".', ''));
        pg.prepare('INSERT INTO skybridge_migrations (tag, applied_at) VALUES (?, ?)').run(e.tag, Date.now());
      })();
    }
  } finally {
    pg.exec(`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`);
  }
}
