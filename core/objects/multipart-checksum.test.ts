// Multipart checksums: CRC combination against whole-buffer CRCs, composite values, and S3's completion rules.
import { createHash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isCoreError } from '../errors.js';
import { combineCrc, multipartChecksum, uploadChecksumType, type ChecksummedPart } from './multipart-checksum.js';

/** Bit-at-a-time reference CRCs (reflected, all-ones init and final XOR), independent of the code under test. */
function referenceCrc(poly: bigint, width: number, data: Uint8Array): string {
  const mask = (1n << BigInt(width)) - 1n;
  let c = mask;
  for (const byte of data) {
    c ^= BigInt(byte);
    for (let k = 0; k < 8; k++) c = c & 1n ? (c >> 1n) ^ poly : c >> 1n;
  }
  return Buffer.from((c ^ mask).toString(16).padStart(width / 4, '0'), 'hex').toString('base64');
}

const crcOf = {
  crc32: (d: Uint8Array) => referenceCrc(0xedb88320n, 32, d),
  crc32c: (d: Uint8Array) => referenceCrc(0x82f63b78n, 32, d),
  crc64nvme: (d: Uint8Array) => referenceCrc(0x9a6c9329ac4bc9b5n, 64, d),
};

function partsOf(data: Buffer, sizes: number[], sum: (d: Buffer) => string): { parts: ChecksummedPart[]; given: string[] } {
  const parts: ChecksummedPart[] = [];
  let at = 0;
  sizes.forEach((size, i) => {
    const slice = data.subarray(at, at + size);
    at += size;
    parts.push({ partNumber: i + 1, size, etag: createHash('md5').update(slice).digest('hex'), checksum: sum(slice) });
  });
  return { parts, given: parts.map((p) => p.checksum!) };
}

function reasonOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    return isCoreError(e) ? String(e.detail.reason) : String(e);
  }
}

describe('combineCrc', () => {
  it('gives the CRC of the concatenation for CRC32, CRC32C and CRC64NVME', () => {
    expect(crcOf.crc32(Buffer.from('123456789'))).toBe(Buffer.from('cbf43926', 'hex').toString('base64'));
    expect(crcOf.crc32c(Buffer.from('123456789'))).toBe(Buffer.from('e3069283', 'hex').toString('base64'));
    expect(crcOf.crc64nvme(Buffer.from('123456789'))).toBe(Buffer.from('ae8b14860a799888', 'hex').toString('base64'));
    const a = randomBytes(1000);
    for (const b of [randomBytes(777), Buffer.alloc(0), randomBytes(1)]) {
      for (const alg of ['crc32', 'crc32c', 'crc64nvme'] as const) {
        expect(combineCrc(alg, crcOf[alg](a), crcOf[alg](b), b.length), alg).toBe(crcOf[alg](Buffer.concat([a, b])));
      }
    }
  });
});

describe('uploadChecksumType', () => {
  it('defaults to FULL_OBJECT for CRC64NVME and COMPOSITE otherwise', () => {
    expect(uploadChecksumType('crc64nvme', undefined)).toBe('FULL_OBJECT');
    expect(uploadChecksumType('sha256', undefined)).toBe('COMPOSITE');
    expect(uploadChecksumType(undefined, undefined)).toBeUndefined();
  });

  it('refuses pairs S3 refuses', () => {
    expect(reasonOf(() => uploadChecksumType('sha1', 'FULL_OBJECT'))).toBe('InvalidRequest');
    expect(reasonOf(() => uploadChecksumType('crc64nvme', 'COMPOSITE'))).toBe('InvalidRequest');
    expect(reasonOf(() => uploadChecksumType(undefined, 'COMPOSITE'))).toBe('InvalidRequest');
  });
});

describe('multipartChecksum', () => {
  const data = randomBytes(3000);
  const sizes = [1200, 1200, 600];

  it('FULL_OBJECT: the CRC of the whole object, no -N suffix', () => {
    for (const alg of ['crc32', 'crc32c', 'crc64nvme'] as const) {
      const { parts, given } = partsOf(data, sizes, crcOf[alg]);
      expect(multipartChecksum(alg, 'FULL_OBJECT', parts, { given })).toEqual({ algorithm: alg, value: crcOf[alg](data), type: 'FULL_OBJECT' });
    }
  });

  it('COMPOSITE: the checksum of the concatenated binary part checksums, with -N', () => {
    const sha = (d: Buffer) => createHash('sha256').update(d).digest('base64');
    const { parts, given } = partsOf(data, sizes, sha);
    const bin = Buffer.concat(given.map((g) => Buffer.from(g, 'base64')));
    expect(multipartChecksum('sha256', 'COMPOSITE', parts, { given })?.value).toBe(`${sha(bin)}-3`);
    const c = partsOf(data, sizes, crcOf.crc32c);
    const cbin = Buffer.concat(c.given.map((g) => Buffer.from(g, 'base64')));
    expect(multipartChecksum('crc32c', 'COMPOSITE', c.parts, { given: c.given })?.value).toBe(`${crcOf.crc32c(cbin)}-3`);
    const z = partsOf(data, sizes, crcOf.crc32);
    const zb = Buffer.alloc(4);
    zb.writeUInt32BE(crc32(Buffer.concat(z.given.map((g) => Buffer.from(g, 'base64')))) >>> 0);
    expect(multipartChecksum('crc32', 'COMPOSITE', z.parts, { given: z.given })?.value).toBe(`${zb.toString('base64')}-3`);
  });

  it('checks what the Complete request says', () => {
    const { parts, given } = partsOf(data, sizes, crcOf.crc32);
    expect(reasonOf(() => multipartChecksum('crc32', 'COMPOSITE', parts, { given: [given[0], undefined, given[2]] }))).toBe('InvalidRequest');
    expect(multipartChecksum('crc32', 'FULL_OBJECT', parts, { given: [undefined, undefined, undefined] })?.value).toBe(crcOf.crc32(data));
    expect(reasonOf(() => multipartChecksum('crc32', 'COMPOSITE', parts, { given: [given[0], given[2], given[2]] }))).toBe('InvalidPart');
    expect(reasonOf(() => multipartChecksum('crc32', 'COMPOSITE', parts, { given, type: 'FULL_OBJECT' }))).toBe('InvalidRequest');
    expect(reasonOf(() => multipartChecksum('crc32', 'FULL_OBJECT', parts, { given, expected: { algorithm: 'crc32', value: 'AAAAAA==' } }))).toBe('BadChecksum');
    expect(multipartChecksum('crc32', 'FULL_OBJECT', parts, { given, expected: { algorithm: 'crc32', value: crcOf.crc32(data) } })?.type).toBe('FULL_OBJECT');
    expect(multipartChecksum(undefined, undefined, parts, { given })).toBeUndefined();
  });
});
