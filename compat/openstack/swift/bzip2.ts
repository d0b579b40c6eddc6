// A streaming bzip2 decompressor (for `?extract-archive=tar.bz2`; Node has gzip built in but no bzip2), block by block with CRC checks.

/** Thrown for data that is not bzip2 or is damaged (bulk extract reports it as an invalid archive). */
export class Bzip2Error extends Error {}

/** Signals that the buffered input ends inside the block being decoded. */
const NEED_MORE = Symbol('need more input');

const BLOCK_MAGIC_HI = 0x314159;
const BLOCK_MAGIC_LO = 0x265359;
const END_MAGIC_HI = 0x177245;
const END_MAGIC_LO = 0x385090;
const MAX_CODE_LEN = 20;
const GROUP_SIZE = 50;
/** More than any one compressed block can take (900k of input grows by at most ~1% plus a few hundred bytes). */
const BLOCK_BUFFER = 1_100_000;

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let j = 0; j < 8; j++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    t[i] = c >>> 0;
  }
  return t;
})();

/** Bits, most significant first, over the buffered input. */
class BitReader {
  buf: Buffer = Buffer.alloc(0);
  pos = 0;

  bits(n: number): number {
    let v = 0;
    while (n > 0) {
      const i = this.pos >>> 3;
      if (i >= this.buf.length) throw NEED_MORE;
      const avail = 8 - (this.pos & 7);
      const take = Math.min(avail, n);
      v = v * (1 << take) + ((this.buf[i]! >>> (avail - take)) & ((1 << take) - 1));
      n -= take;
      this.pos += take;
    }
    return v;
  }

  bit(): number {
    return this.bits(1);
  }

  /** Bytes buffered past the read position. */
  available(): number {
    return this.buf.length - (this.pos >>> 3);
  }

  append(b: Uint8Array): void {
    this.buf = Buffer.concat([this.buf, b]);
  }

  /** Drops the bytes already read (never while a step may still rewind). */
  compact(): void {
    const from = this.pos >>> 3;
    if (from === 0) return;
    this.buf = this.buf.subarray(from);
    this.pos &= 7;
  }
}

/** One decoded block: its bytes after the initial run-length step is undone, and its stored CRC. */
function decodeBlock(br: BitReader, maxBlock: number): { out: Buffer; crc: number } {
  const crc = br.bits(32) >>> 0;
  if (br.bit()) throw new Bzip2Error('randomised blocks are not supported');
  const origPtr = br.bits(24);
  // The symbols in use, as a 16×16 bitmap.
  const used = br.bits(16);
  const seqToUnseq: number[] = [];
  for (let i = 0; i < 16; i++) {
    if (used & (0x8000 >>> i)) {
      const bitsI = br.bits(16);
      for (let j = 0; j < 16; j++) if (bitsI & (0x8000 >>> j)) seqToUnseq.push(i * 16 + j);
    }
  }
  if (seqToUnseq.length === 0) throw new Bzip2Error('no symbols in use');
  const alphaSize = seqToUnseq.length + 2;
  const nGroups = br.bits(3);
  if (nGroups < 2 || nGroups > 6) throw new Bzip2Error('bad group count');
  const nSelectors = br.bits(15);
  if (nSelectors < 1) throw new Bzip2Error('bad selector count');
  const mtfGroups = Array.from({ length: nGroups }, (_, i) => i);
  const selectors = new Uint8Array(nSelectors);
  for (let i = 0; i < nSelectors; i++) {
    let j = 0;
    while (br.bit()) if (++j >= nGroups) throw new Bzip2Error('bad selector');
    const g = mtfGroups[j]!;
    mtfGroups.splice(j, 1);
    mtfGroups.unshift(g);
    selectors[i] = g;
  }
  // Huffman tables, canonical, as bzip2 builds them (limit/base/perm per code length).
  const tables = [];
  for (let t = 0; t < nGroups; t++) {
    const lens = new Uint8Array(alphaSize);
    let len = br.bits(5);
    for (let s = 0; s < alphaSize; s++) {
      for (;;) {
        if (len < 1 || len > MAX_CODE_LEN) throw new Bzip2Error('bad code length');
        if (!br.bit()) break;
        len += br.bit() ? -1 : 1;
      }
      lens[s] = len;
    }
    let minLen = MAX_CODE_LEN;
    let maxLen = 0;
    for (const l of lens) {
      minLen = Math.min(minLen, l);
      maxLen = Math.max(maxLen, l);
    }
    const perm: number[] = [];
    for (let l = minLen; l <= maxLen; l++) for (let s = 0; s < alphaSize; s++) if (lens[s] === l) perm.push(s);
    const base = new Int32Array(MAX_CODE_LEN + 2);
    const limit = new Int32Array(MAX_CODE_LEN + 1);
    for (const l of lens) base[l + 1]!++;
    for (let i = 1; i < base.length; i++) base[i]! += base[i - 1]!;
    let vec = 0;
    for (let l = minLen; l <= maxLen; l++) {
      vec += base[l + 1]! - base[l]!;
      limit[l] = vec - 1;
      vec <<= 1;
    }
    for (let l = minLen + 1; l <= maxLen; l++) base[l] = ((limit[l - 1]! + 1) << 1) - base[l]!;
    tables.push({ minLen, maxLen, perm, base, limit });
  }
  // Huffman → MTF/RLE2 symbols → the BWT's last column in tt (low byte of each entry).
  const tt = new Uint32Array(maxBlock);
  const counts = new Int32Array(256);
  const mtf = Array.from({ length: 256 }, (_, i) => i);
  const eob = alphaSize - 1;
  let n = 0;
  let group = -1;
  let left = 0;
  let run = 0;
  let runWeight = 1;
  let table = tables[0]!;
  const flushRun = () => {
    if (run === 0) return;
    const byte = seqToUnseq[mtf[0]!]!;
    if (n + run > maxBlock) throw new Bzip2Error('block overflow');
    counts[byte]! += run;
    tt.fill(byte, n, n + run);
    n += run;
    run = 0;
    runWeight = 1;
  };
  for (;;) {
    if (left === 0) {
      if (++group >= nSelectors) throw new Bzip2Error('ran out of selectors');
      table = tables[selectors[group]!]!;
      left = GROUP_SIZE;
    }
    left--;
    let zn = table.minLen;
    let zvec = br.bits(zn);
    while (zvec > table.limit[zn]!) {
      if (++zn > table.maxLen) throw new Bzip2Error('bad huffman code');
      zvec = (zvec << 1) | br.bit();
    }
    const sym = table.perm[zvec - table.base[zn]!];
    if (sym === undefined) throw new Bzip2Error('bad huffman code');
    if (sym <= 1) {
      // RUNA / RUNB: bijective base-2 digits of a run of the front symbol.
      run += (sym + 1) * runWeight;
      runWeight *= 2;
      if (run > maxBlock) throw new Bzip2Error('block overflow');
      continue;
    }
    flushRun();
    if (sym === eob) break;
    const idx = sym - 1;
    const v = mtf[idx]!;
    mtf.splice(idx, 1);
    mtf.unshift(v);
    const byte = seqToUnseq[v]!;
    if (n >= maxBlock) throw new Bzip2Error('block overflow');
    counts[byte]!++;
    tt[n++] = byte;
  }
  if (origPtr >= n) throw new Bzip2Error('bad origin pointer');
  // Inverse BWT: link each position to the next in the original text.
  const cftab = new Int32Array(256);
  for (let i = 0, sum = 0; i < 256; i++) {
    cftab[i] = sum;
    sum += counts[i]!;
  }
  for (let i = 0; i < n; i++) {
    const b = tt[i]! & 0xff;
    tt[cftab[b]!]! |= i << 8;
    cftab[b]!++;
  }
  // Walk the text and undo the first run-length step (four equal bytes, then a count of more).
  const chunks: Buffer[] = [];
  let out = Buffer.allocUnsafe(Math.max(n, 1) + 1024);
  let o = 0;
  const put = (b: number, times: number) => {
    if (o + times > out.length) {
      chunks.push(out.subarray(0, o));
      out = Buffer.allocUnsafe(Math.max(n, times) + 1024);
      o = 0;
    }
    out.fill(b, o, o + times);
    o += times;
  };
  let tPos = tt[origPtr]! >>> 8;
  let last = -1;
  let same = 0;
  for (let k = 0; k < n; k++) {
    const v = tt[tPos]!;
    const b = v & 0xff;
    tPos = v >>> 8;
    if (same === 4) {
      put(last, b);
      same = 0;
      last = -1;
      continue;
    }
    if (b === last) same++;
    else {
      last = b;
      same = 1;
    }
    put(b, 1);
  }
  chunks.push(out.subarray(0, o));
  const data = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = ((c << 8) ^ CRC_TABLE[((c >>> 24) ^ data[i]!) & 0xff]!) >>> 0;
  if ((~c >>> 0) !== crc) throw new Bzip2Error('block checksum mismatch');
  return { out: data, crc };
}

/**
 * Decompresses a bzip2 stream (or several concatenated, as Python's bz2 reads them). Throws Bzip2Error for
 * anything that is not well-formed bzip2, including a truncated stream.
 */
export async function* bunzip2(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const it = source[Symbol.asyncIterator]();
  const br = new BitReader();
  let ended = false;
  const more = async (): Promise<boolean> => {
    if (ended) return false;
    const { done, value } = await it.next();
    if (done) ended = true;
    else br.append(value);
    return !done;
  };
  /** Runs `step` over the buffered input, reading more (and retrying from the same bit) while it runs short. */
  const withInput = async <T>(want: number, step: () => T): Promise<T> => {
    br.compact();
    while (br.available() < want && (await more()));
    for (;;) {
      const start = br.pos;
      try {
        return step();
      } catch (e) {
        if (e !== NEED_MORE) throw e;
        br.pos = start;
        if (!(await more())) throw new Bzip2Error('unexpected end of data');
      }
    }
  };
  let streams = 0;
  for (;;) {
    // A stream header, `BZh1`..`BZh9`; after the first stream, the end of input is fine.
    while (br.available() < 4 && (await more()));
    if (streams > 0 && br.available() === 0) return;
    const header = await withInput(4, () => [br.bits(8), br.bits(8), br.bits(8), br.bits(8)]);
    if (header[0] !== 0x42 || header[1] !== 0x5a || header[2] !== 0x68 || header[3]! < 0x31 || header[3]! > 0x39) {
      throw new Bzip2Error(streams ? 'trailing garbage' : 'not a bzip2 stream');
    }
    const maxBlock = (header[3]! - 0x30) * 100_000;
    let combined = 0;
    for (;;) {
      const decoded = await withInput(BLOCK_BUFFER, () => {
        const hi = br.bits(24);
        const lo = br.bits(24);
        if (hi === END_MAGIC_HI && lo === END_MAGIC_LO) return { end: true as const, crc: br.bits(32) >>> 0 };
        if (hi !== BLOCK_MAGIC_HI || lo !== BLOCK_MAGIC_LO) throw new Bzip2Error('bad block header');
        return { end: false as const, ...decodeBlock(br, maxBlock) };
      });
      if (decoded.end) {
        if (decoded.crc !== combined) throw new Bzip2Error('stream checksum mismatch');
        break;
      }
      combined = (((combined << 1) | (combined >>> 31)) ^ decoded.crc) >>> 0;
      for (let i = 0; i < decoded.out.length; i += 1 << 16) yield decoded.out.subarray(i, i + (1 << 16));
    }
    // Streams are byte-aligned.
    br.pos = (br.pos + 7) & ~7;
    streams++;
  }
}
