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
  });
  it('reads the token cache budget in bytes', () => {
    expect(loadConfig({ SKYBRIDGE_TOKEN_CACHE_BYTES: '1048576' }).tokenCacheBytes).toBe(1 << 20);
    expect(() => loadConfig({ SKYBRIDGE_TOKEN_CACHE_BYTES: '10' })).toThrow(/SKYBRIDGE_TOKEN_CACHE_BYTES/);
  });
  it('reads the blob auditor period and grace in seconds, refusing zero', () => {
    expect(loadConfig({ SKYBRIDGE_BLOB_AUDIT_INTERVAL: '60', SKYBRIDGE_BLOB_AUDIT_GRACE: '5' }).blobAudit).toEqual({ intervalSeconds: 60, graceSeconds: 5 });
    expect(() => loadConfig({ SKYBRIDGE_BLOB_AUDIT_GRACE: '0' })).toThrow(/SKYBRIDGE_BLOB_AUDIT_GRACE/);
  });
  it('names the variable in the error', () => {
    expect(() => loadConfig({ SKYBRIDGE_PORT: 'eighty' })).toThrow(/SKYBRIDGE_PORT/);
    expect(() => loadConfig({ SKYBRIDGE_PORT: '70000' })).toThrow(/SKYBRIDGE_PORT/);
    expect(() => loadConfig({ SKYBRIDGE_PUBLIC_URL: 'ftp://x' })).toThrow(/SKYBRIDGE_PUBLIC_URL/);
    expect(() => loadConfig({ SKYBRIDGE_REGION: 'bad region' })).toThrow(/SKYBRIDGE_REGION/);
    expect(() => loadConfig({ SKYBRIDGE_TOKEN_KEY_ROTATION_HOURS: '0' })).toThrow(/SKYBRIDGE_TOKEN_KEY_ROTATION_HOURS/);
    expect(() => loadConfig({ SKYBRIDGE_TOKEN_KEY_ROTATION_HOURS: '1.5' })).toThrow(/SKYBRIDGE_TOKEN_KEY_ROTATION_HOURS/);
  });
  it('reads the automatic token key rotation period in hours', () => {
    expect(loadConfig({ SKYBRIDGE_TOKEN_KEY_ROTATION_HOURS: '24' }).tokenKeyRotationHours).toBe(24);
  });
  it('strips a trailing slash from the public URL', () => {
    expect(loadConfig({ SKYBRIDGE_PUBLIC_URL: 'http://cloud.example:9000/' }).publicUrl).toBe('http://cloud.example:9000');
  });
});
