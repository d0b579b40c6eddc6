import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSystem } from '../gateway/app.js';
import { loadConfig } from '../gateway/config.js';
const dir = mkdtempSync(join(tmpdir(), 'det-'));
const config = loadConfig({ SKYBRIDGE_DATA_DIR: dir, SKYBRIDGE_LOG_LEVEL: 'silent', SKYBRIDGE_ADMIN_PASSWORD: 'x-secret-1', SKYBRIDGE_PASSWORD_HASH_COST: '1024', SKYBRIDGE_FAKE_HOSTS: '4', SKYBRIDGE_FAKE_HOST_RAM_MB: String(1 << 22), SKYBRIDGE_FAKE_HOST_VCPUS: '100000', SKYBRIDGE_FAKE_SPAWN_MS: '0', SKYBRIDGE_COMPUTE_QUOTA_INSTANCES: '2000', SKYBRIDGE_COMPUTE_QUOTA_CORES: '20000', SKYBRIDGE_COMPUTE_QUOTA_RAM: '2000000' });
const sys = await buildSystem(config); await sys.start();
const b = sys.firstStart.bootstrap;
const tok = await sys.app.request('/identity/v3/auth/tokens', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: b.admin.userName, domain: { id: 'default' }, password: b.admin.password } } }, scope: { project: { name: b.admin.projectName, domain: { id: 'default' } } } } }) });
const token = tok.headers.get('x-subject-token')!;
await sys.app.request('/compute/v2.1/servers', { method: 'POST', headers: { 'x-auth-token': token, 'content-type': 'application/json' }, body: JSON.stringify({ server: { name: 'f', imageRef: '5b1e3c2a-0d6f-4a7e-9c1b-000000000001', flavorRef: '42', min_count: 1000, return_reservation_id: true } }) });
await new Promise((r) => setTimeout(r, 4000));
const pid = (await sys.identity.tokens.validate(token)).context.projectId!;
const stmt = sys.db.sqlite.prepare('SELECT * FROM cmp_instances WHERE project_id = ? AND deleted_at IS NULL ORDER BY created_at DESC, id DESC');
let tr = 0, tg = 0;
for (let i = 0; i < 60; i++) {
  let t = performance.now(); JSON.stringify({ servers: stmt.all(pid) }); tr += performance.now() - t;
  t = performance.now(); const r = await sys.app.request('/compute/v2.1/servers/detail', { headers: { 'x-auth-token': token } }); await r.text(); tg += performance.now() - t;
}
{
  const { serverDetail, hostIdOf } = await import('../compat/openstack/nova/views.js');
  const ctx = { requestId: 'x', auth: (await sys.identity.tokens.validate(token)).context };
  const v = { mv: { minor: 1, text: '2.1' }, base: 'http://x/compute/v2.1', admin: true } as any;
  let a = 0, bb = 0, c = 0, d = 0;
  for (let i = 0; i < 60; i++) {
    let t = performance.now(); const rows = sys.compute.cc.stmts.liveOfProject(pid); d += performance.now() - t;
    t = performance.now(); const { instances } = sys.compute.listServers(ctx, {}); a += performance.now() - t;
    t = performance.now(); const hid = hostIdOf(pid, 'h'); const out = instances.map((s) => serverDetail(v, s, { hostId: hid })); bb += performance.now() - t;
    t = performance.now(); JSON.stringify({ servers: out }); c += performance.now() - t;
    void rows;
  }
  const cols = 'id, ec2_id, project_id, user_id, name, hostname, description, reservation_id, launch_index, flavor, image_id, key_name, key_data, user_data, metadata, vm_state, task_state, power_state, host, node, availability_zone, locked, locked_by, locked_reason, access_ipv4, access_ipv6, config_drive, progress, addresses, security_groups, server_group_id, launched_at, terminated_at, created_at, updated_at, deleted_at';
  const st = sys.db.sqlite.prepare(`SELECT ${cols} FROM cmp_instances WHERE project_id = ? AND deleted_at IS NULL`);
  let e = 0; for (let i = 0; i < 60; i++) { const t = performance.now(); st.all(pid); e += performance.now() - t; }
  let f = 0; for (let i = 0; i < 60; i++) { const t = performance.now(); stmt.all(pid); f += performance.now() - t; }
  console.log('raw shown all()', (e / 60).toFixed(2), 'raw * all()', (f / 60).toFixed(2));
  console.log('stmt', (d / 60).toFixed(2), 'listServers', (a / 60).toFixed(2), 'views', (bb / 60).toFixed(2), 'stringify', (c / 60).toFixed(2));
}
console.log('raw ms/req', (tr / 60).toFixed(2), 'gw ms/req', (tg / 60).toFixed(2), 'ratio', (tr / tg).toFixed(2));
await sys.close(); process.exit(0);
