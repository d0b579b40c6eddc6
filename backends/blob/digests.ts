// Computes MD5 and the optional S3 flexible checksums over a byte stream as it passes through.
import { createHash, type Hash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { BlobDigest } from './types.js';
import { Crc32c, Crc64Nvme } from '../../core/objects/crc.js';

interface Running {
  update(chunk: Uint8Array): void;
  /** hex for sha*, base64 of the big-endian value for crc* (as AWS returns them). */
  finish(): string;
}

function cryptoDigest(h: Hash): Running {
  return { update: (c) => void h.update(c), finish: () => h.digest('base64') };
}

function zlibCrc32(): Running {
  let v = 0;
  return {
    update: (c) => void (v = crc32(c, v)),
    finish: () => {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(v >>> 0);
      return b.toString('base64');
    },
  };
}

function tableCrc(c: Crc32c | Crc64Nvme): Running {
  return { update: (chunk) => void c.update(chunk), finish: () => c.digest().toString('base64') };
}

function make(d: BlobDigest): Running {
  switch (d) {
    case 'sha256':
      return cryptoDigest(createHash('sha256'));
    case 'sha1':
      return cryptoDigest(createHash('sha1'));
    case 'crc32':
      return zlibCrc32();
    case 'crc32c':
      return tableCrc(new Crc32c());
    case 'crc64nvme':
      return tableCrc(new Crc64Nvme());
  }
}

/** MD5 always, plus each requested digest; feed chunks in order, then `finish()` once. */
export class StreamDigests {
  private readonly md5 = createHash('md5');
  private readonly extra: Array<[BlobDigest, Running]>;
  size = 0;

  constructor(wanted: readonly BlobDigest[] = []) {
    this.extra = [...new Set(wanted)].map((d) => [d, make(d)]);
  }

  update(chunk: Uint8Array): void {
    this.size += chunk.length;
    this.md5.update(chunk);
    for (const [, r] of this.extra) r.update(chunk);
  }

  /** Lowercase hex MD5 and the extra digests, all base64 (AWS's `x-amz-checksum-*` form). */
  finish(): { md5: string; digests: Partial<Record<BlobDigest, string>> } {
    const digests: Partial<Record<BlobDigest, string>> = {};
    for (const [d, r] of this.extra) digests[d] = r.finish();
    return { md5: this.md5.digest('hex'), digests };
  }
}
