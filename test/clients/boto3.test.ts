// Drives real boto3 (the python3 on PATH) with SigV2 (`signature_version='s3'`, header and presigned query) and SigV4 against one skybridge over TCP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_TIMEOUT, cleanEnv, run, startObjectFixture, uniq, type ObjectFixture } from './object-fixture.js';

let fx: ObjectFixture;

/** Runs boto3 calls in one python process and returns what the script printed as JSON. */
async function boto(signatureVersion: 's3' | 's3v4', bucket: string): Promise<Record<string, unknown>> {
  const script = `
import json, sys, boto3
from botocore.client import Config
c = boto3.client('s3', endpoint_url=sys.argv[1], region_name='us-east-1', aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3],
                 config=Config(signature_version=sys.argv[4], s3={'addressing_style': 'path'}))
b, key = sys.argv[5], 'dir/a b+c ü.txt'
out = {}
c.create_bucket(Bucket=b)
c.head_bucket(Bucket=b)
c.put_object(Bucket=b, Key=key, Body=b'boto body', ContentType='text/plain', Metadata={'color': 'blue'})
got = c.get_object(Bucket=b, Key=key)
out['body'] = got['Body'].read().decode()
out['meta'] = got['Metadata']
out['keys'] = [o['Key'] for o in c.list_objects(Bucket=b).get('Contents', [])]
out['location'] = c.get_bucket_location(Bucket=b).get('LocationConstraint')
out['get_url'] = c.generate_presigned_url('get_object', Params={'Bucket': b, 'Key': key, 'ResponseContentType': 'x/y'}, ExpiresIn=300)
out['put_url'] = c.generate_presigned_url('put_object', Params={'Bucket': b, 'Key': 'presigned'}, ExpiresIn=300)
try:
    c.get_object(Bucket=b, Key='missing')
except c.exceptions.NoSuchKey as e:
    out['missing'] = e.response['Error']['Code']
print(json.dumps(out))
`;
  // Debian's botocore 1.29 swaps in the CRT signer when python3-awscrt is importable; keep the pure-Python one.
  const env = cleanEnv({ BOTO_DISABLE_CRT: 'true' });
  const r = await run('python3', ['-c', script, fx.url, fx.admin.ec2.access, fx.admin.ec2.secret, signatureVersion, bucket], { env, timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`boto3 (${signatureVersion}) exited ${r.code}:\n${r.stderr.trim().slice(-3000)}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
}

beforeAll(async () => {
  const probe = await run('python3', ['-c', 'import boto3'], { env: cleanEnv() });
  if (probe.code !== 0) throw new Error('boto3 is missing for the python3 on PATH: install it with `apt-get install python3-boto3` (or pip install boto3)');
  fx = await startObjectFixture();
}, 120_000);

afterAll(async () => {
  await fx?.dispose();
});

for (const sv of ['s3', 's3v4'] as const) {
  describe(`boto3 with signature_version=${sv}`, { timeout: CLI_TIMEOUT }, () => {
    let out: Record<string, unknown>;
    const bucket = uniq(`boto-${sv}`);

    it('creates a bucket, writes, reads and lists an object with an awkward key', async () => {
      out = await boto(sv, bucket);
      expect(out).toMatchObject({ body: 'boto body', meta: { color: 'blue' }, keys: ['dir/a b+c ü.txt'], missing: 'NoSuchKey' });
      expect(out.location).toBe(fx.region);
    });

    it(`its presigned URLs (${sv === 's3' ? 'SigV2 query' : 'SigV4 query'}) GET with a response override and PUT`, async () => {
      const getUrl = String(out.get_url);
      expect(getUrl).toContain(sv === 's3' ? 'AWSAccessKeyId=' : 'X-Amz-Signature=');
      const got = await fetch(getUrl);
      expect(got.status).toBe(200);
      expect(got.headers.get('content-type')).toBe('x/y');
      expect(await got.text()).toBe('boto body');
      // A Uint8Array body: fetch adds no Content-Type, which SigV2 would sign.
      const put = await fetch(String(out.put_url), { method: 'PUT', body: new TextEncoder().encode('via presigned PUT') });
      expect(put.status).toBe(200);
      const tampered = await fetch(getUrl.replace('dir/', 'other/'));
      expect(tampered.status).toBe(403);
      await tampered.body?.cancel();
    });
  });
}

/** Runs `body` (python, with `c` a SigV4 client and `b` a fresh bucket name) and returns what it put in `out`, as JSON. */
async function botoScript(bucket: string, body: string): Promise<Record<string, unknown>> {
  const script = `
import json, sys, boto3
from botocore.client import Config
c = boto3.client('s3', endpoint_url=sys.argv[1], region_name='us-east-1', aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3],
                 config=Config(signature_version='s3v4', s3={'addressing_style': 'path'}))
b = sys.argv[4]
out = {}
${body}
print(json.dumps(out))
`;
  const r = await run('python3', ['-c', script, fx.url, fx.admin.ec2.access, fx.admin.ec2.secret, bucket], { env: cleanEnv({ BOTO_DISABLE_CRT: 'true' }), timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`boto3 exited ${r.code}:\n${r.stderr.trim().slice(-3000)}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
}

describe('boto3 listings and teardown', { timeout: CLI_TIMEOUT }, () => {
  it('list_objects (which asks for encoding-type=url itself) gives back the prefix, markers and keys as sent', async () => {
    const out = await botoScript(
      uniq('boto-enc'),
      `
c.create_bucket(Bucket=b)
for k in ['a b+c/1 x', 'a b+c/2 y', 'a b+c/sub dir/3']:
    c.put_object(Bucket=b, Key=k, Body=b'x')
v1 = c.list_objects(Bucket=b, Prefix='a b+c/', Delimiter='/', Marker='a b+c/1 x')
out['v1'] = [v1['Prefix'], v1.get('Marker'), [o['Key'] for o in v1['Contents']], [p['Prefix'] for p in v1['CommonPrefixes']]]
v2 = c.list_objects_v2(Bucket=b, Prefix='a b+c/', Delimiter='/', StartAfter='a b+c/1 x')
out['v2'] = [v2['Prefix'], v2.get('StartAfter'), [o['Key'] for o in v2['Contents']], [p['Prefix'] for p in v2['CommonPrefixes']]]
pages = [o['Key'] for p in c.get_paginator('list_objects').paginate(Bucket=b, PaginationConfig={'PageSize': 1}) for o in p.get('Contents', [])]
out['paged'] = pages
`,
    );
    expect(out.v1).toEqual(['a b+c/', 'a b+c/1 x', ['a b+c/2 y'], ['a b+c/sub dir/']]);
    expect(out.v2).toEqual(['a b+c/', 'a b+c/1 x', ['a b+c/2 y'], ['a b+c/sub dir/']]);
    expect(out.paged).toEqual(['a b+c/1 x', 'a b+c/2 y', 'a b+c/sub dir/3']);
  });

  it('delete_bucket after a failed completion leaves no bucket behind', async () => {
    const bucket = uniq('boto-mpu');
    const out = await botoScript(
      bucket,
      `
c.create_bucket(Bucket=b)
u = c.create_multipart_upload(Bucket=b, Key='k')['UploadId']
e = c.upload_part(Bucket=b, Key='k', UploadId=u, PartNumber=1, Body=b'small')['ETag']
try:
    c.complete_multipart_upload(Bucket=b, Key='k', UploadId=u, MultipartUpload={'Parts': [{'PartNumber': 1, 'ETag': e}, {'PartNumber': 2, 'ETag': e}]})
except c.exceptions.ClientError as err:
    out['complete'] = err.response['Error']['Code']
c.delete_bucket(Bucket=b)
out['buckets'] = [x['Name'] for x in c.list_buckets()['Buckets']]
`,
    );
    expect(out.complete).toBe('InvalidPart');
    expect(out.buckets).not.toContain(bucket);
  });
});
