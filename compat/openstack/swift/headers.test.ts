// Swift header conventions: transaction ids, timestamps, metadata names and limits.
import { describe, expect, it } from 'vitest';
import { checkMetadata, headerSafe, httpDate, listingTime, newTransId, readMetaHeaders, swiftTimestamp, titleCase } from './headers.js';

describe('Swift header formats', () => {
  it('makes transaction ids in Swift form with the unix time', () => {
    const now = Date.UTC(2026, 10, 25, 19, 27, 8);
    const id = newTransId(now);
    expect(id).toMatch(/^tx[0-9a-f]{21}-[0-9a-f]{10}$/);
    expect(parseInt(id.slice(-10), 16)).toBe(Math.floor(now / 1000));
    expect(newTransId(now)).not.toBe(id);
  });

  it('formats timestamps', () => {
    const ms = 1732560428123;
    expect(swiftTimestamp(ms)).toBe('1732560428.12300');
    expect(listingTime(ms)).toBe('2024-11-25T18:47:08.123000');
    expect(httpDate(ms)).toBe('Mon, 25 Nov 2024 18:47:08 GMT');
  });

  it('reads and title-cases metadata headers', () => {
    const h = new Headers({ 'X-Object-Meta-Color': 'Blue', 'x-object-meta-two-words': 'v', 'X-Remove-Object-Meta-Old': 'x', 'X-Object-Meta-Empty': '' });
    const { set, remove } = readMetaHeaders(h, 'Object');
    expect(set).toEqual({ color: 'Blue', 'two-words': 'v' });
    expect(remove.sort()).toEqual(['empty', 'old']);
    expect(titleCase('two-words')).toBe('Two-Words');
  });

  it('enforces Swift metadata limits', () => {
    expect(checkMetadata({ a: 'b' }, 'Object')).toBeUndefined();
    expect(checkMetadata({ ['k'.repeat(129)]: 'v' }, 'Object')).toMatch(/name too long/);
    expect(checkMetadata({ k: 'v'.repeat(257) }, 'Container')).toMatch(/longer than 256/);
    expect(checkMetadata(Object.fromEntries(Array.from({ length: 91 }, (_, i) => [`k${i}`, 'v'])), 'Account')).toMatch(/Too many/);
  });

  it('makes any text sendable as a header', () => {
    expect(headerSafe('plain')).toBe('plain');
    expect(() => new Headers({ x: headerSafe('☃ snow\r\nX: y') })).not.toThrow();
  });
});
