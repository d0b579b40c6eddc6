// Runs every `test=…` snippet of docs/clients.md verbatim (after its setup block) against one real skybridge, with Debian's clients.
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../harness/server.js';
import { cleanEnv, run } from './object-fixture.js';

const root = resolve(import.meta.dirname, '../..');

/** The `bash test=<name>` blocks of docs/clients.md, in document order. */
function snippets(): Map<string, string> {
  const doc = readFileSync(join(root, 'docs/clients.md'), 'utf8');
  const out = new Map<string, string>();
  for (const m of doc.matchAll(/^```bash test=([a-z0-9-]+)\n([\s\S]*?)^```$/gm)) out.set(m[1]!, m[2]!);
  return out;
}

const blocks = snippets();
/** The program each snippet needs (a Debian package), checked first so a missing one fails naming the package. */
const CLIENTS: Record<string, string> = {
  'aws-cli': '/usr/bin/aws',
  rclone: '/usr/bin/rclone',
  s3cmd: '/usr/bin/s3cmd',
  restic: '/usr/bin/restic',
  boto3: '/usr/bin/python3',
  'js-sdk': process.execPath,
  openstacksdk: '/usr/bin/openstack',
};
const APT: Record<string, string> = { 'aws-cli': 'awscli', boto3: 'python3-boto3', openstacksdk: 'python3-openstackclient python3-openstacksdk' };

describe('docs/clients.md snippets', () => {
  let server: RunningServer;
  let work: string;

  beforeAll(async () => {
    server = await startServer({ env: { SKYBRIDGE_PASSWORD_HASH_COST: '1024' } });
    // As the document assumes: the data dir is ./data; the JS SDK resolves from ./node_modules.
    work = mkdtempSync(join(tmpdir(), 'skybridge-recipes-'));
    symlinkSync(server.dataDir, join(work, 'data'));
    symlinkSync(join(root, 'node_modules'), join(work, 'node_modules'));
  });
  afterAll(async () => {
    await server?.dispose();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('has a setup block and one block per Debian-packaged client', () => {
    expect([...blocks.keys()]).toEqual(['setup', ...Object.keys(CLIENTS)]);
  });

  it('every snippet runs with Debian\'s clients and exits 0', async () => {
    const setup = blocks.get('setup')!;
    // Debian's clients first on PATH (not a newer aws or python a developer may have installed); HOME is the work dir.
    const env = cleanEnv({ PATH: `/usr/bin:/bin:${process.env.PATH}`, HOME: work, AWS_CONFIG_FILE: join(work, 'no-aws-config'), AWS_PAGER: '' });
    const names = Object.keys(CLIENTS);
    for (const name of names) if (!existsSync(CLIENTS[name]!)) throw new Error(`${name}: ${CLIENTS[name]} is missing: apt-get install ${APT[name] ?? name}`);
    const py = await run('/usr/bin/python3', ['-c', 'import boto3, openstack, requests'], { env });
    if (py.code !== 0) throw new Error(`Debian's boto3 and openstacksdk are needed: apt-get install python3-boto3 python3-openstacksdk python3-requests (${py.stderr.trim()})`);
    // Each snippet in its own directory (their files must not clash), two at a time on a 2-core machine.
    const results: Array<{ name: string; code: number; stdout: string; stderr: string }> = [];
    for (let i = 0; i < names.length; i += 2) {
      results.push(
        ...(await Promise.all(
          names.slice(i, i + 2).map(async (name) => {
            const dir = join(work, name);
            const script = `set -euo pipefail\nmkdir -p "${dir}"\nln -sfn ../data "${dir}/data"\nln -sfn ../node_modules "${dir}/node_modules"\ncd "${dir}"\n${setup}\n${blocks.get(name)!}`;
            return { name, ...(await run('bash', ['-c', script], { env, cwd: work, timeoutMs: 120_000 })) };
          }),
        )),
      );
    }
    for (const r of results) expect(r.code, `${r.name}:\n${r.stderr.slice(-2000)}\n${r.stdout.slice(-1000)}`).toBe(0);
    const out = Object.fromEntries(results.map((r) => [r.name, r.stdout]));
    expect(out['aws-cli']).toContain('hello.txt');
    expect(out.rclone).toContain('hello.txt');
    expect(out.s3cmd).toContain('s3://s3cmd-demo/hello.txt');
    expect(out.restic!.match(/1 snapshots/g)).toHaveLength(2);
    expect(out.boto3).toContain('hello from skybridge');
    expect(out.boto3).toContain('204 sent as a browser form');
    expect(out['js-sdk']).toContain('hello.txt');
    expect(out.openstacksdk).toContain("['from-sdk.txt', 'hello.txt']");
    expect(out.openstacksdk).toContain("{'color': 'blue'}");
  });
});
