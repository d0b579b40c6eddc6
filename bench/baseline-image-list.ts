// Image-list baseline: node:http answering each request with one raw query of skybridge's own image table, as JSON.
import Database from 'better-sqlite3';
import { createServer } from 'node:http';

const file = process.env.BASELINE_DB;
if (!file) throw new Error('BASELINE_DB is required');
const db = new Database(file, { readonly: true, fileMustExist: true });
const stmt = db.prepare('select * from img_images order by created_at desc, id desc limit 1000');

const server = createServer((req, res) => {
  if (req.url === '/healthz') return void res.end('ok');
  const body = JSON.stringify({ images: stmt.all() });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
