// RevocationList: matching rules, issued-before, pruning of events no live token can match, refresh from other writers.
import { describe, expect, it } from 'vitest';
import { openTestDatabase } from '../db/testing.js';
import { RevocationList, type RevocableToken } from './revocation.js';
import { TestClock } from './testing/fakes.js';

const token = (o: Partial<RevocableToken> = {}): RevocableToken => ({
  userId: 'u1',
  domainIds: ['default'],
  projectId: 'p1',
  roleIds: ['r-member', 'r-reader'],
  auditIds: ['a1'],
  issuedAt: 1000,
  ...o,
});

describe('RevocationList', () => {
  const make = () => {
    const clock = new TestClock(5000);
    const db = openTestDatabase().db;
    return { clock, db, list: new RevocationList(db, clock, 10_000) };
  };

  it('matches only when every field the event sets matches', () => {
    const { list } = make();
    list.revoke({ userId: 'u1', projectId: 'p2' });
    expect(list.isRevoked(token())).toBe(false);
    list.revoke({ userId: 'u1', projectId: 'p1', roleId: 'r-admin' });
    expect(list.isRevoked(token())).toBe(false);
    list.revoke({ roleId: 'r-reader', projectId: 'p1' });
    expect(list.isRevoked(token())).toBe(true);
  });

  it('matches by audit id anywhere in the chain, domain and app credential', () => {
    const { list } = make();
    list.revoke({ auditId: 'root' });
    expect(list.isRevoked(token({ auditIds: ['child', 'root'] }))).toBe(true);
    list.revoke({ domainId: 'd2' });
    expect(list.isRevoked(token({ domainIds: ['default', 'd2'] }))).toBe(true);
    list.revoke({ appCredId: 'ac' });
    expect(list.isRevoked(token({ appCredId: 'ac' }))).toBe(true);
    expect(list.isRevoked(token())).toBe(false);
    list.revoke({ roleId: 'r-reader' });
    expect(list.isRevoked(token())).toBe(true);
    expect(list.isRevoked(token({ roleIds: ['r-member'] }))).toBe(false);
  });

  it('spares tokens issued after the event', () => {
    const { list } = make();
    list.revoke({ userId: 'u1' });
    expect(list.isRevoked(token({ issuedAt: 5000 }))).toBe(true);
    expect(list.isRevoked(token({ issuedAt: 5001 }))).toBe(false);
  });

  it('prunes events older than the retention window, from memory and table', () => {
    const { list, clock, db } = make();
    list.revoke({ userId: 'u1' });
    clock.advance(20_000);
    list.prune();
    expect(list.isRevoked(token())).toBe(false);
    const fresh = new RevocationList(db, clock, 10_000);
    fresh.load();
    expect(fresh.isRevoked(token())).toBe(false);
  });

  it('picks up events written by another process on refresh, and notifies listeners', () => {
    const { list, clock, db } = make();
    list.load();
    const seen: unknown[] = [];
    list.onRevoke((e) => seen.push(e));
    new RevocationList(db, clock, 10_000).revoke({ userId: 'u1' });
    expect(list.isRevoked(token())).toBe(false);
    list.refresh();
    expect(list.isRevoked(token())).toBe(true);
    expect(seen).toHaveLength(1);
  });

  it('refuses an event that names nothing', () => {
    expect(() => make().list.revoke({})).toThrow();
  });
});
