// Small blobs kept in the database: written in the object's own commit (no file, no second fsync), read and collected through the BlobStore interface.
import type Database from 'better-sqlite3';
import type { BlobEntry, BlobStore, BlobWriteOptions, BlobWriteResult } from '../../backends/blob/types.js';
import type { Db } from '../db/index.js';
import { errors } from '../errors.js';
import type { DbOrTx } from '../jobs/outbox.js';
import { newId } from './rules.js';
import { bytesStream } from './streams.js';

/** Keys of inline blobs start with this; `:` is outside BLOB_KEY_PATTERN, so no backend key ever does. */
const INLINE_PREFIX = 'inline:';

/** Bodies up to this many bytes are stored inline unless configured otherwise (Garage inlines below 3 KiB; 16 KiB covers the small-file traffic of backups and CI artifacts). */
export const DEFAULT_INLINE_MAX_BYTES = 16 * 1024;

/** An inclusive range clamped to `size`, or Invalid InvalidRange, as every BlobStore answers (backends/blob/common.ts has the backends' copy; core may import only their interfaces). */
function resolveRange(size: number, range?: { start: number; end: number }): { start: number; end: number } {
  if (!range) return { start: 0, end: size - 1 };
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || start > end || start >= size) {
    throw errors.invalid('The requested range is not satisfiable.', { resource: 'blob', reason: 'InvalidRange', size });
  }
  return { start, end: Math.min(end, size - 1) };
}

/** True for a key `InlineBlobStore.newKey` made. */
export function isInlineKey(key: string): boolean {
  return key.startsWith(INLINE_PREFIX);
}

/**
 * A BlobStore over a backend plus the `obj_inline_blobs` table. Inline keys (`newKey`) are read, sized,
 * deleted and enumerated from the table; every other key goes to the backend unchanged. An inline
 * blob is never `put`: its bytes are inserted with `insert`, inside the transaction that commits the
 * object or part referencing it, so it is durable exactly when its reference is and a crash cannot
 * orphan it. Collection is the normal path: `blob.gc` deletes it once no reference is left, and
 * `entries` lists it so the auditor judges it like any other blob.
 */
export class InlineBlobStore implements BlobStore {
  private readonly stmts: {
    insert: Database.Statement;
    data: Database.Statement;
    size: Database.Statement;
    remove: Database.Statement;
    entries: Database.Statement;
  };

  constructor(
    readonly backend: BlobStore,
    db: Db,
    private readonly now: () => number = Date.now,
  ) {
    const sqlite = (db as unknown as { $client: Database.Database }).$client;
    this.stmts = {
      insert: sqlite.prepare('INSERT INTO obj_inline_blobs (blob_key, data, created_at) VALUES (?, ?, ?)'),
      data: sqlite.prepare('SELECT data FROM obj_inline_blobs WHERE blob_key = ?').pluck(),
      size: sqlite.prepare('SELECT length(data) FROM obj_inline_blobs WHERE blob_key = ?').pluck(),
      remove: sqlite.prepare('DELETE FROM obj_inline_blobs WHERE blob_key = ?'),
      entries: sqlite.prepare('SELECT blob_key AS key, length(data) AS size, created_at AS "modifiedAt" FROM obj_inline_blobs'),
    };
  }

  /**
   * A fresh inline key: a time-ordered id (`newId`). Ordered keys land at the end of the table's primary-key
   * index, so a batch of writes dirties a few pages instead of one page per key all over the index
   * (measured: 126 → 70 µs per insert of a 4 KiB blob).
   */
  static newKey(): string {
    return INLINE_PREFIX + newId();
  }

  /** Stores `data` under an inline key; call inside the transaction that adds the key's first reference. */
  insert(_tx: DbOrTx, key: string, data: Buffer): void {
    // The statement runs on the connection's open transaction (one connection per process, as every prepared statement here).
    this.stmts.insert.run(key, data, this.now());
  }

  put(key: string, body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>, opts?: BlobWriteOptions): Promise<BlobWriteResult> {
    if (isInlineKey(key)) throw errors.invalid('Inline blobs are written with their reference, not put.', { resource: 'blob', reason: 'InvalidBlobKey' });
    return this.backend.put(key, body, opts);
  }

  async get(key: string, range?: { start: number; end: number }): Promise<ReadableStream<Uint8Array>> {
    if (!isInlineKey(key)) return this.backend.get(key, range);
    const data = this.stmts.data.get(key) as Buffer | undefined;
    if (!data) throw errors.notFound('blob', key);
    const r = resolveRange(data.length, range);
    const bytes = r.start === 0 && r.end === data.length - 1 ? data : data.subarray(r.start, r.end + 1);
    return bytesStream(bytes);
  }

  /** The whole of an inline blob (undefined when absent or not inline): readers that can answer from memory skip the stream. */
  bytes(key: string): Buffer | undefined {
    if (!isInlineKey(key)) return undefined;
    return (this.stmts.data.get(key) as Buffer | undefined) ?? undefined;
  }

  async stat(key: string): Promise<{ size: number } | undefined> {
    if (!isInlineKey(key)) return this.backend.stat(key);
    const size = this.stmts.size.get(key) as number | bigint | undefined;
    return size === undefined || size === null ? undefined : { size: Number(size) };
  }

  async delete(key: string): Promise<void> {
    if (!isInlineKey(key)) return this.backend.delete(key);
    this.stmts.remove.run(key);
  }

  async *list(): AsyncIterable<string> {
    for await (const e of this.entries()) yield e.key;
  }

  async *entries(): AsyncIterable<BlobEntry> {
    yield* this.backend.entries();
    for (const r of this.stmts.entries.all() as Array<{ key: string; size: number | bigint; modifiedAt: number | bigint }>) {
      yield { key: r.key, size: Number(r.size), modifiedAt: Number(r.modifiedAt) };
    }
  }
}
