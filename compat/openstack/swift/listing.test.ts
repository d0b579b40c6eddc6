// Listing bodies and format negotiation.
import { parseStringPromise } from 'xml2js';
import { describe, expect, it } from 'vitest';
import { formatAccountListing, formatContainerListing, negotiateFormat } from './listing.js';

const t = Date.UTC(2026, 10, 25, 19, 27, 8, 123);

describe('negotiateFormat', () => {
  it('prefers format= over Accept, defaults to plain', () => {
    expect(negotiateFormat('json', 'application/xml')?.format).toBe('json');
    expect(negotiateFormat(null, null)?.format).toBe('plain');
    expect(negotiateFormat(null, '*/*')?.format).toBe('plain');
    expect(negotiateFormat(null, 'application/json')?.contentType).toBe('application/json; charset=utf-8');
    expect(negotiateFormat(null, 'text/xml')?.contentType).toBe('text/xml; charset=utf-8');
    expect(negotiateFormat(null, 'text/plain;q=0.5, application/json')?.format).toBe('json');
    expect(negotiateFormat('bogus', 'application/xml')?.format).toBe('xml');
    expect(negotiateFormat(null, 'image/png')).toBeUndefined();
  });
});

describe('container listings', () => {
  const entries = [
    { name: 'a<&>.txt', hash: 'd41d8cd98f00b204e9800998ecf8427e', bytes: 0, contentType: 'text/plain', lastModified: t },
    { subdir: 'p/' },
    { name: 'z', hash: 'x', bytes: 3, contentType: 'application/octet-stream', lastModified: t, extra: { slo_etag: '"e"' } },
  ];

  it('renders plain, json (no Z, microseconds) and xml in order', async () => {
    expect(formatContainerListing('plain', 'c', entries)).toBe('a<&>.txt\np/\nz\n');
    expect(formatContainerListing('plain', 'c', [])).toBeUndefined();
    const json = JSON.parse(formatContainerListing('json', 'c', entries)!);
    expect(json[0]).toEqual({ name: 'a<&>.txt', hash: 'd41d8cd98f00b204e9800998ecf8427e', bytes: 0, content_type: 'text/plain', last_modified: '2026-11-25T19:27:08.123000' });
    expect(json[1]).toEqual({ subdir: 'p/' });
    expect(json[2].slo_etag).toBe('"e"');
    expect(formatContainerListing('json', 'c', [])).toBe('[]');
    const xml = formatContainerListing('xml', 'c&d', entries)!;
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(xml.indexOf('<subdir')).toBeGreaterThan(xml.indexOf('a&lt;&amp;&gt;.txt'));
    expect(xml.indexOf('<subdir')).toBeLessThan(xml.indexOf('<name>z</name>'));
    const parsed = await parseStringPromise(xml);
    expect(parsed.container.$.name).toBe('c&d');
    expect(parsed.container.object[0].name[0]).toBe('a<&>.txt');
    expect(parsed.container.subdir[0].$.name).toBe('p/');
  });
});

describe('account listings', () => {
  it('renders json and xml', async () => {
    const rows = [{ name: 'c1', count: 2, bytes: 10, lastModified: t }];
    expect(JSON.parse(formatAccountListing('json', 'AUTH_p', rows)!)).toEqual([{ name: 'c1', count: 2, bytes: 10, last_modified: '2026-11-25T19:27:08.123000' }]);
    const parsed = await parseStringPromise(formatAccountListing('xml', 'AUTH_p', rows)!);
    expect(parsed.account.$.name).toBe('AUTH_p');
    expect(parsed.account.container[0]).toMatchObject({ name: ['c1'], count: ['2'], bytes: ['10'] });
    expect(formatAccountListing('plain', 'AUTH_p', [])).toBeUndefined();
  });
});
