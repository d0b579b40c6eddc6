// Swift v1 e2e: container ACLs with anonymous access, and TempURLs (keys, digests, expiry, prefix, tampering).
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signTempUrl } from '../../compat/openstack/swift/tempurl.js';
import { swiftFixture, type SwiftFixture } from './swift-fixture.js';

let f: SwiftFixture;
beforeAll(async () => {
  f = await swiftFixture();
});
afterAll(async () => {
  await f.dispose();
});

describe('container ACLs', () => {
  beforeAll(async () => {
    await f.req('PUT', f.url('/pub'), { headers: { 'X-Container-Read': '.r:*' } });
    await f.req('PUT', f.url('/pub/o'), { body: 'public bytes' });
    await f.req('PUT', f.url('/publist'), { headers: { 'X-Container-Read': '.r:*,.rlistings' } });
    await f.req('PUT', f.url('/publist/o'), { body: 'listed' });
  });

  it('.r:* allows anonymous object reads but not listings or writes', async () => {
    const get = await f.req('GET', f.url('/pub/o'), { token: null });
    expect(get.status).toBe(200);
    expect(await get.text()).toBe('public bytes');
    expect((await f.req('HEAD', f.url('/pub/o'), { token: null })).status).toBe(200);
    expect((await f.req('GET', f.url('/pub'), { token: null })).status).toBe(401);
    expect((await f.req('PUT', f.url('/pub/x'), { token: null, body: 'x' })).status).toBe(401);
    expect((await f.req('DELETE', f.url('/pub/o'), { token: null })).status).toBe(401);
    expect((await f.req('GET', f.url('/pub/missing'), { token: null })).status).toBe(404);
  });

  it('.rlistings allows anonymous listings; ACLs are shown to the owner only', async () => {
    const list = await f.req('GET', f.url('/publist'), { token: null });
    expect(list.status).toBe(200);
    expect(await list.text()).toBe('o\n');
    expect(list.headers.get('x-container-read')).toBeNull();
    const owner = await f.req('HEAD', f.url('/publist'));
    expect(owner.headers.get('x-container-read')).toBe('.r:*,.rlistings');
  });

  it('X-Container-Read/Write grant another project, and removal takes it back', async () => {
    await f.req('PUT', f.url('/shared'), {
      headers: { 'X-Container-Read': `${f.other.projectId}:*`, 'X-Container-Write': `${f.other.projectId}:${f.other.userId}` },
    });
    await f.req('PUT', f.url('/shared/o'), { body: 'shared' });
    const o = f.other.token;
    expect((await f.req('GET', f.url('/shared/o'), { token: o })).status).toBe(200);
    expect((await f.req('GET', f.url('/shared'), { token: o })).status).toBe(200);
    expect((await f.req('PUT', f.url('/shared/from-other'), { token: o, body: 'hi' })).status).toBe(201);
    expect((await f.req('DELETE', f.url('/shared/from-other'), { token: o })).status).toBe(204);
    expect((await f.req('POST', f.url('/shared'), { headers: { 'X-Remove-Container-Read': 'x', 'X-Remove-Container-Write': 'x' } })).status).toBe(204);
    expect((await f.req('GET', f.url('/shared/o'), { token: o })).status).toBe(403);
    expect((await f.req('PUT', f.url('/shared/again'), { token: o, body: 'hi' })).status).toBe(403);
  });

  it('names in ACLs match default-domain identities only; a same-named user and project of another domain match ids only', async () => {
    const boot = f.sys.firstStart.bootstrap;
    const adminCtx = { requestId: 'acl-domains', auth: (await f.sys.identity.tokens.validate(f.other.token)).context };
    const ids = f.sys.identity.services;
    // An attacker-made domain holding a project and a user with the admin's names.
    const evil = ids.domains.create(adminCtx, { name: 'evil-corp' });
    const project = ids.projects.create(adminCtx, { name: boot.admin.projectName, domainId: evil.id });
    const user = await ids.users.create(adminCtx, { name: boot.admin.userName, domainId: evil.id, password: 'evil-secret' });
    const member = ids.roles.list(adminCtx, { name: 'member' })[0]!;
    ids.assignments.grant(adminCtx, { actor: { userId: user.id }, target: { projectId: project.id }, roleId: member.id });
    const login = await f.sys.request('/identity/v3/auth/tokens', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: { methods: ['password'], password: { user: { name: boot.admin.userName, domain: { id: evil.id }, password: 'evil-secret' } } },
          scope: { project: { name: boot.admin.projectName, domain: { id: evil.id } } },
        },
      }),
    });
    expect(login.status).toBe(201);
    const attacker = login.headers.get('x-subject-token')!;

    const byName = `${boot.admin.projectName}:${boot.admin.userName}`;
    await f.req('PUT', f.url('/named'), { headers: { 'X-Container-Read': byName, 'X-Container-Write': byName } });
    await f.req('PUT', f.url('/named/o'), { body: 'for the default-domain admin' });
    expect((await f.req('GET', f.url('/named/o'), { token: attacker })).status).toBe(403);
    expect((await f.req('GET', f.url('/named'), { token: attacker })).status).toBe(403);
    expect((await f.req('PUT', f.url('/named/planted'), { token: attacker, body: 'x' })).status).toBe(403);
    expect((await f.req('GET', f.url('/named/planted'))).status).toBe(404);
    // The default-domain identity the names were written for still gets in.
    expect(await (await f.req('GET', f.url('/named/o'), { token: f.other.token })).text()).toBe('for the default-domain admin');
    expect((await f.req('GET', f.url('/named'), { token: f.other.token })).status).toBe(200);
    expect((await f.req('PUT', f.url('/named/from-admin'), { token: f.other.token, body: 'x' })).status).toBe(201);
    // `*:name` is a name too; ids match whatever the domain.
    await f.req('POST', f.url('/named'), { headers: { 'X-Container-Read': `*:${boot.admin.userName}` } });
    expect((await f.req('GET', f.url('/named/o'), { token: attacker })).status).toBe(403);
    await f.req('POST', f.url('/named'), { headers: { 'X-Container-Read': `${project.id}:${user.id}` } });
    expect((await f.req('GET', f.url('/named/o'), { token: attacker })).status).toBe(200);
  });

  it("names in ACLs of an account outside the default domain match nothing: the account's project must be in the default domain too", async () => {
    const boot = f.sys.firstStart.bootstrap;
    const adminCtx = { requestId: 'acl-account-domain', auth: (await f.sys.identity.tokens.validate(f.other.token)).context };
    const ids = f.sys.identity.services;
    const dom = ids.domains.create(adminCtx, { name: 'tenant-domain' });
    const project = ids.projects.create(adminCtx, { name: 'tenant-project', domainId: dom.id });
    const user = await ids.users.create(adminCtx, { name: 'tenant-user', domainId: dom.id, password: 'tenant-secret' });
    const member = ids.roles.list(adminCtx, { name: 'member' })[0]!;
    ids.assignments.grant(adminCtx, { actor: { userId: user.id }, target: { projectId: project.id }, roleId: member.id });
    const login = await f.sys.request('/identity/v3/auth/tokens', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: { methods: ['password'], password: { user: { name: 'tenant-user', domain: { id: dom.id }, password: 'tenant-secret' } } },
          scope: { project: { id: project.id } },
        },
      }),
    });
    expect(login.status).toBe(201);
    const tenant = login.headers.get('x-subject-token')!;
    // The account of the other domain names "admin:admin": within its domain those names mean its own identities.
    const byName = `${boot.admin.projectName}:${boot.admin.userName}`;
    expect((await f.req('PUT', f.url('/by-name', project.id), { token: tenant, headers: { 'X-Container-Read': byName, 'X-Container-Write': byName } })).status).toBe(201);
    expect((await f.req('PUT', f.url('/by-name/o', project.id), { token: tenant, body: 'tenant bytes' })).status).toBe(201);
    expect((await f.req('GET', f.url('/by-name/o', project.id), { token: f.other.token })).status).toBe(403);
    expect((await f.req('GET', f.url('/by-name', project.id), { token: f.other.token })).status).toBe(403);
    expect((await f.req('PUT', f.url('/by-name/planted', project.id), { token: f.other.token, body: 'x' })).status).toBe(403);
    // Ids still match across domains.
    await f.req('POST', f.url('/by-name', project.id), { token: tenant, headers: { 'X-Container-Read': `${f.other.projectId}:${f.other.userId}` } });
    expect(await (await f.req('GET', f.url('/by-name/o', project.id), { token: f.other.token })).text()).toBe('tenant bytes');
  });

  it("a bare role in an ACL counts only for tokens scoped to the account's own project", async () => {
    const boot = f.sys.firstStart.bootstrap;
    const adminCtx = { requestId: 'acl-roles', auth: (await f.sys.identity.tokens.validate(f.other.token)).context };
    const ids = f.sys.identity.services;
    await f.req('PUT', f.url('/by-role'), { headers: { 'X-Container-Read': 'member', 'X-Container-Write': 'member' } });
    await f.req('PUT', f.url('/by-role/o'), { body: 'members only' });
    // The other project's admin holds `member` on *its* project: that is not a role on this account.
    expect((await f.req('GET', f.url('/by-role/o'), { token: f.other.token })).status).toBe(403);
    expect((await f.req('GET', f.url('/by-role'), { token: f.other.token })).status).toBe(403);
    expect((await f.req('PUT', f.url('/by-role/planted'), { token: f.other.token, body: 'x' })).status).toBe(403);
    expect((await f.req('GET', f.url('/by-role/planted'))).status).toBe(404);
    // A role that gives no standing by itself, held on the account's project, is honoured (case-insensitively).
    const observer = ids.roles.create(adminCtx, { name: 'observer' });
    const user = await ids.users.create(adminCtx, { name: 'swift-observer', domainId: 'default', password: 'observer-secret' });
    ids.assignments.grant(adminCtx, { actor: { userId: user.id }, target: { projectId: f.owner.projectId }, roleId: observer.id });
    const login = await f.sys.request('/identity/v3/auth/tokens', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: { methods: ['password'], password: { user: { name: 'swift-observer', domain: { id: 'default' }, password: 'observer-secret' } } },
          scope: { project: { name: boot.demo.projectName, domain: { id: 'default' } } },
        },
      }),
    });
    expect(login.status).toBe(201);
    const obs = login.headers.get('x-subject-token')!;
    expect((await f.req('GET', f.url('/by-role/o'), { token: obs })).status).toBe(403);
    await f.req('POST', f.url('/by-role'), { headers: { 'X-Container-Read': 'Observer' } });
    expect(await (await f.req('GET', f.url('/by-role/o'), { token: obs })).text()).toBe('members only');
    expect((await f.req('GET', f.url('/by-role'), { token: obs })).status).toBe(200);
  });

  it('a caller with no access learns nothing of which containers and objects exist: the same answer for existing and missing', async () => {
    await f.req('PUT', f.url('/secret-names'));
    await f.req('PUT', f.url('/secret-names/o'), { body: 'x' });
    const probes: Array<[string, string, string]> = [
      ['GET', '/secret-names', '/no-such-container'],
      ['HEAD', '/secret-names', '/no-such-container'],
      ['POST', '/secret-names', '/no-such-container'],
      ['DELETE', '/secret-names', '/no-such-container'],
      ['GET', '/secret-names/o', '/secret-names/no-such-object'],
      ['GET', '/secret-names/o', '/no-such-container/o'],
      ['HEAD', '/secret-names/o', '/no-such-container/o'],
      ['DELETE', '/secret-names/o', '/no-such-container/o'],
      ['POST', '/secret-names/o', '/no-such-container/o'],
    ];
    for (const token of [f.other.token, null]) {
      for (const [method, existing, missing] of probes) {
        const a = await f.req(method, f.url(existing), { token });
        const b = await f.req(method, f.url(missing), { token });
        expect(a.status, `${method} ${existing}`).toBe(token ? 403 : 401);
        expect([b.status, await b.text()], `${method} ${missing}`).toEqual([a.status, await a.text()]);
      }
    }
  });

  it('a DLO reads its segments as the caller: container ACLs do not open other containers through a manifest', async () => {
    await f.req('PUT', f.url('/private-segs'));
    await f.req('PUT', f.url('/private-segs/part/1'), { body: 'secret bytes' });
    await f.req('PUT', f.url('/rw-shared'), {
      headers: { 'X-Container-Read': `${f.other.projectId}:*`, 'X-Container-Write': `${f.other.projectId}:*` },
    });
    const o = f.other.token;
    expect((await f.req('GET', f.url('/private-segs/part/1'), { token: o })).status).toBe(403);
    // The grantee may write a manifest naming the private container (Swift resolves it lazily)...
    expect((await f.req('PUT', f.url('/rw-shared/peek'), { token: o, body: '', headers: { 'X-Object-Manifest': 'private-segs/part/' } })).status).toBe(201);
    // ...but reading or copying it is refused, as Swift's listing subrequest as that user would be.
    expect((await f.req('GET', f.url('/rw-shared/peek'), { token: o })).status).toBe(403);
    expect((await f.req('HEAD', f.url('/rw-shared/peek'), { token: o })).status).toBe(403);
    expect((await f.req('COPY', f.url('/rw-shared/peek'), { token: o, headers: { Destination: 'rw-shared/frozen' } })).status).toBe(403);
    expect((await f.req('HEAD', f.url('/rw-shared/frozen'), { token: o })).status).toBe(404);
    // The owner reads it, and so does the grantee once the segments' container lists for them.
    expect(await (await f.req('GET', f.url('/rw-shared/peek'))).text()).toBe('secret bytes');
    await f.req('POST', f.url('/private-segs'), { headers: { 'X-Container-Read': `${f.other.projectId}:*` } });
    expect(await (await f.req('GET', f.url('/rw-shared/peek'), { token: o })).text()).toBe('secret bytes');

    // Anonymous readers of a .r:* container: a manifest over a private container is 401, over a listable one fine.
    await f.req('PUT', f.url('/pub/dlo-private'), { body: '', headers: { 'X-Object-Manifest': 'private-segs/part/' } });
    expect((await f.req('GET', f.url('/pub/dlo-private'), { token: null })).status).toBe(401);
    await f.req('PUT', f.url('/pub/dlo-listed'), { body: '', headers: { 'X-Object-Manifest': 'publist/o' } });
    expect(await (await f.req('GET', f.url('/pub/dlo-listed'), { token: null })).text()).toBe('listed');
  });

  it('an SLO reads its segments as the caller: a public manifest over a private segment container is refused', async () => {
    await f.req('PUT', f.url('/slo-private-segs'));
    await f.req('PUT', f.url('/slo-private-segs/s1'), { body: 'hidden ' });
    await f.req('PUT', f.url('/slo-private-segs/s2'), { body: 'segments' });
    const manifest = JSON.stringify([{ path: '/slo-private-segs/s1' }, { path: '/slo-private-segs/s2' }]);
    expect((await f.req('PUT', f.url('/pub/slo?multipart-manifest=put'), { body: manifest })).status).toBe(201);
    expect(await (await f.req('GET', f.url('/pub/slo'))).text()).toBe('hidden segments');
    // HEAD serves the manifest's own metadata (Swift fetches no segment for it); GET and COPY need the segments.
    expect((await f.req('HEAD', f.url('/pub/slo'), { token: null })).status).toBe(200);
    expect((await f.req('GET', f.url('/pub/slo'), { token: null })).status).toBe(401);
    expect((await f.req('GET', f.url('/pub/slo'), { token: f.other.token })).status).toBe(403);
    await f.req('POST', f.url('/slo-private-segs'), { headers: { 'X-Container-Read': '.r:*' } });
    expect(await (await f.req('GET', f.url('/pub/slo'), { token: null })).text()).toBe('hidden segments');
  });

  it('refuses malformed ACLs with 400, and lets only owners change them', async () => {
    expect((await f.req('POST', f.url('/pub'), { headers: { 'X-Container-Write': '.r:*' } })).status).toBe(400);
    expect((await f.req('POST', f.url('/pub'), { headers: { 'X-Container-Read': '.bogus' } })).status).toBe(400);
    expect((await f.req('POST', f.url('/pub'), { token: f.other.token, headers: { 'X-Container-Read': '.r:*' } })).status).toBe(403);
  });
});

describe('TempURL', () => {
  const key = 'account-secret-key';
  const ckey = 'container-secret-key';
  const future = () => Math.floor(Date.now() / 1000) + 600;
  let objPath = '';

  beforeAll(async () => {
    expect((await f.req('POST', f.url(), { headers: { 'X-Account-Meta-Temp-URL-Key': key } })).status).toBe(204);
    await f.req('PUT', f.url('/tmp-c'), { headers: { 'X-Container-Meta-Temp-URL-Key': ckey } });
    await f.req('PUT', f.url('/tmp-c/dir/file.txt'), { body: 'temp bytes', headers: { 'X-Object-Meta-Public-Tag': 'shown', 'X-Object-Meta-Private': 'hidden' } });
    objPath = `/v1/AUTH_${f.owner.projectId}/tmp-c/dir/file.txt`;
  });

  const tmp = (path: string, q: string, method = 'GET', init: { body?: string } = {}) =>
    f.req(method, `/object${path}?${q}`, { token: null, ...(init.body !== undefined ? { body: init.body } : {}) });

  it('a sha256 GET signature downloads with an attachment disposition and only public metadata', async () => {
    const exp = future();
    const sig = signTempUrl(key, 'GET', exp, objPath, 'sha256');
    const res = await tmp(objPath, `temp_url_sig=${sig}&temp_url_expires=${exp}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('temp bytes');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="file.txt"; filename*=UTF-8''file.txt`);
    expect(res.headers.get('x-object-meta-public-tag')).toBe('shown');
    expect(res.headers.get('x-object-meta-private')).toBeNull();
    const inline = await tmp(objPath, `temp_url_sig=${sig}&temp_url_expires=${exp}&inline`);
    expect(inline.headers.get('content-disposition')).toBe('inline');
    const named = await tmp(objPath, `temp_url_sig=${sig}&temp_url_expires=${exp}&filename=report.txt`);
    expect(named.headers.get('content-disposition')).toContain('filename="report.txt"');
    expect((await tmp(objPath, `temp_url_sig=${sig}&temp_url_expires=${exp}`, 'HEAD')).status).toBe(200);
  });

  it('accepts sha1 hex, sha512 base64, the container key and ISO expiry', async () => {
    const exp = future();
    expect((await tmp(objPath, `temp_url_sig=${signTempUrl(key, 'GET', exp, objPath, 'sha1')}&temp_url_expires=${exp}`)).status).toBe(200);
    const b64 = createHmac('sha512', key).update(`GET\n${exp}\n${objPath}`).digest('base64url');
    expect((await tmp(objPath, `temp_url_sig=sha512:${b64}&temp_url_expires=${exp}`)).status).toBe(200);
    expect((await tmp(objPath, `temp_url_sig=${signTempUrl(ckey, 'GET', exp, objPath)}&temp_url_expires=${exp}`)).status).toBe(200);
    const iso = new Date(exp * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    expect((await tmp(objPath, `temp_url_sig=${signTempUrl(key, 'GET', exp, objPath)}&temp_url_expires=${iso}`)).status).toBe(200);
  });

  it('refuses expired, tampered, wrong-method and wrong-object signatures with 401', async () => {
    const past = Math.floor(Date.now() / 1000) - 10;
    const expired = await tmp(objPath, `temp_url_sig=${signTempUrl(key, 'GET', past, objPath)}&temp_url_expires=${past}`);
    expect(expired.status).toBe(401);
    expect(await expired.text()).toContain('Temp URL invalid');
    const exp = future();
    const sig = signTempUrl(key, 'GET', exp, objPath);
    const tampered = sig.slice(0, -1) + (sig.endsWith('0') ? '1' : '0');
    expect((await tmp(objPath, `temp_url_sig=${tampered}&temp_url_expires=${exp}`)).status).toBe(401);
    expect((await tmp(objPath, `temp_url_sig=${sig}&temp_url_expires=${exp + 1}`)).status).toBe(401);
    expect((await tmp(objPath, `temp_url_sig=${sig}&temp_url_expires=${exp}`, 'DELETE')).status).toBe(401);
    const other = `/v1/AUTH_${f.owner.projectId}/tmp-c/dir/other.txt`;
    expect((await tmp(other, `temp_url_sig=${sig}&temp_url_expires=${exp}`)).status).toBe(401);
    expect((await tmp(objPath, `temp_url_sig=${sig}`)).status).toBe(401);
    expect((await f.req('HEAD', f.url('/tmp-c/dir/file.txt'))).status).toBe(200);
  });

  it('PUT with a PUT signature creates the object; prefix signatures cover their prefix only', async () => {
    const exp = future();
    const putPath = `/v1/AUTH_${f.owner.projectId}/tmp-c/uploaded.bin`;
    const put = await tmp(putPath, `temp_url_sig=${signTempUrl(key, 'PUT', exp, putPath)}&temp_url_expires=${exp}`, 'PUT', { body: 'via tempurl' });
    expect(put.status).toBe(201);
    expect(await (await f.req('GET', f.url('/tmp-c/uploaded.bin'))).text()).toBe('via tempurl');
    const prefixSig = signTempUrl(key, 'GET', exp, `/v1/AUTH_${f.owner.projectId}/tmp-c/dir/`, 'sha256', true);
    expect((await tmp(objPath, `temp_url_sig=${prefixSig}&temp_url_expires=${exp}&temp_url_prefix=dir/`)).status).toBe(200);
    expect((await tmp(putPath, `temp_url_sig=${prefixSig}&temp_url_expires=${exp}&temp_url_prefix=dir/`)).status).toBe(401);
  });

  it('a prefix signature over the mounted storage path, with swiftclient\'s `<container>/<prefix>`, covers that prefix', async () => {
    const exp = future();
    // What `swift tempurl --prefix-based GET … <storage URL>/tmp-c/dir/ key` produces.
    const mounted = `/object/v1/AUTH_${f.owner.projectId}/tmp-c/dir/`;
    const sig = signTempUrl(key, 'GET', exp, mounted, 'sha256', true);
    expect((await tmp(objPath, `temp_url_sig=${sig}&temp_url_expires=${exp}&temp_url_prefix=tmp-c/dir/`)).status).toBe(200);
    const outside = `/v1/AUTH_${f.owner.projectId}/tmp-c/uploaded.bin`;
    expect((await tmp(outside, `temp_url_sig=${sig}&temp_url_expires=${exp}&temp_url_prefix=tmp-c/dir/`)).status).toBe(401);
    // The same signature names no other container.
    const otherC = `/v1/AUTH_${f.owner.projectId}/pub/dir/file.txt`;
    expect((await tmp(otherC, `temp_url_sig=${sig}&temp_url_expires=${exp}&temp_url_prefix=tmp-c/dir/`)).status).toBe(401);
  });

  it('a TempURL write may not make a DLO manifest (400); downloads get Expires and keep the object\'s own disposition', async () => {
    const exp = future();
    const putPath = `/v1/AUTH_${f.owner.projectId}/tmp-c/manifest`;
    const q = `temp_url_sig=${signTempUrl(key, 'PUT', exp, putPath)}&temp_url_expires=${exp}`;
    const dlo = await f.req('PUT', `/object${putPath}?${q}`, { token: null, body: '', headers: { 'X-Object-Manifest': 'private-segs/' } });
    expect(dlo.status).toBe(400);
    expect(await dlo.text()).toBe("The header 'X-Object-Manifest' is not allowed in this tempurl");
    expect((await f.req('HEAD', f.url('/tmp-c/manifest'))).status).toBe(404);

    await f.req('PUT', f.url('/tmp-c/named.txt'), { body: 'n', headers: { 'Content-Disposition': 'attachment; filename="chosen.txt"' } });
    const namedPath = `/v1/AUTH_${f.owner.projectId}/tmp-c/named.txt`;
    const get = await tmp(namedPath, `temp_url_sig=${signTempUrl(key, 'GET', exp, namedPath)}&temp_url_expires=${exp}`);
    expect(get.status).toBe(200);
    expect(get.headers.get('content-disposition')).toBe('attachment; filename="chosen.txt"');
    expect(get.headers.get('expires')).toBe(new Date(exp * 1000).toUTCString());
    const invalid = await tmp(namedPath, `temp_url_sig=${signTempUrl('wrong', 'GET', exp, namedPath)}&temp_url_expires=${exp}`);
    expect(invalid.status).toBe(401);
    expect(await invalid.text()).toBe('401 Unauthorized: Temp URL invalid\n');
  });

  it('Temp-URL keys are shown to writers only (a reader could otherwise mint write URLs)', async () => {
    expect((await f.req('HEAD', f.url())).headers.get('x-account-meta-temp-url-key')).toBe(key);
    expect((await f.req('HEAD', f.url(), { token: f.reader.token })).headers.get('x-account-meta-temp-url-key')).toBeNull();
    expect((await f.req('HEAD', f.url('/tmp-c'), { token: f.reader.token })).headers.get('x-container-meta-temp-url-key')).toBeNull();
  });

  it('container Temp-URL keys are hidden from non-owners', async () => {
    await f.req('POST', f.url('/tmp-c'), { headers: { 'X-Container-Read': '.r:*,.rlistings' } });
    const anon = await f.req('HEAD', f.url('/tmp-c'), { token: null });
    expect(anon.status).toBe(204);
    expect(anon.headers.get('x-container-meta-temp-url-key')).toBeNull();
    expect((await f.req('HEAD', f.url('/tmp-c'))).headers.get('x-container-meta-temp-url-key')).toBe(ckey);
  });
});
