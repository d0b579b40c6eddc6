import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BullMqQueue } from '../backends/queue/bullmq-queue.js';
import { GroupCommit } from '../core/db/group-commit.js';
import { openDatabase } from '../core/db/index.js';
import { createOutboxStore, enqueueInTx, walBookkeeping } from '../core/jobs/outbox.js';
import type { JobName } from '../core/jobs/port.js';
const dir = mkdtempSync(join(tmpdir(), 'adp-'));
const names = ['compute.schedule', 'compute.build'];
const boots = 200;
const odb = openDatabase(join(dir, 'q.db'));
const commits = new GroupCommit(odb.db);
const store = createOutboxStore(odb.db, Date.now, { bookkeeping: walBookkeeping(odb.sqlite) });
const T = () => (performance.now() - ((globalThis as any).t0 ?? 0)).toFixed(1);
for (const k of ['claimForRelay', 'markRelayed'] as const) { const f = (store as any)[k].bind(store); (store as any)[k] = async (...a: any[]) => { const r = await f(...a); if ((globalThis as any).t0 && Number(T()) < 400) console.log(T(), k, Array.isArray(r) ? r.length : ''); return r; }; }
const queue = new BullMqQueue({ store, redisUrl: 'redis://127.0.0.1:6379', prefix: 'adp-' + Date.now(), concurrency: 16 });
let left = boots; let allDone!: () => void;
const stamps: number[] = [];
names.forEach((name, i) => queue.process(name as JobName, async (payload) => {
  const next = names[i + 1] as JobName | undefined;
  if (next) { if (!(globalThis as any).firstSched) { (globalThis as any).firstSched = performance.now(); } await commits.run((tx) => enqueueInTx(tx, next, payload as never)); queue.notify(); }
  else { stamps.push(performance.now()); if (--left === 0) allDone(); }
}));
await queue.start();
{ left = 5; const warm = new Promise<void>((r) => (allDone = r)); odb.db.transaction((tx) => { for (let b = 0; b < 5; b++) enqueueInTx(tx, names[0] as JobName, { boot: -b } as never); }); queue.notify(); await warm; left = boots; stamps.length = 0; (globalThis as any).firstSched = 0; }
const done = new Promise<void>((r) => (allDone = r)); const t0 = performance.now(); (globalThis as any).t0 = t0;
odb.db.transaction((tx) => { for (let b = 0; b < boots; b++) enqueueInTx(tx, names[0] as JobName, { boot: b } as never); });
queue.notify();
await done;
console.log('first schedule at', (globalThis as any).firstSched - t0, 'ms', performance.now() - t0, 'first done at', stamps[0]! - t0, 'median', stamps[100]! - t0);
await queue.close(); odb.close(); process.exit(0);
