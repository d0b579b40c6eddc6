// An in-memory token key ring for tests: same rotation rules as the file ring, nothing persisted.
import type { KeyRetention, TokenKeyRing } from '../../core/identity/ports.js';
import { keysToDrop, newTokenKey } from './key-file-format.js';

/** Holds keys in memory, primary first; rotation prepends a new key and drops what `retention` lets go. */
export class MemoryKeyRing implements TokenKeyRing {
  private ring: Uint8Array[];
  private made: number[];

  constructor(
    initial?: Uint8Array[],
    private readonly now: () => number = Date.now,
  ) {
    this.ring = initial && initial.length > 0 ? [...initial] : [newTokenKey()];
    this.made = this.ring.map(() => this.now());
  }

  keys(): Uint8Array[] {
    return this.ring;
  }

  primarySince(): number {
    return this.made[0]!;
  }

  async rotate(retention: KeyRetention = {}): Promise<void> {
    const ring = [newTokenKey(), ...this.ring];
    const made = [this.now(), ...this.made];
    const drop = new Set(keysToDrop(made, retention, this.now()));
    this.ring = ring.filter((_, i) => !drop.has(i));
    this.made = made.filter((_, i) => !drop.has(i));
  }
}
