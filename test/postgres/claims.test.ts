// Compare-and-swap claims on PostgreSQL, raced by separate processes: each outbox job claimed once, each pending job relayed by one process, one periodic lease holder per period.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type OpenDb } from '../../core/db/index.js';
import { freshPostgresUrl } from '../../core/db/testing.js';
import { enqueueInTx } from '../../core/jobs/outbox.js';

const root = resolve(import.meta.dirname, '../..');
const RACERS = 4;
const JOBS = 300;

interface Racer {
  child: ChildProcessWithoutNullStreams;
  /** Lines the child printed and nobody read yet. */
  lines: string[];
  waiters: Array<(line: string) => void>;
  exited: Promise<void>;
}

let odb: OpenDb;
let racers: Racer[] = [];

function nextLine(r: Racer): Promise<string> {
  const line = r.lines.shift();
  return line !== undefined ? Promise.resolve(line) : new Promise((res) => r.waiters.push(res));
}

beforeAll(async () => {
  const url = freshPostgresUrl();
  odb = openDatabase(url);
  racers = Array.from({ length: RACERS }, () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/harness/claim-race.ts'), url], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    const r: Racer = { child, lines: [], waiters: [], exited: new Promise((res) => child.on('exit', () => res())) };
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        const w = r.waiters.shift();
        if (w) w(line);
        else r.lines.push(line);
      }
    });
    return r;
  });
  for (const r of racers) expect(await nextLine(r)).toBe('ready');
});

afterAll(async () => {
  for (const r of racers) r.child.stdin.end();
  await Promise.all(racers.map((r) => r.exited));
  odb?.close();
});

/** Sends `mode` to every racer at once and returns what each one won. */
async function race(mode: 'claim' | 'relay' | 'lease'): Promise<unknown[][]> {
  for (const r of racers) r.child.stdin.write(`${mode}\n`);
  return (await Promise.all(racers.map(nextLine))).map((l) => JSON.parse(l) as unknown[]);
}

function addJobs(prefix: string): string[] {
  const ids = Array.from({ length: JOBS }, (_, i) => `${prefix}-${i}`);
  odb.db.transaction((tx) => {
    for (const id of ids) enqueueInTx(tx, 'blob.gc', { blobKeys: [id] }, { jobId: id });
  });
  return ids;
}

describe('claims raced by several processes on one PostgreSQL database', () => {
  it('claims each due outbox job exactly once', async () => {
    const ids = addJobs('claim');
    const won = (await race('claim')).flat() as string[];
    expect(won.length).toBe(JOBS);
    expect(new Set(won)).toEqual(new Set(ids));
  });

  it('hands each pending job to exactly one relaying process', async () => {
    // The previous test's jobs are running now, so only these are relayable.
    const ids = addJobs('relay');
    const won = (await race('relay')).flat() as string[];
    expect(won.length).toBe(JOBS);
    expect(new Set(won)).toEqual(new Set(ids));
  });

  it('gives a periodic task one holder at a time: no claim inside another one\'s lease', async () => {
    const claims = (await race('lease')).flat() as Array<{ at: number; holder: string }>;
    claims.sort((x, y) => x.at - y.at);
    expect(claims.length).toBeGreaterThan(1);
    // A claim at `at` holds the 100 ms task until at + 90; the next claim, whoever makes it, comes after that.
    for (let i = 1; i < claims.length; i++) expect(claims[i]!.at - claims[i - 1]!.at).toBeGreaterThanOrEqual(90);
  });
});
