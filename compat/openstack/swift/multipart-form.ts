// A streaming multipart/form-data reader (for FormPost): parts in order, each body a stream, nothing buffered beyond a window.

/** Thrown for a body that is not the multipart document its boundary announces. */
export class MultipartError extends Error {}

/** One part of the form. */
export interface FormPart {
  /** The `name` of its Content-Disposition. */
  name: string;
  /** The `filename` of its Content-Disposition, when it is a file. */
  filename?: string;
  /** Its own Content-Type, when sent. */
  contentType?: string;
  /** The part's bytes, ending before the next boundary; read it (or leave it: the rest is skipped) before asking for the next part. */
  body(): ReadableStream<Uint8Array>;
}

/** The boundary of a `multipart/form-data; boundary=...` content type; undefined when there is none. */
export function formBoundary(contentType: string | null): string | undefined {
  const m = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  return m ? (m[1] ?? m[2]) : undefined;
}

/** Parses `form-data; name="x"; filename="y"` (quoted or bare values). */
function disposition(v: string): { name?: string; filename?: string } {
  const out: Record<string, string> = {};
  for (const m of v.matchAll(/;\s*([a-z*]+)=(?:"((?:[^"\\]|\\.)*)"|([^;]*))/gi)) out[m[1]!.toLowerCase()] = (m[2]?.replace(/\\(.)/g, '$1') ?? m[3]!.trim());
  return { name: out.name, filename: out.filename };
}

const WINDOW = 1 << 16;

/** Reads the parts of a multipart body in order. */
export async function* readMultipart(source: AsyncIterable<Uint8Array>, boundary: string): AsyncGenerator<FormPart> {
  const it = source[Symbol.asyncIterator]();
  let buf = Buffer.alloc(0);
  let ended = false;
  const more = async (): Promise<boolean> => {
    if (ended) return false;
    const { done, value } = await it.next();
    if (done) {
      ended = true;
      return false;
    }
    buf = Buffer.concat([buf, value]);
    return true;
  };
  const delim = Buffer.from(`\r\n--${boundary}`);
  // The first boundary may open the body without the leading CRLF.
  buf = Buffer.from('\r\n');
  for (;;) {
    let at = buf.indexOf(delim);
    while (at === -1) {
      if (buf.length > delim.length) buf = buf.subarray(buf.length - delim.length);
      if (!(await more())) throw new MultipartError('no boundary');
      at = buf.indexOf(delim);
    }
    buf = buf.subarray(at + delim.length);
    while (buf.length < 2 && (await more()));
    if (buf.subarray(0, 2).toString('latin1') === '--') return;
    // Headers of the part, up to the blank line.
    let end = buf.indexOf('\r\n\r\n');
    while (end === -1) {
      if (buf.length > 16384 || !(await more())) throw new MultipartError('bad part headers');
      end = buf.indexOf('\r\n\r\n');
    }
    const lines = buf.subarray(0, end).toString('utf8').split('\r\n').slice(1);
    buf = buf.subarray(end + 4);
    const headers = new Map<string, string>();
    for (const l of lines) {
      const i = l.indexOf(':');
      if (i > 0) headers.set(l.slice(0, i).trim().toLowerCase(), l.slice(i + 1).trim());
    }
    const d = disposition(headers.get('content-disposition') ?? '');
    let done = false;
    let pending: Promise<unknown> | undefined;
    /** The next piece of the part's body (empty at its end, with the boundary left in the buffer). */
    const piece = async (): Promise<Buffer> => {
      if (done) return Buffer.alloc(0);
      for (;;) {
        const i = buf.indexOf(delim);
        if (i !== -1) {
          const out = buf.subarray(0, i);
          buf = buf.subarray(i);
          done = true;
          return out;
        }
        if (buf.length > delim.length + WINDOW || ended) {
          if (ended) throw new MultipartError('unexpected end of body');
          const out = buf.subarray(0, buf.length - delim.length);
          buf = buf.subarray(out.length);
          return out;
        }
        await more();
      }
    };
    yield {
      name: d.name ?? '',
      ...(d.filename !== undefined ? { filename: d.filename } : {}),
      ...(headers.has('content-type') ? { contentType: headers.get('content-type')! } : {}),
      body: () =>
        new ReadableStream<Uint8Array>({
          async pull(controller) {
            const p = piece();
            pending = p;
            const b = await p;
            if (b.length) controller.enqueue(new Uint8Array(b));
            if (done) controller.close();
          },
        }),
    };
    await pending?.catch(() => undefined);
    while (!done) await piece();
  }
}
