// Path-style and virtual-hosted S3 addressing: which Host names a bucket, and how the raw path splits into bucket and key.
import { describe, expect, it } from 'vitest';
import { bucketFromHost, isAwsRequest, resolveAddress } from './address.js';

describe('bucketFromHost', () => {
  it('reads {bucket}.s3.<public host> and {bucket}.<public host>; the public host and s3.<public host> are path style', () => {
    expect(bucketFromHost('photos.s3.cloud.example:8080', 'cloud.example')).toBe('photos');
    expect(bucketFromHost('photos.cloud.example', 'cloud.example')).toBe('photos');
    expect(bucketFromHost('cloud.example:8080', 'cloud.example')).toBeUndefined();
    expect(bucketFromHost('s3.cloud.example', 'cloud.example')).toBeUndefined();
    expect(bucketFromHost('S3.Cloud.Example.', 'cloud.example')).toBeUndefined();
  });

  it('keeps dots in bucket names, even a ".s3." inside one', () => {
    expect(bucketFromHost('logs.2024.s3.cloud.example', 'cloud.example')).toBe('logs.2024');
    expect(bucketFromHost('a.s3.b.s3.cloud.example', 'cloud.example')).toBe('a.s3.b');
    expect(bucketFromHost('a.s3.b.s3.localhost:9000', '127.0.0.1')).toBe('a.s3.b');
  });

  it('a public host that itself contains ".s3." is still path style', () => {
    expect(bucketFromHost('gw.s3.cloud.example', 'gw.s3.cloud.example')).toBeUndefined();
    expect(bucketFromHost('bkt.gw.s3.cloud.example', 'gw.s3.cloud.example')).toBe('bkt');
  });

  it('with an IP public URL only {bucket}.s3.<domain> is virtual-hosted', () => {
    expect(bucketFromHost('bkt.s3.localhost:8080', '127.0.0.1')).toBe('bkt');
    expect(bucketFromHost('127.0.0.1:8080', '127.0.0.1')).toBeUndefined();
    expect(bucketFromHost('localhost:8080', '127.0.0.1')).toBeUndefined();
    expect(bucketFromHost('[::1]:8080', '::1')).toBeUndefined();
    expect(bucketFromHost(undefined, '127.0.0.1')).toBeUndefined();
  });
});

describe('resolveAddress', () => {
  it('path style: first segment is the bucket, the rest the key, each decoded once', () => {
    expect(resolveAddress('/bkt/a%2Fb/c%20d?acl', 'cloud.example', 'cloud.example')).toMatchObject({ bucket: 'bkt', key: 'a/b/c d', virtualHosted: false, rawQuery: 'acl', resource: '/bkt/a%2Fb/c%20d' });
    const root = resolveAddress('/', 'cloud.example', 'cloud.example');
    expect([root.bucket, root.key]).toEqual([undefined, undefined]);
  });

  it('virtual-hosted: the bucket from Host, the whole path is the key; the SigV2 resource gets the bucket', () => {
    expect(resolveAddress('/dir/../k', 'bkt.s3.cloud.example', 'cloud.example')).toMatchObject({ bucket: 'bkt', key: 'dir/../k', virtualHosted: true, resource: '/bkt/dir/../k' });
    const list = resolveAddress('/?list-type=2', 'bkt.s3.cloud.example', 'cloud.example');
    expect([list.bucket, list.key, list.rawQuery]).toEqual(['bkt', undefined, 'list-type=2']);
  });

  it('OpenStack prefixes go to OpenStack unless the Host names a bucket', () => {
    expect(isAwsRequest('/identity/v3', 'cloud.example', 'cloud.example')).toBe(false);
    expect(isAwsRequest('/identity/v3', 'bkt.s3.cloud.example', 'cloud.example')).toBe(true);
    expect(isAwsRequest('/bkt/key', 'cloud.example', 'cloud.example')).toBe(true);
  });
});
