// The default BlobStore: files under the data dir, written via temp file + fsync + rename + directory fsync.
import { createHash, randomUUID } from 'node:crypto';
import { access, mkdir, open, readdir, rename, stat, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { sourceStream, type ByteSource } from '../../core/byte-source.js';
import { errors } from '../../core/errors.js';
import { assertBlobKey, bodyChunks, checkFinalSize, checkNotTooLarge, discardBody, resolveRange } from './common.js';
import { StreamDigests } from './digests.js';
import type { BlobEntry, BlobStore, BlobWriteOptions, BlobWriteResult } from './types.js';

/** How an FsBlobStore is laid out and tuned. */
export interface FsBlobStoreOptions {
  /** The blob directory (e.g. `${dataDir}/blobs`); created on first use. */
  root: string;
  /** Bytes gathered before one write(2); bigger means fewer syscalls for small-chunked bodies. */
  writeBufferBytes?: number;
  /** Size of each chunk a reader receives. */
  readChunkBytes?: number;
}

const SHARD1 = /^[0-9a-f]{2}$/;
const SHARD2 = /^[0-9a-f]$/;
const HEX = '0123456789abcdef';
const TMP_DIR = 'tmp';
/** Written once every shard directory exists and is durable. */
const LAYOUT_MARKER = '.layout-v1';

const isErrno = (e: unknown, code: string) => (e as NodeJS.ErrnoException | undefined)?.code === code;

/** fsync a directory so a rename or a new entry in it survives power loss. */
async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Blobs as files `root/<aa>/<b>/<key>`, where aab are the first hex digits of md5(key) (4096
 * leaf directories): keys are validated opaque ids, so no client-chosen name is ever part of a
 * path. The shard directories are all created (and fsync'd) on first use, so a put never pays
 * for mkdir and its parent fsyncs. In-flight writes live in `root/tmp/` on the same file
 * system, so the final rename is atomic; `sweepTemp` removes the leftovers of a crash.
 */
export class FsBlobStore implements BlobStore {
  private readonly root: string;
  private readonly tmpDir: string;
  private readonly writeBufferBytes: number;
  private readonly readChunkBytes: number;
  private ready: Promise<void> | undefined;

  constructor(opts: FsBlobStoreOptions) {
    this.root = opts.root;
    this.tmpDir = join(opts.root, TMP_DIR);
    this.writeBufferBytes = opts.writeBufferBytes ?? 1 << 20;
    this.readChunkBytes = opts.readChunkBytes ?? 256 << 10;
  }

  private init(): Promise<void> {
    this.ready ??= (async () => {
      await mkdir(this.tmpDir, { recursive: true });
      if (await exists(join(this.root, LAYOUT_MARKER))) return;
      const level1s = [...HEX].flatMap((a) => [...HEX].map((b) => join(this.root, a + b)));
      await Promise.all(
        level1s.map(async (level1) => {
          await Promise.all([...HEX].map((c) => mkdir(join(level1, c), { recursive: true })));
          await syncDir(level1);
        }),
      );
      await writeFile(join(this.root, LAYOUT_MARKER), '');
      await syncDir(this.root);
    })().catch((e: unknown) => {
      this.ready = undefined;
      throw e;
    });
    return this.ready;
  }

  private shardDir(key: string): string {
    const h = createHash('md5').update(key).digest('hex');
    return join(this.root, h.slice(0, 2), h.slice(2, 3));
  }

  private pathOf(key: string): string {
    assertBlobKey(key);
    return join(this.shardDir(key), key);
  }

  /** Recreates a shard directory someone removed behind our back (normally they all exist). */
  private async recreateShard(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    // A new directory entry is only durable once its parent is fsync'd.
    await syncDir(join(dir, '..'));
    await syncDir(this.root);
  }

  async put(key: string, body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>, opts?: BlobWriteOptions): Promise<BlobWriteResult> {
    const finalPath = this.pathOf(key);
    await this.init();
    const tmpPath = join(this.tmpDir, `${randomUUID()}.tmp`);
    const hash = new StreamDigests(opts?.digests);
    let fh: FileHandle | undefined;
    try {
      fh = await open(tmpPath, 'wx', 0o600);
    } catch (e) {
      // Nothing will read the body now: release its producer (a copy's source holds an open blob).
      await discardBody(body);
      throw e;
    }
    try {
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      const flush = async () => {
        if (!pendingBytes) return;
        const buf = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
        pending = [];
        pendingBytes = 0;
        for (let off = 0; off < buf.length; ) off += (await fh!.write(buf, off, buf.length - off)).bytesWritten;
      };
      for await (const chunk of bodyChunks(body)) {
        hash.update(chunk);
        checkNotTooLarge(hash.size, opts);
        const view = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        if (!pendingBytes && view.length >= this.writeBufferBytes) {
          // Big chunk: write it straight away (the producer gets it back only after this write).
          pending.push(view);
          pendingBytes = view.length;
        } else {
          // Small chunks are kept until flushed, and a producer may reuse its buffer meanwhile: copy.
          pending.push(Buffer.from(view));
          pendingBytes += view.length;
        }
        if (pendingBytes >= this.writeBufferBytes) await flush();
      }
      checkFinalSize(hash.size, opts);
      await flush();
      await fh.datasync();
      await fh.close();
      fh = undefined;
      const dir = this.shardDir(key);
      try {
        await rename(tmpPath, finalPath);
      } catch (e) {
        if (!isErrno(e, 'ENOENT')) throw e;
        await this.recreateShard(dir);
        await rename(tmpPath, finalPath);
      }
      await syncDir(dir);
    } catch (e) {
      if (fh) await fh.close().catch(() => undefined);
      await unlink(tmpPath).catch(() => undefined);
      throw e;
    }
    return { key, size: hash.size, ...hash.finish() };
  }

  async get(key: string, range?: { start: number; end: number }): Promise<ReadableStream<Uint8Array>> {
    const path = this.pathOf(key);
    let fh: FileHandle;
    try {
      // Open before streaming: the open descriptor keeps the bytes readable through a concurrent delete.
      fh = await open(path, 'r');
    } catch (e) {
      if (isErrno(e, 'ENOENT')) throw errors.notFound('blob', key);
      throw e;
    }
    if (range && Number.isSafeInteger(range.start) && Number.isSafeInteger(range.end) && range.start >= 0 && range.start <= range.end) {
      const want = range.end - range.start + 1;
      if (want <= this.readChunkBytes) {
        // A small range (what most GETs of small objects ask for, the size known from metadata): read it at
        // once; no fstat unless the blob turns out shorter, and the close is off the response's path.
        let buf: Buffer;
        try {
          buf = Buffer.allocUnsafe(want);
          const { bytesRead } = await fh.read(buf, 0, want, range.start);
          if (bytesRead < want) buf = Buffer.alloc(0);
        } catch (e) {
          await fh.close().catch(() => undefined);
          throw e;
        }
        if (buf.length === want) {
          fh.close().catch(() => undefined);
          return new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(buf);
              controller.close();
            },
          });
        }
        // Shorter than asked: the general path below clamps the end or refuses the range.
      }
    }
    let pos: number;
    let end: number;
    try {
      const { size } = await fh.stat();
      if (size === 0 && !range) {
        pos = 0;
        end = -1;
      } else {
        ({ start: pos, end } = resolveRange(size, range));
      }
    } catch (e) {
      await fh.close();
      throw e;
    }
    const source = fileSource(fh, pos, end, key);
    // Nothing is read before a reader asks, so a writer can take the byte source of the unread stream; a
    // reader (a decrypting GET, a copy) has the next chunk read while it handles the last.
    return sourceStream(source, this.readChunkBytes, { readAhead: true });
  }

  async stat(key: string): Promise<{ size: number } | undefined> {
    const path = this.pathOf(key);
    try {
      return { size: (await stat(path)).size };
    } catch (e) {
      if (isErrno(e, 'ENOENT')) return undefined;
      throw e;
    }
  }

  /** Idempotent. Not fsync'd: a delete lost to power loss leaves an orphan the auditor can find, never a lost object. */
  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    try {
      await unlink(path);
    } catch (e) {
      if (!isErrno(e, 'ENOENT')) throw e;
    }
  }

  async *list(): AsyncIterable<string> {
    for (const a of await readdirOrEmpty(this.root)) {
      if (!SHARD1.test(a)) continue;
      for (const b of await readdirOrEmpty(join(this.root, a))) {
        if (!SHARD2.test(b)) continue;
        for (const name of await readdirOrEmpty(join(this.root, a, b))) yield name;
      }
    }
  }

  /** Each blob's file size and mtime (the time of its last write; the rename into place keeps it). In-flight writes live in tmp/ and are not listed. */
  async *entries(): AsyncIterable<BlobEntry> {
    for (const a of await readdirOrEmpty(this.root)) {
      if (!SHARD1.test(a)) continue;
      for (const b of await readdirOrEmpty(join(this.root, a))) {
        if (!SHARD2.test(b)) continue;
        const dir = join(this.root, a, b);
        for (const name of await readdirOrEmpty(dir)) {
          try {
            const st = await stat(join(dir, name));
            if (st.isFile()) yield { key: name, size: st.size, modifiedAt: st.mtimeMs };
          } catch (e) {
            // Deleted since the directory was read.
            if (!isErrno(e, 'ENOENT')) throw e;
          }
        }
      }
    }
  }

  /**
   * Removes temp files older than `olderThanMs` (a crashed or killed write leaves them behind;
   * they were never visible). Run at startup and periodically. Returns how many were removed.
   */
  async sweepTemp(olderThanMs = 60 * 60 * 1000, now = Date.now()): Promise<number> {
    await this.init();
    let removed = 0;
    for (const name of await readdirOrEmpty(this.tmpDir)) {
      const p = join(this.tmpDir, name);
      try {
        if ((await stat(p)).mtimeMs <= now - olderThanMs) {
          await unlink(p);
          removed++;
        }
      } catch (e) {
        if (!isErrno(e, 'ENOENT')) throw e;
      }
    }
    return removed;
  }
}

/**
 * Bytes [pos, end] of an open file, read at explicit positions into the caller's buffers; the file is
 * closed at the end, on a read error and on `close` (one in flight while a read runs waits for it).
 */
function fileSource(fh: FileHandle, pos: number, end: number, key: string): ByteSource {
  let closed = false;
  let reading: Promise<unknown> | undefined;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed = true;
    // A read still in flight uses the descriptor: close once it returns, never under it.
    closing ??= (reading ?? Promise.resolve()).then(
      () => fh.close(),
      () => fh.close(),
    );
    return closing;
  };
  return {
    get remaining() {
      return closed ? 0 : end - pos + 1;
    },
    async read(into) {
      if (closed) return 0;
      const want = Math.min(into.length, end - pos + 1);
      if (want <= 0) {
        await close();
        return 0;
      }
      let bytesRead: number;
      try {
        const r = fh.read(into, 0, want, pos);
        reading = r;
        ({ bytesRead } = await r);
      } catch (e) {
        reading = undefined;
        await close().catch(() => undefined);
        throw e;
      }
      reading = undefined;
      if (closed) return 0;
      if (bytesRead === 0) {
        // The file shrank under us: only possible if someone edited it outside the store.
        await close().catch(() => undefined);
        throw errors.invalidState('Blob ended early.', { resource: 'blob', id: key });
      }
      pos += bytesRead;
      if (pos > end) await close();
      return bytesRead;
    },
    close,
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return [];
    throw e;
  }
}
