// S3 multipart checksums: which algorithm/type pairs are allowed, per-part checks at completion, and the object checksum (COMPOSITE or FULL_OBJECT).
import { checksumOf } from './checksums.js';
import { errors } from '../errors.js';
import type { Checksum, ChecksumAlgorithm, ChecksumType } from './types.js';

/** Reflected polynomial and width of each CRC S3 offers. */
const CRCS = {
  crc32: { poly: 0xedb88320n, width: 32 },
  crc32c: { poly: 0x82f63b78n, width: 32 },
  crc64nvme: { poly: 0x9a6c9329ac4bc9b5n, width: 64 },
} as const;

type CrcAlgorithm = keyof typeof CRCS;

const isCrc = (a: ChecksumAlgorithm): a is CrcAlgorithm => a in CRCS;

/** a(x)·b(x) mod p(x) in the reflected bit order CRCs use (zlib's multmodp, any width). */
function multModP(a: bigint, b: bigint, poly: bigint, width: number): bigint {
  let m = 1n << BigInt(width - 1);
  let p = 0n;
  let bb = b;
  for (;;) {
    if (a & m) {
      p ^= bb;
      if ((a & (m - 1n)) === 0n) break;
    }
    m >>= 1n;
    bb = bb & 1n ? (bb >> 1n) ^ poly : bb >> 1n;
  }
  return p;
}

/** x^(8·bytes) mod p(x): the operator that appends `bytes` zero bytes to a CRC register. */
function zerosOperator(bytes: number, poly: bigint, width: number): bigint {
  let p = 1n << BigInt(width - 1);
  let square = 1n << BigInt(width - 2); // x^1
  let n = BigInt(bytes) * 8n;
  while (n > 0n) {
    if (n & 1n) p = multModP(square, p, poly, width);
    square = multModP(square, square, poly, width);
    n >>= 1n;
  }
  return p;
}

const toBig = (b64: string) => BigInt(`0x${Buffer.from(b64, 'base64').toString('hex') || '0'}`);

function fromBig(v: bigint, width: number): string {
  return Buffer.from(v.toString(16).padStart(width / 4, '0'), 'hex').toString('base64');
}

/**
 * The CRC of A‖B from crc(A), crc(B) and |B| (zlib's crc32_combine, for any of S3's CRCs). Works on the
 * final values: the all-ones init and final XOR cancel out.
 */
export function combineCrc(alg: CrcAlgorithm, crcA: string, crcB: string, lengthB: number): string {
  const { poly, width } = CRCS[alg];
  return fromBig(multModP(zerosOperator(lengthB, poly, width), toBig(crcA), poly, width) ^ toBig(crcB), width);
}

/** Checksum type of an upload: the one asked for, or S3's default (FULL_OBJECT for CRC64NVME, else COMPOSITE). */
export function uploadChecksumType(algorithm: ChecksumAlgorithm | undefined, type: ChecksumType | undefined): ChecksumType | undefined {
  if (!algorithm) {
    if (type) throw errors.invalid('The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.', { reason: 'InvalidRequest' });
    return undefined;
  }
  const t = type ?? (algorithm === 'crc64nvme' ? 'FULL_OBJECT' : 'COMPOSITE');
  if (t === 'FULL_OBJECT' && !isCrc(algorithm)) throw errors.invalid(`The FULL_OBJECT checksum type cannot be used with the ${algorithm} checksum algorithm.`, { reason: 'InvalidRequest' });
  if (t === 'COMPOSITE' && algorithm === 'crc64nvme') throw errors.invalid('The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm.', { reason: 'InvalidRequest' });
  return t;
}

/** A part's checksum request must use the upload's algorithm. */
export function checkPartAlgorithm(upload: ChecksumAlgorithm | undefined, part: ChecksumAlgorithm | undefined): void {
  if (upload && part && upload !== part) {
    throw errors.invalid(`Checksum Type mismatch occurred, expected checksum Type: ${upload}, actual checksum Type: ${part}`, { reason: 'InvalidRequest' });
  }
}

/** A stored part as completion sees it. */
export interface ChecksummedPart {
  partNumber: number;
  size: number;
  etag: string;
  checksum: string | null;
}

/** What the Complete request said about checksums. */
export interface CompletionChecksums {
  /** Per listed part (in order), the checksum the client gave for it, if any. */
  given: Array<string | undefined>;
  /** `x-amz-checksum-type` of the Complete request. */
  type?: ChecksumType;
  /** A whole-object `x-amz-checksum-<alg>` of the Complete request. */
  expected?: { algorithm: ChecksumAlgorithm; value: string };
}

/**
 * Checks the Complete request against the upload (S3's rules: the same checksum type; every part's
 * checksum for COMPOSITE; listed checksums equal the stored ones → else InvalidPart) and returns the
 * object checksum: COMPOSITE = hash of the concatenated part digests with `-N`; FULL_OBJECT = the
 * CRC of the whole object, combined from the part CRCs.
 */
export function multipartChecksum(
  algorithm: ChecksumAlgorithm | undefined,
  type: ChecksumType | undefined,
  parts: ChecksummedPart[],
  req: CompletionChecksums,
): Checksum | undefined {
  if (!algorithm || !type) {
    if (req.type) throw errors.invalid('The upload was not created with a checksum; x-amz-checksum-type cannot be used on completion.', { reason: 'InvalidRequest' });
    return undefined;
  }
  if (req.type && req.type !== type) {
    throw errors.invalid(`The upload was created using the ${type} checksum mode. The complete request must use the same checksum mode.`, { reason: 'InvalidRequest' });
  }
  parts.forEach((p, i) => {
    const given = req.given[i];
    if (given === undefined) {
      if (type === 'COMPOSITE') {
        throw errors.invalid(`The upload was created using a ${algorithm} checksum. The complete request must include the checksum for each part. It was missing for part ${p.partNumber} in the request.`, { reason: 'InvalidRequest' });
      }
      return;
    }
    if (p.checksum !== null && given.trim() !== p.checksum) {
      throw errors.invalid("One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not have matched the part's entity tag.", {
        reason: 'InvalidPart',
        partNumber: p.partNumber,
        etag: p.etag,
      });
    }
  });
  if (parts.some((p) => p.checksum === null)) return undefined;
  const sums = parts.map((p) => p.checksum!);
  let result: Checksum;
  if (type === 'FULL_OBJECT' && isCrc(algorithm)) {
    let value = sums[0]!;
    for (let i = 1; i < parts.length; i++) value = combineCrc(algorithm, value, sums[i]!, parts[i]!.size);
    result = { algorithm, value, type: 'FULL_OBJECT' };
  } else {
    const digest = checksumOf(algorithm, Buffer.concat(sums.map((s) => Buffer.from(s, 'base64'))));
    result = { algorithm, value: `${digest}-${parts.length}`, type: 'COMPOSITE' };
  }
  const exp = req.expected;
  if (exp) {
    const strip = (v: string) => v.trim().replace(/-\d+$/, '');
    if (exp.algorithm !== algorithm) {
      throw errors.invalid(`The upload was created using a ${algorithm} checksum; the complete request sent a ${exp.algorithm} checksum.`, { reason: 'InvalidRequest' });
    }
    if (strip(exp.value) !== strip(result.value)) {
      throw errors.invalid(`The ${algorithm.toUpperCase()} you specified did not match the calculated checksum.`, { reason: 'BadChecksum', algorithm });
    }
  }
  return result;
}
