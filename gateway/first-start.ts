// First-start setup on disk: keeps the generated passwords, bootstraps identity, writes clouds.yaml and aws.env.
import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BootstrapResult, Identity } from '../core/identity/index.js';
import type { Config } from './config.js';

/** What a start produced and where it wrote it; `main.ts` prints it. */
export interface FirstStartInfo {
  bootstrap: BootstrapResult;
  dataDir: string;
  cloudsYaml: string;
  awsEnv: string;
}

/** Reads a kept secret, or generates and keeps one (0600); of several processes generating at once, the first to land its file wins. */
function keptSecret(file: string): string {
  if (existsSync(file)) {
    const v = readFileSync(file, 'utf8').trim();
    if (v) return v;
  }
  // base64url can start with '-', which `openstack --os-password <v>` (argparse) would read as an option.
  const v = `s${randomBytes(18).toString('base64url')}`;
  // First writer wins: processes sharing the data dir that start together must bootstrap with one password.
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, `${v}\n`, { mode: 0o600 });
  try {
    linkSync(tmp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const kept = readFileSync(file, 'utf8').trim();
    if (kept) return kept;
    // An empty file left by hand: ours replaces it.
    renameSync(tmp, file);
    return v;
  } finally {
    rmSync(tmp, { force: true });
  }
  return v;
}

/** Writes through a temp file and a rename, owner-only: these files hold credentials. */
function writePrivate(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, file);
}

/** YAML double-quoted scalar (a JSON string is one). */
const q = (s: string) => JSON.stringify(s);

/** `clouds.yaml` for openstacksdk/OSC: `skybridge` (admin on project admin) and `skybridge-demo`. */
export function cloudsYaml(config: Config, b: BootstrapResult): string {
  const cloud = (name: string, a: BootstrapResult['admin']) => `  ${name}:
    auth:
      auth_url: ${q(`${config.publicUrl}/identity/v3`)}
      username: ${q(a.userName)}
      password: ${q(a.password)}
      project_name: ${q(a.projectName)}
      user_domain_name: ${q(a.domainName)}
      project_domain_name: ${q(a.domainName)}
    region_name: ${q(config.region)}
    interface: public
    identity_api_version: 3
`;
  return `# Written by skybridge on every start. Use: OS_CLIENT_CONFIG_FILE=<this file> openstack --os-cloud skybridge token issue\nclouds:\n${cloud('skybridge', b.admin)}${cloud('skybridge-demo', b.demo)}`;
}

/** A shell-sourceable env file for the AWS CLI and SDKs, with the admin user's EC2 credential. */
export function awsEnv(config: Config, b: BootstrapResult): string {
  const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return [
    '# Written by skybridge on every start: the admin user\'s EC2 credential. Use: source <this file>',
    `export AWS_ACCESS_KEY_ID=${sh(b.admin.ec2.access)}`,
    `export AWS_SECRET_ACCESS_KEY=${sh(b.admin.ec2.secret)}`,
    `export AWS_DEFAULT_REGION=${sh(config.region)}`,
    `export AWS_ENDPOINT_URL=${sh(config.publicUrl)}`,
    '',
  ].join('\n');
}

/**
 * Bootstraps identity (idempotent) with the admin password from config or kept in
 * `$DATA_DIR/admin-password`, the demo password kept in `$DATA_DIR/demo-password`, then rewrites
 * `clouds.yaml` and `aws.env` so they always match the current public URL (not on a worker-only process).
 */
export async function firstStart(config: Config, identity: Identity): Promise<FirstStartInfo> {
  const dataDir = resolve(config.dataDir);
  const adminPassword = config.adminPassword ?? keptSecret(join(dataDir, 'admin-password'));
  const demoPassword = keptSecret(join(dataDir, 'demo-password'));
  const bootstrap = await identity.bootstrap({ adminPassword, demoPassword, resetAdminPassword: config.adminPassword !== undefined });
  const info: FirstStartInfo = { bootstrap, dataDir, cloudsYaml: join(dataDir, 'clouds.yaml'), awsEnv: join(dataDir, 'aws.env') };
  // A worker serves no API: files pointing clients at it would send them nowhere.
  if (config.role === 'worker') return info;
  writePrivate(info.cloudsYaml, cloudsYaml(config, bootstrap));
  writePrivate(info.awsEnv, awsEnv(config, bootstrap));
  return info;
}

/** The text printed at start: endpoint, both users' credentials, and exactly how to use them. */
export function startBanner(config: Config, info: FirstStartInfo): string {
  const { admin, demo } = info.bootstrap;
  return [
    `skybridge is serving at ${config.publicUrl}`,
    `  identity (Keystone v3): ${config.publicUrl}/identity/v3   region: ${config.region}`,
    `  data directory:         ${info.dataDir}`,
    '',
    info.bootstrap.created ? 'Bootstrapped a new cloud with these accounts (domain Default):' : 'Accounts (domain Default):',
    `  admin  password ${admin.password}  project admin (role admin)`,
    `  demo   password ${demo.password}  project demo  (role member)`,
    '',
    'OpenStack CLI:',
    `  export OS_CLIENT_CONFIG_FILE=${info.cloudsYaml}`,
    '  openstack --os-cloud skybridge token issue        # admin',
    '  openstack --os-cloud skybridge-demo token issue   # demo',
    '',
    'AWS CLI (admin\'s EC2 credential):',
    `  source ${info.awsEnv}`,
    `  # AWS_ACCESS_KEY_ID=${admin.ec2.access} AWS_ENDPOINT_URL=${config.publicUrl}`,
    `  demo's EC2 credential: access ${demo.ec2.access} secret ${demo.ec2.secret}`,
    '',
  ].join('\n');
}
