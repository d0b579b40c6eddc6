// Keystone's writable catalog: admins add regions, services, endpoints and endpoint groups beside the derived entries, which stay read-only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keystoneFixture, type Body, type KeystoneFixture } from './keystone-fixture.js';

let f: KeystoneFixture;
let member: string;
beforeAll(async () => {
  f = await keystoneFixture();
  await f.userWithRole('cat-member', 'member-secret', f.demoProjectId, 'member');
  member = await f.login('cat-member', 'member-secret', 'demo');
});
afterAll(async () => {
  await f.sys.dispose();
});

const catalogOf = async (token: string) => (await f.call('GET', '/v3/auth/catalog', token)).body.catalog as Body[];

describe('writable catalog', () => {
  it('region, service and endpoint created by an admin show in /v3 listings and in every token catalog (project id substituted)', async () => {
    const region = await f.call('POST', '/v3/regions', f.adminToken, { region: { id: 'RegionTwo', description: 'second' } });
    expect(region.status).toBe(201);
    expect(region.body.region).toMatchObject({ id: 'RegionTwo', description: 'second', parent_region_id: null });
    const child = await f.call('POST', '/v3/regions', f.adminToken, { region: { id: 'RegionTwoA', parent_region_id: 'RegionTwo' } });
    expect(child.body.region.parent_region_id).toBe('RegionTwo');
    const regions = (await f.call('GET', '/v3/regions', f.adminToken)).body.regions as Body[];
    expect(regions.map((r) => r.id)).toEqual(['RegionOne', 'RegionTwo', 'RegionTwoA']);

    const svc = await f.call('POST', '/v3/services', f.adminToken, { service: { type: 'orchestration', name: 'heat', description: 'stacks' } });
    expect(svc.status).toBe(201);
    expect(svc.body.service).toMatchObject({ type: 'orchestration', name: 'heat', enabled: true });
    const id = svc.body.service.id as string;
    const ep = await f.call('POST', '/v3/endpoints', f.adminToken, { endpoint: { service_id: id, interface: 'public', url: 'http://heat.example:8004/v1/%(project_id)s', region_id: 'RegionTwo' } });
    expect(ep.status).toBe(201);
    expect(ep.body.endpoint).toMatchObject({ service_id: id, interface: 'public', region: 'RegionTwo', region_id: 'RegionTwo', enabled: true });

    const cat = await catalogOf(member);
    const heat = cat.find((e) => e.type === 'orchestration')!;
    expect(heat.name).toBe('heat');
    expect(heat.endpoints).toEqual([expect.objectContaining({ interface: 'public', region_id: 'RegionTwo', url: `http://heat.example:8004/v1/${f.demoProjectId}` })]);
    // The derived entries are still there.
    expect(cat.map((e) => e.type)).toEqual(expect.arrayContaining(['identity', 'object-store', 'orchestration']));
    const token = await f.call('POST', '/v3/auth/tokens', undefined, {
      auth: { identity: { methods: ['password'], password: { user: { name: 'cat-member', password: 'member-secret', domain: { id: 'default' } } } }, scope: { project: { name: 'demo', domain: { id: 'default' } } } },
    });
    expect((token.body.token.catalog as Body[]).some((e) => e.type === 'orchestration')).toBe(true);
  });

  it('updates apply (a disabled endpoint leaves the catalog), deleting a service takes its endpoints, and regions in use stay', async () => {
    const svc = (await f.call('POST', '/v3/services', f.adminToken, { service: { type: 'key-manager', name: 'barbican' } })).body.service;
    const ep = (await f.call('POST', '/v3/endpoints', f.adminToken, { endpoint: { service_id: svc.id, interface: 'internal', url: 'http://kms.example:9311', region: 'RegionTwo' } })).body.endpoint;
    expect((await catalogOf(f.adminToken)).some((e) => e.type === 'key-manager')).toBe(true);
    const patched = await f.call('PATCH', `/v3/endpoints/${ep.id}`, f.adminToken, { endpoint: { enabled: false, url: 'http://kms2.example:9311' } });
    expect(patched.body.endpoint).toMatchObject({ enabled: false, url: 'http://kms2.example:9311' });
    expect((await catalogOf(f.adminToken)).some((e) => e.type === 'key-manager')).toBe(false);
    expect((await f.call('PATCH', `/v3/services/${svc.id}`, f.adminToken, { service: { name: 'kms' } })).body.service.name).toBe('kms');
    expect((await f.call('DELETE', '/v3/regions/RegionTwo', f.adminToken)).status).toBe(409);
    expect((await f.call('DELETE', `/v3/services/${svc.id}`, f.adminToken)).status).toBe(204);
    expect((await f.call('GET', `/v3/endpoints/${ep.id}`, f.adminToken)).status).toBe(404);
    expect((await f.call('PATCH', '/v3/regions/RegionTwoA', f.adminToken, { region: { description: 'a' } })).body.region.description).toBe('a');
    expect((await f.call('PATCH', '/v3/regions/RegionTwo', f.adminToken, { region: { parent_region_id: 'RegionTwoA' } })).status).toBe(400);
    expect((await f.call('DELETE', '/v3/regions/RegionTwoA', f.adminToken)).status).toBe(204);
  });

  it('refusals: derived entries 403, members 403, bad input 400, unknown service 404, duplicate region 409', async () => {
    const derived = ((await f.call('GET', '/v3/services?type=identity', f.adminToken)).body.services as Body[])[0]!;
    expect((await f.call('PATCH', `/v3/services/${derived.id}`, f.adminToken, { service: { name: 'x' } })).status).toBe(403);
    expect((await f.call('DELETE', `/v3/services/${derived.id}`, f.adminToken)).status).toBe(403);
    const derivedEp = ((await f.call('GET', `/v3/endpoints?service_id=${derived.id}`, f.adminToken)).body.endpoints as Body[])[0]!;
    expect((await f.call('DELETE', `/v3/endpoints/${derivedEp.id}`, f.adminToken)).status).toBe(403);
    expect((await f.call('DELETE', '/v3/regions/RegionOne', f.adminToken)).status).toBe(403);
    // An added endpoint of a derived service is fine.
    const extra = await f.call('POST', '/v3/endpoints', f.adminToken, { endpoint: { service_id: derived.id, interface: 'public', url: 'http://keystone.other:5000/v3', region_id: 'RegionTwo' } });
    expect(extra.status).toBe(201);
    expect((await f.call('DELETE', `/v3/endpoints/${extra.body.endpoint.id}`, f.adminToken)).status).toBe(204);

    expect((await f.call('POST', '/v3/services', member, { service: { type: 'x' } })).status).toBe(403);
    expect((await f.call('POST', '/v3/regions', member, { region: { id: 'Mine' } })).status).toBe(403);
    expect((await f.call('POST', '/v3/services', f.adminToken, { service: { name: 'no type' } })).status).toBe(400);
    const svc = (await f.call('POST', '/v3/services', f.adminToken, { service: { type: 'dns' } })).body.service;
    const badIface = await f.call('POST', '/v3/endpoints', f.adminToken, { endpoint: { service_id: svc.id, interface: 'private', url: 'http://dns.example' } });
    expect(badIface.status).toBe(400);
    expect(badIface.body.error.code).toBe(400);
    expect((await f.call('POST', '/v3/endpoints', f.adminToken, { endpoint: { service_id: svc.id, interface: 'public', url: 'http://dns.example', region_id: 'Nowhere' } })).status).toBe(400);
    expect((await f.call('POST', '/v3/endpoints', f.adminToken, { endpoint: { service_id: 'nope', interface: 'public', url: 'http://dns.example' } })).status).toBe(404);
    expect((await f.call('POST', '/v3/regions', f.adminToken, { region: { id: 'RegionTwo' } })).status).toBe(409);
    expect((await f.call('POST', '/v3/regions', f.adminToken, { region: { id: 'RegionOne' } })).status).toBe(409);
  });

  it('OS-EP-FILTER endpoint groups: create, list, show, update, delete, and the endpoints they select', async () => {
    const identity = ((await f.call('GET', '/v3/services?type=identity', f.adminToken)).body.services as Body[])[0]!;
    const g = await f.call('POST', '/v3/OS-EP-FILTER/endpoint_groups', f.adminToken, { endpoint_group: { name: 'identity-public', filters: { service_id: identity.id, interface: 'public' } } });
    expect(g.status).toBe(201);
    const id = g.body.endpoint_group.id as string;
    expect((await f.call('GET', '/v3/OS-EP-FILTER/endpoint_groups', f.adminToken)).body.endpoint_groups.map((x: Body) => x.name)).toEqual(['identity-public']);
    const eps = (await f.call('GET', `/v3/OS-EP-FILTER/endpoint_groups/${id}/endpoints`, f.adminToken)).body.endpoints as Body[];
    expect(eps).toHaveLength(1);
    expect(eps[0]).toMatchObject({ service_id: identity.id, interface: 'public' });
    const upd = await f.call('PATCH', `/v3/OS-EP-FILTER/endpoint_groups/${id}`, f.adminToken, { endpoint_group: { filters: { service_id: identity.id } } });
    expect(upd.body.endpoint_group.filters).toEqual({ service_id: identity.id });
    expect((await f.call('GET', `/v3/OS-EP-FILTER/endpoint_groups/${id}/endpoints`, f.adminToken)).body.endpoints).toHaveLength(3);
    expect((await f.call('POST', '/v3/OS-EP-FILTER/endpoint_groups', f.adminToken, { endpoint_group: { name: 'bad', filters: { colour: 'red' } } })).status).toBe(400);
    expect((await f.call('GET', `/v3/OS-EP-FILTER/endpoint_groups/${id}`, member)).status).toBe(403);
    expect((await f.call('DELETE', `/v3/OS-EP-FILTER/endpoint_groups/${id}`, f.adminToken)).status).toBe(204);
    expect((await f.call('GET', `/v3/OS-EP-FILTER/endpoint_groups/${id}`, f.adminToken)).status).toBe(404);
  });

  it('OS-EP-FILTER project associations: statuses, listings, the filtered catalog, and endpoint groups', async () => {
    const identity = ((await f.call('GET', '/v3/endpoints?interface=public', f.adminToken)).body.endpoints as Body[]).find((e) => e.url.includes('/identity'))!;
    const pe = `/v3/OS-EP-FILTER/projects/${f.demoProjectId}/endpoints/${identity.id}`;
    expect((await f.call('HEAD', pe, f.adminToken)).status).toBe(404);
    expect((await f.call('PUT', pe, member)).status).toBe(403);
    expect((await f.call('PUT', `/v3/OS-EP-FILTER/projects/nope/endpoints/${identity.id}`, f.adminToken)).status).toBe(404);
    expect((await f.call('PUT', `/v3/OS-EP-FILTER/projects/${f.demoProjectId}/endpoints/nope`, f.adminToken)).status).toBe(404);
    expect((await f.call('PUT', pe, f.adminToken)).status).toBe(204);
    expect((await f.call('HEAD', pe, f.adminToken)).status).toBe(204);
    expect(((await f.call('GET', `/v3/OS-EP-FILTER/projects/${f.demoProjectId}/endpoints`, f.adminToken)).body.endpoints as Body[]).map((e) => e.id)).toEqual([identity.id]);
    expect(((await f.call('GET', `/v3/OS-EP-FILTER/endpoints/${identity.id}/projects`, f.adminToken)).body.projects as Body[]).map((p) => p.id)).toEqual([f.demoProjectId]);
    const cat = await catalogOf(member);
    expect(cat.map((e) => [e.type, (e.endpoints as Body[]).map((x) => x.id)])).toEqual([['identity', [identity.id]]]);
    // Another project keeps the whole catalog.
    expect((await catalogOf(f.adminToken)).length).toBeGreaterThan(1);

    const g = (await f.call('POST', '/v3/OS-EP-FILTER/endpoint_groups', f.adminToken, { endpoint_group: { name: 'public', filters: { interface: 'public' } } })).body.endpoint_group;
    const gp = `/v3/OS-EP-FILTER/endpoint_groups/${g.id}/projects/${f.demoProjectId}`;
    expect((await f.call('GET', gp, f.adminToken)).status).toBe(404);
    expect((await f.call('PUT', gp, f.adminToken)).status).toBe(204);
    expect((await f.call('GET', gp, f.adminToken)).body.project.id).toBe(f.demoProjectId);
    expect((await f.call('HEAD', gp, f.adminToken)).status).toBe(200);
    expect(((await f.call('GET', `/v3/OS-EP-FILTER/endpoint_groups/${g.id}/projects`, f.adminToken)).body.projects as Body[]).map((p) => p.id)).toEqual([f.demoProjectId]);
    expect(((await f.call('GET', `/v3/OS-EP-FILTER/projects/${f.demoProjectId}/endpoint_groups`, f.adminToken)).body.endpoint_groups as Body[]).map((x) => x.id)).toEqual([g.id]);
    const widened = await catalogOf(member);
    expect(widened.length).toBeGreaterThan(1);
    expect(widened.flatMap((e) => (e.endpoints as Body[]).map((x) => x.interface))).toEqual(widened.flatMap((e) => (e.endpoints as Body[]).map(() => 'public')));

    expect((await f.call('DELETE', gp, f.adminToken)).status).toBe(204);
    expect((await f.call('DELETE', gp, f.adminToken)).status).toBe(404);
    expect((await f.call('DELETE', pe, f.adminToken)).status).toBe(204);
    expect((await f.call('DELETE', pe, f.adminToken)).status).toBe(404);
    expect((await catalogOf(member)).length).toBe((await catalogOf(f.adminToken)).length);
  });
});
