// Restarting a real skybridge process keeps its data, token keys and SSE keys (also across `npm run sse-keys:rotate`); SIGTERM exits cleanly with code 0.
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../harness/server.js';
import { keystone, passwordToken, type IssuedToken } from './keystone-http.js';
import { rawS3 } from '../e2e/s3-server.js';
import { cleanEnv, run, treeDigest, md5 } from './object-fixture.js';
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
  const sealed = randomBytes(100_000);
  const bucket = `restart-sse-${randomBytes(4).toString('hex')}`;
  /** A SigV4 request as the admin project's EC2 credential made in the first step. */
  const s3 = (method: string, path: string, headers: Record<string, string> = {}, body?: Buffer) =>
    rawS3(server.url, { method, path, headers, body, access: made.access!, secret: made.secret!, region: 'RegionOne' });

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

  it('before: stores an SSE-S3 object, encrypted on disk', async () => {
    expect((await s3('PUT', `/${bucket}`)).status).toBe(200);
    const put = await s3('PUT', `/${bucket}/sealed`, { 'x-amz-server-side-encryption': 'AES256' }, sealed);
    expect(put.status).toBe(200);
    expect(put.headers.get('x-amz-server-side-encryption')).toBe('AES256');
    expect(Object.values(treeDigest(join(server.dataDir, 'blobs')))).not.toContain(md5(sealed));
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

  it('after: the SSE-S3 object decrypts; after npm run sse-keys:rotate it still does, and new objects use the new key', async () => {
    const got = await s3('GET', `/${bucket}/sealed`);
    expect(got.status).toBe(200);
    expect(Buffer.from(await got.arrayBuffer()).equals(sealed)).toBe(true);
    const rotate = await run('npm', ['run', '--silent', 'sse-keys:rotate'], { env: cleanEnv({ SKYBRIDGE_DATA_DIR: server.dataDir }), cwd: join(import.meta.dirname, '../..') });
    expect(rotate.code, rotate.stderr).toBe(0);
    expect(rotate.stdout).toContain('key 2 is the new primary');
    expect(readFileSync(join(server.dataDir, 'sse-keys', '1'), 'utf8').length).toBeGreaterThan(0);
    await server.restart();
    const fresh = randomBytes(5000);
    expect((await s3('PUT', `/${bucket}/after-rotate`, { 'x-amz-server-side-encryption': 'AES256' }, fresh)).status).toBe(200);
    expect(Buffer.from(await (await s3('GET', `/${bucket}/sealed`)).arrayBuffer()).equals(sealed)).toBe(true);
    expect(Buffer.from(await (await s3('GET', `/${bucket}/after-rotate`)).arrayBuffer()).equals(fresh)).toBe(true);
    const db = new Database(join(server.dataDir, 'skybridge.db'), { readonly: true });
    const keyIds = (db.prepare(`SELECT name, encryption FROM obj_objects WHERE name IN ('sealed', 'after-rotate') ORDER BY name`).all() as Array<{ encryption: string }>).map(
      (r) => (JSON.parse(r.encryption) as { cipher: { keyId: string } }).cipher.keyId,
    );
    db.close();
    expect(keyIds).toHaveLength(2);
    expect(keyIds[0]).not.toBe(keyIds[1]);
  });

  it('exits with code 0 on SIGTERM', async () => {
    const code = await server.stop();
    expect(code).toBe(0);
    expect(server.stderr()).not.toMatch(/Unhandled|TypeError|ReferenceError/);
  });
});
