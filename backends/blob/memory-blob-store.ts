// In-memory BlobStore for tests: same contract as the filesystem store, nothing durable.
import { errors } from '../../core/errors.js';
import { assertBlobKey, bodyChunks, checkFinalSize, checkNotTooLarge, resolveRange } from './common.js';
import { StreamDigests } from './digests.js';
import type { BlobEntry, BlobStore, BlobWriteOptions, BlobWriteResult } from './types.js';

/** Options of a MemoryBlobStore. */
export interface MemoryBlobStoreOptions {
  /** The clock stamping `modifiedAt` (tests age blobs with it); default Date.now. */
  now?: () => number;
}

/** A BlobStore keeping every blob in a Map; a blob is visible only once its whole body arrived. */
export class MemoryBlobStore implements BlobStore {
  private readonly blobs = new Map<string, Buffer>();
  private readonly written = new Map<string, number>();
  private readonly now: () => number;

  constructor(opts: MemoryBlobStoreOptions = {}) {
    this.now = opts.now ?? Date.now;
  }

  async put(key: string, body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>, opts?: BlobWriteOptions): Promise<BlobWriteResult> {
    assertBlobKey(key);
    const hash = new StreamDigests(opts?.digests);
    const parts: Uint8Array[] = [];
    for await (const chunk of bodyChunks(body)) {
      hash.update(chunk);
      checkNotTooLarge(hash.size, opts);
      parts.push(Buffer.from(chunk));
    }
    checkFinalSize(hash.size, opts);
    this.blobs.set(key, Buffer.concat(parts));
    this.written.set(key, this.now());
    return { key, size: hash.size, ...hash.finish() };
  }

  async get(key: string, range?: { start: number; end: number }): Promise<ReadableStream<Uint8Array>> {
    assertBlobKey(key);
    const buf = this.blobs.get(key);
    if (!buf) throw errors.notFound('blob', key);
    if (buf.length === 0 && !range) return new ReadableStream({ start: (c) => c.close() });
    const { start, end } = resolveRange(buf.length, range);
    // The Buffer is never mutated (a put replaces it), so a reader keeps the bytes it started with.
    const slice = buf.subarray(start, end + 1);
    return new ReadableStream<Uint8Array>({
      start(c) {
        if (slice.length) c.enqueue(new Uint8Array(slice));
        c.close();
      },
    });
  }

  async stat(key: string): Promise<{ size: number } | undefined> {
    assertBlobKey(key);
    const buf = this.blobs.get(key);
    return buf ? { size: buf.length } : undefined;
  }

  async delete(key: string): Promise<void> {
    assertBlobKey(key);
    this.blobs.delete(key);
    this.written.delete(key);
  }

  async *list(): AsyncIterable<string> {
    yield* [...this.blobs.keys()];
  }

  async *entries(): AsyncIterable<BlobEntry> {
    for (const [key, buf] of [...this.blobs]) yield { key, size: buf.length, modifiedAt: this.written.get(key) ?? 0 };
  }
}
