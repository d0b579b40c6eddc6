// Nova's default policy (secure-RBAC defaults: project reader/member, admin) as a table of rules.
import { admin, type Check, type Rule } from './rules.js';
import { projectMember, projectReader, anyMember, anyReader } from './image-rules.js';

/** `user_id:%(user_id)s`: keypairs belong to their user. */
const keypairOwner: Check = (a, t) => t.userId !== undefined && t.userId === a.userId;

const MEMBER = [admin, projectMember];
const READER = [admin, projectReader];
const ADMIN = [admin];

const table: Array<[string, Check[]]> = [
  ['os_compute_api:servers:create', [admin, anyMember]],
  ['os_compute_api:servers:index', [admin, anyReader]],
  ['os_compute_api:servers:index:get_all_tenants', ADMIN],
  ['os_compute_api:servers:show', READER],
  ['os_compute_api:servers:show:host_status', ADMIN],
  ['os_compute_api:os-extended-server-attributes', ADMIN],
  ['os_compute_api:servers:update', MEMBER],
  ['os_compute_api:servers:delete', MEMBER],
  ['os_compute_api:servers:action', MEMBER],
  ['os_compute_api:servers:create:forced_host', ADMIN],
  ['os_compute_api:os-lock-server:unlock:unlock_override', ADMIN],
  ['os_compute_api:os-migrate-server:migrate', ADMIN],
  ['os_compute_api:os-migrate-server:migrate_live', ADMIN],
  ['os_compute_api:os-migrations:index', ADMIN],
  ['os_compute_api:servers:migrations:index', ADMIN],
  ['os_compute_api:servers:migrations:show', ADMIN],
  ['os_compute_api:servers:migrations:force_complete', ADMIN],
  ['os_compute_api:servers:migrations:delete', ADMIN],
  ['os_compute_api:os-admin-actions:reset_state', ADMIN],
  ['os_compute_api:os-instance-actions:events', ADMIN],
  ['os_compute_api:os-instance-actions:list', READER],
  ['os_compute_api:os-flavor-manage:create', ADMIN],
  ['os_compute_api:os-flavor-manage:update', ADMIN],
  ['os_compute_api:os-flavor-manage:delete', ADMIN],
  ['os_compute_api:os-flavor-extra-specs:create', ADMIN],
  ['os_compute_api:os-flavor-access:add_tenant_access', ADMIN],
  ['os_compute_api:os-flavor-access', ADMIN],
  ['os_compute_api:os-keypairs', [admin, keypairOwner]],
  ['os_compute_api:os-hypervisors', ADMIN],
  ['os_compute_api:os-services', ADMIN],
  ['os_compute_api:os-quota-sets:update', ADMIN],
  ['os_compute_api:os-quota-sets:show', READER],
  ['os_compute_api:os-server-groups:create', [admin, anyMember]],
  ['os_compute_api:os-server-groups', READER],
  ['os_compute_api:os-server-groups:delete', MEMBER],
  ['os_compute_api:os-simple-tenant-usage:list', ADMIN],
  ['os_compute_api:os-simple-tenant-usage:show', READER],
  ['os_compute_api:os-server-external-events:create', ADMIN],
  ['os_compute_api:os-attach-interfaces:list', READER],
  ['os_compute_api:os-attach-interfaces:show', READER],
  ['os_compute_api:os-attach-interfaces:create', MEMBER],
  ['os_compute_api:os-attach-interfaces:delete', MEMBER],
  ['os_compute_api:os-security-groups:list', READER],
  ['os_compute_api:os-security-groups:add', MEMBER],
  ['os_compute_api:os-security-groups:remove', MEMBER],
  // The proxy API: Neutron's own policy decides on each group, as it does behind Nova.
  ['os_compute_api:os-security-groups:get', READER],
  ['os_compute_api:os-security-groups:show', READER],
  ['os_compute_api:os-security-groups:create', MEMBER],
  ['os_compute_api:os-security-groups:update', MEMBER],
  ['os_compute_api:os-security-groups:delete', MEMBER],
  ['os_compute_api:os-security-groups:rule:create', MEMBER],
  ['os_compute_api:os-security-groups:rule:delete', MEMBER],
];

/** Every compute rule by Nova's policy name. */
export const computeRules: ReadonlyMap<string, Rule> = new Map(table.map(([name, anyOf]) => [name, { name, anyOf }]));
