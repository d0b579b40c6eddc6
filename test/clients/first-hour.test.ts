// A new user's first hour with the `skybridge` command: start, stop on SIGTERM mid-upload, restart, port in use, bad config, passwords, aws CLI, reset.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startServer, type RunningServer } from '../harness/server.js';
import { passwordToken } from './keystone-http.js';
import { DEBIAN_AWS } from './aws.js';
import { cleanEnv, run, runOk } from './object-fixture.js';
import { openstackCli, readCloudsYaml, requireOpenstackCli } from './openstack.js';

const root = resolve(import.meta.dirname, '../..');
const ENV = { SKYBRIDGE_PASSWORD_HASH_COST: '1024' };

/** Runs `node bin/skybridge.js <args>` to its end (commands and failed starts). */
function skybridge(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((res) => {
    const child = spawn(process.execPath, [join(root, 'bin/skybridge.js'), ...args], {
      cwd: root,
      env: { ...process.env, SKYBRIDGE_HOST: '127.0.0.1', SKYBRIDGE_LOG_LEVEL: 'warn', ...ENV, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => res({ code, stdout, stderr }));
  });
}

/** True once nothing accepts connections on the port. */
const refused = (port: number) =>
  new Promise<boolean>((res) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), res(false)));
    s.once('error', () => res(true));
  });

/** The port can be bound again (the stopped server released it). */
const bindable = (port: number) =>
  new Promise<boolean>((res) => {
    const s = createServer();
    s.once('error', () => res(false));
    s.listen(port, '127.0.0.1', () => s.close(() => res(true)));
  });

/** One line on stderr, no stack trace. */
const oneLine = (stderr: string) => {
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
};

describe('without a server: --help, --version, failed starts answer one line before anything is bootstrapped', () => {
  const dirs: string[] = [];
  const freshDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'skybridge-first-hour-'));
    dirs.push(d);
    return d;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('--help and --version', async () => {
    const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version as string;
    const [help, v] = await Promise.all([skybridge(['--help'], {}), skybridge(['--version'], {})]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('skybridge reset [--yes]');
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toBe(`skybridge ${version}`);
  });

  it('port in use: exit 1, one line naming the port, the new data dir left untouched', async () => {
    const port = await freePort();
    const holder = createServer();
    await new Promise<void>((r) => holder.listen(port, '127.0.0.1', () => r()));
    try {
      const dataDir = freshDir();
      const r = await skybridge([], { SKYBRIDGE_PORT: String(port), SKYBRIDGE_DATA_DIR: dataDir });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`cannot listen on 127.0.0.1:${port}: the port is in use`);
      oneLine(r.stderr);
      expect(readdirSync(dataDir)).toEqual([]);
    } finally {
      holder.close();
    }
  });

  it('bad config: exit 2, one line naming the variable, nothing bootstrapped', async () => {
    const dataDir = join(freshDir(), 'data');
    const r = await skybridge([], { SKYBRIDGE_PORT: 'eighty', SKYBRIDGE_DATA_DIR: dataDir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('SKYBRIDGE_PORT');
    oneLine(r.stderr);
    const level = await skybridge([], { SKYBRIDGE_LOG_LEVEL: 'loud', SKYBRIDGE_DATA_DIR: dataDir });
    expect(level.code).toBe(2);
    expect(level.stderr).toContain('SKYBRIDGE_LOG_LEVEL');
    oneLine(level.stderr);
    expect(existsSync(dataDir)).toBe(false);
  });
});

// Steps run in order and share one data dir: first start, a stop during an upload, restarts.
describe('the skybridge command', () => {
  let server: RunningServer;
  let adminPassword = '';
  const body = randomBytes(3 << 20);

  beforeAll(async () => {
    server = await startServer({ viaBin: true, env: ENV });
    adminPassword = (await readCloudsYaml(join(server.dataDir, 'clouds.yaml'))).clouds.skybridge!.auth.password!;
  });
  afterAll(async () => server?.dispose());

  /** What each start printed (the harness keeps stdout across restarts). */
  const starts = () => server.stdout().split('skybridge listening on ').slice(1);

  it('first start: the printed aws lines work with Debian\'s aws CLI 2.9 (--endpoint-url), the written profile with a CLI that reads endpoint_url', async () => {
    const out = starts()[0]!;
    expect(out).toMatch(/admin +password \S+/);
    const source = /^ *(source \S+)$/m.exec(out)![1]!;
    const mb = /^ *(aws --endpoint-url \S+ s3 mb s3:\/\/\S+)$/m.exec(out)![1]!;
    const ls = /^ *(aws --endpoint-url \S+ s3 ls)$/m.exec(out)![1]!;
    // As a user types them: the aws on PATH is Debian's; no ~/.aws of the test machine counts.
    const env = cleanEnv({ PATH: `/usr/bin:${process.env.PATH}`, AWS_CONFIG_FILE: join(server.dataDir, 'none'), AWS_PAGER: '' });
    const r = await runOk('sh', ['-c', `${source.replace('source', '.')} && ${mb} && ${ls}`], { env });
    expect(r.stdout).toContain('make_bucket: my-first-bucket');
    expect(r.stdout).toContain('my-first-bucket');
    expect((await runOk(DEBIAN_AWS, ['--version'])).stdout + '').toMatch(/aws-cli\/2\.9/);
    // The profile: endpoint_url is read by aws CLI >= 2.13 / 1.29; the first aws on PATH here (pyenv's 1.4x) does.
    const profile = /# (AWS_CONFIG_FILE=\S+ AWS_SHARED_CREDENTIALS_FILE=\S+) aws --profile skybridge s3 ls/.exec(out)![1]!;
    const newer = await run('sh', ['-c', 'aws --version'], { env: cleanEnv() });
    const m = /aws-cli\/(\d+)\.(\d+)/.exec(newer.stdout + newer.stderr);
    const readsEndpointUrl = !!m && (Number(m[1]) > 2 || (m[1] === '2' && Number(m[2]) >= 13) || (m[1] === '1' && Number(m[2]) >= 29));
    if (readsEndpointUrl) {
      const p = await runOk('sh', ['-c', `${profile} aws --profile skybridge s3 ls`], { env: cleanEnv({ AWS_PAGER: '' }) });
      expect(p.stdout).toContain('my-first-bucket');
    }
  });

  it('SIGTERM during an upload: stops accepting, finishes the upload, exits 0, releases the port; the data is there after a restart', async () => {
    const admin = await passwordToken(server.url, 'admin', adminPassword, 'admin');
    const account = `${server.url}/object/v1/AUTH_${admin.projectId}`;
    expect((await fetch(`${account}/drain`, { method: 'PUT', headers: { 'x-auth-token': admin.id } })).status).toBe(201);
    const upload = request(`${account}/drain/big`, { method: 'PUT', headers: { 'x-auth-token': admin.id, 'transfer-encoding': 'chunked' } });
    const answered = new Promise<number>((res, rej) => {
      upload.on('response', (r) => (r.resume(), res(r.statusCode!)));
      upload.on('error', rej);
    });
    upload.write(body.subarray(0, 1 << 20));
    await new Promise((r) => setTimeout(r, 300));
    const exited = server.stop();
    for (let i = 0; i < 100 && !(await refused(server.port)); i++) await new Promise((r) => setTimeout(r, 50));
    expect(await refused(server.port)).toBe(true);
    upload.end(body.subarray(1 << 20));
    expect(await answered).toBe(201);
    expect(await exited).toBe(0);
    expect(await bindable(server.port)).toBe(true);

    await server.restart();
    const again = await passwordToken(server.url, 'admin', adminPassword, 'admin');
    const got = await fetch(`${account}/drain/big`, { headers: { 'x-auth-token': again.id } });
    expect(got.status).toBe(200);
    const bytes = Buffer.from(await got.arrayBuffer());
    expect(createHash('md5').update(bytes).digest('hex')).toBe(createHash('md5').update(body).digest('hex'));
  });

  it('later starts print no password, only where they are; a password changed with `openstack user set` is never printed or written stale', async () => {
    const second = starts()[1]!;
    expect(second).not.toContain(adminPassword);
    expect(second).toContain(`passwords and keys: ${join(server.dataDir, 'clouds.yaml')}`);
    await requireOpenstackCli();
    const cli = openstackCli(server.dataDir);
    const demoPassword = (await readCloudsYaml(cli.configFile)).clouds['skybridge-demo']!.auth.password!;
    await cli.ok(['user', 'set', '--password', 'changed-Pass1', 'demo'], { cloud: 'skybridge' });
    await server.restart();
    const third = starts()[2]!;
    expect(third).not.toContain(demoPassword);
    expect(third).toMatch(/demo .*password changed since bootstrap/);
    const yaml = readFileSync(cli.configFile, 'utf8');
    expect(yaml).not.toContain(demoPassword);
    expect(yaml).toContain('# password: changed since bootstrap');
    expect(existsSync(join(server.dataDir, 'demo-password'))).toBe(false);
    expect((await readCloudsYaml(cli.configFile)).clouds.skybridge!.auth.password).toBe(adminPassword);
    expect((await passwordToken(server.url, 'demo', 'changed-Pass1', 'demo')).status).toBe(201);
  });

  it('reset: refused without a terminal or --yes; --yes removes the data dir', async () => {
    expect(await server.stop()).toBe(0);
    const env = { SKYBRIDGE_DATA_DIR: server.dataDir };
    const refusedReset = await skybridge(['reset'], env);
    expect(refusedReset.code).toBe(1);
    expect(refusedReset.stderr).toContain('pass --yes');
    expect(existsSync(join(server.dataDir, 'skybridge.db'))).toBe(true);
    const done = await skybridge(['reset', '--yes'], env);
    expect(done.code, done.stderr).toBe(0);
    expect(existsSync(server.dataDir)).toBe(false);
  });
});
