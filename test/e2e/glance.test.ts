// The Glance face in-process: list filters, sort and paging, JSON-patch rules, data states, quotas, deactivation, isolation.
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestSystem, type TestSystem } from '../harness/system.js';

const PATCH = 'application/openstack-images-v2.1-json-patch';
const md5 = (b: Uint8Array | string) => createHash('md5').update(b).digest('hex');

let sys: TestSystem;
let admin: string;
let demo: string;
let demoProject: string;

async function token(user: string, password: string, project: string): Promise<string> {
  const res = await sys.request('/identity/v3/auth/tokens?nocatalog', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: user, domain: { id: 'default' }, password } } }, scope: { project: { name: project, domain: { id: 'default' } } } } }),
  });
  expect(res.status).toBe(201);
  return res.headers.get('x-subject-token')!;
}

interface Answer {
  status: number;
  json: Record<string, unknown>;
  headers: Headers;
  text: string;
}

async function api(tok: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const isRaw = typeof body === 'string' || body instanceof Uint8Array;
  const res = await sys.request(`/image${path}`, {
    method,
    headers: { 'x-auth-token': tok, accept: 'application/json', ...(body !== undefined && !isRaw ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : isRaw ? (body as BodyInit) : JSON.stringify(body),
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    json = {};
  }
  return { status: res.status, json, headers: res.headers, text };
}

const create = async (tok: string, body: Record<string, unknown>) => {
  const r = await api(tok, 'POST', '/v2/images', { disk_format: 'raw', container_format: 'bare', ...body });
  expect(r.status, r.text).toBe(201);
  return r.json as { id: string } & Record<string, unknown>;
};
const upload = (tok: string, id: string, data: string | Uint8Array) => api(tok, 'PUT', `/v2/images/${id}/file`, data, { 'content-type': 'application/octet-stream' });
const patch = (tok: string, id: string, ops: unknown[]) =>
  sys.request(`/image/v2/images/${id}`, { method: 'PATCH', headers: { 'x-auth-token': tok, accept: 'application/json', 'content-type': PATCH }, body: JSON.stringify(ops) });

beforeAll(async () => {
  sys = await buildTestSystem({ SKYBRIDGE_IMAGE_QUOTA_COUNT: '40', SKYBRIDGE_IMAGE_QUOTA_BYTES: String(2 << 20) });
  const b = sys.firstStart.bootstrap;
  admin = await token(b.admin.userName, b.admin.password, b.admin.projectName);
  demo = await token(b.demo.userName, b.demo.password, b.demo.projectName);
  demoProject = b.demo.projectId;
});

afterAll(async () => {
  await sys?.dispose();
});

describe('Glance images', () => {
  it('discovery answers 300 at the root and 200 at /versions; schemas are served', async () => {
    const root = await sys.request('/image');
    expect(root.status).toBe(300);
    const slash = await sys.request('/image/');
    expect(slash.status).toBe(300);
    const v = await sys.request('/image/versions');
    expect(v.status).toBe(200);
    const body = (await v.json()) as { versions: Array<{ id: string; status: string }> };
    expect(body.versions[0]).toMatchObject({ status: 'CURRENT' });
    for (const s of ['image', 'images', 'member', 'members', 'task', 'tasks']) {
      const r = await api(demo, 'GET', `/v2/schemas/${s}`);
      expect(r.status).toBe(200);
      expect(r.json.name).toBe(s);
    }
    expect((await sys.request('/image/v2/schemas/image')).status).toBe(401);
    const wrong = await api(demo, 'POST', '/v2/images/00000000-0000-0000-0000-000000000000');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('DELETE, GET, PATCH');
    expect((await api(demo, 'GET', '/v2/nothing-here')).status).toBe(404);
  });

  it('creates queued images with an EC2 id, default visibility shared; refuses read-only, reserved and non-string properties', async () => {
    const img = await create(demo, { name: 'c1', os_distro: 'debian' });
    expect(img).toMatchObject({ status: 'queued', visibility: 'shared', os_distro: 'debian', owner: demoProject, size: null, checksum: null });
    const row = sys.db.sqlite.prepare('select ec2_id from img_images where id = ?').get(img.id) as { ec2_id: string };
    expect(row.ec2_id).toMatch(/^ami-[0-9a-f]{17}$/);
    expect((await api(demo, 'POST', '/v2/images', { name: 'x', size: 3 })).status).toBe(403);
    expect((await api(demo, 'POST', '/v2/images', { name: 'x', os_glance_import_task: 'x' })).status).toBe(403);
    expect((await api(demo, 'POST', '/v2/images', { name: 'x', locations: [] })).status).toBe(403);
    expect((await api(demo, 'POST', '/v2/images', { name: 'x', hw: 3 })).status).toBe(400);
    expect((await api(demo, 'POST', '/v2/images', { name: 'x', disk_format: 'floppy' })).status).toBe(400);
    expect((await api(demo, 'POST', '/v2/images', { name: 'x', visibility: 'public' })).status).toBe(403);
    expect((await api(demo, 'POST', '/v2/images', { name: 'x', owner: 'someone-else' })).status).toBe(403);
    expect((await api(demo, 'POST', '/v2/images', 'not json' as unknown as Record<string, unknown>)).status).toBe(400);
    const pub = await create(admin, { name: 'pub', visibility: 'public' });
    expect(pub.visibility).toBe('public');
  });

  it('PATCH: add/replace/remove properties, 409 on missing ones, 403 on read-only, formats frozen after data, 415 on other media types', async () => {
    const img = await create(demo, { name: 'p1' });
    let r = await patch(demo, img.id, [{ op: 'add', path: '/hw_scsi_model', value: 'virtio-scsi' }, { op: 'replace', path: '/name', value: 'p2' }, { op: 'replace', path: '/tags', value: ['a', 'b'] }, { op: 'replace', path: '/min_ram', value: 512 }]);
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ name: 'p2', hw_scsi_model: 'virtio-scsi', tags: ['a', 'b'], min_ram: 512 });
    r = await patch(demo, img.id, [{ op: 'replace', path: '/nope', value: 'x' }]);
    expect(r.status).toBe(409);
    r = await patch(demo, img.id, [{ op: 'remove', path: '/nope' }]);
    expect(r.status).toBe(409);
    r = await patch(demo, img.id, [{ op: 'remove', path: '/hw_scsi_model' }]);
    expect(await r.json()).not.toHaveProperty('hw_scsi_model');
    for (const path of ['/checksum', '/status', '/id', '/size', '/os_glance_import_task']) {
      r = await patch(demo, img.id, [{ op: 'replace', path, value: 'x' }]);
      expect(r.status, path).toBe(403);
    }
    r = await patch(demo, img.id, [{ op: 'move', path: '/name', from: '/x' }]);
    expect(r.status).toBe(400);
    r = await patch(demo, img.id, [{ op: 'replace', path: '/a/b', value: 'x' }]);
    expect(r.status).toBe(400);
    r = await patch(demo, img.id, [{ op: 'replace', path: '/visibility', value: 'public' }]);
    expect(r.status).toBe(403);
    const wrongType = await api(demo, 'PATCH', `/v2/images/${img.id}`, [{ op: 'replace', path: '/name', value: 'z' }]);
    expect(wrongType.status).toBe(415);
    expect((await upload(demo, img.id, 'abc')).status).toBe(204);
    r = await patch(demo, img.id, [{ op: 'replace', path: '/disk_format', value: 'qcow2' }]);
    expect(r.status).toBe(403);
    // A pointer escape reaches the property with a slash in its name.
    r = await patch(demo, img.id, [{ op: 'add', path: '/a~1b', value: 'v' }]);
    expect(await r.json()).toMatchObject({ 'a/b': 'v' });
  });

  it('data: queued → active with hashes; a second upload 409; a failed upload goes back to queued; download, Range, 204 without data', async () => {
    const img = await create(demo, { name: 'd1' });
    const empty = await api(demo, 'GET', `/v2/images/${img.id}/file`);
    expect(empty.status).toBe(204);
    const data = randomBytes(70_000);
    expect((await upload(demo, img.id, data)).status).toBe(204);
    const shown = await api(demo, 'GET', `/v2/images/${img.id}`);
    expect(shown.json).toMatchObject({ status: 'active', size: data.length, checksum: md5(data), os_hash_algo: 'sha512', os_hash_value: createHash('sha512').update(data).digest('hex') });
    expect((await upload(demo, img.id, 'again')).status).toBe(409);
    const got = await sys.request(`/image/v2/images/${img.id}/file`, { headers: { 'x-auth-token': demo } });
    expect(got.status).toBe(200);
    expect(got.headers.get('content-md5')).toBe(md5(data));
    expect(md5(Buffer.from(await got.arrayBuffer()))).toBe(md5(data));
    const part = await sys.request(`/image/v2/images/${img.id}/file`, { headers: { 'x-auth-token': demo, range: 'bytes=10-19' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 10-19/${data.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(data.subarray(10, 20))).toBe(true);

    // A body shorter than its Content-Length fails; the image is queued again and nothing was stored.
    const img2 = await create(demo, { name: 'd2' });
    const failing = new ReadableStream<Uint8Array>({ start: (c) => (c.enqueue(new Uint8Array(10)), c.error(new Error('client went away'))) });
    const short = await sys
      .request(`/image/v2/images/${img2.id}/file`, { method: 'PUT', headers: { 'x-auth-token': demo, 'content-type': 'application/octet-stream' }, body: failing, duplex: 'half' } as RequestInit)
      .then((r) => r.status, () => 499);
    expect(short).toBeGreaterThanOrEqual(400);
    const after = await api(demo, 'GET', `/v2/images/${img2.id}`);
    expect(after.json).toMatchObject({ status: 'queued', size: null, checksum: null });
    expect((await upload(demo, img2.id, 'now it works')).status).toBe(204);

    const noFormats = await api(demo, 'POST', '/v2/images', { name: 'nf' });
    expect((await upload(demo, noFormats.json.id as string, 'x')).status).toBe(400);
    expect((await api(demo, 'PUT', `/v2/images/${img2.id}/file`, 'x', { 'content-type': 'text/plain' })).status).toBe(415);
  });

  it('list: filters, sort keys and directions, sort=, limit/marker with next, id=in:, created_at operators', async () => {
    const tag = `t${randomBytes(3).toString('hex')}`;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const img = await create(demo, { name: `${tag}-${i}`, tags: [tag], min_disk: 5 - i, os_version: i % 2 ? 'odd' : 'even' });
      ids.push(img.id);
    }
    await upload(demo, ids[0]!, 'x'.repeat(100));
    const names = async (q: string) => ((await api(demo, 'GET', `/v2/images?${q}`)).json.images as Array<{ name: string }>).map((i) => i.name);
    expect(await names(`tag=${tag}&sort_key=name&sort_dir=asc`)).toEqual([0, 1, 2, 3, 4].map((i) => `${tag}-${i}`));
    expect(await names(`tag=${tag}&sort=min_disk:asc`)).toEqual([4, 3, 2, 1, 0].map((i) => `${tag}-${i}`));
    expect(await names(`tag=${tag}&os_version=odd&sort_key=name&sort_dir=desc`)).toEqual([`${tag}-3`, `${tag}-1`]);
    expect(await names(`tag=${tag}&status=active`)).toEqual([`${tag}-0`]);
    expect(await names(`tag=${tag}&size_min=50&size_max=150`)).toEqual([`${tag}-0`]);
    expect(await names(`tag=${tag}&name=in:${tag}-1,${tag}-2&sort_key=name&sort_dir=asc`)).toEqual([`${tag}-1`, `${tag}-2`]);
    expect(await names(`id=in:${ids[3]},${ids[4]}&sort_key=name&sort_dir=asc`)).toEqual([`${tag}-3`, `${tag}-4`]);
    expect(await names(`tag=${tag}&created_at=gt:2000-01-01T00:00:00Z`)).toHaveLength(5);
    expect(await names(`tag=${tag}&created_at=lt:2000-01-01T00:00:00Z`)).toHaveLength(0);

    // Paging: two at a time by name, following `next` to the end.
    const seen: string[] = [];
    let next: string | undefined = `/v2/images?tag=${tag}&sort_key=name&sort_dir=asc&limit=2`;
    while (next) {
      const page = await api(demo, 'GET', next);
      seen.push(...(page.json.images as Array<{ name: string }>).map((i) => i.name));
      next = page.json.next as string | undefined;
    }
    expect(seen).toEqual([0, 1, 2, 3, 4].map((i) => `${tag}-${i}`));

    for (const bad of ['sort_key=bogus', 'sort_dir=up', 'limit=-1', 'marker=00000000-0000-0000-0000-000000000000', 'visibility=everyone', 'protected=maybe', 'size_min=x', 'sort=name&sort_key=id']) {
      expect((await api(demo, 'GET', `/v2/images?${bad}`)).status, bad).toBe(400);
    }
  });

  it('visibility: private and shared images stay with their owner; community only on request; hidden only with os_hidden', async () => {
    const priv = await create(admin, { name: 'adm-private', visibility: 'private' });
    const comm = await create(admin, { name: 'adm-community', visibility: 'community' });
    const hidden = await create(demo, { name: 'demo-hidden', os_hidden: true });
    const listed = async (tok: string, q = '') => ((await api(tok, 'GET', `/v2/images?limit=1000${q}`)).json.images as Array<{ id: string }>).map((i) => i.id);
    const demoList = await listed(demo);
    expect(demoList).not.toContain(priv.id);
    expect(demoList).not.toContain(comm.id);
    expect(demoList).not.toContain(hidden.id);
    expect(await listed(demo, '&visibility=community')).toContain(comm.id);
    expect(await listed(demo, '&os_hidden=true')).toContain(hidden.id);
    expect((await api(demo, 'GET', `/v2/images/${priv.id}`)).status).toBe(404);
    expect((await api(demo, 'GET', `/v2/images/${comm.id}`)).status).toBe(200);
    expect((await api(demo, 'DELETE', `/v2/images/${comm.id}`)).status).toBe(403);
    // An admin lists every project's images.
    expect(await listed(admin)).toContain(priv.id);
  });

  it('deactivate/reactivate: data refused to non-admins while deactivated; protected images cannot be deleted; tags', async () => {
    const img = await create(demo, { name: 'da' });
    expect((await api(demo, 'POST', `/v2/images/${img.id}/actions/deactivate`)).status).toBe(403);
    await upload(demo, img.id, 'payload');
    expect((await api(demo, 'POST', `/v2/images/${img.id}/actions/deactivate`)).status).toBe(204);
    expect((await api(demo, 'GET', `/v2/images/${img.id}`)).json.status).toBe('deactivated');
    expect((await api(demo, 'GET', `/v2/images/${img.id}/file`)).status).toBe(403);
    expect((await sys.request(`/image/v2/images/${img.id}/file`, { headers: { 'x-auth-token': admin } })).status).toBe(200);
    expect((await api(demo, 'POST', `/v2/images/${img.id}/actions/reactivate`)).status).toBe(204);
    expect((await api(demo, 'GET', `/v2/images/${img.id}/file`)).text).toBe('payload');

    expect((await api(demo, 'PUT', `/v2/images/${img.id}/tags/blue`)).status).toBe(204);
    expect((await api(demo, 'PUT', `/v2/images/${img.id}/tags/blue`)).status).toBe(204);
    expect((await api(demo, 'GET', `/v2/images/${img.id}`)).json.tags).toEqual(['blue']);
    expect((await api(demo, 'DELETE', `/v2/images/${img.id}/tags/blue`)).status).toBe(204);
    expect((await api(demo, 'DELETE', `/v2/images/${img.id}/tags/blue`)).status).toBe(404);

    await patch(demo, img.id, [{ op: 'replace', path: '/protected', value: true }]);
    expect((await api(demo, 'DELETE', `/v2/images/${img.id}`)).status).toBe(403);
    await patch(demo, img.id, [{ op: 'replace', path: '/protected', value: false }]);
    expect((await api(demo, 'DELETE', `/v2/images/${img.id}`)).status).toBe(204);
    expect((await api(demo, 'GET', `/v2/images/${img.id}`)).status).toBe(404);
  });

  it('members: only shared images, the member decides its status, the owner cannot', async () => {
    const priv = await create(admin, { name: 'm-priv', visibility: 'private' });
    expect((await api(admin, 'POST', `/v2/images/${priv.id}/members`, { member: demoProject })).status).toBe(403);
    const img = await create(admin, { name: 'm-shared' });
    const added = await api(admin, 'POST', `/v2/images/${img.id}/members`, { member: demoProject });
    expect(added.json).toMatchObject({ member_id: demoProject, status: 'pending', image_id: img.id, schema: '/v2/schemas/member' });
    expect((await api(admin, 'POST', `/v2/images/${img.id}/members`, { member: demoProject })).status).toBe(409);
    expect((await api(admin, 'PUT', `/v2/images/${img.id}/members/${demoProject}`, { status: 'accepted' })).status).toBe(403);
    expect((await api(demo, 'PUT', `/v2/images/${img.id}/members/${demoProject}`, { status: 'maybe' })).status).toBe(400);
    expect((await api(demo, 'PUT', `/v2/images/${img.id}/members/${demoProject}`, { status: 'accepted' })).json.status).toBe('accepted');
    expect((await api(demo, 'GET', `/v2/images/${img.id}/members`)).json.members).toHaveLength(1);
    expect((await api(demo, 'DELETE', `/v2/images/${img.id}/members/${demoProject}`)).status).toBe(403);
    expect((await api(admin, 'DELETE', `/v2/images/${img.id}/members/${demoProject}`)).status).toBe(204);
  });

  it('import: glance-direct needs staged data; copy-image is 501; the task shows the outcome', async () => {
    const img = await create(demo, { name: 'imp' });
    expect((await api(demo, 'POST', `/v2/images/${img.id}/import`, { method: { name: 'glance-direct' } })).status).toBe(409);
    expect((await api(demo, 'POST', `/v2/images/${img.id}/import`, { method: { name: 'copy-image' } })).status).toBe(501);
    expect((await api(demo, 'POST', `/v2/images/${img.id}/import`, { method: { name: 'bogus' } })).status).toBe(400);
    expect((await api(demo, 'PUT', `/v2/images/${img.id}/stage`, 'staged', { 'content-type': 'application/octet-stream' })).status).toBe(204);
    expect((await api(demo, 'GET', `/v2/images/${img.id}`)).json.status).toBe('uploading');
    expect((await api(demo, 'POST', `/v2/images/${img.id}/import`, { method: { name: 'glance-direct' } })).status).toBe(202);
    const importing = await api(demo, 'GET', `/v2/images/${img.id}`);
    expect(importing.json.os_glance_import_task).toBeTruthy();
    await sys.queue.drain();
    const done = await api(demo, 'GET', `/v2/images/${img.id}`);
    expect(done.json).toMatchObject({ status: 'active', size: 6, checksum: md5('staged') });
    const task = await api(demo, 'GET', `/v2/tasks/${importing.json.os_glance_import_task as string}`);
    expect(task.json).toMatchObject({ status: 'success', type: 'api_image_import', image_id: img.id });
    // A second delivery of the job (at-least-once) changes nothing, even one seeing the task left `processing` by a crash.
    sys.db.sqlite.prepare("update img_tasks set status = 'processing' where id = ?").run(importing.json.os_glance_import_task);
    await sys.images.runImport(importing.json.os_glance_import_task as string);
    expect((await api(demo, 'GET', `/v2/tasks/${importing.json.os_glance_import_task as string}`)).json.status).toBe('success');
    expect((await api(demo, 'GET', `/v2/images/${img.id}`)).json).toMatchObject({ status: 'active', checksum: md5('staged') });
    expect((await api(demo, 'GET', '/v2/tasks')).status).toBe(403);
    expect((await api(admin, 'GET', '/v2/tasks')).status).toBe(200);
  });

  it('deleting an image while its data streams lets the download finish', async () => {
    const own = demo;
    const img = await create(own, { name: 'streaming' });
    const data = randomBytes(256 * 1024);
    expect((await upload(own, img.id, data)).status).toBe(204);
    const res = await sys.request(`/image/v2/images/${img.id}/file`, { headers: { 'x-auth-token': own } });
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect((await api(own, 'DELETE', `/v2/images/${img.id}`)).status).toBe(204);
    const chunks: Uint8Array[] = [first.value!];
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      chunks.push(r.value);
    }
    expect(md5(Buffer.concat(chunks))).toBe(md5(data));
    expect((await api(own, 'GET', `/v2/images/${img.id}/file`)).status).toBe(404);
  });

  it('quotas: image count and total bytes answer 413 and store nothing', async () => {
    const img = await create(demo, { name: 'big' });
    const r = await upload(demo, img.id, new Uint8Array(3 << 20));
    expect(r.status).toBe(413);
    expect((await api(demo, 'GET', `/v2/images/${img.id}`)).json.status).toBe('queued');
    let last = 201;
    for (let i = 0; i < 45 && last === 201; i++) last = (await api(demo, 'POST', '/v2/images', { name: `q${i}` })).status;
    expect(last).toBe(413);
    const usage = await api(demo, 'GET', '/v2/info/usage');
    expect(usage.json.usage).toMatchObject({ image_count_total: { limit: 40, usage: 40 }, image_size_total: { limit: 2 }, image_stage_total: { limit: -1 } });
  });

  it('the internal image account is out of reach through S3 too', async () => {
    const b = sys.firstStart.bootstrap;
    const s3 = new S3Client({
      region: 'RegionOne',
      endpoint: sys.config.publicUrl,
      forcePathStyle: true,
      credentials: { accessKeyId: b.admin.ec2.access, secretAccessKey: b.admin.ec2.secret },
      requestHandler: { handle: async (req: { method: string; path: string; headers: Record<string, string>; body?: unknown; query?: Record<string, string> }) => {
        const qs = new URLSearchParams((req.query ?? {}) as Record<string, string>).toString();
        const path = `${req.path}${qs ? `?${qs}` : ''}`;
        const res = await sys.request(path, { method: req.method, headers: req.headers });
        const headers: Record<string, string> = {};
        res.headers.forEach((v, k) => (headers[k] = v));
        const { Readable } = await import('node:stream');
        return { response: { statusCode: res.status, headers, body: Readable.from(Buffer.from(await res.arrayBuffer())) } };
      } } as never,
    });
    const rows = sys.db.sqlite.prepare('select data_object from img_images where data_object is not null limit 1').get() as { data_object: string };
    await expect(s3.send(new GetObjectCommand({ Bucket: 'image_store', Key: rows.data_object }))).rejects.toMatchObject({ name: 'AccessDenied' });
  });
});
