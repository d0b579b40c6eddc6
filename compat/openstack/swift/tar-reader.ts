// Reads the members of a tar stream for bulk extract, on tar-stream.
import { Readable } from 'node:stream';
import { Bzip2Error } from './bzip2.js';
import { extract, type Header as TarHeaders } from 'tar-stream';

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
  /** The member's bytes; read to its end or abandoned, the rest is skipped before the next entry. */
  body(): ReadableStream<Uint8Array>;
}

/** tar-stream's failures (plain errors) as a TarError; the bzip2 decoder's and zlib's keep their identity. */
function asTarError(e: unknown): unknown {
  if (e instanceof TarError || e instanceof Bzip2Error) return e;
  // zlib's errors keep their identity: the caller words a damaged gzip stream itself.
  if (e instanceof Error && 'code' in e && typeof e.code === 'string' && e.code.startsWith('Z_')) return e;
  const message = e instanceof Error || (typeof e === 'object' && e !== null && 'message' in e) ? String((e as { message: unknown }).message) : String(e);
  return new TarError(/end of data|prematurely/i.test(message) ? 'unexpected end of data' : message || 'invalid header');
}

/**
 * Reads the members of a tar stream in order (ustar, pax and GNU long names, as tar-stream parses them). Each
 * entry's body must be consumed or abandoned before the iterator moves on. Throws TarError for a damaged or
 * truncated archive, and for an empty one.
 */
export async function* readTar(source: AsyncIterable<Uint8Array>): AsyncGenerator<TarEntry> {
  const ex = extract();
  const input = Readable.from(source, { objectMode: false });
  input.on('error', (e) => ex.destroy(e));
  input.pipe(ex);
  let any = false;
  try {
    for await (const entry of ex) {
      any = true;
      const h: TarHeaders = entry.header;
      const isFile = h.type === 'file' || h.type === 'contiguous-file';
      let it: AsyncIterator<Buffer> | undefined;
      yield {
        name: h.name,
        type: isFile ? 'file' : 'other',
        size: isFile ? (h.size ?? 0) : 0,
        pax: (h.pax ?? {}) as Record<string, string>,
        body: () => {
          it ??= entry[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
          const reader = it;
          return new ReadableStream<Uint8Array>({
            async pull(controller) {
              try {
                const { done, value } = await reader.next();
                if (done) controller.close();
                else controller.enqueue(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
              } catch (e) {
                controller.error(asTarError(e));
              }
            },
          });
        },
      };
      // Whatever the consumer left unread is skipped through the same iterator (its reads are queued in order).
      const rest = it ?? (entry[Symbol.asyncIterator]() as AsyncIterator<Buffer>);
      while (!(await rest.next()).done);
    }
  } catch (e) {
    throw asTarError(e);
  } finally {
    input.destroy();
  }
  if (!any) throw new TarError('empty file');
}
