// The benchmark baseline: one bare Hono route on @hono/node-server, the same process kind skybridge runs as.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono();
app.get('/', (c) => c.json({ ok: true }));
app.get('/healthz', (c) => c.json({ status: 'ok' }));

const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: Number(process.env.PORT ?? 8089) });
process.on('SIGTERM', () => server.close(() => process.exit(0)));
