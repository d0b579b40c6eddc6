// In-process Keystone resource API tests: CRUD statuses, duplicates, policy per persona, grants, credentials.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keystoneFixture, type Body, type KeystoneFixture } from './keystone-fixture.js';

describe('Keystone resources', () => {
  let f: KeystoneFixture;
  let admin: string;

  beforeAll(async () => {
    f = await keystoneFixture();
    admin = f.adminToken;
  });
  afterAll(async () => f.sys.dispose());

  describe('projects', () => {
    it('is_domain: true is NotImplemented (501), as an unserved feature', async () => {
      const r = await f.call('POST', '/v3/projects', admin, { project: { name: 'as-domain', is_domain: true } });
      expect(r.status).toBe(501);
      expect(r.body.error).toEqual({ code: 501, title: 'Not Implemented', message: 'The action you have requested has not been implemented.' });
    });

    it('create 201, show, list by name, update, duplicate 409, delete 204, then 404', async () => {
      const c = await f.call('POST', '/v3/projects', admin, { project: { name: 'p1', description: 'd', domain_id: 'default', tags: ['a'] } });
      expect(c.status).toBe(201);
      const p = c.body.project;
      expect(p).toMatchObject({ name: 'p1', description: 'd', domain_id: 'default', parent_id: 'default', is_domain: false, enabled: true, tags: ['a'] });
      expect(p.links.self).toBe(`${f.sys.config.publicUrl}/identity/v3/projects/${p.id}`);

      const dup = await f.call('POST', '/v3/projects', admin, { project: { name: 'p1', domain_id: 'default' } });
      expect(dup.status).toBe(409);
      expect(dup.body.error).toEqual({
        code: 409,
        title: 'Conflict',
        message: 'Conflict occurred attempting to store project - Duplicate entry found with name p1 at domain ID default.',
      });

      expect((await f.call('GET', `/v3/projects/${p.id}`, admin)).body.project.name).toBe('p1');
      const list = await f.call('GET', '/v3/projects?name=p1', admin);
      expect(list.body.projects.map((x: Body) => x.id)).toEqual([p.id]);
      expect(list.body.links).toMatchObject({ previous: null, next: null });

      const up = await f.call('PATCH', `/v3/projects/${p.id}`, admin, { project: { description: 'e', enabled: false } });
      expect(up.status).toBe(200);
      expect(up.body.project).toMatchObject({ description: 'e', enabled: false });
      expect((await f.call('GET', '/v3/projects?enabled=false', admin)).body.projects.map((x: Body) => x.name)).toContain('p1');

      expect((await f.call('DELETE', `/v3/projects/${p.id}`, admin)).status).toBe(204);
      const gone = await f.call('GET', `/v3/projects/${p.id}`, admin);
      expect(gone.status).toBe(404);
      expect(gone.body.error.message).toBe(`Could not find project: ${p.id}.`);
    });

    it('tags: add 201, check 204, list, replace, filter, delete', async () => {
      const p = (await f.call('POST', '/v3/projects', admin, { project: { name: 'tagged' } })).body.project;
      expect((await f.call('PUT', `/v3/projects/${p.id}/tags/red`, admin)).status).toBe(201);
      expect((await f.call('GET', `/v3/projects/${p.id}/tags/red`, admin)).status).toBe(204);
      expect((await f.call('GET', `/v3/projects/${p.id}/tags/blue`, admin)).status).toBe(404);
      const rep = await f.call('PUT', `/v3/projects/${p.id}/tags`, admin, { tags: ['x', 'y'] });
      expect(rep.body.tags).toEqual(['x', 'y']);
      expect((await f.call('GET', '/v3/projects?tags=x,y', admin)).body.projects.map((x: Body) => x.id)).toEqual([p.id]);
      expect((await f.call('GET', '/v3/projects?tags-any=zzz', admin)).body.projects).toEqual([]);
      expect((await f.call('DELETE', `/v3/projects/${p.id}/tags/x`, admin)).status).toBe(204);
      expect((await f.call('GET', `/v3/projects/${p.id}/tags`, admin)).body.tags).toEqual(['y']);
      expect((await f.call('PUT', `/v3/projects/${p.id}/tags/a,b`, admin)).status).toBe(400);
    });

    it('parent_id: a child project, and a parent cannot be deleted before its child', async () => {
      const parent = (await f.call('POST', '/v3/projects', admin, { project: { name: 'parent' } })).body.project;
      const child = (await f.call('POST', '/v3/projects', admin, { project: { name: 'child', parent_id: parent.id } })).body.project;
      expect(child.parent_id).toBe(parent.id);
      expect((await f.call('GET', `/v3/projects?parent_id=${parent.id}`, admin)).body.projects.map((x: Body) => x.id)).toEqual([child.id]);
      expect((await f.call('DELETE', `/v3/projects/${parent.id}`, admin)).status).toBe(403);
    });

    it('a bad body is a Keystone 400', async () => {
      const r = await f.call('POST', '/v3/projects', admin, { project: { description: 'no name' } });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe(400);
      expect((await f.call('POST', '/v3/projects', admin, { nope: {} })).status).toBe(400);
    });
  });

  describe('policy by persona', () => {
    let memberToken: string;
    let readerToken: string;
    let memberId: string;

    beforeAll(async () => {
      memberId = await f.userWithRole('alice', 'alice-pw', f.demoProjectId, 'member');
      await f.userWithRole('rita', 'rita-pw', f.demoProjectId, 'reader');
      memberToken = await f.login('alice', 'alice-pw', 'demo');
      readerToken = await f.login('rita', 'rita-pw', 'demo');
    });

    it('a member cannot create a user (403 naming the rule)', async () => {
      const r = await f.call('POST', '/v3/users', memberToken, { user: { name: 'mallory', password: 'x' } });
      expect(r.status).toBe(403);
      expect(r.body.error.message).toBe('You are not authorized to perform the requested action: identity:create_user.');
    });

    it('a reader cannot write (create project, grant a role, create a group)', async () => {
      expect((await f.call('POST', '/v3/projects', readerToken, { project: { name: 'r1' } })).status).toBe(403);
      const role = await f.roleId('admin');
      expect((await f.call('PUT', `/v3/projects/${f.demoProjectId}/users/${memberId}/roles/${role}`, readerToken)).status).toBe(403);
      expect((await f.call('POST', '/v3/groups', readerToken, { group: { name: 'g' } })).status).toBe(403);
      expect((await f.call('POST', '/v3/roles', memberToken, { role: { name: 'boss' } })).status).toBe(403);
    });

    it('sees its own project but not another one, and cannot list every project or user', async () => {
      expect((await f.call('GET', `/v3/projects/${f.demoProjectId}`, memberToken)).status).toBe(200);
      expect((await f.call('GET', `/v3/projects/${f.adminProjectId}`, memberToken)).status).toBe(403);
      expect((await f.call('GET', '/v3/projects', memberToken)).status).toBe(403);
      expect((await f.call('GET', '/v3/users', memberToken)).status).toBe(403);
      expect((await f.call('GET', '/v3/role_assignments', memberToken)).status).toBe(403);
    });

    it('reads itself and its projects, not other users', async () => {
      expect((await f.call('GET', `/v3/users/${memberId}`, memberToken)).body.user.name).toBe('alice');
      const projects = await f.call('GET', `/v3/users/${memberId}/projects`, memberToken);
      expect(projects.body.projects.map((p: Body) => p.name)).toEqual(['demo']);
      const adminUser = (await f.call('GET', '/v3/users?name=admin', admin)).body.users[0];
      expect((await f.call('GET', `/v3/users/${adminUser.id}`, memberToken)).status).toBe(403);
    });

    it('manages its own EC2 credentials, visible as /v3/credentials?type=ec2, but not another user’s', async () => {
      const c = await f.call('POST', `/v3/users/${memberId}/credentials/OS-EC2`, memberToken, { tenant_id: f.demoProjectId });
      expect(c.status).toBe(201);
      const cred = c.body.credential;
      expect(cred).toMatchObject({ user_id: memberId, tenant_id: f.demoProjectId, trust_id: null });
      expect(cred.access).toMatch(/^[0-9a-f]{32}$/);
      expect(cred.links.self).toContain(`/v3/users/${memberId}/credentials/OS-EC2/${cred.access}`);
      const list = await f.call('GET', `/v3/users/${memberId}/credentials/OS-EC2`, memberToken);
      expect(list.body.credentials.map((x: Body) => x.access)).toEqual([cred.access]);
      const generic = await f.call('GET', '/v3/credentials?type=ec2', memberToken);
      expect(generic.body.credentials).toHaveLength(1);
      expect(JSON.parse(generic.body.credentials[0].blob)).toMatchObject({ access: cred.access, secret: cred.secret });
      expect(f.sys.identity.services.credentials.findEc2(cred.access)).toEqual({ userId: memberId, projectId: f.demoProjectId, secret: cred.secret });
      const adminUser = (await f.call('GET', '/v3/users?name=admin', admin)).body.users[0];
      expect((await f.call('GET', `/v3/users/${adminUser.id}/credentials/OS-EC2`, memberToken)).status).toBe(403);
      expect((await f.call('DELETE', `/v3/users/${memberId}/credentials/OS-EC2/${cred.access}`, memberToken)).status).toBe(204);
      expect(f.sys.identity.services.credentials.findEc2(cred.access)).toBeUndefined();
      expect((await f.call('GET', `/v3/users/${memberId}/credentials/OS-EC2/${cred.access}`, memberToken)).status).toBe(404);
    });
  });

  describe('ec2 credential update', () => {
    it('refuses changes to trust_id, app_cred_id, access_token_id and access_id only; access may change', async () => {
      const id = await f.userWithRole('ec2-upd', 'pw', f.demoProjectId, 'member');
      const t = await f.login('ec2-upd', 'pw', 'demo');
      const cred = (await f.call('POST', `/v3/users/${id}/credentials/OS-EC2`, t, { tenant_id: f.demoProjectId })).body.credential;
      const generic = (await f.call('GET', '/v3/credentials?type=ec2', t)).body.credentials[0];
      const blob = JSON.parse(generic.blob);
      const patch = (b: Record<string, unknown>) => f.call('PATCH', `/v3/credentials/${generic.id}`, t, { credential: { blob: JSON.stringify(b) } });
      for (const key of ['trust_id', 'app_cred_id', 'access_token_id', 'access_id']) {
        const r = await patch({ ...blob, [key]: 'something-else' });
        expect(r.status, key).toBe(400);
        expect(r.body.error.message).toBe(`${key} can not be updated for credential`);
      }
      const moved = await patch({ ...blob, access: 'renamed-access' });
      expect(moved.status).toBe(200);
      expect(JSON.parse(moved.body.credential.blob).access).toBe('renamed-access');
      expect(moved.body.credential.id).toBe(generic.id);
      // Still found by the access key its id derives from, as Keystone looks it up by sha256(access).
      expect(f.sys.identity.services.credentials.findEc2(cred.access)?.secret).toBe(cred.secret);
    });
  });

  describe('users and passwords', () => {
    it('duplicate user 409; password change revokes the old token and the new password works', async () => {
      const id = await f.userWithRole('bob', 'bob-pw-1', f.demoProjectId, 'member');
      const dup = await f.call('POST', '/v3/users', admin, { user: { name: 'bob', domain_id: 'default' } });
      expect(dup.status).toBe(409);
      expect(dup.body.error.message).toBe('Conflict occurred attempting to store user - Duplicate entry found with name bob at domain ID default.');

      const old = await f.login('bob', 'bob-pw-1', 'demo');
      expect((await f.call('GET', `/v3/users/${id}`, old)).status).toBe(200);
      const wrong = await f.call('POST', `/v3/users/${id}/password`, undefined, { user: { original_password: 'nope', password: 'bob-pw-2' } });
      expect(wrong.status).toBe(401);
      f.clock.advance(1000);
      const ok = await f.call('POST', `/v3/users/${id}/password`, undefined, { user: { original_password: 'bob-pw-1', password: 'bob-pw-2' } });
      expect(ok.status).toBe(204);
      expect((await f.call('GET', `/v3/users/${id}`, old)).status).toBe(401);
      f.clock.advance(1000);
      const fresh = await f.login('bob', 'bob-pw-2', 'demo');
      expect((await f.call('GET', `/v3/users/${id}`, fresh)).status).toBe(200);
    });

    it('disabling a user revokes its tokens and refuses its logins', async () => {
      const id = await f.userWithRole('carol', 'carol-pw', f.demoProjectId, 'member');
      const t = await f.login('carol', 'carol-pw', 'demo');
      f.clock.advance(1000);
      expect((await f.call('PATCH', `/v3/users/${id}`, admin, { user: { enabled: false } })).body.user.enabled).toBe(false);
      expect((await f.call('GET', `/v3/users/${id}`, t)).status).toBe(401);
      const r = await f.call('POST', '/v3/auth/tokens', undefined, {
        auth: { identity: { methods: ['password'], password: { user: { name: 'carol', password: 'carol-pw', domain: { id: 'default' } } } } },
      });
      expect(r.status).toBe(401);
    });

    it('delete 204 then 404', async () => {
      const u = (await f.call('POST', '/v3/users', admin, { user: { name: 'dave' } })).body.user;
      expect(u.domain_id).toBe('default');
      expect(u.password_expires_at).toBeNull();
      expect((await f.call('DELETE', `/v3/users/${u.id}`, admin)).status).toBe(204);
      expect((await f.call('GET', `/v3/users/${u.id}`, admin)).status).toBe(404);
    });
  });

  describe('roles, grants and role assignments', () => {
    it('grant, check 204, list assignments with names and effective roles, revoke revokes tokens', async () => {
      const id = await f.userWithRole('erin', 'erin-pw', f.demoProjectId, 'member');
      const member = await f.roleId('member');
      const reader = await f.roleId('reader');
      const grant = `/v3/projects/${f.demoProjectId}/users/${id}/roles/${member}`;
      expect((await f.call('HEAD', grant, admin)).status).toBe(204);
      expect((await f.call('GET', `/v3/projects/${f.demoProjectId}/users/${id}/roles/${reader}`, admin)).status).toBe(404);

      const names = await f.call('GET', `/v3/role_assignments?user.id=${id}&include_names=True`, admin);
      expect(names.body.role_assignments).toEqual([
        {
          role: { id: member, name: 'member' },
          user: { id, name: 'erin', domain: { id: 'default', name: 'Default' } },
          scope: { project: { id: f.demoProjectId, name: 'demo', domain: { id: 'default', name: 'Default' } } },
          links: { assignment: `${f.sys.config.publicUrl}/identity${grant}` },
        },
      ]);
      const eff = await f.call('GET', `/v3/role_assignments?user.id=${id}&effective`, admin);
      expect(eff.body.role_assignments.map((a: Body) => a.role.id).sort()).toEqual([member, reader].sort());

      const t = await f.login('erin', 'erin-pw', 'demo');
      f.clock.advance(1000);
      expect((await f.call('DELETE', grant, admin)).status).toBe(204);
      expect((await f.call('DELETE', grant, admin)).status).toBe(404);
      expect((await f.call('GET', `/v3/users/${id}`, t)).status).toBe(401);
    });

    it('a group grant reaches its members; membership add/check/remove', async () => {
      const u = (await f.call('POST', '/v3/users', admin, { user: { name: 'gina', password: 'gina-pw' } })).body.user;
      const g = (await f.call('POST', '/v3/groups', admin, { group: { name: 'ops' } })).body.group;
      expect((await f.call('POST', '/v3/groups', admin, { group: { name: 'ops' } })).status).toBe(409);
      expect((await f.call('PUT', `/v3/groups/${g.id}/users/${u.id}`, admin)).status).toBe(204);
      expect((await f.call('HEAD', `/v3/groups/${g.id}/users/${u.id}`, admin)).status).toBe(204);
      expect((await f.call('GET', `/v3/users/${u.id}/groups`, admin)).body.groups.map((x: Body) => x.name)).toEqual(['ops']);
      const member = await f.roleId('member');
      expect((await f.call('PUT', `/v3/projects/${f.demoProjectId}/groups/${g.id}/roles/${member}`, admin)).status).toBe(204);
      const t = await f.login('gina', 'gina-pw', 'demo');
      const eff = await f.call('GET', `/v3/role_assignments?user.id=${u.id}&effective&include_names`, admin);
      expect(eff.body.role_assignments[0].links.membership).toBe(`${f.sys.config.publicUrl}/identity/v3/groups/${g.id}/users/${u.id}`);
      expect((await f.call('GET', `/v3/groups/${g.id}/users`, admin)).body.users.map((x: Body) => x.name)).toEqual(['gina']);
      f.clock.advance(1000);
      expect((await f.call('DELETE', `/v3/groups/${g.id}/users/${u.id}`, admin)).status).toBe(204);
      expect((await f.call('HEAD', `/v3/groups/${g.id}/users/${u.id}`, admin)).status).toBe(404);
      expect((await f.call('GET', `/v3/users/${u.id}`, t)).status).toBe(401);
    });

    it('roles: duplicate 409, implied roles readable', async () => {
      const dup = await f.call('POST', '/v3/roles', admin, { role: { name: 'member' } });
      expect(dup.status).toBe(409);
      expect(dup.body.error.message).toBe('Conflict occurred attempting to store role - Duplicate entry found with name member.');
      const adminRole = await f.roleId('admin');
      const implies = await f.call('GET', `/v3/roles/${adminRole}/implies`, admin);
      expect(implies.body.role_inference.implies.map((r: Body) => r.name)).toContain('member');
      const all = await f.call('GET', '/v3/role_inferences', admin);
      expect(all.status).toBe(200);
      const created = (await f.call('POST', '/v3/roles', admin, { role: { name: 'auditor' } })).body.role;
      expect((await f.call('PUT', `/v3/roles/${created.id}/implies/${await f.roleId('reader')}`, admin)).status).toBe(201);
      expect((await f.call('PUT', `/v3/roles/${created.id}/implies/${adminRole}`, admin)).status).toBe(403);
      expect((await f.call('DELETE', `/v3/roles/${created.id}`, admin)).status).toBe(204);
    });

    it('domain-specific roles: may imply another domain\'s role, a global one may not imply them; never effective', async () => {
      const d1 = (await f.call('POST', '/v3/domains', admin, { domain: { name: 'dr-one' } })).body.domain;
      const d2 = (await f.call('POST', '/v3/domains', admin, { domain: { name: 'dr-two' } })).body.domain;
      const r1 = (await f.call('POST', '/v3/roles', admin, { role: { name: 'dr1', domain_id: d1.id } })).body.role;
      const r2 = (await f.call('POST', '/v3/roles', admin, { role: { name: 'dr2', domain_id: d2.id } })).body.role;
      expect((await f.call('PUT', `/v3/roles/${r1.id}/implies/${r2.id}`, admin)).status).toBe(201);
      const reader = await f.roleId('reader');
      expect((await f.call('PUT', `/v3/roles/${r2.id}/implies/${reader}`, admin)).status).toBe(201);
      const globalToDomain = await f.call('PUT', `/v3/roles/${reader}/implies/${r1.id}`, admin);
      expect(globalToDomain.status).toBe(403);
      expect(globalToDomain.body.error.message).toBe(`${r1.id} cannot be an implied roles.`);

      const u = (await f.call('POST', '/v3/users', admin, { user: { name: 'dr-user', password: 'dr-pw' } })).body.user;
      expect((await f.call('PUT', `/v3/projects/${f.demoProjectId}/users/${u.id}/roles/${r1.id}`, admin)).status).toBe(204);
      const direct = await f.call('GET', `/v3/role_assignments?user.id=${u.id}`, admin);
      expect(direct.body.role_assignments.map((a: Body) => a.role.id)).toEqual([r1.id]);
      const eff = await f.call('GET', `/v3/role_assignments?user.id=${u.id}&effective`, admin);
      // r1 ⇒ r2 ⇒ reader: only the global role is effective.
      expect(eff.body.role_assignments.map((a: Body) => a.role.id)).toEqual([reader]);
      const t = await f.login('dr-user', 'dr-pw', 'demo');
      expect((await f.sys.identity.tokens.validate(t)).roles.map((r) => r.name)).toEqual(['reader']);
    });

    it('system and domain grants', async () => {
      const u = (await f.call('POST', '/v3/users', admin, { user: { name: 'sys-reader', password: 'pw' } })).body.user;
      const reader = await f.roleId('reader');
      expect((await f.call('PUT', `/v3/system/users/${u.id}/roles/${reader}`, admin)).status).toBe(204);
      expect((await f.call('GET', `/v3/system/users/${u.id}/roles`, admin)).body.roles.map((r: Body) => r.name)).toEqual(['reader']);
      expect((await f.call('PUT', `/v3/domains/default/users/${u.id}/roles/${reader}`, admin)).status).toBe(204);
      const sys = await f.call('GET', `/v3/role_assignments?scope.system=all&user.id=${u.id}`, admin);
      expect(sys.body.role_assignments[0].scope).toEqual({ system: { all: true } });
    });
  });

  describe('application credentials', () => {
    it('create shows the secret once, restricted roles, authenticates, list/show/delete', async () => {
      const id = await f.userWithRole('hank', 'hank-pw', f.demoProjectId, 'member');
      const t = await f.login('hank', 'hank-pw', 'demo');
      const base = `/v3/users/${id}/application_credentials`;
      const adminRole = await f.roleId('admin');
      const bad = await f.call('POST', base, t, { application_credential: { name: 'x', roles: [{ id: adminRole }] } });
      expect(bad.status).toBe(400);
      const c = await f.call('POST', base, t, { application_credential: { name: 'ci', roles: [{ name: 'reader' }] } });
      expect(c.status).toBe(201);
      const ac = c.body.application_credential;
      expect(ac.secret).toBeTruthy();
      expect(ac.roles.map((r: Body) => r.name)).toEqual(['reader']);
      expect(ac.project_id).toBe(f.demoProjectId);
      expect((await f.call('POST', base, t, { application_credential: { name: 'ci' } })).status).toBe(409);
      const shown = await f.call('GET', `${base}/${ac.id}`, t);
      expect(shown.body.application_credential.secret).toBeUndefined();
      const auth = await f.call('POST', '/v3/auth/tokens', undefined, {
        auth: { identity: { methods: ['application_credential'], application_credential: { id: ac.id, secret: ac.secret } } },
      });
      expect(auth.status).toBe(201);
      const past = await f.call('POST', base, t, { application_credential: { name: 'old', expires_at: '2000-01-01T00:00:00' } });
      expect(past.status).toBe(400);
      expect((await f.call('GET', base, t)).body.application_credentials.map((x: Body) => x.name)).toEqual(['ci']);
      expect((await f.call('DELETE', `${base}/${ac.id}`, t)).status).toBe(204);
      expect((await f.call('GET', `${base}/${ac.id}`, t)).status).toBe(404);
    });
  });

  describe('application credential expiry', () => {
    it('expires_at keeps its microseconds and is echoed without a zone, as Keystone does', async () => {
      const id = await f.userWithRole('ivy', 'ivy-pw', f.demoProjectId, 'member');
      const t = await f.login('ivy', 'ivy-pw', 'demo');
      const base = `/v3/users/${id}/application_credentials`;
      const c = await f.call('POST', base, t, { application_credential: { name: 'micro', expires_at: '2099-12-02T13:33:25.714775' } });
      expect(c.status).toBe(201);
      expect(c.body.application_credential.expires_at).toBe('2099-12-02T13:33:25.714775');
      const shown = await f.call('GET', `${base}/${c.body.application_credential.id}`, t);
      expect(shown.body.application_credential.expires_at).toBe('2099-12-02T13:33:25.714775');
      const z = await f.call('POST', base, t, { application_credential: { name: 'zulu', expires_at: '2099-12-02T13:33:25.5Z' } });
      expect(z.body.application_credential.expires_at).toBe('2099-12-02T13:33:25.500000');
      const whole = await f.call('POST', base, t, { application_credential: { name: 'whole', expires_at: '2099-12-02T13:33:25' } });
      expect(whole.body.application_credential.expires_at).toBe('2099-12-02T13:33:25');
      const listed = (await f.call('GET', base, t)).body.application_credentials.map((x: Body) => x.expires_at);
      expect(listed.sort()).toEqual(['2099-12-02T13:33:25', '2099-12-02T13:33:25.500000', '2099-12-02T13:33:25.714775']);
      expect((await f.call('POST', base, t, { application_credential: { name: 'bad', expires_at: 'tomorrow' } })).status).toBe(400);
    });
  });

  describe('domains', () => {
    it('create 201, duplicate 409, delete only when disabled', async () => {
      const d = (await f.call('POST', '/v3/domains', admin, { domain: { name: 'acme' } })).body.domain;
      expect((await f.call('POST', '/v3/domains', admin, { domain: { name: 'acme' } })).status).toBe(409);
      expect((await f.call('GET', '/v3/domains?name=Default', admin)).body.domains[0].id).toBe('default');
      expect((await f.call('DELETE', `/v3/domains/${d.id}`, admin)).status).toBe(403);
      expect((await f.call('PATCH', `/v3/domains/${d.id}`, admin, { domain: { enabled: false } })).status).toBe(200);
      expect((await f.call('DELETE', `/v3/domains/${d.id}`, admin)).status).toBe(204);
    });
  });
});
