// Glance request parsing: list query, JSON-patch documents and Range headers.
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { isCoreError } from '../../../core/errors.js';
import { parseCreate, parseListQuery, parsePatch, parseRange } from './request.js';

async function query(qs: string) {
  const app = new Hono();
  let out: unknown;
  let err: unknown;
  app.get('/x', (c) => {
    try {
      out = parseListQuery(c);
    } catch (e) {
      err = e;
    }
    return c.body(null, 204);
  });
  await app.request(`/x?${qs}`);
  if (err) throw err;
  return out as ReturnType<typeof parseListQuery>;
}

describe('parseListQuery', () => {
  it('reads filters, in: lists, operators and free-form properties', async () => {
    const o = await query('name=in:a,"b,c"&status=ACTIVE&tag=x&tag=y&size_min=1&created_at=gte:2024-01-01T00:00:00Z&updated_at=2024-02-01T00:00:00Z&os_distro=debian&protected=false&visibility=all&member_status=all');
    expect(o).toMatchObject({
      name: ['a', 'b,c'],
      status: ['active'],
      tags: ['x', 'y'],
      sizeMin: 1,
      createdAt: [{ op: 'gte', at: Date.parse('2024-01-01T00:00:00Z') }],
      updatedAt: [{ op: 'eq', at: Date.parse('2024-02-01T00:00:00Z') }],
      properties: { os_distro: 'debian' },
      protected: false,
      visibility: 'all',
      memberStatus: 'all',
    });
  });

  it('reads sort_key/sort_dir pairs and sort=', async () => {
    expect((await query('sort_key=name&sort_key=size&sort_dir=asc&sort_dir=desc')).sort).toEqual([
      { key: 'name', dir: 'asc' },
      { key: 'size', dir: 'desc' },
    ]);
    expect((await query('sort=name:asc,created_at')).sort).toEqual([
      { key: 'name', dir: 'asc' },
      { key: 'created_at', dir: 'desc' },
    ]);
  });

  it('refuses bad values with Invalid', async () => {
    for (const qs of ['limit=x', 'limit=-2', 'sort_key=nope', 'sort_dir=sideways', 'sort=name&sort_key=id', 'visibility=x', 'member_status=x', 'protected=1', 'size_max=-1', 'created_at=gt:yesterday']) {
      await expect(query(qs), qs).rejects.toSatisfy((e: unknown) => isCoreError(e, 'Invalid'));
    }
  });
});

describe('parsePatch', () => {
  it('reads the v2.1 and v2.0 forms and decodes pointer escapes', () => {
    expect(parsePatch([{ op: 'add', path: '/a~1b~0c', value: 'v' }, { remove: '/x' }, { op: 'replace', path: '/name', value: null }])).toEqual([
      { op: 'add', attr: 'a/b~c', value: 'v' },
      { op: 'remove', attr: 'x' },
      { op: 'replace', attr: 'name', value: null },
    ]);
  });

  it('refuses other operations, nested or malformed pointers, missing values and non-arrays', () => {
    for (const doc of [{}, [{ op: 'test', path: '/a', value: 1 }], [{ op: 'add', path: 'a', value: 1 }], [{ op: 'add', path: '/a/b', value: 1 }], [{ op: 'add', path: '/a' }], [{ op: 'add', path: '/a~2', value: 1 }], ['x']]) {
      expect(() => parsePatch(doc), JSON.stringify(doc)).toThrow();
    }
  });
});

describe('parseCreate and parseRange', () => {
  it('splits known attributes from free-form properties', () => {
    expect(parseCreate({ name: 'n', min_disk: 1, os_distro: 'x', status: 'active' })).toEqual({ name: 'n', minDisk: 1, extra: { os_distro: 'x', status: 'active' } });
  });

  it('reads one bytes range', () => {
    expect(parseRange(undefined)).toBeUndefined();
    expect(parseRange('bytes=0-9')).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=5-')).toEqual({ start: 5 });
    expect(parseRange('bytes=-4')).toEqual({ suffix: 4 });
    expect(parseRange('bytes=9-1')).toBe('invalid');
    expect(parseRange('bytes=0-1,3-4')).toBe('invalid');
    expect(parseRange('items=0-1')).toBe('invalid');
  });
});
