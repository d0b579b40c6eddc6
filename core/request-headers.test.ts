// RawRequestHeaders answers exactly as the Fetch Headers built from the same raw list.
import { describe, expect, it } from 'vitest';
import { RawRequestHeaders, requestHeaders } from './request-headers.js';

const raw = ['Host', 'example.test', 'X-Amz-Meta-A', ' one ', 'x-amz-meta-a', 'two', 'Content-Length', '12', 'authorization', 'AWS4-HMAC-SHA256 Credential=x', 'X-Empty', '', 'accept', '*/*\t'];

function fetchHeaders(list: string[]): Headers {
  const h = new Headers();
  for (let i = 0; i < list.length; i += 2) h.append(list[i]!, list[i + 1]!);
  return h;
}

describe('RawRequestHeaders', () => {
  it('gets, has and iterates as Fetch Headers do (case, duplicates joined, whitespace, sorted order)', () => {
    const ours = new RawRequestHeaders(raw);
    const theirs = fetchHeaders(raw);
    for (const name of ['host', 'HOST', 'x-amz-meta-a', 'content-length', 'Authorization', 'x-empty', 'accept', 'missing']) {
      expect([name, ours.get(name), ours.has(name)]).toEqual([name, theirs.get(name), theirs.has(name)]);
    }
    expect([...ours]).toEqual([...theirs]);
    expect([...ours.keys()]).toEqual([...theirs.keys()]);
    expect([...ours.values()]).toEqual([...theirs.values()]);
    const seen: string[] = [];
    ours.forEach((v, k) => seen.push(`${k}=${v}`));
    expect(seen).toEqual([...theirs].map(([k, v]) => `${k}=${v}`));
    expect([...new Headers(ours)]).toEqual([...theirs]);
  });

  it('set, append and delete change what later reads and iterations see', () => {
    const ours = new RawRequestHeaders(raw);
    const theirs = fetchHeaders(raw);
    for (const h of [ours, theirs]) {
      h.set('X-Amz-Date', ' 20261204T000000Z ');
      h.append('host', 'second');
      h.delete('accept');
    }
    expect([...ours]).toEqual([...theirs]);
  });

  it('is built once per request from the bound raw list, else the Fetch request headers are used', () => {
    const env: { rawHeaders?: readonly string[]; headers?: Headers } = { rawHeaders: raw };
    const fetchReq = { raw: { headers: new Headers({ host: 'from-fetch' }) } };
    const first = requestHeaders({ env, req: fetchReq });
    expect(first.get('host')).toBe('example.test');
    expect(requestHeaders({ env, req: fetchReq })).toBe(first);
    expect(requestHeaders({ env: {}, req: fetchReq }).get('host')).toBe('from-fetch');
  });
});
