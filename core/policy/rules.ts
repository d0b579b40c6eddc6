// Keystone's default identity policy (secure-RBAC defaults plus the legacy `admin_required`) as a table of rules.
import type { AuthContext } from '../context.js';

/** The facts about the resource being acted on that a rule may compare with the caller. */
export interface PolicyTarget {
  /** The project acted on (or owning the resource). */
  projectId?: string;
  /** The domain acted on (or owning the resource). */
  domainId?: string;
  /** The user acted on (or owning the resource). */
  userId?: string;
}

/** One check: true when the caller passes it for the target. */
export type Check = (auth: AuthContext, target: PolicyTarget) => boolean;

const has = (a: AuthContext, role: string) => a.roles.includes(role);

/** Keystone's `admin_required`: the admin role on any scope (legacy-compatible default). */
export const admin: Check = (a) => has(a, 'admin');
/** `role:reader and system_scope:all`. */
export const systemReader: Check = (a) => a.system === true && has(a, 'reader');
/** `role:reader and domain_id:%(target.domain_id)s` with a domain-scoped token. */
export const domainReader: Check = (a, t) => a.domainId !== undefined && t.domainId === a.domainId && has(a, 'reader');
/** `user_id:%(target.user_id)s`: the caller is the user acted on. */
export const owner: Check = (a, t) => t.userId !== undefined && t.userId === a.userId;
/** `project_id:%(target.project.id)s`: the caller's token is scoped to the project acted on. */
export const projectUser: Check = (a, t) => a.projectId !== undefined && t.projectId === a.projectId;
/** `token.domain.id` or `token.project.domain.id` equals the target domain. */
export const tokenDomain: Check = (a, t) =>
  t.domainId !== undefined && (a.domainId === t.domainId || a.projectDomainId === t.domainId);
/** `role:service`: another OpenStack service calling on behalf of a user. */
export const service: Check = (a) => has(a, 'service');
/** `""` in Keystone: any authenticated caller. */
export const anyone: Check = () => true;

/** A named rule: the caller passes when any of its checks passes. */
export interface Rule {
  name: string;
  anyOf: Check[];
}

const READ_ANY = [admin, systemReader, domainReader];
const ADMIN = [admin];

const table: Array<[string, Check[]]> = [
  // Domains
  ['identity:get_domain', [admin, systemReader, tokenDomain]],
  ['identity:list_domains', [admin, systemReader]],
  ['identity:create_domain', ADMIN],
  ['identity:update_domain', ADMIN],
  ['identity:delete_domain', ADMIN],
  // Projects and their tags
  ['identity:get_project', [...READ_ANY, projectUser]],
  ['identity:list_projects', READ_ANY],
  ['identity:list_user_projects', [...READ_ANY, owner]],
  ['identity:create_project', ADMIN],
  ['identity:update_project', ADMIN],
  ['identity:delete_project', ADMIN],
  ['identity:get_project_tag', [...READ_ANY, projectUser]],
  ['identity:list_project_tags', [...READ_ANY, projectUser]],
  ['identity:create_project_tag', ADMIN],
  ['identity:update_project_tags', ADMIN],
  ['identity:delete_project_tag', ADMIN],
  ['identity:delete_project_tags', ADMIN],
  // Users (self-service password change is unenforced, as in Keystone: it authenticates with the old password)
  ['identity:get_user', [...READ_ANY, owner]],
  ['identity:list_users', READ_ANY],
  ['identity:create_user', ADMIN],
  ['identity:update_user', ADMIN],
  ['identity:delete_user', ADMIN],
  // Groups and membership
  ['identity:get_group', READ_ANY],
  ['identity:list_groups', READ_ANY],
  ['identity:list_groups_for_user', [...READ_ANY, owner]],
  ['identity:list_users_in_group', READ_ANY],
  ['identity:check_user_in_group', READ_ANY],
  ['identity:create_group', ADMIN],
  ['identity:update_group', ADMIN],
  ['identity:delete_group', ADMIN],
  ['identity:add_user_to_group', ADMIN],
  ['identity:remove_user_from_group', ADMIN],
  // Roles and role inference
  ['identity:get_role', READ_ANY],
  ['identity:list_roles', READ_ANY],
  ['identity:create_role', ADMIN],
  ['identity:update_role', ADMIN],
  ['identity:delete_role', ADMIN],
  ['identity:get_implied_role', [admin, systemReader]],
  ['identity:list_implied_roles', [admin, systemReader]],
  ['identity:list_role_inference_rules', [admin, systemReader]],
  ['identity:create_implied_role', ADMIN],
  ['identity:delete_implied_role', ADMIN],
  // Grants on projects and domains, system grants, assignment listing
  ['identity:check_grant', READ_ANY],
  ['identity:list_grants', READ_ANY],
  ['identity:create_grant', ADMIN],
  ['identity:revoke_grant', ADMIN],
  ['identity:list_role_assignments', READ_ANY],
  ['identity:list_role_assignments_for_tree', READ_ANY],
  ['identity:check_system_grant_for_user', [admin, systemReader]],
  ['identity:list_system_grants_for_user', [admin, systemReader]],
  ['identity:create_system_grant_for_user', ADMIN],
  ['identity:revoke_system_grant_for_user', ADMIN],
  ['identity:check_system_grant_for_group', [admin, systemReader]],
  ['identity:list_system_grants_for_group', [admin, systemReader]],
  ['identity:create_system_grant_for_group', ADMIN],
  ['identity:revoke_system_grant_for_group', ADMIN],
  // Application credentials: only the owner creates (they carry the owner's roles on the token's project)
  ['identity:get_application_credential', [admin, systemReader, owner]],
  ['identity:list_application_credentials', [admin, systemReader, owner]],
  ['identity:create_application_credential', [owner]],
  ['identity:delete_application_credential', [admin, owner]],
  // Credentials and OS-EC2 credentials (the same rows)
  ['identity:get_credential', [admin, systemReader, owner]],
  ['identity:list_credentials', [admin, systemReader, owner]],
  ['identity:create_credential', [admin, owner]],
  ['identity:update_credential', [admin, owner]],
  ['identity:delete_credential', [admin, owner]],
  ['identity:ec2_get_credential', [admin, systemReader, owner]],
  ['identity:ec2_list_credentials', [admin, systemReader, owner]],
  ['identity:ec2_create_credential', [admin, owner]],
  ['identity:ec2_delete_credential', [admin, owner]],
  // Catalog (derived entries read-only; added ones admin-managed)
  ['identity:get_region', [anyone]],
  ['identity:list_regions', [anyone]],
  ['identity:get_service', [admin, systemReader]],
  ['identity:list_services', [admin, systemReader]],
  ['identity:get_endpoint', [admin, systemReader]],
  ['identity:list_endpoints', [admin, systemReader]],
  ['identity:create_region', ADMIN],
  ['identity:update_region', ADMIN],
  ['identity:delete_region', ADMIN],
  ['identity:create_service', ADMIN],
  ['identity:update_service', ADMIN],
  ['identity:delete_service', ADMIN],
  ['identity:create_endpoint', ADMIN],
  ['identity:update_endpoint', ADMIN],
  ['identity:delete_endpoint', ADMIN],
  ['identity:create_endpoint_group', ADMIN],
  ['identity:list_endpoint_groups', [admin, systemReader]],
  ['identity:get_endpoint_group', [admin, systemReader]],
  ['identity:update_endpoint_group', ADMIN],
  ['identity:delete_endpoint_group', ADMIN],
  ['identity:add_endpoint_to_project', ADMIN],
  ['identity:check_endpoint_in_project', [admin, systemReader]],
  ['identity:remove_endpoint_from_project', ADMIN],
  ['identity:list_endpoints_for_project', [admin, systemReader]],
  ['identity:list_projects_for_endpoint', [admin, systemReader]],
  ['identity:add_endpoint_group_to_project', ADMIN],
  ['identity:get_endpoint_group_in_project', [admin, systemReader]],
  ['identity:remove_endpoint_group_from_project', ADMIN],
  ['identity:list_projects_associated_with_endpoint_group', [admin, systemReader]],
  ['identity:list_endpoint_groups_for_project', [admin, systemReader]],
  // Tokens (`rule:service_admin_or_token_subject`) and the signature-to-token bridges (`rule:service_or_admin`)
  ['identity:validate_token', [admin, systemReader, service, owner]],
  ['identity:check_token', [admin, systemReader, service, owner]],
  ['identity:revoke_token', [admin, service, owner]],
  ['identity:ec2tokens_validate', [admin, service]],
  ['identity:s3tokens_validate', [admin, service]],
];

/** Every identity rule by action name. */
export const identityRules: ReadonlyMap<string, Rule> = new Map(table.map(([name, anyOf]) => [name, { name, anyOf }]));
