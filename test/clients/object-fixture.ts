// Shared setup for the object-storage client tests: one real server, its EC2/Keystone credentials, CLI runners and temp dirs.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { startServer, type RunningServer, type StartOptions } from '../harness/server.js';
import { keystone, passwordToken } from './keystone-http.js';

/** Per-test time limit for real-CLI cases: each CLI start costs seconds on a busy 2-core machine. */
export const CLI_TIMEOUT = 300_000;

/** What one CLI invocation produced. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The Debian package that provides each client, for the "install it" failure message. */
const APT: Record<string, string> = {
  aws: 'awscli',
  '/usr/bin/aws': 'awscli',
  s3cmd: 's3cmd',
  rclone: 'rclone',
  restic: 'restic',
  swift: 'python3-swiftclient',
  openstack: 'python3-openstackclient',
  curl: 'curl',
};

/** The message a test fails with when a client is not installed. */
export function installHint(cmd: string): string {
  return `the \`${cmd}\` client is missing: install it with \`apt-get install ${APT[cmd] ?? cmd}\``;
}

/** An environment with no inherited AWS_*, OS_*, RCLONE_*, RESTIC_* or proxy settings, so only the test's own config counts. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(AWS_|OS_|RCLONE_|RESTIC_|S3CMD|SWIFT)/.test(k) || /^(https?|all|no)_proxy$/i.test(k)) continue;
    env[k] = v;
  }
  env.NO_PROXY = env.no_proxy = '127.0.0.1,localhost';
  env.PYTHONWARNINGS = 'ignore';
  return { ...env, ...extra };
}

/** Runs a command without a shell (`input`: written to its stdin, then closed); never throws on a non-zero exit, but throws (with the apt hint) when the command is missing. */
export function run(
  cmd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number; input?: string } = {},
): Promise<CliResult> {
  return new Promise((res, rej) => {
    const child = execFile(
      cmd,
      args,
      { env: opts.env ?? cleanEnv(), cwd: opts.cwd, timeout: opts.timeoutMs ?? 120_000, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') return rej(new Error(installHint(cmd)));
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        res({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** Runs a command and throws with its output when it exits non-zero. */
export async function runOk(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number; input?: string } = {}): Promise<CliResult> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}:\n${r.stderr.trim()}\n${r.stdout.trim().slice(0, 2000)}`);
  return r;
}

/** Fails loudly (naming the apt package) when `cmd` cannot run `versionArgs`. */
export async function requireCli(cmd: string, versionArgs: string[] = ['--version']): Promise<string> {
  const r = await run(cmd, versionArgs, { env: process.env }).catch((e: unknown) => {
    throw new Error(e instanceof Error ? e.message : String(e));
  });
  if (r.code !== 0) throw new Error(`${installHint(cmd)} (${cmd} ${versionArgs.join(' ')} exited ${r.code}: ${r.stderr.trim()})`);
  return (r.stdout + r.stderr).trim();
}

/** A fresh temp dir; call `cleanup` in afterAll. */
export function tempDir(prefix = 'skybridge-client-'): { path: string; cleanup(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** Hex MD5 of a file, streamed. */
/** Every file under `dir` as relative path → md5 (hex). */
export function treeDigest(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = createHash('md5').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

export async function md5File(path: string): Promise<string> {
  const h = createHash('md5');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Hex MD5 of bytes. */
export const md5 = (b: Uint8Array | string): string => createHash('md5').update(b).digest('hex');

/** A random lower-case suffix for bucket and container names. */
export const uniq = (prefix: string): string => `${prefix}-${randomBytes(4).toString('hex')}`;

/** An EC2 (S3) credential. */
export interface Ec2Key {
  access: string;
  secret: string;
}

/** A Keystone user with a project role, a scoped token and an EC2 credential for that project. */
export interface ObjectUser {
  name: string;
  password: string;
  userId: string;
  projectId: string;
  projectName: string;
  token: string;
  ec2: Ec2Key;
}

/** One server plus the accounts the object tests use. */
export interface ObjectFixture {
  server: RunningServer;
  url: string;
  authUrl: string;
  region: string;
  /** admin on project admin; its EC2 key is the one in `aws.env`. */
  admin: ObjectUser;
  /** demo (member) on project demo. */
  demo: ObjectUser;
  /** Creates a user with `role` on the admin project (e.g. `reader`), with a token and an EC2 key. */
  userWithRole(role: string): Promise<ObjectUser>;
  /** The Swift storage URL of a project. */
  swiftUrl(projectId: string): string;
  dispose(): Promise<void>;
}

/** Parses `export K='v'` lines of `aws.env`. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^export\s+([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!m) continue;
    let v = m[2]!;
    if (v.startsWith("'") && v.endsWith("'")) v = v.slice(1, -1).replace(/'\\''/g, "'");
    out[m[1]!] = v;
  }
  return out;
}

async function ec2Credential(url: string, token: string, userId: string, projectId: string): Promise<Ec2Key> {
  const r = await keystone(url, token, 'POST', `/users/${userId}/credentials/OS-EC2`, { tenant_id: projectId });
  if (r.status !== 201 && r.status !== 200) throw new Error(`EC2 credential create for ${userId}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
  return { access: r.body.credential.access, secret: r.body.credential.secret };
}

/** Demo's EC2 key: a new one from Keystone's OS-EC2 API, or (while that API is missing) the bootstrapped one the start banner prints. */
async function demoKey(server: RunningServer, d: { token: string; userId: string; projectId: string }): Promise<Ec2Key> {
  try {
    return await ec2Credential(server.url, d.token, d.userId, d.projectId);
  } catch (e) {
    const m = /demo's EC2 credential: access (\S+) secret (\S+)/.exec(server.stdout());
    if (!m) throw e;
    return { access: m[1]!, secret: m[2]! };
  }
}

async function login(url: string, name: string, password: string, projectName: string): Promise<{ token: string; userId: string; projectId: string }> {
  const t = await passwordToken(url, name, password, projectName);
  if (t.status !== 201 || !t.projectId) throw new Error(`login ${name}/${projectName}: HTTP ${t.status}`);
  return { token: t.id, userId: t.userId, projectId: t.projectId };
}

/** Starts one server and gathers admin (from `aws.env` and the kept password) and demo (new EC2 key) accounts. */
export async function startObjectFixture(opts: StartOptions = {}): Promise<ObjectFixture> {
  const server = await startServer({ ...opts, env: { SKYBRIDGE_PASSWORD_HASH_COST: '1024', ...opts.env } });
  try {
    const awsEnv = parseEnvFile(readFileSync(join(server.dataDir, 'aws.env'), 'utf8'));
    const adminPassword = opts.env?.SKYBRIDGE_ADMIN_PASSWORD ?? readFileSync(join(server.dataDir, 'admin-password'), 'utf8').trim();
    const demoPassword = readFileSync(join(server.dataDir, 'demo-password'), 'utf8').trim();
    const a = await login(server.url, 'admin', adminPassword, 'admin');
    const d = await login(server.url, 'demo', demoPassword, 'demo');
    const admin: ObjectUser = {
      name: 'admin',
      password: adminPassword,
      projectName: 'admin',
      ...a,
      ec2: { access: awsEnv.AWS_ACCESS_KEY_ID!, secret: awsEnv.AWS_SECRET_ACCESS_KEY! },
    };
    const demo: ObjectUser = { name: 'demo', password: demoPassword, projectName: 'demo', ...d, ec2: await demoKey(server, d) };
    const region = awsEnv.AWS_DEFAULT_REGION ?? 'RegionOne';
    return {
      server,
      url: server.url,
      authUrl: `${server.url}/identity/v3`,
      region,
      admin,
      demo,
      swiftUrl: (projectId) => `${server.url}/object/v1/AUTH_${projectId}`,
      async userWithRole(role) {
        const name = uniq(`${role}-user`);
        const password = `Pw-${randomBytes(9).toString('base64url')}`;
        const u = await keystone(server.url, admin.token, 'POST', '/users', { user: { name, password, domain_id: 'default', enabled: true } });
        if (u.status !== 201) throw new Error(`user create: HTTP ${u.status} ${JSON.stringify(u.body)}`);
        const userId = u.body.user.id as string;
        const roles = await keystone(server.url, admin.token, 'GET', `/roles?name=${encodeURIComponent(role)}`);
        const roleId = roles.body?.roles?.[0]?.id as string | undefined;
        if (!roleId) throw new Error(`no role ${role}: ${JSON.stringify(roles.body)}`);
        const g = await keystone(server.url, admin.token, 'PUT', `/projects/${admin.projectId}/users/${userId}/roles/${roleId}`);
        if (g.status !== 204) throw new Error(`role grant: HTTP ${g.status} ${JSON.stringify(g.body)}`);
        const l = await login(server.url, name, password, 'admin');
        return { name, password, projectName: 'admin', ...l, ec2: await ec2Credential(server.url, l.token, userId, admin.projectId) };
      },
      dispose: () => server.dispose(),
    };
  } catch (e) {
    await server.dispose();
    throw e;
  }
}
