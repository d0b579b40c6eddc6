// Shared helpers for in-process Keystone resource tests: a system, password logins and JSON requests.
import { expect } from 'vitest';
import { TestClock } from '../../core/identity/testing/fakes.js';
import { buildTestSystem, type TestSystem } from '../harness/system.js';

export type Body = Record<string, any>;

/** A built system plus helpers that speak Keystone JSON. */
export interface KeystoneFixture {
  sys: TestSystem;
  clock: TestClock;
  /** Logs in with a password, project-scoped when `project` is given; returns the token id. */
  login(name: string, password: string, project?: string): Promise<string>;
  /** Sends a request under `/identity`; the body is JSON-encoded. */
  call(method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; body: Body; headers: Headers }>;
  /** Admin creates a user with `password` and grants `role` on project `projectId`; returns the user id. */
  userWithRole(name: string, password: string, projectId: string, role: string): Promise<string>;
  roleId(name: string): Promise<string>;
  adminToken: string;
  adminProjectId: string;
  demoProjectId: string;
}

/** Builds a system (with optional env) and an admin token. */
export async function keystoneFixture(env: Record<string, string> = {}): Promise<KeystoneFixture> {
  const clock = new TestClock(Date.now());
  const sys = await buildTestSystem(env, { clock });
  const call = async (method: string, path: string, token?: string, body?: unknown) => {
    const headers: Record<string, string> = {};
    if (token) headers['x-auth-token'] = token;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const r = await sys.request(`/identity${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    return { status: r.status, body: (text ? JSON.parse(text) : {}) as Body, headers: r.headers };
  };
  const login = async (name: string, password: string, project?: string) => {
    const r = await call('POST', '/v3/auth/tokens', undefined, {
      auth: {
        identity: { methods: ['password'], password: { user: { name, password, domain: { id: 'default' } } } },
        ...(project ? { scope: { project: { name: project, domain: { id: 'default' } } } } : {}),
      },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.headers.get('x-subject-token')!;
  };
  const adminToken = await login('admin', 'admin-secret', 'admin');
  const projects = (await call('GET', '/v3/projects', adminToken)).body.projects as Body[];
  const roleId = async (name: string) => ((await call('GET', `/v3/roles?name=${name}`, adminToken)).body.roles as Body[])[0]!.id as string;
  const userWithRole = async (name: string, password: string, projectId: string, role: string) => {
    const u = await call('POST', '/v3/users', adminToken, { user: { name, password, domain_id: 'default' } });
    expect(u.status, JSON.stringify(u.body)).toBe(201);
    const g = await call('PUT', `/v3/projects/${projectId}/users/${u.body.user.id}/roles/${await roleId(role)}`, adminToken);
    expect(g.status).toBe(204);
    return u.body.user.id as string;
  };
  return {
    sys,
    clock,
    login,
    call,
    userWithRole,
    roleId,
    adminToken,
    adminProjectId: projects.find((p) => p.name === 'admin')!.id,
    demoProjectId: projects.find((p) => p.name === 'demo')!.id,
  };
}
