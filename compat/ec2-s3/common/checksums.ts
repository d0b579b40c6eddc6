// S3 flexible checksums (CRC32, CRC32C, CRC64NVME, SHA1, SHA256) and MD5, computed incrementally over a streamed body.
import { createHash, type Hash } from 'node:crypto';
import { crc32 as zlibCrc32 } from 'node:zlib';

/** Checksum algorithms S3 clients may send, as spelled in `x-amz-checksum-<alg>` (lower case). */
export const CHECKSUM_ALGORITHMS = ['crc32', 'crc32c', 'crc64nvme', 'sha1', 'sha256'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

/** True when `s` names a supported checksum algorithm (any case). */
export function isChecksumAlgorithm(s: string): s is ChecksumAlgorithm {
  return (CHECKSUM_ALGORITHMS as readonly string[]).includes(s.toLowerCase());
}

/** An incremental digest producing the base64 value S3 puts in `x-amz-checksum-*`. */
export interface Digest {
  update(chunk: Uint8Array): void;
  /** Base64 of the big-endian digest. */
  digest(): string;
}

function tableCrc32(poly: number): Uint32Array {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
}

const CRC32C_TABLE = tableCrc32(0x82f63b78);

/** Reflected CRC-64/NVME (poly 0x9a6c9329ac4bc9b5) as two 32-bit halves, avoiding BigInt in the hot loop. */
const CRC64_HI = new Uint32Array(256);
const CRC64_LO = new Uint32Array(256);
{
  const poly = 0x9a6c9329ac4bc9b5n;
  for (let i = 0; i < 256; i++) {
    let c = BigInt(i);
    for (let k = 0; k < 8; k++) c = c & 1n ? (c >> 1n) ^ poly : c >> 1n;
    CRC64_HI[i] = Number(c >> 32n);
    CRC64_LO[i] = Number(c & 0xffffffffn);
  }
}

class Crc32 implements Digest {
  private v = 0;
  update(chunk: Uint8Array): void {
    this.v = zlibCrc32(chunk, this.v);
  }
  digest(): string {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(this.v >>> 0);
    return b.toString('base64');
  }
}

class Crc32c implements Digest {
  private v = 0xffffffff;
  update(chunk: Uint8Array): void {
    let c = this.v;
    for (let i = 0; i < chunk.length; i++) c = CRC32C_TABLE[(c ^ chunk[i]!) & 0xff]! ^ (c >>> 8);
    this.v = c;
  }
  digest(): string {
    const b = Buffer.alloc(4);
    b.writeUInt32BE((this.v ^ 0xffffffff) >>> 0);
    return b.toString('base64');
  }
}

class Crc64Nvme implements Digest {
  private hi = 0xffffffff;
  private lo = 0xffffffff;
  update(chunk: Uint8Array): void {
    let hi = this.hi;
    let lo = this.lo;
    for (let i = 0; i < chunk.length; i++) {
      const idx = (lo ^ chunk[i]!) & 0xff;
      // (crc >> 8) ^ table[idx], on two halves.
      const nlo = ((lo >>> 8) | ((hi & 0xff) << 24)) >>> 0;
      const nhi = hi >>> 8;
      lo = (nlo ^ CRC64_LO[idx]!) >>> 0;
      hi = (nhi ^ CRC64_HI[idx]!) >>> 0;
    }
    this.hi = hi;
    this.lo = lo;
  }
  digest(): string {
    const b = Buffer.alloc(8);
    b.writeUInt32BE((this.hi ^ 0xffffffff) >>> 0, 0);
    b.writeUInt32BE((this.lo ^ 0xffffffff) >>> 0, 4);
    return b.toString('base64');
  }
}

class NodeHash implements Digest {
  private readonly h: Hash;
  constructor(alg: string) {
    this.h = createHash(alg);
  }
  update(chunk: Uint8Array): void {
    this.h.update(chunk);
  }
  digest(): string {
    return this.h.digest('base64');
  }
}

/** A fresh incremental digest for `alg`. */
export function newDigest(alg: ChecksumAlgorithm): Digest {
  switch (alg) {
    case 'crc32':
      return new Crc32();
    case 'crc32c':
      return new Crc32c();
    case 'crc64nvme':
      return new Crc64Nvme();
    case 'sha1':
      return new NodeHash('sha1');
    case 'sha256':
      return new NodeHash('sha256');
  }
}

/** The checksum of a whole buffer, base64 (handy for small XML bodies). */
export function checksumOf(alg: ChecksumAlgorithm, data: Uint8Array): string {
  const d = newDigest(alg);
  d.update(data);
  return d.digest();
}

/** The model's output member name for an algorithm, e.g. `crc64nvme` → `ChecksumCRC64NVME`. */
export function checksumMember(alg: ChecksumAlgorithm): string {
  return `Checksum${alg.toUpperCase()}`;
}

/** Expected byte length of a decoded checksum, to reject malformed header values early. */
export const CHECKSUM_BYTES: Record<ChecksumAlgorithm, number> = { crc32: 4, crc32c: 4, crc64nvme: 8, sha1: 20, sha256: 32 };
