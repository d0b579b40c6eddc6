// Quota rules: integer quotas only, the account quota is the reseller admin's, and a write passes only within every quota it touches.
import { describe, expect, it } from 'vitest';
import type { RequestContext } from '../context.js';
import { authorizeAccountQuota, checkQuota, validateContainerQuota } from './quotas.js';

const ctx = (roles: string[]) => ({ requestId: 'q', auth: { roles } }) as unknown as RequestContext;
const usage = (metadata: Record<string, string>, objectCount: number, bytesUsed: number, accountMetadata?: Record<string, string>, projectBytes = bytesUsed) => ({
  quotaUsage: () => ({ projectId: 'p', metadata: JSON.stringify(metadata), objectCount, bytesUsed, accountMetadata: accountMetadata ? JSON.stringify(accountMetadata) : null }),
  projectBytes: () => projectBytes,
});
const kind = (f: () => void) => {
  try {
    f();
    return 'ok';
  } catch (e) {
    return (e as { kind: string }).kind;
  }
};

describe('quotas', () => {
  it('container quotas must be integers (empty removes)', () => {
    expect(kind(() => validateContainerQuota({ 'quota-bytes': '10', 'quota-count': '' }))).toBe('ok');
    expect(kind(() => validateContainerQuota({ 'Quota-Bytes': '1.5' }))).toBe('Invalid');
    expect(kind(() => validateContainerQuota({ 'quota-count': '-1' }))).toBe('Invalid');
  });

  it('only ResellerAdmin sets or removes the account quota; other metadata is anyone\'s', () => {
    expect(kind(() => authorizeAccountQuota(ctx(['admin']), { set: { 'quota-bytes': '5' } }))).toBe('Forbidden');
    expect(kind(() => authorizeAccountQuota(ctx(['admin']), { remove: ['quota-bytes'] }))).toBe('Forbidden');
    expect(kind(() => authorizeAccountQuota(ctx(['member']), { set: { color: 'blue' } }))).toBe('ok');
    expect(kind(() => authorizeAccountQuota(ctx(['ResellerAdmin']), { set: { 'quota-bytes': '5' } }))).toBe('ok');
    expect(kind(() => authorizeAccountQuota(ctx(['resellerAdmin']), { set: { 'quota-bytes': 'x' } }))).toBe('Invalid');
  });

  it('a write within every quota passes; one byte or object over any of them is QuotaExceeded; shrinking always passes', () => {
    expect(kind(() => checkQuota(usage({ 'quota-bytes': '10' }, 1, 6), 'c', { bytes: 4, objects: 1 }))).toBe('ok');
    expect(kind(() => checkQuota(usage({ 'quota-bytes': '10' }, 1, 6), 'c', { bytes: 5, objects: 1 }))).toBe('QuotaExceeded');
    expect(kind(() => checkQuota(usage({ 'quota-count': '1' }, 1, 6), 'c', { bytes: 1, objects: 1 }))).toBe('QuotaExceeded');
    expect(kind(() => checkQuota(usage({ 'quota-count': '1' }, 1, 6), 'c', { bytes: 1, objects: 0 }))).toBe('ok');
    expect(kind(() => checkQuota(usage({ 'quota-bytes': '1' }, 1, 6), 'c', { bytes: -3, objects: 0 }))).toBe('ok');
    expect(kind(() => checkQuota(usage({}, 1, 6, { 'quota-bytes': '20' }, 18), 'c', { bytes: 3, objects: 1 }))).toBe('QuotaExceeded');
    expect(kind(() => checkQuota(usage({}, 1, 6, { 'quota-bytes': '20' }, 17), 'c', { bytes: 3, objects: 1 }))).toBe('ok');
    expect(kind(() => checkQuota(usage({ 'quota-bytes': 'lots' }, 1, 6), 'c', { bytes: 1e9, objects: 1 }))).toBe('ok');
  });

  it('applied: the counters already hold the change, so the quota is compared with them as they are; the account check follows accountBytes', () => {
    expect(kind(() => checkQuota(usage({ 'quota-count': '1' }, 1, 6), 'c', { bytes: 1, objects: 1 }, { applied: true }))).toBe('ok');
    expect(kind(() => checkQuota(usage({ 'quota-count': '1' }, 2, 6), 'c', { bytes: 1, objects: 1 }, { applied: true }))).toBe('QuotaExceeded');
    expect(kind(() => checkQuota(usage({ 'quota-bytes': '6' }, 1, 6), 'c', { bytes: 4, objects: 0 }, { applied: true }))).toBe('ok');
    expect(kind(() => checkQuota(usage({ 'quota-bytes': '6' }, 1, 7), 'c', { bytes: 4, objects: 0 }, { applied: true }))).toBe('QuotaExceeded');
    // A container that shrank in an account that grew (the replaced version archived elsewhere) is checked against the account.
    expect(kind(() => checkQuota(usage({}, 1, 6, { 'quota-bytes': '20' }, 21), 'c', { bytes: -2, objects: 0, accountBytes: 3 }, { applied: true }))).toBe('QuotaExceeded');
    expect(kind(() => checkQuota(usage({}, 1, 6, { 'quota-bytes': '20' }, 21), 'c', { bytes: 3, objects: 1, accountBytes: 0 }, { applied: true }))).toBe('ok');
  });
});
