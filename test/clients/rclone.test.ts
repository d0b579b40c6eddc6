// Drives the real rclone with an S3 remote and a Swift (Keystone v3) remote against one skybridge: copy, sync, check, and across APIs.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_TIMEOUT, cleanEnv, md5, requireCli, run, startObjectFixture, tempDir, uniq, type CliResult, type ObjectFixture } from './object-fixture.js';

let fx: ObjectFixture;
const tmp = tempDir('skybridge-rclone-');
const conf = join(tmp.path, 'rclone.conf');
const local = join(tmp.path, 'local');
const big = randomBytes(12 * (1 << 20));

/** rclone with the test's own config, no HOME config; multipart from 5 MiB so the 12 MiB file goes in parts. */
async function rclone(args: string[]): Promise<CliResult> {
  const r = await run(
    'rclone',
    ['--config', conf, '--s3-upload-cutoff', '5M', '--s3-chunk-size', '5M', '--swift-chunk-size', '5M', '--low-level-retries', '1', '--retries', '1', ...args],
    { env: cleanEnv({ RCLONE_CACHE_DIR: join(tmp.path, 'cache') }), timeoutMs: 180_000 },
  );
  if (r.code !== 0) throw new Error(`rclone ${args.join(' ')} exited ${r.code}: ${r.stderr.trim().slice(-3000)}`);
  return r;
}

beforeAll(async () => {
  await requireCli('rclone', ['version']);
  fx = await startObjectFixture();
  writeFileSync(
    conf,
    [
      '[s3]',
      'type = s3',
      'provider = Other',
      'env_auth = false',
      `access_key_id = ${fx.admin.ec2.access}`,
      `secret_access_key = ${fx.admin.ec2.secret}`,
      `endpoint = ${fx.url}`,
      `region = ${fx.region}`,
      'force_path_style = true',
      '',
      '[sw]',
      'type = swift',
      'env_auth = false',
      `user = ${fx.admin.name}`,
      `key = ${fx.admin.password}`,
      `auth = ${fx.authUrl}`,
      'auth_version = 3',
      'domain = Default',
      `tenant = ${fx.admin.projectName}`,
      'tenant_domain = Default',
      '',
    ].join('\n'),
  );
  mkdirSync(join(local, 'sub/deeper'), { recursive: true });
  writeFileSync(join(local, 'hello.txt'), 'hello from rclone\n');
  writeFileSync(join(local, 'sub/data.bin'), randomBytes(100_000));
  writeFileSync(join(local, 'sub/deeper/empty'), '');
  writeFileSync(join(local, 'sub/big.bin'), big);
}, 120_000);

afterAll(async () => {
  await fx?.dispose();
  tmp.cleanup();
});

describe('rclone S3 remote', { timeout: CLI_TIMEOUT }, () => {
  const bucket = uniq('rclone-s3');

  it('copy uploads a tree (creating the bucket) and check finds it identical', async () => {
    await rclone(['copy', local, `s3:${bucket}/copy`]);
    await rclone(['check', local, `s3:${bucket}/copy`]);
    const ls = await rclone(['lsf', '-R', `s3:${bucket}/copy`]);
    expect(ls.stdout.split('\n').filter(Boolean).sort()).toEqual(['hello.txt', 'sub/', 'sub/big.bin', 'sub/data.bin', 'sub/deeper/', 'sub/deeper/empty']);
  });

  it('copy down gives the same bytes', async () => {
    const down = join(tmp.path, 's3-down');
    await rclone(['copy', `s3:${bucket}/copy`, down]);
    expect(md5(readFileSync(join(down, 'sub/big.bin')))).toBe(md5(big));
    await rclone(['check', local, down]);
  });

  it('sync makes the remote match, including deletions', async () => {
    const src = join(tmp.path, 's3-sync-src');
    mkdirSync(src);
    writeFileSync(join(src, 'keep.txt'), 'keep');
    writeFileSync(join(src, 'drop.txt'), 'drop');
    await rclone(['sync', src, `s3:${bucket}/sync`]);
    rmSync(join(src, 'drop.txt'));
    writeFileSync(join(src, 'keep.txt'), 'keep, changed');
    await rclone(['sync', src, `s3:${bucket}/sync`]);
    await rclone(['check', src, `s3:${bucket}/sync`]);
    const ls = await rclone(['lsf', `s3:${bucket}/sync`]);
    expect(ls.stdout.trim()).toBe('keep.txt');
    const cat = await rclone(['cat', `s3:${bucket}/sync/keep.txt`]);
    expect(cat.stdout).toBe('keep, changed');
  });

  it('a file written through the S3 remote is read through the Swift remote', async () => {
    const cat = await rclone(['cat', `sw:${bucket}/copy/hello.txt`]);
    expect(cat.stdout).toBe('hello from rclone\n');
    await rclone(['check', local, `sw:${bucket}/copy`]);
    const down = join(tmp.path, 's3-via-swift');
    await rclone(['copy', `sw:${bucket}/copy`, down]);
    expect(md5(readFileSync(join(down, 'sub/big.bin')))).toBe(md5(big));
  });
});

describe('rclone Swift remote (Keystone v3)', { timeout: CLI_TIMEOUT }, () => {
  const container = uniq('rclone-sw');

  it('copy uploads a tree and check finds it identical', async () => {
    await rclone(['mkdir', `sw:${container}`]);
    await rclone(['copy', local, `sw:${container}/copy`]);
    await rclone(['check', local, `sw:${container}/copy`]);
  });

  it('copy down gives the same bytes', async () => {
    const down = join(tmp.path, 'sw-down');
    await rclone(['copy', `sw:${container}/copy`, down]);
    expect(md5(readFileSync(join(down, 'sub/big.bin')))).toBe(md5(big));
    expect(existsSync(join(down, 'sub/deeper/empty'))).toBe(true);
  });

  it('sync makes the remote match, including deletions', async () => {
    const src = join(tmp.path, 'sw-sync-src');
    mkdirSync(src);
    writeFileSync(join(src, 'a.txt'), 'a');
    writeFileSync(join(src, 'b.txt'), 'b');
    await rclone(['sync', src, `sw:${container}/sync`]);
    rmSync(join(src, 'a.txt'));
    await rclone(['sync', src, `sw:${container}/sync`]);
    await rclone(['check', src, `sw:${container}/sync`]);
    const ls = await rclone(['lsf', `sw:${container}/sync`]);
    expect(ls.stdout.trim()).toBe('b.txt');
  });

  it('a file written through the Swift remote is read through the S3 remote', async () => {
    const cat = await rclone(['cat', `s3:${container}/copy/hello.txt`]);
    expect(cat.stdout).toBe('hello from rclone\n');
    await rclone(['check', local, `s3:${container}/copy`]);
  });

  it('purge removes the container with everything in it', async () => {
    await rclone(['purge', `sw:${container}`]);
    const ls = await rclone(['lsd', 'sw:']);
    expect(ls.stdout).not.toMatch(new RegExp(`\\s${container}$`, 'm'));
  });
});
