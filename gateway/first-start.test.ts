// The real entry: first start bootstraps and prints how to connect, writes clouds.yaml and aws.env; restart keeps everything.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../test/harness/server.js';

describe('first start (gateway/main.ts)', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ env: { SKYBRIDGE_PASSWORD_HASH_COST: '1024' } });
  });
  afterAll(async () => server.dispose());

  const token = async (user: string, password: string, project: string) => {
    const r = await fetch(`${server.url}/identity/v3/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: { methods: ['password'], password: { user: { name: user, domain: { name: 'Default' }, password } } },
          scope: { project: { name: project, domain: { name: 'Default' } } },
        },
      }),
    });
    return { status: r.status, id: r.headers.get('x-subject-token') };
  };

  it('prints the endpoint, both accounts and how to use them, with absolute paths', async () => {
    for (let i = 0; i < 50 && !server.stdout().includes('AWS CLI'); i++) await new Promise((r) => setTimeout(r, 100));
    const out = server.stdout();
    expect(out).toContain(`${server.url}/identity/v3`);
    expect(out).toContain(`export OS_CLIENT_CONFIG_FILE=${join(server.dataDir, 'clouds.yaml')}`);
    expect(out).toContain(`source ${join(server.dataDir, 'aws.env')}`);
    expect(out).toMatch(/admin +password \S+/);
    expect(out).toMatch(/demo +password \S+/);
  });

  it('writes clouds.yaml whose credentials work, private to the owner', async () => {
    const file = join(server.dataDir, 'clouds.yaml');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const yaml = readFileSync(file, 'utf8');
    expect(yaml).toContain('  skybridge:\n');
    expect(yaml).toContain('  skybridge-demo:\n');
    expect(yaml).toContain(`auth_url: "${server.url}/identity/v3"`);
    expect(yaml).toContain('identity_api_version: 3');
    const pw = (name: string) => new RegExp(`username: "${name}"\\n\\s+password: ("[^"]*")`).exec(yaml)![1]!;
    expect((await token('admin', JSON.parse(pw('admin')) as string, 'admin')).status).toBe(201);
    expect((await token('demo', JSON.parse(pw('demo')) as string, 'demo')).status).toBe(201);
  });

  it('writes aws.env that a shell can source', () => {
    const file = join(server.dataDir, 'aws.env');
    const out = execFileSync('sh', ['-c', `. "${file}" && echo "$AWS_ACCESS_KEY_ID $AWS_SECRET_ACCESS_KEY $AWS_DEFAULT_REGION $AWS_ENDPOINT_URL"`], { encoding: 'utf8' });
    const [access, secret, region, endpoint] = out.trim().split(' ');
    expect(access).toMatch(/^[0-9a-f]{32}$/);
    expect(secret).toMatch(/^[0-9a-f]{32}$/);
    expect(region).toBe('RegionOne');
    expect(endpoint).toBe(server.url);
  });

  it('restart keeps users, passwords, EC2 keys and token keys; SIGTERM exits 0', async () => {
    const yaml = readFileSync(join(server.dataDir, 'clouds.yaml'), 'utf8');
    const env = readFileSync(join(server.dataDir, 'aws.env'), 'utf8');
    const adminPw = JSON.parse(/username: "admin"\n\s+password: ("[^"]*")/.exec(yaml)![1]!) as string;
    const before = await token('admin', adminPw, 'admin');
    expect(await server.stop()).toBe(0);
    await server.restart();
    expect(readFileSync(join(server.dataDir, 'clouds.yaml'), 'utf8')).toBe(yaml);
    expect(readFileSync(join(server.dataDir, 'aws.env'), 'utf8')).toBe(env);
    const r = await fetch(`${server.url}/identity/v3/auth/tokens`, { headers: { 'x-auth-token': before.id!, 'x-subject-token': before.id! } });
    expect(r.status).toBe(200);
    expect(server.stdout().split('Bootstrapped a new cloud').length - 1).toBe(1);
    expect(server.stdout()).toContain('Accounts (domain Default):');
  });
});
