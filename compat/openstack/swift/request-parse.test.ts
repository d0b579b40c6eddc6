// Request parsing: ranges, conditionals, expiry, listing parameters and ACL cleaning.
import { describe, expect, it } from 'vitest';
import { SwiftError } from './errors.js';
import { cleanAcl, parseConditions, parseDeleteAt, parseListing, parseRange } from './request-parse.js';

const status = (f: () => unknown): number | undefined => {
  try {
    f();
  } catch (e) {
    if (e instanceof SwiftError) return e.status;
    throw e;
  }
  return undefined;
};

describe('parseRange', () => {
  it('parses single ranges and ignores multi-range or junk', () => {
    expect(parseRange('bytes=0-9')).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=5-')).toEqual({ start: 5 });
    expect(parseRange('bytes=-3')).toEqual({ suffix: 3 });
    expect(parseRange('bytes=0-1,3-4')).toBeUndefined();
    expect(parseRange('bytes=9-1')).toBeUndefined();
    expect(parseRange('items=1-2')).toBeUndefined();
    expect(parseRange(null)).toBeUndefined();
  });
});

describe('parseConditions', () => {
  it('reads etag lists and dates', () => {
    const c = parseConditions(new Headers({ 'If-Match': '"a", b', 'If-Modified-Since': 'Mon, 25 Nov 2024 18:47:08 GMT', 'If-Unmodified-Since': 'garbage' }));
    expect(c).toEqual({ ifMatch: ['"a"', 'b'], ifModifiedSince: Date.UTC(2024, 10, 25, 18, 47, 8) });
    expect(parseConditions(new Headers())).toBeUndefined();
  });
});

describe('parseDeleteAt', () => {
  const now = 1_700_000_000_000;
  it('converts X-Delete-After and X-Delete-At', () => {
    expect(parseDeleteAt(new Headers({ 'X-Delete-After': '60' }), now)).toBe(now + 60_000);
    expect(parseDeleteAt(new Headers({ 'X-Delete-At': '1800000000' }), now)).toBe(1_800_000_000_000);
    expect(parseDeleteAt(new Headers(), now)).toBeUndefined();
  });
  it('refuses junk and the past with 400', () => {
    expect(status(() => parseDeleteAt(new Headers({ 'X-Delete-At': 'soon' }), now))).toBe(400);
    expect(status(() => parseDeleteAt(new Headers({ 'X-Delete-After': '-1' }), now))).toBe(400);
    expect(status(() => parseDeleteAt(new Headers({ 'X-Delete-At': '1000' }), now))).toBe(400);
  });
});

describe('parseListing', () => {
  it('maps parameters and enforces limits with 412', () => {
    const { opts } = parseListing(new URLSearchParams('prefix=a&delimiter=/&marker=m&end_marker=z&limit=5&reverse=true'));
    expect(opts).toEqual({ prefix: 'a', delimiter: '/', marker: 'm', endMarker: 'z', limit: 5, reverse: true });
    expect(parseListing(new URLSearchParams('')).opts.limit).toBe(10000);
    expect(status(() => parseListing(new URLSearchParams('limit=10001')))).toBe(412);
    expect(status(() => parseListing(new URLSearchParams('limit=-1')))).toBe(412);
    expect(status(() => parseListing(new URLSearchParams('limit=abc')))).toBe(412);
    expect(status(() => parseListing(new URLSearchParams('delimiter=ab')))).toBe(412);
    expect(parseListing(new URLSearchParams('path=photos'))).toMatchObject({ path: 'photos', opts: { prefix: 'photos/', delimiter: '/' } });
  });
});

describe('cleanAcl', () => {
  it('normalises and validates like Swift', () => {
    expect(cleanAcl('X-Container-Read', ' .r:* , .rlistings,, proj:user ')).toBe('.r:*,.rlistings,proj:user');
    expect(cleanAcl('X-Container-Read', '.referrer:example.com,.r:-bad.com')).toBe('.r:example.com,.r:-bad.com');
    expect(cleanAcl('X-Container-Read', '')).toBe('');
    expect(status(() => cleanAcl('X-Container-Write', '.r:*'))).toBe(400);
    expect(status(() => cleanAcl('X-Container-Read', '.bogus:x'))).toBe(400);
    expect(status(() => cleanAcl('X-Container-Read', '.r:'))).toBe(400);
  });
});
