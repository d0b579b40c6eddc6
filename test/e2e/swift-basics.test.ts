// Swift v1 e2e: account/container/object statuses, headers on every response, listings, metadata, names verbatim.
import { createHash } from 'node:crypto';
import { parseStringPromise } from 'xml2js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { swiftFixture, TRANS_ID, type SwiftFixture } from './swift-fixture.js';

let f: SwiftFixture;
beforeAll(async () => {
  f = await swiftFixture();
});
afterAll(async () => {
  await f.dispose();
});

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

function expectSwiftHeaders(res: Response): void {
  expect(res.headers.get('x-trans-id')).toMatch(TRANS_ID);
  expect(res.headers.get('x-openstack-request-id')).toBe(res.headers.get('x-trans-id'));
  expect(res.headers.get('date')).toBeTruthy();
  expect(res.headers.get('content-type')).toBeTruthy();
  expect(res.headers.get('content-length')).toMatch(/^\d+$/);
}

describe('account', () => {
  it('HEAD on a fresh account is 204 with zero counters and Swift headers', async () => {
    const res = await f.req('HEAD', f.url());
    expect(res.status).toBe(204);
    expectSwiftHeaders(res);
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(res.headers.get('x-account-container-count')).toBe('0');
    expect(res.headers.get('x-account-object-count')).toBe('0');
    expect(res.headers.get('x-account-bytes-used')).toBe('0');
    expect(res.headers.get('x-timestamp')).toMatch(/^\d+\.\d+$/);
    expect(res.headers.get('accept-ranges')).toBe('bytes');
  });

  it('GET on an empty account: 204 plain, 200 [] json, 200 xml', async () => {
    const plain = await f.req('GET', f.url('/'));
    expect(plain.status).toBe(204);
    const json = await f.req('GET', f.url('?format=json'));
    expect(json.status).toBe(200);
    expect(await json.json()).toEqual([]);
    const xml = await f.req('GET', f.url(), { headers: { accept: 'application/xml' } });
    expect(xml.status).toBe(200);
    expect((await parseStringPromise(await xml.text())).account.$.name).toBe(`AUTH_${f.owner.projectId}`);
  });

  it('POST sets and removes account metadata', async () => {
    expect((await f.req('POST', f.url(), { headers: { 'X-Account-Meta-Color': 'red', 'X-Account-Meta-Size': 'L' } })).status).toBe(204);
    let head = await f.req('HEAD', f.url());
    expect(head.headers.get('x-account-meta-color')).toBe('red');
    expect(head.headers.get('x-account-meta-size')).toBe('L');
    expect((await f.req('POST', f.url(), { headers: { 'X-Remove-Account-Meta-Color': 'x' } })).status).toBe(204);
    head = await f.req('HEAD', f.url());
    expect(head.headers.get('x-account-meta-color')).toBeNull();
    expect(head.headers.get('x-account-meta-size')).toBe('L');
  });

  it('answers 501 for account PUT/DELETE and 405 for unknown verbs', async () => {
    expect((await f.req('PUT', f.url())).status).toBe(501);
    expect((await f.req('DELETE', f.url())).status).toBe(501);
    const patch = await f.req('PATCH', f.url());
    expect(patch.status).toBe(405);
    expectSwiftHeaders(patch);
  });
});

describe('containers', () => {
  it('PUT is 201 new, 202 existing; HEAD 204; DELETE 204 then 404', async () => {
    const created = await f.req('PUT', f.url('/c-basic'), { headers: { 'X-Container-Meta-Team': 'blue' } });
    expect(created.status).toBe(201);
    expectSwiftHeaders(created);
    expect((await f.req('PUT', f.url('/c-basic'))).status).toBe(202);
    const head = await f.req('HEAD', f.url('/c-basic'));
    expect(head.status).toBe(204);
    expectSwiftHeaders(head);
    expect(head.headers.get('x-container-object-count')).toBe('0');
    expect(head.headers.get('x-container-bytes-used')).toBe('0');
    expect(head.headers.get('x-storage-policy')).toBe('Policy-0');
    expect(head.headers.get('x-container-meta-team')).toBe('blue');
    expect(head.headers.get('accept-ranges')).toBe('bytes');
    expect((await f.req('DELETE', f.url('/c-basic'))).status).toBe(204);
    expect((await f.req('HEAD', f.url('/c-basic'))).status).toBe(404);
    expect((await f.req('DELETE', f.url('/c-basic'))).status).toBe(404);
  });

  it('POST updates and removes container metadata', async () => {
    await f.req('PUT', f.url('/c-meta'));
    expect((await f.req('POST', f.url('/c-meta'), { headers: { 'X-Container-Meta-A': '1', 'X-Container-Meta-B': '2' } })).status).toBe(204);
    expect((await f.req('POST', f.url('/c-meta'), { headers: { 'X-Remove-Container-Meta-A': '1' } })).status).toBe(204);
    const head = await f.req('HEAD', f.url('/c-meta'));
    expect(head.headers.get('x-container-meta-a')).toBeNull();
    expect(head.headers.get('x-container-meta-b')).toBe('2');
    expect((await f.req('POST', f.url('/c-missing'), { headers: { 'X-Container-Meta-A': '1' } })).status).toBe(404);
  });

  it('DELETE of a non-empty container is 409', async () => {
    await f.req('PUT', f.url('/c-full'));
    await f.req('PUT', f.url('/c-full/o'), { body: 'x' });
    const res = await f.req('DELETE', f.url('/c-full'));
    expect(res.status).toBe(409);
    expectSwiftHeaders(res);
  });

  it('refuses long container names and bad storage policies', async () => {
    expect((await f.req('PUT', f.url(`/${'c'.repeat(257)}`))).status).toBe(400);
    expect((await f.req('PUT', f.url('/c-policy'), { headers: { 'X-Storage-Policy': 'gold' } })).status).toBe(400);
  });

  it('account listing shows containers with counts', async () => {
    await f.req('PUT', f.url('/c-list-a'));
    await f.req('PUT', f.url('/c-list-a/o1'), { body: 'abc' });
    const res = await f.req('GET', f.url('?format=json&prefix=c-list-'));
    expect(res.status).toBe(200);
    const rows = (await res.json()) as Array<Record<string, unknown>>;
    expect(rows).toEqual([{ name: 'c-list-a', count: 1, bytes: 3, last_modified: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/) }]);
    expect(res.headers.get('x-account-container-count')).toMatch(/^\d+$/);
    const plain = await f.req('GET', f.url('?prefix=c-list-'));
    expect(await plain.text()).toBe('c-list-a\n');
  });
});

describe('objects', () => {
  beforeAll(async () => {
    await f.req('PUT', f.url('/objs'));
  });

  it('PUT 201 with unquoted Etag; GET/HEAD return bytes and metadata', async () => {
    const put = await f.req('PUT', f.url('/objs/hello.txt'), {
      body: 'hello world',
      headers: { 'content-type': 'text/plain', 'X-Object-Meta-Color': 'Blue', 'Content-Disposition': 'attachment; filename="h.txt"', 'Content-Encoding': 'identity' },
    });
    expect(put.status).toBe(201);
    expectSwiftHeaders(put);
    expect(put.headers.get('etag')).toBe(md5('hello world'));
    expect(put.headers.get('last-modified')).toMatch(/GMT$/);
    const get = await f.req('GET', f.url('/objs/hello.txt'));
    expect(get.status).toBe(200);
    expectSwiftHeaders(get);
    expect(await get.text()).toBe('hello world');
    expect(get.headers.get('etag')).toBe(md5('hello world'));
    expect(get.headers.get('content-length')).toBe('11');
    expect(get.headers.get('content-type')).toBe('text/plain');
    expect(get.headers.get('accept-ranges')).toBe('bytes');
    expect(get.headers.get('x-object-meta-color')).toBe('Blue');
    expect(get.headers.get('content-disposition')).toBe('attachment; filename="h.txt"');
    expect(get.headers.get('content-encoding')).toBe('identity');
    expect(get.headers.get('x-timestamp')).toMatch(/^\d+\.\d{5}$/);
    const head = await f.req('HEAD', f.url('/objs/hello.txt'));
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('11');
    expect(await head.text()).toBe('');
  });

  it('guesses the content type from the name when none is sent', async () => {
    // A Uint8Array body makes the fetch client send no Content-Type of its own.
    await f.req('PUT', f.url('/objs/pic.png'), { body: new Uint8Array([1, 2, 3]) });
    expect((await f.req('HEAD', f.url('/objs/pic.png'))).headers.get('content-type')).toBe('image/png');
  });

  it('POST replaces user metadata (not additive) and returns 202', async () => {
    await f.req('PUT', f.url('/objs/meta'), { body: 'm', headers: { 'X-Object-Meta-A': '1', 'X-Object-Meta-B': '2' } });
    const post = await f.req('POST', f.url('/objs/meta'), { headers: { 'X-Object-Meta-C': '3', 'Content-Type': 'application/x-custom' } });
    expect(post.status).toBe(202);
    expectSwiftHeaders(post);
    const head = await f.req('HEAD', f.url('/objs/meta'));
    expect(head.headers.get('x-object-meta-a')).toBeNull();
    expect(head.headers.get('x-object-meta-b')).toBeNull();
    expect(head.headers.get('x-object-meta-c')).toBe('3');
    expect(head.headers.get('content-type')).toBe('application/x-custom');
    expect((await f.req('POST', f.url('/objs/nothing'), { headers: { 'X-Object-Meta-C': '3' } })).status).toBe(404);
  });

  it('Etag mismatch is 422 and stores nothing; matching Etag is accepted', async () => {
    expect((await f.req('PUT', f.url('/objs/e1'), { body: 'abc', headers: { etag: md5('abd') } })).status).toBe(422);
    expect((await f.req('HEAD', f.url('/objs/e1'))).status).toBe(404);
    expect((await f.req('PUT', f.url('/objs/e1'), { body: 'abc', headers: { etag: md5('abc') } })).status).toBe(201);
  });

  it('411 without Content-Length or chunked, 413 over the size limit', async () => {
    const noLen = await f.sys.request(f.url('/objs/nolen'), { method: 'PUT', headers: { 'x-auth-token': f.owner.token } });
    expect(noLen.status).toBe(411);
    expectSwiftHeaders(noLen);
    const huge = await f.req('PUT', f.url('/objs/huge'), { headers: { 'content-length': String(5368709123) } });
    expect(huge.status).toBe(413);
  });

  it('If-None-Match: * refuses an overwrite with 412', async () => {
    expect((await f.req('PUT', f.url('/objs/once'), { body: '1', headers: { 'if-none-match': '*' } })).status).toBe(201);
    expect((await f.req('PUT', f.url('/objs/once'), { body: '2', headers: { 'if-none-match': '*' } })).status).toBe(412);
  });

  it('PUT into a missing container is 404; DELETE 204 then 404', async () => {
    expect((await f.req('PUT', f.url('/nope/o'), { body: 'x' })).status).toBe(404);
    await f.req('PUT', f.url('/objs/gone'), { body: 'x' });
    const del = await f.req('DELETE', f.url('/objs/gone'));
    expect(del.status).toBe(204);
    expectSwiftHeaders(del);
    expect((await f.req('DELETE', f.url('/objs/gone'))).status).toBe(404);
    expect((await f.req('GET', f.url('/objs/gone'))).status).toBe(404);
  });

  it('stores names with .., //, a leading slash, encoded dots and unicode verbatim', async () => {
    await f.req('PUT', f.url('/names'));
    const names = ['../../etc/passwd', 'a//b', '/abs/path.txt', '..', 'café/☃.txt', 'x/./y', '%2e%2e'];
    for (const n of names) {
      const encoded = n.split('/').map(encodeURIComponent).join('/');
      expect((await f.req('PUT', f.url(`/names/${encoded}`), { body: n })).status, n).toBe(201);
    }
    // Raw, unencoded dot segments and double slashes reach the store verbatim too.
    expect((await f.req('PUT', f.url('/names//tmp/../raw'), { body: 'raw' })).status).toBe(201);
    expect((await f.req('PUT', f.url('/names/%2e%2e/enc'), { body: 'enc' })).status).toBe(201);
    const list = (await (await f.req('GET', f.url('/names?format=json'))).json()) as Array<{ name: string }>;
    expect(list.map((e) => e.name).sort()).toEqual([...names, '/tmp/../raw', '../enc'].sort());
    for (const n of names) {
      const encoded = n.split('/').map(encodeURIComponent).join('/');
      const get = await f.req('GET', f.url(`/names/${encoded}`));
      expect(await get.text(), n).toBe(n);
    }
    expect(await (await f.req('GET', f.url('/names//tmp/../raw'))).text()).toBe('raw');
  });

  it('refuses object names over 1024 bytes and metadata over the limits', async () => {
    expect((await f.req('PUT', f.url(`/objs/${'n'.repeat(1025)}`), { body: 'x' })).status).toBe(400);
    expect((await f.req('PUT', f.url('/objs/big-meta'), { body: 'x', headers: { 'X-Object-Meta-Big': 'v'.repeat(257) } })).status).toBe(400);
  });
});

describe('container listings', () => {
  beforeAll(async () => {
    await f.req('PUT', f.url('/lst'));
    for (const n of ['a', 'b/1', 'b/2', 'c', 'd/x/y', 'e']) await f.req('PUT', f.url(`/lst/${n}`), { body: n, headers: { 'content-type': 'text/plain' } });
  });

  it('plain, json and xml with headers', async () => {
    const plain = await f.req('GET', f.url('/lst'));
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await plain.text()).toBe('a\nb/1\nb/2\nc\nd/x/y\ne\n');
    expect(plain.headers.get('x-container-object-count')).toBe('6');
    const json = await f.req('GET', f.url('/lst?format=json&limit=1'));
    expect(json.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await json.json()).toEqual([{ name: 'a', hash: md5('a'), bytes: 1, content_type: 'text/plain', last_modified: expect.stringMatching(/\.\d{6}$/) }]);
    const xml = await f.req('GET', f.url('/lst?format=xml&delimiter=/'));
    const doc = await parseStringPromise(await xml.text());
    expect(doc.container.$.name).toBe('lst');
    expect(doc.container.object.map((o: { name: string[] }) => o.name[0])).toEqual(['a', 'c', 'e']);
    expect(doc.container.subdir.map((s: { $: { name: string } }) => s.$.name)).toEqual(['b/', 'd/']);
  });

  it('prefix, delimiter, marker, end_marker, reverse, path', async () => {
    const names = async (q: string) => (await (await f.req('GET', f.url(`/lst?format=json&${q}`))).json()) as Array<{ name?: string; subdir?: string }>;
    expect((await names('delimiter=/')).map((e) => e.name ?? e.subdir)).toEqual(['a', 'b/', 'c', 'd/', 'e']);
    expect((await names('prefix=b/')).map((e) => e.name)).toEqual(['b/1', 'b/2']);
    expect((await names('marker=b/2')).map((e) => e.name)).toEqual(['c', 'd/x/y', 'e']);
    expect((await names('end_marker=b/2')).map((e) => e.name)).toEqual(['a', 'b/1']);
    expect((await names('reverse=true&limit=2')).map((e) => e.name)).toEqual(['e', 'd/x/y']);
    expect((await names('path=b')).map((e) => e.name)).toEqual(['b/1', 'b/2']);
    expect((await names('path=d')).map((e) => e.name ?? e.subdir)).toEqual([]);
  });

  it('empty plain listing is 204; bad limit and delimiter are 412; missing container 404', async () => {
    expect((await f.req('GET', f.url('/lst?prefix=zzz'))).status).toBe(204);
    expect((await f.req('GET', f.url('/lst?prefix=zzz&format=json'))).status).toBe(200);
    expect((await f.req('GET', f.url('/lst?limit=10001'))).status).toBe(412);
    expect((await f.req('GET', f.url('/lst?delimiter=ab'))).status).toBe(412);
    expect((await f.req('GET', f.url('/no-such-container'))).status).toBe(404);
    expect((await f.req('GET', f.url('/lst'), { headers: { accept: 'image/png' } })).status).toBe(406);
  });
});

describe('authentication and authorisation', () => {
  beforeAll(async () => {
    await f.req('PUT', f.url('/private'));
    await f.req('PUT', f.url('/private/o'), { body: 'secret' });
  });

  it('no token is 401 with Swift body; a bad token is 401', async () => {
    const res = await f.req('GET', f.url('/private/o'), { token: null });
    expect(res.status).toBe(401);
    expectSwiftHeaders(res);
    expect(await res.text()).toBe('<html><h1>Unauthorized</h1><p>This server could not verify that you are authorized to access the document you requested.</p></html>');
    expect((await f.req('GET', f.url('/private/o'), { token: 'not-a-token' })).status).toBe(401);
    expect((await f.req('GET', f.url(), { token: null })).status).toBe(401);
  });

  it('an anonymous write is 401 before its form is checked (no 411 or 413 for a caller who may not write)', async () => {
    expect((await f.req('PUT', f.url('/private/o2'), { token: null })).status).toBe(401);
    expect((await f.req('PUT', f.url('/private/o2'), { token: null, headers: { 'content-length': '99999999999' } })).status).toBe(401);
    expect((await f.req('COPY', f.url('/private/o'), { token: null })).status).toBe(401);
    expect((await f.req('POST', f.url('/private'), { token: null })).status).toBe(401);
  });

  it('a reader reads but cannot write', async () => {
    const r = f.reader.token;
    expect((await f.req('GET', f.url('/private/o'), { token: r })).status).toBe(200);
    expect((await f.req('GET', f.url('/private'), { token: r })).status).toBe(200);
    expect((await f.req('HEAD', f.url(), { token: r })).status).toBe(204);
    expect((await f.req('PUT', f.url('/private/new'), { token: r, body: 'x' })).status).toBe(403);
    expect((await f.req('DELETE', f.url('/private/o'), { token: r })).status).toBe(403);
    expect((await f.req('POST', f.url('/private/o'), { token: r, headers: { 'X-Object-Meta-A': '1' } })).status).toBe(403);
    expect((await f.req('PUT', f.url('/reader-made'), { token: r })).status).toBe(403);
  });

  it('another project sees nothing', async () => {
    const o = f.other.token;
    expect((await f.req('GET', f.url('/private/o'), { token: o })).status).toBe(403);
    expect((await f.req('GET', f.url('/private'), { token: o })).status).toBe(403);
    expect((await f.req('HEAD', f.url(), { token: o })).status).toBe(403);
    expect((await f.req('PUT', f.url('/private/x'), { token: o, body: 'x' })).status).toBe(403);
    expect((await f.req('GET', '/object/v1/SOMETHING_else', { token: o })).status).toBe(403);
  });

  it('nor learns which containers exist: a missing one is 403 to another project and 401 to anonymous, as an existing one', async () => {
    for (const path of ['/no-such-container', '/no-such-container/o', '/private']) {
      for (const method of ['GET', 'HEAD', 'POST', 'DELETE']) {
        expect((await f.req(method, f.url(path), { token: f.other.token })).status, `${method} ${path}`).toBe(403);
        expect((await f.req(method, f.url(path), { token: null })).status, `${method} ${path}`).toBe(401);
      }
    }
    // Callers with a role on the account still get 404.
    expect((await f.req('GET', f.url('/no-such-container'), { token: f.reader.token })).status).toBe(404);
    expect((await f.req('GET', f.url('/no-such-container'))).status).toBe(404);
  });
});

describe('info and bad URLs', () => {
  it('GET /info lists what is supported', async () => {
    const res = await f.sys.request('/info');
    expect(res.status).toBe(200);
    expectSwiftHeaders(res);
    const info = (await res.json()) as Record<string, Record<string, unknown>>;
    expect(Object.keys(info).sort()).toEqual(['account_quotas', 'bulk_delete', 'bulk_upload', 'container_quotas', 'formpost', 'keystoneauth', 'object_versioning', 'slo', 'staticweb', 'swift', 'tempurl', 'versioned_writes']);
    expect(info.swift!.max_object_name_length).toBe(1024);
    expect(info.tempurl!.allowed_digests).toEqual(['sha1', 'sha256', 'sha512']);
    // swiftclient asks for it next to the storage URL.
    const beside = await f.sys.request('/object/info');
    expect(beside.status).toBe(200);
    expect(((await beside.json()) as Record<string, unknown>).slo).toBeTruthy();
  });

  it('routes on the raw path: dot segments that climb out of /object still reach Swift', async () => {
    await f.req('PUT', f.url('/esc'));
    const deep = f.url('/esc/../../../../../../x');
    expect((await f.req('PUT', deep, { body: 'escaped?' })).status).toBe(201);
    const list = (await (await f.req('GET', f.url('/esc?format=json'))).json()) as Array<{ name: string }>;
    expect(list.map((e) => e.name)).toEqual(['../../../../../../x']);
    expect(await (await f.req('GET', deep)).text()).toBe('escaped?');
  });

  it('a root /info with an S3 signature is not Swift', async () => {
    const res = await f.sys.request('/info', { headers: { authorization: 'AWS4-HMAC-SHA256 Credential=x/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00' } });
    expect(res.headers.get('x-trans-id')).toBeNull();
  });

  it('answers malformed paths with 412, never 500', async () => {
    for (const p of ['/object/v2/AUTH_x', '/object/', '/object/v1/AUTH_x/c/%FF']) {
      const res = await f.req('GET', p);
      expect(res.status, p).toBe(412);
      expectSwiftHeaders(res);
    }
  });
});
