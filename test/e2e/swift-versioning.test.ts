// Swift versioned writes e2e: X-Versions-Location (stack) and X-History-Location (history) archive containers, and their refusals.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { swiftFixture, type SwiftFixture } from './swift-fixture.js';

let f: SwiftFixture;
beforeAll(async () => {
  f = await swiftFixture();
});
afterAll(async () => {
  await f.dispose();
});

async function listing(container: string): Promise<Array<{ name: string; content_type: string; bytes: number }>> {
  const res = await f.req('GET', f.url(`/${container}?format=json`));
  return (await res.json()) as Array<{ name: string; content_type: string; bytes: number }>;
}

const body = async (path: string) => {
  const res = await f.req('GET', f.url(path));
  return res.status === 200 ? res.text() : res.status;
};

describe('X-Versions-Location (stack mode)', () => {
  beforeAll(async () => {
    await f.req('PUT', f.url('/stack-archive'));
    expect((await f.req('PUT', f.url('/stack'), { headers: { 'X-Versions-Location': 'stack-archive' } })).status).toBe(201);
  });

  it('shows the setting and archives each overwritten version as <len><name>/<timestamp>', async () => {
    expect((await f.req('HEAD', f.url('/stack'))).headers.get('x-versions-location')).toBe('stack-archive');
    for (const v of ['v1', 'v2', 'v3']) expect((await f.req('PUT', f.url('/stack/doc'), { body: v })).status).toBe(201);
    expect(await body('/stack/doc')).toBe('v3');
    const archived = await listing('stack-archive');
    expect(archived.map((e) => e.name)).toEqual([expect.stringMatching(/^003doc\/\d{10}\.\d{5}$/), expect.stringMatching(/^003doc\/\d{10}\.\d{5}$/)]);
    expect(await body(`/stack-archive/${archived[0]!.name}`)).toBe('v1');
    expect(await body(`/stack-archive/${archived[1]!.name}`)).toBe('v2');
    // The versioned container counts only its current objects.
    expect((await f.req('HEAD', f.url('/stack'))).headers.get('x-container-object-count')).toBe('1');
  });

  it('DELETE restores the previous version until none is left', async () => {
    expect((await f.req('DELETE', f.url('/stack/doc'))).status).toBe(204);
    expect(await body('/stack/doc')).toBe('v2');
    expect((await listing('stack-archive')).length).toBe(1);
    expect((await f.req('DELETE', f.url('/stack/doc'))).status).toBe(204);
    expect(await body('/stack/doc')).toBe('v1');
    expect(await listing('stack-archive')).toEqual([]);
    expect((await f.req('DELETE', f.url('/stack/doc'))).status).toBe(204);
    expect(await body('/stack/doc')).toBe(404);
    expect((await f.req('DELETE', f.url('/stack/doc'))).status).toBe(404);
  });

  it('X-Remove-Versions-Location turns it off', async () => {
    await f.req('PUT', f.url('/stack-off-archive'));
    await f.req('PUT', f.url('/stack-off'), { headers: { 'X-Versions-Location': 'stack-off-archive' } });
    expect((await f.req('POST', f.url('/stack-off'), { headers: { 'X-Remove-Versions-Location': 'x' } })).status).toBe(204);
    expect((await f.req('HEAD', f.url('/stack-off'))).headers.get('x-versions-location')).toBeNull();
    await f.req('PUT', f.url('/stack-off/o'), { body: 'a' });
    await f.req('PUT', f.url('/stack-off/o'), { body: 'b' });
    expect(await listing('stack-off-archive')).toEqual([]);
  });
});

describe('X-History-Location (history mode)', () => {
  beforeAll(async () => {
    await f.req('PUT', f.url('/hist-archive'));
    await f.req('PUT', f.url('/hist'));
    expect((await f.req('POST', f.url('/hist'), { headers: { 'X-History-Location': 'hist-archive' } })).status).toBe(204);
  });

  it('DELETE archives the current version, adds a delete marker and leaves nothing', async () => {
    expect((await f.req('HEAD', f.url('/hist'))).headers.get('x-history-location')).toBe('hist-archive');
    await f.req('PUT', f.url('/hist/doc'), { body: 'one' });
    await f.req('PUT', f.url('/hist/doc'), { body: 'two' });
    expect((await f.req('DELETE', f.url('/hist/doc'))).status).toBe(204);
    expect(await body('/hist/doc')).toBe(404);
    const archived = await listing('hist-archive');
    expect(archived.map((e) => e.bytes)).toEqual([3, 3, 0]);
    expect(archived[2]!.content_type).toBe('application/x-deleted;swift_versions_deleted=1');
    expect(await body(`/hist-archive/${archived[0]!.name}`)).toBe('one');
    expect(await body(`/hist-archive/${archived[1]!.name}`)).toBe('two');
    expect(await listing('hist')).toEqual([]);
  });
});

describe('switching modes', () => {
  it('a stack-mode DELETE undoes a history-mode delete: the version under the marker comes back, the marker goes', async () => {
    await f.req('PUT', f.url('/undo-archive'));
    await f.req('PUT', f.url('/undo'), { headers: { 'X-History-Location': 'undo-archive' } });
    await f.req('PUT', f.url('/undo/doc'), { body: 'kept' });
    await f.req('DELETE', f.url('/undo/doc'));
    expect((await listing('undo-archive')).length).toBe(2);
    expect((await f.req('POST', f.url('/undo'), { headers: { 'X-Versions-Location': 'undo-archive' } })).status).toBe(204);
    expect((await f.req('HEAD', f.url('/undo'))).headers.get('x-history-location')).toBeNull();
    expect((await f.req('DELETE', f.url('/undo/doc'))).status).toBe(204);
    expect(await body('/undo/doc')).toBe('kept');
    expect(await listing('undo-archive')).toEqual([]);
  });
});

describe('refusals', () => {
  it('both locations at once is 400', async () => {
    const res = await f.req('PUT', f.url('/both'), { headers: { 'X-Versions-Location': 'a', 'X-History-Location': 'b' } });
    expect(res.status).toBe(400);
  });

  it('an overwrite whose archive container does not exist is 412 and keeps the current object', async () => {
    await f.req('PUT', f.url('/orphan'), { headers: { 'X-Versions-Location': 'no-such-archive' } });
    expect((await f.req('PUT', f.url('/orphan/o'), { body: 'first' })).status).toBe(201);
    expect((await f.req('PUT', f.url('/orphan/o'), { body: 'second' })).status).toBe(412);
    expect(await body('/orphan/o')).toBe('first');
    // Nothing to restore from a missing archive: DELETE just deletes.
    expect((await f.req('DELETE', f.url('/orphan/o'))).status).toBe(204);
    expect(await body('/orphan/o')).toBe(404);
  });
});
