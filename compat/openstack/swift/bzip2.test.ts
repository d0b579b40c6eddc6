// The bzip2 decoder against the bzip2 tool's output: several block sizes, runs, multiple streams, damage.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Bzip2Error, bunzip2 } from './bzip2.js';

function bzip2(data: Buffer, level = 9): Buffer {
  try {
    return execFileSync('bzip2', [`-${level}`, '-c'], { input: data, maxBuffer: 64 << 20 });
  } catch (e) {
    throw new Error(`the bzip2 tool is needed for this test (apt-get install bzip2): ${String(e)}`);
  }
}

async function decode(data: Buffer, chunk = 4096): Promise<Buffer> {
  async function* pieces() {
    for (let i = 0; i < data.length; i += chunk) yield data.subarray(i, i + chunk);
  }
  const out: Uint8Array[] = [];
  for await (const b of bunzip2(pieces())) out.push(b);
  return Buffer.concat(out);
}

/** Deterministic bytes mixing text, long runs and noise. */
function sample(size: number): Buffer {
  const b = Buffer.alloc(size);
  let x = 12345;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    const zone = Math.floor(i / 5000) % 3;
    b[i] = zone === 0 ? 97 + ((x >> 16) % 26) : zone === 1 ? 0x41 : (x >> 8) & 0xff;
  }
  return b;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('bunzip2', () => {
  it('decodes what bzip2 wrote: empty, tiny, runs longer than 255, several 100k blocks', async () => {
    for (const [data, level] of [
      [Buffer.alloc(0), 9],
      [Buffer.from('hello, world\n'), 9],
      [Buffer.alloc(70_000, 7), 1],
      [sample(350_000), 1],
    ] as const) {
      expect(sha(await decode(bzip2(data, level), 777))).toBe(sha(data));
    }
  });

  it('reads concatenated streams as one', async () => {
    const a = Buffer.from('first part;');
    const b = sample(20_000);
    expect(sha(await decode(Buffer.concat([bzip2(a), bzip2(b)])))).toBe(sha(Buffer.concat([a, b])));
  });

  it('refuses what is not bzip2, a truncated stream and a flipped bit', async () => {
    await expect(decode(Buffer.from('not bzip2 at all'))).rejects.toBeInstanceOf(Bzip2Error);
    const good = bzip2(sample(30_000));
    await expect(decode(good.subarray(0, good.length - 20))).rejects.toBeInstanceOf(Bzip2Error);
    for (const at of [12, 40, 200, 1000, good.length - 8]) {
      const bad = Buffer.from(good);
      bad[at] ^= 0x10;
      await expect(decode(bad), `flip at ${at}`).rejects.toBeInstanceOf(Bzip2Error);
    }
  });
});
