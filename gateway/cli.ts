// The `skybridge` command line: usage text, version, and `reset` (removing a data directory after a confirmation).
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Config } from './config.js';

/** The package version (package.json beside the gateway). */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** `skybridge --help`. */
export function usage(): string {
  return `skybridge ${version()}: the OpenStack (Keystone, Glance, Swift) and AWS S3 APIs on one local port.

Usage:
  skybridge                      serve (Ctrl-C or SIGTERM stops cleanly; a second signal stops at once)
  skybridge reset [--yes]        delete the data directory (database, objects, keys, credentials) after a confirmation
  skybridge token-keys:rotate    add a new primary token key
  skybridge sse-keys:rotate      add a new primary SSE-S3 wrapping key
  skybridge --help | --version

Configured by environment variables (README.md lists them all), e.g.
  SKYBRIDGE_HOST=127.0.0.1 SKYBRIDGE_PORT=8080 SKYBRIDGE_DATA_DIR=./data SKYBRIDGE_LOG_LEVEL=info

The first start creates the data directory and prints the admin and demo passwords once;
afterwards they are in <data dir>/clouds.yaml (OpenStack) and <data dir>/aws.env, aws/ (AWS).
`;
}

/** Names whose presence says a directory is a skybridge data directory (reset refuses anything else). */
const MARKERS = ['skybridge.db', 'token-keys', 'clouds.yaml', 'admin-password'];

/** How `reset` reads the confirmation; a test passes its own. */
export interface ResetIo {
  interactive: boolean;
  ask(question: string): Promise<string>;
}

const terminalIo = (): ResetIo => ({
  interactive: !!process.stdin.isTTY,
  async ask(question) {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    try {
      return await rl.question(question);
    } finally {
      rl.close();
    }
  },
});

/**
 * `skybridge reset [--yes]`: removes the data directory, after typing `yes` (or with `--yes`, for scripts).
 * Refuses a directory that does not look like skybridge's, and a PostgreSQL model (that database is the operator's to drop).
 * Returns the line to print; throws an Error whose message is the one line to print on refusal.
 */
export async function resetCommand(config: Config, args: string[], io: ResetIo = terminalIo()): Promise<string> {
  const dir = resolve(config.dataDir);
  if (config.databaseUrl) throw new Error('SKYBRIDGE_DATABASE_URL is set: drop or recreate that PostgreSQL database yourself; reset only handles the SQLite data directory');
  if (!existsSync(dir) || readdirSync(dir).length === 0) return `nothing to reset: ${dir} does not exist or is empty\n`;
  if (!MARKERS.some((m) => existsSync(join(dir, m)))) throw new Error(`${dir} does not look like a skybridge data directory (no ${MARKERS.join(', ')}); not touching it`);
  if (!args.includes('--yes') && !args.includes('-y')) {
    if (!io.interactive) throw new Error('reset needs a confirmation: run it in a terminal, or pass --yes');
    const answer = await io.ask(`Delete ${dir} (database, objects, keys, credentials)? Stop the server first. Type yes to confirm: `);
    if (answer.trim().toLowerCase() !== 'yes') return 'not reset\n';
  }
  rmSync(dir, { recursive: true, force: true });
  return `removed ${dir}; the next start bootstraps a new cloud and prints its passwords\n`;
}
