// Nova flavor routes: list/detail (with `is_public=None`), show, create/update/delete (admin), extra specs and access.
import type { Context, Hono } from 'hono';
import { errors } from '../../../core/errors.js';
import type { OpenStackEnv } from '../common/index.js';
import type { NovaRouteDeps } from './app.js';
import { atLeast } from './microversion.js';
import { bad, int, member, onlyKeys, str, stringMap } from './request.js';
import { flavorView } from './views.js';

/** `is_public`: true/false, or `None` (and anything else) meaning both for admins. */
function isPublicFilter(raw: string | undefined): boolean | undefined {
  if (raw === undefined) return true;
  const v = raw.toLowerCase();
  if (['true', 't', '1', 'yes', 'y', 'on'].includes(v)) return true;
  if (['false', 'f', '0', 'no', 'n', 'off'].includes(v)) return false;
  return undefined;
}

export function registerFlavorRoutes(app: Hono<OpenStackEnv>, d: NovaRouteDeps): void {
  const { compute } = d;
  const list = (detail: boolean) => (c: Context<OpenStackEnv>) => {
    const q = (k: string) => c.req.query(k);
    const num = (k: string) => {
      const v = q(k);
      if (v === undefined) return undefined;
      if (!/^\d+$/.test(v)) throw errors.invalid(`Invalid ${k} filter [${v}]`, { reason: 'filter' });
      return Number(v);
    };
    const sortDir = q('sort_dir');
    if (sortDir !== undefined && sortDir !== 'asc' && sortDir !== 'desc') throw errors.invalid(`Invalid input for query parameters sort_dir. Value: ${sortDir}.`);
    const flavors = compute.listFlavors(d.ctx(c), {
      isPublic: isPublicFilter(q('is_public')),
      minRam: num('minRam'),
      minDisk: num('minDisk'),
      limit: num('limit'),
      marker: q('marker'),
      sortKey: q('sort_key'),
      sortDir: sortDir as 'asc' | 'desc' | undefined,
    });
    return c.json({ flavors: flavors.map((f) => flavorView(d.view(c), f, detail)) });
  };
  app.get('/v2.1/flavors', list(false));
  app.get('/v2.1/flavors/detail', list(true));
  app.get('/v2.1/flavors/:flavor_id', function showFlavor(c) {
    return c.json({ flavor: flavorView(d.view(c), compute.getFlavor(d.ctx(c), c.req.param('flavor_id'))) });
  });

  app.post('/v2.1/flavors', async function createFlavor(c) {
    const mv = d.mv(c);
    const f = member(await d.body(c), 'flavor');
    onlyKeys(f, ['name', 'id', 'ram', 'vcpus', 'disk', 'OS-FLV-EXT-DATA:ephemeral', 'swap', 'rxtx_factor', 'os-flavor-access:is_public', ...(atLeast(mv, 55) ? ['description'] : [])]);
    const name = str(f, 'name', { required: true, min: 1, max: 255 })!.trim();
    const id = f.id === undefined || f.id === null ? undefined : typeof f.id === 'number' ? String(f.id) : str(f, 'id', { min: 1, max: 255 });
    if (id !== undefined && !/^(?! )[a-zA-Z0-9. _-]+(?<! )$/.test(id)) throw bad('id', id, 'does not match the id pattern');
    const req = (k: string, min: number) => {
      const v = int(f, k, { min, max: 2147483647 });
      if (v === undefined) throw bad(k, null, `'${k}' is a required property`);
      return v;
    };
    const isPublic = f['os-flavor-access:is_public'];
    if (isPublic !== undefined && typeof isPublic !== 'boolean') throw bad('os-flavor-access:is_public', isPublic, 'is not of type boolean');
    const rxtx = f.rxtx_factor;
    if (rxtx !== undefined && (typeof rxtx !== 'number' || rxtx <= 0)) throw bad('rxtx_factor', rxtx, 'is not a positive number');
    const flavor = compute.createFlavor(d.ctx(c), {
      ...(id !== undefined ? { id } : {}),
      name,
      ramMb: req('ram', 1),
      vcpus: req('vcpus', 1),
      diskGb: req('disk', 0),
      ephemeralGb: int(f, 'OS-FLV-EXT-DATA:ephemeral', { min: 0 }) ?? 0,
      swapMb: f.swap === '' ? 0 : (int(f, 'swap', { min: 0 }) ?? 0),
      rxtxFactor: (rxtx as number | undefined) ?? 1,
      isPublic: (isPublic as boolean | undefined) ?? true,
      description: f.description === undefined ? null : (str(f, 'description', { max: 65535, nullable: true }) ?? null),
    });
    return c.json({ flavor: flavorView(d.view(c), flavor) });
  });
  app.put('/v2.1/flavors/:flavor_id', async function updateFlavor(c) {
    if (!atLeast(d.mv(c), 55)) throw errors.notFound('resource', c.req.path, 'The resource could not be found.');
    const f = member(await d.body(c), 'flavor');
    onlyKeys(f, ['description']);
    if (!('description' in f)) throw bad('description', null, "'description' is a required property");
    const out = compute.updateFlavor(d.ctx(c), c.req.param('flavor_id'), f.description === null ? null : str(f, 'description', { max: 65535 })!);
    return c.json({ flavor: flavorView(d.view(c), out) });
  });
  app.delete('/v2.1/flavors/:flavor_id', function deleteFlavor(c) {
    compute.deleteFlavor(d.ctx(c), c.req.param('flavor_id'));
    return c.body(null, 202);
  });

  // Extra specs
  const fid = (c: Context) => c.req.param('flavor_id')!;
  app.get('/v2.1/flavors/:flavor_id/os-extra_specs', function listExtraSpecs(c) {
    return c.json({ extra_specs: compute.getFlavor(d.ctx(c), fid(c)).extraSpecs });
  });
  app.post('/v2.1/flavors/:flavor_id/os-extra_specs', async function createExtraSpec(c) {
    const specs = stringMap(await d.body(c), 'extra_specs');
    if (!specs) throw bad('extra_specs', null, "'extra_specs' is a required property");
    compute.setFlavorExtraSpecs(d.ctx(c), fid(c), specs);
    return c.json({ extra_specs: specs });
  });
  app.get('/v2.1/flavors/:flavor_id/os-extra_specs/:key', function showExtraSpec(c) {
    const specs = compute.getFlavor(d.ctx(c), fid(c)).extraSpecs;
    const key = c.req.param('key');
    if (!(key in specs)) throw errors.notFound('extra spec', key, `Flavor ${fid(c)} has no extra specs with key ${key}.`);
    return c.json({ [key]: specs[key] });
  });
  app.put('/v2.1/flavors/:flavor_id/os-extra_specs/:key', async function updateExtraSpec(c) {
    const body = await d.body(c);
    const key = c.req.param('key');
    if (Object.keys(body).length !== 1 || !(key in body)) throw errors.invalid('Request body and URI mismatch', { reason: 'extra_specs' });
    const spec = stringMap({ spec: body }, 'spec')!;
    compute.setFlavorExtraSpecs(d.ctx(c), fid(c), spec);
    return c.json(spec);
  });
  app.delete('/v2.1/flavors/:flavor_id/os-extra_specs/:key', function deleteExtraSpec(c) {
    compute.deleteFlavorExtraSpec(d.ctx(c), fid(c), c.req.param('key'));
    return c.body(null, 202);
  });

  // Access to private flavors
  const accessView = (id: string, projects: string[]) => ({ flavor_access: projects.map((p) => ({ flavor_id: id, tenant_id: p })) });
  app.get('/v2.1/flavors/:flavor_id/os-flavor-access', function listFlavorAccess(c) {
    return c.json(accessView(fid(c), compute.listFlavorAccess(d.ctx(c), fid(c))));
  });
  app.post('/v2.1/flavors/:flavor_id/action', async function flavorAction(c) {
    const body = await d.body(c);
    const [key] = Object.keys(body);
    const arg = body[key ?? ''];
    const tenant = arg && typeof arg === 'object' ? (arg as Record<string, unknown>).tenant : undefined;
    if (typeof tenant !== 'string') throw bad(`${key}/tenant`, tenant ?? null, "'tenant' is a required property");
    if (key === 'addTenantAccess') return c.json(accessView(fid(c), compute.addFlavorAccess(d.ctx(c), fid(c), tenant)));
    if (key === 'removeTenantAccess') return c.json(accessView(fid(c), compute.removeFlavorAccess(d.ctx(c), fid(c), tenant)));
    throw errors.invalid(`There is no such action: ${key}`);
  });
}
