// The small image bootstrap registers: a raw disk made in code (MBR partition table, one Linux partition), no download.

/** Size of the default image's disk, bytes (4 MiB). */
export const DEFAULT_IMAGE_SIZE = 4 << 20;

/** Stable id of the default image, so every start (and every process) registers the same one once. */
export const DEFAULT_IMAGE_ID = '5b1e3c2a-0d6f-4a7e-9c1b-000000000001';

export const DEFAULT_IMAGE_NAME = 'skybridge-default-raw';

/**
 * A raw disk of DEFAULT_IMAGE_SIZE bytes: a DOS (MBR) partition table with one bootable Linux
 * partition from sector 2048 to the end, and the 0x55AA boot signature. `file` and `fdisk` read it
 * as a partitioned disk; nothing in it boots, which is enough for a simulated host.
 */
export function defaultImageBytes(): Buffer {
  const disk = Buffer.alloc(DEFAULT_IMAGE_SIZE);
  const sectors = DEFAULT_IMAGE_SIZE / 512;
  // Disk signature (bytes 440-443) so tools show a stable identifier.
  disk.writeUInt32LE(0x736b7962, 440);
  const entry = 446;
  disk[entry] = 0x80; // bootable
  disk.set([0x20, 0x21, 0x00], entry + 1); // CHS start (LBA 2048 in the usual 255/63 geometry)
  disk[entry + 4] = 0x83; // Linux
  disk.set([0xfe, 0xff, 0xff], entry + 5); // CHS end: beyond CHS range
  disk.writeUInt32LE(2048, entry + 8);
  disk.writeUInt32LE(sectors - 2048, entry + 12);
  disk[510] = 0x55;
  disk[511] = 0xaa;
  return disk;
}
