// The Node entry: load config, build the system, bootstrap on first start, serve, and stop cleanly on SIGTERM.
import { serve } from '@hono/node-server';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ConfigError, loadConfig } from './config.js';
import { buildSystem } from './app.js';
import { startBanner } from './first-start.js';

/** Sends `100 Continue` at most once, and only to a client that asked for it and has no response yet. */
function continueOnce(incoming?: IncomingMessage, outgoing?: ServerResponse): () => void {
  let sent = false;
  return () => {
    if (sent || !incoming || !outgoing || outgoing.headersSent) return;
    sent = true;
    if (incoming.headers.expect?.toLowerCase() === '100-continue') outgoing.writeContinue();
  };
}

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
    fetch: (req, env: { incoming?: { url?: string }; outgoing?: unknown }) =>
      system.app.fetch(req, {
        rawPath: env.incoming?.url,
        writeContinue: continueOnce(env.incoming as IncomingMessage | undefined, env.outgoing as ServerResponse | undefined),
      }),
    hostname: config.host,
    port: config.port,
  });
  // `Expect: 100-continue` reaches the app, which sends 100 only once it accepts the headers (S3: 403 before
  // the body); other Expect values (`Expect: 200`, empty) must not get Node's automatic 417.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => server.emit('request', req, res));
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => server.emit('request', req, res));
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
