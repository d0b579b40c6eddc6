// A streaming reader of tar archives (ustar, pax and GNU long names), as Python's tarfile reads them in stream mode for bulk extract.

/** Thrown for an archive that cannot be read (Swift answers `Invalid Tar File: <reason>`). */
export class TarError extends Error {}

/** One member of an archive. */
export interface TarEntry {
  /** The member's path (pax `path` and GNU long names applied). */
  name: string;
  /** 'file' for regular files; directories, links and devices are 'other' and carry no body here. */
  type: 'file' | 'other';
  size: number;
  /** The pax extended header records that applied to this member. */
  pax: Record<string, string>;
  /** The member's bytes; must be read to its end (or `skip`ped) before the next entry is asked for. */
  body(): ReadableStream<Uint8Array>;
}

/** Exact-length reads over an async byte source. */
class ByteReader {
  private buf: Buffer = Buffer.alloc(0);
  private done = false;
  constructor(private readonly source: AsyncIterator<Uint8Array>) {}

  /** Fills the buffer to at least `n` bytes (fewer only at the end of the source). */
  private async fill(n: number): Promise<void> {
    while (this.buf.length < n && !this.done) {
      const { done, value } = await this.source.next();
      if (done) this.done = true;
      else if (value.byteLength) this.buf = this.buf.length ? Buffer.concat([this.buf, Buffer.from(value)]) : Buffer.from(value);
    }
  }

  /** Exactly `n` bytes, or fewer at the end of the source. */
  async read(n: number): Promise<Buffer> {
    await this.fill(n);
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(out.length);
    return out;
  }

  /** Up to `max` bytes of what is available (at least one unless at the end). */
  async chunk(max: number): Promise<Buffer> {
    await this.fill(1);
    const out = this.buf.subarray(0, Math.min(max, this.buf.length));
    this.buf = this.buf.subarray(out.length);
    return out;
  }
}

const BLOCK = 512;

const cstring = (b: Buffer, start: number, len: number): string => {
  const field = b.subarray(start, start + len);
  const nul = field.indexOf(0);
  return (nul === -1 ? field : field.subarray(0, nul)).toString('utf8');
};

/** A numeric header field: octal text, or GNU base-256 when the high bit of the first byte is set. */
function numeric(b: Buffer, start: number, len: number): number {
  const field = b.subarray(start, start + len);
  if (field[0]! & 0x80) {
    let n = field[0]! & 0x7f;
    for (let i = 1; i < field.length; i++) n = n * 256 + field[i]!;
    return n;
  }
  const text = cstring(b, start, len).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new TarError('invalid header');
  return parseInt(text, 8);
}

function checksumOk(h: Buffer): boolean {
  const stored = numeric(h, 148, 8);
  let unsigned = 0;
  for (let i = 0; i < BLOCK; i++) unsigned += i >= 148 && i < 156 ? 32 : h[i]!;
  return stored === unsigned;
}

/** Parses pax records (`<len> <key>=<value>\n`). */
function parsePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    if (space === -1) break;
    const len = Number(data.subarray(pos, space).toString('ascii'));
    if (!Number.isInteger(len) || len <= 0 || pos + len > data.length) throw new TarError('invalid header');
    const record = data.subarray(space + 1, pos + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    pos += len;
  }
  return out;
}

const padding = (size: number) => (BLOCK - (size % BLOCK)) % BLOCK;

/**
 * Reads the members of a tar stream in order. Each entry's body must be consumed (or abandoned: the rest is
 * skipped) before the iterator moves on. Throws TarError for a damaged or truncated archive, and for an empty one.
 */
export async function* readTar(source: AsyncIterable<Uint8Array>): AsyncGenerator<TarEntry> {
  const r = new ByteReader(source[Symbol.asyncIterator]());
  let globalPax: Record<string, string> = {};
  let pax: Record<string, string> = {};
  let longName: string | undefined;
  let first = true;
  for (;;) {
    const h = await r.read(BLOCK);
    if (h.length === 0 && first) throw new TarError('empty file');
    if (h.length < BLOCK) throw new TarError('unexpected end of data');
    if (h.every((x) => x === 0)) return;
    if (!checksumOk(h)) throw new TarError(first ? 'file could not be opened successfully' : 'invalid header');
    first = false;
    const type = String.fromCharCode(h[156]!);
    let size = numeric(h, 124, 12);
    if (type === 'x' || type === 'g' || type === 'L' || type === 'K') {
      const data = await r.read(size);
      if (data.length < size) throw new TarError('unexpected end of data');
      await r.read(padding(size));
      if (type === 'x') pax = parsePax(data);
      else if (type === 'g') globalPax = { ...globalPax, ...parsePax(data) };
      else if (type === 'L') longName = cstring(data, 0, data.length);
      continue;
    }
    const applied = { ...globalPax, ...pax };
    const prefix = h.subarray(257, 262).toString('ascii') === 'ustar' ? cstring(h, 345, 155) : '';
    const base = cstring(h, 0, 100);
    const name = applied.path ?? longName ?? (prefix ? `${prefix}/${base}` : base);
    if (applied.size !== undefined && /^\d+$/.test(applied.size)) size = Number(applied.size);
    pax = {};
    longName = undefined;
    const isFile = type === '0' || type === '\0' || type === '7';
    // Only regular files carry data in the archive (a hard link's size is 0 in practice; Python reads it as such).
    const dataSize = isFile || type === 'S' ? size : 0;
    let left = dataSize;
    // A read of the body still in flight when its consumer gave up: the skip below waits for it.
    let pending: Promise<unknown> | undefined;
    yield {
      name,
      type: isFile ? 'file' : 'other',
      size: isFile ? size : 0,
      pax: applied,
      body: () => {
        return new ReadableStream<Uint8Array>({
          async pull(controller) {
            if (left === 0) return controller.close();
            const read = r.chunk(Math.min(left, 1 << 16));
            pending = read;
            const b = await read;
            if (b.length === 0) return controller.error(new TarError('unexpected end of data'));
            left -= b.length;
            controller.enqueue(new Uint8Array(b));
            if (left === 0) controller.close();
          },
        });
      },
    };
    await pending?.catch(() => undefined);
    while (left > 0) {
      const b = await r.chunk(Math.min(left, 1 << 16));
      if (b.length === 0) throw new TarError('unexpected end of data');
      left -= b.length;
    }
    const pad = await r.read(padding(dataSize));
    if (pad.length < padding(dataSize)) throw new TarError('unexpected end of data');
  }
}
