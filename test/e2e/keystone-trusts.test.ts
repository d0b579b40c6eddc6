// OS-TRUST: trusts, trust-scoped tokens (impersonation, remaining uses, revocation on delete) and redelegation limits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keystoneFixture, type Body, type KeystoneFixture } from './keystone-fixture.js';

let f: KeystoneFixture;
let adminId: string;
let trusteeId: string;
let thirdId: string;
let readerRole: string;
let memberRole: string;

/** Password auth of `name` scoped to the trust; the raw answer. */
const trustToken = (name: string, password: string, trustId: string) =>
  f.call('POST', '/v3/auth/tokens', undefined, {
    auth: { identity: { methods: ['password'], password: { user: { name, password, domain: { id: 'default' } } } }, scope: { 'OS-TRUST:trust': { id: trustId } } },
  });

const createTrust = (token: string, trust: Body) => f.call('POST', '/v3/OS-TRUST/trusts', token, { trust });

beforeAll(async () => {
  f = await keystoneFixture();
  adminId = (await f.call('GET', '/v3/users?name=admin', f.adminToken)).body.users[0].id;
  for (const name of ['trustee', 'third']) expect((await f.call('POST', '/v3/users', f.adminToken, { user: { name, password: `${name}-secret`, domain_id: 'default' } })).status).toBe(201);
  const users = (await f.call('GET', '/v3/users', f.adminToken)).body.users as Body[];
  trusteeId = users.find((u) => u.name === 'trustee')!.id;
  thirdId = users.find((u) => u.name === 'third')!.id;
  readerRole = await f.roleId('reader');
  memberRole = await f.roleId('member');
});
afterAll(async () => {
  await f.sys.dispose();
});

describe('trusts', () => {
  it('the trustor delegates a role; the trustee gets a trust-scoped token carrying only that role; show, list and roles', async () => {
    const created = await createTrust(f.adminToken, { trustor_user_id: adminId, trustee_user_id: trusteeId, project_id: f.adminProjectId, impersonation: false, roles: [{ name: 'reader' }] });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const t = created.body.trust;
    expect(t).toMatchObject({ trustor_user_id: adminId, trustee_user_id: trusteeId, project_id: f.adminProjectId, impersonation: false, remaining_uses: null, expires_at: null });
    expect(t.roles.map((r: Body) => r.id)).toEqual([readerRole]);

    const issued = await trustToken('trustee', 'trustee-secret', t.id);
    expect(issued.status, JSON.stringify(issued.body)).toBe(201);
    const tok = issued.body.token;
    expect(tok.user.id).toBe(trusteeId);
    expect(tok.project.id).toBe(f.adminProjectId);
    expect(tok.roles.map((r: Body) => r.name)).toEqual(['reader']);
    expect(tok['OS-TRUST:trust']).toEqual({ id: t.id, impersonation: false, trustee_user: { id: trusteeId }, trustor_user: { id: adminId } });
    const id = issued.headers.get('x-subject-token')!;
    // The token works as the trustee with the delegated role: it may read the project, not write.
    expect((await f.call('GET', `/v3/projects/${f.adminProjectId}`, id)).status).toBe(200);
    const validated = await f.sys.request('/identity/v3/auth/tokens', { headers: { 'x-auth-token': f.adminToken, 'x-subject-token': id } });
    expect(((await validated.json()) as Body).token['OS-TRUST:trust'].id).toBe(t.id);

    const trusteeToken = await f.login('trustee', 'trustee-secret');
    expect((await f.call('GET', `/v3/OS-TRUST/trusts/${t.id}`, trusteeToken)).status).toBe(200);
    expect((await f.call('GET', `/v3/OS-TRUST/trusts?trustee_user_id=${trusteeId}`, trusteeToken)).body.trusts.map((x: Body) => x.id)).toContain(t.id);
    expect((await f.call('GET', '/v3/OS-TRUST/trusts', trusteeToken)).status).toBe(403);
    expect((await f.call('GET', `/v3/OS-TRUST/trusts/${t.id}/roles`, trusteeToken)).body.roles.map((r: Body) => r.id)).toEqual([readerRole]);
    expect((await f.call('GET', `/v3/OS-TRUST/trusts/${t.id}/roles/${readerRole}`, trusteeToken)).status).toBe(200);
    expect((await f.call('HEAD', `/v3/OS-TRUST/trusts/${t.id}/roles/${memberRole}`, trusteeToken)).status).toBe(404);

    // Deleting the trust revokes its tokens at once; only the trustor (or an admin) deletes.
    expect((await f.call('DELETE', `/v3/OS-TRUST/trusts/${t.id}`, trusteeToken)).status).toBe(403);
    expect((await f.call('DELETE', `/v3/OS-TRUST/trusts/${t.id}`, f.adminToken)).status).toBe(204);
    expect((await f.call('GET', `/v3/projects/${f.adminProjectId}`, id)).status).toBe(401);
    expect((await f.call('GET', `/v3/OS-TRUST/trusts/${t.id}`, f.adminToken)).status).toBe(404);
    expect((await trustToken('trustee', 'trustee-secret', t.id)).status).toBe(404);
  });

  it('impersonation: the token is the trustor\'s; remaining_uses counts issues; a trust token is not rescoped', async () => {
    const t = (await createTrust(f.adminToken, { trustor_user_id: adminId, trustee_user_id: trusteeId, project_id: f.adminProjectId, impersonation: true, roles: [{ id: memberRole }], remaining_uses: 1 })).body.trust;
    const issued = await trustToken('trustee', 'trustee-secret', t.id);
    expect(issued.status).toBe(201);
    expect(issued.body.token.user.id).toBe(adminId);
    expect(issued.body.token['OS-TRUST:trust'].impersonation).toBe(true);
    expect((await trustToken('trustee', 'trustee-secret', t.id)).status).toBe(403);
    const rescope = await f.call('POST', '/v3/auth/tokens', undefined, {
      auth: { identity: { methods: ['token'], token: { id: issued.headers.get('x-subject-token') } }, scope: { project: { id: f.adminProjectId } } },
    });
    expect(rescope.status).toBe(403);
  });

  it('refusals: only the trustor creates, with roles it holds; only the trustee uses it; expired trusts are gone', async () => {
    const trusteeToken = await f.login('trustee', 'trustee-secret');
    expect((await createTrust(trusteeToken, { trustor_user_id: adminId, trustee_user_id: trusteeId, project_id: f.adminProjectId, impersonation: false, roles: [{ name: 'reader' }] })).status).toBe(403);
    const demoMember = await f.userWithRole('demo-trustor', 'demo-secret', f.demoProjectId, 'reader');
    const demoToken = await f.login('demo-trustor', 'demo-secret', 'demo');
    expect((await createTrust(demoToken, { trustor_user_id: demoMember, trustee_user_id: trusteeId, project_id: f.demoProjectId, impersonation: false, roles: [{ name: 'admin' }] })).status).toBe(403);
    expect((await createTrust(f.adminToken, { trustor_user_id: adminId, trustee_user_id: trusteeId, project_id: f.adminProjectId, roles: [{ name: 'reader' }] })).status).toBe(400);
    expect((await createTrust(f.adminToken, { trustor_user_id: adminId, trustee_user_id: trusteeId, project_id: f.adminProjectId, impersonation: false, roles: [{ name: 'no-such-role' }] })).status).toBe(404);
    const t = (await createTrust(f.adminToken, { trustor_user_id: adminId, trustee_user_id: trusteeId, project_id: f.adminProjectId, impersonation: false, roles: [{ name: 'reader' }], expires_at: new Date(f.clock.now() + 60_000).toISOString() })).body.trust;
    expect((await trustToken('third', 'third-secret', t.id)).status).toBe(403);
    const ok = await trustToken('trustee', 'trustee-secret', t.id);
    expect(ok.status).toBe(201);
    expect(Date.parse(ok.body.token.expires_at)).toBeLessThanOrEqual(f.clock.now() + 60_000);
    f.clock.advance(61_000);
    expect((await trustToken('trustee', 'trustee-secret', t.id)).status).toBe(404);
    expect((await f.call('GET', `/v3/projects/${f.adminProjectId}`, ok.headers.get('x-subject-token')!)).status).toBe(401);
  });

  it('redelegation: the trustee redelegates within the limits; the chain ends at redelegation_count; deleting the root takes the chain', async () => {
    const root = (await createTrust(f.adminToken, { trustor_user_id: adminId, trustee_user_id: trusteeId, project_id: f.adminProjectId, impersonation: false, roles: [{ name: 'member' }, { name: 'reader' }], allow_redelegation: true, redelegation_count: 1 })).body.trust;
    expect(root).toMatchObject({ allow_redelegation: true, redelegation_count: 1 });
    const viaRoot = (await trustToken('trustee', 'trustee-secret', root.id)).headers.get('x-subject-token')!;
    // Wider than the parent: an extra role, another project, impersonation.
    expect((await createTrust(viaRoot, { trustor_user_id: trusteeId, trustee_user_id: thirdId, project_id: f.adminProjectId, impersonation: false, roles: [{ name: 'admin' }] })).status).toBe(403);
    expect((await createTrust(viaRoot, { trustor_user_id: trusteeId, trustee_user_id: thirdId, project_id: f.adminProjectId, impersonation: true, roles: [{ name: 'reader' }] })).status).toBe(403);
    expect((await createTrust(viaRoot, { trustor_user_id: trusteeId, trustee_user_id: thirdId, project_id: f.adminProjectId, impersonation: false, roles: [{ name: 'reader' }], allow_redelegation: true, redelegation_count: 1 })).status).toBe(403);
    const child = await createTrust(viaRoot, { trustor_user_id: trusteeId, trustee_user_id: thirdId, project_id: f.adminProjectId, impersonation: false, roles: [{ name: 'reader' }], allow_redelegation: true });
    expect(child.status, JSON.stringify(child.body)).toBe(201);
    expect(child.body.trust).toMatchObject({ redelegated_trust_id: root.id, redelegation_count: 0, allow_redelegation: false });
    const viaChild = await trustToken('third', 'third-secret', child.body.trust.id);
    expect(viaChild.status).toBe(201);
    expect(viaChild.body.token.roles.map((r: Body) => r.name)).toEqual(['reader']);
    // The end of the chain: no further redelegation.
    expect((await createTrust(viaChild.headers.get('x-subject-token')!, { trustor_user_id: thirdId, trustee_user_id: adminId, project_id: f.adminProjectId, impersonation: false, roles: [{ name: 'reader' }] })).status).toBe(403);
    expect((await f.call('DELETE', `/v3/OS-TRUST/trusts/${root.id}`, f.adminToken)).status).toBe(204);
    expect((await f.call('GET', `/v3/OS-TRUST/trusts/${child.body.trust.id}`, f.adminToken)).status).toBe(404);
    expect((await f.call('GET', `/v3/projects/${f.adminProjectId}`, viaChild.headers.get('x-subject-token')!)).status).toBe(401);
  });

  it('OAuth1 consumers, policies and domain configuration answer 501', async () => {
    for (const path of ['/v3/OS-OAUTH1/consumers', '/v3/policies', '/v3/domains/default/config']) {
      const r = await f.call('GET', path, f.adminToken);
      expect(r.status, path).toBe(501);
      expect(r.body.error.code).toBe(501);
    }
  });
});
