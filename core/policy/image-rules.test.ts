// Glance's default policy table: admin everywhere, members write their project's images, readers only read.
import { describe, expect, it } from 'vitest';
import type { RequestContext } from '../context.js';
import { can } from './index.js';
import { imageRules } from './image-rules.js';

const ctx = (roles: string[], projectId = 'p1'): RequestContext => ({
  requestId: 'r',
  auth: { userId: 'u', userName: 'u', userDomainId: 'default', projectId, roles, roleIds: [], methods: ['password'], issuedAt: 0, expiresAt: Infinity },
});
const allowed = (c: RequestContext, action: string, projectId = 'p1') => can(c, action, { projectId }, imageRules);

describe('imageRules', () => {
  it('lets a member write its own project images, not another project', () => {
    const member = ctx(['member', 'reader']);
    for (const a of ['add_image', 'modify_image', 'delete_image', 'upload_image', 'add_member', 'import_image', 'deactivate']) expect(allowed(member, a), a).toBe(true);
    for (const a of ['modify_image', 'delete_image', 'upload_image']) expect(allowed(member, a, 'p2'), a).toBe(false);
    expect(allowed(member, 'publicize_image')).toBe(false);
    expect(allowed(member, 'get_tasks')).toBe(false);
  });

  it('lets a reader read and download, and nothing else', () => {
    const reader = ctx(['reader']);
    for (const a of ['get_image', 'get_images', 'download_image', 'get_members']) expect(allowed(reader, a), a).toBe(true);
    for (const a of ['add_image', 'modify_image', 'delete_image', 'upload_image', 'stage_image', 'add_image_tag']) expect(allowed(reader, a), a).toBe(false);
  });

  it('lets an admin do everything, and denies unknown actions and anonymous callers', () => {
    const admin = ctx(['admin', 'member', 'reader']);
    for (const name of imageRules.keys()) expect(allowed(admin, name, 'other'), name).toBe(true);
    expect(allowed(admin, 'no_such_action')).toBe(false);
    expect(can({ requestId: 'r' }, 'get_image', {}, imageRules)).toBe(false);
  });
});
