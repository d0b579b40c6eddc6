// Minimal Keystone v3 calls over real HTTP (fetch), for tests that need a token or a resource quickly.

/** A project-scoped (or unscoped) token as issued by `POST /identity/v3/auth/tokens`. */
export interface IssuedToken {
  id: string;
  userId: string;
  projectId?: string;
  status: number;
}

/** Password authentication for a Default-domain user; `project` (name) scopes the token. */
export async function passwordToken(baseUrl: string, user: string, password: string, project?: string): Promise<IssuedToken> {
  const auth: Record<string, unknown> = {
    identity: { methods: ['password'], password: { user: { name: user, domain: { name: 'Default' }, password } } },
  };
  if (project) auth.scope = { project: { name: project, domain: { name: 'Default' } } };
  const r = await fetch(`${baseUrl}/identity/v3/auth/tokens?nocatalog`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ auth }),
  });
  const body = (await r.json().catch(() => ({}))) as { token?: { user?: { id: string }; project?: { id: string } } };
  return { id: r.headers.get('x-subject-token') ?? '', userId: body.token?.user?.id ?? '', projectId: body.token?.project?.id, status: r.status };
}

/** An authenticated JSON call to the identity API; returns status and parsed body (or null). */
export async function keystone(
  baseUrl: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<{ status: number; body: any }> {
  const r = await fetch(`${baseUrl}/identity/v3${path}`, {
    method,
    headers: { 'x-auth-token': token, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...extraHeaders },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  let parsed: any = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  return { status: r.status, body: parsed };
}
