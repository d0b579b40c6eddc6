// Swift object_versioning (X-Versions-Enabled, ?versions, ?version-id) over the same versions S3 sees: the real swift CLI, python-swiftclient and boto3 over TCP.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_TIMEOUT, cleanEnv, md5, requireCli, run, startObjectFixture, tempDir, uniq, type CliResult, type ObjectFixture } from './object-fixture.js';

let fx: ObjectFixture;
const tmp = tempDir('skybridge-swiftver-');

/** Debian's interpreter: the one that imports both python3-swiftclient and python3-boto3. */
const SYSTEM_PYTHON = '/usr/bin/python3';

/** The `swift` CLI with admin's Keystone token and storage URL (no login per call: each CLI start is costly), run in the temp dir. */
async function swift(args: string[]): Promise<CliResult> {
  const env = cleanEnv({ OS_AUTH_TOKEN: fx.admin.token, OS_STORAGE_URL: fx.swiftUrl(fx.admin.projectId) });
  return run('swift', args, { env, cwd: tmp.path, timeoutMs: 120_000 });
}

async function swiftOk(args: string[]): Promise<CliResult> {
  const r = await swift(args);
  if (r.code !== 0) throw new Error(`swift ${args.join(' ')} exited ${r.code}: ${r.stderr.trim()}\n${r.stdout.slice(0, 1000)}`);
  return r;
}

/** Raw Swift request with admin's token. */
async function raw(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Response> {
  return fetch(`${fx.swiftUrl(fx.admin.projectId)}${path}`, { method, headers: { 'X-Auth-Token': fx.admin.token, ...headers }, ...(body !== undefined ? { body } : {}) });
}

/** Runs a python script (swiftclient + boto3) with the storage URL, token, S3 endpoint and key; returns its last JSON line. */
async function python(script: string, ...args: string[]): Promise<any> {
  const env = cleanEnv({ BOTO_DISABLE_CRT: 'true' });
  const r = await run(SYSTEM_PYTHON, ['-c', script, fx.swiftUrl(fx.admin.projectId), fx.admin.token, fx.url, fx.admin.ec2.access, fx.admin.ec2.secret, ...args], { env, timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`python exited ${r.code}:\n${r.stderr.trim().slice(-3000)}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
}

const PY_PRELUDE = `
import json, sys, boto3
from botocore.client import Config
from swiftclient import client as sc
url, token, endpoint, ak, sk = sys.argv[1:6]
s3 = boto3.client('s3', endpoint_url=endpoint, region_name='us-east-1', aws_access_key_id=ak, aws_secret_access_key=sk,
                  config=Config(signature_version='s3v4', s3={'addressing_style': 'path'}))
out = {}
def versions(c):
    return [(i['name'], i['version_id'], i['is_latest'], i['content_type'], i['bytes']) for i in sc.get_container(url, token, c, query_string='versions')[1]]
def s3versions(b):
    r = s3.list_object_versions(Bucket=b)
    return sorted([(v['Key'], v['VersionId'], v['IsLatest'], 'version') for v in r.get('Versions', [])] + [(m['Key'], m['VersionId'], m['IsLatest'], 'marker') for m in r.get('DeleteMarkers', [])])
`;

beforeAll(async () => {
  await requireCli('swift');
  const probe = await run(SYSTEM_PYTHON, ['-c', 'import boto3, swiftclient'], { env: cleanEnv() });
  if (probe.code !== 0) throw new Error('python3-boto3 and python3-swiftclient are needed: install them with `apt-get install python3-boto3 python3-swiftclient`');
  fx = await startObjectFixture();
}, 120_000);

afterAll(async () => {
  await fx?.dispose();
  tmp.cleanup();
});

describe('Swift object_versioning', { timeout: CLI_TIMEOUT }, () => {
  it('swift capabilities (/info) lists object_versioning', async () => {
    expect((await swiftOk(['capabilities'])).stdout).toMatch(/^Additional middleware: object_versioning$/m);
  });

  it('swift CLI: enable, overwrite, list --versions, download --version-id, delete marker, delete --version-id, delete --versions', async () => {
    const c = uniq('swiftver');
    const v1 = randomBytes(1000);
    const v2 = randomBytes(2000);
    await swiftOk(['post', c, '-H', 'X-Versions-Enabled: true']);
    expect((await raw('HEAD', `/${c}`)).headers.get('x-versions-enabled')).toBe('True');
    writeFileSync(join(tmp.path, 'doc.bin'), v1);
    await swiftOk(['upload', c, 'doc.bin']);
    writeFileSync(join(tmp.path, 'doc.bin'), v2);
    await swiftOk(['upload', c, 'doc.bin']);

    // `bytes date time version_id content_type name`, newest first.
    const rows = (await swiftOk(['list', c, '--versions'])).stdout.trim().split('\n').map((l) => l.trim().split(/\s+/));
    expect(rows.map((r) => [r[0], r.at(-1)])).toEqual([
      ['2000', 'doc.bin'],
      ['1000', 'doc.bin'],
    ]);
    const [newId, oldId] = rows.map((r) => r[3]!);
    expect(oldId).toMatch(/^[0-9a-f]{32}$/);

    await swiftOk(['download', c, 'doc.bin', '--version-id', oldId!, '-o', 'old.bin']);
    expect(md5(readFileSync(join(tmp.path, 'old.bin')))).toBe(md5(v1));

    // A DELETE leaves a delete marker on top: the object is gone, its versions stay.
    await swiftOk(['delete', c, 'doc.bin']);
    expect((await raw('HEAD', `/${c}/doc.bin`)).status).toBe(404);
    const afterDelete = (await (await raw('GET', `/${c}?versions`)).json()) as Array<Record<string, unknown>>;
    expect(afterDelete.map((e) => [e.version_id === newId || e.version_id === oldId, e.content_type, e.is_latest])).toEqual([
      [false, 'application/x-deleted;swift_versions_deleted=1', true],
      [true, 'application/octet-stream', false],
      [true, 'application/octet-stream', false],
    ]);

    // Deleting the marker by its id brings the newest version back; deleting that one, the version under it.
    await swiftOk(['delete', c, 'doc.bin', '--version-id', String(afterDelete[0]!.version_id)]);
    expect(await (await raw('GET', `/${c}/doc.bin`)).arrayBuffer().then((b) => md5(Buffer.from(b)))).toBe(md5(v2));
    await swiftOk(['delete', c, 'doc.bin', '--version-id', newId!]);
    expect(await (await raw('GET', `/${c}/doc.bin`)).arrayBuffer().then((b) => md5(Buffer.from(b)))).toBe(md5(v1));

    // `swift delete --versions` empties every version, then the container goes.
    await swiftOk(['delete', c, '--versions']);
    expect((await raw('HEAD', `/${c}`)).status).toBe(404);
  });

  it('versions written through Swift are the ones S3 lists, and the reverse', async () => {
    const c = uniq('swift-first');
    const b = uniq('s3-first');
    const out = await python(
      `${PY_PRELUDE}
c, b = sys.argv[6], sys.argv[7]
# Swift first: enable, write twice, delete.
sc.put_container(url, token, c, headers={'X-Versions-Enabled': 'true'})
ids = []
for body in (b'one', b'two'):
    h = {}
    sc.put_object(url, token, c, 'k', body, response_dict=h)
    ids.append(h['headers']['x-object-version-id'])
out['swiftIds'] = ids
sc.delete_object(url, token, c, 'k')
out['swiftListing'] = versions(c)
out['s3Status'] = s3.get_bucket_versioning(Bucket=c).get('Status')
out['s3Listing'] = s3versions(c)
out['s3Old'] = s3.get_object(Bucket=c, Key='k', VersionId=ids[0])['Body'].read().decode()
# S3 first: enable with PutBucketVersioning, write twice, read through Swift.
s3.create_bucket(Bucket=b)
s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={'Status': 'Enabled'})
s3ids = [s3.put_object(Bucket=b, Key='k', Body=body)['VersionId'] for body in (b'alpha', b'beta')]
out['s3Ids'] = s3ids
out['containerFlag'] = sc.head_container(url, token, b).get('x-versions-enabled')
out['swiftOfS3'] = versions(b)
hdrs, body = sc.get_object(url, token, b, 'k', query_string='version-id=' + s3ids[0])
out['swiftOld'] = [body.decode(), hdrs.get('x-object-version-id')]
hdrs = sc.head_object(url, token, b, 'k')
out['swiftCurrent'] = hdrs.get('x-object-version-id')
# Swift disables: S3 sees Suspended, a new write is the null version.
sc.post_container(url, token, b, headers={'X-Versions-Enabled': 'false'})
out['suspended'] = [s3.get_bucket_versioning(Bucket=b).get('Status'), sc.head_container(url, token, b).get('x-versions-enabled')]
h = {}
sc.put_object(url, token, b, 'k', b'gamma', response_dict=h)
out['suspendedPutHeader'] = h['headers'].get('x-object-version-id')
out['afterSuspend'] = s3versions(b)
print(json.dumps(out))
`,
      c,
      b,
    );
    const [id1, id2] = out.swiftIds as string[];
    expect(id1).toMatch(/^[0-9a-f]{32}$/);
    const marker = 'application/x-deleted;swift_versions_deleted=1';
    expect(out.swiftListing).toHaveLength(3);
    expect(out.swiftListing[0]).toMatchObject(['k', expect.any(String), true, marker, 0]);
    expect(out.swiftListing.slice(1)).toEqual([
      ['k', id2, false, 'application/octet-stream', 3],
      ['k', id1, false, 'application/octet-stream', 3],
    ]);
    const markerId = out.swiftListing[0][1] as string;
    expect(out.s3Status).toBe('Enabled');
    expect(out.s3Listing).toEqual(
      [
        ['k', id1, false, 'version'],
        ['k', id2, false, 'version'],
        ['k', markerId, true, 'marker'],
      ].sort(),
    );
    expect(out.s3Old).toBe('one');

    const [s1, s2] = out.s3Ids as string[];
    expect(out.containerFlag).toBe('True');
    expect(out.swiftOfS3.map((v: unknown[]) => v.slice(0, 3))).toEqual([
      ['k', s2, true],
      ['k', s1, false],
    ]);
    expect(out.swiftOld).toEqual(['alpha', s1]);
    expect(out.swiftCurrent).toBe(s2);
    expect(out.suspended).toEqual(['Suspended', 'False']);
    expect(out.suspendedPutHeader).toBeNull();
    expect(out.afterSuspend).toEqual(
      [
        ['k', 'null', true, 'version'],
        ['k', s1, false, 'version'],
        ['k', s2, false, 'version'],
      ].sort(),
    );
  });

  it('raw HTTP: delete markers, version-id errors, POST to a version, restore, legacy conflicts', async () => {
    const c = uniq('swiftver-raw');
    expect((await raw('PUT', `/${c}`, { 'X-Versions-Enabled': 'true' })).status).toBe(201);
    const p1 = await raw('PUT', `/${c}/o`, { 'Content-Type': 'text/plain' }, 'first');
    const p2 = await raw('PUT', `/${c}/o`, { 'Content-Type': 'text/plain' }, 'second');
    const [v1, v2] = [p1.headers.get('x-object-version-id')!, p2.headers.get('x-object-version-id')!];
    expect(v1).toMatch(/^[0-9a-f]{32}$/);
    expect((await raw('HEAD', `/${c}/o`)).headers.get('x-object-version-id')).toBe(v2);

    expect((await raw('POST', `/${c}/o?version-id=${v1}`, { 'X-Object-Meta-A': 'b' })).status).toBe(400);
    expect((await raw('GET', `/${c}/o?version-id=not-a-version`)).status).toBe(400);
    expect((await raw('GET', `/${c}/o?version-id=${'0'.repeat(32)}`)).status).toBe(404);
    expect((await raw('GET', `/${c}/o?version-id=null`)).status).toBe(404);

    // PUT ?version-id with no body makes that version current again, keeping its id.
    const restore = await raw('PUT', `/${c}/o?version-id=${v1}`, { 'Content-Length': '0' }, '');
    expect(restore.status).toBe(201);
    const cur = await raw('GET', `/${c}/o`);
    expect([await cur.text(), cur.headers.get('x-object-version-id')]).toEqual(['first', v1]);
    expect((await raw('PUT', `/${c}/o?version-id=${v2}`, {}, 'body')).status).toBe(400);
    // COPY ?version-id copies that version; manifest operations on a version are not implemented.
    expect((await raw('COPY', `/${c}/o?version-id=${v2}`, { Destination: `${c}/copy` })).status).toBe(201);
    expect(await (await raw('GET', `/${c}/copy`)).text()).toBe('second');
    expect((await raw('GET', `/${c}/o?multipart-manifest=get&version-id=${v2}`)).status).toBe(501);
    expect((await raw('DELETE', `/${c}/o?multipart-manifest=delete&version-id=${v2}`)).status).toBe(501);

    const del = await raw('DELETE', `/${c}/o`);
    expect(del.status).toBe(204);
    const markerId = del.headers.get('x-object-version-id')!;
    expect(markerId).toMatch(/^[0-9a-f]{32}$/);
    expect((await raw('GET', `/${c}/o`)).status).toBe(404);
    const m = await raw('HEAD', `/${c}/o?version-id=${markerId}`);
    expect([m.status, m.headers.get('content-type'), m.headers.get('x-object-version-id')]).toEqual([404, 'application/x-deleted;swift_versions_deleted=1', markerId]);
    // Deleting a missing name still writes a marker, and answers 404 naming it.
    const miss = await raw('DELETE', `/${c}/never`);
    expect([miss.status, /^[0-9a-f]{32}$/.test(miss.headers.get('x-object-version-id') ?? '')]).toEqual([404, true]);

    // Listing pages with marker + version_marker; version_marker alone is refused.
    const page1 = (await (await raw('GET', `/${c}?versions&limit=2&format=json`)).json()) as Array<Record<string, unknown>>;
    const page2 = (await (await raw('GET', `/${c}?versions&marker=${page1[1]!.name}&version_marker=${page1[1]!.version_id}`)).json()) as Array<Record<string, unknown>>;
    expect([...page1, ...page2].map((e) => [e.name, e.version_id, e.is_latest])).toEqual([
      ['copy', expect.any(String), true],
      ['never', expect.any(String), true],
      ['o', markerId, true],
      ['o', v1, false],
      ['o', v2, false],
    ]);
    expect((await raw('GET', `/${c}?versions&version_marker=${v1}`)).status).toBe(400);

    // One place for versions: object_versioning and X-Versions-Location / X-History-Location exclude each other.
    expect((await raw('POST', `/${c}`, { 'X-Versions-Location': 'archive' })).status).toBe(400);
    const legacy = uniq('legacy');
    expect((await raw('PUT', `/${legacy}`, { 'X-History-Location': 'archive' })).status).toBe(201);
    const refused = await raw('POST', `/${legacy}`, { 'X-Versions-Enabled': 'true' });
    expect([refused.status, await refused.text()]).toEqual([400, 'Cannot enable object versioning on a container that is already using the legacy versioned writes feature.']);
    expect((await raw('PUT', `/${uniq('both')}`, { 'X-Versions-Enabled': 'true', 'X-Versions-Location': 'archive' })).status).toBe(400);

    // Version-aware requests need a versioned container; `null` always names the unversioned object.
    const plain = uniq('plain');
    await raw('PUT', `/${plain}`);
    await raw('PUT', `/${plain}/x`, {}, 'x');
    expect((await raw('GET', `/${plain}/x?version-id=${v1}`)).status).toBe(400);
    const nul = await raw('GET', `/${plain}/x?version-id=null`);
    expect([nul.status, nul.headers.get('x-object-version-id')]).toEqual([200, 'null']);
    const plainList = (await (await raw('GET', `/${plain}?versions`)).json()) as Array<Record<string, unknown>>;
    expect(plainList).toMatchObject([{ name: 'x', version_id: 'null', is_latest: true, bytes: 1 }]);
  });
});
