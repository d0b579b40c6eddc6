// Drizzle schema for what several skybridge processes on one database coordinate through: token keys, cache generations, periodic-task leases.
import { sqliteTable, text, integer } from 'drizzle-orm/sqlite-core';

/**
 * The token key ring on PostgreSQL (Keystone's fernet repository, shared by every gateway): the highest
 * `idx` is the primary. SQLite deployments keep the key files in the data dir instead.
 */
export const tokenKeys = sqliteTable('token_keys', {
  idx: integer('idx').primaryKey(),
  /** base64url of the 32 key bytes. */
  key: text('key').notNull(),
  createdAt: integer('created_at').notNull(),
});

/**
 * One counter per in-memory cache that other processes must drop (`ec2` credentials, `identity` grants
 * and catalog): a change bumps it in its transaction, and each process compares it before trusting its cache.
 */
export const cacheGenerations = sqliteTable('cache_generations', {
  name: text('name').primaryKey(),
  gen: integer('gen').notNull(),
});

/**
 * Who runs a periodic task this period: a process claims a task by moving `until` forward with a
 * compare-and-swap on the previous value; the others find the lease held and skip that run.
 */
export const periodicLeases = sqliteTable('periodic_leases', {
  name: text('name').primaryKey(),
  holder: text('holder').notNull(),
  until: integer('until').notNull(),
});
