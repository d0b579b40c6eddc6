// Starts a real skybridge process on a free loopback port with a temporary data dir, and stops it by pid.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

/** A free TCP port on 127.0.0.1 (bound then released). */
export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.unref();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => (typeof addr === 'object' && addr ? res(addr.port) : rej(new Error('no port'))));
    });
  });
}

/** A running server process. */
export interface RunningServer {
  url: string;
  port: number;
  dataDir: string;
  pid: number;
  /** Everything the process wrote to stdout so far. */
  stdout(): string;
  stderr(): string;
  /** SIGTERM and wait for exit. */
  stop(): Promise<number | null>;
  /** SIGKILL and wait for exit. */
  kill(): Promise<void>;
  /** Start again on the same port and data dir. */
  restart(): Promise<void>;
  /** Stop and remove the data dir (unless keepData). */
  dispose(): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string>;
  dataDir?: string;
  keepData?: boolean;
  timeoutMs?: number;
  /** Start through the `skybridge` command (bin/skybridge.js, what `npx skybridge` runs) instead of `node --import tsx gateway/main.ts`. */
  viaBin?: boolean;
}

/** Spawns `tsx gateway/main.ts` with its own port and data dir and waits for `/healthz`. */
export async function startServer(opts: StartOptions = {}): Promise<RunningServer> {
  const port = await freePort();
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'skybridge-test-'));
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess;
  let out = '';
  let err = '';
  let exited: Promise<number | null>;

  const launch = async () => {
    const entry = opts.viaBin ? [join(root, 'bin/skybridge.js')] : ['--import', 'tsx', join(root, 'gateway/main.ts')];
    child = spawn(process.execPath, entry, {
      cwd: root,
      env: {
        ...process.env,
        SKYBRIDGE_HOST: '127.0.0.1',
        SKYBRIDGE_PORT: String(port),
        SKYBRIDGE_DATA_DIR: dataDir,
        SKYBRIDGE_LOG_LEVEL: 'warn',
        ...opts.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (err += d));
    exited = new Promise((res) => child.on('exit', (code) => res(code)));
    const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
    for (;;) {
      if (!running()) throw new Error(`skybridge exited with ${child.exitCode ?? child.signalCode}: ${err}`);
      try {
        const r = await fetch(`${url}/healthz`);
        if (r.ok) break;
      } catch {
        /* not listening yet */
      }
      if (Date.now() > deadline) throw new Error(`skybridge did not become healthy: ${err}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  /** A child killed by a signal keeps `exitCode` null and sets `signalCode` instead. */
  const running = () => child.exitCode === null && child.signalCode === null;
  await launch();

  const server: RunningServer = {
    url,
    port,
    dataDir,
    get pid() {
      return child.pid!;
    },
    stdout: () => out,
    stderr: () => err,
    async stop() {
      if (!running()) return child.exitCode;
      process.kill(child.pid!, 'SIGTERM');
      return exited;
    },
    async kill() {
      if (!running()) return;
      process.kill(child.pid!, 'SIGKILL');
      await exited;
    },
    async restart() {
      await server.stop();
      await launch();
    },
    async dispose() {
      await server.stop();
      if (!opts.keepData && !opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return server;
}
