// Drives the real restic (minio-go: aws-chunked signed streaming over plain HTTP) against skybridge: init, backup, restore, same bytes.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_TIMEOUT, cleanEnv, requireCli, run, startObjectFixture, tempDir, treeDigest, uniq, type CliResult, type ObjectFixture } from './object-fixture.js';

let fx: ObjectFixture;
const tmp = tempDir('skybridge-restic-');
const src = join(tmp.path, 'src');
const bucket = uniq('restic');


async function restic(args: string[]): Promise<CliResult> {
  const env = cleanEnv({
    AWS_ACCESS_KEY_ID: fx.admin.ec2.access,
    AWS_SECRET_ACCESS_KEY: fx.admin.ec2.secret,
    RESTIC_PASSWORD: 'restic-test-password',
    RESTIC_REPOSITORY: `s3:${fx.url}/${bucket}`,
    RESTIC_CACHE_DIR: join(tmp.path, 'cache'),
  });
  const r = await run('restic', args, { env, timeoutMs: 180_000 });
  if (r.code !== 0) throw new Error(`restic ${args.join(' ')} exited ${r.code}: ${r.stderr.trim().slice(-3000)}`);
  return r;
}

beforeAll(async () => {
  await requireCli('restic', ['version']);
  fx = await startObjectFixture();
  mkdirSync(join(src, 'docs/nested'), { recursive: true });
  writeFileSync(join(src, 'readme.txt'), 'backed up by restic\n');
  writeFileSync(join(src, 'docs/random.bin'), randomBytes(3 * (1 << 20) + 17));
  writeFileSync(join(src, 'docs/nested/note.md'), '# note\n'.repeat(100));
  writeFileSync(join(src, 'docs/nested/empty'), '');
}, 120_000);

afterAll(async () => {
  await fx?.dispose();
  tmp.cleanup();
});

describe('restic on the S3 face', { timeout: CLI_TIMEOUT }, () => {
  it('init creates the repository (and the bucket)', async () => {
    const r = await restic(['init']);
    expect(r.stdout).toContain('created restic repository');
  });

  it('backup of a small tree', async () => {
    const r = await restic(['backup', '--json', src]);
    const summary = r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { message_type: string; files_new?: number; snapshot_id?: string })
      .find((m) => m.message_type === 'summary');
    expect(summary?.files_new).toBe(4);
    expect(summary?.snapshot_id).toBeTruthy();
    const snaps = JSON.parse((await restic(['snapshots', '--json'])).stdout) as unknown[];
    expect(snaps).toHaveLength(1);
  });

  it('restore gives back the same bytes, and check finds the repository sound', async () => {
    const target = join(tmp.path, 'restore');
    await restic(['restore', 'latest', '--target', target]);
    // restic restores the absolute source path under the target.
    expect(treeDigest(join(target, src))).toEqual(treeDigest(src));
    await restic(['check', '--read-data']);
  });
});
