// Glance's default image policy (secure-RBAC defaults: project reader/member, admin) as a table of rules.
import { admin, type Check, type Rule } from './rules.js';

const has = (roles: string[], role: string) => roles.includes(role);

/** `role:member and project_id:%(project_id)s`: a member of the project that owns the target. */
export const projectMember: Check = (a, t) => a.projectId !== undefined && t.projectId === a.projectId && (has(a.roles, 'member') || has(a.roles, 'admin'));
/** `role:reader and project_id:%(project_id)s`. */
export const projectReader: Check = (a, t) => a.projectId !== undefined && t.projectId === a.projectId && (has(a.roles, 'reader') || has(a.roles, 'member') || has(a.roles, 'admin'));
/** A reader on any project (visibility decides the rest: public, community, shared-with-member images). */
export const anyReader: Check = (a) => a.projectId !== undefined && (has(a.roles, 'reader') || has(a.roles, 'member') || has(a.roles, 'admin'));
/** A member on any project (creating in one's own project; the owner check is separate). */
export const anyMember: Check = (a) => a.projectId !== undefined && (has(a.roles, 'member') || has(a.roles, 'admin'));

const MEMBER_OR_ADMIN = [admin, projectMember];
const READER_OR_ADMIN = [admin, anyReader];

const table: Array<[string, Check[]]> = [
  ['get_image', READER_OR_ADMIN],
  ['get_images', READER_OR_ADMIN],
  ['add_image', [admin, anyMember]],
  ['modify_image', MEMBER_OR_ADMIN],
  ['delete_image', MEMBER_OR_ADMIN],
  ['publicize_image', [admin]],
  ['communitize_image', MEMBER_OR_ADMIN],
  ['set_image_owner', [admin]],
  ['download_image', READER_OR_ADMIN],
  ['upload_image', MEMBER_OR_ADMIN],
  ['add_image_tag', MEMBER_OR_ADMIN],
  ['delete_image_tag', MEMBER_OR_ADMIN],
  ['deactivate', MEMBER_OR_ADMIN],
  ['reactivate', MEMBER_OR_ADMIN],
  ['add_member', MEMBER_OR_ADMIN],
  ['delete_member', MEMBER_OR_ADMIN],
  ['get_members', READER_OR_ADMIN],
  ['get_member', READER_OR_ADMIN],
  // The member project decides its own membership: the target is the member's project.
  ['modify_member', [admin, projectMember]],
  ['stage_image', MEMBER_OR_ADMIN],
  ['import_image', MEMBER_OR_ADMIN],
  // Glance makes the general tasks API admin-only; an image's own tasks follow get_image.
  ['get_task', [admin, projectReader]],
  ['get_tasks', [admin]],
  ['add_task', [admin]],
  ['get_image_tasks', READER_OR_ADMIN],
];

/** Every image rule by action name (Glance's policy names). */
export const imageRules: ReadonlyMap<string, Rule> = new Map(table.map(([name, anyOf]) => [name, { name, anyOf }]));
