// Network baselines: node:http answering with one raw prepared query of skybridge's own port table (GET), or one prepared insert transaction into a scratch port table (POST).
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';

const file = process.env.BASELINE_DB;
const scratch = process.env.BASELINE_SCRATCH_DB;
const networkId = process.env.BASELINE_NETWORK_ID;
if (!file || !scratch || !networkId) throw new Error('BASELINE_DB, BASELINE_SCRATCH_DB and BASELINE_NETWORK_ID are required');
const db = new Database(file, { readonly: true, fileMustExist: true });
const list = db.prepare('select * from net_ports where network_id = ? order by created_at, id');

// The write baseline: the same durability as skybridge's (WAL, synchronous FULL), one row and one address per request.
const w = new Database(scratch);
w.pragma('journal_mode = WAL');
w.pragma('synchronous = FULL');
w.exec('create table if not exists ports (id text primary key, network_id text not null, mac text not null, created_at integer not null)');
w.exec('create table if not exists allocs (ip integer primary key, port_id text not null)');
const next = w.prepare('select coalesce(max(ip), 0) + 1 as ip from allocs');
const insPort = w.prepare('insert into ports (id, network_id, mac, created_at) values (?, ?, ?, ?)');
const insAlloc = w.prepare('insert into allocs (ip, port_id) values (?, ?)');
const create = w.transaction((id: string) => {
  const ip = (next.get() as { ip: number }).ip;
  insPort.run(id, networkId, `fa:16:3e:${(ip >> 16) & 255}:${(ip >> 8) & 255}:${ip & 255}`, Date.now());
  insAlloc.run(ip, id);
  return ip;
});

const server = createServer((req, res) => {
  if (req.url === '/healthz') return void res.end('ok');
  if (req.method === 'POST') {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      JSON.parse(Buffer.concat(chunks).toString());
      const id = randomUUID();
      const ip = create(id);
      const body = JSON.stringify({ port: { id, network_id: networkId, ip } });
      res.writeHead(201, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
    return;
  }
  const body = JSON.stringify({ ports: list.all(networkId) });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
