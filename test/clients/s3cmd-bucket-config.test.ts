// The real s3cmd sets bucket policy, CORS and expiry rules (each body sent with Content-MD5) and `s3cmd info` reads them back.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_TIMEOUT, cleanEnv, requireCli, run, startObjectFixture, tempDir, uniq, type CliResult, type ObjectFixture } from './object-fixture.js';

let fx: ObjectFixture;
const tmp = tempDir('skybridge-s3cmd-cfg-');
const cfg = join(tmp.path, 's3cfg');
const bucket = uniq('s3cmdcfg');

const s3cmd = async (args: string[]): Promise<CliResult> => {
  const r = await run('s3cmd', ['-c', cfg, ...args], { env: cleanEnv(), timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`s3cmd ${args.join(' ')} exited ${r.code}: ${r.stderr.trim()}\n${r.stdout.slice(0, 1000)}`);
  return r;
};

beforeAll(async () => {
  await requireCli('s3cmd');
  fx = await startObjectFixture();
  const host = new URL(fx.url).host;
  writeFileSync(
    cfg,
    ['[default]', `access_key = ${fx.admin.ec2.access}`, `secret_key = ${fx.admin.ec2.secret}`, `host_base = ${host}`, `host_bucket = ${host}`, 'use_https = False', 'signature_v2 = False', 'progress_meter = False', ''].join('\n'),
  );
  await s3cmd(['mb', `s3://${bucket}`]);
  writeFileSync(join(tmp.path, 'pub.txt'), 'public via policy');
  await s3cmd(['put', join(tmp.path, 'pub.txt'), `s3://${bucket}/pub/pub.txt`]);
}, 120_000);

afterAll(async () => {
  await fx?.dispose();
  tmp.cleanup();
});

describe('s3cmd bucket configuration', { timeout: CLI_TIMEOUT }, () => {
  it('setpolicy grants anonymous reads, info shows it, delpolicy takes it back', async () => {
    const file = join(tmp.path, 'policy.json');
    writeFileSync(file, JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: ['s3:GetObject'], Resource: [`arn:aws:s3:::${bucket}/pub/*`] }] }));
    await s3cmd(['setpolicy', file, `s3://${bucket}`]);
    const res = await fetch(`${fx.url}/${bucket}/pub/pub.txt`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('public via policy');
    expect((await s3cmd(['info', `s3://${bucket}`])).stdout).toContain(`arn:aws:s3:::${bucket}/pub/*`);
    await s3cmd(['delpolicy', `s3://${bucket}`]);
    expect((await fetch(`${fx.url}/${bucket}/pub/pub.txt`)).status).toBe(403);
  });

  it('setcors answers preflights from the rules; expire stores a lifecycle rule', async () => {
    const file = join(tmp.path, 'cors.xml');
    writeFileSync(
      file,
      '<CORSConfiguration><CORSRule><AllowedOrigin>https://app.example.com</AllowedOrigin><AllowedMethod>GET</AllowedMethod><MaxAgeSeconds>60</MaxAgeSeconds></CORSRule></CORSConfiguration>',
    );
    await s3cmd(['setcors', file, `s3://${bucket}`]);
    const pre = await fetch(`${fx.url}/${bucket}/pub/pub.txt`, { method: 'OPTIONS', headers: { Origin: 'https://app.example.com', 'Access-Control-Request-Method': 'GET' } });
    expect(pre.status).toBe(200);
    expect(pre.headers.get('access-control-max-age')).toBe('60');
    await s3cmd(['expire', `s3://${bucket}`, '--expiry-days=30', '--expiry-prefix=logs/']);
    const info = (await s3cmd(['info', `s3://${bucket}`])).stdout;
    expect(info).toMatch(/Expiration Rule:.*logs\//);
    expect(info).toContain('https://app.example.com');
  });
});
