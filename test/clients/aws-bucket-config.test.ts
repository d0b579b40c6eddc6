// The real aws CLI sets bucket policy, CORS and lifecycle over TCP: `s3api put-bucket-policy` makes objects readable anonymously, and the documents read back as sent.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCli, DEBIAN_AWS, type AwsCli } from './aws.js';
import { CLI_TIMEOUT, requireCli, startObjectFixture, tempDir, uniq, type ObjectFixture } from './object-fixture.js';

let fx: ObjectFixture;

beforeAll(async () => {
  fx = await startObjectFixture();
}, 120_000);

afterAll(async () => {
  await fx?.dispose();
});

describe('aws CLI bucket configuration', { timeout: CLI_TIMEOUT }, () => {
  const tmp = tempDir('skybridge-aws-cfg-');
  const bucket = uniq('awspolicy');
  let aws: AwsCli;

  beforeAll(async () => {
    await requireCli(DEBIAN_AWS);
    aws = awsCli(DEBIAN_AWS, tmp.path, fx.url, fx.region, { default: fx.admin.ec2, demo: fx.demo.ec2 });
    await aws.ok(['s3', 'mb', `s3://${bucket}`]);
    writeFileSync(join(tmp.path, 'index.html'), '<h1>public</h1>');
    await aws.ok(['s3', 'cp', join(tmp.path, 'index.html'), `s3://${bucket}/www/index.html`]);
  }, 60_000);

  afterAll(() => tmp.cleanup());

  it('put-bucket-policy (file://) grants anonymous reads; get-bucket-policy answers the document; delete takes it back', async () => {
    expect((await fetch(`${fx.url}/${bucket}/www/index.html`)).status).toBe(403);
    const doc = {
      Version: '2012-10-17',
      Statement: [{ Sid: 'PublicReadGetObject', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/www/*` }],
    };
    const file = join(tmp.path, 'policy.json');
    writeFileSync(file, JSON.stringify(doc, null, 2));
    await aws.ok(['s3api', 'put-bucket-policy', '--bucket', bucket, '--policy', `file://${file}`]);
    const res = await fetch(`${fx.url}/${bucket}/www/index.html`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('<h1>public</h1>');
    const got = await aws.api<{ Policy: string }>(['get-bucket-policy', '--bucket', bucket]);
    expect(JSON.parse(got.Policy)).toEqual(doc);
    const status = await aws.api<{ PolicyStatus: { IsPublic: boolean } }>(['get-bucket-policy-status', '--bucket', bucket]);
    expect(status.PolicyStatus.IsPublic).toBe(true);
    await aws.ok(['s3api', 'delete-bucket-policy', '--bucket', bucket]);
    expect((await fetch(`${fx.url}/${bucket}/www/index.html`)).status).toBe(403);
  });

  it('a malformed policy fails the command with MalformedPolicy', async () => {
    const r = await aws.run(['s3api', 'put-bucket-policy', '--bucket', bucket, '--policy', JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:Fly', Resource: `arn:aws:s3:::${bucket}/*` }] })]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('MalformedPolicy');
  });

  it('put-bucket-cors and put-bucket-lifecycle-configuration read back as sent', async () => {
    const cors = { CORSRules: [{ AllowedOrigins: ['https://app.example.com'], AllowedMethods: ['GET', 'HEAD'], AllowedHeaders: ['*'], MaxAgeSeconds: 300 }] };
    await aws.ok(['s3api', 'put-bucket-cors', '--bucket', bucket, '--cors-configuration', JSON.stringify(cors)]);
    expect(await aws.api(['get-bucket-cors', '--bucket', bucket])).toEqual(cors);
    const lifecycle = { Rules: [{ ID: 'tmp', Filter: { Prefix: 'tmp/' }, Status: 'Enabled', Expiration: { Days: 7 }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }] };
    await aws.ok(['s3api', 'put-bucket-lifecycle-configuration', '--bucket', bucket, '--lifecycle-configuration', JSON.stringify(lifecycle)]);
    expect(await aws.api(['get-bucket-lifecycle-configuration', '--bucket', bucket])).toEqual(lifecycle);
  });
});
