// The Node entry: load config, build the system, bootstrap on first start, serve, and stop cleanly on SIGTERM; or run an operator command.
import { serve } from '@hono/node-server';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ConfigError, loadConfig } from './config.js';
import { buildSystem } from './app.js';
import { startBanner } from './first-start.js';
import { CanonicalCaseResponse } from './header-casing.js';
import { requestBodyOnce } from './request-body.js';
import { rotateSseKeysCommand } from './sse-keys.js';
import { rotateTokenKeysCommand } from './token-keys.js';

/** Sends `100 Continue` at most once, and only to a client that asked for it and has no response yet. */
function continueOnce(incoming?: IncomingMessage, outgoing?: ServerResponse): () => void {
  let sent = false;
  return () => {
    if (sent || !incoming || !outgoing || outgoing.headersSent) return;
    sent = true;
    if (incoming.headers.expect?.toLowerCase() === '100-continue') outgoing.writeContinue();
  };
}

/** The environment's configuration; a bad value ends the process with status 2 and a message naming the variable. */
function configOrExit() {
  try {
    return loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
}

/** Operator commands (`tsx gateway/main.ts <command>`), configured from the same environment as the server. */
const commands: Record<string, () => Promise<string>> = {
  'token-keys:rotate': () => rotateTokenKeysCommand(configOrExit()),
  'sse-keys:rotate': () => rotateSseKeysCommand(configOrExit()),
};

async function runCommand(name: string): Promise<void> {
  const command = commands[name];
  if (!command) {
    process.stderr.write(`unknown command ${name}; commands: ${Object.keys(commands).join(', ')} (none: serve)\n`);
    process.exit(2);
  }
  try {
    process.stdout.write(await command());
  } catch (e) {
    process.stderr.write(`${name}: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}

async function main(): Promise<void> {
  const config = configOrExit();
  const system = await buildSystem(config).catch((e: unknown) => {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`${e.message}\n`);
    process.exit(2);
  });
  await system.start();
  const server = serve({
    fetch: (req, env: { incoming?: { url?: string }; outgoing?: unknown }) =>
      system.app.fetch(req, {
        rawPath: env.incoming?.url,
        writeContinue: continueOnce(env.incoming as IncomingMessage | undefined, env.outgoing as ServerResponse | undefined),
        requestBody: requestBodyOnce(env.incoming as IncomingMessage | undefined),
        remoteAddress: (env.incoming as IncomingMessage | undefined)?.socket?.remoteAddress,
        rawHeaders: (env.incoming as IncomingMessage | undefined)?.rawHeaders,
      }),
    hostname: config.host,
    port: config.port,
    // Canonical header names on the wire (X-Object-Meta-*, X-Subject-Token, ETag): some clients match them case-sensitively.
    serverOptions: { ServerResponse: CanonicalCaseResponse },
  });
  // `Expect: 100-continue` reaches the app, which sends 100 only once it accepts the headers (S3: 403 before
  // the body); other Expect values (`Expect: 200`, empty) must not get Node's automatic 417.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => server.emit('request', req, res));
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => server.emit('request', req, res));
  server.on('listening', () => {
    if (config.role === 'worker') process.stdout.write(`skybridge worker (queue consumers, periodic jobs) answering GET /healthz on http://${config.host}:${config.port}\n`);
    else process.stdout.write(`skybridge ${config.role === 'gateway' ? 'gateway ' : ''}listening on ${config.publicUrl}\n${startBanner(config, system.firstStart)}`);
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

const command = process.argv[2];
if (command !== undefined) void runCommand(command);
else {
  main().catch((e: unknown) => {
    // A setting found unusable only once the system starts (e.g. an S3 blob bucket that does not exist).
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  });
}
