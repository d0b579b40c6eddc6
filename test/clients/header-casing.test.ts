// Header names on the wire as real Swift, Keystone and S3 spell them, checked over TCP with raw requests, openstacksdk and an Ansible playbook.
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_TIMEOUT, cleanEnv, run, runOk, startObjectFixture, tempDir, uniq, type ObjectFixture } from './object-fixture.js';
import { rawS3 } from './raw-s3.js';

let fx: ObjectFixture;
const tmp = tempDir('skybridge-casing-');

/** Sends one request and returns the status and the header names exactly as they came over the socket. */
function rawNames(url: string, method: string, headers: Record<string, string>, body?: string): Promise<{ status: number; names: string[] }> {
  return new Promise((res, rej) => {
    const req = request(url, { method, headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (r) => {
      r.resume();
      r.on('end', () => res({ status: r.statusCode!, names: r.rawHeaders.filter((_, i) => i % 2 === 0) }));
    });
    req.on('error', rej);
    req.end(body);
  });
}

/** Debian's python3-openstacksdk lives under /usr/bin/python3 (the python3 on PATH may be another one). */
const PY = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

beforeAll(async () => {
  const probe = await run(PY, ['-c', 'import openstack'], { env: cleanEnv() });
  if (probe.code !== 0) throw new Error('openstacksdk is missing: install it with `apt-get install python3-openstacksdk`');
  fx = await startObjectFixture();
}, 120_000);

afterAll(async () => {
  await fx?.dispose();
  tmp.cleanup();
});

describe('header names over TCP', () => {
  it('Swift sends X-Object-Meta-*, X-Container-Meta-*, X-Account-Meta-*, X-Timestamp, X-Trans-Id, X-Static-Large-Object, X-Object-Manifest', async () => {
    const base = fx.swiftUrl(fx.admin.projectId);
    const auth = { 'x-auth-token': fx.admin.token };
    const c = uniq('casing');
    expect((await rawNames(`${base}/${c}`, 'PUT', { ...auth, 'x-container-meta-color': 'red' })).status).toBe(201);
    expect((await rawNames(`${base}/${c}/o`, 'PUT', { ...auth, 'x-object-meta-color': 'blue', 'x-object-meta-my_key1x': 'v' }, 'body')).status).toBe(201);
    const obj = await rawNames(`${base}/${c}/o`, 'HEAD', auth);
    expect(obj.names).toEqual(expect.arrayContaining(['X-Object-Meta-Color', 'X-Object-Meta-My-Key1X', 'X-Timestamp', 'X-Trans-Id', 'Etag', 'Content-Length', 'Last-Modified']));
    expect(obj.names.filter((n) => /^x-/.test(n))).toEqual([]);
    const cont = await rawNames(`${base}/${c}`, 'HEAD', auth);
    expect(cont.names).toEqual(expect.arrayContaining(['X-Container-Meta-Color', 'X-Container-Object-Count', 'X-Container-Bytes-Used', 'X-Timestamp']));
    expect((await rawNames(base, 'POST', { ...auth, 'x-account-meta-color': 'green' })).status).toBe(204);
    const acct = await rawNames(base, 'HEAD', auth);
    expect(acct.names).toEqual(expect.arrayContaining(['X-Account-Meta-Color', 'X-Account-Container-Count', 'X-Account-Bytes-Used']));

    const manifest = JSON.stringify([{ path: `/${c}/o` }]);
    expect((await rawNames(`${base}/${c}/slo?multipart-manifest=put`, 'PUT', auth, manifest)).status).toBe(201);
    expect((await rawNames(`${base}/${c}/slo`, 'HEAD', auth)).names).toContain('X-Static-Large-Object');
    expect((await rawNames(`${base}/${c}/dlo`, 'PUT', { ...auth, 'x-object-manifest': `${c}/o` }, '')).status).toBe(201);
    expect((await rawNames(`${base}/${c}/dlo`, 'HEAD', auth)).names).toContain('X-Object-Manifest');
  });

  it('Keystone sends X-Subject-Token', async () => {
    const body = JSON.stringify({
      auth: { identity: { methods: ['password'], password: { user: { name: 'admin', domain: { id: 'default' }, password: fx.admin.password } } } },
    });
    const r = await rawNames(`${fx.authUrl}/auth/tokens`, 'POST', { 'content-type': 'application/json' }, body);
    expect(r.status).toBe(201);
    expect(r.names).toContain('X-Subject-Token');
  });

  it('S3 sends ETag and x-amz-* in lower case, as S3 does', async () => {
    const s3 = rawS3(fx.url, fx.admin.ec2, fx.region);
    const b = uniq('casing');
    const send = async (method: string, path: string, headers: Record<string, string> = {}, body?: string) => {
      const signed = await s3.sign({ method, path, headers, body });
      return rawNames(`${fx.url}${signed.path}`, method, signed.headers, body);
    };
    expect((await send('PUT', `/${b}`)).status).toBe(200);
    expect((await send('PUT', `/${b}/k`, { 'x-amz-meta-color': 'blue' }, 'data')).status).toBe(200);
    const head = await send('HEAD', `/${b}/k`);
    expect(head.names).toEqual(expect.arrayContaining(['ETag', 'x-amz-meta-color', 'x-amz-request-id', 'x-amz-id-2', 'Last-Modified', 'Content-Length']));
  });
});

describe('openstacksdk and Ansible read Swift metadata', { timeout: CLI_TIMEOUT }, () => {
  it("openstacksdk's get_object_metadata returns the metadata, and is_object_stale is false for an unchanged file", async () => {
    const file = join(tmp.path, 'sdk.txt');
    writeFileSync(file, 'sdk body\n');
    const script = `
import json, sys, openstack
conn = openstack.connect(cloud='skybridge')
c = sys.argv[1]
conn.create_container(c)
conn.create_object(c, 'o', filename=sys.argv[2], metadata={'color': 'blue'})
meta = conn.object_store.get_object_metadata('o', container=c)
print(json.dumps({'metadata': meta.metadata, 'stale': conn.is_object_stale(c, 'o', sys.argv[2])}))
`;
    const env = cleanEnv({ OS_CLIENT_CONFIG_FILE: join(fx.server.dataDir, 'clouds.yaml') });
    const r = await runOk(PY, ['-c', script, uniq('sdk'), file], { env, timeoutMs: 120_000 });
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { metadata: Record<string, string>; stale: boolean };
    expect(out.metadata).toMatchObject({ color: 'blue' });
    expect(out.stale).toBe(false);
  });

  it('an openstack.cloud.object playbook changes nothing on its second run, and state: absent deletes the object', async () => {
    // Debian 12's openstack.cloud 1.10 refuses its own python3-openstacksdk 0.101 (MAXIMUM_SDK_VERSION 0.98.999), and no newer
    // collection is packaged: the playbook runs a copy of the packaged collection with that ceiling lifted, the module code unchanged.
    const packaged = '/usr/lib/python3/dist-packages/ansible_collections/openstack/cloud';
    if (!existsSync(packaged)) throw new Error('the openstack.cloud collection is missing: install it with `apt-get install ansible`');
    const collections = join(tmp.path, 'collections');
    cpSync(packaged, join(collections, 'ansible_collections/openstack/cloud'), { recursive: true });
    const utils = join(collections, 'ansible_collections/openstack/cloud/plugins/module_utils/openstack.py');
    writeFileSync(utils, readFileSync(utils, 'utf8').replace(/^MAXIMUM_SDK_VERSION = .*$/m, 'MAXIMUM_SDK_VERSION = None'));

    const c = uniq('ansible');
    const file = join(tmp.path, 'ansible.txt');
    writeFileSync(file, 'ansible body\n');
    const playbook = (state: string) => {
      const p = join(tmp.path, `${state}.yml`);
      writeFileSync(
        p,
        `- hosts: localhost\n  connection: local\n  gather_facts: false\n  tasks:\n    - openstack.cloud.object:\n        cloud: skybridge\n        container: ${c}\n        name: f.txt\n        filename: ${file}\n        state: ${state}\n`,
      );
      return p;
    };
    const env = cleanEnv({
      OS_CLIENT_CONFIG_FILE: join(fx.server.dataDir, 'clouds.yaml'),
      ANSIBLE_COLLECTIONS_PATH: collections,
      ANSIBLE_LOCAL_TEMP: join(tmp.path, 'ansible-tmp'),
      ANSIBLE_HOME: join(tmp.path, 'ansible-home'),
      ANSIBLE_NOCOLOR: '1',
    });
    const play = async (state: string) => {
      const r = await runOk('ansible-playbook', ['-i', 'localhost,', '-e', `ansible_python_interpreter=${PY}`, playbook(state)], { env, timeoutMs: 180_000 });
      const m = /changed=(\d+)\s+unreachable=\d+\s+failed=(\d+)/.exec(r.stdout);
      if (!m) throw new Error(`no play recap:\n${r.stdout}`);
      return { changed: Number(m[1]), failed: Number(m[2]) };
    };
    expect(await play('present')).toEqual({ changed: 1, failed: 0 });
    expect(await play('present')).toEqual({ changed: 0, failed: 0 });
    expect(await play('absent')).toEqual({ changed: 1, failed: 0 });
    const gone = await fetch(`${fx.swiftUrl(fx.admin.projectId)}/${c}/f.txt`, { method: 'HEAD', headers: { 'x-auth-token': fx.admin.token } });
    expect(gone.status).toBe(404);
  });
});
