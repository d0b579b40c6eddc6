// Bucket policies and the public access block through @aws-sdk/client-s3: anonymous reads by policy, explicit deny over ACLs and owners, other projects as principals, conditions, refusals.
import {
  CreateBucketCommand,
  DeleteBucketPolicyCommand,
  DeleteObjectCommand,
  DeletePublicAccessBlockCommand,
  GetBucketPolicyCommand,
  GetBucketPolicyStatusCommand,
  GetObjectCommand,
  GetPublicAccessBlockCommand,
  ListObjectsV2Command,
  PutBucketAclCommand,
  PutBucketPolicyCommand,
  PutObjectAclCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Server, type S3TestServer, s3Failure as failure, s3ClientFor } from './s3-server.js';

let srv: S3TestServer;
let s3: S3Client;
let demo: S3Client;

const anon = (path: string) => fetch(`${srv.url}${path}`);

const policy = (...Statement: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement });

async function bucketWith(Bucket: string, objects: Record<string, string>): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket }));
  for (const [Key, Body] of Object.entries(objects)) await s3.send(new PutObjectCommand({ Bucket, Key, Body }));
}

beforeAll(async () => {
  srv = await startS3Server();
  s3 = s3ClientFor(srv, srv.admin);
  demo = s3ClientFor(srv, srv.demo);
}, 60_000);

afterAll(async () => {
  s3?.destroy();
  demo?.destroy();
  await srv?.close();
});

describe('bucket policy documents', () => {
  const Bucket = 'policy-doc';
  beforeAll(() => bucketWith(Bucket, {}));

  it('PutBucketPolicy stores the document, GetBucketPolicy answers it as put, DeleteBucketPolicy removes it', async () => {
    const doc = policy({ Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${Bucket}/*` });
    await s3.send(new PutBucketPolicyCommand({ Bucket, Policy: doc }));
    expect((await s3.send(new GetBucketPolicyCommand({ Bucket }))).Policy).toBe(doc);
    expect((await s3.send(new GetBucketPolicyStatusCommand({ Bucket }))).PolicyStatus?.IsPublic).toBe(true);
    await s3.send(new DeleteBucketPolicyCommand({ Bucket }));
    expect(await failure(s3.send(new GetBucketPolicyCommand({ Bucket })))).toMatchObject({ code: 'NoSuchBucketPolicy', status: 404 });
    expect(await failure(s3.send(new GetBucketPolicyStatusCommand({ Bucket })))).toMatchObject({ code: 'NoSuchBucketPolicy', status: 404 });
  });

  it('a policy pinned to source addresses or naming projects is not public', async () => {
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket,
        Policy: policy(
          { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${Bucket}/*`, Condition: { IpAddress: { 'aws:SourceIp': '192.0.2.0/24' } } },
          { Effect: 'Allow', Principal: { AWS: [srv.demo.projectId] }, Action: 's3:*', Resource: [`arn:aws:s3:::${Bucket}`, `arn:aws:s3:::${Bucket}/*`] },
        ),
      }),
    );
    expect((await s3.send(new GetBucketPolicyStatusCommand({ Bucket }))).PolicyStatus?.IsPublic).toBe(false);
  });

  it.each([
    ['not JSON', '{"Version":'],
    ['no statement', JSON.stringify({ Version: '2012-10-17' })],
    ['a wrong version', JSON.stringify({ Version: '2020-01-01', Statement: [] })],
    [
      'duplicate statement ids',
      policy(
        { Sid: 'same', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::policy-doc/*' },
        { Sid: 'same', Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: 'arn:aws:s3:::policy-doc/*' },
      ),
    ],
    ['deeply nested JSON', `{"Version":"2012-10-17","Statement":[${'['.repeat(5000)}${']'.repeat(5000)}]}`],
    ['an unknown action', policy({ Effect: 'Allow', Principal: '*', Action: 's3:GetObjekt', Resource: 'arn:aws:s3:::policy-doc/*' })],
    ['another service', policy({ Effect: 'Allow', Principal: '*', Action: 'ec2:RunInstances', Resource: 'arn:aws:s3:::policy-doc/*' })],
    ['a resource outside the bucket', policy({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::other-bucket/*' })],
    ['an object action on the bucket only', policy({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::policy-doc' })],
    ['a condition we cannot evaluate', policy({ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::policy-doc/*', Condition: { StringEquals: { 'aws:UserAgent': 'x' } } })],
    ['an unknown operator', policy({ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::policy-doc/*', Condition: { DateGreaterThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } } })],
    ['NotPrincipal', policy({ Effect: 'Deny', NotPrincipal: { AWS: srv?.admin.projectId ?? 'x' }, Action: 's3:*', Resource: 'arn:aws:s3:::policy-doc/*' })],
    ['an unknown principal', policy({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::nosuchproject:root' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::policy-doc/*' })],
    ['an IAM user principal', policy({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:user/bob' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::policy-doc/*' })],
  ])('refuses %s with 400 MalformedPolicy and keeps the policy it had', async (_what, doc) => {
    const before = (await s3.send(new GetBucketPolicyCommand({ Bucket }))).Policy;
    expect(await failure(s3.send(new PutBucketPolicyCommand({ Bucket, Policy: doc })))).toMatchObject({ code: 'MalformedPolicy', status: 400 });
    expect((await s3.send(new GetBucketPolicyCommand({ Bucket }))).Policy).toBe(before);
  });

  it("only the owner's account sets, reads or deletes it, even when the policy grants another project s3:* (405, as S3)", async () => {
    const doc = policy({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${Bucket}/*` });
    expect(await failure(demo.send(new PutBucketPolicyCommand({ Bucket, Policy: doc })))).toMatchObject({ code: 'MethodNotAllowed', status: 405 });
    expect(await failure(demo.send(new GetBucketPolicyCommand({ Bucket })))).toMatchObject({ code: 'MethodNotAllowed', status: 405 });
    expect(await failure(demo.send(new DeleteBucketPolicyCommand({ Bucket })))).toMatchObject({ code: 'MethodNotAllowed', status: 405 });
    expect((await s3.send(new GetBucketPolicyCommand({ Bucket }))).Policy).toContain(srv.demo.projectId);
  });
});

describe('policy evaluation', () => {
  it('an Allow to everyone makes objects readable anonymously (beyond their private ACL), and only what it names', async () => {
    const Bucket = 'policy-public';
    await bucketWith(Bucket, { 'site/index.html': 'welcome', 'private.txt': 'secret' });
    expect((await anon(`/${Bucket}/site/index.html`)).status).toBe(403);
    await s3.send(new PutBucketPolicyCommand({ Bucket, Policy: policy({ Effect: 'Allow', Principal: { AWS: '*' }, Action: ['s3:GetObject'], Resource: [`arn:aws:s3:::${Bucket}/site/*`] }) }));
    const res = await anon(`/${Bucket}/site/index.html`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('welcome');
    expect((await anon(`/${Bucket}/private.txt`)).status).toBe(403);
    expect((await anon(`/${Bucket}`)).status).toBe(403);
    expect((await fetch(`${srv.url}/${Bucket}/site/planted`, { method: 'PUT', body: 'x' })).status).toBe(403);
  });

  it('an explicit Deny overrides a public-read ACL and the owner\'s own access; the owner can still remove the policy', async () => {
    const Bucket = 'policy-deny';
    await s3.send(new CreateBucketCommand({ Bucket }));
    await s3.send(new PutObjectCommand({ Bucket, Key: 'locked/report', Body: 'numbers', ACL: 'public-read' }));
    await s3.send(new PutObjectCommand({ Bucket, Key: 'open/readme', Body: 'hi', ACL: 'public-read' }));
    expect((await anon(`/${Bucket}/locked/report`)).status).toBe(200);
    await s3.send(new PutBucketPolicyCommand({ Bucket, Policy: policy({ Effect: 'Deny', Principal: '*', Action: ['s3:GetObject', 's3:DeleteObject'], Resource: `arn:aws:s3:::${Bucket}/locked/*` }) }));
    expect((await anon(`/${Bucket}/locked/report`)).status).toBe(403);
    expect(await failure(s3.send(new GetObjectCommand({ Bucket, Key: 'locked/report' })))).toMatchObject({ code: 'AccessDenied', status: 403 });
    expect(await failure(s3.send(new DeleteObjectCommand({ Bucket, Key: 'locked/report' })))).toMatchObject({ code: 'AccessDenied', status: 403 });
    expect((await anon(`/${Bucket}/open/readme`)).status).toBe(200);
    // Denying the policy operations themselves cannot lock the owner out.
    await s3.send(new PutBucketPolicyCommand({ Bucket, Policy: policy({ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [`arn:aws:s3:::${Bucket}`, `arn:aws:s3:::${Bucket}/*`] }) }));
    expect(await failure(s3.send(new ListObjectsV2Command({ Bucket })))).toMatchObject({ code: 'AccessDenied', status: 403 });
    expect(await failure(s3.send(new PutBucketAclCommand({ Bucket, ACL: 'private' })))).toMatchObject({ code: 'AccessDenied', status: 403 });
    expect((await s3.send(new GetBucketPolicyCommand({ Bucket }))).Policy).toContain('"s3:*"');
    await s3.send(new DeleteBucketPolicyCommand({ Bucket }));
    expect((await s3.send(new GetObjectCommand({ Bucket, Key: 'locked/report' }))).$metadata.httpStatusCode).toBe(200);
  });

  it('another project named as principal gets exactly the actions granted', async () => {
    const Bucket = 'policy-shared';
    await bucketWith(Bucket, { 'in/data': 'shared bytes' });
    expect(await failure(demo.send(new GetObjectCommand({ Bucket, Key: 'in/data' })))).toMatchObject({ code: 'AccessDenied' });
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket,
        Policy: policy(
          { Effect: 'Allow', Principal: { AWS: [`arn:aws:iam::${srv.demo.projectId}:root`] }, Action: ['s3:GetObject', 's3:PutObject'], Resource: `arn:aws:s3:::${Bucket}/in/*` },
          { Effect: 'Allow', Principal: { AWS: srv.demo.projectId }, Action: 's3:ListBucket', Resource: `arn:aws:s3:::${Bucket}` },
        ),
      }),
    );
    const got = await demo.send(new GetObjectCommand({ Bucket, Key: 'in/data' }));
    expect(await got.Body!.transformToString()).toBe('shared bytes');
    await demo.send(new PutObjectCommand({ Bucket, Key: 'in/from-demo', Body: 'hello' }));
    expect((await demo.send(new ListObjectsV2Command({ Bucket }))).Contents?.map((o) => o.Key)).toEqual(['in/data', 'in/from-demo']);
    expect(await failure(demo.send(new DeleteObjectCommand({ Bucket, Key: 'in/data' })))).toMatchObject({ code: 'AccessDenied' });
    expect(await failure(demo.send(new PutObjectCommand({ Bucket, Key: 'outside', Body: 'x' })))).toMatchObject({ code: 'AccessDenied' });
    expect((await anon(`/${Bucket}/in/data`)).status).toBe(403);
  });

  it('conditions: aws:SecureTransport, aws:SourceIp and s3:prefix', async () => {
    const Bucket = 'policy-conditions';
    await bucketWith(Bucket, { 'public/a': 'a', 'private/b': 'b' });
    // The common "deny insecure transport" statement: plain HTTP is refused, even to the owner.
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket,
        Policy: policy({ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [`arn:aws:s3:::${Bucket}`, `arn:aws:s3:::${Bucket}/*`], Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      }),
    );
    expect(await failure(s3.send(new GetObjectCommand({ Bucket, Key: 'public/a' })))).toMatchObject({ code: 'AccessDenied' });
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket,
        Policy: policy(
          { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${Bucket}/*`, Condition: { IpAddress: { 'aws:SourceIp': ['127.0.0.0/8', '::1/128'] } } },
          { Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${Bucket}/*`, Condition: { NotIpAddress: { 'aws:SourceIp': ['10.0.0.0/8'] } } },
        ),
      }),
    );
    // Loopback is in the Allow's range and outside 10/8: the Deny applies.
    expect((await anon(`/${Bucket}/public/a`)).status).toBe(403);
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket,
        Policy: policy(
          { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${Bucket}/*`, Condition: { IpAddress: { 'aws:SourceIp': ['127.0.0.0/8', '::1/128'] } } },
          { Effect: 'Allow', Principal: '*', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${Bucket}`, Condition: { StringLike: { 's3:prefix': 'public/*' } } },
        ),
      }),
    );
    expect((await anon(`/${Bucket}/private/b`)).status).toBe(200);
    expect((await anon(`/${Bucket}?list-type=2&prefix=public/`)).status).toBe(200);
    expect((await anon(`/${Bucket}?list-type=2&prefix=private/`)).status).toBe(403);
    expect((await anon(`/${Bucket}?list-type=2`)).status).toBe(403);
  });
});

/** A Keystone token of the admin (the owner of the buckets the S3 client makes). */
async function adminToken(): Promise<string> {
  const boot = srv.sys.firstStart.bootstrap;
  const login = await srv.sys.request('/identity/v3/auth/tokens', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: { methods: ['password'], password: { user: { name: boot.admin.userName, domain: { id: 'default' }, password: boot.admin.password } } },
        scope: { project: { id: srv.admin.projectId } },
      },
    }),
  });
  return login.headers.get('x-subject-token')!;
}

describe('the Swift face of the same containers', () => {
  it('a bucket policy Deny binds Swift requests too (no way around it through the other API)', async () => {
    const Bucket = 'policy-swift';
    await bucketWith(Bucket, { 'locked/report': 'numbers', 'open/readme': 'hi' });
    const token = await adminToken();
    const swift = (path: string, method = 'GET') => srv.sys.request(`/object/v1/AUTH_${srv.admin.projectId}/${Bucket}/${path}`, { method, headers: { 'x-auth-token': token } });
    expect((await swift('locked/report')).status).toBe(200);
    await s3.send(new PutBucketPolicyCommand({ Bucket, Policy: policy({ Effect: 'Deny', Principal: '*', Action: ['s3:GetObject', 's3:DeleteObject'], Resource: `arn:aws:s3:::${Bucket}/locked/*` }) }));
    expect((await swift('locked/report')).status).toBe(403);
    expect((await swift('locked/report', 'DELETE')).status).toBe(403);
    expect((await swift('open/readme')).status).toBe(200);
  });

  it('the public access block covers Swift ACLs: `.r:*` is refused under BlockPublicAcls and ignored under IgnorePublicAcls', async () => {
    const Bucket = 'pab-swift';
    await bucketWith(Bucket, { page: 'hello' });
    const token = await adminToken();
    const container = (method: string, headers: Record<string, string> = {}) =>
      srv.sys.request(`/object/v1/AUTH_${srv.admin.projectId}/${Bucket}`, { method, headers: { 'x-auth-token': token, ...headers } });
    const anonSwift = () => srv.sys.request(`/object/v1/AUTH_${srv.admin.projectId}/${Bucket}/page`);
    expect((await container('POST', { 'X-Container-Read': '.r:*' })).status).toBe(204);
    expect((await anonSwift()).status).toBe(200);
    await s3.send(new PutPublicAccessBlockCommand({ Bucket, PublicAccessBlockConfiguration: { IgnorePublicAcls: true } }));
    expect((await anonSwift()).status).toBe(401);
    await s3.send(new PutPublicAccessBlockCommand({ Bucket, PublicAccessBlockConfiguration: { BlockPublicAcls: true } }));
    expect((await container('POST', { 'X-Container-Read': '.r:*,.rlistings' })).status).toBe(403);
    expect((await container('PUT', { 'X-Container-Read': '.r:*' })).status).toBe(403);
    expect((await container('POST', { 'X-Container-Read': `${srv.demo.projectId}:*` })).status).toBe(204);
  });
});

describe('public access block', () => {
  it('is stored and answered back, and only by the owner', async () => {
    const Bucket = 'pab-doc';
    await s3.send(new CreateBucketCommand({ Bucket }));
    await s3.send(new PutPublicAccessBlockCommand({ Bucket, PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: false, BlockPublicPolicy: true } }));
    expect((await s3.send(new GetPublicAccessBlockCommand({ Bucket }))).PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: false,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: false,
    });
    expect(await failure(demo.send(new GetPublicAccessBlockCommand({ Bucket })))).toMatchObject({ code: 'AccessDenied' });
    expect(await failure(demo.send(new DeletePublicAccessBlockCommand({ Bucket })))).toMatchObject({ code: 'AccessDenied' });
    await s3.send(new DeletePublicAccessBlockCommand({ Bucket }));
    expect(await failure(s3.send(new GetPublicAccessBlockCommand({ Bucket })))).toMatchObject({ code: 'NoSuchPublicAccessBlockConfiguration', status: 404 });
  });

  it('BlockPublicAcls refuses public ACLs; IgnorePublicAcls makes existing ones count for nothing', async () => {
    const Bucket = 'pab-acls';
    await s3.send(new CreateBucketCommand({ Bucket }));
    await s3.send(new PutObjectCommand({ Bucket, Key: 'was-public', Body: 'x', ACL: 'public-read' }));
    await s3.send(new PutPublicAccessBlockCommand({ Bucket, PublicAccessBlockConfiguration: { BlockPublicAcls: true } }));
    expect(await failure(s3.send(new PutObjectCommand({ Bucket, Key: 'new', Body: 'x', ACL: 'public-read' })))).toMatchObject({ code: 'AccessDenied', status: 403 });
    expect(await failure(s3.send(new PutObjectAclCommand({ Bucket, Key: 'was-public', ACL: 'public-read-write' })))).toMatchObject({ code: 'AccessDenied' });
    expect(await failure(s3.send(new PutBucketAclCommand({ Bucket, ACL: 'public-read' })))).toMatchObject({ code: 'AccessDenied' });
    expect(await failure(s3.send(new GetObjectCommand({ Bucket, Key: 'new' })))).toMatchObject({ code: 'NoSuchKey' });
    await s3.send(new PutObjectCommand({ Bucket, Key: 'private', Body: 'x', ACL: 'private' }));
    expect((await anon(`/${Bucket}/was-public`)).status).toBe(200);
    await s3.send(new PutPublicAccessBlockCommand({ Bucket, PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true } }));
    expect((await anon(`/${Bucket}/was-public`)).status).toBe(403);
  });

  it('BlockPublicPolicy refuses a public policy; RestrictPublicBuckets makes a stored one grant nobody outside the owner', async () => {
    const Bucket = 'pab-policy';
    await bucketWith(Bucket, { o: 'bytes' });
    const pub = policy({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${Bucket}/*` });
    await s3.send(new PutBucketPolicyCommand({ Bucket, Policy: pub }));
    expect((await anon(`/${Bucket}/o`)).status).toBe(200);
    await s3.send(new PutPublicAccessBlockCommand({ Bucket, PublicAccessBlockConfiguration: { BlockPublicPolicy: true, RestrictPublicBuckets: true } }));
    expect((await anon(`/${Bucket}/o`)).status).toBe(403);
    expect(await failure(demo.send(new GetObjectCommand({ Bucket, Key: 'o' })))).toMatchObject({ code: 'AccessDenied' });
    expect(await failure(s3.send(new PutBucketPolicyCommand({ Bucket, Policy: pub })))).toMatchObject({ code: 'AccessDenied', status: 403 });
    // A policy naming a project is not public.
    await s3.send(new PutBucketPolicyCommand({ Bucket, Policy: policy({ Effect: 'Allow', Principal: { AWS: srv.demo.projectId }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${Bucket}/*` }) }));
    expect((await demo.send(new GetObjectCommand({ Bucket, Key: 'o' }))).$metadata.httpStatusCode).toBe(200);
  });
});
