// Drives a real skybridge process with the real `openstack` CLI, as a user following the README would.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../harness/server.js';
import {
  openstackCli,
  passwordAuthArgs,
  readCloudsYaml,
  requireOpenstackCli,
  tokenAuthArgs,
  type CliResult,
  type OpenstackCli,
} from './openstack.js';

const ADMIN = { cloud: 'skybridge' };
const DEMO = { cloud: 'skybridge-demo' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const uniq = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

interface Token {
  id: string;
  expires: string;
  project_id?: string;
  user_id: string;
}

/** Asserts a failed CLI call whose stderr carries the HTTP status (keystoneauth prints `(HTTP 4xx)`). */
function expectHttpFailure(r: CliResult, status: RegExp): void {
  expect(r.code, `expected a failure, got exit 0 with: ${r.stdout}`).not.toBe(0);
  expect(r.stderr).toMatch(status);
}

// The CLI is slow (1-5 s a call), so independent cases run concurrently; each makes its own names.
describe.concurrent('openstack CLI against skybridge', { timeout: 180_000 }, () => {
  let server: RunningServer;
  let shortLived: RunningServer;
  let os: OpenstackCli;
  let authUrl: string;
  let adminPassword: string;

  beforeAll(async () => {
    await requireOpenstackCli();
    // Two servers, started together: one normal, one whose tokens live 2 s (the expiry case).
    [server, shortLived] = await Promise.all([startServer(), startServer({ env: { SKYBRIDGE_TOKEN_EXPIRATION: '2' } })]);
    os = openstackCli(server.dataDir);
    const clouds = await readCloudsYaml(os.configFile);
    expect(Object.keys(clouds.clouds)).toEqual(expect.arrayContaining(['skybridge', 'skybridge-demo']));
    authUrl = clouds.clouds.skybridge!.auth.auth_url;
    adminPassword = clouds.clouds.skybridge!.auth.password!;
    expect(authUrl.startsWith(server.url)).toBe(true);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([server?.dispose(), shortLived?.dispose()]);
  });

  it('token issue works for both clouds from the generated clouds.yaml', async () => {
    const [admin, demo] = await Promise.all([os.json<Token>(['token', 'issue'], ADMIN), os.json<Token>(['token', 'issue'], DEMO)]);
    for (const t of [admin, demo]) {
      expect(t.id).toMatch(/^\S{20,}$/);
      expect(t.project_id).toMatch(/^[0-9a-f]{32}$/);
      expect(new Date(t.expires).getTime()).toBeGreaterThan(Date.now());
    }
    expect(admin.user_id).not.toBe(demo.user_id);
    expect(admin.project_id).not.toBe(demo.project_id);
  });

  it('catalog list shows the identity service at the server URL', async () => {
    const rows = await os.json<Array<{ Name: string; Type: string; Endpoints: unknown }>>(['catalog', 'list'], ADMIN);
    const identity = rows.find((r) => r.Type === 'identity');
    expect(identity, JSON.stringify(rows)).toBeDefined();
    expect(JSON.stringify(identity!.Endpoints)).toContain(`${server.url}/identity`);
  });

  it('region create, service create, endpoint create: the added service shows in catalog list beside the derived ones; then deleted', async () => {
    const region = uniq('Region');
    const type = uniq('orchestration');
    await os.ok(['region', 'create', '--description', 'added by the CLI test', region], ADMIN);
    const svc = await os.json<{ id: string; type: string; name: string }>(['service', 'create', '--name', 'heat', '--description', 'stacks', type], ADMIN);
    expect(svc).toMatchObject({ type, name: 'heat' });
    const ep = await os.json<{ id: string; url: string; region: string; interface: string }>(
      ['endpoint', 'create', '--region', region, svc.id, 'public', 'http://heat.example:8004/v1/%(tenant_id)s'],
      ADMIN,
    );
    expect(ep).toMatchObject({ region, interface: 'public' });
    const [regions, endpoints, rows] = await Promise.all([
      os.json<Array<{ Region: string }>>(['region', 'list'], ADMIN),
      os.json<Array<{ ID: string; 'Service Type': string }>>(['endpoint', 'list', '--service', svc.id], ADMIN),
      os.json<Array<{ Name: string; Type: string; Endpoints: unknown }>>(['catalog', 'list'], ADMIN),
    ]);
    expect(regions.map((r) => r.Region)).toEqual(expect.arrayContaining(['RegionOne', region]));
    expect(endpoints.map((e) => e.ID)).toEqual([ep.id]);
    const heat = rows.find((r) => r.Type === type);
    expect(heat, JSON.stringify(rows)).toBeDefined();
    expect(JSON.stringify(heat!.Endpoints)).toContain('http://heat.example:8004/v1/');
    expect(rows.some((r) => r.Type === 'identity')).toBe(true);
    // The derived identity service is read-only.
    const identity = (await os.json<Array<{ ID: string; Type: string }>>(['service', 'list'], ADMIN)).find((r) => r.Type === 'identity')!;
    expectHttpFailure(await os.run(['service', 'delete', identity.ID], ADMIN), /HTTP 403|403/);
    await os.ok(['endpoint', 'delete', ep.id], ADMIN);
    await os.ok(['service', 'delete', svc.id], ADMIN);
    await os.ok(['region', 'delete', region], ADMIN);
    const after = await os.json<Array<{ Type: string }>>(['catalog', 'list'], ADMIN);
    expect(after.some((r) => r.Type === type)).toBe(false);
  }, 300_000);

  it('trust create / list / show, a token issued with --os-trust-id (impersonating), then trust delete', async () => {
    const trustee = uniq('cli-trustee');
    const admin = await os.json<Token>(['token', 'issue'], ADMIN);
    const trusteeUser = await os.json<{ id: string }>(['user', 'create', '--password', 'trustee-Pass1', trustee], ADMIN);
    const trust = await os.json<{ id: string; trustor_user_id: string; trustee_user_id: string; project_id: string; impersonation: boolean }>(
      ['trust', 'create', '--project', 'admin', '--role', 'reader', '--impersonate', 'admin', trustee],
      ADMIN,
    );
    expect(trust).toMatchObject({ trustor_user_id: admin.user_id, trustee_user_id: trusteeUser.id, project_id: admin.project_id, impersonation: true });
    const [listed, shown] = await Promise.all([
      os.json<Array<{ ID: string }>>(['trust', 'list'], ADMIN),
      os.json<{ id: string; roles: string }>(['trust', 'show', trust.id], ADMIN),
    ]);
    expect(listed.map((t) => t.ID)).toContain(trust.id);
    expect(shown.roles).toContain('reader');
    const viaTrust = await os.json<Token>([...passwordAuthArgs(authUrl, trustee, 'trustee-Pass1'), '--os-trust-id', trust.id, 'token', 'issue']);
    // Impersonation: the token is the trustor's, on the trust's project.
    expect(viaTrust).toMatchObject({ user_id: admin.user_id, project_id: admin.project_id });
    await os.ok(['trust', 'delete', trust.id], ADMIN);
    expectHttpFailure(await os.run([...passwordAuthArgs(authUrl, trustee, 'trustee-Pass1'), '--os-trust-id', trust.id, 'token', 'issue']), /HTTP 404|Could not find trust/);
    await os.ok(['user', 'delete', trustee], ADMIN);
  }, 300_000);

  it('project create/list/show/delete, user create/set --password/delete, role add/remove, role assignment list --names', async () => {
    const project = uniq('cli-proj');
    const user = uniq('cli-user');
    const asUser = (password: string) => [...passwordAuthArgs(authUrl, user, password, project), 'token', 'issue'];

    const created = await os.json<{ id: string; name: string }>(['project', 'create', '--description', 'made by the CLI test', project], ADMIN);
    expect(created.name).toBe(project);
    const projectId = created.id;
    const [list, shown] = await Promise.all([
      os.json<Array<{ ID: string; Name: string }>>(['project', 'list'], ADMIN),
      os.json<{ id: string; name: string; enabled: boolean; description: string }>(['project', 'show', project], ADMIN),
    ]);
    expect(list).toContainEqual({ ID: projectId, Name: project });
    expect(shown).toMatchObject({ id: projectId, name: project, enabled: true, description: 'made by the CLI test' });

    const createdUser = await os.json<{ id: string; name: string }>(['user', 'create', '--password', 'first-Pass1', user], ADMIN);
    expect(createdUser.name).toBe(user);
    const userId = createdUser.id;
    await os.ok(['role', 'add', '--project', project, '--user', user, 'member'], ADMIN);
    const [first, rows] = await Promise.all([
      os.json<Token>(asUser('first-Pass1')),
      os.json<Array<Record<string, unknown>>>(['role', 'assignment', 'list', '--names', '--project', project], ADMIN),
    ]);
    expect(first).toMatchObject({ user_id: userId, project_id: projectId });
    expect(rows).toContainEqual(expect.objectContaining({ Role: 'member', User: `${user}@Default`, Project: `${project}@Default` }));

    // user set --password: the old password stops working, the new one works.
    await os.ok(['user', 'set', '--password', 'second-Pass2', user], ADMIN);
    const [old, second] = await Promise.all([os.run(asUser('first-Pass1')), os.json<Token>(asUser('second-Pass2'))]);
    expectHttpFailure(old, /HTTP 401/);
    expect(second.user_id).toBe(userId);

    // role remove: the assignment is gone and the user can no longer scope to the project.
    await os.ok(['role', 'remove', '--project', project, '--user', user, 'member'], ADMIN);
    const [after, scoped] = await Promise.all([
      os.json<unknown[]>(['role', 'assignment', 'list', '--names', '--project', project], ADMIN),
      os.run(asUser('second-Pass2')),
    ]);
    expect(after).toEqual([]);
    expectHttpFailure(scoped, /HTTP 401/);

    await Promise.all([os.ok(['user', 'delete', user], ADMIN), os.ok(['project', 'delete', project], ADMIN)]);
    const [u, p] = await Promise.all([os.run(['user', 'show', userId], ADMIN), os.run(['project', 'show', projectId], ADMIN)]);
    expect(u.code).not.toBe(0);
    expect(u.stderr).toMatch(/No user with a name or ID|HTTP 404/);
    expect(p.code).not.toBe(0);
    expect(p.stderr).toMatch(/No project with a name or ID|HTTP 404/);
  }, 300_000);

  it('application credential create, then a token issued with it', async () => {
    const admin = await os.json<Token>(['token', 'issue'], ADMIN);
    const name = uniq('cli-appcred');
    const cred = await os.json<{ id: string; name: string; secret: string; project_id: string }>(
      ['application', 'credential', 'create', name],
      ADMIN,
    );
    expect(cred).toMatchObject({ name, project_id: admin.project_id });
    expect(cred.secret).toBeTruthy();
    const t = await os.json<Token>([
      '--os-auth-type', 'v3applicationcredential',
      '--os-auth-url', authUrl,
      '--os-identity-api-version', '3',
      '--os-application-credential-id', cred.id,
      // One argument with =: a secret may begin with '-' (Keystone's are URL-safe base64), which argparse would take for an option.
      `--os-application-credential-secret=${cred.secret}`,
      'token', 'issue',
    ]);
    expect(t).toMatchObject({ user_id: admin.user_id, project_id: admin.project_id });
    const wrong = await os.run([
      '--os-auth-type', 'v3applicationcredential',
      '--os-auth-url', authUrl,
      '--os-identity-api-version', '3',
      '--os-application-credential-id', cred.id,
      '--os-application-credential-secret', 'not-the-secret',
      'token', 'issue',
    ]);
    expectHttpFailure(wrong, /HTTP 401/);
  });

  it('ec2 credentials create / list / delete', async () => {
    const created = await os.json<{ access: string; secret: string; project_id: string; user_id: string }>(
      ['ec2', 'credentials', 'create'],
      ADMIN,
    );
    expect(created.access).toMatch(/^[0-9a-f]{32}$/);
    expect(created.secret).toMatch(/^[0-9a-f]{32}$/);
    const listed = await os.json<Array<{ Access: string; Secret: string }>>(['ec2', 'credentials', 'list'], ADMIN);
    expect(listed).toContainEqual(expect.objectContaining({ Access: created.access, Secret: created.secret }));
    await os.ok(['ec2', 'credentials', 'delete', created.access], ADMIN);
    const after = await os.json<Array<{ Access: string }>>(['ec2', 'credentials', 'list'], ADMIN);
    expect(after.map((c) => c.Access)).not.toContain(created.access);
  });

  it('token revoke: the token works before and is rejected after', async () => {
    const t = await os.json<Token>(['token', 'issue'], ADMIN);
    const before = await os.json<Token>([...tokenAuthArgs(authUrl, t.id, t.project_id), 'token', 'issue']);
    expect(before.user_id).toBe(t.user_id);
    await os.ok(['token', 'revoke', t.id], ADMIN);
    const after = await os.run([...tokenAuthArgs(authUrl, t.id, t.project_id), 'token', 'issue']);
    // The token auth plugin re-scopes with the `token` method; Keystone answers a revoked one 404.
    expectHttpFailure(after, /Could not find token\. \(HTTP 404\)/);
  });

  it('wrong password: exit code not 0 and a 401 message', async () => {
    const r = await os.run([...passwordAuthArgs(authUrl, 'admin', `${adminPassword}-wrong`, 'admin'), 'token', 'issue']);
    expectHttpFailure(r, /HTTP 401/);
    expect(r.stderr).toContain('The request you have made requires authentication');
  });

  it('expired token: rejected once its lifetime (2 s) has passed', async () => {
    const short = openstackCli(shortLived.dataDir);
    const t = await short.json<Token>(['token', 'issue'], ADMIN);
    const lifetime = new Date(t.expires).getTime() - Date.now();
    // expires is printed with second precision, so allow for rounding.
    expect(lifetime).toBeLessThanOrEqual(3_000);
    await sleep(Math.max(0, lifetime) + 1_500);
    const shortAuthUrl = (await readCloudsYaml(short.configFile)).clouds.skybridge!.auth.auth_url;
    const r = await short.run([...tokenAuthArgs(shortAuthUrl, t.id, t.project_id), 'token', 'issue']);
    expectHttpFailure(r, /Could not find token\. \(HTTP 404\)/);
  });

  it('a member (demo) cannot create a user: 403', async () => {
    const r = await os.run(['user', 'create', '--password', 'x-Pass1', uniq('by-demo')], DEMO);
    expectHttpFailure(r, /HTTP 403/);
  });

  it('a reader cannot write: 403', async () => {
    const project = uniq('cli-readproj');
    const user = uniq('cli-reader');
    await os.ok(['project', 'create', project], ADMIN);
    await os.ok(['user', 'create', '--password', 'reader-Pass1', user], ADMIN);
    await os.ok(['role', 'add', '--project', project, '--user', user, 'reader'], ADMIN);
    const asReader = passwordAuthArgs(authUrl, user, 'reader-Pass1', project);
    const t = await os.json<Token>([...asReader, 'token', 'issue']);
    expect(t.project_id).toMatch(/^[0-9a-f]{32}$/);
    const [proj, usr] = await Promise.all([
      os.run([...asReader, 'project', 'create', uniq('by-reader')]),
      os.run([...asReader, 'user', 'create', '--password', 'x-Pass1', uniq('by-reader')]),
    ]);
    expectHttpFailure(proj, /HTTP 403/);
    expectHttpFailure(usr, /HTTP 403/);
  });
});
