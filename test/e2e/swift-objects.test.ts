// Swift v1 e2e: copy, ranges, conditionals, expiry, DLO, SLO and bulk delete.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { swiftFixture, type SwiftFixture } from './swift-fixture.js';

let f: SwiftFixture;
beforeAll(async () => {
  f = await swiftFixture();
  await f.req('PUT', f.url('/ob'));
});
afterAll(async () => {
  await f.dispose();
});

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

describe('copy', () => {
  beforeAll(async () => {
    await f.req('PUT', f.url('/ob/src'), { body: 'source bytes', headers: { 'content-type': 'text/x-src', 'X-Object-Meta-Origin': 'src', 'X-Object-Meta-Keep': 'yes' } });
  });

  it('PUT with X-Copy-From merges metadata and reports the source', async () => {
    const res = await f.req('PUT', f.url('/ob/dst1'), { headers: { 'X-Copy-From': '/ob/src', 'X-Object-Meta-Origin': 'copy', 'content-length': '0' } });
    expect(res.status).toBe(201);
    expect(res.headers.get('etag')).toBe(md5('source bytes'));
    expect(res.headers.get('x-copied-from')).toBe('ob/src');
    expect(res.headers.get('x-copied-from-last-modified')).toBe((await f.req('HEAD', f.url('/ob/src'))).headers.get('last-modified'));
    const get = await f.req('GET', f.url('/ob/dst1'));
    expect(await get.text()).toBe('source bytes');
    expect(get.headers.get('content-type')).toBe('text/x-src');
    expect(get.headers.get('x-object-meta-origin')).toBe('copy');
    expect(get.headers.get('x-object-meta-keep')).toBe('yes');
  });

  it('X-Copied-From-Last-Modified is the source\'s time, not the copy\'s', async () => {
    await f.req('PUT', f.url('/ob/older'), { body: 'older' });
    const sourceTime = (await f.req('HEAD', f.url('/ob/older'))).headers.get('last-modified')!;
    // Let the clock pass into the next second, so the copy's own time differs.
    while (Math.floor(Date.now() / 1000) <= Math.floor(Date.parse(sourceTime) / 1000)) await new Promise((r) => setTimeout(r, 50));
    const res = await f.req('COPY', f.url('/ob/older'), { headers: { Destination: 'ob/newer' } });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-copied-from-last-modified')).toBe(sourceTime);
    expect(res.headers.get('last-modified')).not.toBe(sourceTime);
  });

  it('COPY with Destination and X-Fresh-Metadata drops the old metadata', async () => {
    const res = await f.req('COPY', f.url('/ob/src'), { headers: { Destination: 'ob/dst2', 'X-Fresh-Metadata': 'true', 'X-Object-Meta-New': '1' } });
    expect(res.status).toBe(201);
    const head = await f.req('HEAD', f.url('/ob/dst2'));
    expect(head.headers.get('etag')).toBe(md5('source bytes'));
    expect(head.headers.get('x-object-meta-keep')).toBeNull();
    expect(head.headers.get('x-object-meta-new')).toBe('1');
  });

  it('copy errors: missing source 404, bad header 412, body with X-Copy-From 400', async () => {
    expect((await f.req('PUT', f.url('/ob/d3'), { headers: { 'X-Copy-From': '/ob/nothing', 'content-length': '0' } })).status).toBe(404);
    expect((await f.req('PUT', f.url('/ob/d3'), { headers: { 'X-Copy-From': 'nocontainer', 'content-length': '0' } })).status).toBe(412);
    expect((await f.req('COPY', f.url('/ob/src'), { headers: { Destination: 'bad' } })).status).toBe(412);
    expect((await f.req('PUT', f.url('/ob/d3'), { body: 'x', headers: { 'X-Copy-From': '/ob/src' } })).status).toBe(400);
  });
});

describe('ranges and conditionals', () => {
  let lastModified = '';
  beforeAll(async () => {
    await f.req('PUT', f.url('/ob/digits'), { body: '0123456789' });
    lastModified = (await f.req('HEAD', f.url('/ob/digits'))).headers.get('last-modified')!;
  });

  it('single ranges are 206 with Content-Range', async () => {
    const r1 = await f.req('GET', f.url('/ob/digits'), { headers: { range: 'bytes=2-4' } });
    expect(r1.status).toBe(206);
    expect(r1.headers.get('content-range')).toBe('bytes 2-4/10');
    expect(r1.headers.get('content-length')).toBe('3');
    expect(await r1.text()).toBe('234');
    const r2 = await f.req('GET', f.url('/ob/digits'), { headers: { range: 'bytes=-3' } });
    expect(await r2.text()).toBe('789');
    const r3 = await f.req('GET', f.url('/ob/digits'), { headers: { range: 'bytes=7-' } });
    expect(await r3.text()).toBe('789');
  });

  it('unsatisfiable is 416; multi-range and junk serve the whole object', async () => {
    const r = await f.req('GET', f.url('/ob/digits'), { headers: { range: 'bytes=20-30' } });
    expect(r.status).toBe(416);
    expect(r.headers.get('content-range')).toBe('bytes */10');
    const multi = await f.req('GET', f.url('/ob/digits'), { headers: { range: 'bytes=0-1,4-5' } });
    expect(multi.status).toBe(200);
    expect(await multi.text()).toBe('0123456789');
    expect((await f.req('GET', f.url('/ob/digits'), { headers: { range: 'lines=1-2' } })).status).toBe(200);
  });

  it('If-Match / If-None-Match / If-Modified-Since / If-Unmodified-Since', async () => {
    const etag = md5('0123456789');
    expect((await f.req('GET', f.url('/ob/digits'), { headers: { 'if-match': etag } })).status).toBe(200);
    expect((await f.req('GET', f.url('/ob/digits'), { headers: { 'if-match': `"${etag}"` } })).status).toBe(200);
    expect((await f.req('GET', f.url('/ob/digits'), { headers: { 'if-match': 'nope' } })).status).toBe(412);
    const nm = await f.req('GET', f.url('/ob/digits'), { headers: { 'if-none-match': etag } });
    expect(nm.status).toBe(304);
    expect(nm.headers.get('etag')).toBe(etag);
    expect((await f.req('HEAD', f.url('/ob/digits'), { headers: { 'if-none-match': etag } })).status).toBe(304);
    expect((await f.req('GET', f.url('/ob/digits'), { headers: { 'if-modified-since': lastModified } })).status).toBe(304);
    expect((await f.req('GET', f.url('/ob/digits'), { headers: { 'if-modified-since': 'Thu, 01 Jan 2015 00:00:00 GMT' } })).status).toBe(200);
    expect((await f.req('GET', f.url('/ob/digits'), { headers: { 'if-unmodified-since': 'Thu, 01 Jan 2015 00:00:00 GMT' } })).status).toBe(412);
    expect((await f.req('GET', f.url('/ob/digits'), { headers: { 'if-unmodified-since': lastModified } })).status).toBe(200);
  });

  it('304 and 412 carry the object headers (as swob sends them) and no body', async () => {
    await f.req('PUT', f.url('/ob/cond'), { body: 'conditional', headers: { 'content-type': 'text/x-cond', 'X-Object-Meta-Color': 'blue' } });
    const etag = md5('conditional');
    for (const method of ['GET', 'HEAD']) {
      const nm = await f.req(method, f.url('/ob/cond'), { headers: { 'if-none-match': etag } });
      expect(nm.status).toBe(304);
      expect(nm.headers.get('etag')).toBe(etag);
      expect(nm.headers.get('content-type')).toBe('text/x-cond');
      expect(nm.headers.get('x-object-meta-color')).toBe('blue');
      expect(nm.headers.get('x-timestamp')).toMatch(/^\d{10}\.\d{5}$/);
      expect(await nm.text()).toBe('');
      const failed = await f.req(method, f.url('/ob/cond'), { headers: { 'if-match': 'other' } });
      expect(failed.status).toBe(412);
      expect(failed.headers.get('etag')).toBe(etag);
      expect(failed.headers.get('x-object-meta-color')).toBe('blue');
      expect(failed.headers.get('content-length')).toBe('0');
      expect(await failed.text()).toBe('');
    }
  });
});

describe('expiry', () => {
  it('X-Delete-After becomes X-Delete-At; POST without it removes it; past and junk are 400', async () => {
    const before = Math.floor(Date.now() / 1000);
    expect((await f.req('PUT', f.url('/ob/exp'), { body: 'x', headers: { 'X-Delete-After': '3600' } })).status).toBe(201);
    const at = Number((await f.req('HEAD', f.url('/ob/exp'))).headers.get('x-delete-at'));
    expect(at).toBeGreaterThanOrEqual(before + 3600);
    expect(at).toBeLessThanOrEqual(before + 3700);
    await f.req('POST', f.url('/ob/exp'), { headers: { 'X-Object-Meta-A': '1' } });
    expect((await f.req('HEAD', f.url('/ob/exp'))).headers.get('x-delete-at')).toBeNull();
    expect((await f.req('POST', f.url('/ob/exp'), { headers: { 'X-Delete-At': String(before + 7200) } })).status).toBe(202);
    expect((await f.req('HEAD', f.url('/ob/exp'))).headers.get('x-delete-at')).toBe(String(before + 7200));
    expect((await f.req('PUT', f.url('/ob/exp2'), { body: 'x', headers: { 'X-Delete-At': '1000' } })).status).toBe(400);
    expect((await f.req('PUT', f.url('/ob/exp2'), { body: 'x', headers: { 'X-Delete-After': 'soon' } })).status).toBe(400);
  });
});

describe('dynamic large objects', () => {
  it('a manifest streams its segments in name order with a quoted etag', async () => {
    await f.req('PUT', f.url('/ob_segments'));
    const parts = ['aaa', 'bbbb', 'cc'];
    for (const [i, p] of parts.entries()) await f.req('PUT', f.url(`/ob_segments/big/${String(i).padStart(8, '0')}`), { body: p });
    const put = await f.req('PUT', f.url('/ob/big'), { body: '', headers: { 'X-Object-Manifest': 'ob_segments/big/' } });
    expect(put.status).toBe(201);
    const get = await f.req('GET', f.url('/ob/big'));
    expect(get.status).toBe(200);
    expect(await get.text()).toBe('aaabbbbcc');
    expect(get.headers.get('x-object-manifest')).toBe('ob_segments/big/');
    expect(get.headers.get('etag')).toBe(`"${md5(parts.map(md5).join(''))}"`);
    expect(get.headers.get('content-length')).toBe('9');
    const range = await f.req('GET', f.url('/ob/big'), { headers: { range: 'bytes=2-5' } });
    expect(await range.text()).toBe('abbb');
    for (const bad of ['no-slash', 'c/', '/c/p', 'c//p', 'c/p?x', 'c/p&x']) {
      expect((await f.req('PUT', f.url('/ob/bad-dlo'), { body: '', headers: { 'X-Object-Manifest': bad } })).status, bad).toBe(400);
    }
  });

  it('X-Object-Manifest is percent-decoded, as swiftclient quotes it (names with spaces and non-ASCII)', async () => {
    for (const [i, p] of ['one ', 'two'].entries()) await f.req('PUT', f.url(`/ob_segments/${encodeURIComponent('sp ace ü')}/${i}`), { body: p });
    const manifest = `ob_segments/${encodeURIComponent('sp ace ü')}/`;
    expect((await f.req('PUT', f.url('/ob/quoted-dlo'), { body: '', headers: { 'X-Object-Manifest': manifest } })).status).toBe(201);
    const get = await f.req('GET', f.url('/ob/quoted-dlo'));
    expect(await get.text()).toBe('one two');
    // The header comes back as it was sent.
    expect(get.headers.get('x-object-manifest')).toBe(manifest);
  });

  it('multipart-manifest=get serves the manifest object itself: its own bytes, unquoted etag and X-Object-Manifest', async () => {
    for (const method of ['GET', 'HEAD']) {
      const res = await f.req(method, f.url('/ob/big?multipart-manifest=get'));
      expect(res.status).toBe(200);
      expect(res.headers.get('etag')).toBe(md5(''));
      expect(res.headers.get('content-length')).toBe('0');
      expect(res.headers.get('x-object-manifest')).toBe('ob_segments/big/');
      expect(await res.text()).toBe('');
    }
    const nm = await f.req('GET', f.url('/ob/big?multipart-manifest=get'), { headers: { 'if-none-match': md5('') } });
    expect(nm.status).toBe(304);
    expect(nm.headers.get('etag')).toBe(md5(''));
    // A manifest PUT with a body keeps it; only the manifest GET shows it.
    await f.req('PUT', f.url('/ob/big-with-body'), { body: 'manifest body', headers: { 'X-Object-Manifest': 'ob_segments/big/' } });
    const own = await f.req('GET', f.url('/ob/big-with-body?multipart-manifest=get'));
    expect(await own.text()).toBe('manifest body');
    expect(own.headers.get('etag')).toBe(md5('manifest body'));
    expect(await (await f.req('GET', f.url('/ob/big-with-body'))).text()).toBe('aaabbbbcc');
  });

  it('a conditional GET that matches answers 304 with the same quoted etag as the 200', async () => {
    const etag = (await f.req('HEAD', f.url('/ob/big'))).headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    for (const sent of [etag, etag.slice(1, -1)]) {
      const res = await f.req('GET', f.url('/ob/big'), { headers: { 'if-none-match': sent } });
      expect(res.status).toBe(304);
      expect(res.headers.get('etag')).toBe(etag);
      expect(res.headers.get('x-object-manifest')).toBe('ob_segments/big/');
    }
  });
});

describe('static large objects', () => {
  const segs = ['first segment ', 'second ', 'third'];
  beforeAll(async () => {
    await f.req('PUT', f.url('/slo_segs'));
    for (const [i, s] of segs.entries()) await f.req('PUT', f.url(`/slo_segs/s${i}`), { body: s });
  });

  it('multipart-manifest=put stores an SLO; GET streams it with X-Static-Large-Object', async () => {
    const manifest = segs.map((s, i) => ({ path: `/slo_segs/s${i}`, etag: md5(s), size_bytes: s.length }));
    const put = await f.req('PUT', f.url('/ob/slo?multipart-manifest=put'), { body: JSON.stringify(manifest), headers: { 'X-Object-Meta-Kind': 'slo' } });
    expect(put.status).toBe(201);
    const sloEtag = md5(segs.map(md5).join(''));
    expect(put.headers.get('etag')).toBe(`"${sloEtag}"`);
    const get = await f.req('GET', f.url('/ob/slo'));
    expect(get.status).toBe(200);
    expect(await get.text()).toBe(segs.join(''));
    expect(get.headers.get('x-static-large-object')).toBe('True');
    expect(get.headers.get('etag')).toBe(`"${sloEtag}"`);
    expect(get.headers.get('x-object-meta-kind')).toBe('slo');
    const head = await f.req('HEAD', f.url('/ob/slo'));
    expect(head.headers.get('content-length')).toBe(String(segs.join('').length));
    const range = await f.req('GET', f.url('/ob/slo'), { headers: { range: 'bytes=10-17' } });
    expect(range.status).toBe(206);
    expect(await range.text()).toBe(segs.join('').slice(10, 18));
  });

  it('a conditional GET that matches answers 304 with the same quoted etag and X-Static-Large-Object', async () => {
    const sloEtag = `"${md5(segs.map(md5).join(''))}"`;
    for (const method of ['GET', 'HEAD']) {
      const res = await f.req(method, f.url('/ob/slo'), { headers: { 'if-none-match': sloEtag } });
      expect(res.status).toBe(304);
      expect(res.headers.get('etag')).toBe(sloEtag);
      expect(res.headers.get('x-static-large-object')).toBe('True');
    }
    expect((await f.req('GET', f.url('/ob/slo'), { headers: { 'if-match': sloEtag } })).status).toBe(200);
  });

  it('multipart-manifest=get returns the segment list (and format=raw the PUT form)', async () => {
    const res = await f.req('GET', f.url('/ob/slo?multipart-manifest=get'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const list = (await res.json()) as Array<Record<string, unknown>>;
    expect(list.map((s) => [s.name, s.hash, s.bytes])).toEqual(segs.map((s, i) => [`/slo_segs/s${i}`, md5(s), s.length]));
    const raw = (await (await f.req('GET', f.url('/ob/slo?multipart-manifest=get&format=raw'))).json()) as Array<Record<string, unknown>>;
    expect(raw[0]).toEqual({ path: '/slo_segs/s0', etag: md5(segs[0]!), size_bytes: segs[0]!.length });
    // A plain object asked for its manifest is served as itself.
    await f.req('PUT', f.url('/ob/plain-one'), { body: 'plain' });
    expect(await (await f.req('GET', f.url('/ob/plain-one?multipart-manifest=get'))).text()).toBe('plain');
  });

  it('bad manifests are 400 with the failing segments listed', async () => {
    expect((await f.req('PUT', f.url('/ob/slo-bad?multipart-manifest=put'), { body: 'not json' })).status).toBe(400);
    expect((await f.req('PUT', f.url('/ob/slo-bad?multipart-manifest=put'), { body: '[]' })).status).toBe(400);
    const res = await f.req('PUT', f.url('/ob/slo-bad?multipart-manifest=put'), {
      body: JSON.stringify([{ path: '/slo_segs/missing', etag: null, size_bytes: null }, { path: '/slo_segs/s0', etag: md5('wrong'), size_bytes: null }]),
    });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).toContain('Errors:');
    expect(text).toContain('/slo_segs/missing, 404 Not Found');
    expect(text).toContain('/slo_segs/s0, Etag Mismatch');
    expect((await f.req('HEAD', f.url('/ob/slo-bad'))).status).toBe(404);
  });

  it('a copy of an SLO is its content: deleting the copy as a manifest leaves the source segments alone', async () => {
    const sloEtag = `"${md5(segs.map(md5).join(''))}"`;
    expect((await f.req('COPY', f.url('/ob/slo'), { headers: { Destination: 'ob/slo-copy' } })).status).toBe(201);
    expect((await f.req('PUT', f.url('/ob/slo-copy2'), { headers: { 'X-Copy-From': 'ob/slo', 'content-length': '0' } })).status).toBe(201);
    for (const name of ['slo-copy', 'slo-copy2']) {
      const get = await f.req('GET', f.url(`/ob/${name}`));
      expect(await get.text()).toBe(segs.join(''));
      expect(get.headers.get('etag')).toBe(sloEtag);
      const del = await f.req('DELETE', f.url(`/ob/${name}?multipart-manifest=delete`), { headers: { accept: 'application/json' } });
      expect(((await del.json()) as Record<string, unknown>)['Number Deleted']).toBe(1);
    }
    for (const i of segs.keys()) expect((await f.req('HEAD', f.url(`/slo_segs/s${i}`))).status).toBe(200);
    expect(await (await f.req('GET', f.url('/ob/slo'))).text()).toBe(segs.join(''));
  });

  it('multipart-manifest=delete removes the manifest and its segments', async () => {
    const manifest = [{ path: '/slo_segs/s2', etag: null, size_bytes: null }];
    expect((await f.req('PUT', f.url('/ob/slo-del?multipart-manifest=put'), { body: JSON.stringify(manifest) })).status).toBe(201);
    const res = await f.req('DELETE', f.url('/ob/slo-del?multipart-manifest=delete'), { headers: { accept: 'application/json' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ 'Number Deleted': 2, 'Number Not Found': 0, 'Response Body': '', 'Response Status': '200 OK', Errors: [] });
    expect((await f.req('HEAD', f.url('/ob/slo-del'))).status).toBe(404);
    expect((await f.req('HEAD', f.url('/slo_segs/s2'))).status).toBe(404);
  });
});

describe('bulk delete', () => {
  it('deletes objects and containers, counting what was not found (plain and JSON)', async () => {
    await f.req('PUT', f.url('/bulk1'));
    await f.req('PUT', f.url('/bulk1/a b'), { body: '1' });
    await f.req('PUT', f.url('/bulk1/c/d'), { body: '2' });
    await f.req('PUT', f.url('/bulk2'));
    await f.req('PUT', f.url('/bulk2/keep'), { body: '3' });
    const body = ['/bulk1/a%20b', 'bulk1/c/d', '/bulk1/missing', '/bulk1', '/bulk2'].join('\n');
    const res = await f.req('POST', f.url('?bulk-delete'), { body, headers: { 'content-type': 'text/plain', accept: 'application/json' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      'Number Deleted': 3,
      'Number Not Found': 1,
      'Response Body': '',
      'Response Status': '400 Bad Request',
      Errors: [['/bulk2', '409 Conflict']],
    });
    expect((await f.req('HEAD', f.url('/bulk1'))).status).toBe(404);
    const plain = await f.req('DELETE', f.url('?bulk-delete'), { body: '/bulk2/keep\n/bulk2\n' });
    expect(plain.status).toBe(200);
    expect(await plain.text()).toBe('Number Deleted: 2\nNumber Not Found: 0\nResponse Body: \nResponse Status: 200 OK\nErrors:\n');
  });

  it('needs write access', async () => {
    await f.req('PUT', f.url('/bulk3'));
    await f.req('PUT', f.url('/bulk3/x'), { body: '1' });
    const res = await f.req('POST', f.url('?bulk-delete'), { token: f.reader.token, body: '/bulk3/x', headers: { accept: 'application/json' } });
    const out = (await res.json()) as { Errors: string[][] };
    expect(out.Errors).toEqual([['/bulk3/x', '403 Forbidden']]);
    expect((await f.req('HEAD', f.url('/bulk3/x'))).status).toBe(200);
    expect((await f.req('POST', f.url('?bulk-delete'), { token: null, body: '/bulk3/x' })).status).toBe(401);
    // Anonymous is refused whatever the body names, so it cannot probe for containers either.
    for (const body of ['/no-such/x\n/no-such\n', '']) {
      for (const method of ['POST', 'DELETE']) expect((await f.req(method, f.url('?bulk-delete'), { token: null, body })).status).toBe(401);
    }
    const other = await f.req('POST', f.url('?bulk-delete'), { token: f.other.token, body: '/no-such/x\n/bulk3/x\n', headers: { accept: 'application/json' } });
    const got = (await other.json()) as { 'Number Not Found': number; Errors: string[][] };
    expect(got['Number Not Found']).toBe(0);
    expect(got.Errors).toEqual([
      ['/no-such/x', '403 Forbidden'],
      ['/bulk3/x', '403 Forbidden'],
    ]);
  });
});
