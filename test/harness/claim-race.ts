// A child process for the claim race tests: on each command line from the parent (claim, relay, lease) it races the other children on one PostgreSQL database and prints what it won.
import { createInterface } from 'node:readline';
import { openDatabase } from '../../core/db/index.js';
import { createPeriodicLeases } from '../../core/jobs/leases.js';
import { createOutboxStore } from '../../core/jobs/outbox.js';

const url = process.argv[2];
if (!url) throw new Error('usage: claim-race.ts <postgres url>');
const db = openDatabase(url);
const store = createOutboxStore(db.db);

/** Claims until nothing is left (claim, relay) or for 1.5 s (lease) and returns the winnings. */
async function raceOnce(mode: string): Promise<unknown[]> {
  const won: unknown[] = [];
  if (mode === 'claim' || mode === 'relay') {
    for (;;) {
      const batch = mode === 'claim' ? await store.claim({ names: ['blob.gc'], limit: 3, leaseMs: 60_000 }) : await store.claimForRelay({ limit: 3, leaseMs: 60_000 });
      if (!batch.length) return won;
      won.push(...batch.map((j) => j.id));
    }
  }
  // The clock the lease read is the time the claim was made at.
  let at = 0;
  const leases = createPeriodicLeases(db.db, () => (at = Date.now()));
  const end = Date.now() + 1500;
  while (Date.now() < end) {
    if (leases.claim('race task', 100)) won.push({ at, holder: leases.holder });
    await new Promise((r) => setTimeout(r, 1));
  }
  return won;
}

// `ready` once connected; the parent sends each command to every child at once, so their claims really overlap.
process.stdout.write('ready\n');
const lines = createInterface({ input: process.stdin });
lines.on('line', (mode) => {
  void raceOnce(mode).then((won) => process.stdout.write(`${JSON.stringify(won)}\n`));
});
lines.on('close', () => db.close());
