// Nova keypair routes: import or generate (201 from 2.2), list with paging (2.35), show, delete; `user_id` for admins (2.10).
import type { Context, Hono } from 'hono';
import { errors } from '../../../core/errors.js';
import type { OpenStackEnv } from '../common/index.js';
import type { NovaRouteDeps } from './app.js';
import { atLeast } from './microversion.js';
import { bad, member, onlyKeys, str } from './request.js';
import { keypairView } from './views.js';

export function registerKeypairRoutes(app: Hono<OpenStackEnv>, d: NovaRouteDeps): void {
  const { compute } = d;
  const userOf = (c: Context) => (atLeast(d.mv(c), 10) ? c.req.query('user_id') : undefined);

  app.post('/v2.1/os-keypairs', async function createKeypair(c) {
    const mv = d.mv(c);
    const k = member(await d.body(c), 'keypair');
    onlyKeys(k, ['name', 'public_key', ...(atLeast(mv, 2) ? ['type'] : []), ...(atLeast(mv, 10) ? ['user_id'] : [])]);
    const name = str(k, 'name', { required: true, min: 1, max: 255 })!;
    const type = str(k, 'type');
    if (type !== undefined && type !== 'ssh' && type !== 'x509') throw bad('type', type, "'" + type + "' is not one of ['ssh', 'x509']");
    const publicKey = str(k, 'public_key');
    if (publicKey === undefined && atLeast(mv, 92)) throw bad('public_key', null, "'public_key' is a required property");
    const kp = compute.createKeypair(d.ctx(c), { name, type: type as 'ssh' | 'x509' | undefined, publicKey, userId: str(k, 'user_id') });
    return c.json({ keypair: keypairView(d.view(c), kp, 'create') }, atLeast(mv, 2) ? 201 : 200);
  });
  app.get('/v2.1/os-keypairs', function listKeypairs(c) {
    const mv = d.mv(c);
    const limit = c.req.query('limit');
    if (limit !== undefined && !/^\d+$/.test(limit)) throw errors.invalid(`Invalid input for query parameters limit. Value: ${limit}.`);
    const list = compute.listKeypairs(d.ctx(c), { userId: userOf(c), ...(atLeast(mv, 35) && limit ? { limit: Number(limit) } : {}), ...(atLeast(mv, 35) && c.req.query('marker') ? { marker: c.req.query('marker') } : {}) });
    const body: Record<string, unknown> = { keypairs: list.map((k) => ({ keypair: keypairView(d.view(c), k, 'list') })) };
    if (atLeast(mv, 35) && limit && list.length === Number(limit) && list.length) body.keypairs_links = [{ rel: 'next', href: `${d.computeUrl}/v2.1/os-keypairs?limit=${limit}&marker=${encodeURIComponent(list[list.length - 1]!.name)}` }];
    return c.json(body);
  });
  app.get('/v2.1/os-keypairs/:keypair_name', function showKeypair(c) {
    return c.json({ keypair: keypairView(d.view(c), compute.getKeypair(d.ctx(c), c.req.param('keypair_name'), userOf(c)), 'show') });
  });
  app.delete('/v2.1/os-keypairs/:keypair_name', function deleteKeypair(c) {
    compute.deleteKeypair(d.ctx(c), c.req.param('keypair_name'), userOf(c));
    return c.body(null, atLeast(d.mv(c), 2) ? 204 : 202);
  });
}
