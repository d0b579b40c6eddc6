// Bucket lifecycle through @aws-sdk/client-s3 with the object store's clock moved by the test: rules stored as S3 does, due objects expired once by the expiry job, uploads aborted.
import {
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketLifecycleCommand,
  GetBucketLifecycleConfigurationCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutBucketLifecycleConfigurationCommand,
  PutObjectCommand,
  S3Client,
  type LifecycleRule,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Server, type S3TestServer, s3Failure as failure, s3ClientFor } from './s3-server.js';

const DAY = 86_400_000;
/**
 * The object store's days are the five before today (UTC): the jobs the sweep writes are due for the
 * queue (which runs on the real clock), while the seven-day stale-upload cleanup of an upload made at
 * T0 is not, so only a lifecycle rule can abort it.
 */
const D0 = Math.floor(Date.now() / DAY) * DAY - 5 * DAY;
const T0 = D0 + 12 * 3600_000;
const clock = { t: T0, now: () => clock.t };

let srv: S3TestServer;
let s3: S3Client;
let demo: S3Client;
const Bucket = 'lifecycle-bucket';

/** One run of the periodic sweep, then every job it wrote. */
async function sweep(): Promise<{ expired: number; aborted: number }> {
  const r = await srv.sys.objects.sweepLifecycle();
  await srv.sys.queue.drain();
  return r;
}

const keys = async (b = Bucket) => ((await s3.send(new ListObjectsV2Command({ Bucket: b }))).Contents ?? []).map((o) => o.Key);

beforeAll(async () => {
  srv = await startS3Server({ SKYBRIDGE_LIFECYCLE_SWEEP_MS: String(7 * DAY) }, { objectClock: clock });
  s3 = s3ClientFor(srv, srv.admin);
  demo = s3ClientFor(srv, srv.demo);
  await s3.send(new CreateBucketCommand({ Bucket }));
}, 60_000);

afterAll(async () => {
  s3?.destroy();
  demo?.destroy();
  await srv?.close();
});

const rules: LifecycleRule[] = [
  { ID: 'logs', Filter: { Prefix: 'logs/' }, Status: 'Enabled', Expiration: { Days: 1 } },
  { ID: 'temp', Filter: { Tag: { Key: 'temp', Value: 'yes' } }, Status: 'Enabled', Expiration: { Days: 3 } },
  { ID: 'keep', Filter: { Prefix: 'keep/' }, Status: 'Disabled', Expiration: { Days: 1 } },
  { ID: 'uploads', Filter: { Prefix: '' }, Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 2 } },
];

describe('lifecycle configuration', () => {
  it('a bucket without rules answers 404 NoSuchLifecycleConfiguration', async () => {
    expect(await failure(s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket })))).toMatchObject({ code: 'NoSuchLifecycleConfiguration', status: 404 });
  });

  it.each([
    ['a transition (no storage classes)', { ID: 't', Filter: { Prefix: '' }, Status: 'Enabled', Transitions: [{ Days: 30, StorageClass: 'GLACIER' }] }, 'NotImplemented', 501],
    ['a noncurrent-version expiration (no versioning yet)', { ID: 'n', Filter: { Prefix: '' }, Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 5 } }, 'NotImplemented', 501],
    ['Days 0', { ID: 'z', Filter: { Prefix: '' }, Status: 'Enabled', Expiration: { Days: 0 } }, 'InvalidArgument', 400],
    ['a Date not at midnight UTC', { ID: 'd', Filter: { Prefix: '' }, Status: 'Enabled', Expiration: { Date: new Date(Date.UTC(2030, 0, 1, 13)) } }, 'InvalidArgument', 400],
    ['a rule without an action', { ID: 'a', Filter: { Prefix: '' }, Status: 'Enabled' }, 'InvalidRequest', 400],
    ['a status other than Enabled/Disabled', { ID: 's', Filter: { Prefix: '' }, Status: 'On', Expiration: { Days: 1 } }, 'MalformedXML', 400],
    ['Prefix and Filter together', { ID: 'p', Prefix: 'a', Filter: { Prefix: 'b' }, Status: 'Enabled', Expiration: { Days: 1 } }, 'MalformedXML', 400],
    ['duplicate tag keys in a filter', { ID: 'dup', Filter: { And: { Prefix: '', Tags: [{ Key: 'a', Value: '1' }, { Key: 'a', Value: '2' }] } }, Status: 'Enabled', Expiration: { Days: 1 } }, 'InvalidArgument', 400],
    ['aborting uploads by tag', { ID: 'g', Filter: { Tag: { Key: 'k', Value: 'v' } }, Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }, 'InvalidRequest', 400],
  ])('refuses %s', async (_what, rule, code, status) => {
    expect(await failure(s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket, LifecycleConfiguration: { Rules: [rule as LifecycleRule] } })))).toMatchObject({ code, status });
    expect(await failure(s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket })))).toMatchObject({ code: 'NoSuchLifecycleConfiguration' });
  });

  it('refuses duplicate rule ids', async () => {
    const twice = [rules[0]!, { ...rules[0]!, Filter: { Prefix: 'other/' } }];
    expect(await failure(s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket, LifecycleConfiguration: { Rules: twice } })))).toMatchObject({ code: 'InvalidArgument', status: 400 });
  });

  it('stores the rules and answers them back; only the owner may', async () => {
    await s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket, LifecycleConfiguration: { Rules: rules } }));
    expect((await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket }))).Rules).toEqual(rules);
    expect(await failure(demo.send(new GetBucketLifecycleConfigurationCommand({ Bucket })))).toMatchObject({ code: 'AccessDenied' });
    expect(await failure(demo.send(new PutBucketLifecycleConfigurationCommand({ Bucket, LifecycleConfiguration: { Rules: rules } })))).toMatchObject({ code: 'AccessDenied' });
  });
});

describe('expiration by the sweep and the expiry job', () => {
  let uploadId: string | undefined;
  beforeAll(async () => {
    clock.t = T0;
    for (const Key of ['logs/a', 'logs/b', 'keep/c', 'other']) await s3.send(new PutObjectCommand({ Bucket, Key, Body: Key }));
    await s3.send(new PutObjectCommand({ Bucket, Key: 'scratch', Body: 'x', Tagging: 'temp=yes' }));
    uploadId = (await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'big' }))).UploadId;
  });

  it('nothing is due before the rounded-up day: Days 1 from noon means the midnight after the next', async () => {
    clock.t = T0 + DAY + 11 * 3600_000;
    expect(await sweep()).toEqual({ expired: 0, aborted: 0 });
    expect(await keys()).toEqual(['keep/c', 'logs/a', 'logs/b', 'other', 'scratch']);
  });

  it('GetObject and HeadObject say when a rule will expire the object (x-amz-expiration)', async () => {
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key: 'logs/a' }));
    expect(head.Expiration).toBe(`expiry-date="${new Date(D0 + 2 * DAY).toUTCString()}", rule-id="logs"`);
    const get = await s3.send(new GetObjectCommand({ Bucket, Key: 'scratch' }));
    await get.Body!.transformToString();
    expect(get.Expiration).toBe(`expiry-date="${new Date(D0 + 4 * DAY).toUTCString()}", rule-id="temp"`);
    expect((await s3.send(new HeadObjectCommand({ Bucket, Key: 'keep/c' }))).Expiration).toBeUndefined();
    expect((await s3.send(new HeadObjectCommand({ Bucket, Key: 'other' }))).Expiration).toBeUndefined();
  });

  it('due objects of enabled rules expire; disabled rules and other prefixes keep theirs', async () => {
    clock.t = D0 + 2 * DAY + 1000;
    expect(await sweep()).toEqual({ expired: 2, aborted: 0 });
    expect(await keys()).toEqual(['keep/c', 'other', 'scratch']);
    expect(await failure(s3.send(new GetObjectCommand({ Bucket, Key: 'logs/a' })))).toMatchObject({ code: 'NoSuchKey', status: 404 });
    // Each object expires once: a later sweep schedules nothing again.
    expect(await sweep()).toEqual({ expired: 0, aborted: 0 });
  });

  it('an object written again later starts its own age; tag rules and upload aborts follow their days', async () => {
    await s3.send(new PutObjectCommand({ Bucket, Key: 'logs/a', Body: 'new' }));
    clock.t = D0 + 3 * DAY + 1000;
    expect(await sweep()).toEqual({ expired: 0, aborted: 1 });
    expect((await s3.send(new ListMultipartUploadsCommand({ Bucket }))).Uploads ?? []).toEqual([]);
    expect(uploadId).toBeDefined();
    expect(await keys()).toEqual(['keep/c', 'logs/a', 'other', 'scratch']);
    clock.t = D0 + 4 * DAY + 1000;
    expect(await sweep()).toEqual({ expired: 2, aborted: 0 });
    expect(await keys()).toEqual(['keep/c', 'other']);
  });

  it('a Date rule expires what it covers once the date has come; DeleteBucketLifecycle stops everything', async () => {
    await s3.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket,
        LifecycleConfiguration: { Rules: [{ ID: 'by-date', Filter: { And: { Prefix: 'o', Tags: [] } }, Status: 'Enabled', Expiration: { Date: new Date(D0 + 5 * DAY) } }] },
      }),
    );
    expect(await sweep()).toEqual({ expired: 0, aborted: 0 });
    clock.t = D0 + 5 * DAY;
    await s3.send(new DeleteBucketLifecycleCommand({ Bucket }));
    expect(await sweep()).toEqual({ expired: 0, aborted: 0 });
    expect(await keys()).toEqual(['keep/c', 'other']);
    await s3.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket,
        LifecycleConfiguration: { Rules: [{ ID: 'by-date', Filter: { Prefix: 'o' }, Status: 'Enabled', Expiration: { Date: new Date(D0 + 5 * DAY) } }] },
      }),
    );
    expect(await sweep()).toEqual({ expired: 1, aborted: 0 });
    expect(await keys()).toEqual(['keep/c']);
  });
});
