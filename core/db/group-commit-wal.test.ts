// Group commit on a file database: callers are answered only after the WAL's fdatasync, which runs off the event loop and is shared by batches.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GroupCommit } from './group-commit.js';
import { openDatabase, type OpenDb } from './index.js';

const events = vi.hoisted(() => [] as string[]);

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const fdatasync = (fd: number, cb: (e: NodeJS.ErrnoException | null) => void) => {
    events.push('sync-start');
    fs.fdatasync(fd, (e) => {
      events.push('sync-end');
      cb(e);
    });
  };
  return { ...fs, default: { ...fs, fdatasync }, fdatasync };
});

describe('GroupCommit on a WAL file database', () => {
  let dir: string;
  let odb: OpenDb;
  let commits: GroupCommit;
  const insert = (name: string) => odb.sqlite.prepare('INSERT INTO t (name) VALUES (?)').run(name);

  beforeEach(() => {
    events.length = 0;
    dir = mkdtempSync(join(tmpdir(), 'group-commit-'));
    odb = openDatabase(join(dir, 'db.sqlite'));
    odb.sqlite.exec('CREATE TABLE t (name TEXT PRIMARY KEY)');
    commits = new GroupCommit(odb.db);
  });
  afterEach(() => {
    odb.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers every caller of a batch after the WAL sync that covers it, never before', async () => {
    await Promise.all(['a', 'b'].map((n) => commits.run(() => insert(n)).then(() => events.push(`done ${n}`))));
    expect(events).toEqual(['sync-start', 'sync-end', 'done a', 'done b']);
  });

  it('batches committed while a sync runs share the next one, and each is answered after a sync that began after its commit', async () => {
    const write = (n: string) =>
      commits.run(() => {
        insert(n);
        events.push(`commit ${n}`);
      }).then(() => events.push(`done ${n}`));
    const first = write('a');
    // The next event-loop turns commit more batches while the first sync is on the thread pool.
    await new Promise((r) => setImmediate(r));
    const second = write('b');
    await new Promise((r) => setImmediate(r));
    const third = write('c');
    await Promise.all([first, second, third]);
    for (const n of ['a', 'b', 'c']) {
      const committed = events.indexOf(`commit ${n}`);
      const syncStart = events.indexOf('sync-start', committed);
      const syncEnd = events.indexOf('sync-end', syncStart);
      expect(syncStart).toBeGreaterThan(committed);
      expect(events.indexOf(`done ${n}`)).toBeGreaterThan(syncEnd);
    }
    expect(events.filter((e) => e === 'sync-start').length).toBeLessThanOrEqual(3);
  });

  it('durable() resolves only after the sync covering every batch committed so far, whether it is queued or running', async () => {
    expect(await Promise.race([commits.durable().then(() => 'resolved'), new Promise((r) => setImmediate(() => r('pending')))])).toBe('resolved');
    const first = commits.run(() => insert('a'));
    // Committed, its sync not started yet (the batch flushes on the next turn): durable() waits for that sync.
    await new Promise((r) => setImmediate(r));
    const whileRunning = commits.durable().then(() => events.push('durable 1'));
    const second = commits.run(() => insert('b'));
    await new Promise((r) => setImmediate(r));
    const afterSecond = commits.durable().then(() => events.push('durable 2'));
    await Promise.all([first, second, whileRunning, afterSecond]);
    const ends = events.map((e, i) => (e === 'sync-end' ? i : -1)).filter((i) => i >= 0);
    expect(events.indexOf('durable 1')).toBeGreaterThan(ends[0]!);
    expect(events.indexOf('durable 2')).toBeGreaterThan(ends[ends.length - 1]!);
  });

  it('leaves the connection at synchronous = FULL for every other transaction, and the rows survive a reopen', async () => {
    await commits.run(() => insert('kept'));
    expect(odb.sqlite.pragma('synchronous', { simple: true })).toBe(2);
    odb.close();
    odb = openDatabase(join(dir, 'db.sqlite'));
    expect(odb.sqlite.prepare('SELECT name FROM t').all()).toEqual([{ name: 'kept' }]);
  });

  it('a batch that fails to commit is not synced and rejects, and the level is still restored', async () => {
    await commits.run(() => insert('x'));
    events.length = 0;
    await expect(commits.run(() => insert('x'))).rejects.toThrow(/UNIQUE/);
    expect(events).toEqual([]);
    expect(odb.sqlite.pragma('synchronous', { simple: true })).toBe(2);
  });
});
