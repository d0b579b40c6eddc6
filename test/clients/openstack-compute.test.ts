// Drives the Nova face of a real skybridge process with the real `openstack` CLI and the openstacksdk cloud layer, over TCP.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../harness/server.js';
import { openstackCli, requireOpenstackCli, type CliResult, type OpenstackCli } from './openstack.js';

const ADMIN = { cloud: 'skybridge' };
const DEMO = { cloud: 'skybridge-demo' };
type Row = Record<string, any>;

/** Runs a Python snippet with the system interpreter (where openstacksdk is installed); throws on failure. */
function python(code: string, env: Record<string, string>): Promise<string> {
  return new Promise((res, rej) => {
    execFile('/usr/bin/python3', ['-c', code], { env: { ...process.env, ...env, PYTHONWARNINGS: 'ignore' }, timeout: 120_000 }, (err, stdout, stderr) => {
      if (err) rej(new Error(`python failed: ${stderr || err.message}`));
      else res(String(stdout));
    });
  });
}

function expectFailure(r: CliResult, pattern: RegExp): void {
  expect(r.code, `expected a failure, got exit 0 with: ${r.stdout}`).not.toBe(0);
  expect(r.stderr + r.stdout).toMatch(pattern);
}

describe.concurrent('openstack compute CLI against skybridge', { timeout: 400_000 }, () => {
  let server: RunningServer;
  let os: OpenstackCli;
  let dir: string;
  const tokens = new Map<string, string>();

  /** A token for direct polling (the CLI's own `--wait` sleeps 5 s between looks). */
  const tokenOf = async (who: { cloud: string }) => {
    if (!tokens.has(who.cloud)) tokens.set(who.cloud, (await os.json<{ id: string }>(['token', 'issue'], who)).id);
    return tokens.get(who.cloud)!;
  };
  const getServer = async (who: { cloud: string }, id: string): Promise<Row | undefined> => {
    const r = await fetch(`${server.url}/compute/v2.1/servers/${id}`, { headers: { 'x-auth-token': await tokenOf(who) } });
    return r.status === 200 ? ((await r.json()) as Row).server : undefined;
  };
  const waitStatus = async (who: { cloud: string }, id: string, status: string) => {
    for (let i = 0; i < 600; i++) {
      const s = await getServer(who, id);
      if (s && s.status === status && s['OS-EXT-STS:task_state'] === null) return s;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`server ${id} never reached ${status}: ${JSON.stringify(await getServer(who, id))}`);
  };

  beforeAll(async () => {
    await requireOpenstackCli();
    server = await startServer({ env: { SKYBRIDGE_FAKE_HOSTS: '2', SKYBRIDGE_FAKE_SPAWN_MS: '20', SKYBRIDGE_FAKE_POWER_MS: '10' } });
    os = openstackCli(server.dataDir);
    dir = mkdtempSync(join(tmpdir(), 'skybridge-compute-cli-'));
  }, 120_000);

  afterAll(async () => {
    await server?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('flavors: create (admin), list, show; keypairs: create --public-key, list', async () => {
    const created = await os.json<Row>(['flavor', 'create', '--ram', '256', '--disk', '1', '--vcpus', '1', '--private', 'cli.small'], ADMIN);
    expect(created).toMatchObject({ name: 'cli.small', ram: 256, disk: 1, vcpus: 1, 'os-flavor-access:is_public': false });
    const list = await os.json<Row[]>(['flavor', 'list'], DEMO);
    expect(list.map((f) => f.Name)).toEqual(expect.arrayContaining(['m1.tiny', 'm1.small', 'm1.medium', 'm1.large', 'm1.xlarge']));
    expect(list.map((f) => f.Name)).not.toContain('cli.small');
    expect(await os.json<Row>(['flavor', 'show', 'm1.tiny'], DEMO)).toMatchObject({ id: '1', ram: 512, disk: 1, vcpus: 1 });
    expectFailure(await os.run(['flavor', 'create', '--ram', '1', '--disk', '1', '--vcpus', '1', 'nope'], DEMO), /403|not allowed|Policy/i);

    const pub = join(dir, 'id.pub');
    // A fixed ed25519 key: its MD5 fingerprint is what Nova shows.
    writeFileSync(pub, 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHBCpLOzWNlLhgSTPxkALxI8tYYtXzVhdRQ82LgiEE0g cli@test\n');
    const kp = await os.json<Row>(['keypair', 'create', '--public-key', pub, 'clikey'], DEMO);
    expect(kp.fingerprint).toMatch(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
    expect((await os.json<Row[]>(['keypair', 'list'], DEMO)).map((k) => k.Name)).toContain('clikey');
  });

  it('server create --wait (image, flavor, key, user data), list, show, stop/start/reboot, event list, delete', async () => {
    const pub = join(dir, 'vm.pub');
    writeFileSync(pub, 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHBCpLOzWNlLhgSTPxkALxI8tYYtXzVhdRQ82LgiEE0g vm@test\n');
    const kp = await os.json<Row>(['keypair', 'create', '--public-key', pub, 'vmkey'], DEMO);
    const ud = join(dir, 'user-data');
    writeFileSync(ud, '#cloud-config\nhostname: vm1\n');
    const created = await os.json<Row>(['server', 'create', '--image', 'skybridge-default-raw', '--flavor', 'm1.tiny', '--network', 'private', '--key-name', 'vmkey', '--user-data', ud, '--wait', 'vm1'], DEMO);
    expect(created).toMatchObject({ name: 'vm1', status: 'ACTIVE', key_name: 'vmkey', flavor: 'm1.tiny (1)' });
    expect(JSON.stringify(created.addresses)).toMatch(/private.*10\.0\.0\.\d+/);
    const id = created.id as string;

    const list = await os.json<Row[]>(['server', 'list'], DEMO);
    expect(list).toContainEqual(expect.objectContaining({ ID: id, Name: 'vm1', Status: 'ACTIVE', Image: 'skybridge-default-raw', Flavor: 'm1.tiny' }));
    expect(await os.json<Row>(['server', 'show', id], DEMO)).toMatchObject({ id, status: 'ACTIVE', 'OS-EXT-STS:vm_state': 'active' });
    // The guest's console names the injected key's fingerprint and the hostname.
    const out = await fetch(`${server.url}/compute/v2.1/servers/${id}/action`, { method: 'POST', headers: { 'x-auth-token': await tokenOf(DEMO), 'content-type': 'application/json' }, body: '{"os-getConsoleOutput": {}}' });
    const console = ((await out.json()) as Row).output as string;
    expect(console).toContain(kp.fingerprint);
    expect(console).toContain('vm1 login:');

    // The README's first server: a floating IP from `public`, attached by the server's name.
    const fip = await os.json<Row>(['floating', 'ip', 'create', 'public'], DEMO);
    expect(String(fip.floating_ip_address)).toMatch(/^172\.24\.4\.\d+$/);
    await os.ok(['server', 'add', 'floating', 'ip', 'vm1', String(fip.floating_ip_address)], DEMO);
    expect(JSON.stringify((await os.json<Row>(['server', 'show', id], DEMO)).addresses)).toContain(String(fip.floating_ip_address));

    await os.ok(['server', 'stop', id], DEMO);
    await waitStatus(DEMO, id, 'SHUTOFF');
    expectFailure(await os.run(['server', 'stop', id], DEMO), /409|Cannot 'stop' instance/);
    await os.ok(['server', 'start', id], DEMO);
    await waitStatus(DEMO, id, 'ACTIVE');
    await os.ok(['server', 'reboot', '--hard', id], DEMO);
    await waitStatus(DEMO, id, 'ACTIVE');

    const events = await os.json<Row[]>(['server', 'event', 'list', id], DEMO);
    expect(events.map((e) => e.Action)).toEqual(expect.arrayContaining(['create', 'stop', 'start', 'reboot']));
    const create = events.find((e) => e.Action === 'create')!;
    expect(create['Request ID']).toMatch(/^req-/);

    await os.ok(['server', 'delete', '--wait', id], DEMO);
    expectFailure(await os.run(['server', 'show', id], DEMO), /No server with a name or ID|404/i);
  });

  it('resize confirm/revert, console log show, console url show, server image create (a server booted through the API)', async () => {
    const tok = await tokenOf(DEMO);
    const r = await fetch(`${server.url}/compute/v2.1/servers`, {
      method: 'POST',
      headers: { 'x-auth-token': tok, 'content-type': 'application/json' },
      body: JSON.stringify({ server: { name: 'vm2', imageRef: '5b1e3c2a-0d6f-4a7e-9c1b-000000000001', flavorRef: '1' } }),
    });
    expect(r.status).toBe(202);
    const id = ((await r.json()) as Row).server.id as string;
    await waitStatus(DEMO, id, 'ACTIVE');
    await os.ok(['server', 'resize', '--flavor', 'm1.small', id], DEMO);
    await waitStatus(DEMO, id, 'VERIFY_RESIZE');
    await os.ok(['server', 'resize', 'confirm', id], DEMO);
    expect((await waitStatus(DEMO, id, 'ACTIVE')).flavor.id).toBe('2');
    await os.ok(['server', 'resize', '--flavor', 'm1.tiny', id], DEMO);
    await waitStatus(DEMO, id, 'VERIFY_RESIZE');
    await os.ok(['server', 'resize', 'revert', id], DEMO);
    expect((await waitStatus(DEMO, id, 'ACTIVE')).flavor.id).toBe('2');

    const log = await os.ok(['console', 'log', 'show', id], DEMO);
    expect(log.stdout).toContain('vm2');
    expect(log.stdout).toContain('vm2 login:');
    const url = await os.json<Row>(['console', 'url', 'show', id], DEMO);
    expect(url.type).toBe('novnc');
    expect((await fetch(url.url)).status).toBe(200);
    // The token is one-time, as nova-novncproxy's are.
    expect((await fetch(url.url)).status).toBe(401);

    const image = await os.json<Row>(['server', 'image', 'create', '--name', 'vm2-snap', '--wait', id], DEMO);
    expect(image).toMatchObject({ name: 'vm2-snap', status: 'active' });
    await waitStatus(DEMO, id, 'ACTIVE');

    const events = await os.json<Row[]>(['server', 'event', 'list', id], DEMO);
    expect(events.map((e) => e.Action)).toEqual(expect.arrayContaining(['create', 'resize', 'confirmResize', 'revertResize', 'createImage']));
    await os.ok(['server', 'delete', id], DEMO);
  });

  it('server groups: anti-affinity spreads members over the hosts; quota exceeded is refused', async () => {
    const group = await os.json<Row>(['server', 'group', 'create', '--policy', 'anti-affinity', 'spread'], DEMO);
    expect(group.name).toBe('spread');
    await os.ok(['server', 'create', '--image', 'skybridge-default-raw', '--flavor', 'm1.nano', '--hint', `group=${group.id}`, '--min', '2', '--max', '2', 'grp'], DEMO);
    const detail = await os.json<Row>(['server', 'group', 'show', group.id], DEMO);
    const members = String(detail.members ?? detail.Members).split(/[,\s]+/).filter(Boolean);
    expect(members).toHaveLength(2);
    const hosts = await Promise.all(members.map(async (m) => (await waitStatus(DEMO, m, 'ACTIVE')).hostId as string));
    expect(new Set(hosts).size).toBe(2);
    expectFailure(await os.run(['server', 'create', '--image', 'skybridge-default-raw', '--flavor', 'm1.nano', '--min', '11', '--max', '11', 'toomany'], DEMO), /Quota exceeded for instances/);
    for (const m of members) await os.ok(['server', 'delete', m], DEMO);
  });

  it('hypervisor list/stats, compute service list and set --disable (admin)', async () => {
    const hvs = await os.json<Row[]>(['hypervisor', 'list'], ADMIN);
    expect(hvs.map((h) => h['Hypervisor Hostname']).sort()).toEqual(['compute-1', 'compute-2']);
    const stats = await os.json<Row>(['hypervisor', 'stats', 'show'], ADMIN);
    expect(stats.count).toBe(2);
    const services = await os.json<Row[]>(['compute', 'service', 'list'], ADMIN);
    expect(services.filter((s) => s.Binary === 'nova-compute').map((s) => [s.Host, s.State, s.Status])).toEqual([
      ['compute-1', 'up', 'enabled'],
      ['compute-2', 'up', 'enabled'],
    ]);
    expect(services.map((s) => s.Binary)).toEqual(expect.arrayContaining(['nova-scheduler', 'nova-conductor']));
    await os.ok(['compute', 'service', 'set', '--disable', '--disable-reason', 'maintenance', 'compute-2', 'nova-compute'], ADMIN);
    const after = await os.json<Row[]>(['compute', 'service', 'list', '--long'], ADMIN);
    expect(after.find((s) => s.Host === 'compute-2' && s.Binary === 'nova-compute')).toMatchObject({ Status: 'disabled', 'Disabled Reason': 'maintenance' });
    await os.ok(['compute', 'service', 'set', '--enable', 'compute-2', 'nova-compute'], ADMIN);
    expectFailure(await os.run(['hypervisor', 'list'], DEMO), /403|not allowed|Policy/i);
  });

  it('openstacksdk cloud layer: create_server(wait=True, auto_ip=False) and delete_server(wait=True)', async () => {
    const out = await python(
      [
        'import json, openstack',
        "conn = openstack.connect(cloud='skybridge-demo')",
        "s = conn.create_server('sdkvm', image='skybridge-default-raw', flavor='m1.tiny', wait=True, auto_ip=False, timeout=90)",
        "print(json.dumps({'id': s.id, 'status': s.status, 'addresses': s.addresses}))",
        "print(json.dumps({'deleted': conn.delete_server(s.id, wait=True, timeout=90)}))",
      ].join('\n'),
      { OS_CLIENT_CONFIG_FILE: os.configFile },
    );
    const [created, deleted] = out.trim().split('\n').map((l) => JSON.parse(l) as Row);
    expect(created!.status).toBe('ACTIVE');
    expect(Object.keys(created!.addresses)).toEqual(['private']);
    expect(deleted!.deleted).toBe(true);
    expect(await getServer(DEMO, created!.id)).toBeUndefined();
  });
});
