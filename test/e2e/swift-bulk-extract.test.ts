// Swift bulk extract (`PUT ?extract-archive=tar|tar.gz|tar.bz2`): archives made by GNU tar become containers and objects; Swift's result body.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { swiftFixture, type SwiftFixture } from './swift-fixture.js';

let f: SwiftFixture;
let dir: string;

/** A GNU tar archive of the tree under `dir` (files named by relative path), compressed as `flag` says. */
function archive(files: Record<string, string>, flag: '' | 'z' | 'j', extra: string[] = []): Buffer {
  const root = mkdtempSync(join(dir, 'tree-'));
  for (const [name, body] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), body);
  }
  const out = join(dir, `a-${Math.random().toString(16).slice(2)}.tar`);
  try {
    execFileSync('tar', [`-c${flag}f`, out, '--format=pax', ...extra, '-C', root, ...Object.keys(files).map((n) => n.split('/')[0]!).filter((v, i, a) => a.indexOf(v) === i)]);
  } catch (e) {
    throw new Error(`GNU tar with gzip and bzip2 is needed for this test (apt-get install tar gzip bzip2): ${String(e)}`);
  }
  return readFileSync(out);
}

const extract = (path: string, body: Uint8Array, format: string, accept?: string) =>
  f.req('PUT', `${f.url(path)}?extract-archive=${format}`, { body, ...(accept ? { headers: { accept } } : {}) });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'skybridge-extract-'));
  f = await swiftFixture();
});
afterAll(async () => {
  await f?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('extract-archive', () => {
  it('tar at the account: first segments become containers, top-level files are skipped, pax user.meta xattrs become metadata', async () => {
    const tar = archive({ 'ex1/a.txt': 'hi', 'ex1/dir/b.txt': 'there', 'ex2/x.bin': 'xyz', 'top.txt': 'skipped' }, '', ['--pax-option=SCHILY.xattr.user.meta.color=blue']);
    const res = await extract('', tar, 'tar');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('Number Files Created: 3\nResponse Body: \nResponse Status: 201 Created\nErrors:\n');
    expect(await (await f.req('GET', f.url('/ex1/dir/b.txt'))).text()).toBe('there');
    const head = await f.req('HEAD', f.url('/ex2/x.bin'));
    expect(head.headers.get('x-object-meta-color')).toBe('blue');
    expect((await (await f.req('GET', f.url('/ex1'))).text()).split('\n').filter(Boolean)).toEqual(['a.txt', 'dir/b.txt']);
  });

  it('tar.gz into a container and tar.bz2 under a pseudo-folder, JSON result by Accept', async () => {
    expect((await f.req('PUT', f.url('/into'))).status).toBe(201);
    const gz = await extract('/into', archive({ 'g/one': '1', 'g/two': '22' }, 'z'), 'tar.gz', 'application/json');
    expect(await gz.json()).toEqual({ 'Number Files Created': 2, 'Response Body': '', 'Response Status': '201 Created', Errors: [] });
    const bz = await extract('/into/deep', archive({ 'b/three': '333', 'four': '4444' }, 'j'), 'tar.bz2', 'application/json');
    expect(await bz.json()).toMatchObject({ 'Number Files Created': 2, 'Response Status': '201 Created' });
    expect(await (await f.req('GET', f.url('/into/g/two'))).text()).toBe('22');
    expect(await (await f.req('GET', f.url('/into/deep/b/three'))).text()).toBe('333');
    expect(await (await f.req('GET', f.url('/into/deep/four'))).text()).toBe('4444');
  });

  it('failed files are listed with their status (quota 413) and the body status is 400; the rest are written', async () => {
    expect((await f.req('PUT', f.url('/tight'), { headers: { 'X-Container-Meta-Quota-Bytes': '4' } })).status).toBe(201);
    const res = await extract('', archive({ 'tight/small': '1234', 'tight/large': '123456789' }, ''), 'tar');
    const text = await res.text();
    expect(text).toContain('Number Files Created: 1\n');
    expect(text).toContain('Response Status: 400 Bad Request\n');
    expect(text).toContain('\ntight/large, 413 Request Entity Too Large\n');
    expect((await f.req('HEAD', f.url('/tight/large'))).status).toBe(404);
  });

  it('refusals: unknown format 400, damaged archive reported in the body, anonymous 401, a reader cannot write', async () => {
    const bad = await extract('', new Uint8Array([1, 2, 3]), 'zip');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toBe('Unsupported archive format');
    for (const format of ['tar', 'tar.gz', 'tar.bz2']) {
      const res = await extract('', Buffer.from('this is not an archive at all, not even close'.repeat(20)), format, 'application/json');
      expect(res.status).toBe(200);
      const body = (await res.json()) as Record<string, string>;
      expect(body['Response Status']).toBe('400 Bad Request');
      expect(body['Response Body']).toMatch(/^Invalid Tar File: /);
    }
    const tar = archive({ 'ro/x': 'x' }, '');
    expect((await f.req('PUT', `${f.url()}?extract-archive=tar`, { body: tar, token: null })).status).toBe(401);
    const res = await f.req('PUT', `${f.url()}?extract-archive=tar`, { body: tar, token: f.reader.token, headers: { accept: 'application/json' } });
    expect(await res.json()).toMatchObject({ 'Number Files Created': 0, 'Response Status': '400 Bad Request', Errors: [['ro/x', '403 Forbidden']] });
  });

  it('/info advertises bulk_upload', async () => {
    const info = (await (await f.sys.request('/info')).json()) as Record<string, unknown>;
    expect(info.bulk_upload).toEqual({ max_containers_per_extraction: 10000, max_failed_extractions: 1000 });
  });
});
