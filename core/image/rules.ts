// The image rules Glance enforces: formats, attribute kinds (read-only, reserved, base), state transitions, id forms.
import { randomBytes } from 'node:crypto';
import { errors } from '../errors.js';
import type { ImageStatus, SortKey, Visibility } from './types.js';

export const CONTAINER_FORMATS = ['ami', 'ari', 'aki', 'bare', 'ovf', 'ova', 'docker', 'compressed'] as const;
export const DISK_FORMATS = ['ami', 'ari', 'aki', 'vhd', 'vhdx', 'vmdk', 'raw', 'qcow2', 'vdi', 'iso', 'ploop'] as const;
export const VISIBILITIES: readonly Visibility[] = ['public', 'private', 'shared', 'community'];
export const STATUSES: readonly ImageStatus[] = ['queued', 'saving', 'active', 'killed', 'deleted', 'pending_delete', 'deactivated', 'uploading', 'importing'];

/** Attributes a client can never set (Glance: "Attribute 'x' is read-only."). */
export const READ_ONLY = ['checksum', 'created_at', 'direct_url', 'file', 'id', 'os_hash_algo', 'os_hash_value', 'schema', 'self', 'size', 'status', 'updated_at', 'virtual_size', 'stores'];

/** Attributes Glance reserves (Glance: "Attribute 'x' is reserved."); `os_glance_*` is reserved too. */
export const RESERVED = ['deleted', 'deleted_at', 'location', 'locations'];

/** Base attributes stored in columns; every other name is a free-form property. */
export const BASE = ['name', 'visibility', 'protected', 'os_hidden', 'min_disk', 'min_ram', 'container_format', 'disk_format', 'tags', 'owner'];

/** Sort keys Glance accepts. */
export const SORT_KEYS: readonly SortKey[] = ['name', 'status', 'container_format', 'disk_format', 'size', 'virtual_size', 'id', 'created_at', 'updated_at', 'visibility', 'owner', 'min_disk', 'min_ram'];

/** Longest name, tag, property name or value (Glance: 255). */
export const MAX_STRING = 255;
/** Most properties and tags an image may carry (Glance `image_property_quota`, `image_tag_quota`). */
export const MAX_PROPERTIES = 128;
export const MAX_TAGS = 128;
/** Largest page Glance returns (`api_limit_max`) and the default page (`limit_param_default`). */
export const MAX_LIMIT = 1000;
export const DEFAULT_LIMIT = 25;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a UUID in its canonical dashed form (Glance image ids). */
export const isUuid = (s: string) => UUID.test(s);

/** A fresh EC2 image id: `ami-` and 17 hex digits. */
export function newEc2Id(): string {
  return `ami-${randomBytes(9).toString('hex').slice(0, 17)}`;
}

/** Forbidden unless `attr` may be written by a client (read-only, reserved, os_glance_* refused). */
export function assertWritable(attr: string): void {
  if (READ_ONLY.includes(attr)) throw errors.forbidden(`Attribute '${attr}' is read-only.`, { reason: 'read-only', attr });
  if (RESERVED.includes(attr) || attr.startsWith('os_glance')) throw errors.forbidden(`Attribute '${attr}' is reserved.`, { reason: 'reserved', attr });
}

/** Checks a free-form property: name and value lengths, value a string (the schema's additionalProperties). */
export function checkProperty(name: string, value: unknown): string {
  if (name.length === 0 || name.length > MAX_STRING) throw errors.invalid(`Property name must be 1 to ${MAX_STRING} characters: '${name.slice(0, 64)}'`);
  if (typeof value !== 'string') throw errors.invalid(`Provided object does not match schema 'image': ${JSON.stringify(value)} is not of type 'string'`, { attr: name });
  if (value.length > MAX_STRING) throw errors.invalid(`Provided object does not match schema 'image': '${value.slice(0, 32)}…' is too long`, { attr: name });
  return value;
}

/** Validates a base attribute's value and returns it normalised. */
export function checkBase(attr: string, value: unknown): unknown {
  const bad = (why: string) => errors.invalid(`Provided object does not match schema 'image': ${why}`, { attr });
  switch (attr) {
    case 'name':
      if (value !== null && typeof value !== 'string') throw bad(`${JSON.stringify(value)} is not of type 'null', 'string'`);
      if (typeof value === 'string' && value.length > MAX_STRING) throw bad(`'${value.slice(0, 32)}…' is too long`);
      return value;
    case 'owner':
      if (value !== null && typeof value !== 'string') throw bad(`${JSON.stringify(value)} is not of type 'null', 'string'`);
      if (typeof value === 'string' && value.length > MAX_STRING) throw bad(`'${value.slice(0, 32)}…' is too long`);
      return value;
    case 'visibility':
      if (typeof value !== 'string' || !(VISIBILITIES as readonly string[]).includes(value)) throw bad(`${JSON.stringify(value)} is not one of ['community', 'public', 'private', 'shared']`);
      return value;
    case 'protected':
    case 'os_hidden':
      if (typeof value !== 'boolean') throw bad(`${JSON.stringify(value)} is not of type 'boolean'`);
      return value;
    case 'min_disk':
    case 'min_ram':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw bad(`${JSON.stringify(value)} is not of type 'integer'`);
      if (value < 0) throw bad(`${value} is less than the minimum of 0`);
      if (value > 2 ** 31 - 1) throw bad(`${value} is greater than the maximum of 2147483647`);
      return value;
    case 'container_format':
      if (value !== null && !(typeof value === 'string' && (CONTAINER_FORMATS as readonly string[]).includes(value))) {
        throw bad(`${JSON.stringify(value)} is not one of [None, ${CONTAINER_FORMATS.map((f) => `'${f}'`).join(', ')}]`);
      }
      return value;
    case 'disk_format':
      if (value !== null && !(typeof value === 'string' && (DISK_FORMATS as readonly string[]).includes(value))) {
        throw bad(`${JSON.stringify(value)} is not one of [None, ${DISK_FORMATS.map((f) => `'${f}'`).join(', ')}]`);
      }
      return value;
    case 'tags':
      return checkTags(value);
    default:
      return value;
  }
}

/** A tag list: strings of 1..255 characters, at most MAX_TAGS, duplicates collapsed (Glance keeps a set). */
export function checkTags(value: unknown): string[] {
  if (!Array.isArray(value)) throw errors.invalid(`Provided object does not match schema 'image': ${JSON.stringify(value)} is not of type 'array'`, { attr: 'tags' });
  const out: string[] = [];
  for (const t of value) out.push(checkTag(t));
  const unique = [...new Set(out)];
  if (unique.length > MAX_TAGS) throw errors.quota(`Maximum number of tags exceeded by ${unique.length - MAX_TAGS}`, { reason: 'tags' });
  return unique;
}

/** One tag. */
export function checkTag(t: unknown): string {
  if (typeof t !== 'string') throw errors.invalid(`Provided object does not match schema 'image': ${JSON.stringify(t)} is not of type 'string'`, { attr: 'tags' });
  if (t.length === 0 || t.length > MAX_STRING) throw errors.invalid(`Tag must be 1 to ${MAX_STRING} characters.`, { attr: 'tags' });
  return t;
}
