// Group commit rules: one transaction per batch, per-call isolation of failures, settling only after the commit.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GroupCommit } from './group-commit.js';
import { type OpenDb } from './index.js';
import { openTestDatabase } from './testing.js';

describe('GroupCommit', () => {
  let odb: OpenDb;
  let commits: GroupCommit;
  const names = () => (odb.sqlite.prepare('SELECT name FROM t ORDER BY name').all() as Array<{ name: string }>).map((r) => r.name);
  const insert = (name: string) => odb.sqlite.prepare('INSERT INTO t (name) VALUES (?)').run(name);

  beforeEach(() => {
    odb = openTestDatabase();
    odb.sqlite.exec('CREATE TABLE t (name TEXT PRIMARY KEY)');
    commits = new GroupCommit(odb.db);
  });
  afterEach(() => odb.close());

  it('runs calls submitted together in one transaction, in order, and returns each result', async () => {
    const transaction = vi.spyOn(odb.db, 'transaction');
    const transactionsOpen: boolean[] = [];
    const results = await Promise.all(
      ['a', 'b', 'c'].map((n) =>
        commits.run(() => {
          transactionsOpen.push(odb.sqlite.inTransaction);
          insert(n);
          return names().length;
        }),
      ),
    );
    expect(results).toEqual([1, 2, 3]);
    expect(transactionsOpen).toEqual([true, true, true]);
    expect(transaction).toHaveBeenCalledTimes(1);
    expect(names()).toEqual(['a', 'b', 'c']);
  });

  it('a failing call rolls back only its own writes and rejects only its own promise', async () => {
    const ok1 = commits.run(() => insert('a'));
    const bad = commits.run(() => {
      insert('b');
      throw new Error('no');
    });
    const ok2 = commits.run(() => insert('c'));
    await expect(bad).rejects.toThrow('no');
    await expect(ok1).resolves.toBeDefined();
    await expect(ok2).resolves.toBeDefined();
    expect(names()).toEqual(['a', 'c']);
  });

  it('a call alone that fails leaves nothing behind', async () => {
    await expect(
      commits.run(() => {
        insert('x');
        throw new Error('alone');
      }),
    ).rejects.toThrow('alone');
    expect(names()).toEqual([]);
    expect(odb.sqlite.inTransaction).toBe(false);
  });

  it('settles nothing before the batch has committed', async () => {
    const seen: boolean[] = [];
    const p = commits.run(() => insert('a')).then(() => seen.push(odb.sqlite.inTransaction));
    const q = commits.run(() => insert('b')).then(() => seen.push(odb.sqlite.inTransaction));
    await Promise.all([p, q]);
    expect(seen).toEqual([false, false]);
    expect(names()).toEqual(['a', 'b']);
  });

  it('later calls see the writes of earlier ones in the same batch (check-then-write stays atomic)', async () => {
    const claim = (n: string) =>
      commits.run(() => {
        if (odb.sqlite.prepare('SELECT 1 FROM t WHERE name = ?').get(n)) throw new Error('taken');
        insert(n);
      });
    const outcomes = await Promise.allSettled([claim('k'), claim('k')]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected']);
    expect(names()).toEqual(['k']);
  });
});
