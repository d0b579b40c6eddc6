// GET baseline: a plain node:http static-file server (stat, then stream the file) over BASELINE_DIR.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

const dir = process.env.BASELINE_DIR;
if (!dir) throw new Error('BASELINE_DIR is required');

const server = createServer((req, res) => {
  if (req.url === '/healthz') {
    res.end('ok');
    return;
  }
  // Flat names only: the baseline serves the files the bench wrote, nothing else.
  const name = decodeURIComponent((req.url ?? '/').split('?')[0]!.slice(1));
  if (req.method !== 'GET' || !/^[A-Za-z0-9._-]+$/.test(name)) {
    res.statusCode = 404;
    res.end();
    return;
  }
  const path = join(dir, name);
  void (async () => {
    const st = await stat(path);
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': st.size, 'last-modified': st.mtime.toUTCString() });
    if (st.size === 0) return void res.end();
    // The read is bounded by the size, as `send` (serve-static) does: a small file gets one small read, not a 256 KiB buffer.
    await pipeline(createReadStream(path, { highWaterMark: 256 * 1024, start: 0, end: st.size - 1 }), res);
  })().catch(() => {
    if (!res.headersSent) res.statusCode = 404;
    res.end();
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
