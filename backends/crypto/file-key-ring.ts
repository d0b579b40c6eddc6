// The token key repository on disk, like Keystone's fernet key repository: numbered key files, highest is primary.
import { existsSync, fsyncSync, linkSync, mkdirSync, openSync, closeSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TokenKeyRing } from '../../core/identity/ports.js';
import { DEFAULT_MAX_ACTIVE_KEYS, TOKEN_KEY_BYTES, newTokenKey } from './key-file-format.js';

/**
 * Keys live in `dir` as files named by an increasing integer, each holding one base64url key
 * (mode 0600, directory 0700). The highest number signs new tokens; all are tried on validation,
 * so a rotation never invalidates live tokens until a key ages out of the `maxActive` window.
 * Unlike Keystone there is no separately staged key 0: other processes sharing the directory notice a
 * rotation within `recheckMs` (the directory's mtime is checked at most that often), and since the
 * previous primary stays in the ring, tokens sealed by a process that has not noticed yet stay valid.
 */
export class FileKeyRing implements TokenKeyRing {
  private ring: Uint8Array[] = [];
  private checkedAt = 0;
  private seenMtime = 0;

  constructor(
    private readonly dir: string,
    private readonly recheckMs = 5000,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.reload();
    if (this.ring.length === 0) {
      this.write(1, newTokenKey());
      this.reload();
    }
  }

  keys(): Uint8Array[] {
    const now = Date.now();
    if (now - this.checkedAt >= this.recheckMs) {
      this.checkedAt = now;
      if (statSync(this.dir).mtimeMs !== this.seenMtime) this.reload();
    }
    return this.ring;
  }

  /** Re-reads the directory (after another process rotated). */
  reload(): void {
    this.seenMtime = statSync(this.dir).mtimeMs;
    this.ring = this.indices()
      .sort((a, b) => b - a)
      .map((i) => decodeKey(readFileSync(join(this.dir, String(i)), 'utf8'), join(this.dir, String(i))));
  }

  async rotate(maxActive = DEFAULT_MAX_ACTIVE_KEYS): Promise<void> {
    const existing = this.indices().sort((a, b) => b - a);
    this.write((existing[0] ?? 0) + 1, newTokenKey());
    for (const old of existing.slice(Math.max(1, maxActive) - 1)) unlinkSync(join(this.dir, String(old)));
    this.reload();
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
   * directory: a key the ring reports is a key that survives a crash.
   */
  private write(index: number, key: Uint8Array): void {
    const tmp = join(this.dir, `.tmp-${index}-${process.pid}`);
    writeFileSync(tmp, Buffer.from(key).toString('base64url'), { mode: 0o600 });
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
    const dfd = openSync(this.dir, 'r');
    fsyncSync(dfd);
    closeSync(dfd);
  }
}

function decodeKey(text: string, file: string): Uint8Array {
  const key = Buffer.from(text.trim(), 'base64url');
  if (key.length !== TOKEN_KEY_BYTES) throw new Error(`token key file ${file} does not hold a ${TOKEN_KEY_BYTES}-byte key`);
  return new Uint8Array(key);
}
