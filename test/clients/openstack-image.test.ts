// Drives the Glance face of a real skybridge process with the real `openstack image` CLI and openstacksdk, over TCP.
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../harness/server.js';
import { openstackCli, passwordAuthArgs, readCloudsYaml, requireOpenstackCli, type CliResult, type OpenstackCli } from './openstack.js';

const ADMIN = { cloud: 'skybridge' };
const DEMO = { cloud: 'skybridge-demo' };
const uniq = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const sha512 = (b: Buffer) => createHash('sha512').update(b).digest('hex');

interface ImageRow {
  id: string;
  name: string;
  status: string;
  size: number | null;
  checksum: string | null;
  visibility: string;
  owner: string;
  disk_format: string;
  container_format: string;
  virtual_size: number | null;
  os_hash_algo: string | null;
  os_hash_value: string | null;
  tags: string[] | string;
  properties?: Record<string, unknown>;
  protected: boolean;
}

function expectHttpFailure(r: CliResult, status: RegExp): void {
  expect(r.code, `expected a failure, got exit 0 with: ${r.stdout}`).not.toBe(0);
  expect(r.stderr + r.stdout).toMatch(status);
}

/** A qcow2 v3 header declaring `virtualSize` bytes and no allocated clusters (enough for Glance's size probe). */
function qcow2(virtualSize: number): Buffer {
  const b = Buffer.alloc(64 * 1024);
  b.writeUInt32BE(0x514649fb, 0);
  b.writeUInt32BE(3, 4);
  b.writeUInt32BE(16, 20); // cluster bits
  b.writeBigUInt64BE(BigInt(virtualSize), 24);
  b.writeUInt32BE(104, 100); // header length
  return b;
}

/** Runs a Python snippet with the system interpreter (where openstacksdk is installed); throws on failure. */
function python(code: string, env: Record<string, string>): Promise<string> {
  return new Promise((res, rej) => {
    execFile('/usr/bin/python3', ['-c', code], { env: { ...process.env, ...env, PYTHONWARNINGS: 'ignore' }, timeout: 120_000 }, (err, stdout, stderr) => {
      if (err) rej(new Error(`python failed: ${stderr || err.message}`));
      else res(String(stdout));
    });
  });
}

describe.concurrent('openstack image CLI against skybridge', { timeout: 240_000 }, () => {
  let server: RunningServer;
  let os: OpenstackCli;
  let authUrl: string;
  let demoProject: string;
  let dir: string;
  let web: Server;
  let webPort: number;
  const webBytes = randomBytes(1024 * 1024 + 3);
  const webHits: string[] = [];

  beforeAll(async () => {
    await requireOpenstackCli();
    // A local HTTP server web-download may reach only because the server's allow-list opens 127.0.0.1 on its port.
    web = createServer((req, res) => {
      webHits.push(req.url ?? '');
      if (req.url === '/disk.raw') return res.end(webBytes);
      if (req.url?.startsWith('/redirect?to=')) {
        res.writeHead(302, { location: decodeURIComponent(req.url.slice('/redirect?to='.length)) });
        return res.end();
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
    webPort = (web.address() as AddressInfo).port;
    server = await startServer({ env: { SKYBRIDGE_IMAGE_IMPORT_ALLOW: '127.0.0.1/32', SKYBRIDGE_IMAGE_IMPORT_PORTS: `80,443,${webPort}` } });
    os = openstackCli(server.dataDir);
    const clouds = await readCloudsYaml(os.configFile);
    authUrl = clouds.clouds.skybridge!.auth.auth_url;
    const demoName = clouds.clouds['skybridge-demo']!.auth.project_name!;
    demoProject = (await os.json<{ id: string }>(['project', 'show', demoName], ADMIN)).id;
    dir = mkdtempSync(join(tmpdir(), 'skybridge-image-cli-'));
  }, 120_000);

  afterAll(async () => {
    await server?.dispose();
    await new Promise((r) => web?.close(r));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the catalog lists the image service at /image and the default image is there, public and active', async () => {
    const rows = await os.json<Array<{ Type: string; Endpoints: unknown }>>(['catalog', 'list'], ADMIN);
    const image = rows.find((r) => r.Type === 'image');
    expect(JSON.stringify(image?.Endpoints)).toContain(`${server.url}/image`);
    const list = await os.json<Array<{ ID: string; Name: string; Status: string }>>(['image', 'list', '--public'], DEMO);
    expect(list).toContainEqual(expect.objectContaining({ Name: 'skybridge-default-raw', Status: 'active' }));
  });

  it('image create --file (raw) with --property and --tag, show, save, list filters, set, unset, delete', async () => {
    const name = uniq('raw');
    const data = randomBytes(3 * 1024 * 1024 + 17);
    const file = join(dir, `${name}.img`);
    writeFileSync(file, data);
    await os.ok(['image', 'create', '--file', file, '--disk-format', 'raw', '--container-format', 'bare', '--property', 'os_distro=debian', '--tag', 'cli-tag', '--private', name], DEMO);
    const shown = await os.json<ImageRow>(['image', 'show', name], DEMO);
    expect(shown).toMatchObject({ name, status: 'active', size: data.length, checksum: md5(data), visibility: 'private', disk_format: 'raw', container_format: 'bare', virtual_size: data.length});
    const raw = (await (await fetch(`${server.url}/image/v2/images/${shown.id}`, { headers: { 'x-auth-token': await tokenOf(DEMO) } })).json()) as ImageRow;
    expect(raw).toMatchObject({ os_hash_algo: 'sha512', os_hash_value: sha512(data), checksum: md5(data) });
    expect(JSON.stringify(shown.properties ?? shown)).toContain('debian');
    expect(JSON.stringify(shown.tags)).toContain('cli-tag');

    const out = join(dir, `${name}.out`);
    await os.ok(['image', 'save', '--file', out, name], DEMO);
    expect(md5(readFileSync(out))).toBe(md5(data));

    const [byProp, byStatus, long] = await Promise.all([
      os.json<Array<{ Name: string }>>(['image', 'list', '--property', 'os_distro=debian'], DEMO),
      os.json<Array<{ Name: string }>>(['image', 'list', '--status', 'active', '--private'], DEMO),
      os.json<Array<Record<string, unknown>>>(['image', 'list', '--long'], DEMO),
    ]);
    expect(byProp.map((r) => r.Name)).toContain(name);
    expect(byStatus.map((r) => r.Name)).toContain(name);
    const row = long.find((r) => r.Name === name);
    expect(row).toMatchObject({ 'Disk Format': 'raw', 'Container Format': 'bare', Size: data.length, Checksum: md5(data), Status: 'active', Visibility: 'private' });

    await os.ok(['image', 'set', '--name', `${name}-renamed`, '--property', 'hw_disk_bus=virtio', '--tag', 'second', '--min-disk', '2', name], DEMO);
    const set = await os.json<ImageRow & { min_disk: number }>(['image', 'show', `${name}-renamed`], DEMO);
    expect(set.min_disk).toBe(2);
    expect(JSON.stringify(set)).toContain('hw_disk_bus');
    expect(JSON.stringify(set.tags)).toContain('second');
    await os.ok(['image', 'unset', '--property', 'hw_disk_bus', `${name}-renamed`], DEMO);
    expect(JSON.stringify(await os.json(['image', 'show', `${name}-renamed`], DEMO))).not.toContain('hw_disk_bus');

    // Protected images cannot be deleted until unprotected.
    await os.ok(['image', 'set', '--protected', `${name}-renamed`], DEMO);
    expectHttpFailure(await os.run(['image', 'delete', `${name}-renamed`], DEMO), /403|protected/i);
    await os.ok(['image', 'set', '--unprotected', `${name}-renamed`], DEMO);
    await os.ok(['image', 'delete', `${name}-renamed`], DEMO);
    expectHttpFailure(await os.run(['image', 'show', shown.id], DEMO), /No Image found|404/i);
  });

  it('image create --file with qcow2 reads the virtual size from the header', async () => {
    const name = uniq('qcow');
    const file = join(dir, `${name}.qcow2`);
    writeFileSync(file, qcow2(1 << 30));
    await os.ok(['image', 'create', '--file', file, '--disk-format', 'qcow2', '--container-format', 'bare', '--shared', name], DEMO);
    const shown = await os.json<ImageRow>(['image', 'show', name], DEMO);
    expect(shown).toMatchObject({ status: 'active', disk_format: 'qcow2', virtual_size: 1 << 30, size: 64 * 1024, visibility: 'shared' });
  });

  it('sharing: add project, member list, accept, the member sees it; remove project; others never do', async () => {
    const name = uniq('shared');
    const file = join(dir, `${name}.img`);
    const data = randomBytes(4096);
    writeFileSync(file, data);
    const admin = await os.json<{ project_id: string }>(['token', 'issue'], ADMIN);
    await os.ok(['image', 'create', '--file', file, '--disk-format', 'raw', '--container-format', 'bare', '--shared', name], ADMIN);
    const image = await os.json<ImageRow>(['image', 'show', name], ADMIN);
    expect(image.owner).toBe(admin.project_id);
    // Not yet a member: invisible to the demo project.
    expectHttpFailure(await os.run(['image', 'show', image.id], DEMO), /No Image found|404/i);

    await os.ok(['image', 'add', 'project', image.id, demoProject], ADMIN);
    const members = await os.json<Array<{ 'Member ID': string; Status: string }>>(['image', 'member', 'list', image.id], ADMIN);
    expect(members).toContainEqual(expect.objectContaining({ 'Member ID': demoProject, Status: 'pending' }));
    // A pending member can show the image but it is not in its default list until accepted.
    const before = await os.json<Array<{ ID: string }>>(['image', 'list'], DEMO);
    expect(before.map((r) => r.ID)).not.toContain(image.id);
    await os.ok(['image', 'set', '--accept', image.id], DEMO);
    const after = await os.json<Array<{ ID: string }>>(['image', 'list'], DEMO);
    expect(after.map((r) => r.ID)).toContain(image.id);
    const out = join(dir, `${name}.out`);
    await os.ok(['image', 'save', '--file', out, image.id], DEMO);
    expect(md5(readFileSync(out))).toBe(md5(data));
    // The member may not modify or delete what it was shared.
    expectHttpFailure(await os.run(['image', 'delete', image.id], DEMO), /403|Forbidden|Failed to delete/i);

    await os.ok(['image', 'remove', 'project', image.id, demoProject], ADMIN);
    expectHttpFailure(await os.run(['image', 'show', image.id], DEMO), /No Image found|404/i);
    await os.ok(['image', 'delete', image.id], ADMIN);
  });

  it('refusals: --public by a member, and a reader creating or deleting; another project cannot touch a private image', async () => {
    const name = uniq('refused');
    const tiny = join(dir, `${name}.tiny`);
    writeFileSync(tiny, 'tiny');
    expectHttpFailure(await os.run(['image', 'create', '--file', tiny, '--disk-format', 'raw', '--container-format', 'bare', '--public', name], DEMO), /403|Forbidden/i);

    const reader = uniq('reader');
    const clouds = await readCloudsYaml(os.configFile);
    await os.ok(['user', 'create', '--password', 'reader-Pass1', reader], ADMIN);
    await os.ok(['role', 'add', '--project', demoProject, '--user', reader, 'reader'], ADMIN);
    const asReader = (args: string[]) => os.run([...passwordAuthArgs(authUrl, reader, 'reader-Pass1', clouds.clouds['skybridge-demo']!.auth.project_name!), ...args]);
    expectHttpFailure(await asReader(['image', 'create', '--file', tiny, '--disk-format', 'raw', '--container-format', 'bare', name]), /403|Forbidden/i);

    // Without --file the CLI reads the image from a non-tty stdin, so every create here gives a file.
    const file = join(dir, `${name}.img`);
    writeFileSync(file, 'tiny');
    await os.ok(['image', 'create', '--file', file, '--disk-format', 'raw', '--container-format', 'bare', '--private', name], DEMO);
    const image = await os.json<ImageRow>(['image', 'show', name], DEMO);
    const listed = await asReader(['image', 'list', '-f', 'json']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(image.id);
    expectHttpFailure(await asReader(['image', 'delete', image.id]), /403|Forbidden|Failed to delete/i);
    expectHttpFailure(await asReader(['image', 'set', '--name', 'x', image.id]), /403|Forbidden/i);

    // The admin project's own (non-admin-role) view is not needed: the demo image is private to demo.
    const other = uniq('otherproj');
    const otherUser = uniq('otheruser');
    await os.ok(['project', 'create', other], ADMIN);
    await os.ok(['user', 'create', '--password', 'other-Pass1', otherUser], ADMIN);
    await os.ok(['role', 'add', '--project', other, '--user', otherUser, 'member'], ADMIN);
    const asOther = (args: string[]) => os.run([...passwordAuthArgs(authUrl, otherUser, 'other-Pass1', other), ...args]);
    expectHttpFailure(await asOther(['image', 'show', image.id]), /No Image found|404/i);
    expectHttpFailure(await asOther(['image', 'delete', image.id]), /404|Failed to delete/i);
    await os.ok(['image', 'delete', image.id], DEMO);
  });

  it('image create --import stages and imports (glance-direct); --community images appear in --community lists (the e2e suite checks non-admins see them only there)', async () => {
    const name = uniq('cli-import');
    const file = join(dir, `${name}.img`);
    const data = randomBytes(512 * 1024 + 9);
    writeFileSync(file, data);
    await os.ok(['image', 'create', '--file', file, '--disk-format', 'raw', '--container-format', 'bare', '--import', '--community', name], DEMO);
    let shown = await os.json<ImageRow>(['image', 'show', name], DEMO);
    for (let i = 0; i < 50 && shown.status !== 'active'; i++) {
      await new Promise((r) => setTimeout(r, 200));
      shown = await os.json<ImageRow>(['image', 'show', name], DEMO);
    }
    expect(shown).toMatchObject({ status: 'active', size: data.length, checksum: md5(data), visibility: 'community' });
    const [plain, community] = await Promise.all([
      os.json<Array<{ Name: string }>>(['image', 'list'], ADMIN),
      os.json<Array<{ Name: string }>>(['image', 'list', '--community'], ADMIN),
    ]);
    expect(community.map((r) => r.Name)).toContain(name);
    // An admin lists every image, as in Glance; the e2e suite checks that other projects see community images only on request.
    expect(plain.map((r) => r.Name)).toContain(name);
  });

  it('openstacksdk create_image(use_import=True) stages and imports through a task; the bytes match', async () => {
    const name = uniq('sdk-import');
    const file = join(dir, `${name}.img`);
    const data = randomBytes(2 * 1024 * 1024 + 5);
    writeFileSync(file, data);
    const code = `
import json, os, time, openstack
conn = openstack.connect(cloud='skybridge-demo')
img = conn.image.create_image(name=os.environ['NAME'], filename=os.environ['FILE'], disk_format='raw', container_format='bare', use_import=True, wait=False)
for _ in range(120):
    img = conn.image.get_image(img.id)
    if img.status in ('active', 'killed') or (img.status == 'queued' and _ > 5):
        break
    time.sleep(0.5)
tasks = list(conn.image.image_tasks(img.id)) if hasattr(conn.image, 'image_tasks') else []
data = b''.join(conn.image.download_image(img, stream=True).iter_content(65536))
print(json.dumps({'id': img.id, 'status': img.status, 'checksum': img.checksum, 'size': img.size, 'md5': __import__('hashlib').md5(data).hexdigest()}))
`;
    const out = await python(code, { OS_CLIENT_CONFIG_FILE: os.configFile, NAME: name, FILE: file, NO_PROXY: '127.0.0.1' });
    const r = JSON.parse(out.trim().split('\n').pop()!) as { id: string; status: string; checksum: string; size: number; md5: string };
    expect(r).toMatchObject({ status: 'active', checksum: md5(data), size: data.length, md5: md5(data) });
    const tasks = await fetchJson(`/image/v2/images/${r.id}/tasks`, await tokenOf(DEMO));
    expect(tasks.tasks).toContainEqual(expect.objectContaining({ type: 'api_image_import', status: 'success' }));
  });

  it('python-glanceclient (which validates against /v2/schemas) creates, uploads, updates, lists, shares and downloads', async () => {
    const name = uniq('gc');
    const code = `
import io, json, os, hashlib, openstack
from glanceclient import Client
conn = openstack.connect(cloud='skybridge-demo')
gc = Client('2', session=conn.session)
img = gc.images.create(name=os.environ['NAME'], disk_format='raw', container_format='bare', visibility='shared', os_distro='cirros', tags=['gc'])
gc.images.upload(img.id, io.BytesIO(b'glanceclient bytes'))
gc.images.update(img.id, name=os.environ['NAME'] + '-2', hw_rng_model='virtio', remove_props=['os_distro'])
got = gc.images.get(img.id)
listed = [i.id for i in gc.images.list(filters={'tag': ['gc'], 'name': os.environ['NAME'] + '-2'})]
data = b''.join(gc.images.data(img.id))
gc.image_tags.update(img.id, 'extra')
gc.image_tags.delete(img.id, 'gc')
member = gc.image_members.create(img.id, os.environ['ADMIN_PROJECT'])
members = [m.member_id for m in gc.image_members.list(img.id)]
final = gc.images.get(img.id)
gc.images.delete(img.id)
print(json.dumps({'status': got.status, 'name': got.name, 'rng': got.get('hw_rng_model'), 'distro': got.get('os_distro'), 'listed': img.id in listed, 'md5': hashlib.md5(data).hexdigest(), 'checksum': got.checksum, 'member_status': member.status, 'members': members, 'tags': sorted(final.tags)}))
`;
    const adminProject = (await os.json<{ project_id: string }>(['token', 'issue'], ADMIN)).project_id;
    const out = await python(code, { OS_CLIENT_CONFIG_FILE: os.configFile, NAME: name, ADMIN_PROJECT: adminProject, NO_PROXY: '127.0.0.1' });
    const r = JSON.parse(out.trim().split('\n').pop()!) as Record<string, unknown>;
    expect(r).toMatchObject({ status: 'active', name: `${name}-2`, rng: 'virtio', distro: null, listed: true, md5: md5(Buffer.from('glanceclient bytes')), checksum: md5(Buffer.from('glanceclient bytes')), member_status: 'pending', members: [adminProject], tags: ['extra'] });
  });

  it('the image bytes live in an internal account no tenant reaches through Swift', async () => {
    const token = await tokenOf(ADMIN);
    for (const path of ['/object/v1/AUTH__skybridge_image_store', '/object/v1/AUTH__skybridge_image_store/image_store']) {
      const res = await fetch(`${server.url}${path}`, { headers: { 'x-auth-token': token } });
      await res.body?.cancel();
      expect(res.status, path).toBe(403);
    }
  });

  it('web-download from an allowed local server imports the bytes; refused URLs fail the task and fetch nothing', async () => {
    const token = await tokenOf(DEMO);
    const api = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${server.url}/image${path}`, {
        method,
        headers: { 'x-auth-token': token, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    };
    const info = await api('GET', '/v2/info/import');
    expect(JSON.stringify(info.json)).toContain('web-download');
    const importFrom = async (uri: string) => {
      const created = await api('POST', '/v2/images', { name: uniq('web'), disk_format: 'raw', container_format: 'bare' });
      expect(created.status).toBe(201);
      const id = created.json.id as string;
      const started = await api('POST', `/v2/images/${id}/import`, { method: { name: 'web-download', uri } });
      expect(started.status).toBe(202);
      for (let i = 0; i < 100; i++) {
        const img = await api('GET', `/v2/images/${id}`);
        if (img.json.status !== 'importing') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const img = await api('GET', `/v2/images/${id}`);
      const tasks = (await api('GET', `/v2/images/${id}/tasks`)).json.tasks as Array<{ status: string; message: string }>;
      return { img: img.json, task: tasks[0]! };
    };

    const ok = await importFrom(`http://127.0.0.1:${webPort}/disk.raw`);
    expect(ok.img).toMatchObject({ status: 'active', size: webBytes.length, checksum: md5(webBytes), os_hash_value: sha512(webBytes) });
    expect(ok.task.status).toBe('success');
    const saved = join(dir, 'web.out');
    await os.ok(['image', 'save', '--file', saved, ok.img.id as string], DEMO);
    expect(md5(readFileSync(saved))).toBe(md5(webBytes));

    const before = webHits.length;
    for (const uri of ['http://169.254.169.254/latest/meta-data/', `http://2130706433:${webPort}/disk.raw`, `http://[::ffff:127.0.0.1]:${webPort}/disk.raw`, `http://127.0.0.2:${webPort}/disk.raw`]) {
      const r = await importFrom(uri);
      expect(r.img.status, uri).toBe('queued');
      expect(r.task, uri).toMatchObject({ status: 'failure', message: expect.stringMatching(/refused/) });
    }
    expect(webHits.length).toBe(before);
    const redirected = await importFrom(`http://127.0.0.1:${webPort}/redirect?to=${encodeURIComponent(`http://127.0.0.2:${webPort}/disk.raw`)}`);
    expect(redirected.img.status).toBe('queued');
    expect(redirected.task.message).toMatch(/127\.0\.0\.2.*refused|refused.*127\.0\.0\.2/);
    expect(webHits.slice(before)).toEqual([expect.stringMatching(/^\/redirect/)]);
  });

  async function tokenOf(cloud: { cloud: string }): Promise<string> {
    return (await os.json<{ id: string }>(['token', 'issue'], cloud)).id;
  }

  async function fetchJson(path: string, token: string): Promise<{ tasks: unknown[] }> {
    const res = await fetch(`${server.url}${path}`, { headers: { 'x-auth-token': token, accept: 'application/json' } });
    expect(res.status).toBe(200);
    return (await res.json()) as { tasks: unknown[] };
  }
});
