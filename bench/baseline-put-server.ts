// PUT baseline: a plain node:http server that writes each body to a temp file, fsyncs it and renames it into place.
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';

const dir = process.env.BASELINE_DIR;
if (!dir) throw new Error('BASELINE_DIR is required');
mkdirSync(join(dir, 'tmp'), { recursive: true });
mkdirSync(join(dir, 'objects'), { recursive: true });
let seq = 0;

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/healthz') {
    res.end('ok');
    return;
  }
  if (req.method !== 'PUT') {
    res.statusCode = 405;
    res.end();
    return;
  }
  void (async () => {
    const tmp = join(dir, 'tmp', `${process.pid}-${seq++}`);
    const fh = await open(tmp, 'w');
    try {
      for await (const chunk of req) await fh.write(chunk as Buffer);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, join(dir, 'objects', createHash('sha256').update(req.url ?? '').digest('hex')));
    res.statusCode = 200;
    res.end();
  })().catch(() => {
    res.statusCode = 500;
    res.end();
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
