// Drives both generations of the real aws CLI (Debian's 2.9 and a newer one on PATH) against one skybridge over TCP.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCli, awsGenerations, type AwsCli } from './aws.js';
import { CLI_TIMEOUT, md5, md5File, requireCli, startObjectFixture, tempDir, treeDigest, uniq, type ObjectFixture, type ObjectUser } from './object-fixture.js';

const MiB = 1 << 20;


/** The S3 multipart ETag of `data` cut into `partSize` parts. */
function multipartEtag(data: Buffer, partSize: number): string {
  const digests: Buffer[] = [];
  for (let o = 0; o < data.length; o += partSize) digests.push(Buffer.from(md5(data.subarray(o, o + partSize)), 'hex'));
  return `"${md5(Buffer.concat(digests))}-${digests.length}"`;
}

let fx: ObjectFixture;
let reader: Promise<ObjectUser> | undefined;
/** A reader on the admin project, made on first use so a Keystone gap fails only the reader cases. */
const readerUser = () => (reader ??= fx.userWithRole('reader'));

beforeAll(async () => {
  fx = await startObjectFixture();
}, 120_000);

afterAll(async () => {
  await fx?.dispose();
});

for (const gen of awsGenerations()) {
  describe(`${gen.label} against skybridge`, { timeout: CLI_TIMEOUT }, () => {
    const tmp = tempDir('skybridge-aws-');
    const bucket = uniq('awscli');
    let aws: AwsCli;

    beforeAll(async () => {
      await requireCli(gen.bin);
      aws = awsCli(gen.bin, tmp.path, fx.url, fx.region, {
        default: fx.admin.ec2,
        demo: fx.demo.ec2,
        wrongsecret: { access: fx.admin.ec2.access, secret: `${fx.admin.ec2.secret}x` },
        unknownkey: { access: 'AKIANOSUCHKEY0000000', secret: 'not-a-secret' },
      });
    }, 60_000);

    afterAll(() => tmp.cleanup());

    it('s3 mb creates a bucket that s3 ls lists', async () => {
      const r = await aws.ok(['s3', 'mb', `s3://${bucket}`]);
      expect(r.stdout).toContain(`make_bucket: ${bucket}`);
      const ls = await aws.ok(['s3', 'ls']);
      expect(ls.stdout).toMatch(new RegExp(`\\s${bucket}$`, 'm'));
    });

    it('s3 cp up and down a 20 MiB file (multipart), same bytes and the exact multipart ETag', async () => {
      const data = randomBytes(20 * MiB);
      const src = join(tmp.path, 'big.bin');
      writeFileSync(src, data);
      await aws.ok(['s3', 'cp', src, `s3://${bucket}/big/file.bin`]);
      const head = await aws.api(['head-object', '--bucket', bucket, '--key', 'big/file.bin']);
      expect(head.ContentLength).toBe(20 * MiB);
      // The CLI's default multipart chunk size is 8 MiB.
      expect(head.ETag).toBe(multipartEtag(data, 8 * MiB));
      const dst = join(tmp.path, 'big.down');
      await aws.ok(['s3', 'cp', `s3://${bucket}/big/file.bin`, dst]);
      expect(await md5File(dst)).toBe(md5(data));
    });

    it('s3 sync up, then down, gives the same tree; a second sync sends nothing', async () => {
      const up = join(tmp.path, 'sync-up');
      mkdirSync(join(up, 'a/b'), { recursive: true });
      writeFileSync(join(up, 'top.txt'), 'top level\n');
      writeFileSync(join(up, 'a/one.bin'), randomBytes(70_000));
      writeFileSync(join(up, 'a/b/two.json'), JSON.stringify({ n: 2 }));
      writeFileSync(join(up, 'a/b/empty'), '');
      await aws.ok(['s3', 'sync', up, `s3://${bucket}/tree/`]);
      const again = await aws.ok(['s3', 'sync', up, `s3://${bucket}/tree/`]);
      expect(again.stdout.trim()).toBe('');
      const down = join(tmp.path, 'sync-down');
      mkdirSync(down);
      await aws.ok(['s3', 'sync', `s3://${bucket}/tree/`, down]);
      expect(treeDigest(down)).toEqual(treeDigest(up));
    });

    it('s3 ls shows prefixes and objects, and --recursive everything', async () => {
      const top = await aws.ok(['s3', 'ls', `s3://${bucket}/`]);
      expect(top.stdout).toMatch(/PRE big\//);
      expect(top.stdout).toMatch(/PRE tree\//);
      const deep = await aws.ok(['s3', 'ls', '--recursive', `s3://${bucket}/`]);
      for (const k of ['big/file.bin', 'tree/top.txt', 'tree/a/one.bin', 'tree/a/b/two.json', 'tree/a/b/empty']) {
        expect(deep.stdout).toMatch(new RegExp(`\\s${k.replace(/[.]/g, '\\.')}$`, 'm'));
      }
      expect(deep.stdout).toMatch(new RegExp(`\\s${20 * MiB} big/file\\.bin$`, 'm'));
    });

    it('s3api multipart family: create, upload-part, list-parts, list-multipart-uploads, complete, abort', async () => {
      const key = 'mpu/object.bin';
      const p1 = randomBytes(5 * MiB);
      const p2 = randomBytes(1234);
      writeFileSync(join(tmp.path, 'p1'), p1);
      writeFileSync(join(tmp.path, 'p2'), p2);
      const created = await aws.api(['create-multipart-upload', '--bucket', bucket, '--key', key, '--content-type', 'application/x-test']);
      const uploadId = created.UploadId as string;
      expect(uploadId).toBeTruthy();
      expect(created.Key).toBe(key);
      const e1 = await aws.api(['upload-part', '--bucket', bucket, '--key', key, '--upload-id', uploadId, '--part-number', '1', '--body', join(tmp.path, 'p1')]);
      const e2 = await aws.api(['upload-part', '--bucket', bucket, '--key', key, '--upload-id', uploadId, '--part-number', '2', '--body', join(tmp.path, 'p2')]);
      expect(e1.ETag).toBe(`"${md5(p1)}"`);
      expect(e2.ETag).toBe(`"${md5(p2)}"`);

      const parts = await aws.api(['list-parts', '--bucket', bucket, '--key', key, '--upload-id', uploadId]);
      expect(parts.Parts.map((p: any) => [p.PartNumber, p.ETag, p.Size])).toEqual([
        [1, e1.ETag, p1.length],
        [2, e2.ETag, p2.length],
      ]);
      const uploads = await aws.api(['list-multipart-uploads', '--bucket', bucket]);
      expect(uploads.Uploads.map((u: any) => [u.Key, u.UploadId])).toContainEqual([key, uploadId]);

      const spec = join(tmp.path, 'complete.json');
      writeFileSync(spec, JSON.stringify({ Parts: [{ PartNumber: 1, ETag: e1.ETag }, { PartNumber: 2, ETag: e2.ETag }] }));
      const done = await aws.api(['complete-multipart-upload', '--bucket', bucket, '--key', key, '--upload-id', uploadId, '--multipart-upload', `file://${spec}`]);
      const whole = Buffer.concat([p1, p2]);
      expect(done.ETag).toBe(multipartEtag(whole, 5 * MiB));
      const head = await aws.api(['head-object', '--bucket', bucket, '--key', key]);
      expect(head.ContentLength).toBe(whole.length);
      expect(head.ETag).toBe(done.ETag);
      expect(head.ContentType).toBe('application/x-test');
      const out = join(tmp.path, 'mpu.down');
      await aws.api(['get-object', '--bucket', bucket, '--key', key, out]);
      expect(await md5File(out)).toBe(md5(whole));
      const after = await aws.api(['list-multipart-uploads', '--bucket', bucket]);
      expect((after.Uploads ?? []).map((u: any) => u.UploadId)).not.toContain(uploadId);

      const doomed = await aws.api(['create-multipart-upload', '--bucket', bucket, '--key', 'mpu/aborted.bin']);
      await aws.api(['upload-part', '--bucket', bucket, '--key', 'mpu/aborted.bin', '--upload-id', doomed.UploadId, '--part-number', '1', '--body', join(tmp.path, 'p2')]);
      await aws.ok(['s3api', 'abort-multipart-upload', '--bucket', bucket, '--key', 'mpu/aborted.bin', '--upload-id', doomed.UploadId]);
      const gone = await aws.run(['s3api', 'list-parts', '--bucket', bucket, '--key', 'mpu/aborted.bin', '--upload-id', doomed.UploadId]);
      expect(gone.code).not.toBe(0);
      expect(gone.stderr).toContain('NoSuchUpload');
      const missing = await aws.run(['s3api', 'head-object', '--bucket', bucket, '--key', 'mpu/aborted.bin']);
      expect(missing.code).not.toBe(0);
      expect(missing.stderr).toMatch(/404|Not Found/);
    });

    it('s3api object tagging: put, get, delete', async () => {
      const key = 'tree/top.txt';
      const tagging = JSON.stringify({ TagSet: [{ Key: 'project', Value: 'skybridge' }, { Key: 'tier', Value: 'cold' }] });
      await aws.ok(['s3api', 'put-object-tagging', '--bucket', bucket, '--key', key, '--tagging', tagging]);
      const got = await aws.api(['get-object-tagging', '--bucket', bucket, '--key', key]);
      expect([...got.TagSet].sort((a: any, b: any) => a.Key.localeCompare(b.Key))).toEqual([
        { Key: 'project', Value: 'skybridge' },
        { Key: 'tier', Value: 'cold' },
      ]);
      await aws.ok(['s3api', 'delete-object-tagging', '--bucket', bucket, '--key', key]);
      const empty = await aws.api(['get-object-tagging', '--bucket', bucket, '--key', key]);
      expect(empty.TagSet ?? []).toEqual([]);
    });

    it('s3api bucket configuration reads answer as S3 does for an unconfigured bucket; CORS round-trips, website is NotImplemented', async () => {
      for (const [cmd, code] of [
        ['get-bucket-encryption', 'ServerSideEncryptionConfigurationNotFoundError'],
        ['get-bucket-cors', 'NoSuchCORSConfiguration'],
        ['get-bucket-policy', 'NoSuchBucketPolicy'],
        ['get-public-access-block', 'NoSuchPublicAccessBlockConfiguration'],
      ]) {
        const r = await aws.run(['s3api', cmd!, '--bucket', bucket]);
        expect(r.code, cmd).not.toBe(0);
        expect(r.stderr).toContain(`(${code})`);
      }
      expect(await aws.api(['get-bucket-request-payment', '--bucket', bucket])).toEqual({ Payer: 'BucketOwner' });
      expect(await aws.api(['get-bucket-logging', '--bucket', bucket])).toEqual({});
      await aws.ok(['s3api', 'put-bucket-cors', '--bucket', bucket, '--cors-configuration', '{"CORSRules":[{"AllowedMethods":["GET"],"AllowedOrigins":["*"]}]}']);
      expect(await aws.api(['get-bucket-cors', '--bucket', bucket])).toEqual({ CORSRules: [{ AllowedMethods: ['GET'], AllowedOrigins: ['*'] }] });
      await aws.ok(['s3api', 'delete-bucket-cors', '--bucket', bucket]);
      const website = await aws.run(['s3api', 'put-bucket-website', '--bucket', bucket, '--website-configuration', '{"IndexDocument":{"Suffix":"index.html"}}']);
      expect(website.stderr).toContain('(NotImplemented)');
    });

    it('s3 presign gives a URL that a plain HTTP GET can read', async () => {
      const r = await aws.ok(['s3', 'presign', `s3://${bucket}/tree/a/b/two.json`, '--expires-in', '300']);
      const url = r.stdout.trim();
      expect(url).toMatch(/X-Amz-Signature=[0-9a-f]{64}/);
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(JSON.stringify({ n: 2 }));
      const tampered = await fetch(url.replace('two.json', 'top.txt'));
      expect(tampered.status).toBe(403);
      await tampered.body?.cancel();
    });

    it('s3 cp --sse AES256 and --sse-c are refused with NotImplemented, and nothing is stored', async () => {
      const src = join(tmp.path, 'sse.txt');
      writeFileSync(src, 'would be stored in clear\n');
      const sse = await aws.run(['s3', 'cp', '--sse', 'AES256', src, `s3://${bucket}/sse/aes.txt`]);
      expect(sse.code).not.toBe(0);
      expect(sse.stderr).toContain('(NotImplemented)');
      expect(sse.stderr).toContain('objects are stored unencrypted');
      const ssec = await aws.run(['s3', 'cp', '--sse-c', 'AES256', '--sse-c-key', 'k'.repeat(32), src, `s3://${bucket}/sse/c.txt`]);
      expect(ssec.code).not.toBe(0);
      expect(ssec.stderr).toContain('(NotImplemented)');
      const ls = await aws.run(['s3', 'ls', `s3://${bucket}/sse/`]);
      expect(ls.stdout.trim()).toBe('');
    });

    it('a credential scope for another region: refused naming ours, which the CLI then re-signs bucket requests with', async () => {
      const own = uniq('region');
      await aws.ok(['s3api', 'create-bucket', '--bucket', own]);
      const list = await aws.run(['s3api', 'list-buckets', '--region', 'us-west-2']);
      expect(list.code).not.toBe(0);
      expect(list.stderr).toContain(`(AuthorizationHeaderMalformed) when calling the ListBuckets operation: The authorization header is malformed; the region 'us-west-2' is wrong; expecting '${fx.region}'`);
      // botocore's region redirector reads <Region> from the error and retries signed for it.
      const objs = await aws.run(['s3api', 'list-objects-v2', '--bucket', own, '--region', 'us-west-2', '--debug']);
      expect(objs.code).toBe(0);
      expect(objs.stderr).toContain(`S3 client configured for region us-west-2 but the bucket ${own} is in region ${fx.region}`);
      await aws.ok(['s3api', 'delete-bucket', '--bucket', own]);
    });

    it('a wrong secret is refused with SignatureDoesNotMatch', async () => {
      const r = await aws.run(['s3', 'ls', `s3://${bucket}/`], 'wrongsecret');
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('SignatureDoesNotMatch');
    });

    it('an unknown access key is refused with InvalidAccessKeyId', async () => {
      const r = await aws.run(['s3', 'ls', `s3://${bucket}/`], 'unknownkey');
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('InvalidAccessKeyId');
    });

    it('bad bucket names are refused with InvalidBucketName', async () => {
      for (const name of ['Upper_Case', 'ab']) {
        const r = await aws.run(['s3api', 'create-bucket', `--bucket=${name}`]);
        expect(r.code, `${name}: ${r.stdout}`).not.toBe(0);
        expect(r.stderr, name).toContain('InvalidBucketName');
      }
    });

    it("another project's credential cannot read or list the bucket (AccessDenied)", async () => {
      const get = await aws.run(['s3', 'cp', `s3://${bucket}/tree/top.txt`, join(tmp.path, 'stolen')], 'demo');
      expect(get.code).not.toBe(0);
      expect(get.stderr).toMatch(/AccessDenied|403|Forbidden/);
      const ls = await aws.run(['s3api', 'list-objects-v2', '--bucket', bucket], 'demo');
      expect(ls.code).not.toBe(0);
      expect(ls.stderr).toContain('AccessDenied');
      const put = await aws.run(['s3api', 'put-object', '--bucket', bucket, '--key', 'intruder', '--body', join(tmp.path, 'p2')], 'demo');
      expect(put.code).not.toBe(0);
      expect(put.stderr).toContain('AccessDenied');
    });

    it('a reader of the project can read but not write or delete (AccessDenied)', async () => {
      aws.addProfile('reader', (await readerUser()).ec2);
      const ls = await aws.ok(['s3', 'ls', `s3://${bucket}/tree/`], 'reader');
      expect(ls.stdout).toContain('top.txt');
      const dst = join(tmp.path, 'reader.down');
      await aws.ok(['s3', 'cp', `s3://${bucket}/tree/top.txt`, dst], 'reader');
      expect(readFileSync(dst, 'utf8')).toBe('top level\n');
      const put = await aws.run(['s3api', 'put-object', '--bucket', bucket, '--key', 'reader-wrote', '--body', dst], 'reader');
      expect(put.code).not.toBe(0);
      expect(put.stderr).toContain('AccessDenied');
      const del = await aws.run(['s3api', 'delete-object', '--bucket', bucket, '--key', 'tree/top.txt'], 'reader');
      expect(del.code).not.toBe(0);
      expect(del.stderr).toContain('AccessDenied');
      const mb = await aws.run(['s3api', 'create-bucket', '--bucket', uniq('reader-bucket')], 'reader');
      expect(mb.code).not.toBe(0);
      expect(mb.stderr).toContain('AccessDenied');
    });

    it('s3api put-bucket-versioning keeps versions: list-object-versions, get-object --version-id, delete markers', async () => {
      const vb = uniq('awscli-ver');
      await aws.ok(['s3', 'mb', `s3://${vb}`]);
      await aws.ok(['s3api', 'put-bucket-versioning', '--bucket', vb, '--versioning-configuration', 'Status=Enabled']);
      expect((await aws.api(['get-bucket-versioning', '--bucket', vb])).Status).toBe('Enabled');
      const f1 = join(tmp.path, 'state-1.json');
      const f2 = join(tmp.path, 'state-2.json');
      writeFileSync(f1, '{"serial":1}');
      writeFileSync(f2, '{"serial":2}');
      const v1 = (await aws.api(['put-object', '--bucket', vb, '--key', 'terraform.tfstate', '--body', f1])).VersionId as string;
      const v2 = (await aws.api(['put-object', '--bucket', vb, '--key', 'terraform.tfstate', '--body', f2])).VersionId as string;
      expect(v1).toBeTruthy();
      expect(v2).not.toBe(v1);
      const lv = await aws.api(['list-object-versions', '--bucket', vb]);
      expect(lv.Versions.map((v: { VersionId: string; IsLatest: boolean }) => [v.VersionId, v.IsLatest])).toEqual([
        [v2, true],
        [v1, false],
      ]);
      const out = join(tmp.path, 'state-old.json');
      const got = await aws.api(['get-object', '--bucket', vb, '--key', 'terraform.tfstate', '--version-id', v1, out]);
      expect(got.VersionId).toBe(v1);
      expect(readFileSync(out, 'utf8')).toBe('{"serial":1}');
      const del = await aws.api(['delete-object', '--bucket', vb, '--key', 'terraform.tfstate']);
      expect(del.DeleteMarker).toBe(true);
      const missing = await aws.run(['s3api', 'head-object', '--bucket', vb, '--key', 'terraform.tfstate']);
      expect(missing.code).not.toBe(0);
      expect(missing.stderr).toContain('404');
      const after = await aws.api(['list-object-versions', '--bucket', vb]);
      expect(after.DeleteMarkers.map((m: { VersionId: string; IsLatest: boolean }) => [m.VersionId, m.IsLatest])).toEqual([[del.VersionId, true]]);
      // Teardown as a backup tool does it: every version and marker by id, then the bucket.
      const rb = await aws.run(['s3api', 'delete-bucket', '--bucket', vb]);
      expect(rb.stderr).toContain('BucketNotEmpty');
      for (const id of [v1, v2, del.VersionId]) await aws.ok(['s3api', 'delete-object', '--bucket', vb, '--key', 'terraform.tfstate', '--version-id', id]);
      await aws.ok(['s3api', 'delete-bucket', '--bucket', vb]);
    });

    it('s3 rm --recursive empties the bucket and s3 rb removes it', async () => {
      const r = await aws.ok(['s3', 'rm', '--recursive', `s3://${bucket}/`]);
      expect(r.stdout).toContain(`delete: s3://${bucket}/big/file.bin`);
      // `s3 ls` exits 1 when it finds nothing; only the listing matters here.
      const ls = await aws.run(['s3', 'ls', '--recursive', `s3://${bucket}/`]);
      expect(ls.stdout.trim()).toBe('');
      await aws.ok(['s3', 'rb', `s3://${bucket}`]);
      const buckets = await aws.ok(['s3', 'ls']);
      expect(buckets.stdout).not.toContain(bucket);
    });
  });
}
