// Nova server routes: create, list/detail with filters and links, show, update, delete, ips, metadata, tags, instance actions.
import type { Context, Hono } from 'hono';
import { errors } from '../../../core/errors.js';
import type { OpenStackEnv } from '../common/index.js';
import type { NovaRouteDeps } from './app.js';
import { atLeast } from './microversion.js';
import { bad, member, onlyKeys, parseCreateServer, parseListServers, str, stringMap } from './request.js';
import { actionView, hostIdOf, serverCreated, serverDetail, serverSummary } from './views.js';

export function registerServerRoutes(app: Hono<OpenStackEnv>, d: NovaRouteDeps): void {
  const { compute } = d;

  app.post('/v2.1/servers', async function createServer(c) {
    const mv = d.mv(c);
    const input = parseCreateServer(await d.body(c), mv);
    const res = await compute.createServers(d.ctx(c), input);
    if (input.returnReservationId) return c.json({ reservation_id: res.reservationId }, 202);
    const first = res.instances[0]!;
    c.header('Location', `${d.computeUrl}/v2.1/servers/${first.id}`);
    return c.json({ server: serverCreated(d.view(c), first, first.adminPass) }, 202);
  });

  const list = (detail: boolean) => (c: Context<OpenStackEnv>) => {
    const mv = d.mv(c);
    const v = d.view(c);
    const opts = parseListServers(c, mv, v.admin);
    const { instances, hasMore } = compute.listServers(d.ctx(c), opts);
    // A sha224 per server was a tenth of a long list's time; most servers share a few hosts.
    const hostIds = new Map<string, string>();
    const hostIdOfServer = (s: (typeof instances)[number]) => {
      const key = `${s.projectId}/${s.host ?? ''}`;
      let id = hostIds.get(key);
      if (id === undefined) hostIds.set(key, (id = hostIdOf(s.projectId, s.host)));
      return id;
    };
    const withStatus = v.admin && atLeast(mv, 16);
    const body: Record<string, unknown> = {
      servers: instances.map((s) => (detail ? serverDetail(v, s, withStatus ? { hostStatus: d.hostStatus(s), hostId: hostIdOfServer(s) } : { hostId: hostIdOfServer(s) }) : serverSummary(v, s))),
    };
    if (hasMore && instances.length) {
      const q = new URL(c.req.url).searchParams;
      q.set('marker', instances[instances.length - 1]!.id);
      body.servers_links = [{ rel: 'next', href: `${d.computeUrl}/v2.1/servers${detail ? '/detail' : ''}?${q.toString()}` }];
    }
    return c.json(body);
  };
  app.get('/v2.1/servers', list(false));
  app.get('/v2.1/servers/detail', list(true));

  app.get('/v2.1/servers/:server_id', function showServer(c) {
    const mv = d.mv(c);
    const v = d.view(c);
    const s = compute.getServer(d.ctx(c), c.req.param('server_id'));
    return c.json({ server: serverDetail(v, s, v.admin && atLeast(mv, 16) ? { hostStatus: d.hostStatus(s) } : {}) });
  });

  app.put('/v2.1/servers/:server_id', async function updateServer(c) {
    const mv = d.mv(c);
    const s = member(await d.body(c), 'server');
    const allowed = ['name', 'accessIPv4', 'accessIPv6', 'OS-DCF:diskConfig'];
    if (atLeast(mv, 19)) allowed.push('description');
    if (atLeast(mv, 90)) allowed.push('hostname');
    onlyKeys(s, allowed);
    const name = str(s, 'name', { min: 1, max: 255 });
    const change = {
      ...(name !== undefined ? { name } : {}),
      ...('description' in s ? { description: s.description === null ? null : str(s, 'description', { max: 255 })! } : {}),
      ...('accessIPv4' in s ? { accessIpv4: (s.accessIPv4 as string | null) || null } : {}),
      ...('accessIPv6' in s ? { accessIpv6: (s.accessIPv6 as string | null) || null } : {}),
      ...(s.hostname !== undefined ? { hostname: str(s, 'hostname', { max: 63 })! } : {}),
    };
    const out = compute.updateServer(d.ctx(c), c.req.param('server_id'), change);
    return c.json({ server: serverDetail(d.view(c), out) });
  });

  app.delete('/v2.1/servers/:server_id', function deleteServer(c) {
    compute.deleteServer(d.ctx(c), c.req.param('server_id'));
    return c.body(null, 204);
  });

  // Addresses
  app.get('/v2.1/servers/:server_id/ips', function listIps(c) {
    const s = compute.getServer(d.ctx(c), c.req.param('server_id'));
    return c.json({ addresses: Object.fromEntries(Object.entries(s.addresses).map(([n, l]) => [n, l.map((a) => ({ version: a.version, addr: a.addr }))])) });
  });
  app.get('/v2.1/servers/:server_id/ips/:network_label', function showIpDetails(c) {
    const s = compute.getServer(d.ctx(c), c.req.param('server_id'));
    const label = c.req.param('network_label');
    const l = s.addresses[label];
    if (!l) throw errors.notFound('network', label, 'Instance is not a member of specified network');
    return c.json({ [label]: l.map((a) => ({ version: a.version, addr: a.addr })) });
  });

  // Metadata
  const sid = (c: Context) => c.req.param('server_id')!;
  app.get('/v2.1/servers/:server_id/metadata', function listServerMetadata(c) {
    return c.json({ metadata: compute.getServer(d.ctx(c), sid(c)).metadata });
  });
  app.post('/v2.1/servers/:server_id/metadata', async function createServerMetadata(c) {
    const md = stringMap(await d.body(c), 'metadata');
    if (!md) throw bad('metadata', null, "'metadata' is a required property");
    return c.json({ metadata: compute.setServerMetadata(d.ctx(c), sid(c), md, false) });
  });
  app.put('/v2.1/servers/:server_id/metadata', async function replaceServerMetadata(c) {
    const md = stringMap(await d.body(c), 'metadata');
    if (!md) throw bad('metadata', null, "'metadata' is a required property");
    return c.json({ metadata: compute.setServerMetadata(d.ctx(c), sid(c), md, true) });
  });
  app.get('/v2.1/servers/:server_id/metadata/:key', function showServerMetadataItem(c) {
    const md = compute.getServer(d.ctx(c), sid(c)).metadata;
    const key = c.req.param('key');
    if (!(key in md)) throw errors.notFound('metadata', key, 'Metadata item was not found');
    return c.json({ meta: { [key]: md[key] } });
  });
  app.put('/v2.1/servers/:server_id/metadata/:key', async function createOrUpdateServerMetadataItem(c) {
    const meta = stringMap(await d.body(c), 'meta');
    const key = c.req.param('key');
    if (!meta || Object.keys(meta).length !== 1) throw errors.invalid('Request body contains too many items', { reason: 'meta' });
    if (!(key in meta)) throw errors.invalid('Request body and URI mismatch', { reason: 'meta' });
    compute.setServerMetadata(d.ctx(c), sid(c), meta, false);
    return c.json({ meta });
  });
  app.delete('/v2.1/servers/:server_id/metadata/:key', function deleteServerMetadataItem(c) {
    compute.deleteServerMetadata(d.ctx(c), sid(c), c.req.param('key'));
    return c.body(null, 204);
  });

  // Tags (2.26)
  const needs26 = (c: Context) => {
    if (!atLeast(d.mv(c), 26)) throw errors.notFound('resource', c.req.path, 'The resource could not be found.');
  };
  app.get('/v2.1/servers/:server_id/tags', function listTags(c) {
    needs26(c);
    return c.json({ tags: compute.getServer(d.ctx(c), sid(c)).tags });
  });
  app.put('/v2.1/servers/:server_id/tags', async function replaceTags(c) {
    needs26(c);
    const body = await d.body(c);
    if (!Array.isArray(body.tags) || body.tags.some((t) => typeof t !== 'string')) throw bad('tags', body.tags ?? null, "'tags' is a required property");
    return c.json({ tags: compute.setServerTags(d.ctx(c), sid(c), body.tags as string[]) });
  });
  app.delete('/v2.1/servers/:server_id/tags', function deleteAllTags(c) {
    needs26(c);
    compute.deleteServerTag(d.ctx(c), sid(c));
    return c.body(null, 204);
  });
  app.get('/v2.1/servers/:server_id/tags/:tag', function checkTagExistence(c) {
    needs26(c);
    if (!compute.getServer(d.ctx(c), sid(c)).tags.includes(c.req.param('tag'))) throw errors.notFound('tag', c.req.param('tag'), `Tag '${c.req.param('tag')}' could not be found.`);
    return c.body(null, 204);
  });
  app.put('/v2.1/servers/:server_id/tags/:tag', function addTag(c) {
    needs26(c);
    const added = compute.addServerTag(d.ctx(c), sid(c), c.req.param('tag'));
    c.header('Location', `${d.computeUrl}/v2.1/servers/${sid(c)}/tags/${c.req.param('tag')}`);
    return c.body(null, added ? 201 : 204);
  });
  app.delete('/v2.1/servers/:server_id/tags/:tag', function deleteTag(c) {
    needs26(c);
    compute.deleteServerTag(d.ctx(c), sid(c), c.req.param('tag'));
    return c.body(null, 204);
  });

  // Instance actions and their events
  app.get('/v2.1/servers/:server_id/os-instance-actions', function listInstanceActions(c) {
    const mv = d.mv(c);
    const limit = c.req.query('limit');
    const cs = c.req.query('changes-since');
    const actions = compute.listInstanceActions(d.ctx(c), sid(c), {
      ...(atLeast(mv, 58) && limit !== undefined ? { limit: Number(limit) } : {}),
      ...(atLeast(mv, 58) && c.req.query('marker') ? { marker: c.req.query('marker') } : {}),
      ...(atLeast(mv, 58) && cs ? { changesSince: Date.parse(cs) } : {}),
    });
    return c.json({ instanceActions: actions.map((a) => actionView(d.view(c), a)) });
  });
  app.get('/v2.1/servers/:server_id/os-instance-actions/:request_id', function showInstanceAction(c) {
    const a = compute.getInstanceAction(d.ctx(c), sid(c), c.req.param('request_id'));
    return c.json({ instanceAction: actionView(d.view(c), a) });
  });

  // Remote consoles (2.6)
  app.post('/v2.1/servers/:server_id/remote-consoles', async function createRemoteConsole(c) {
    if (!atLeast(d.mv(c), 6)) throw errors.notFound('resource', c.req.path, 'The resource could not be found.');
    const rc = member(await d.body(c), 'remote_console');
    const protocol = str(rc, 'protocol', { required: true })!;
    const type = str(rc, 'type', { required: true })!;
    const ok: Record<string, string[]> = { vnc: ['novnc', 'xvpvnc'], spice: ['spice-html5'], serial: ['serial'], mks: ['webmks'] };
    if (!ok[protocol]?.includes(type)) throw bad('remote_console/type', type, `is not valid for protocol ${protocol}`);
    if (protocol === 'mks') throw errors.notImplemented('MKS consoles');
    const con = compute.createConsole(d.ctx(c), sid(c), type, `${d.computeUrl}/console/${type}`);
    return c.json({ remote_console: { protocol, type, url: con.url } });
  });
}
