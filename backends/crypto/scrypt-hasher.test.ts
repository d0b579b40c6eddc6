// ScryptHasher: round trip, wrong password, self-describing format, malformed hashes.
import { describe, expect, it } from 'vitest';
import { ScryptHasher } from './scrypt-hasher.js';

describe('ScryptHasher', () => {
  const hasher = new ScryptHasher(1024);

  it('verifies the right password and rejects a wrong one', async () => {
    const h = await hasher.hash('s3cret-pw');
    expect(await hasher.verify('s3cret-pw', h)).toBe(true);
    expect(await hasher.verify('s3cret-px', h)).toBe(false);
  });

  it('writes scrypt$N$r$p$salt$hash and salts every hash', async () => {
    const a = await hasher.hash('pw');
    const b = await hasher.hash('pw');
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    expect(a).not.toBe(b);
  });

  it('verifies with the cost stored in the hash, not the current one', async () => {
    const old = await new ScryptHasher(256).hash('pw');
    expect(await hasher.verify('pw', old)).toBe(true);
  });

  it('rejects malformed hashes and over-long passwords without throwing', async () => {
    expect(await hasher.verify('pw', 'bcrypt$xyz')).toBe(false);
    expect(await hasher.verify('pw', 'scrypt$abc$8$1$aa$bb')).toBe(false);
    expect(await hasher.verify('x'.repeat(5000), await hasher.hash('pw'))).toBe(false);
  });

  it('refuses a cost that is not a power of two', () => {
    expect(() => new ScryptHasher(1000)).toThrow(/power of two/);
  });
});
