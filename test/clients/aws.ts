// Finds the aws CLI generations on this machine and runs them with HOME-independent config against a test server.
import { existsSync, realpathSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { cleanEnv, run, type CliResult, type Ec2Key } from './object-fixture.js';

/** Debian's aws CLI 2.9 (package `awscli`), always tested. */
export const DEBIAN_AWS = '/usr/bin/aws';

/** One aws CLI binary to test. */
export interface AwsGeneration {
  label: string;
  bin: string;
}

function onPath(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(dir, cmd);
    if (dir && existsSync(p)) return p;
  }
  return undefined;
}

/**
 * Debian's `/usr/bin/aws` (even when missing, so its tests fail naming `apt-get install awscli`) and,
 * when the first `aws` on PATH is a different program (e.g. pyenv's aws-cli 1.x with botocore 1.4x), that one too.
 */
export function awsGenerations(): AwsGeneration[] {
  const gens: AwsGeneration[] = [{ label: 'Debian aws CLI 2.9', bin: DEBIAN_AWS }];
  const first = onPath('aws');
  if (!first) return gens;
  let same = false;
  try {
    same = existsSync(DEBIAN_AWS) && realpathSync(first) === realpathSync(DEBIAN_AWS);
  } catch {
    same = false;
  }
  if (!same) gens.push({ label: `aws on PATH (${first})`, bin: first });
  return gens;
}

/** An aws CLI bound to a temp config dir and an endpoint; profiles are named credentials. */
export interface AwsCli {
  /** Runs `aws <args> --endpoint-url ... --profile <profile>`. */
  run(args: string[], profile?: string): Promise<CliResult>;
  /** Like run, throws with stderr on a non-zero exit. */
  ok(args: string[], profile?: string): Promise<CliResult>;
  /** Adds (or replaces) a named credential. */
  addProfile(name: string, key: Ec2Key): void;
  /** Runs an `s3api` call with `--output json` and parses stdout (empty output → {}). */
  api<T = any>(args: string[], profile?: string): Promise<T>;
}

/** Writes `config` and `credentials` under `dir` and returns a runner that never reads `~/.aws`. */
export function awsCli(bin: string, dir: string, endpoint: string, region: string, profiles: Record<string, Ec2Key>): AwsCli {
  const config = join(dir, 'aws-config');
  const creds = join(dir, 'aws-credentials');
  const all = { ...profiles };
  const write = () => {
    const names = Object.keys(all);
    writeFileSync(
      config,
      names.map((n) => `[${n === 'default' ? 'default' : `profile ${n}`}]\nregion = ${region}\noutput = json\ns3 =\n  addressing_style = path\n`).join('\n'),
    );
    writeFileSync(creds, names.map((n) => `[${n}]\naws_access_key_id = ${all[n]!.access}\naws_secret_access_key = ${all[n]!.secret}\n`).join('\n'));
  };
  write();
  const env = cleanEnv({ AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: creds, AWS_PAGER: '', AWS_EC2_METADATA_DISABLED: 'true' });
  const runAws = (args: string[], profile = 'default') => run(bin, [...args, '--endpoint-url', endpoint, '--profile', profile], { env, timeoutMs: 180_000 });
  const ok = async (args: string[], profile?: string) => {
    const r = await runAws(args, profile);
    if (r.code !== 0) throw new Error(`aws ${args.join(' ')} exited ${r.code}: ${r.stderr.trim()}\n${r.stdout.slice(0, 1000)}`);
    return r;
  };
  return {
    addProfile(name, key) {
      all[name] = key;
      write();
    },
    run: runAws,
    ok,
    async api(args, profile) {
      const r = await ok(['s3api', ...args, '--output', 'json'], profile);
      return r.stdout.trim() ? JSON.parse(r.stdout) : {};
    },
  };
}
