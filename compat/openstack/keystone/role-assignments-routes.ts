// Keystone grants (projects, domains, system; users and groups; OS-INHERIT) and GET /v3/role_assignments.
import type { Context, Hono } from 'hono';
import type { Actor, AssignmentScope } from '../../../core/identity/assignments.js';
import { queryFlag, requireAuth, type OpenStackEnv } from '../common/index.js';
import type { KeystoneDeps } from './app.js';
import { ctxOf, listLinks } from './resource-helpers.js';
import { KeystoneViews } from './views.js';

type C = Context<OpenStackEnv>;

interface GrantFamily {
  /** Path prefix up to the role id, with Hono params. */
  base: string;
  /** Operation noun: `ProjectUser` → grantProjectUserRole, checkProjectUserRole… */
  noun: string;
  target: (c: C) => AssignmentScope;
  actor: (c: C) => Actor;
  inherited: boolean;
}

const project = (c: C): AssignmentScope => ({ projectId: c.req.param('project_id')! });
const domain = (c: C): AssignmentScope => ({ domainId: c.req.param('domain_id')! });
const system = (): AssignmentScope => ({ system: true });
const user = (c: C): Actor => ({ userId: c.req.param('user_id')! });
const group = (c: C): Actor => ({ groupId: c.req.param('group_id')! });

const FAMILIES: GrantFamily[] = [
  { base: '/v3/projects/:project_id/users/:user_id/roles', noun: 'ProjectUser', target: project, actor: user, inherited: false },
  { base: '/v3/projects/:project_id/groups/:group_id/roles', noun: 'ProjectGroup', target: project, actor: group, inherited: false },
  { base: '/v3/domains/:domain_id/users/:user_id/roles', noun: 'DomainUser', target: domain, actor: user, inherited: false },
  { base: '/v3/domains/:domain_id/groups/:group_id/roles', noun: 'DomainGroup', target: domain, actor: group, inherited: false },
  { base: '/v3/system/users/:user_id/roles', noun: 'SystemUser', target: system, actor: user, inherited: false },
  { base: '/v3/system/groups/:group_id/roles', noun: 'SystemGroup', target: system, actor: group, inherited: false },
  { base: '/v3/OS-INHERIT/domains/:domain_id/users/:user_id/roles', noun: 'InheritedDomainUser', target: domain, actor: user, inherited: true },
  { base: '/v3/OS-INHERIT/domains/:domain_id/groups/:group_id/roles', noun: 'InheritedDomainGroup', target: domain, actor: group, inherited: true },
  { base: '/v3/OS-INHERIT/projects/:project_id/users/:user_id/roles', noun: 'InheritedProjectUser', target: project, actor: user, inherited: true },
  { base: '/v3/OS-INHERIT/projects/:project_id/groups/:group_id/roles', noun: 'InheritedProjectGroup', target: project, actor: group, inherited: true },
];

/** Names a handler after its wire operation (e.g. `grantProjectUserRole`), as the style guide asks. */
function named<T extends (c: C) => unknown>(name: string, fn: T): T {
  Object.defineProperty(fn, 'name', { value: name });
  return fn;
}

/** Registers grant/check/revoke/list for every actor × target family, and the role assignment listing. */
export function registerRoleAssignmentsRoutes(app: Hono<OpenStackEnv>, deps: KeystoneDeps): void {
  const { identity, identityUrl } = deps;
  const assignments = identity.services.assignments;
  const views = new KeystoneViews(identityUrl);
  const auth = requireAuth(identity.tokens);

  for (const f of FAMILIES) {
    // Keystone has no listing of grants inherited from a project (only from a domain).
    const listable = !(f.inherited && f.noun.startsWith('InheritedProject'));
    const suffix = f.inherited ? '/:role_id/inherited_to_projects' : '/:role_id';
    const listPath = f.inherited ? `${f.base}/inherited_to_projects` : f.base;
    const grantOf = (c: C) => ({ actor: f.actor(c), target: f.target(c), roleId: c.req.param('role_id')!, inherited: f.inherited });

    if (listable) app.get(
      listPath,
      auth,
      named(`list${f.noun}Roles`, (c: C) => {
        const rows = assignments.listGrants(ctxOf(c), f.actor(c), f.target(c), f.inherited);
        return c.json({ roles: rows.map((r) => views.role(r)), links: listLinks(c, identityUrl) });
      }),
    );
    app.put(
      `${f.base}${suffix}`,
      auth,
      named(`grant${f.noun}Role`, (c: C) => {
        assignments.grant(ctxOf(c), grantOf(c));
        return c.body(null, 204);
      }),
    );
    // HEAD is answered by this GET route.
    app.get(
      `${f.base}${suffix}`,
      auth,
      named(`check${f.noun}Role`, (c: C) => {
        assignments.check(ctxOf(c), grantOf(c));
        return c.body(null, 204);
      }),
    );
    app.delete(
      `${f.base}${suffix}`,
      auth,
      named(`revoke${f.noun}Role`, (c: C) => {
        assignments.revoke(ctxOf(c), grantOf(c));
        return c.body(null, 204);
      }),
    );
  }

  app.get('/v3/role_assignments', auth, function listRoleAssignments(c) {
    const entries = assignments.list(ctxOf(c), {
      userId: c.req.query('user.id'),
      groupId: c.req.query('group.id'),
      roleId: c.req.query('role.id'),
      projectId: c.req.query('scope.project.id'),
      domainId: c.req.query('scope.domain.id'),
      system: c.req.query('scope.system') !== undefined,
      inheritedToProjects: c.req.query('scope.OS-INHERIT:inherited_to') === 'projects',
      effective: queryFlag(c, 'effective', true),
      includeNames: queryFlag(c, 'include_names', true),
      includeSubtree: queryFlag(c, 'include_subtree', true),
    });
    return c.json({ role_assignments: entries.map((e) => views.roleAssignment(e)), links: listLinks(c, identityUrl) });
  });
}
