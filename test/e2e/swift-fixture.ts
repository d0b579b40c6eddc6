// Shared setup for the Swift e2e suites: an in-process system, tokens for an owner, a reader and another project.
import { buildTestSystem, type TestSystem } from '../harness/system.js';

/** A caller of the Swift API. */
export interface SwiftUser {
  token: string;
  projectId: string;
  userId: string;
}

/** Request options for `SwiftFixture.req`. */
export interface SwiftInit {
  /** Token to send; `null` sends none (anonymous). Defaults to the owner's. */
  token?: string | null;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

export interface SwiftFixture {
  sys: TestSystem;
  /** Member of the demo project (owns `AUTH_{demo}`). */
  owner: SwiftUser;
  /** Reader-only user on the demo project. */
  reader: SwiftUser;
  /** Admin of the admin project (another account). */
  other: SwiftUser;
  /** `/object/v1/AUTH_{owner project}` + path. */
  url(path?: string, projectId?: string): string;
  /** A Swift request; a body gets its Content-Length. */
  req(method: string, path: string, init?: SwiftInit): Promise<Response>;
  dispose(): Promise<void>;
}

async function login(sys: TestSystem, user: string, password: string, project: string): Promise<SwiftUser> {
  const res = await sys.request('/identity/v3/auth/tokens', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: { methods: ['password'], password: { user: { name: user, domain: { id: 'default' }, password } } },
        scope: { project: { name: project, domain: { id: 'default' } } },
      },
    }),
  });
  if (res.status !== 201) throw new Error(`login ${user} failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { token: { project: { id: string }; user: { id: string } } };
  return { token: res.headers.get('x-subject-token')!, projectId: body.token.project.id, userId: body.token.user.id };
}

/** Builds the system and the three callers. */
export async function swiftFixture(): Promise<SwiftFixture> {
  const sys = await buildTestSystem();
  const boot = sys.firstStart.bootstrap;
  const other = await login(sys, boot.admin.userName, boot.admin.password, boot.admin.projectName);
  const owner = await login(sys, boot.demo.userName, boot.demo.password, boot.demo.projectName);
  // A reader on the demo project, made with the admin's authority.
  const adminCtx = { requestId: 'swift-fixture', auth: (await sys.identity.tokens.validate(other.token)).context };
  const user = await sys.identity.services.users.create(adminCtx, { name: 'swift-reader', domainId: 'default', password: 'reader-secret' });
  const readerRole = sys.identity.services.roles.list(adminCtx, { name: 'reader' })[0]!;
  sys.identity.services.assignments.grant(adminCtx, { actor: { userId: user.id }, target: { projectId: owner.projectId }, roleId: readerRole.id });
  const reader = await login(sys, 'swift-reader', 'reader-secret', boot.demo.projectName);

  const url = (path = '', projectId = owner.projectId) => `/object/v1/AUTH_${projectId}${path}`;
  return {
    sys,
    owner,
    reader,
    other,
    url,
    req(method, path, init = {}) {
      const headers: Record<string, string> = { ...(init.headers ?? {}) };
      const token = init.token === undefined ? owner.token : init.token;
      if (token) headers['x-auth-token'] = token;
      if (init.body !== undefined && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-length' || k.toLowerCase() === 'transfer-encoding')) {
        headers['content-length'] = String(typeof init.body === 'string' ? Buffer.byteLength(init.body) : init.body.byteLength);
      }
      return sys.request(path, { method, headers, body: init.body as BodyInit | undefined });
    },
    dispose: () => sys.dispose(),
  };
}

/** Swift's X-Trans-Id form. */
export const TRANS_ID = /^tx[0-9a-f]{21}-[0-9a-f]{10}$/;
