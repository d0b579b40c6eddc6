// Restarting a real skybridge process keeps its data and token keys; SIGTERM exits cleanly with code 0.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../harness/server.js';
import { keystone, passwordToken } from './keystone-http.js';
import { readCloudsYaml } from './openstack.js';

describe('restart', () => {
  let server: RunningServer;
  const projectName = `restart-proj-${randomBytes(4).toString('hex')}`;
  const userName = `restart-user-${randomBytes(4).toString('hex')}`;
  const userPassword = 'restart-Pass1';

  beforeAll(async () => {
    server = await startServer();
  });

  afterAll(async () => {
    await server?.dispose();
  });

  it('keeps projects, users, EC2 credentials, the generated admin password and live tokens', async () => {
    const { clouds } = await readCloudsYaml(`${server.dataDir}/clouds.yaml`);
    const adminPassword = clouds.skybridge!.auth.password!;
    const admin = await passwordToken(server.url, 'admin', adminPassword, 'admin');
    expect(admin.status).toBe(201);

    const project = await keystone(server.url, admin.id, 'POST', '/projects', { project: { name: projectName, domain_id: 'default' } });
    expect(project.status).toBe(201);
    const user = await keystone(server.url, admin.id, 'POST', '/users', { user: { name: userName, password: userPassword } });
    expect(user.status).toBe(201);
    const ec2 = await keystone(server.url, admin.id, 'POST', `/users/${admin.userId}/credentials/OS-EC2`, { tenant_id: admin.projectId });
    expect(ec2.status).toBe(201);
    const { access, secret } = ec2.body.credential as { access: string; secret: string };

    await server.restart();

    const validated = await keystone(server.url, admin.id, 'GET', '/auth/tokens', undefined, { 'x-subject-token': admin.id });
    expect(validated.status, 'a token issued before the restart still validates (keys persist)').toBe(200);
    expect(validated.body.token.user.id).toBe(admin.userId);

    const p = await keystone(server.url, admin.id, 'GET', `/projects/${project.body.project.id}`);
    expect(p.status).toBe(200);
    expect(p.body.project.name).toBe(projectName);
    const u = await keystone(server.url, admin.id, 'GET', `/users/${user.body.user.id}`);
    expect(u.status).toBe(200);
    expect(u.body.user.name).toBe(userName);
    const c = await keystone(server.url, admin.id, 'GET', `/users/${admin.userId}/credentials/OS-EC2/${access}`);
    expect(c.status).toBe(200);
    expect(c.body.credential).toMatchObject({ access, secret });

    const again = await passwordToken(server.url, 'admin', adminPassword, 'admin');
    expect(again.status, 'the generated admin password is kept, not regenerated').toBe(201);
    const newUser = await passwordToken(server.url, userName, userPassword);
    expect(newUser.status, 'the new user logs in (unscoped) with the password set before the restart').toBe(201);
  });

  it('exits with code 0 on SIGTERM', async () => {
    const code = await server.stop();
    expect(code).toBe(0);
    expect(server.stderr()).not.toMatch(/Error|Unhandled/);
  });
});
