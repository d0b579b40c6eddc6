// Security groups as Nova serves them over the network service: a server's groups, add/removeSecurityGroup, and the 2.1 proxy API.
import { eq } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import { cmpInstances } from '../db/schema/compute.js';
import { errors } from '../errors.js';
import { isAdmin, loadVisible, projectOf, requireRule, type ComputeContext } from './context.js';
import type { ComputeSecurityGroups, ProxyRuleRequest, ProxySecurityGroup, ProxySecurityGroupRule } from './ports.js';

function groupsOf(cc: ComputeContext): ComputeSecurityGroups {
  if (!cc.networking) throw errors.notImplemented('Security groups without the network service');
  return cc.networking.securityGroups;
}

/** `GET /servers/{id}/os-security-groups`: the groups on the server's ports. */
export function listServerSecurityGroups(cc: ComputeContext, ctx: RequestContext, id: string): ProxySecurityGroup[] {
  const row = loadVisible(cc, ctx, id);
  requireRule(ctx, 'os_compute_api:os-security-groups:list', { projectId: row.projectId });
  return groupsOf(cc).ofInstance(row.projectId, id);
}

/**
 * `addSecurityGroup` / `removeSecurityGroup`: the group (name or id of the server's project) is
 * applied to, or taken off, every port of the server in the network service; the server's
 * `security_groups` then show the groups on its ports.
 */
export function changeServerSecurityGroup(cc: ComputeContext, ctx: RequestContext, id: string, group: string, add: boolean): void {
  const row = loadVisible(cc, ctx, id);
  requireRule(ctx, add ? 'os_compute_api:os-security-groups:add' : 'os_compute_api:os-security-groups:remove', { projectId: row.projectId });
  const sg = groupsOf(cc);
  const names = add ? sg.addToInstance(row.projectId, id, group) : sg.removeFromInstance(row.projectId, id, group);
  cc.db.update(cmpInstances).set({ securityGroups: names, updatedAt: cc.now() }).where(eq(cmpInstances.id, id)).run();
}

// The proxy API (2.1 to 2.35): the caller's own project, every project for an admin asking `all_tenants`.

export function listSecurityGroups(cc: ComputeContext, ctx: RequestContext, opts: { allTenants?: boolean } = {}): ProxySecurityGroup[] {
  requireRule(ctx, 'os_compute_api:os-security-groups:get', { projectId: projectOf(ctx) });
  return groupsOf(cc).list(ctx, { allProjects: !!opts.allTenants && isAdmin(ctx) });
}

export function getSecurityGroup(cc: ComputeContext, ctx: RequestContext, id: string): ProxySecurityGroup {
  requireRule(ctx, 'os_compute_api:os-security-groups:show', { projectId: projectOf(ctx) });
  return groupsOf(cc).get(ctx, id);
}

export function createSecurityGroup(cc: ComputeContext, ctx: RequestContext, input: { name: string; description: string }): ProxySecurityGroup {
  requireRule(ctx, 'os_compute_api:os-security-groups:create', { projectId: projectOf(ctx) });
  return groupsOf(cc).create(ctx, input);
}

export function updateSecurityGroup(cc: ComputeContext, ctx: RequestContext, id: string, input: { name: string; description: string }): ProxySecurityGroup {
  requireRule(ctx, 'os_compute_api:os-security-groups:update', { projectId: projectOf(ctx) });
  return groupsOf(cc).update(ctx, id, input);
}

export function deleteSecurityGroup(cc: ComputeContext, ctx: RequestContext, id: string): void {
  requireRule(ctx, 'os_compute_api:os-security-groups:delete', { projectId: projectOf(ctx) });
  groupsOf(cc).delete(ctx, id);
}

export function createSecurityGroupRule(cc: ComputeContext, ctx: RequestContext, req: ProxyRuleRequest): ProxySecurityGroupRule {
  requireRule(ctx, 'os_compute_api:os-security-groups:rule:create', { projectId: projectOf(ctx) });
  return groupsOf(cc).createRule(ctx, req);
}

export function deleteSecurityGroupRule(cc: ComputeContext, ctx: RequestContext, id: string): void {
  requireRule(ctx, 'os_compute_api:os-security-groups:rule:delete', { projectId: projectOf(ctx) });
  groupsOf(cc).deleteRule(ctx, id);
}
