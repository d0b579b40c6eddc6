// The Node entry (`skybridge`, bin/skybridge.js): check config and bind the port, build the system, bootstrap on first start, serve, stop cleanly on SIGTERM/SIGINT; or run an operator command.
import { createAdaptorServer } from '@hono/node-server';
import { accessSync, constants, mkdirSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { ConfigError, loadConfig } from './config.js';
import type { System } from './app.js';
import { resetCommand, usage, version } from './cli.js';
import { markCredentialsShown, startBanner } from './first-start.js';
import { writeDirect } from './direct-body.js';
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
    if (e instanceof ConfigError) fail(e.message, 2);
    throw e;
  }
}

/** Operator commands (`skybridge <command>`), configured from the same environment as the server. */
const commands: Record<string, (args: string[]) => Promise<string>> = {
  'token-keys:rotate': () => rotateTokenKeysCommand(configOrExit()),
  'sse-keys:rotate': () => rotateSseKeysCommand(configOrExit()),
  reset: (args) => resetCommand(configOrExit(), args),
};

async function runCommand(name: string, args: string[]): Promise<void> {
  if (name === '--help' || name === '-h' || name === 'help') return void process.stdout.write(usage());
  if (name === '--version' || name === '-V' || name === 'version') return void process.stdout.write(`skybridge ${version()}\n`);
  const command = commands[name];
  if (!command) {
    process.stderr.write(`skybridge: unknown command ${name}; commands: ${Object.keys(commands).join(', ')} (none: serve); see skybridge --help\n`);
    process.exit(2);
  }
  try {
    process.stdout.write(await command(args));
  } catch (e) {
    process.stderr.write(`skybridge ${name}: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}

/** Prints one line and ends the process: what a user sees for a start that cannot go on (no stack trace unless debugging). */
function fail(line: string, code: number, error?: unknown): never {
  process.stderr.write(`skybridge: ${line}\n`);
  if (error instanceof Error && process.env.SKYBRIDGE_LOG_LEVEL === 'debug') process.stderr.write(`${error.stack}\n`);
  process.exit(code);
}

/** The data directory exists (created if missing) and is writable, or the start stops naming it. */
function checkDataDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (e) {
    fail(`cannot use the data directory ${resolve(dir)} (SKYBRIDGE_DATA_DIR): ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 2);
  }
}

/** Binds the port; a port in use (or not bindable) stops the start with one line, before anything is written to the data dir. */
async function listen(server: Server, host: string, port: number): Promise<void> {
  await new Promise<void>((res) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
      if (e.code === 'EADDRINUSE') fail(`cannot listen on ${where}: the port is in use (another skybridge?); stop it or choose another SKYBRIDGE_PORT`, 1);
      if (e.code === 'EACCES') fail(`cannot listen on ${where}: permission denied (ports below 1024 need privileges); choose another SKYBRIDGE_PORT`, 1);
      if (e.code === 'EADDRNOTAVAIL') fail(`cannot listen on ${where}: no such local address; check SKYBRIDGE_HOST`, 1);
      fail(`cannot listen on ${where}: ${e.code ?? e.message}`, 1, e);
    });
    server.listen(port, host, () => res());
  });
}

/**
 * Stops cleanly: stop accepting, let in-flight requests finish (idle keep-alive connections are closed;
 * after `drainMs` the rest are cut), then the system closes (timers, queue workers, the group commit's
 * last batches made durable, the database), and the process exits 0. A second signal exits 1 at once.
 */
function stopOnSignals(server: Server, system: System, drainMs: number): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      process.stderr.write(`skybridge: ${signal} again, exiting without waiting\n`);
      process.exit(1);
    }
    stopping = true;
    system.logger.info({ signal }, 'shutting down: draining requests');
    const closed = new Promise<void>((res) => server.close(() => res()));
    // Connections that finish their response while draining become idle and would keep the server open.
    const idle = setInterval(() => server.closeIdleConnections(), 50);
    server.closeIdleConnections();
    const cut = setTimeout(() => {
      system.logger.warn({ drainMs }, 'shutting down: requests still running after the drain time are cut');
      server.closeAllConnections();
    }, drainMs);
    const began = Date.now();
    await closed;
    clearInterval(idle);
    clearTimeout(cut);
    system.logger.info({ ms: Date.now() - began }, 'shutting down: requests drained, stopping workers and closing the database');
    try {
      await system.close();
    } catch (e) {
      fail(`error while stopping: ${(e as Error).message}`, 1, e);
    }
    system.logger.info({ ms: Date.now() - began }, 'stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

/**
 * Under `npm start` / `npx`, a SIGTERM goes to npm, which dies without passing it on: the server would keep
 * the port. Started by npm, the server stops itself cleanly once the process that started it is gone.
 */
function stopWithNpmParent(): void {
  if (!process.env.npm_lifecycle_event && !process.env.npm_command) return;
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(watch);
    process.kill(process.pid, 'SIGTERM');
  }, 500);
  watch.unref();
}

async function main(): Promise<void> {
  const config = configOrExit();
  checkDataDir(config.dataDir);
  let system: System | undefined;
  let resolveReady!: (s: System) => void;
  const ready = new Promise<System>((res) => (resolveReady = res));
  const server = createAdaptorServer({
    // Requests that arrive between the bind and the end of the start wait for the system.
    fetch: async (req, env: { incoming?: { url?: string }; outgoing?: unknown }) => {
      const incoming = env.incoming as IncomingMessage | undefined;
      const outgoing = env.outgoing as ServerResponse | undefined;
      const res = await (system ?? (await ready)).app.fetch(req, {
        rawPath: incoming?.url,
        writeContinue: continueOnce(incoming, outgoing),
        requestBody: requestBodyOnce(incoming),
        remoteAddress: incoming?.socket?.remoteAddress,
        rawHeaders: incoming?.rawHeaders,
      });
      return writeDirect(res, incoming?.method, outgoing);
    },
    // Canonical header names on the wire (X-Object-Meta-*, X-Subject-Token, ETag): some clients match them case-sensitively.
    serverOptions: { ServerResponse: CanonicalCaseResponse },
  }) as Server;
  // `Expect: 100-continue` reaches the app, which sends 100 only once it accepts the headers (S3: 403 before
  // the body); other Expect values (`Expect: 200`, empty) must not get Node's automatic 417.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => server.emit('request', req, res));
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => server.emit('request', req, res));
  // Bound before the system is built: a port in use must stop the start before a new data dir is bootstrapped.
  await listen(server, config.host, config.port);
  try {
    // Loaded only now: `--help`, a bad setting or a port in use answer without loading (and compiling) the whole system.
    const { buildSystem } = await import('./app.js');
    system = await buildSystem(config);
    await system.start();
  } catch (e) {
    // A setting found unusable only once the system starts (e.g. an S3 blob bucket that does not exist).
    if (e instanceof ConfigError) fail(e.message, 2);
    fail(`cannot start: ${(e as Error).message}`, 1, e);
  }
  resolveReady(system);
  stopOnSignals(server, system, config.shutdownDrainMs);
  stopWithNpmParent();
  if (config.role === 'worker') {
    process.stdout.write(`skybridge worker (queue consumers, periodic jobs) answering GET /healthz on http://${config.host}:${config.port}\n`);
  } else {
    process.stdout.write(`skybridge ${config.role === 'gateway' ? 'gateway ' : ''}listening on ${config.publicUrl}\n${startBanner(config, system.firstStart)}`);
    markCredentialsShown(system.firstStart);
  }
}

const [command, ...args] = process.argv.slice(2);
if (command !== undefined) void runCommand(command, args);
else void main();
