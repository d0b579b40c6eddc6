// The routing table agrees with the operations table, and requests pick the right operation.
import { describe, expect, it } from 'vitest';
import { HANDLERS, selectOperation } from './dispatch.js';
import { SWIFT_OPERATIONS } from './operations.js';
import { isPathError, parseSwiftPath, type SwiftTarget } from './path.js';

const t = (raw: string): SwiftTarget => {
  const p = parseSwiftPath(raw);
  if (isPathError(p)) throw new Error(p.message);
  return p;
};

describe('Swift dispatch', () => {
  it('has a handler for exactly the implemented operations (getInfo and tempUrl are served outside the table, quotas by the POST handlers and core, versioned writes by the container PUT/POST, static web before the read handlers)', () => {
    const outside = new Set(['getInfo', 'tempUrl', 'accountQuotas', 'containerQuotas', 'versionedWrites', 'staticWeb']);
    const implemented = SWIFT_OPERATIONS.filter((r) => r.implemented && !outside.has(r.operation)).map((r) => r.operation);
    const handled = Object.keys(HANDLERS);
    expect(handled.sort()).toEqual(implemented.sort());
    for (const r of SWIFT_OPERATIONS) expect(r.service).toBe('swift');
  });

  it('selects operations by method, level, query and headers', () => {
    const h = new Headers();
    expect(selectOperation('GET', t('/v1/AUTH_p'), h)).toBe('getAccount');
    expect(selectOperation('POST', t('/v1/AUTH_p?bulk-delete'), h)).toBe('bulkDelete');
    expect(selectOperation('PUT', t('/v1/AUTH_p/c'), h)).toBe('putContainer');
    expect(selectOperation('POST', t('/v1/AUTH_p/c'), new Headers({ 'content-type': 'multipart/form-data; boundary=x' }))).toBe('formPost');
    expect(selectOperation('PUT', t('/v1/AUTH_p/c/o'), new Headers({ 'x-copy-from': '/c/x' }))).toBe('copyObject');
    expect(selectOperation('PUT', t('/v1/AUTH_p/c/o?multipart-manifest=put'), h)).toBe('putSloManifest');
    expect(selectOperation('GET', t('/v1/AUTH_p/c/o?multipart-manifest=get'), h)).toBe('getSloManifest');
    expect(selectOperation('DELETE', t('/v1/AUTH_p/c/o?multipart-manifest=delete'), h)).toBe('deleteSloManifest');
    expect(selectOperation('COPY', t('/v1/AUTH_p/c/o'), h)).toBe('copyObject');
    expect(selectOperation('PATCH', t('/v1/AUTH_p/c/o'), h)).toBeUndefined();
    expect(selectOperation('COPY', t('/v1/AUTH_p/c'), h)).toBeUndefined();
    expect(selectOperation('POST', t('/v1/AUTH_p/c'), new Headers({ 'x-container-sync-to': '//r/c/a/c' }))).toBe('containerSync');
    expect(selectOperation('PUT', t('/v1/AUTH_p/c'), new Headers({ 'x-container-sync-key': 'k' }))).toBe('containerSync');
    expect(selectOperation('POST', t('/v1/AUTH_p/c'), new Headers({ 'x-container-sync-to': '' }))).toBe('postContainer');
    expect(selectOperation('POST', t('/v1/AUTH_p/c/o'), new Headers({ 'x-symlink-target': 'c/t' }))).toBe('symlink');
    expect(selectOperation('POST', t('/v1/AUTH_p/c/prefix/'), new Headers({ 'content-type': 'multipart/form-data; boundary=x' }))).toBe('formPost');
    expect(selectOperation('PUT', t('/v1/AUTH_p/c?extract-archive=tar'), h)).toBe('bulkExtract');
    expect(selectOperation('POST', t('/v1/AUTH_p/c'), new Headers({ 'x-versions-enabled': 'true' }))).toBe('objectVersioning');
    expect(selectOperation('GET', t('/v1/AUTH_p/c?versions'), h)).toBe('listVersions');
    expect(selectOperation('PUT', t(`/v1/AUTH_p/c/o?version-id=${'a'.repeat(32)}`), h)).toBe('restoreVersion');
    expect(selectOperation('PUT', t('/v1/AUTH_p/c/o?version-id='), h)).toBe('putObject');
  });
});
