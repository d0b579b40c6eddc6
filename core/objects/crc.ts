// Table-driven CRC32C and CRC64/NVME (slicing-by-8), the two checksums S3 needs that node:zlib lacks.

/** Builds 8 slicing tables for a reflected 32-bit CRC with the given (reflected) polynomial. */
function tables32(poly: number): Uint32Array[] {
  const t: Uint32Array[] = [];
  const t0 = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    t0[i] = c >>> 0;
  }
  t.push(t0);
  for (let s = 1; s < 8; s++) {
    const prev = t[s - 1]!;
    const cur = new Uint32Array(256);
    for (let i = 0; i < 256; i++) cur[i] = ((prev[i]! >>> 8) ^ t0[prev[i]! & 0xff]!) >>> 0;
    t.push(cur);
  }
  return t;
}

/**
 * Builds 8 slicing tables for a reflected 64-bit CRC, each entry split in two 32-bit halves
 * (hi, lo) because BigInt arithmetic would be an order of magnitude slower.
 */
function tables64(polyHi: number, polyLo: number): { hi: Uint32Array[]; lo: Uint32Array[] } {
  const hi: Uint32Array[] = [];
  const lo: Uint32Array[] = [];
  const h0 = new Uint32Array(256);
  const l0 = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let h = 0;
    let l = i;
    for (let k = 0; k < 8; k++) {
      const bit = l & 1;
      l = ((l >>> 1) | ((h & 1) << 31)) >>> 0;
      h = h >>> 1;
      if (bit) {
        h = (h ^ polyHi) >>> 0;
        l = (l ^ polyLo) >>> 0;
      }
    }
    h0[i] = h;
    l0[i] = l;
  }
  hi.push(h0);
  lo.push(l0);
  for (let s = 1; s < 8; s++) {
    const ph = hi[s - 1]!;
    const pl = lo[s - 1]!;
    const ch = new Uint32Array(256);
    const cl = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      const idx = pl[i]! & 0xff;
      ch[i] = ((ph[i]! >>> 8) ^ h0[idx]!) >>> 0;
      cl[i] = (((pl[i]! >>> 8) | (ph[i]! << 24)) ^ l0[idx]!) >>> 0;
    }
    hi.push(ch);
    lo.push(cl);
  }
  return { hi, lo };
}

// Immutable lookup tables, computed once at load (constants, not state).
const CRC32C_TABLES = tables32(0x82f63b78);
const CRC64NVME_TABLES = tables64(0x9a6c9329, 0xac4bc9b5);

/** Incremental CRC32C (Castagnoli, as S3's `x-amz-checksum-crc32c`). */
export class Crc32c {
  private crc = 0xffffffff;
  private readonly t = CRC32C_TABLES;

  update(buf: Uint8Array): this {
    const t = this.t;
    const [t0, t1, t2, t3, t4, t5, t6, t7] = t as [Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array];
    let crc = this.crc;
    let i = 0;
    const n = buf.length;
    const end8 = n - (n % 8);
    for (; i < end8; i += 8) {
      crc ^= buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24);
      crc =
        t7[crc & 0xff]! ^
        t6[(crc >>> 8) & 0xff]! ^
        t5[(crc >>> 16) & 0xff]! ^
        t4[crc >>> 24]! ^
        t3[buf[i + 4]!]! ^
        t2[buf[i + 5]!]! ^
        t1[buf[i + 6]!]! ^
        t0[buf[i + 7]!]!;
    }
    for (; i < n; i++) crc = (crc >>> 8) ^ t0[(crc ^ buf[i]!) & 0xff]!;
    this.crc = crc >>> 0;
    return this;
  }

  /** The 4 big-endian bytes of the final CRC. */
  digest(): Buffer {
    const out = Buffer.alloc(4);
    out.writeUInt32BE((this.crc ^ 0xffffffff) >>> 0);
    return out;
  }
}

/** Incremental CRC64/NVME (as S3's `x-amz-checksum-crc64nvme`). */
export class Crc64Nvme {
  private hi = 0xffffffff;
  private lo = 0xffffffff;
  private readonly t = CRC64NVME_TABLES;

  update(buf: Uint8Array): this {
    const { hi: th, lo: tl } = this.t;
    let hi = this.hi;
    let lo = this.lo;
    let i = 0;
    const n = buf.length;
    const end8 = n - (n % 8);
    for (; i < end8; i += 8) {
      lo ^= buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24);
      hi ^= buf[i + 4]! | (buf[i + 5]! << 8) | (buf[i + 6]! << 16) | (buf[i + 7]! << 24);
      const b0 = lo & 0xff, b1 = (lo >>> 8) & 0xff, b2 = (lo >>> 16) & 0xff, b3 = lo >>> 24;
      const b4 = hi & 0xff, b5 = (hi >>> 8) & 0xff, b6 = (hi >>> 16) & 0xff, b7 = hi >>> 24;
      hi = th[7]![b0]! ^ th[6]![b1]! ^ th[5]![b2]! ^ th[4]![b3]! ^ th[3]![b4]! ^ th[2]![b5]! ^ th[1]![b6]! ^ th[0]![b7]!;
      lo = tl[7]![b0]! ^ tl[6]![b1]! ^ tl[5]![b2]! ^ tl[4]![b3]! ^ tl[3]![b4]! ^ tl[2]![b5]! ^ tl[1]![b6]! ^ tl[0]![b7]!;
    }
    const h0 = th[0]!;
    const l0 = tl[0]!;
    for (; i < n; i++) {
      const idx = (lo ^ buf[i]!) & 0xff;
      lo = ((lo >>> 8) | (hi << 24)) ^ l0[idx]!;
      hi = (hi >>> 8) ^ h0[idx]!;
    }
    this.hi = hi >>> 0;
    this.lo = lo >>> 0;
    return this;
  }

  /** The 8 big-endian bytes of the final CRC. */
  digest(): Buffer {
    const out = Buffer.alloc(8);
    out.writeUInt32BE((this.hi ^ 0xffffffff) >>> 0, 0);
    out.writeUInt32BE((this.lo ^ 0xffffffff) >>> 0, 4);
    return out;
  }
}
