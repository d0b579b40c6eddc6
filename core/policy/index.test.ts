// Unit tests of the identity policy table: each persona against representative rules.
import { describe, expect, it } from 'vitest';
import type { AuthContext, RequestContext } from '../context.js';
import { isCoreError } from '../errors.js';
import { authorize, can, seesAll } from './index.js';
import { identityRules } from './rules.js';

const base: AuthContext = { userId: 'u1', userName: 'u1', userDomainId: 'default', roles: [], roleIds: [], methods: ['password'], issuedAt: 0, expiresAt: 1 };
const ctx = (a: Partial<AuthContext>): RequestContext => ({ requestId: 'r', auth: { ...base, ...a } });

const projectAdmin = ctx({ projectId: 'p1', projectDomainId: 'default', roles: ['admin', 'member', 'reader'] });
const projectMember = ctx({ projectId: 'p1', projectDomainId: 'default', roles: ['member', 'reader'] });
const projectReader = ctx({ projectId: 'p1', projectDomainId: 'default', roles: ['reader'] });
const systemReader = ctx({ system: true, roles: ['reader'] });
const domainReader = ctx({ domainId: 'd1', roles: ['reader'] });

describe('identity policy', () => {
  it('admin on any scope manages everything', () => {
    for (const action of ['identity:create_user', 'identity:delete_project', 'identity:create_grant', 'identity:create_role', 'identity:list_role_assignments']) {
      expect(can(projectAdmin, action, { domainId: 'other' })).toBe(true);
    }
  });

  it('members and readers cannot manage users, roles, projects, domains, groups or grants', () => {
    const writes = [...identityRules.keys()].filter((k) => /:(create|update|delete|add|remove|revoke)_(user|role|project|domain|group|grant|implied|system|project_tag)/.test(k));
    expect(writes.length).toBeGreaterThan(15);
    for (const who of [projectMember, projectReader, systemReader, domainReader]) {
      for (const action of writes) expect(can(who, action, { projectId: 'p1', domainId: 'd1' }), `${action}`).toBe(false);
    }
  });

  it('a project user reads its own project only', () => {
    expect(can(projectMember, 'identity:get_project', { projectId: 'p1', domainId: 'default' })).toBe(true);
    expect(can(projectMember, 'identity:get_project', { projectId: 'p2', domainId: 'default' })).toBe(false);
    expect(can(projectMember, 'identity:list_projects', {})).toBe(false);
  });

  it('a user reads itself and manages its own credentials, not another user’s', () => {
    expect(can(projectReader, 'identity:get_user', { userId: 'u1' })).toBe(true);
    expect(can(projectReader, 'identity:get_user', { userId: 'u2' })).toBe(false);
    expect(can(projectMember, 'identity:ec2_create_credential', { userId: 'u1' })).toBe(true);
    expect(can(projectMember, 'identity:ec2_create_credential', { userId: 'u2' })).toBe(false);
    expect(can(projectMember, 'identity:create_application_credential', { userId: 'u1' })).toBe(true);
    expect(can(projectAdmin, 'identity:create_application_credential', { userId: 'u2' })).toBe(false);
    expect(can(projectMember, 'identity:delete_application_credential', { userId: 'u2' })).toBe(false);
  });

  it('system readers read everything; domain readers read their own domain', () => {
    expect(can(systemReader, 'identity:list_users', {})).toBe(true);
    expect(can(systemReader, 'identity:list_projects', {})).toBe(true);
    expect(can(domainReader, 'identity:list_users', { domainId: 'd1' })).toBe(true);
    expect(can(domainReader, 'identity:list_users', { domainId: 'd2' })).toBe(false);
    expect(seesAll(systemReader)).toBe(true);
    expect(seesAll(domainReader)).toBe(false);
    expect(seesAll(projectAdmin)).toBe(true);
  });

  it('authorize throws Forbidden naming the action, Unauthenticated without a caller, and denies unknown actions', () => {
    try {
      authorize(projectMember, 'identity:create_user', {});
      expect.unreachable();
    } catch (e) {
      expect(isCoreError(e, 'Forbidden')).toBe(true);
      expect((e as Error).message).toBe('You are not authorized to perform the requested action: identity:create_user.');
    }
    expect(() => authorize({ requestId: 'r' }, 'identity:get_user', {})).toThrow(/requires authentication/);
    expect(can(projectAdmin, 'identity:no_such_rule', {})).toBe(false);
  });
});
