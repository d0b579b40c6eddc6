// TempURL query parameters and download disposition.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readTempUrlParams, signTempUrl, tempUrlDisposition, tempUrlMessage } from './tempurl.js';

describe('TempURL parameters', () => {
  it('reads unix and ISO expiry, prefix, filename and inline', () => {
    expect(readTempUrlParams(new URLSearchParams('a=b'))).toBeUndefined();
    expect(readTempUrlParams(new URLSearchParams('temp_url_sig=x'))).toBe('invalid');
    expect(readTempUrlParams(new URLSearchParams('temp_url_sig=x&temp_url_expires=nope'))).toBe('invalid');
    expect(readTempUrlParams(new URLSearchParams('temp_url_sig=x&temp_url_expires=1700000000&filename=a.txt&inline'))).toEqual({
      sig: 'x',
      expires: 1700000000,
      filename: 'a.txt',
      inline: true,
      prefix: undefined,
    });
    const iso = readTempUrlParams(new URLSearchParams('temp_url_sig=x&temp_url_expires=2023-11-14T22:13:20Z&temp_url_prefix=p/'));
    expect(iso).toMatchObject({ expires: 1700000000, prefix: 'p/' });
    expect(readTempUrlParams(new URLSearchParams('temp_url_sig=x&temp_url_expires=1&temp_url_ip_range=10.0.0.0/8'))).toMatchObject({ ipRange: '10.0.0.0/8' });
  });

  it('signs METHOD\\nexpires\\npath as Swift does', () => {
    expect(tempUrlMessage('GET', 1, '/v1/AUTH_a/c/o', false)).toBe('GET\n1\n/v1/AUTH_a/c/o');
    expect(tempUrlMessage('GET', 1, '/v1/AUTH_a/c/p', true)).toBe('GET\n1\nprefix:/v1/AUTH_a/c/p');
    expect(signTempUrl('k', 'GET', 1, '/p', 'sha1')).toBe(createHmac('sha1', 'k').update('GET\n1\n/p').digest('hex'));
  });

  it('builds Content-Disposition', () => {
    const base = { sig: 's', expires: 1, inline: false };
    expect(tempUrlDisposition('dir/file.txt', base)).toBe(`attachment; filename="file.txt"; filename*=UTF-8''file.txt`);
    expect(tempUrlDisposition('dir/file.txt', { ...base, filename: 'x y.bin' })).toBe(`attachment; filename="x y.bin"; filename*=UTF-8''x%20y.bin`);
    expect(tempUrlDisposition('f', { ...base, inline: true })).toBe('inline');
    expect(tempUrlDisposition('f', { ...base, inline: true, filename: 'a.txt' })).toBe(`inline; filename="a.txt"; filename*=UTF-8''a.txt`);
    // Swift percent-quotes the plain filename too (keeping spaces and slashes), so quotes never break the header.
    expect(tempUrlDisposition('dir/', { ...base, filename: 'say "hi"/ü.txt' })).toBe(
      `attachment; filename="say %22hi%22/%C3%BC.txt"; filename*=UTF-8''say%20%22hi%22/%C3%BC.txt`,
    );
    // The object's own disposition wins over the default name; a trailing slash is not the base name.
    expect(tempUrlDisposition('dir/file.txt', base, 'attachment; filename="own.txt"')).toBe('attachment; filename="own.txt"');
    expect(tempUrlDisposition('dir/sub/', base)).toBe(`attachment; filename="sub"; filename*=UTF-8''sub`);
  });
});
