// In-process Keystone API tests: discovery, POST/GET/HEAD/DELETE /v3/auth/tokens, every method and scope, errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClock } from '../../../core/identity/testing/fakes.js';
import { buildTestSystem, type TestSystem } from '../../../test/harness/system.js';

const JSON_HEADERS = { 'content-type': 'application/json' };
const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

type Body = Record<string, any>;

describe('Keystone auth API', () => {
  let sys: TestSystem;
  let clock: TestClock;
  let base: string;
  let adminToken: string;

  const passwordAuth = (user: Body, password: string, scope?: unknown) => ({
    auth: { identity: { methods: ['password'], password: { user: { ...user, password } } }, ...(scope === undefined ? {} : { scope }) },
  });
  const post = (body: unknown, query = '') =>
    sys.request(`/identity/v3/auth/tokens${query}`, { method: 'POST', headers: JSON_HEADERS, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const login = async (name: string, password: string, scope?: unknown) => {
    const r = await post(passwordAuth({ name, domain: { name: 'Default' } }, password, scope));
    expect(r.status).toBe(201);
    return { id: r.headers.get('x-subject-token')!, body: ((await r.json()) as Body).token as Body };
  };
  const get = (path: string, token: string, headers: Record<string, string> = {}) =>
    sys.request(`/identity${path}`, { headers: { 'x-auth-token': token, ...headers } });
  const demoPassword = () => sys.firstStart.bootstrap.demo.password;

  beforeAll(async () => {
    clock = new TestClock(Date.now());
    sys = await buildTestSystem({}, { clock });
    base = sys.config.publicUrl;
    adminToken = (await login('admin', 'admin-secret', { project: { name: 'admin', domain: { name: 'Default' } } })).id;
  });
  afterAll(async () => sys.dispose());

  describe('discovery', () => {
    it.each(['/identity', '/identity/'])('GET %s → 300 with versions.values', async (path) => {
      const r = await sys.request(path);
      expect(r.status).toBe(300);
      const body = (await r.json()) as Body;
      expect(body.versions.values).toEqual([
        {
          id: 'v3.14',
          status: 'stable',
          updated: '2020-04-07T00:00:00Z',
          links: [{ rel: 'self', href: `${base}/identity/v3/` }],
          'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }],
        },
      ]);
      expect(r.headers.get('x-openstack-request-id')).toMatch(/^req-[0-9a-f-]{36}$/);
    });

    it.each(['/identity/v3', '/identity/v3/'])('GET %s → 200 with version', async (path) => {
      const r = await sys.request(path);
      expect(r.status).toBe(200);
      const body = (await r.json()) as Body;
      expect(body.version.id).toBe('v3.14');
      expect(body.version.links[0].href).toBe(`${base}/identity/v3/`);
    });
  });

  describe('POST /v3/auth/tokens', () => {
    it('password, project scope by names: 201, X-Subject-Token and Keystone\'s token body', async () => {
      const r = await post(passwordAuth({ name: 'demo', domain: { name: 'Default' } }, demoPassword(), { project: { name: 'demo', domain: { name: 'Default' } } }));
      expect(r.status).toBe(201);
      expect(r.headers.get('x-subject-token')).toMatch(/^[A-Za-z0-9_-]{100,}$/);
      const t = ((await r.json()) as Body).token as Body;
      const { demo } = sys.firstStart.bootstrap;
      expect(t.methods).toEqual(['password']);
      expect(t.user).toEqual({ domain: { id: 'default', name: 'Default' }, id: demo.userId, name: 'demo', password_expires_at: null });
      expect(t.project).toEqual({ domain: { id: 'default', name: 'Default' }, id: demo.projectId, name: 'demo' });
      expect(t.is_domain).toBe(false);
      expect(t.roles.map((x: Body) => x.name).sort()).toEqual(['member', 'reader']);
      expect(t.audit_ids).toHaveLength(1);
      expect(t.audit_ids[0]).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(t.expires_at).toMatch(TIME);
      expect(t.issued_at).toMatch(TIME);
      expect(Date.parse(t.expires_at) - Date.parse(t.issued_at)).toBe(3600_000);
      const identity = t.catalog.find((s: Body) => s.type === 'identity');
      expect(identity.name).toBe('keystone');
      expect(identity.endpoints.map((e: Body) => e.interface).sort()).toEqual(['admin', 'internal', 'public']);
      expect(identity.endpoints[0]).toMatchObject({ region: 'RegionOne', region_id: 'RegionOne', url: `${base}/identity` });
    });

    it('project scope by id and user by id', async () => {
      const { demo } = sys.firstStart.bootstrap;
      const r = await post(passwordAuth({ id: demo.userId }, demoPassword(), { project: { id: demo.projectId } }));
      expect(r.status).toBe(201);
      expect((((await r.json()) as Body).token as Body).project.id).toBe(demo.projectId);
    });

    it('nocatalog leaves the catalog out', async () => {
      const r = await post(passwordAuth({ name: 'demo', domain: { id: 'default' } }, demoPassword(), { project: { name: 'demo', domain: { id: 'default' } } }), '?nocatalog');
      expect(r.status).toBe(201);
      expect((((await r.json()) as Body).token as Body).catalog).toBeUndefined();
    });

    it('unscoped: no project, roles or catalog', async () => {
      const { body } = await login('demo', demoPassword());
      expect(body.project).toBeUndefined();
      expect(body.roles).toBeUndefined();
      expect(body.catalog).toBeUndefined();
      expect((await login('demo', demoPassword(), 'unscoped')).body.project).toBeUndefined();
    });

    it('system scope: system {all: true} with the system roles', async () => {
      const { body } = await login('admin', 'admin-secret', { system: { all: true } });
      expect(body.system).toEqual({ all: true });
      expect(body.roles.map((x: Body) => x.name)).toContain('admin');
      expect(body.catalog.length).toBeGreaterThan(0);
    });

    it('domain scope, once the user holds a role on the domain', async () => {
      const { demo } = sys.firstStart.bootstrap;
      const reader = (await login('admin', 'admin-secret', { system: { all: true } })).body.roles.find((x: Body) => x.name === 'reader');
      const admin = await sys.identity.tokens.validate(adminToken);
      sys.identity.services.assignments.grant({ requestId: 't', auth: admin.context }, { actor: { userId: demo.userId }, target: { domainId: 'default' }, roleId: reader.id });
      const { body } = await login('demo', demoPassword(), { domain: { name: 'Default' } });
      expect(body.domain).toEqual({ id: 'default', name: 'Default' });
      expect(body.roles.map((x: Body) => x.name)).toEqual(['reader']);
    });

    it('token method rescopes, keeps the audit chain and the original expiry', async () => {
      const first = await login('demo', demoPassword());
      const r = await post({ auth: { identity: { methods: ['token'], token: { id: first.id } }, scope: { project: { name: 'demo', domain: { name: 'Default' } } } } });
      expect(r.status).toBe(201);
      const t = ((await r.json()) as Body).token as Body;
      expect(t.project.name).toBe('demo');
      expect(t.methods.sort()).toEqual(['password', 'token']);
      expect(t.audit_ids[1]).toBe(first.body.audit_ids[0]);
      expect(t.expires_at).toBe(first.body.expires_at);
    });

    it('token method with a revoked token: 404 "Could not find token", as Keystone', async () => {
      const first = await login('demo', demoPassword());
      const d = await sys.request('/identity/v3/auth/tokens', { method: 'DELETE', headers: { 'x-auth-token': first.id, 'x-subject-token': first.id } });
      expect(d.status).toBe(204);
      const r = await post({ auth: { identity: { methods: ['token'], token: { id: first.id } } } });
      expect(r.status).toBe(404);
      const body = (await r.json()) as Body;
      expect(body.error.code).toBe(404);
      expect(body.error.message).toContain('Could not find token');
    });

    it('application_credential: project-scoped to the credential\'s project, restricted roles', async () => {
      const admin = await sys.identity.tokens.validate(adminToken);
      const { row, secret } = await sys.identity.services.applicationCredentials.create({ requestId: 't', auth: admin.context }, admin.user.id, {
        name: 'ci',
        roles: [{ name: 'reader' }],
      });
      const r = await post({ auth: { identity: { methods: ['application_credential'], application_credential: { id: row.id, secret } } } });
      expect(r.status).toBe(201);
      const t = ((await r.json()) as Body).token as Body;
      expect(t.methods).toEqual(['application_credential']);
      expect(t.project.name).toBe('admin');
      expect(t.roles.map((x: Body) => x.name)).toEqual(['reader']);
      expect(t.application_credential).toEqual({ id: row.id, name: 'ci', restricted: true });
      const byName = await post({
        auth: { identity: { methods: ['application_credential'], application_credential: { name: 'ci', user: { name: 'admin', domain: { name: 'Default' } }, secret } } },
      });
      expect(byName.status).toBe(201);
      const wrong = await post({ auth: { identity: { methods: ['application_credential'], application_credential: { id: row.id, secret: 'nope' } } } });
      expect(wrong.status).toBe(401);
      const rescope = await post({ auth: { identity: { methods: ['token'], token: { id: byName.headers.get('x-subject-token') } } } });
      expect(rescope.status).toBe(403);
    });

    it('wrong password → 401 in Keystone\'s shape with WWW-Authenticate', async () => {
      const r = await post(passwordAuth({ name: 'admin', domain: { name: 'Default' } }, 'wrong'));
      expect(r.status).toBe(401);
      expect(await r.json()).toEqual({ error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } });
      expect(r.headers.get('www-authenticate')).toBe(`Keystone uri="${base}/identity"`);
      expect(r.headers.get('x-openstack-request-id')).toMatch(/^req-/);
    });

    it('unknown user, a project without a role, an unknown project → 401', async () => {
      expect((await post(passwordAuth({ name: 'ghost', domain: { name: 'Default' } }, 'x'))).status).toBe(401);
      expect((await post(passwordAuth({ name: 'demo', domain: { name: 'Default' } }, demoPassword(), { project: { name: 'admin', domain: { name: 'Default' } } }))).status).toBe(401);
      expect((await post(passwordAuth({ name: 'demo', domain: { name: 'Default' } }, demoPassword(), { project: { id: 'nope' } }))).status).toBe(401);
    });

    it('bad bodies → 400', async () => {
      for (const body of ['{not json', '', JSON.stringify({}), JSON.stringify({ auth: {} }), JSON.stringify({ auth: { identity: { methods: 'password' } } })]) {
        const r = await post(body);
        expect(r.status, body).toBe(400);
        expect(((await r.json()) as Body).error.code).toBe(400);
      }
      const twoScopes = await post(passwordAuth({ name: 'demo', domain: { name: 'Default' } }, demoPassword(), { project: { id: 'x' }, domain: { id: 'default' } }));
      expect(twoScopes.status).toBe(400);
      const noDomain = await post(passwordAuth({ name: 'demo' }, demoPassword()));
      expect(noDomain.status).toBe(400);
    });

    it('no scope: the user\'s default project when it holds a role there, else unscoped', async () => {
      const admin = await sys.identity.tokens.validate(adminToken);
      const ctx = { requestId: 't', auth: admin.context };
      const project = sys.firstStart.bootstrap.demo.projectId;
      const u = await sys.identity.services.users.create(ctx, { name: 'withdefault', domainId: 'default', password: 'pw-default', defaultProjectId: project });
      expect((await login('withdefault', 'pw-default')).body.project).toBeUndefined();
      const member = admin.roles.find((r) => r.name === 'member')!;
      sys.identity.services.assignments.grant(ctx, { actor: { userId: u.id }, target: { projectId: project }, roleId: member.id });
      expect((await login('withdefault', 'pw-default')).body.project.id).toBe(project);
      expect((await login('withdefault', 'pw-default', 'unscoped')).body.project).toBeUndefined();
    });

    it('a body over the JSON limit → 413 in Keystone\'s shape', async () => {
      const r = await post(JSON.stringify({ auth: { pad: 'x'.repeat(sys.config.jsonBodyLimit) } }));
      expect(r.status).toBe(413);
      expect(((await r.json()) as Body).error.code).toBe(413);
    });

    it('an unsupported method → 401', async () => {
      expect((await post({ auth: { identity: { methods: ['totp'], totp: {} } } })).status).toBe(401);
    });
  });

  describe('GET/HEAD/DELETE /v3/auth/tokens', () => {
    it('validates (200 + X-Subject-Token), checks (HEAD 200) and revokes (204)', async () => {
      const { id } = await login('demo', demoPassword(), { project: { name: 'demo', domain: { name: 'Default' } } });
      const v = await get('/v3/auth/tokens', adminToken, { 'x-subject-token': id });
      expect(v.status).toBe(200);
      expect(v.headers.get('x-subject-token')).toBe(id);
      expect((((await v.json()) as Body).token as Body).project.name).toBe('demo');
      const nc = await get('/v3/auth/tokens?nocatalog=1', id, { 'x-subject-token': id });
      expect((((await nc.json()) as Body).token as Body).catalog).toBeUndefined();
      const h = await sys.request('/identity/v3/auth/tokens', { method: 'HEAD', headers: { 'x-auth-token': id, 'x-subject-token': id } });
      expect(h.status).toBe(200);
      const d = await sys.request('/identity/v3/auth/tokens', { method: 'DELETE', headers: { 'x-auth-token': id, 'x-subject-token': id } });
      expect(d.status).toBe(204);
      const after = await get('/v3/auth/tokens', adminToken, { 'x-subject-token': id });
      expect(after.status).toBe(404);
      expect(((await after.json()) as Body).error).toMatchObject({ code: 404, title: 'Not Found' });
      const asCaller = await get('/v3/auth/catalog', id);
      expect(asCaller.status).toBe(401);
      expect(asCaller.headers.get('www-authenticate')).toContain('Keystone uri=');
    });

    it('an expired token: 404 as subject, 401 as caller, 200 with allow_expired', async () => {
      const { id } = await login('demo', demoPassword(), { project: { name: 'demo', domain: { name: 'Default' } } });
      const adminLongLived = (await login('admin', 'admin-secret', { project: { name: 'admin', domain: { name: 'Default' } } })).id;
      clock.advance(3000_000);
      const fresh = (await login('admin', 'admin-secret', { project: { name: 'admin', domain: { name: 'Default' } } })).id;
      clock.advance(700_000);
      expect((await get('/v3/auth/tokens', fresh, { 'x-subject-token': id })).status).toBe(404);
      expect((await get('/v3/auth/catalog', id)).status).toBe(401);
      expect((await get('/v3/auth/tokens?allow_expired=1', fresh, { 'x-subject-token': id })).status).toBe(200);
      expect((await get('/v3/auth/catalog', adminLongLived)).status).toBe(401);
      adminToken = fresh;
    });

    it('another user\'s token may not be validated by a non-admin (403); a missing X-Auth-Token is 401', async () => {
      const demo = await login('demo', demoPassword(), { project: { name: 'demo', domain: { name: 'Default' } } });
      expect((await get('/v3/auth/tokens', demo.id, { 'x-subject-token': adminToken })).status).toBe(403);
      const r = await sys.request('/identity/v3/auth/tokens', { headers: { 'x-subject-token': adminToken } });
      expect(r.status).toBe(401);
      expect((await get('/v3/auth/tokens', 'garbage', { 'x-subject-token': adminToken })).status).toBe(401);
    });

    it('disabling a user revokes its tokens at once', async () => {
      const admin = await sys.identity.tokens.validate(adminToken);
      const ctx = { requestId: 't', auth: admin.context };
      const u = await sys.identity.services.users.create(ctx, { name: 'temp', domainId: 'default', password: 'temp-pass' });
      const project = sys.firstStart.bootstrap.demo.projectId;
      const member = admin.roles.find((r) => r.name === 'member')!;
      sys.identity.services.assignments.grant(ctx, { actor: { userId: u.id }, target: { projectId: project }, roleId: member.id });
      const { id } = await login('temp', 'temp-pass', { project: { id: project } });
      expect((await get('/v3/auth/catalog', id)).status).toBe(200);
      await sys.identity.services.users.update(ctx, u.id, { enabled: false });
      expect((await get('/v3/auth/catalog', id)).status).toBe(401);
      expect((await post(passwordAuth({ id: u.id }, 'temp-pass'))).status).toBe(401);
    });

    it('repeated validations answer the same body, and a removed role or a disabled project shows at once', async () => {
      const admin = await sys.identity.tokens.validate(adminToken);
      const ctx = { requestId: 't', auth: admin.context };
      const u = await sys.identity.services.users.create(ctx, { name: 'temp-roles', domainId: 'default', password: 'temp-pass' });
      const p = sys.identity.services.projects.create(ctx, { name: 'temp-roles-project', domainId: 'default' });
      const member = admin.roles.find((r) => r.name === 'member')!;
      const extra = sys.identity.services.roles.create(ctx, { name: 'temp-extra' });
      for (const roleId of [member.id, extra.id]) sys.identity.services.assignments.grant(ctx, { actor: { userId: u.id }, target: { projectId: p.id }, roleId });
      const first = await login('temp-roles', 'temp-pass', { project: { id: p.id } });
      const validate = async (id: string) => {
        const r = await get('/v3/auth/tokens', adminToken, { 'x-subject-token': id });
        return { status: r.status, type: r.headers.get('content-type'), requestId: r.headers.get('x-openstack-request-id'), text: await r.text() };
      };
      const a = await validate(first.id);
      const b = await validate(first.id);
      expect(a).toMatchObject({ status: 200, type: 'application/json', requestId: expect.stringMatching(/^req-[0-9a-f-]{36}$/) });
      expect(b.text).toBe(a.text);
      const token = (JSON.parse(a.text) as Body).token as Body;
      expect(token.roles.map((r: Body) => r.name)).toContain('temp-extra');
      expect(token.catalog.find((s: Body) => s.type === 'object-store').endpoints[0].url).toContain(`AUTH_${p.id}`);
      const noCatalog = await get('/v3/auth/tokens?nocatalog', adminToken, { 'x-subject-token': first.id });
      expect(((await noCatalog.json()) as Body).token).toEqual({ ...token, catalog: undefined });

      sys.identity.services.assignments.revoke(ctx, { actor: { userId: u.id }, target: { projectId: p.id }, roleId: extra.id });
      const now = await validate(first.id);
      expect(now.status).toBe(200);
      expect(((JSON.parse(now.text) as Body).token as Body).roles.map((r: Body) => r.name)).toEqual(expect.arrayContaining(['member']));
      expect(((JSON.parse(now.text) as Body).token as Body).roles.map((r: Body) => r.name)).not.toContain('temp-extra');

      sys.identity.services.projects.update(ctx, p.id, { enabled: false });
      expect((await validate(first.id)).status).toBe(404);
    });
  });

  describe('/v3/auth/{catalog,projects,domains,system}', () => {
    it('lists the caller\'s catalog, projects, domains and system access', async () => {
      const demo = await login('demo', demoPassword(), { project: { name: 'demo', domain: { name: 'Default' } } });
      const cat = (await (await get('/v3/auth/catalog', demo.id)).json()) as Body;
      expect(cat.catalog.map((s: Body) => s.type)).toContain('identity');
      const projects = (await (await get('/v3/auth/projects', demo.id)).json()) as Body;
      expect(projects.projects.map((p: Body) => p.name)).toEqual(['demo']);
      expect(projects.projects[0]).toMatchObject({ domain_id: 'default', enabled: true, is_domain: false });
      const sysr = (await (await get('/v3/auth/system', demo.id)).json()) as Body;
      expect(sysr.system).toEqual([]);
      const adminSys = (await (await get('/v3/auth/system', adminToken)).json()) as Body;
      expect(adminSys.system).toEqual([{ all: true }]);
      const unscoped = await login('demo', demoPassword(), 'unscoped');
      expect((await get('/v3/auth/catalog', unscoped.id)).status).toBe(403);
      expect(((await (await get('/v3/auth/domains', demo.id)).json()) as Body).domains).toBeInstanceOf(Array);
    });

    it('services, endpoints and regions are readable by admin, stable, and forbidden to members', async () => {
      const s1 = (await (await get('/v3/services', adminToken)).json()) as Body;
      const s2 = (await (await get('/v3/services', adminToken)).json()) as Body;
      expect(s1.services.map((s: Body) => s.id)).toEqual(s2.services.map((s: Body) => s.id));
      const ks = s1.services.find((s: Body) => s.type === 'identity');
      const eps = (await (await get(`/v3/endpoints?service_id=${ks.id}`, adminToken)).json()) as Body;
      expect(eps.endpoints).toHaveLength(3);
      expect(eps.endpoints[0]).toMatchObject({ service_id: ks.id, region_id: 'RegionOne', url: `${base}/identity` });
      expect((await get(`/v3/services/${ks.id}`, adminToken)).status).toBe(200);
      expect(((await (await get('/v3/regions', adminToken)).json()) as Body).regions[0].id).toBe('RegionOne');
      const demo = await login('demo', demoPassword(), { project: { name: 'demo', domain: { name: 'Default' } } });
      expect((await get('/v3/services', demo.id)).status).toBe(403);
    });
  });

  it('an unknown Keystone path is a Keystone-shaped 404', async () => {
    const r = await sys.request('/identity/v3/nothing-here');
    expect(r.status).toBe(404);
    expect(((await r.json()) as Body).error.code).toBe(404);
  });
});
