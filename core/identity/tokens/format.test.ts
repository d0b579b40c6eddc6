// TokenCodec: round trip, tamper and foreign keys rejected, rotation keeps old tokens readable, compact URL-safe ids.
import { describe, expect, it } from 'vitest';
import { isCoreError } from '../../errors.js';
import { TestKeyRing } from '../testing/fakes.js';
import { TokenCodec, newAuditId, type TokenPayload } from './format.js';

const payload: TokenPayload = {
  userId: '4219f16a83f34c659d7835cff452c8a7',
  methods: ['password', 'token'],
  scope: { kind: 'project', id: '24763b627e194479950a700d72dac580' },
  auditIds: [newAuditId(), newAuditId()],
  issuedAt: 1_790_000_000_123,
  expiresAt: 1_790_003_600_123,
};

async function rejected(p: Promise<unknown>): Promise<boolean> {
  try {
    await p;
    return false;
  } catch (e) {
    return isCoreError(e, 'Unauthenticated');
  }
}

describe('TokenCodec', () => {
  it('round-trips every payload field and every scope kind', async () => {
    const codec = new TokenCodec(new TestKeyRing());
    expect(await codec.open(await codec.seal(payload))).toEqual(payload);
    for (const scope of [{ kind: 'unscoped' }, { kind: 'domain', id: 'default' }, { kind: 'system' }] as const) {
      const p = { ...payload, scope, appCredId: 'ac1', methods: ['application_credential'] };
      expect(await codec.open(await codec.seal(p))).toEqual(p);
    }
  });

  it('produces compact URL-safe ids, different each time', async () => {
    const codec = new TokenCodec(new TestKeyRing());
    const a = await codec.seal(payload);
    expect(a).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(a.length).toBeLessThan(200);
    expect(await codec.seal(payload)).not.toBe(a);
  });

  it('keeps ids that are not 32-hex or audit-shaped verbatim, and refuses unknown methods', async () => {
    const codec = new TokenCodec(new TestKeyRing());
    const p = { ...payload, userId: 'ldap-user/é', scope: { kind: 'domain' as const, id: 'default' }, auditIds: ['short'] };
    expect(await codec.open(await codec.seal(p))).toEqual(p);
    await expect(codec.seal({ ...payload, methods: ['saml2'] })).rejects.toThrow(/method/);
  });

  it('rejects a token with any byte changed', async () => {
    const codec = new TokenCodec(new TestKeyRing());
    const t = await codec.seal(payload);
    for (const i of [0, 3, 10, 40, t.length - 2]) {
      const c = t[i] === 'A' ? 'B' : 'A';
      expect(await rejected(codec.open(t.slice(0, i) + c + t.slice(i + 1)))).toBe(true);
    }
    expect(await rejected(codec.open(t.slice(0, -4)))).toBe(true);
    expect(await rejected(codec.open('not a token!'))).toBe(true);
    expect(await rejected(codec.open(''))).toBe(true);
  });

  it('rejects a token sealed by another key ring', async () => {
    const t = await new TokenCodec(new TestKeyRing()).seal(payload);
    expect(await rejected(new TokenCodec(new TestKeyRing()).open(t))).toBe(true);
  });

  it('opens tokens sealed before a rotation until their key ages out', async () => {
    const ring = new TestKeyRing();
    const codec = new TokenCodec(ring);
    const old = await codec.seal(payload);
    await ring.rotate({ keepNewest: 3 });
    const fresh = await codec.seal(payload);
    expect(await codec.open(old)).toEqual(payload);
    expect(await codec.open(fresh)).toEqual(payload);
    await ring.rotate({ keepNewest: 3 });
    await ring.rotate({ keepNewest: 3 });
    expect(await rejected(codec.open(old))).toBe(true);
    expect(await codec.open(fresh)).toEqual(payload);
  });
});
