// First-start setup on disk: keeps the generated passwords, bootstraps identity, writes clouds.yaml, aws.env and an aws profile.
import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BootstrapResult, Identity } from '../core/identity/index.js';
import type { Config } from './config.js';

/** What a start produced and where it wrote it; `main.ts` prints it. */
export interface FirstStartInfo {
  bootstrap: BootstrapResult;
  dataDir: string;
  cloudsYaml: string;
  awsEnv: string;
  /** aws CLI/SDK `config` and `credentials` files (profiles skybridge and skybridge-demo) under `$DATA_DIR/aws`. */
  awsConfig: string;
  awsCredentials: string;
  /** True until a start has printed the passwords (first start, or starts that failed before printing). */
  showPasswords: boolean;
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

/** `clouds.yaml` for openstacksdk/OSC: `skybridge` (admin on project admin) and `skybridge-demo`; a password changed since bootstrap is left out, never written stale. */
export function cloudsYaml(config: Config, b: BootstrapResult): string {
  const cloud = (name: string, a: BootstrapResult['admin']) => `  ${name}:
    auth:
      auth_url: ${q(`${config.publicUrl}/identity/v3`)}
      username: ${q(a.userName)}
${a.passwordCurrent ? `      password: ${q(a.password)}` : `      # password: changed since bootstrap, not known to skybridge; give it with --os-password or OS_PASSWORD`}
      project_name: ${q(a.projectName)}
      user_domain_name: ${q(a.domainName)}
      project_domain_name: ${q(a.domainName)}
    region_name: ${q(config.region)}
    interface: public
    identity_api_version: 3
`;
  return `# Written by skybridge on every start. Use: OS_CLIENT_CONFIG_FILE=<this file> openstack --os-cloud skybridge token issue\nclouds:\n${cloud('skybridge', b.admin)}${cloud('skybridge-demo', b.demo)}`;
}

const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** A shell-sourceable env file for the AWS CLI and SDKs, with the admin user's EC2 credential. */
export function awsEnv(config: Config, b: BootstrapResult): string {
  return [
    '# Written by skybridge on every start: the admin user\'s EC2 credential. Use: source <this file>',
    '# Any aws CLI: aws --endpoint-url "$SKYBRIDGE_URL" s3 ls. AWS_ENDPOINT_URL is read only by aws CLI >= 2.13 / 1.29 and',
    '# recent SDKs; older ones (Debian 12\'s aws 2.9) ignore it and would go to amazonaws.com without --endpoint-url.',
    `export AWS_ACCESS_KEY_ID=${sh(b.admin.ec2.access)}`,
    `export AWS_SECRET_ACCESS_KEY=${sh(b.admin.ec2.secret)}`,
    `export AWS_DEFAULT_REGION=${sh(config.region)}`,
    `export AWS_ENDPOINT_URL=${sh(config.publicUrl)}`,
    `export SKYBRIDGE_URL=${sh(config.publicUrl)}`,
    '',
  ].join('\n');
}

/** An aws `config` file with profiles `skybridge` (admin) and `skybridge-demo`; `endpoint_url` is read by aws CLI >= 2.13 / 1.29 and boto3 >= 1.28. */
export function awsConfigFile(config: Config): string {
  const profile = (name: string) =>
    `[profile ${name}]\nregion = ${config.region}\nendpoint_url = ${config.publicUrl}\ns3 =\n  addressing_style = path\n`;
  return `# Written by skybridge on every start. Use: AWS_CONFIG_FILE=<this file> AWS_SHARED_CREDENTIALS_FILE=<credentials beside it> aws --profile skybridge s3 ls\n# endpoint_url is read by aws CLI >= 2.13 / 1.29 and boto3 >= 1.28; older clients need --endpoint-url ${config.publicUrl}\n${profile('skybridge')}\n${profile('skybridge-demo')}`;
}

/** The aws `credentials` file matching `awsConfigFile`'s profiles. */
export function awsCredentialsFile(b: BootstrapResult): string {
  const creds = (name: string, a: BootstrapResult['admin']) => `[${name}]\naws_access_key_id = ${a.ec2.access}\naws_secret_access_key = ${a.ec2.secret}\n`;
  return `# Written by skybridge on every start: the bootstrap users' EC2 credentials.\n${creds('skybridge', b.admin)}\n${creds('skybridge-demo', b.demo)}`;
}

/** The marker a start writes once it has printed the passwords: later starts only say where they are. */
const SHOWN_MARKER = 'credentials-shown';

/**
 * Bootstraps identity (idempotent) with the admin password from config or kept in
 * `$DATA_DIR/admin-password`, the demo password kept in `$DATA_DIR/demo-password`, then rewrites
 * `clouds.yaml`, `aws.env` and `aws/{config,credentials}` so they always match the current public URL
 * (not on a worker-only process). A kept password the user has changed since is deleted: nothing stale stays on disk.
 */
export async function firstStart(config: Config, identity: Identity): Promise<FirstStartInfo> {
  const dataDir = resolve(config.dataDir);
  const files = { admin: join(dataDir, 'admin-password'), demo: join(dataDir, 'demo-password') };
  const adminPassword = config.adminPassword ?? keptSecret(files.admin);
  const demoPassword = keptSecret(files.demo);
  const bootstrap = await identity.bootstrap({ adminPassword, demoPassword, resetAdminPassword: config.adminPassword !== undefined });
  if (!bootstrap.admin.passwordCurrent && config.adminPassword === undefined) rmSync(files.admin, { force: true });
  if (!bootstrap.demo.passwordCurrent) rmSync(files.demo, { force: true });
  const awsDir = join(dataDir, 'aws');
  const info: FirstStartInfo = {
    bootstrap,
    dataDir,
    cloudsYaml: join(dataDir, 'clouds.yaml'),
    awsEnv: join(dataDir, 'aws.env'),
    awsConfig: join(awsDir, 'config'),
    awsCredentials: join(awsDir, 'credentials'),
    showPasswords: !existsSync(join(dataDir, SHOWN_MARKER)),
  };
  // A worker serves no API: files pointing clients at it would send them nowhere.
  if (config.role === 'worker') return info;
  mkdirSync(awsDir, { recursive: true, mode: 0o700 });
  writePrivate(info.cloudsYaml, cloudsYaml(config, bootstrap));
  writePrivate(info.awsEnv, awsEnv(config, bootstrap));
  writePrivate(info.awsConfig, awsConfigFile(config));
  writePrivate(info.awsCredentials, awsCredentialsFile(bootstrap));
  return info;
}

/** Records that the passwords were printed (called once the banner is out, so a start that failed before keeps showing them next time). */
export function markCredentialsShown(info: FirstStartInfo): void {
  if (info.showPasswords) writePrivate(join(info.dataDir, SHOWN_MARKER), `${new Date().toISOString()}\n`);
}

/**
 * The text printed at start: endpoint, how to connect, and the passwords on the first start only
 * (later starts say where they are: log collectors keep what a start prints). A stale password is never printed.
 */
export function startBanner(config: Config, info: FirstStartInfo): string {
  const { admin, demo } = info.bootstrap;
  const account = (a: BootstrapResult['admin'], role: string) => {
    const where = `project ${a.projectName.padEnd(5)} (role ${role})`;
    if (!a.passwordCurrent) return `  ${a.userName.padEnd(6)} ${where}  password changed since bootstrap (skybridge does not know it)`;
    return info.showPasswords ? `  ${a.userName.padEnd(6)} password ${a.password}  ${where}` : `  ${a.userName.padEnd(6)} ${where}`;
  };
  const awsProfiles = `AWS_CONFIG_FILE=${info.awsConfig} AWS_SHARED_CREDENTIALS_FILE=${info.awsCredentials}`;
  return [
    `skybridge is serving at ${config.publicUrl}`,
    `  identity (Keystone v3): ${config.publicUrl}/identity/v3   region: ${config.region}`,
    `  S3: ${config.publicUrl}   Swift: ${config.publicUrl}/object/v1   health: ${config.publicUrl}/healthz   metrics: ${config.publicUrl}/metrics`,
    `  data directory:         ${info.dataDir}`,
    '',
    info.bootstrap.created ? 'Bootstrapped a new cloud with these accounts (domain Default):' : 'Accounts (domain Default):',
    account(admin, 'admin'),
    account(demo, 'member'),
    info.showPasswords
      ? '  (passwords are printed on the first start only; they are kept in clouds.yaml)'
      : `  passwords and keys: ${info.cloudsYaml}, ${info.awsEnv}, ${info.awsCredentials}`,
    '',
    'OpenStack CLI:',
    `  export OS_CLIENT_CONFIG_FILE=${info.cloudsYaml}`,
    '  openstack --os-cloud skybridge token issue        # admin',
    '  openstack --os-cloud skybridge-demo token issue   # demo',
    '',
    'AWS CLI, any version (admin\'s EC2 credential):',
    `  source ${info.awsEnv}`,
    `  aws --endpoint-url ${config.publicUrl} s3 mb s3://my-first-bucket`,
    `  aws --endpoint-url ${config.publicUrl} s3 ls`,
    `  # aws CLI >= 2.13 / 1.29 also read the endpoint from a profile (demo: --profile skybridge-demo):`,
    `  # ${awsProfiles} aws --profile skybridge s3 ls`,
    ...(info.showPasswords ? [`  demo's EC2 credential: access ${demo.ec2.access} secret ${demo.ec2.secret}`] : []),
    '',
    'Stop with Ctrl-C or `kill <pid>` (SIGTERM): requests in flight finish first.',
    '',
  ].join('\n');
}
