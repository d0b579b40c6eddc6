// Keystone /v3/OS-TRUST/trusts: create, list, show, delete and the delegated roles.
import type { Hono } from 'hono';
import { z } from 'zod';
import type { TrustRow } from '../../../core/identity/trusts.js';
import type { RoleRow } from '../../../core/identity/lookup.js';
import { errors } from '../../../core/errors.js';
import { requireAuth, type OpenStackEnv } from '../common/index.js';
import type { KeystoneDeps } from './app.js';
import { ctxOf, parseMember, parseTime } from './resource-helpers.js';
import { keystoneTime } from './token-view.js';

const createSchema = z.looseObject({
  trustor_user_id: z.string().min(1),
  trustee_user_id: z.string().min(1),
  project_id: z.string().min(1).nullish(),
  impersonation: z.boolean(),
  roles: z.array(z.looseObject({ id: z.string().min(1).optional(), name: z.string().min(1).optional() })).optional(),
  expires_at: z.string().nullish(),
  remaining_uses: z.number().int().positive().nullish(),
  allow_redelegation: z.boolean().optional(),
  redelegation_count: z.number().int().min(0).nullish(),
});

/** Registers the OS-TRUST routes. */
export function registerTrustsRoutes(app: Hono<OpenStackEnv>, deps: KeystoneDeps): void {
  const { identity, identityUrl } = deps;
  const trusts = identity.services.trusts;
  const auth = requireAuth(identity.tokens);
  const base = `${identityUrl}/v3/OS-TRUST/trusts`;
  const roleView = (r: RoleRow) => ({ id: r.id, name: r.name, domain_id: r.domainId, links: { self: `${identityUrl}/v3/roles/${r.id}` } });
  const trustView = (t: TrustRow) => ({
    id: t.id,
    trustor_user_id: t.trustorUserId,
    trustee_user_id: t.trusteeUserId,
    project_id: t.projectId,
    impersonation: t.impersonation,
    expires_at: t.expiresAt === null ? null : keystoneTime(t.expiresAt),
    remaining_uses: t.remainingUses,
    allow_redelegation: t.redelegationCount > 0,
    redelegation_count: t.redelegationCount,
    redelegated_trust_id: t.redelegatedTrustId,
    roles: trusts.rolesOf(t).map(roleView),
    roles_links: { self: `${base}/${t.id}/roles`, previous: null, next: null },
    links: { self: `${base}/${t.id}` },
  });

  app.post('/v3/OS-TRUST/trusts', auth, async function createTrust(c) {
    const b = await parseMember(c, deps.jsonBodyLimit, 'trust', createSchema);
    for (const r of b.roles ?? []) if (!r.id && !r.name) throw errors.invalid("Invalid input for field 'roles': each role needs an id or a name.");
    const t = trusts.create(ctxOf(c), {
      trustorUserId: b.trustor_user_id,
      trusteeUserId: b.trustee_user_id,
      ...(b.project_id ? { projectId: b.project_id } : {}),
      impersonation: b.impersonation,
      roles: (b.roles ?? []).map((r) => ({ id: r.id, name: r.name })),
      expiresAt: parseTime(b.expires_at, 'expires_at'),
      remainingUses: b.remaining_uses,
      allowRedelegation: b.allow_redelegation,
      redelegationCount: b.redelegation_count,
    });
    return c.json({ trust: trustView(t) }, 201);
  });

  app.get('/v3/OS-TRUST/trusts', auth, function listTrusts(c) {
    const rows = trusts.list(ctxOf(c), { trustorUserId: c.req.query('trustor_user_id'), trusteeUserId: c.req.query('trustee_user_id') });
    return c.json({ trusts: rows.map(trustView), links: { self: base, previous: null, next: null } });
  });

  app.get('/v3/OS-TRUST/trusts/:trust_id', auth, function showTrust(c) {
    return c.json({ trust: trustView(trusts.get(ctxOf(c), c.req.param('trust_id'))) });
  });

  app.delete('/v3/OS-TRUST/trusts/:trust_id', auth, function deleteTrust(c) {
    trusts.delete(ctxOf(c), c.req.param('trust_id'));
    return c.body(null, 204);
  });

  app.get('/v3/OS-TRUST/trusts/:trust_id/roles', auth, function listTrustRoles(c) {
    const t = trusts.get(ctxOf(c), c.req.param('trust_id'));
    return c.json({ roles: trusts.rolesOf(t).map(roleView), links: { self: `${base}/${t.id}/roles`, previous: null, next: null } });
  });

  // HEAD is answered by this GET route (Hono), with the same status and no body.
  app.get('/v3/OS-TRUST/trusts/:trust_id/roles/:role_id', auth, function showTrustRole(c) {
    const t = trusts.get(ctxOf(c), c.req.param('trust_id'));
    const role = trusts.rolesOf(t).find((r) => r.id === c.req.param('role_id'));
    if (!role) throw errors.notFound('role', c.req.param('role_id'));
    return c.json({ role: roleView(role) });
  });
}
