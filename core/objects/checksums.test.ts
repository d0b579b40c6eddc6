// Check values of every flexible checksum against the published CRC catalogue and the SHA test vectors.
import { describe, expect, it } from 'vitest';
import { checksumOf, newDigest, CHECKSUM_ALGORITHMS } from './checksums.js';

const hexToB64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');
const CHECK = Buffer.from('123456789');

describe('checksums', () => {
  it('match the standard check values of "123456789"', () => {
    expect(checksumOf('crc32', CHECK)).toBe(hexToB64('cbf43926'));
    expect(checksumOf('crc32c', CHECK)).toBe(hexToB64('e3069283'));
    expect(checksumOf('crc64nvme', CHECK)).toBe(hexToB64('ae8b14860a799888'));
    expect(checksumOf('sha1', CHECK)).toBe(hexToB64('f7c3bc1d808e04732adf679965ccc34ca7ae3441'));
    expect(checksumOf('sha256', CHECK)).toBe(hexToB64('15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225'));
  });

  it('give the same value however the input is split', () => {
    const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 31) & 0xff));
    for (const alg of CHECKSUM_ALGORITHMS) {
      const d = newDigest(alg);
      for (let i = 0; i < data.length; i += 7) d.update(data.subarray(i, i + 7));
      expect(d.digest(), alg).toBe(checksumOf(alg, data));
    }
  });
});
