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

  it('rejects every undecodable token as Unauthenticated, never another throw (fuzz)', async () => {
    const codec = new TokenCodec(new TestKeyRing());
    const valid = await codec.seal(payload);
    const b64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    let seed = 42;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const cases: string[] = ['AAAAA', 'A', 'AAAAAAAAA', '=', 'AA==', 'é', '\u0000', '\uFFFE', '\uD800', 'A'.repeat(2049), 'A'.repeat(100_001)];
    for (let len = 0; len <= 260; len++) cases.push(Array.from({ length: len }, () => b64[rnd(64)]).join(''));
    for (let k = 0; k < 200; k++) cases.push(Array.from({ length: rnd(300) }, () => String.fromCharCode(rnd(0x10000))).join(''));
    // Valid headers with truncated, extended or shuffled tails.
    for (let k = 0; k < 200; k++) {
      const cut = rnd(valid.length);
      cases.push(valid.slice(0, cut) + Array.from({ length: rnd(40) }, () => b64[rnd(64)]).join(''));
    }
    for (const t of cases) expect(await rejected(codec.open(t)), JSON.stringify(t.slice(0, 40))).toBe(true);
  });
});
