// The composition root: builds every service, backend and family app from config, with no module-level state.
import { Hono } from 'hono';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { openDatabase, type OpenDb } from '../core/db/index.js';
import { silentLogger, type Logger } from '../core/logger.js';
import type { Config } from './config.js';
import type { GatewayEnv } from './env.js';
import { accessLog } from './middleware/access-log.js';
import { requestId } from './middleware/request-id.js';

/** Pieces a test may swap for fakes; anything left out is built from config. */
export interface SystemOverrides {
  db?: OpenDb;
  logger?: Logger;
  /** Keep the database in memory (tests). */
  inMemory?: boolean;
}

/** A whole skybridge: the HTTP app, the services behind it, and its lifecycle. */
export interface System {
  config: Config;
  app: Hono<GatewayEnv>;
  db: OpenDb;
  logger: Logger;
  /** Starts background work (queue delivery, periodic jobs). */
  start(): Promise<void>;
  /** Stops background work and closes the database. */
  close(): Promise<void>;
}

/** Builds the whole system from `config`. Migrations run here, so a built system is ready to serve. */
export async function buildSystem(config: Config, overrides: SystemOverrides = {}): Promise<System> {
  const logger: Logger =
    overrides.logger ?? (config.logLevel === 'silent' ? silentLogger : (pino({ level: config.logLevel }) as unknown as Logger));
  let db = overrides.db;
  if (!db) {
    if (overrides.inMemory) db = openDatabase(':memory:');
    else {
      mkdirSync(config.dataDir, { recursive: true });
      db = openDatabase(join(config.dataDir, 'skybridge.db'));
    }
  }
  const closers: Array<() => Promise<void> | void> = [];
  const starters: Array<() => Promise<void> | void> = [];

  const app = new Hono<GatewayEnv>();
  // Middleware order, outermost first: request id, access log, then each family's own body limit and error mapping.
  app.use('*', requestId());
  app.use('*', accessLog(logger));
  app.get('/healthz', (c) => c.json({ status: 'ok' }));

  app.onError((err, c) => {
    logger.error({ req_id: c.get('requestId'), err: { message: err.message, stack: err.stack } }, 'unhandled error');
    return c.json({ error: { code: 500, title: 'Internal Server Error', message: 'An unexpected error prevented the server from fulfilling your request.' } }, 500);
  });
  app.notFound((c) => c.json({ error: { code: 404, title: 'Not Found', message: 'The resource could not be found.' } }, 404));

  const openDb = db;
  return {
    config,
    app,
    db: openDb,
    logger,
    async start() {
      for (const s of starters) await s();
    },
    async close() {
      for (const cl of closers.reverse()) await cl();
      openDb.close();
    },
  };
}
