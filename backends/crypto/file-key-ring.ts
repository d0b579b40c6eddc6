// The token key repository on disk, like Keystone's fernet key repository: numbered key files, highest is primary.
import { chownSync, closeSync, existsSync, fsyncSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyRetention, TokenKeyRing } from '../../core/identity/ports.js';
import { TOKEN_KEY_BYTES, keysToDrop, newTokenKey } from './key-file-format.js';

/** How a FileKeyRing watches its directory. */
export interface FileKeyRingOptions {
  /** How often `keys()` looks for a rotation made by another process, in ms (default 5000). */
  recheckMs?: number;
  /** Told when re-reading the directory fails; the ring keeps serving the keys it already has. */
  onReloadError?: (err: Error) => void;
  /** What the keys are for, in error messages (default `token`; the SSE-S3 ring says `SSE`). */
  label?: string;
}

/**
 * Keys live in `dir` as files named by an increasing integer, each holding one base64url key
 * (mode 0600, directory 0700); a file's mtime is when its key was made. The highest number signs new
 * tokens; all are tried on validation, so a rotation never invalidates live tokens while the retired
 * key is kept (see `KeyRetention`). Unlike Keystone there is no separately staged key 0: other
 * processes sharing the directory notice a rotation within `recheckMs` (they compare the list of key
 * files), and since the previous primary stays in the ring, tokens sealed by a process that has not
 * noticed yet stay valid.
 */
export class FileKeyRing implements TokenKeyRing {
  private ring: Uint8Array[] = [];
  private listing = '';
  private checkedAt = 0;
  private readonly recheckMs: number;
  private readonly onReloadError?: (err: Error) => void;
  private readonly label: string;

  constructor(
    private readonly dir: string,
    opts: FileKeyRingOptions = {},
  ) {
    this.recheckMs = opts.recheckMs ?? 5000;
    this.onReloadError = opts.onReloadError;
    this.label = opts.label ?? 'token';
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!this.read()) {
      this.write(1, newTokenKey());
      this.reload();
    }
  }

  keys(): Uint8Array[] {
    const now = Date.now();
    if (now - this.checkedAt >= this.recheckMs) {
      this.checkedAt = now;
      try {
        if (listingOf(this.indices()) !== this.listing) this.reload();
      } catch (e) {
        this.onReloadError?.(e as Error);
      }
    }
    return this.ring;
  }

  /** Re-reads the directory (after another process rotated); throws, keeping the current keys, if it holds none or a bad one. */
  reload(): void {
    if (!this.read()) throw new Error(`no ${this.label} keys in ${this.dir}`);
  }

  primarySince(): number {
    for (const i of this.keyFiles()) {
      const made = this.madeAt(i);
      if (made !== undefined) return made;
    }
    return Date.now();
  }

  /**
   * Writes key `highest + 1` and removes the keys `retention` lets go. Two processes rotating at once
   * make one new key between them (the second finds the number taken and keeps the first's).
   */
  async rotate(retention: KeyRetention = {}): Promise<void> {
    const existing = this.keyFiles();
    this.write((existing[0] ?? 0) + 1, newTokenKey());
    const present: Array<{ index: number; made: number }> = [];
    for (const index of this.keyFiles()) {
      const made = this.madeAt(index);
      if (made !== undefined) present.push({ index, made });
    }
    const drop = new Set(keysToDrop(present.map((k) => k.made), retention, Date.now()));
    for (const pos of drop) ignoreMissing(() => unlinkSync(join(this.dir, String(present[pos]!.index))));
    if (drop.size) this.syncDir();
    this.reload();
  }

  /** The key file numbers in the directory now, newest (the primary) first. */
  keyFiles(): number[] {
    return this.indices().sort((a, b) => b - a);
  }

  /** Loads every key file, newest first; false when there is none. A file removed meanwhile (a concurrent rotation) is skipped. */
  private read(): boolean {
    const indices = this.keyFiles();
    const ring: Uint8Array[] = [];
    for (const i of indices) {
      const file = join(this.dir, String(i));
      const text = ignoreMissing(() => readFileSync(file, 'utf8'));
      if (text !== undefined) ring.push(decodeKey(text, file, this.label));
    }
    if (ring.length === 0) return false;
    this.ring = ring;
    this.listing = listingOf(indices);
    return true;
  }

  private madeAt(index: number): number | undefined {
    return ignoreMissing(() => statSync(join(this.dir, String(index))).mtimeMs);
  }

  private indices(): number[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((f) => /^\d+$/.test(f))
      .map(Number);
  }

  /**
   * Temp file, fsync, then a hard link that fails if the name exists (so two processes starting or
   * rotating at once never overwrite each other's key: the loser re-reads the winner's), fsync the
   * directory: a key the ring reports is a key that survives a crash. Run as root (an operator's
   * rotate command), the file goes to the directory's owner, so a server running as that user can read it.
   */
  private write(index: number, key: Uint8Array): void {
    const tmp = join(this.dir, `.tmp-${index}-${process.pid}`);
    writeFileSync(tmp, Buffer.from(key).toString('base64url'), { mode: 0o600 });
    const owner = statSync(this.dir);
    if (process.getuid?.() === 0 && (owner.uid !== 0 || owner.gid !== 0)) chownSync(tmp, owner.uid, owner.gid);
    const fd = openSync(tmp, 'r');
    fsyncSync(fd);
    closeSync(fd);
    try {
      linkSync(tmp, join(this.dir, String(index)));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      unlinkSync(tmp);
    }
    this.syncDir();
  }

  private syncDir(): void {
    const dfd = openSync(this.dir, 'r');
    fsyncSync(dfd);
    closeSync(dfd);
  }
}

const listingOf = (indices: number[]) => [...indices].sort((a, b) => a - b).join(',');

function ignoreMissing<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

function decodeKey(text: string, file: string, label: string): Uint8Array {
  const key = Buffer.from(text.trim(), 'base64url');
  if (key.length !== TOKEN_KEY_BYTES) throw new Error(`${label} key file ${file} does not hold a ${TOKEN_KEY_BYTES}-byte key`);
  return new Uint8Array(key);
}
