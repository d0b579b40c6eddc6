// The Node entry: load config, build the system, bootstrap on first start, serve, and stop cleanly on SIGTERM.
import { serve } from '@hono/node-server';
import { ConfigError, loadConfig } from './config.js';
import { buildSystem } from './app.js';
import { startBanner } from './first-start.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const system = await buildSystem(config);
  await system.start();
  const server = serve({
    fetch: (req, env: { incoming?: { url?: string } }) => system.app.fetch(req, { rawPath: env.incoming?.url }),
    hostname: config.host,
    port: config.port,
  });
  server.on('listening', () => {
    process.stdout.write(`skybridge listening on ${config.publicUrl}\n${startBanner(config, system.firstStart)}`);
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    system.logger.info({ signal }, 'shutting down');
    server.close(() => {
      void system.close().then(() => process.exit(0));
    });
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

void main();
