// An in-memory token key ring for tests: same rotation rules as the file ring, nothing persisted.
import type { TokenKeyRing } from '../../core/identity/ports.js';
import { DEFAULT_MAX_ACTIVE_KEYS, newTokenKey } from './key-file-format.js';

/** Holds keys in memory, primary first; rotation prepends a new key and drops the oldest beyond `maxActive`. */
export class MemoryKeyRing implements TokenKeyRing {
  private ring: Uint8Array[];

  constructor(initial?: Uint8Array[]) {
    this.ring = initial && initial.length > 0 ? [...initial] : [newTokenKey()];
  }

  keys(): Uint8Array[] {
    return this.ring;
  }

  async rotate(maxActive = DEFAULT_MAX_ACTIVE_KEYS): Promise<void> {
    this.ring = [newTokenKey(), ...this.ring].slice(0, Math.max(1, maxActive));
  }
}
