// Password hashing on node:crypto scrypt, with a self-describing hash string so the cost can change later.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { PasswordHasher } from '../../core/identity/ports.js';

const KEY_LEN = 32;
const SALT_LEN = 16;
/** Keystone's `[identity] max_password_length`: longer input is refused before any hashing (OSSA-2012-002). */
export const MAX_PASSWORD_LENGTH = 4096;

function scryptAsync(password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

const b64 = (b: Buffer) => b.toString('base64url');

/**
 * scrypt password hasher producing `scrypt$N$r$p$salt$hash` (salt and hash base64url).
 *
 * Cost: the default is N=16384 (2^14), r=8, p=1 — scrypt's interactive-login recommendation, about
 * 30-50 ms and 16 MiB per hash on a current x86 core. That keeps offline guessing expensive while a
 * password token issue stays well under a tenth of a second; it is the only slow step of issuing a
 * token, so token issue throughput is bounded by it by design. Tests lower N through
 * `SKYBRIDGE_PASSWORD_HASH_COST`. Verification uses the parameters stored in the hash, so raising
 * the cost later leaves existing hashes valid.
 */
export class ScryptHasher implements PasswordHasher {
  constructor(
    private readonly cost = 1 << 14,
    private readonly blockSize = 8,
    private readonly parallelization = 1,
  ) {
    if (cost < 2 || (cost & (cost - 1)) !== 0) throw new Error(`scrypt cost must be a power of two, got ${cost}`);
  }

  async hash(password: string): Promise<string> {
    if (password.length > MAX_PASSWORD_LENGTH) throw new Error('password too long');
    const salt = randomBytes(SALT_LEN);
    const { cost: N, blockSize: r, parallelization: p } = this;
    const key = await scryptAsync(password, salt, KEY_LEN, { N, r, p, maxmem: maxmem(N, r, p) });
    return `scrypt$${N}$${r}$${p}$${b64(salt)}$${b64(key)}`;
  }

  async verify(password: string, hash: string): Promise<boolean> {
    if (password.length > MAX_PASSWORD_LENGTH) return false;
    const parts = hash.split('$');
    if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
    const [N, r, p] = parts.slice(1, 4).map(Number);
    if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || N > 1 << 22 || r > 64 || p > 16) return false;
    const salt = Buffer.from(parts[4]!, 'base64url');
    const expected = Buffer.from(parts[5]!, 'base64url');
    if (expected.length < 16) return false;
    const key = await scryptAsync(password, salt, expected.length, { N: N!, r: r!, p: p!, maxmem: maxmem(N!, r!, p!) });
    return timingSafeEqual(key, expected);
  }
}

/** Node's default maxmem (32 MiB) is too small for larger N; allow exactly what the parameters need plus slack. */
function maxmem(N: number, r: number, p: number): number {
  return 128 * r * (N + p + 2) + 1024 * 1024;
}
