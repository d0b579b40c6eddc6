// Parses the wire body of POST /v3/auth/tokens into core's AuthRequest, with Keystone's 400 messages for bad shapes.
import { errors } from '../../../core/errors.js';
import type { AuthRequest, ScopeRequest } from '../../../core/identity/index.js';
import { isObject } from '../common/index.js';

const bad = (field: string, detail: string) => errors.invalid(`Invalid input for field '${field}': ${detail}`);

const expecting = (attribute: string, target: string) =>
  errors.invalid(
    `Expecting to find ${attribute} in ${target}. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.`,
  );

function optString(o: Record<string, unknown>, key: string, field: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw bad(field, `${JSON.stringify(v)} is not of type 'string'`);
  return v;
}

function ref(v: unknown, field: string): { id?: string; name?: string } | undefined {
  if (v === undefined) return undefined;
  if (!isObject(v)) throw bad(field, `${JSON.stringify(v)} is not of type 'object'`);
  return { id: optString(v, 'id', field), name: optString(v, 'name', field) };
}

/** `{"auth":{"identity":{...},"scope":{...}}}` → AuthRequest; shape errors are 400 as in Keystone's schema check. */
export function parseAuthRequest(body: Record<string, unknown>): AuthRequest {
  const auth = body.auth;
  if (!isObject(auth)) throw bad('auth', "'auth' is a required property");
  const identity = auth.identity;
  if (!isObject(identity)) throw bad('identity', "'identity' is a required property");
  const methods = identity.methods;
  if (!Array.isArray(methods) || methods.length === 0 || !methods.every((m) => typeof m === 'string')) {
    throw bad('methods', "'methods' is a required property and must be a non-empty list of strings");
  }
  const req: AuthRequest = { methods: [...new Set(methods as string[])] };

  if (req.methods.includes('password')) {
    const pw = identity.password;
    if (!isObject(pw) || !isObject(pw.user)) throw bad('password', "'user' is a required property");
    const u = pw.user;
    const password = u.password;
    if (typeof password !== 'string') throw bad('user', "'password' is a required property");
    const domain = ref(u.domain, 'domain');
    const id = optString(u, 'id', 'user');
    const name = optString(u, 'name', 'user');
    if (!id && !name) throw expecting('id or name', 'user');
    if (!id && !domain?.id && !domain?.name) throw expecting('domain', 'user');
    req.password = { user: { id, name, domainId: domain?.id, domainName: domain?.name }, password };
  }
  if (req.methods.includes('token')) {
    const t = identity.token;
    if (!isObject(t) || typeof t.id !== 'string' || !t.id) throw bad('token', "'id' is a required property");
    req.token = { id: t.id.trim() };
  }
  if (req.methods.includes('application_credential')) {
    const a = identity.application_credential;
    if (!isObject(a)) throw bad('application_credential', "'application_credential' is a required property");
    const secret = a.secret;
    if (typeof secret !== 'string') throw bad('application_credential', "'secret' is a required property");
    const id = optString(a, 'id', 'application_credential');
    const name = optString(a, 'name', 'application_credential');
    if (!id && !name) throw expecting('id or name', 'application_credential');
    let user: { id?: string; name?: string; domain?: { id?: string; name?: string } } | undefined;
    if (a.user !== undefined) {
      if (!isObject(a.user)) throw bad('user', `${JSON.stringify(a.user)} is not of type 'object'`);
      user = { id: optString(a.user, 'id', 'user'), name: optString(a.user, 'name', 'user'), domain: ref(a.user.domain, 'domain') };
    }
    if (!id && !user) throw expecting('user', 'application_credential');
    req.applicationCredential = { ref: { id, name, user }, secret };
  }
  req.scope = parseScope(auth.scope);
  return req;
}

function parseScope(s: unknown): ScopeRequest | undefined {
  if (s === undefined || s === null) return undefined;
  if (s === 'unscoped') return { unscoped: true };
  if (!isObject(s)) throw bad('scope', `${JSON.stringify(s)} is not of type 'object'`);
  const out: ScopeRequest = {};
  if ('OS-TRUST:trust' in s) {
    const t = s['OS-TRUST:trust'];
    if (!isObject(t) || typeof t.id !== 'string' || !t.id) throw bad('OS-TRUST:trust', "'id' is a required property");
    out.trust = { id: t.id };
  }
  if (s.project !== undefined) {
    if (!isObject(s.project)) throw bad('project', `${JSON.stringify(s.project)} is not of type 'object'`);
    out.project = { id: optString(s.project, 'id', 'project'), name: optString(s.project, 'name', 'project'), domain: ref(s.project.domain, 'domain') };
  }
  if (s.domain !== undefined) out.domain = ref(s.domain, 'domain');
  if (s.system !== undefined) {
    if (!isObject(s.system) || s.system.all !== true) throw bad('system', "'all' must be true");
    out.system = true;
  }
  return out;
}
