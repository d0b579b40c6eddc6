// The periodic scheduler: repeats, never overlaps a task with itself, survives a throwing run, and stops.
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../logger.js';
import { openTestDatabase } from '../db/testing.js';
import { createPeriodicLeases } from './leases.js';
import { createPeriodicScheduler } from './periodic.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function eventually(cond: () => boolean): Promise<void> {
  const until = Date.now() + 20_000;
  while (!cond()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await sleep(5);
  }
}

describe('periodic scheduler', () => {
  it('runs nothing before start, repeats after, and keeps going after a throwing run', async () => {
    const s = createPeriodicScheduler(silentLogger);
    let runs = 0;
    s.every('t', 5, () => {
      runs++;
      if (runs === 1) throw new Error('first run fails');
    });
    await sleep(30);
    expect(runs).toBe(0);
    s.start();
    await eventually(() => runs >= 3);
    await s.stop();
    const after = runs;
    await sleep(30);
    expect(runs).toBe(after);
  });

  it('never overlaps a run with itself, and stop waits for the run in progress', async () => {
    const s = createPeriodicScheduler(silentLogger);
    let active = 0;
    let maxActive = 0;
    let finished = 0;
    s.every(
      'slow',
      1,
      async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        await sleep(20);
        active--;
        finished++;
      },
      { runAtStart: true },
    );
    s.start();
    await eventually(() => finished >= 2);
    await s.stop();
    expect(active).toBe(0);
    expect(maxActive).toBe(1);
  });

  it('starts a task registered after start()', async () => {
    const s = createPeriodicScheduler(silentLogger);
    s.start();
    let ran = false;
    s.every('late', 1000, () => void (ran = true), { runAtStart: true });
    await eventually(() => ran);
    await s.stop();
  });

  it('asks its claim before each run: of two schedulers sharing a lease table, one runs each period', async () => {
    const db = openTestDatabase();
    let now = 1_000_000;
    const clock = () => now;
    const one = createPeriodicLeases(db.db, clock);
    const two = createPeriodicLeases(db.db, clock);
    expect(one.claim('sweep', 1000)).toBe(true);
    expect(two.claim('sweep', 1000)).toBe(false);
    now += 899;
    expect(two.claim('sweep', 1000)).toBe(false);
    now += 1;
    // The lease ends at 90% of the period: the next timer to fire, anywhere, takes the next run.
    expect(two.claim('sweep', 1000)).toBe(true);
    expect(one.claim('sweep', 1000)).toBe(false);

    const ran: string[] = [];
    const refusing = createPeriodicScheduler(silentLogger, { claim: () => false });
    const granting = createPeriodicScheduler(silentLogger, { claim: (name) => name === 'sweep' });
    refusing.every('sweep', 5, () => void ran.push('refused'), { runAtStart: true });
    granting.every('sweep', 5, () => void ran.push('granted'), { runAtStart: true });
    refusing.start();
    granting.start();
    await eventually(() => ran.length >= 2);
    await Promise.all([refusing.stop(), granting.stop()]);
    expect(new Set(ran)).toEqual(new Set(['granted']));
    db.close();
  });

  it('a lease taken under a longer period (before a restart with a shorter interval) is taken over at once, then held for the new period', () => {
    const db = openTestDatabase();
    let now = 1_000_000;
    const clock = () => now;
    const before = createPeriodicLeases(db.db, clock);
    expect(before.claim('blob audit', 3_600_000)).toBe(true);
    const restarted = createPeriodicLeases(db.db, clock);
    now += 500;
    expect(restarted.claim('blob audit', 1000)).toBe(true);
    expect(restarted.claim('blob audit', 1000)).toBe(false);
    now += 900;
    expect(restarted.claim('blob audit', 1000)).toBe(true);
    db.close();
  });
});
