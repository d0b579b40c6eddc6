// S3 flexible checksums (CRC32, CRC32C, CRC64NVME, SHA1, SHA256) and MD5, computed incrementally over a streamed body.
import { createHash, type Hash } from 'node:crypto';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { Crc32c, Crc64Nvme } from './crc.js';
import type { ChecksumAlgorithm } from './types.js';

/** Checksum algorithms S3 clients may send, as spelled in `x-amz-checksum-<alg>` (lower case). */
export const CHECKSUM_ALGORITHMS = ['crc32', 'crc32c', 'crc64nvme', 'sha1', 'sha256'] as const satisfies readonly ChecksumAlgorithm[];
export type { ChecksumAlgorithm };

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

/** The table-driven CRCs of ./crc.ts as base64 digests. */
class BufferDigest implements Digest {
  constructor(private readonly crc: { update(chunk: Uint8Array): unknown; digest(): Buffer }) {}
  update(chunk: Uint8Array): void {
    this.crc.update(chunk);
  }
  digest(): string {
    return this.crc.digest().toString('base64');
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
      return new BufferDigest(new Crc32c());
    case 'crc64nvme':
      return new BufferDigest(new Crc64Nvme());
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
