// Swift v1 e2e: odd and hostile input gets a Swift 4xx (with Swift's headers), never a 500.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
