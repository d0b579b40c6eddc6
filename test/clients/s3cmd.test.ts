// Drives the real s3cmd (SigV4 and --signature-v2) against one skybridge over TCP: mb, put (also --server-side-encryption), get, ls, info, del, rb.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_TIMEOUT, cleanEnv, md5, md5File, requireCli, run, startObjectFixture, tempDir, uniq, type CliResult, type ObjectFixture } from './object-fixture.js';

let fx: ObjectFixture;
const tmp = tempDir('skybridge-s3cmd-');

beforeAll(async () => {
  await requireCli('s3cmd');
  fx = await startObjectFixture();
}, 120_000);

afterAll(async () => {
  await fx?.dispose();
  tmp.cleanup();
});

for (const mode of ['v4', 'v2'] as const) {
  describe(`s3cmd with ${mode === 'v4' ? 'SigV4' : '--signature-v2'}`, { timeout: CLI_TIMEOUT }, () => {
    const bucket = uniq(`s3cmd-${mode}`);
    const cfg = join(tmp.path, `s3cfg-${mode}`);
    const s3cmd = async (args: string[]): Promise<CliResult> => {
      const extra = mode === 'v2' ? ['--signature-v2'] : [];
      const r = await run('s3cmd', ['-c', cfg, ...extra, ...args], { env: cleanEnv(), timeoutMs: 120_000 });
      if (r.code !== 0) throw new Error(`s3cmd ${args.join(' ')} exited ${r.code}: ${r.stderr.trim()}\n${r.stdout.slice(0, 1000)}`);
      return r;
    };
    const small = randomBytes(3000);
    // Bigger than --multipart-chunk-size-mb=5, so s3cmd uploads it in 4 parts.
    const large = randomBytes(17 * (1 << 20));

    beforeAll(() => {
      const host = new URL(fx.url).host;
      // A host_bucket without %(bucket)s makes s3cmd use path-style requests.
      writeFileSync(
        cfg,
        [
          '[default]',
          `access_key = ${fx.admin.ec2.access}`,
          `secret_key = ${fx.admin.ec2.secret}`,
          `host_base = ${host}`,
          `host_bucket = ${host}`,
          'use_https = False',
          'signature_v2 = False',
          'check_ssl_certificate = False',
          'multipart_chunk_size_mb = 5',
          'progress_meter = False',
          '',
        ].join('\n'),
      );
      writeFileSync(join(tmp.path, `small-${mode}`), small);
      writeFileSync(join(tmp.path, `large-${mode}`), large);
    });

    it('mb', async () => {
      const r = await s3cmd(['mb', `s3://${bucket}`]);
      expect(r.stdout).toContain(`Bucket 's3://${bucket}/' created`);
    });

    it('put (single and multipart)', async () => {
      await s3cmd(['put', join(tmp.path, `small-${mode}`), `s3://${bucket}/dir/small.bin`]);
      await s3cmd(['put', join(tmp.path, `large-${mode}`), `s3://${bucket}/large.bin`]);
    });

    it('get returns the same bytes', async () => {
      const a = join(tmp.path, `small-${mode}.down`);
      const b = join(tmp.path, `large-${mode}.down`);
      await s3cmd(['get', '--force', `s3://${bucket}/dir/small.bin`, a]);
      await s3cmd(['get', '--force', `s3://${bucket}/large.bin`, b]);
      expect(md5(readFileSync(a))).toBe(md5(small));
      expect(await md5File(b)).toBe(md5(large));
    });

    it('ls lists buckets, prefixes and objects', async () => {
      const buckets = await s3cmd(['ls']);
      expect(buckets.stdout).toContain(`s3://${bucket}`);
      const top = await s3cmd(['ls', `s3://${bucket}`]);
      expect(top.stdout).toMatch(new RegExp(`DIR\\s+s3://${bucket}/dir/`));
      expect(top.stdout).toMatch(new RegExp(`${large.length}\\s+s3://${bucket}/large\\.bin`));
      const all = await s3cmd(['ls', '--recursive', `s3://${bucket}`]);
      expect(all.stdout).toMatch(new RegExp(`${small.length}\\s+s3://${bucket}/dir/small\\.bin`));
    });

    it('put --server-side-encryption (single and multipart): info reports SSE AES256, get returns the same bytes', async () => {
      await s3cmd(['put', '--server-side-encryption', join(tmp.path, `small-${mode}`), `s3://${bucket}/sse/small.bin`]);
      await s3cmd(['put', '--server-side-encryption', join(tmp.path, `large-${mode}`), `s3://${bucket}/sse/large.bin`]);
      for (const [name, data] of [['small.bin', small], ['large.bin', large]] as const) {
        const info = await s3cmd(['info', `s3://${bucket}/sse/${name}`]);
        expect(info.stdout, name).toMatch(/SSE:\s+AES256/);
        const down = join(tmp.path, `sse-${name}-${mode}.down`);
        await s3cmd(['get', '--force', `s3://${bucket}/sse/${name}`, down]);
        expect(await md5File(down), name).toBe(md5(data));
      }
      await s3cmd(['del', '--recursive', `s3://${bucket}/sse/`]);
    });

    it('del removes objects', async () => {
      await s3cmd(['del', `s3://${bucket}/dir/small.bin`]);
      await s3cmd(['del', `s3://${bucket}/large.bin`]);
      const r = await s3cmd(['ls', '--recursive', `s3://${bucket}`]);
      expect(r.stdout.trim()).toBe('');
    });

    it('rb removes the empty bucket', async () => {
      const r = await s3cmd(['rb', `s3://${bucket}`]);
      expect(r.stdout).toContain(`Bucket 's3://${bucket}/' removed`);
      const buckets = await s3cmd(['ls']);
      expect(buckets.stdout).not.toContain(`s3://${bucket}`);
    });
  });
}
