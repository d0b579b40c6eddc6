// The bootstrap image is a real partitioned raw disk, made in code.
import { describe, expect, it } from 'vitest';
import { DEFAULT_IMAGE_SIZE, defaultImageBytes } from './default-image.js';

describe('defaultImageBytes', () => {
  it('is a DOS partition table with one bootable Linux partition covering the disk after sector 2048', () => {
    const d = defaultImageBytes();
    expect(d.length).toBe(DEFAULT_IMAGE_SIZE);
    expect(d[510]).toBe(0x55);
    expect(d[511]).toBe(0xaa);
    expect(d[446]).toBe(0x80);
    expect(d[446 + 4]).toBe(0x83);
    expect(d.readUInt32LE(446 + 8)).toBe(2048);
    expect(d.readUInt32LE(446 + 12)).toBe(DEFAULT_IMAGE_SIZE / 512 - 2048);
    // The other three entries are empty.
    expect(d.subarray(462, 510).every((b) => b === 0)).toBe(true);
  });
});
