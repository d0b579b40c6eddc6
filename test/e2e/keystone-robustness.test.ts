// Keystone e2e from outside: no existence oracle on ids, undecodable tokens are 401/404, deeply nested bodies are 400.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keystoneFixture, type Body, type KeystoneFixture } from './keystone-fixture.js';

let f: KeystoneFixture;
let alice: { id: string; token: string };
let bob: { id: string; token: string };
beforeAll(async () => {
  f = await keystoneFixture();
  const aliceId = await f.userWithRole('rb-alice', 'alice-secret-1', f.demoProjectId, 'member');
  const bobId = await f.userWithRole('rb-bob', 'bob-secret-1', f.demoProjectId, 'member');
  alice = { id: aliceId, token: await f.login('rb-alice', 'alice-secret-1', 'demo') };
  bob = { id: bobId, token: await f.login('rb-bob', 'bob-secret-1', 'demo') };
});
afterAll(async () => {
  await f.sys.dispose();
});

const randomId = () => crypto.randomUUID().replace(/-/g, '');

/** Status and body of a request, with the ids in the body blanked so two answers compare equal. */
async function answer(method: string, path: string, token: string, body?: unknown, ids: string[] = []): Promise<{ status: number; body: string }> {
  const r = await f.call(method, path, token, body);
  let text = JSON.stringify(r.body);
  for (const id of ids) text = text.split(id).join('<id>');
  return { status: r.status, body: text };
}

describe('no existence oracle on ids', () => {
  it('another user’s credential and a missing one answer the same 403 to GET, PATCH and DELETE; an admin gets 404 for the missing one', async () => {
    const made = await f.call('POST', '/v3/credentials', alice.token, { credential: { user_id: alice.id, type: 'totp', blob: 'alice-secret-blob' } });
    expect(made.status).toBe(201);
    const theirs = made.body.credential.id as string;
    const missing = randomId();
    for (const [method, body] of [['GET'], ['PATCH', { credential: { blob: 'stolen' } }], ['DELETE']] as const) {
      const a = await answer(method, `/v3/credentials/${theirs}`, bob.token, body, [theirs]);
      const b = await answer(method, `/v3/credentials/${missing}`, bob.token, body, [missing]);
      expect(a.status, method).toBe(403);
      expect(b, method).toEqual(a);
    }
    expect((await f.call('GET', `/v3/credentials/${theirs}`, alice.token)).body.credential.blob).toBe('alice-secret-blob');
    expect((await f.call('GET', `/v3/credentials/${missing}`, f.adminToken)).status).toBe(404);
  });

  it('users, projects, groups, domains, application credentials, grants and OS-EC2 credentials answer the same for an existing id the caller may not see and a missing one', async () => {
    const group = (await f.call('POST', '/v3/groups', f.adminToken, { group: { name: 'rb-group', domain_id: 'default' } })).body.group.id as string;
    const domain = (await f.call('POST', '/v3/domains', f.adminToken, { domain: { name: 'rb-domain' } })).body.domain.id as string;
    const appCred = (await f.call('POST', `/v3/users/${alice.id}/application_credentials`, alice.token, { application_credential: { name: 'rb-ac' } })).body
      .application_credential.id as string;
    const ec2 = (await f.call('POST', `/v3/users/${alice.id}/credentials/OS-EC2`, alice.token, { tenant_id: f.demoProjectId })).body.credential.access as string;
    const memberRole = await f.roleId('member');
    const pairs: Array<[string, string, string, unknown?]> = [
      ['GET', `/v3/users/${alice.id}`, `/v3/users/${randomId()}`],
      ['PATCH', `/v3/users/${alice.id}`, `/v3/users/${randomId()}`, { user: { description: 'x' } }],
      ['DELETE', `/v3/users/${alice.id}`, `/v3/users/${randomId()}`],
      ['GET', `/v3/users/${alice.id}/projects`, `/v3/users/${randomId()}/projects`],
      ['GET', `/v3/users/${alice.id}/groups`, `/v3/users/${randomId()}/groups`],
      ['GET', `/v3/projects/${f.adminProjectId}`, `/v3/projects/${randomId()}`],
      ['PATCH', `/v3/projects/${f.adminProjectId}`, `/v3/projects/${randomId()}`, { project: { description: 'x' } }],
      ['DELETE', `/v3/projects/${f.adminProjectId}`, `/v3/projects/${randomId()}`],
      ['GET', `/v3/groups/${group}`, `/v3/groups/${randomId()}`],
      ['PATCH', `/v3/groups/${group}`, `/v3/groups/${randomId()}`, { group: { description: 'x' } }],
      ['DELETE', `/v3/groups/${group}`, `/v3/groups/${randomId()}`],
      ['GET', `/v3/groups/${group}/users`, `/v3/groups/${randomId()}/users`],
      ['GET', `/v3/domains/${domain}`, `/v3/domains/${randomId()}`],
      ['PATCH', `/v3/domains/${domain}`, `/v3/domains/${randomId()}`, { domain: { description: 'x' } }],
      ['DELETE', `/v3/domains/${domain}`, `/v3/domains/${randomId()}`],
      ['GET', `/v3/users/${alice.id}/application_credentials/${appCred}`, `/v3/users/${randomId()}/application_credentials/${randomId()}`],
      ['DELETE', `/v3/users/${alice.id}/application_credentials/${appCred}`, `/v3/users/${randomId()}/application_credentials/${randomId()}`],
      ['GET', `/v3/users/${bob.id}/application_credentials/${appCred}`, `/v3/users/${bob.id}/application_credentials/${randomId()}`],
      ['GET', `/v3/users/${alice.id}/credentials/OS-EC2/${ec2}`, `/v3/users/${randomId()}/credentials/OS-EC2/${randomId()}`],
      ['GET', `/v3/users/${bob.id}/credentials/OS-EC2/${ec2}`, `/v3/users/${bob.id}/credentials/OS-EC2/${randomId()}`],
      ['DELETE', `/v3/users/${bob.id}/credentials/OS-EC2/${ec2}`, `/v3/users/${bob.id}/credentials/OS-EC2/${randomId()}`],
      ['PUT', `/v3/projects/${f.adminProjectId}/users/${bob.id}/roles/${memberRole}`, `/v3/projects/${randomId()}/users/${bob.id}/roles/${memberRole}`],
      ['GET', `/v3/projects/${f.adminProjectId}/users/${alice.id}/roles`, `/v3/projects/${randomId()}/users/${alice.id}/roles`],
      ['HEAD', `/v3/projects/${f.adminProjectId}/users/${alice.id}/roles/${memberRole}`, `/v3/projects/${randomId()}/users/${alice.id}/roles/${memberRole}`],
      ['DELETE', `/v3/projects/${f.demoProjectId}/users/${alice.id}/roles/${memberRole}`, `/v3/projects/${randomId()}/users/${alice.id}/roles/${memberRole}`],
      ['GET', `/v3/role_assignments?user.id=${alice.id}`, `/v3/role_assignments?user.id=${randomId()}`],
      ['GET', `/v3/role_assignments?scope.project.id=${f.adminProjectId}`, `/v3/role_assignments?scope.project.id=${randomId()}`],
      ['PUT', `/v3/groups/${group}/users/${bob.id}`, `/v3/groups/${randomId()}/users/${bob.id}`],
      ['HEAD', `/v3/groups/${group}/users/${alice.id}`, `/v3/groups/${randomId()}/users/${alice.id}`],
      ['GET', `/v3/roles/${memberRole}/implies/${memberRole}`, `/v3/roles/${randomId()}/implies/${randomId()}`],
      ['PATCH', `/v3/roles/${memberRole}`, `/v3/roles/${randomId()}`, { role: { description: 'x' } }],
      ['DELETE', `/v3/roles/${memberRole}`, `/v3/roles/${randomId()}`],
    ];
    for (const [method, existing, missing, body] of pairs) {
      const idsOf = (p: string) => p.split(/[/=?]/).filter((s) => /^[0-9a-f]{32}$/.test(s));
      const a = await answer(method, existing, bob.token, body, idsOf(existing));
      const b = await answer(method, missing, bob.token, body, idsOf(missing));
      expect(a.status, `${method} ${existing}`).toBeGreaterThanOrEqual(400);
      expect(b, `${method} ${existing} vs ${missing}`).toEqual(a);
    }
    // Nothing above took effect.
    expect((await f.call('GET', `/v3/users/${alice.id}`, alice.token)).status).toBe(200);
    expect((await f.call('GET', `/v3/users/${alice.id}/credentials/OS-EC2/${ec2}`, alice.token)).status).toBe(200);
  });
});

describe('undecodable tokens', () => {
  const garbage = ['AAAAA', 'A', 'AAAAAAAAA', 'gAAAAABh', '%%%%', '====', 'é', 'A'.repeat(5000), '\u00ff\u00fe', `${'x'.repeat(181)}`];

  it('as X-Auth-Token: 401 with Keystone’s body, never a 500', async () => {
    for (const t of garbage) {
      const r = await f.sys.request('/identity/v3/auth/projects', { headers: { 'x-auth-token': t } });
      expect(r.status, t.slice(0, 20)).toBe(401);
      expect(((await r.json()) as Body).error.code).toBe(401);
    }
  });

  it('as X-Subject-Token: 404 to GET and HEAD /v3/auth/tokens, 404 to DELETE', async () => {
    for (const t of garbage) {
      for (const method of ['GET', 'HEAD', 'DELETE']) {
        const r = await f.sys.request('/identity/v3/auth/tokens', { method, headers: { 'x-auth-token': f.adminToken, 'x-subject-token': t } });
        expect(r.status, `${method} ${t.slice(0, 20)}`).toBe(404);
      }
    }
  });

  it('in the token auth method: 401', async () => {
    for (const t of garbage) {
      const r = await f.call('POST', '/v3/auth/tokens', undefined, { auth: { identity: { methods: ['token'], token: { id: t } } } });
      expect(r.status, t.slice(0, 20)).toBe(401);
      expect(r.body.error.code).toBe(401);
    }
  });

  it('as a Swift X-Auth-Token: 401', async () => {
    for (const t of garbage) {
      const r = await f.sys.request(`/object/v1/AUTH_${f.demoProjectId}`, { headers: { 'x-auth-token': t } });
      expect(r.status, t.slice(0, 20)).toBe(401);
    }
  });
});

describe('deeply nested bodies', () => {
  const nested = (depth: number) => {
    let v: unknown = 1;
    for (let i = 0; i < depth; i++) v = { a: v };
    return v;
  };
  const nestedText = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

  it('an extra attribute 5,000 levels deep is a Keystone 400 on create and update; a modest one is kept', async () => {
    const deep = `{"project":{"name":"rb-deep","deep":${nestedText(5000)}}}`;
    const r = await f.sys.request('/identity/v3/projects', { method: 'POST', headers: { 'x-auth-token': f.adminToken, 'content-type': 'application/json' }, body: deep });
    expect(r.status).toBe(400);
    expect(((await r.json()) as Body).error).toMatchObject({ code: 400, title: 'Bad Request' });
    expect((await f.call('GET', '/v3/projects?name=rb-deep', f.adminToken)).body.projects).toEqual([]);

    const u = await f.sys.request(`/identity/v3/users/${alice.id}`, {
      method: 'PATCH',
      headers: { 'x-auth-token': f.adminToken, 'content-type': 'application/json' },
      body: `{"user":{"deep":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`,
    });
    expect(u.status).toBe(400);

    const ok = await f.call('POST', '/v3/projects', f.adminToken, { project: { name: 'rb-modest', deep: nested(10) } });
    expect(ok.status).toBe(201);
    expect((await f.call('GET', `/v3/projects/${ok.body.project.id}`, f.adminToken)).body.project.deep).toEqual(nested(10));
  });

  it('a deeply nested credential blob or auth body is a 400, not a stack overflow', async () => {
    const blob = JSON.stringify(`{"access":"a","secret":"b","x":${nestedText(5000)}}`);
    const r = await f.sys.request('/identity/v3/credentials', {
      method: 'POST',
      headers: { 'x-auth-token': alice.token, 'content-type': 'application/json' },
      body: `{"credential":{"user_id":"${alice.id}","type":"ec2","project_id":"${f.demoProjectId}","blob":${blob}}}`,
    });
    expect(r.status).toBe(400);
    const a = await f.sys.request('/identity/v3/auth/tokens', { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"auth":${nestedText(5000)}}` });
    expect(a.status).toBe(400);
  });

  it('core refuses nested extras that did not come through JSON text', async () => {
    const ctx = { requestId: 'rb', auth: (await f.sys.identity.tokens.validate(f.adminToken)).context };
    expect(() => f.sys.identity.services.projects.create(ctx, { name: 'rb-core-deep', domainId: 'default', extra: { deep: nested(5000) } })).toThrow(/nested too deeply/);
    await expect(f.sys.identity.services.users.update(ctx, alice.id, { extra: { deep: nested(65) } })).rejects.toThrow(/nested too deeply/);
  });
});
