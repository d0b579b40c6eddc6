// The OpenStack sub-app builder: error table, request-id header, WWW-Authenticate on 401, JSON helpers, catch-all.
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { errors } from '../../../core/errors.js';
import { silentLogger } from '../../../core/logger.js';
import type { OpenStackEnv } from './env.js';
import { createOpenStackApp, finishOpenStackApp, httpError, plainResponse } from './family-app.js';
import { requireAuth } from './auth.js';
import { readJsonObject } from './request.js';

function build() {
  const sub = createOpenStackApp({ logger: silentLogger, identityUri: 'http://h/identity' });
  sub.get('/missing', () => {
    throw errors.notFound('project', 'p1');
  });
  sub.get('/conflict', () => {
    throw errors.conflict('project', 'Duplicate entry.');
  });
  sub.get('/boom', () => {
    throw new Error('secret internals');
  });
  sub.get('/405', () => {
    throw httpError(405);
  });
  sub.post('/json', async (c) => c.json(await readJsonObject(c, 100)));
  sub.get('/plain', (c) => plainResponse(c, '{"ok":true}', 200, { 'Content-Type': 'application/json', 'X-Extra': 'x' }));
  sub.get('/private', requireAuth({ validate: async () => Promise.reject(errors.unauthenticated()) }), (c) => c.text('no'));
  finishOpenStackApp(sub);
  const app = new Hono<OpenStackEnv>();
  app.use('*', async (c, next) => {
    c.set('requestId', '00000000-0000-4000-8000-000000000000');
    await next();
  });
  app.route('/svc', sub);
  return app;
}

describe('createOpenStackApp', () => {
  const app = build();

  it.each([
    ['/svc/missing', 404, 'Not Found', 'Could not find project: p1.'],
    ['/svc/conflict', 409, 'Conflict', 'Duplicate entry.'],
    ['/svc/boom', 500, 'Internal Server Error', 'An unexpected error prevented the server from fulfilling your request.'],
    ['/svc/405', 405, 'Method Not Allowed', 'The method is not allowed for the requested URL.'],
    ['/svc/no/such/path', 404, 'Not Found', 'The resource could not be found.'],
  ])('GET %s → %i in Keystone shape with the request id', async (path, code, title, message) => {
    const r = await app.request(path);
    expect(r.status).toBe(code);
    expect(await r.json()).toEqual({ error: { code, title, message } });
    expect(r.headers.get('x-openstack-request-id')).toBe('req-00000000-0000-4000-8000-000000000000');
  });

  it('plainResponse answers with its headers and the request id', async () => {
    const r = await app.request('/svc/plain');
    expect(r.status).toBe(200);
    expect(Object.fromEntries(r.headers)).toEqual({
      'content-type': 'application/json',
      'x-extra': 'x',
      'x-openstack-request-id': 'req-00000000-0000-4000-8000-000000000000',
    });
    expect(await r.json()).toEqual({ ok: true });
  });

  it('401s carry WWW-Authenticate: Keystone uri', async () => {
    const missing = await app.request('/svc/private');
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Keystone uri="http://h/identity"');
    expect((await app.request('/svc/private', { headers: { 'x-auth-token': 'x' } })).status).toBe(401);
  });

  it('bad JSON → 400, too large → 413, good JSON passes', async () => {
    expect((await app.request('/svc/json', { method: 'POST', body: '{' })).status).toBe(400);
    expect((await app.request('/svc/json', { method: 'POST', body: '[1]' })).status).toBe(400);
    expect((await app.request('/svc/json', { method: 'POST', body: JSON.stringify({ a: 'x'.repeat(200) }) })).status).toBe(413);
    const ok = await app.request('/svc/json', { method: 'POST', body: '{"a":1}' });
    expect(await ok.json()).toEqual({ a: 1 });
  });
});
