// Unit tests of the canonical header spellings written at the node:http boundary.
import { describe, expect, it } from 'vitest';
import { canonicalHeaderName, canonicalHeaders } from './header-casing.js';

describe('canonicalHeaderName', () => {
  it('title-cases OpenStack names as swob does (Python str.title)', () => {
    expect(canonicalHeaderName('x-object-meta-color', false)).toBe('X-Object-Meta-Color');
    expect(canonicalHeaderName('x-object-meta-my_key1x', false)).toBe('X-Object-Meta-My_Key1X');
    expect(canonicalHeaderName('x-subject-token', false)).toBe('X-Subject-Token');
    expect(canonicalHeaderName('etag', false)).toBe('Etag');
    expect(canonicalHeaderName('www-authenticate', false)).toBe('WWW-Authenticate');
    expect(canonicalHeaderName('openstack-image-import-methods', false)).toBe('OpenStack-image-import-methods');
  });

  it('keeps x-amz-* lower-case and spells ETag for S3', () => {
    expect(canonicalHeaderName('x-amz-meta-color', true)).toBe('x-amz-meta-color');
    expect(canonicalHeaderName('X-Amz-Request-Id', true)).toBe('x-amz-request-id');
    expect(canonicalHeaderName('etag', true)).toBe('ETag');
    expect(canonicalHeaderName('content-type', true)).toBe('Content-Type');
  });
});

describe('canonicalHeaders', () => {
  it('picks the S3 spelling when the response carries x-amz-request-id', () => {
    expect(Object.keys(canonicalHeaders({ etag: '"x"', 'x-amz-request-id': 'r', 'content-length': 1 }))).toEqual(['ETag', 'x-amz-request-id', 'Content-Length']);
    expect(Object.keys(canonicalHeaders({ etag: 'x', 'x-trans-id': 't', 'set-cookie': ['a', 'b'] }))).toEqual(['Etag', 'X-Trans-Id', 'Set-Cookie']);
  });
});
