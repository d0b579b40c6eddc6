// Runs the real `openstack` CLI (no shell) against a test server's clouds.yaml and returns parsed output.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** What one CLI invocation produced. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A CLI bound to one server's data dir (its clouds.yaml). */
export interface OpenstackCli {
  /** Path of the clouds.yaml the CLI reads (`OS_CLIENT_CONFIG_FILE`). */
  configFile: string;
  /** Runs `openstack <args>`; never throws on a non-zero exit. `cloud` adds `--os-cloud`. */
  run(args: string[], opts?: { cloud?: string }): Promise<CliResult>;
  /** Runs `openstack <args> -f json` and parses stdout; throws with stderr when the exit code is not 0. */
  json<T = Record<string, unknown>>(args: string[], opts?: { cloud?: string }): Promise<T>;
  /** Runs `openstack <args>` and throws with stderr when the exit code is not 0. */
  ok(args: string[], opts?: { cloud?: string }): Promise<CliResult>;
}

const INSTALL_HINT = 'the `openstack` CLI is missing: install it with `apt-get install python3-openstackclient`';

/** Throws (failing the test loudly) when the `openstack` command cannot be run. */
export async function requireOpenstackCli(): Promise<void> {
  const r = await exec('openstack', ['--version'], process.env);
  if (r.code !== 0) throw new Error(`${INSTALL_HINT} (openstack --version exited ${r.code}: ${r.stderr.trim()})`);
}

function exec(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<CliResult> {
  return new Promise((res, rej) => {
    execFile(cmd, args, { env, timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') return rej(new Error(INSTALL_HINT));
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      res({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** An environment with no inherited `OS_*` settings or proxies, so only our arguments and clouds.yaml count. */
function cleanEnv(configFile: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('OS_') || /^(https?|all|no)_proxy$/i.test(k)) continue;
    env[k] = v;
  }
  env.OS_CLIENT_CONFIG_FILE = configFile;
  env.NO_PROXY = env.no_proxy = '127.0.0.1,localhost';
  // The CLI logs deprecation noise to stderr; keep stderr for real errors.
  env.PYTHONWARNINGS = 'ignore';
  return env;
}

/** A CLI reading `<dataDir>/clouds.yaml`. */
export function openstackCli(dataDir: string): OpenstackCli {
  const configFile = join(dataDir, 'clouds.yaml');
  const env = cleanEnv(configFile);
  const run = async (args: string[], opts: { cloud?: string } = {}) => {
    if (!existsSync(configFile)) throw new Error(`no clouds.yaml at ${configFile}`);
    const full = opts.cloud ? ['--os-cloud', opts.cloud, ...args] : args;
    return exec('openstack', full, env);
  };
  const ok = async (args: string[], opts: { cloud?: string } = {}) => {
    const r = await run(args, opts);
    if (r.code !== 0) throw new Error(`openstack ${args.join(' ')} exited ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`);
    return r;
  };
  return {
    configFile,
    run,
    ok,
    async json<T>(args: string[], opts: { cloud?: string } = {}) {
      const r = await ok([...args, '-f', 'json'], opts);
      try {
        return JSON.parse(r.stdout) as T;
      } catch {
        throw new Error(`openstack ${args.join(' ')} printed no JSON: ${r.stdout.slice(0, 500)}`);
      }
    },
  };
}

/** Password-auth CLI arguments for a user (Default domain), project-scoped when `project` is given. */
export function passwordAuthArgs(authUrl: string, user: string, password: string, project?: string): string[] {
  const args = [
    '--os-auth-type', 'password',
    '--os-auth-url', authUrl,
    '--os-identity-api-version', '3',
    '--os-username', user,
    // One argument: a password starting with '-' would otherwise be read as an option.
    `--os-password=${password}`,
    '--os-user-domain-name', 'Default',
  ];
  if (project) args.push('--os-project-name', project, '--os-project-domain-name', 'Default');
  return args;
}

/** Token-auth CLI arguments (keystoneauth `token` plugin: the CLI re-authenticates with method `token`). */
export function tokenAuthArgs(authUrl: string, token: string, projectId?: string): string[] {
  const args = ['--os-auth-type', 'token', '--os-auth-url', authUrl, '--os-identity-api-version', '3', '--os-token', token];
  if (projectId) args.push('--os-project-id', projectId);
  return args;
}

/** Reads a clouds.yaml into JSON with the YAML parser the CLI itself uses (python3-yaml ships with the CLI). */
export async function readCloudsYaml(configFile: string): Promise<{ clouds: Record<string, CloudEntry> }> {
  const py = 'import json,sys,yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))';
  const r = await exec('python3', ['-c', py, configFile], process.env);
  if (r.code !== 0) throw new Error(`cannot parse ${configFile}: ${r.stderr}`);
  return JSON.parse(r.stdout) as { clouds: Record<string, CloudEntry> };
}

/** The fields of a clouds.yaml entry the tests read. */
export interface CloudEntry {
  auth: {
    auth_url: string;
    username?: string;
    password?: string;
    project_name?: string;
    project_id?: string;
    user_domain_name?: string;
    project_domain_name?: string;
  };
  region_name?: string;
  interface?: string;
  identity_api_version?: string | number;
}
