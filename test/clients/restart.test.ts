// Restarting a real skybridge process keeps its data and token keys; SIGTERM exits cleanly with code 0.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../harness/server.js';
import { keystone, passwordToken, type IssuedToken } from './keystone-http.js';
import { readCloudsYaml } from './openstack.js';

// Steps run in order and share state: data is made before the restart and looked up after it.
describe('restart', () => {
  let server: RunningServer;
  let adminPassword = '';
  let admin: IssuedToken;
  const projectName = `restart-proj-${randomBytes(4).toString('hex')}`;
  const userName = `restart-user-${randomBytes(4).toString('hex')}`;
  const userPassword = 'restart-Pass1';
  const made: { projectId?: string; userId?: string; access?: string; secret?: string } = {};

  beforeAll(async () => {
    server = await startServer();
    const { clouds } = await readCloudsYaml(`${server.dataDir}/clouds.yaml`);
    adminPassword = clouds.skybridge!.auth.password!;
    admin = await passwordToken(server.url, 'admin', adminPassword, 'admin');
    expect(admin.status).toBe(201);
  });

  afterAll(async () => {
    await server?.dispose();
  });

  it('before: creates a project, a user and an EC2 credential', async () => {
    const project = await keystone(server.url, admin.id, 'POST', '/projects', { project: { name: projectName, domain_id: 'default' } });
    const user = await keystone(server.url, admin.id, 'POST', '/users', { user: { name: userName, password: userPassword } });
    const ec2 = await keystone(server.url, admin.id, 'POST', `/users/${admin.userId}/credentials/OS-EC2`, { tenant_id: admin.projectId });
    expect(project.status, JSON.stringify(project.body)).toBe(201);
    expect(user.status, JSON.stringify(user.body)).toBe(201);
    expect(ec2.status, JSON.stringify(ec2.body)).toBe(201);
    made.projectId = project.body.project.id;
    made.userId = user.body.user.id;
    made.access = ec2.body.credential.access;
    made.secret = ec2.body.credential.secret;
  });

  it('restarts on the same port and data dir', async () => {
    await server.restart();
    const r = await fetch(`${server.url}/healthz`);
    expect(r.status).toBe(200);
  });

  it('after: a token issued before the restart still validates (the keys persist)', async () => {
    const validated = await keystone(server.url, admin.id, 'GET', '/auth/tokens', undefined, { 'x-subject-token': admin.id });
    expect(validated.status).toBe(200);
    expect(validated.body.token.user.id).toBe(admin.userId);
  });

  it('after: the generated admin password is kept, not regenerated', async () => {
    expect((await passwordToken(server.url, 'admin', adminPassword, 'admin')).status).toBe(201);
  });

  it('after: the project, the user (and its password) and the EC2 credential are there', async () => {
    expect(made.projectId, 'the "before" step did not create its data').toBeDefined();
    const p = await keystone(server.url, admin.id, 'GET', `/projects/${made.projectId}`);
    expect(p.status).toBe(200);
    expect(p.body.project.name).toBe(projectName);
    const u = await keystone(server.url, admin.id, 'GET', `/users/${made.userId}`);
    expect(u.status).toBe(200);
    expect(u.body.user.name).toBe(userName);
    const c = await keystone(server.url, admin.id, 'GET', `/users/${admin.userId}/credentials/OS-EC2/${made.access}`);
    expect(c.status).toBe(200);
    expect(c.body.credential).toMatchObject({ access: made.access, secret: made.secret });
    expect((await passwordToken(server.url, userName, userPassword)).status, 'unscoped login with the pre-restart password').toBe(201);
  });

  it('exits with code 0 on SIGTERM', async () => {
    const code = await server.stop();
    expect(code).toBe(0);
    expect(server.stderr()).not.toMatch(/Unhandled|TypeError|ReferenceError/);
  });
});
