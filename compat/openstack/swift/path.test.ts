// Raw Swift path parsing: names stay verbatim, limits are Swift's.
import { describe, expect, it } from 'vitest';
import { isPathError, parseSwiftPath, splitContainerObject, type SwiftTarget } from './path.js';

const ok = (raw: string): SwiftTarget => {
  const t = parseSwiftPath(raw);
  if (isPathError(t)) throw new Error(`unexpected error ${t.status} ${t.message}`);
  return t;
};

describe('parseSwiftPath', () => {
  it('splits account, container and object', () => {
    const t = ok('/v1/AUTH_abc/cont/dir/obj.txt?format=json&prefix=a%2Fb');
    expect(t).toMatchObject({ version: 'v1', account: 'AUTH_abc', projectId: 'abc', container: 'cont', object: 'dir/obj.txt' });
    expect(t.query.get('format')).toBe('json');
    expect(t.query.get('prefix')).toBe('a/b');
  });

  it('keeps //, a leading slash, dot segments and encoded dots verbatim (decoded once)', () => {
    expect(ok('/v1/AUTH_p/c//tmp/x').object).toBe('/tmp/x');
    expect(ok('/v1/AUTH_p/c/a//b').object).toBe('a//b');
    expect(ok('/v1/AUTH_p/c/../../etc/passwd').object).toBe('../../etc/passwd');
    expect(ok('/v1/AUTH_p/c/%2e%2e/x').object).toBe('../x');
    expect(ok('/v1/AUTH_p/c/a%252F').object).toBe('a%2F');
    expect(ok('/v1/AUTH_p/c/caf%C3%A9/%E2%98%83').object).toBe('café/☃');
    expect(ok('/v1/AUTH_p/c/.').object).toBe('.');
  });

  it('treats a trailing slash as the level above', () => {
    const c = ok('/v1/AUTH_p/c/');
    expect(c.container).toBe('c');
    expect(c.object).toBeUndefined();
    const a = ok('/v1/AUTH_p/');
    expect(a.container).toBeUndefined();
  });

  it('accepts v1.0 and foreign accounts (no project)', () => {
    expect(ok('/v1.0/AUTH_p').version).toBe('v1.0');
    expect(ok('/v1/other').projectId).toBeUndefined();
  });

  it('refuses names over the limits and bad URLs', () => {
    const long = parseSwiftPath(`/v1/AUTH_p/c/${'x'.repeat(1025)}`);
    expect(isPathError(long) && long.status).toBe(400);
    expect(isPathError(parseSwiftPath(`/v1/AUTH_p/c/${'é'.repeat(512)}`))).toBe(false);
    const longC = parseSwiftPath(`/v1/AUTH_p/${'c'.repeat(257)}`);
    expect(isPathError(longC) && longC.status).toBe(400);
    for (const bad of ['/v2/AUTH_p', '/', '/v1', '/v1/', '/v1/AUTH_p//o']) {
      const t = parseSwiftPath(bad);
      expect(isPathError(t) && t.status, bad).toBe(412);
    }
    const badUtf8 = parseSwiftPath('/v1/AUTH_p/c/%FF');
    expect(isPathError(badUtf8) && badUtf8.status).toBe(412);
    const nul = parseSwiftPath('/v1/AUTH_p/c/a%00b');
    expect(isPathError(nul) && nul.status).toBe(412);
  });
});

describe('splitContainerObject', () => {
  it('parses X-Copy-From / Destination forms', () => {
    expect(splitContainerObject('/c/o/p')).toEqual({ container: 'c', object: 'o/p' });
    expect(splitContainerObject('c/%2e%2e/x')).toEqual({ container: 'c', object: '../x' });
    expect(splitContainerObject('c')).toBeUndefined();
    expect(splitContainerObject('/c/')).toBeUndefined();
  });
});
