// Swift v1 e2e: odd and hostile input gets a Swift 4xx (with Swift's headers), never a 500.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Parser } from 'xml2js';
import { swiftFixture, TRANS_ID, type SwiftFixture, type SwiftInit } from './swift-fixture.js';

let f: SwiftFixture;
beforeAll(async () => {
  f = await swiftFixture();
  await f.req('PUT', f.url('/rb'));
  await f.req('PUT', f.url('/rb/o'), { body: '0123456789' });
});
afterAll(async () => {
  await f.dispose();
});

describe('bad input', () => {
  const cases: Array<[string, string, SwiftInit?]> = [
    ['GET', '/rb/o', { headers: { range: 'bytes=99999999999999999999-' } }],
    ['GET', '/rb/o', { headers: { range: 'bytes=-99999999999999999999' } }],
    ['GET', '/rb/o', { headers: { 'if-modified-since': 'not a date', 'if-match': ',,,' } }],
    ['PUT', '/rb/x', { body: 'x', headers: { 'x-delete-at': '99999999999999999999' } }],
    ['PUT', '/rb/x', { body: 'x', headers: { 'x-delete-after': '99999999999999999999' } }],
    ['PUT', '/rb/x', { body: 'x', headers: { etag: 'not-hex' } }],
    ['PUT', '/rb/x', { headers: { 'content-length': 'abc' } }],
    ['PUT', '/rb/x', { headers: { 'x-copy-from': '%', 'content-length': '0' } }],
    ['PUT', '/rb/x', { headers: { 'x-copy-from': '/rb/o', 'x-copy-from-account': '%E0%A4', 'content-length': '0' } }],
    ['COPY', '/rb/o', { headers: { destination: '/rb/%ZZ' } }],
    ['COPY', '/rb/o', { headers: { destination: `/rb/${'d'.repeat(1100)}` } }],
    ['COPY', '/rb/o', {}],
    ['GET', '/rb?limit=1e3'],
    ['GET', '/rb?marker=%FF%FE&format=json'],
    ['GET', '/rb?format=json&delimiter=%F0%9F%98%80'],
    ['GET', '/rb?prefix=%00'],
    ['PUT', '/rb/slo?multipart-manifest=put', { body: '[{"path": 5}]' }],
    ['PUT', '/rb/slo?multipart-manifest=put', { body: '[{"path": "/rb/o", "size_bytes": "big"}]' }],
    ['PUT', '/rb/slo?multipart-manifest=put', { body: '[{"path": "/rb/o", "range": "z"}]' }],
    ['PUT', '/rb/slo?multipart-manifest=put', { body: '{"path": "/rb/o"}' }],
    ['PUT', '/rb/slo?multipart-manifest=put', { body: '[{"path": "/nocontainer"}]' }],
    ['PUT', '/rb/slo?multipart-manifest=put', { body: '[{"data": "aGVsbG8="}]' }],
    ['PUT', '/rb/slo?multipart-manifest=put', { body: `[${'['.repeat(5000)}${']'.repeat(5000)}]` }],
    ['PUT', '/rb/slo?multipart-manifest=put', { body: `[{"path": "/rb/o", "x": ${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}]` }],
    ['POST', '?bulk-delete', { body: '%FF\n/\n//\n/rb/' + 'x'.repeat(2000) }],
    ['POST', '/rb', { headers: { 'x-container-read': '.r:-' } }],
    ['PUT', `/${'%FF'}`],
    ['GET', '/rb/o?temp_url_sig=zz&temp_url_expires=1', { token: null }],
    ['GET', '/rb/o?temp_url_sig=sha512:!!!&temp_url_expires=9999999999', { token: null }],
    ['GET', '/rb?temp_url_sig=aa&temp_url_expires=9999999999', { token: null }],
    ['POST', '/rb/o', { headers: { 'x-delete-at': '-5' } }],
    ['PUT', '/rb', { headers: { 'x-container-meta-k': 'v'.repeat(300) } }],
    ['OPTIONS', '/rb/o'],
    ['PUT', '?extract-archive', { body: 'x' }],
  ];

  it.each(cases)('%s %s answers a Swift 4xx/501', async (method, path, init) => {
    const res = await f.req(method, f.url(path), init);
    expect(res.status < 500 || res.status === 501, `${res.status} ${await res.clone().text()}`).toBe(true);
    expect(res.status).toBeGreaterThanOrEqual(200);
    if (process.env.SWIFT_ROBUSTNESS_TRACE) process.stdout.write(`${method} ${path} -> ${res.status}\n`);
    expect(res.headers.get('x-trans-id')).toMatch(TRANS_ID);
    expect(res.headers.get('content-type')).toBeTruthy();
  });
});

describe('names that are not UTF-8 never alias another name', () => {
  it('listing parameters spelled with invalid UTF-8 are 400, not a listing of the U+FFFD name', async () => {
    await f.req('PUT', f.url('/rb/%EF%BF%BDx'), { body: 'replacement char' });
    expect((await f.req('GET', f.url('/rb?prefix=%EF%BF%BD&format=json'))).status).toBe(200);
    for (const q of ['prefix=%FF', 'marker=%C0%AF', 'end_marker=%ED%A0%80', 'delimiter=%FF', 'path=%FF']) {
      const res = await f.req('GET', f.url(`/rb?${q}&format=json`));
      expect([q, res.status, await res.text()]).toEqual([q, 400, expect.stringContaining('not valid UTF-8')]);
    }
  });

  it('an SLO segment path holding a lone surrogate is refused, not read as the U+FFFD object', async () => {
    const res = await f.req('PUT', f.url('/rb/slo-sur?multipart-manifest=put'), { body: '[{"path": "/rb/\\ud800x"}]' });
    expect([res.status, await res.text()]).toEqual([400, expect.stringContaining('valid UTF-8')]);
    expect((await f.req('HEAD', f.url('/rb/slo-sur'))).status).toBe(404);
  });

  it('an SLO manifest or bulk-delete body that is not UTF-8 is 400, not a reference to the U+FFFD object', async () => {
    const slo = Buffer.concat([Buffer.from('[{"path": "/rb/'), Buffer.from([0xff]), Buffer.from('x"}]')]);
    expect((await f.req('PUT', f.url('/rb/slo-bytes?multipart-manifest=put'), { body: slo })).status).toBe(400);
    const bulk = Buffer.concat([Buffer.from('/rb/'), Buffer.from([0xff]), Buffer.from('x\n')]);
    expect((await f.req('POST', f.url('?bulk-delete'), { body: bulk, headers: { 'content-type': 'text/plain' } })).status).toBe(400);
    expect(await (await f.req('GET', f.url('/rb/%EF%BF%BDx'))).text()).toBe('replacement char');
  });

  it('an X-Object-Manifest whose escapes are not UTF-8 is 412, not a DLO over the U+FFFD prefix', async () => {
    const res = await f.req('PUT', f.url('/rb/dlo-bad'), { body: '', headers: { 'x-object-manifest': 'rb/%FF' } });
    expect(res.status).toBe(412);
    expect((await f.req('HEAD', f.url('/rb/dlo-bad'))).status).toBe(404);
  });
});

describe('names XML 1.0 cannot carry', () => {
  it('format=xml listings and bulk-delete results with a U+0001 name are well-formed XML; JSON keeps the name exact', async () => {
    await f.req('PUT', f.url('/ctl'));
    expect((await f.req('PUT', f.url('/ctl/a%01b'), { body: 'x' })).status).toBe(201);
    const xml = await f.req('GET', f.url('/ctl?format=xml'));
    expect(xml.status).toBe(200);
    const doc = (await new Parser({ strict: true, explicitArray: false }).parseStringPromise(await xml.text())) as { container: { object: { name: string } } };
    expect(doc.container.object.name).toBe('a\ufffdb');
    expect(((await (await f.req('GET', f.url('/ctl?format=json'))).json()) as Array<{ name: string }>)[0]!.name).toBe('a\x01b');
    const bulk = await f.req('POST', f.url('?bulk-delete'), { body: '/ctl/a%01b\n/ctl/gone%02\n', headers: { accept: 'application/xml', 'content-type': 'text/plain' } });
    expect(bulk.status).toBe(200);
    await new Parser({ strict: true }).parseStringPromise(await bulk.text());
  });
});
