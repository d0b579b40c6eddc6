// Swift behaviours checked against Swift 2.30: POST X-Object-Manifest, metadata name and value rules, COPY's answer, the reseller admin, proxy probes.
import { createHash, createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { swiftFixture, type SwiftFixture } from './swift-fixture.js';

let f: SwiftFixture;
beforeAll(async () => {
  f = await swiftFixture();
  expect((await f.req('PUT', f.url('/conf'))).status).toBe(201);
});
afterAll(async () => {
  await f.dispose();
});

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

describe('X-Object-Manifest by POST', () => {
  it('turns a plain object into a DLO over the named segments (quoted concatenated etag); a bad value is 400', async () => {
    await f.req('PUT', f.url('/conf/seg/1'), { body: 'abc' });
    await f.req('PUT', f.url('/conf/seg/2'), { body: 'def' });
    expect((await f.req('PUT', f.url('/conf/big'), { body: '' })).status).toBe(201);
    const post = await f.req('POST', f.url('/conf/big'), { headers: { 'X-Object-Manifest': 'conf/seg/' } });
    expect(post.status).toBe(202);
    const get = await f.req('GET', f.url('/conf/big'));
    expect(await get.text()).toBe('abcdef');
    expect(get.headers.get('etag')).toBe(`"${md5(md5('abc') + md5('def'))}"`);
    expect(get.headers.get('x-object-manifest')).toBe('conf/seg/');
    expect((await f.req('POST', f.url('/conf/big'), { headers: { 'X-Object-Manifest': 'no-prefix' } })).status).toBe(400);
    expect(await (await f.req('GET', f.url('/conf/big'))).text()).toBe('abcdef');
  });
});

describe('metadata', () => {
  it('underscores in metadata names become hyphens', async () => {
    expect((await f.req('POST', f.url('/conf'), { headers: { 'X-Container-Meta-Test_Meta': 'v1' } })).status).toBe(204);
    const head = await f.req('HEAD', f.url('/conf'));
    expect(head.headers.get('x-container-meta-test-meta')).toBe('v1');
    expect(head.headers.get('x-container-meta-test_meta')).toBeNull();
    await f.req('PUT', f.url('/conf/under'), { body: 'x', headers: { 'X-Object-Meta-Snake_Case': 'yes' } });
    expect((await f.req('HEAD', f.url('/conf/under'))).headers.get('x-object-meta-snake-case')).toBe('yes');
  });

  it('X-Remove-Container-Meta-* on a PUT to an existing container is honoured (202)', async () => {
    await f.req('POST', f.url('/conf'), { headers: { 'X-Container-Meta-Gone': 'soon', 'X-Container-Meta-Stay': 'here' } });
    const put = await f.req('PUT', f.url('/conf'), { headers: { 'X-Remove-Container-Meta-Gone': 'x', 'X-Container-Meta-New': 'n' } });
    expect(put.status).toBe(202);
    const head = await f.req('HEAD', f.url('/conf'));
    expect(head.headers.get('x-container-meta-gone')).toBeNull();
    expect(head.headers.get('x-container-meta-stay')).toBe('here');
    expect(head.headers.get('x-container-meta-new')).toBe('n');
  });

  it('an empty X-Object-Meta-* value is kept on PUT and removes the item on POST', async () => {
    await f.req('PUT', f.url('/conf/empty'), { body: 'x', headers: { 'X-Object-Meta-Blank': '', 'X-Object-Meta-Full': 'f' } });
    const head = await f.req('HEAD', f.url('/conf/empty'));
    expect(head.headers.get('x-object-meta-blank')).toBe('');
    expect(head.headers.get('x-object-meta-full')).toBe('f');
    await f.req('POST', f.url('/conf/empty'), { headers: { 'X-Object-Meta-Blank': '', 'X-Object-Meta-Full': 'g' } });
    const after = await f.req('HEAD', f.url('/conf/empty'));
    expect(after.headers.get('x-object-meta-blank')).toBeNull();
    expect(after.headers.get('x-object-meta-full')).toBe('g');
  });

  it("COPY answers with the new object's X-Object-Meta-* and Content-Type", async () => {
    await f.req('PUT', f.url('/conf/csrc'), { body: 'copy me', headers: { 'content-type': 'text/x-a', 'X-Object-Meta-Old': 'o' } });
    const res = await f.req('COPY', f.url('/conf/csrc'), { headers: { Destination: 'conf/cdst', 'X-Object-Meta-Added': 'a' } });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-object-meta-old')).toBe('o');
    expect(res.headers.get('x-object-meta-added')).toBe('a');
    expect(res.headers.get('content-type')).toBe('text/x-a');
    const put = await f.req('PUT', f.url('/conf/cdst2'), { headers: { 'X-Copy-From': 'conf/csrc', 'content-length': '0', 'X-Fresh-Metadata': 'true', 'X-Object-Meta-Only': '1' } });
    expect(put.headers.get('x-object-meta-only')).toBe('1');
    expect(put.headers.get('x-object-meta-old')).toBeNull();
  });
});

describe('ResellerAdmin', () => {
  it('operates on any account (keystoneauth reseller_request); without the role another account is 403', async () => {
    await f.req('PUT', f.url('/conf/owned'), { body: 'mine' });
    const foreign = (path: string, method = 'GET', token = f.other.token, body?: string) => f.req(method, f.url(path), { token, ...(body !== undefined ? { body } : {}) });
    expect((await foreign('/conf/owned')).status).toBe(403);

    const ids = f.sys.identity.services;
    const adminCtx = { requestId: 'reseller-test', auth: (await f.sys.identity.tokens.validate(f.other.token)).context };
    const role = ids.roles.create(adminCtx, { name: 'ResellerAdmin' });
    ids.assignments.grant(adminCtx, { actor: { userId: f.other.userId }, target: { projectId: f.other.projectId }, roleId: role.id });
    const boot = f.sys.firstStart.bootstrap;
    const login = await f.sys.request('/identity/v3/auth/tokens', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: { methods: ['password'], password: { user: { name: boot.admin.userName, domain: { id: 'default' }, password: boot.admin.password } } },
          scope: { project: { name: boot.admin.projectName, domain: { id: 'default' } } },
        },
      }),
    });
    const reseller = login.headers.get('x-subject-token')!;
    expect(await (await foreign('/conf/owned', 'GET', reseller)).text()).toBe('mine');
    expect((await foreign('', 'GET', reseller)).status).toBe(200);
    expect((await foreign('/conf/by-reseller', 'PUT', reseller, 'r')).status).toBe(201);
    expect(await (await f.req('GET', f.url('/conf/by-reseller'))).text()).toBe('r');
    expect((await foreign('/conf/by-reseller', 'DELETE', reseller)).status).toBe(204);
  });
});

describe('proxy probes', () => {
  it('/healthcheck answers 200 OK and /crossdomain.xml the default policy, at the Swift mount and the host root', async () => {
    for (const base of ['/object', '']) {
      const h = await f.sys.request(`${base}/healthcheck`);
      expect(h.status).toBe(200);
      expect(await h.text()).toBe('OK');
      const x = await f.sys.request(`${base}/crossdomain.xml`);
      expect(x.status).toBe(200);
      expect(x.headers.get('content-type')).toContain('application/xml');
      expect(await x.text()).toContain('<allow-access-from domain="*" secure="false" />');
    }
  });
});

describe('static web', () => {
  const anon = (path: string, method = 'GET') => f.req(method, f.url(path), { token: null });
  beforeAll(async () => {
    expect((await f.req('PUT', f.url('/site'), { headers: { 'X-Container-Read': '.r:*,.rlistings' } })).status).toBe(201);
    for (const [name, body, type] of [
      ['index.html', '<h1>home</h1>', 'text/html'],
      ['docs/index.html', '<h1>docs</h1>', 'text/html'],
      ['files/a.txt', 'a', 'text/plain'],
      ['files/sub/b.txt', 'b', 'text/plain'],
      ['404error.html', 'custom not found', 'text/html'],
    ] as const) {
      expect((await f.req('PUT', f.url(`/site/${name}`), { body, headers: { 'content-type': type } })).status).toBe(201);
    }
  });

  it('without Web-* settings an anonymous container GET is the plain listing', async () => {
    const res = await anon('/site');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('files/a.txt');
  });

  it('Web-Index: the container redirects to its slash form and serves the index; directories too', async () => {
    await f.req('POST', f.url('/site'), { headers: { 'X-Container-Meta-Web-Index': 'index.html', 'X-Container-Meta-Web-Error': 'error.html' } });
    const redirect = await anon('/site');
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe(`${f.url('/site')}/`);
    expect(await (await anon('/site/')).text()).toBe('<h1>home</h1>');
    expect((await anon('/site/docs')).status).toBe(301);
    expect(await (await anon('/site/docs/')).text()).toBe('<h1>docs</h1>');
    expect(await (await anon('/site/files/a.txt')).text()).toBe('a');
    // No index and listings off: the Web-Error page with 404.
    const missing = await anon('/site/files/');
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe('custom not found');
    expect((await anon('/site/nothing-here')).status).toBe(404);
    // An authenticated caller gets the API, unless it asks for web mode.
    expect((await f.req('GET', f.url('/site'))).status).toBe(200);
    expect((await f.req('GET', f.url('/site'), { headers: { 'X-Web-Mode': 'true' } })).status).toBe(301);
  });

  it('Web-Listings: an HTML listing of a directory, with Web-Listings-CSS', async () => {
    await f.req('POST', f.url('/site'), { headers: { 'X-Container-Meta-Web-Listings': 'true', 'X-Container-Meta-Web-Listings-Css': 'style.css' } });
    const res = await anon('/site/files/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain(`<title>Listing of /v1/AUTH_${f.owner.projectId}/site/files/</title>`);
    expect(html).toContain('<link rel="stylesheet" type="text/css" href="../style.css" />');
    expect(html).toContain('<a href="a.txt">a.txt</a>');
    expect(html).toContain('<tr class="item subdir">');
    expect(html).toContain('<a href="sub/">sub/</a>');
    expect(html).toContain('<a href="../">../</a>');
    expect((await anon('/site/files')).status).toBe(301);
    expect((await anon('/site/empty/')).status).toBe(404);
  });

  it('a private container shows nothing of its site to the anonymous', async () => {
    await f.req('PUT', f.url('/private'), { headers: { 'X-Container-Meta-Web-Index': 'index.html' } });
    await f.req('PUT', f.url('/private/index.html'), { body: 'secret' });
    expect((await anon('/private')).status).toBe(401);
    expect((await anon('/private/')).status).toBe(401);
  });
});

describe('FormPost', () => {
  const key = 'form-secret';
  const boundary = '----skybridgeform';
  /** A multipart body: fields in order, then files. */
  const form = (fields: Record<string, string>, files: Array<[string, string, string]>) => {
    let s = '';
    for (const [k, v] of Object.entries(fields)) s += `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`;
    files.forEach(([name, body, type], i) => {
      s += `--${boundary}\r\nContent-Disposition: form-data; name="file${i}"; filename="${name}"\r\nContent-Type: ${type}\r\n\r\n${body}\r\n`;
    });
    return `${s}--${boundary}--\r\n`;
  };
  const sign = (path: string, redirect: string, size: number, count: number, expires: number) =>
    createHmac('sha256', key).update(`${path}\n${redirect}\n${size}\n${count}\n${expires}`).digest('hex');
  const post = (path: string, body: string) => f.req('POST', f.url(path), { token: null, body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });

  beforeAll(async () => {
    expect((await f.req('POST', f.url(''), { headers: { 'X-Account-Meta-Temp-URL-Key': key } })).status).toBe(204);
    expect((await f.req('PUT', f.url('/uploads'))).status).toBe(201);
  });

  it('uploads the files under the prefix (201 text answer), signed over the Swift path', async () => {
    const expires = Math.floor(Date.now() / 1000) + 600;
    const path = `/v1/AUTH_${f.owner.projectId}/uploads/in/`;
    const body = form({ redirect: '', max_file_size: '100', max_file_count: '2', expires: String(expires), signature: sign(path, '', 100, 2, expires) }, [
      ['one.txt', 'first file', 'text/plain'],
      ['two.bin', 'second', 'application/x-two'],
    ]);
    const res = await post('/uploads/in/', body);
    expect(res.status).toBe(201);
    expect(await res.text()).toBe('201 Created\r\nFormPost: ');
    const got = await f.req('GET', f.url('/uploads/in/one.txt'));
    expect(await got.text()).toBe('first file');
    expect((await f.req('HEAD', f.url('/uploads/in/two.bin'))).headers.get('content-type')).toBe('application/x-two');
  });

  it('redirect: 303 to it with status and message; limits and expiry refused as formpost words them', async () => {
    const expires = Math.floor(Date.now() / 1000) + 600;
    const path = `/v1/AUTH_${f.owner.projectId}/uploads`;
    const redirect = 'https://example.test/done';
    const ok = await post('/uploads', form({ redirect, max_file_size: '5', max_file_count: '1', expires: String(expires), signature: sign(path, redirect, 5, 1, expires) }, [['r.txt', 'abc', 'text/plain']]));
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('https://example.test/done?status=201%20Created&message=');
    const big = await post('/uploads', form({ redirect: '', max_file_size: '5', max_file_count: '1', expires: String(expires), signature: sign(path, '', 5, 1, expires) }, [['big.txt', '123456', 'text/plain']]));
    expect(big.status).toBe(400);
    expect(await big.text()).toBe('400 Bad Request\r\nFormPost: Max_File_Size Exceeded');
    expect((await f.req('HEAD', f.url('/uploads/big.txt'))).status).toBe(404);
    const many = await post('/uploads', form({ redirect: '', max_file_size: '5', max_file_count: '1', expires: String(expires), signature: sign(path, '', 5, 1, expires) }, [['a', '1', 'text/plain'], ['b', '2', 'text/plain']]));
    expect(await many.text()).toBe('400 Bad Request\r\nFormPost: Max_File_Count Exceeded');
    const past = Math.floor(Date.now() / 1000) - 10;
    const expired = await post('/uploads', form({ redirect: '', max_file_size: '5', max_file_count: '1', expires: String(past), signature: sign(path, '', 5, 1, past) }, [['e', '1', 'text/plain']]));
    expect(expired.status).toBe(401);
    expect(await expired.text()).toBe('401 Unauthorized\r\nFormPost: Form Expired');
    const forged = await post('/uploads', form({ redirect: '', max_file_size: '500', max_file_count: '1', expires: String(expires), signature: sign(path, '', 5, 1, expires) }, [['x', '1', 'text/plain']]));
    expect(await forged.text()).toBe('401 Unauthorized\r\nFormPost: Invalid Signature');
    expect((await f.req('HEAD', f.url('/uploads/x'))).status).toBe(404);
    // A signature for one prefix does not write elsewhere.
    const elsewhere = await post('/uploads/other/', form({ redirect: '', max_file_size: '5', max_file_count: '1', expires: String(expires), signature: sign(path, '', 5, 1, expires) }, [['y', '1', 'text/plain']]));
    expect(elsewhere.status).toBe(401);
  });
});
