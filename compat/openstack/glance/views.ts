// Glance's wire views of images, members and tasks (timestamps as `YYYY-MM-DDTHH:MM:SSZ`, links relative to the endpoint).
import type { Image, ImageMember, ImageTask } from '../../../core/image/index.js';

/** Glance's timestamp form (no fractional seconds). */
export const isoTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** One image as Glance shows it: the free-form properties first, the base attributes over them. */
export function imageView(i: Image): Record<string, unknown> {
  return {
    ...i.properties,
    id: i.id,
    name: i.name,
    status: i.status,
    visibility: i.visibility,
    protected: i.protected,
    os_hidden: i.osHidden,
    checksum: i.checksum,
    os_hash_algo: i.osHashAlgo,
    os_hash_value: i.osHashValue,
    owner: i.owner,
    size: i.size,
    virtual_size: i.virtualSize,
    min_ram: i.minRam,
    min_disk: i.minDisk,
    disk_format: i.diskFormat,
    container_format: i.containerFormat,
    created_at: isoTime(i.createdAt),
    updated_at: isoTime(i.updatedAt),
    tags: i.tags,
    self: `/v2/images/${i.id}`,
    file: `/v2/images/${i.id}/file`,
    schema: '/v2/schemas/image',
  };
}

/** One image member. */
export function memberView(m: ImageMember): Record<string, unknown> {
  return {
    created_at: isoTime(m.createdAt),
    image_id: m.imageId,
    member_id: m.member,
    schema: '/v2/schemas/member',
    status: m.status,
    updated_at: isoTime(m.updatedAt),
  };
}

/** One task; `full` adds input, result and message (the list view leaves them out, as Glance does). */
export function taskView(t: ImageTask, full = true): Record<string, unknown> {
  const v: Record<string, unknown> = {
    id: t.id,
    type: t.type,
    status: t.status,
    owner: t.owner,
    expires_at: t.expiresAt === null ? null : isoTime(t.expiresAt),
    created_at: isoTime(t.createdAt),
    updated_at: isoTime(t.updatedAt),
    self: `/v2/tasks/${t.id}`,
    schema: '/v2/schemas/task',
    image_id: t.imageId,
    request_id: t.requestId,
    user_id: t.userId,
  };
  if (full) Object.assign(v, { input: t.input, result: t.result, message: t.message });
  return v;
}
