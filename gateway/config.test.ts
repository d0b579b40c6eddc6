// Config parsing: defaults, derived public URL, and errors that name the variable.
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig({});
    expect(c.host).toBe('127.0.0.1');
    expect(c.port).toBe(8080);
    expect(c.publicUrl).toBe('http://127.0.0.1:8080');
    expect(c.dataDir).toBe('./data');
    expect(c.region).toBe('RegionOne');
    expect(c.adminPassword).toBeUndefined();
    expect(c.tokenKeyRotationHours).toBeUndefined();
    expect(c.tokenCacheBytes).toBe(32 << 20);
    expect(c.blobAudit).toEqual({ intervalSeconds: 3600, graceSeconds: 3600 });
    expect(c.blob).toEqual({ backend: 'fs' });
  });
  it('reads the S3 blob backend, with defaults for region, prefix, addressing and part size', () => {
    const s3 = {
      SKYBRIDGE_BLOB_BACKEND: 's3',
      SKYBRIDGE_BLOB_S3_ENDPOINT: 'https://s3.example:9000/',
      SKYBRIDGE_BLOB_S3_BUCKET: 'sky-blobs',
      SKYBRIDGE_BLOB_S3_ACCESS_KEY_ID: 'AKIA1',
      SKYBRIDGE_BLOB_S3_SECRET_ACCESS_KEY: 'secret',
    };
    expect(loadConfig(s3).blob).toEqual({
      backend: 's3',
      s3: { endpoint: 'https://s3.example:9000', bucket: 'sky-blobs', accessKeyId: 'AKIA1', secretAccessKey: 'secret', region: 'us-east-1', prefix: 'blobs/', forcePathStyle: true, partSize: 8 << 20 },
    });
    const tuned = loadConfig({ ...s3, SKYBRIDGE_BLOB_S3_REGION: 'eu-west-1', SKYBRIDGE_BLOB_S3_PREFIX: '', SKYBRIDGE_BLOB_S3_FORCE_PATH_STYLE: 'false', SKYBRIDGE_BLOB_S3_PART_SIZE: String(16 << 20) }).blob;
    expect(tuned).toMatchObject({ s3: { region: 'eu-west-1', prefix: '', forcePathStyle: false, partSize: 16 << 20 } });
    for (const name of Object.keys(s3).slice(1)) {
      expect(() => loadConfig({ ...s3, [name]: '' }), name).toThrow(new RegExp(`${name}: required when SKYBRIDGE_BLOB_BACKEND=s3`));
    }
    expect(() => loadConfig({ ...s3, SKYBRIDGE_BLOB_BACKEND: 'nfs' })).toThrow(/SKYBRIDGE_BLOB_BACKEND: must be fs or s3/);
    expect(() => loadConfig({ ...s3, SKYBRIDGE_BLOB_S3_ENDPOINT: 'ftp://x' })).toThrow(/SKYBRIDGE_BLOB_S3_ENDPOINT/);
    expect(() => loadConfig({ ...s3, SKYBRIDGE_BLOB_S3_BUCKET: 'Bad_Bucket' })).toThrow(/SKYBRIDGE_BLOB_S3_BUCKET/);
    expect(() => loadConfig({ ...s3, SKYBRIDGE_BLOB_S3_PREFIX: 'sky' })).toThrow(/SKYBRIDGE_BLOB_S3_PREFIX/);
    expect(() => loadConfig({ ...s3, SKYBRIDGE_BLOB_S3_PREFIX: '../x/' })).toThrow(/SKYBRIDGE_BLOB_S3_PREFIX/);
    expect(() => loadConfig({ ...s3, SKYBRIDGE_BLOB_S3_FORCE_PATH_STYLE: 'yes' })).toThrow(/SKYBRIDGE_BLOB_S3_FORCE_PATH_STYLE/);
    expect(() => loadConfig({ ...s3, SKYBRIDGE_BLOB_S3_PART_SIZE: String(1 << 20) })).toThrow(/SKYBRIDGE_BLOB_S3_PART_SIZE/);
  });
  it('reads the token cache budget in bytes', () => {
    expect(loadConfig({ SKYBRIDGE_TOKEN_CACHE_BYTES: '1048576' }).tokenCacheBytes).toBe(1 << 20);
    expect(() => loadConfig({ SKYBRIDGE_TOKEN_CACHE_BYTES: '10' })).toThrow(/SKYBRIDGE_TOKEN_CACHE_BYTES/);
  });
  it('reads the blob auditor period and grace in seconds, refusing zero', () => {
    expect(loadConfig({ SKYBRIDGE_BLOB_AUDIT_INTERVAL: '60', SKYBRIDGE_BLOB_AUDIT_GRACE: '5' }).blobAudit).toEqual({ intervalSeconds: 60, graceSeconds: 5 });
    expect(() => loadConfig({ SKYBRIDGE_BLOB_AUDIT_GRACE: '0' })).toThrow(/SKYBRIDGE_BLOB_AUDIT_GRACE/);
  });
  it('keeps objects up to 16 KiB inline by default, none in front of an S3 cluster unless asked, and refuses a bad size', () => {
    expect(loadConfig({}).inlineObjectBytes).toBe(16384);
    const s3 = { SKYBRIDGE_BLOB_BACKEND: 's3', SKYBRIDGE_BLOB_S3_ENDPOINT: 'http://127.0.0.1:9000', SKYBRIDGE_BLOB_S3_BUCKET: 'remote-bucket', SKYBRIDGE_BLOB_S3_ACCESS_KEY_ID: 'k', SKYBRIDGE_BLOB_S3_SECRET_ACCESS_KEY: 's' };
    expect(loadConfig(s3).inlineObjectBytes).toBe(0);
    expect(loadConfig({ ...s3, SKYBRIDGE_INLINE_OBJECT_BYTES: '4096' }).inlineObjectBytes).toBe(4096);
    expect(loadConfig({ SKYBRIDGE_INLINE_OBJECT_BYTES: '0' }).inlineObjectBytes).toBe(0);
    expect(() => loadConfig({ SKYBRIDGE_INLINE_OBJECT_BYTES: 'lots' })).toThrow(/SKYBRIDGE_INLINE_OBJECT_BYTES/);
  });
  it('names the variable in the error', () => {
    expect(() => loadConfig({ SKYBRIDGE_PORT: 'eighty' })).toThrow(/SKYBRIDGE_PORT/);
    expect(() => loadConfig({ SKYBRIDGE_PORT: '70000' })).toThrow(/SKYBRIDGE_PORT/);
    expect(() => loadConfig({ SKYBRIDGE_PUBLIC_URL: 'ftp://x' })).toThrow(/SKYBRIDGE_PUBLIC_URL/);
    expect(() => loadConfig({ SKYBRIDGE_REGION: 'bad region' })).toThrow(/SKYBRIDGE_REGION/);
    expect(() => loadConfig({ SKYBRIDGE_TOKEN_KEY_ROTATION_HOURS: '0' })).toThrow(/SKYBRIDGE_TOKEN_KEY_ROTATION_HOURS/);
    expect(() => loadConfig({ SKYBRIDGE_TOKEN_KEY_ROTATION_HOURS: '1.5' })).toThrow(/SKYBRIDGE_TOKEN_KEY_ROTATION_HOURS/);
  });
  it('reads the automatic token and SSE key rotation periods in hours', () => {
    expect(loadConfig({ SKYBRIDGE_TOKEN_KEY_ROTATION_HOURS: '24' }).tokenKeyRotationHours).toBe(24);
    expect(loadConfig({ SKYBRIDGE_SSE_KEY_ROTATION_HOURS: '720' }).sseKeyRotationHours).toBe(720);
    expect(loadConfig({}).sseKeyRotationHours).toBeUndefined();
  });
  it('reads the process role; a split role needs PostgreSQL and Redis, and every refusal names its variable', () => {
    const shared = { SKYBRIDGE_DATABASE_URL: 'postgres://u@127.0.0.1/sky', REDIS_URL: 'redis://127.0.0.1:6379' };
    expect(loadConfig({}).role).toBe('all');
    expect(loadConfig({ ...shared, SKYBRIDGE_ROLE: 'gateway' }).role).toBe('gateway');
    expect(loadConfig({ ...shared, SKYBRIDGE_ROLE: 'worker' }).role).toBe('worker');
    expect(() => loadConfig({ ...shared, SKYBRIDGE_ROLE: 'api' })).toThrow(/SKYBRIDGE_ROLE: must be all, gateway or worker, not api/);
    expect(() => loadConfig({ REDIS_URL: shared.REDIS_URL, SKYBRIDGE_ROLE: 'worker' })).toThrow(/SKYBRIDGE_ROLE: worker needs SKYBRIDGE_DATABASE_URL/);
    expect(() => loadConfig({ SKYBRIDGE_DATABASE_URL: shared.SKYBRIDGE_DATABASE_URL, SKYBRIDGE_ROLE: 'worker' })).toThrow(/SKYBRIDGE_ROLE: worker needs REDIS_URL/);
    expect(() => loadConfig({ SKYBRIDGE_DATABASE_URL: shared.SKYBRIDGE_DATABASE_URL, SKYBRIDGE_ROLE: 'gateway' })).toThrow(/SKYBRIDGE_ROLE: gateway needs REDIS_URL/);
  });
  it('reads the Redis key prefix and the job lease', () => {
    expect(loadConfig({}).redisPrefix).toBe('skybridge');
    expect(loadConfig({ SKYBRIDGE_REDIS_PREFIX: 'prod-eu:sky' }).redisPrefix).toBe('prod-eu:sky');
    expect(() => loadConfig({ SKYBRIDGE_REDIS_PREFIX: 'has space' })).toThrow(/SKYBRIDGE_REDIS_PREFIX/);
    expect(loadConfig({ SKYBRIDGE_JOB_LEASE_SECONDS: '10' }).jobLeaseSeconds).toBe(10);
    expect(() => loadConfig({ SKYBRIDGE_JOB_LEASE_SECONDS: '0' })).toThrow(/SKYBRIDGE_JOB_LEASE_SECONDS/);
  });
  it('strips a trailing slash from the public URL', () => {
    expect(loadConfig({ SKYBRIDGE_PUBLIC_URL: 'http://cloud.example:9000/' }).publicUrl).toBe('http://cloud.example:9000');
  });
});
