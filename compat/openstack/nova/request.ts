// Nova request parsing: JSON Schema-like checks with Nova's 400 messages, the server create body, query filters.
import type { Context } from 'hono';
import type { CreateServersInput, ListServersOptions, RequestedNetworks } from '../../../core/compute/index.js';
import { SERVER_SORT_KEYS } from '../../../core/compute/index.js';
import { errors } from '../../../core/errors.js';
import { isObject } from '../common/index.js';
import { atLeast, type Microversion } from './microversion.js';

/** Nova's jsonschema error for an unexpected field. */
export function onlyKeys(obj: Record<string, unknown>, allowed: readonly string[], where = ''): void {
  const extra = Object.keys(obj).filter((k) => !allowed.includes(k));
  if (extra.length) {
    throw errors.invalid(`Invalid input for field/attribute ${where || extra[0]}. Value: ${JSON.stringify(obj)}. Additional properties are not allowed (${extra.map((k) => `'${k}'`).join(', ')} ${extra.length > 1 ? 'were' : 'was'} unexpected)`, { reason: 'schema' });
  }
}

export const bad = (field: string, value: unknown, why: string) => errors.invalid(`Invalid input for field/attribute ${field}. Value: ${typeof value === 'string' ? value : JSON.stringify(value)}. ${why}`, { reason: 'schema' });

/** The object under `key` in the body (400 when missing or not an object). */
export function member(body: Record<string, unknown>, key: string): Record<string, unknown> {
  const v = body[key];
  if (!isObject(v)) throw bad(key, v ?? null, `'${key}' is a required property`);
  return v;
}

export function str(o: Record<string, unknown>, key: string, opts: { required?: boolean; max?: number; min?: number; nullable?: boolean } = {}): string | undefined {
  const v = o[key];
  if (v === undefined) {
    if (opts.required) throw bad(key, null, `'${key}' is a required property`);
    return undefined;
  }
  if (v === null && opts.nullable) return undefined;
  if (typeof v !== 'string') throw bad(key, v, `${JSON.stringify(v)} is not of type 'string'`);
  if (opts.min !== undefined && v.length < opts.min) throw bad(key, v, `'${v}' is too short`);
  if (opts.max !== undefined && v.length > opts.max) throw bad(key, v, `'${v}' is too long`);
  return v;
}

/** An integer field; Nova also takes integer strings ("1"). */
export function int(o: Record<string, unknown>, key: string, opts: { min?: number; max?: number } = {}): number | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  const n = typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw bad(key, v, `${JSON.stringify(v)} is not of type 'integer', 'string'`);
  if (opts.min !== undefined && n < opts.min) throw bad(key, v, `${n} is less than the minimum of ${opts.min}`);
  if (opts.max !== undefined && n > opts.max) throw bad(key, v, `${n} is greater than the maximum of ${opts.max}`);
  return n;
}

export function stringMap(o: Record<string, unknown>, key: string): Record<string, string> | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (!isObject(v)) throw bad(key, v, `${JSON.stringify(v)} is not of type 'object'`);
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== 'string') throw bad(`${key}/${k}`, x, `${JSON.stringify(x)} is not of type 'string'`);
    if (k.length > 255 || k.length < 1) throw bad(key, v, `'${k}' does not match any of the regexes`);
    if (x.length > 255) throw bad(`${key}/${k}`, x, `'${x}' is too long`);
  }
  return v as Record<string, string>;
}

/** Nova's `parameter_types.tag`: a string of at most 60 characters without `,` or `/`. */
export function deviceTag(o: Record<string, unknown>, field: string): string | undefined {
  const v = o.tag;
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw bad(field, v, `${JSON.stringify(v)} is not of type 'string'`);
  if (v.length > 60) throw bad(field, v, `'${v}' is too long`);
  if (/[,/]/.test(v)) throw bad(field, v, `'${v}' does not match '^[^,/]*$'`);
  return v;
}

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

function parseNetworks(v: unknown, mv: Microversion): RequestedNetworks {
  if (v === undefined) {
    if (atLeast(mv, 37)) throw bad('networks', null, "'networks' is a required property");
    return 'auto';
  }
  if (v === 'auto' || v === 'none') {
    if (!atLeast(mv, 37)) throw bad('networks', v, `'${v}' is not of type 'array'`);
    return v;
  }
  if (!Array.isArray(v)) throw bad('networks', v, `${JSON.stringify(v)} is not of type 'array'`);
  return v.map((n) => {
    if (!isObject(n)) throw bad('networks', n, `${JSON.stringify(n)} is not of type 'object'`);
    // Device tags: 2.32 to 2.36, then again from 2.42 (2.37's schema left them out).
    const tagged = atLeast(mv, 32) && (!atLeast(mv, 37) || atLeast(mv, 42));
    onlyKeys(n, tagged ? ['uuid', 'port', 'fixed_ip', 'tag'] : ['uuid', 'port', 'fixed_ip'], 'networks');
    const tag = deviceTag(n, 'networks/tag');
    const uuid = str(n, 'uuid');
    const port = str(n, 'port', { nullable: true });
    const fixedIp = str(n, 'fixed_ip');
    if (uuid !== undefined && !UUID.test(uuid)) throw errors.invalid(`Bad networks format: network uuid is not in proper format (${uuid})`, { reason: 'networks' });
    if (port !== undefined && !UUID.test(port)) throw bad('networks/port', port, `'${port}' is not a 'uuid'`);
    if (uuid === undefined && port === undefined) throw errors.invalid('Bad networks format: network uuid or port is required', { reason: 'networks' });
    return { ...(uuid ? { networkId: uuid } : {}), ...(port ? { portId: port } : {}), ...(fixedIp ? { fixedIp } : {}), ...(tag !== undefined ? { tag } : {}) };
  });
}

const SERVER_KEYS = [
  'name',
  'imageRef',
  'flavorRef',
  'adminPass',
  'metadata',
  'networks',
  'OS-DCF:diskConfig',
  'accessIPv4',
  'accessIPv6',
  'personality',
  'key_name',
  'user_data',
  'security_groups',
  'availability_zone',
  'block_device_mapping',
  'block_device_mapping_v2',
  'config_drive',
  'min_count',
  'max_count',
  'return_reservation_id',
];

/** Parses `POST /servers` as the microversion allows (fields of later versions are 400 before them). */
export function parseCreateServer(body: Record<string, unknown>, mv: Microversion): CreateServersInput & { returnReservationId: boolean } {
  onlyKeys(body, ['server', 'os:scheduler_hints', 'OS-SCH-HNT:scheduler_hints']);
  const s = member(body, 'server');
  const allowed = [...SERVER_KEYS];
  if (atLeast(mv, 19)) allowed.push('description');
  if (atLeast(mv, 52)) allowed.push('tags');
  if (atLeast(mv, 63)) allowed.push('trusted_image_certificates');
  if (atLeast(mv, 74)) allowed.push('host', 'hypervisor_hostname');
  if (atLeast(mv, 90)) allowed.push('hostname');
  if (atLeast(mv, 57)) allowed.splice(allowed.indexOf('personality'), 1);
  onlyKeys(s, allowed);
  const name = str(s, 'name', { required: true, max: 255, min: 1 })!;
  if (/^\s|\s$/.test(name)) throw bad('name', name, `'${name}' does not match '^(?! )[a-zA-Z0-9. _-]+(?<! )$'`);
  const flavorRef = s.flavorRef;
  if (flavorRef === undefined) throw bad('flavorRef', null, "'flavorRef' is a required property");
  if (typeof flavorRef !== 'string' && typeof flavorRef !== 'number') throw bad('flavorRef', flavorRef, `${JSON.stringify(flavorRef)} is not of type 'string', 'integer'`);
  let imageRef = str(s, 'imageRef');
  const bdm = s.block_device_mapping_v2;
  if (bdm !== undefined) {
    if (!Array.isArray(bdm)) throw bad('block_device_mapping_v2', bdm, 'is not of type array');
    for (const d of bdm) {
      if (!isObject(d)) throw bad('block_device_mapping_v2', d, 'is not of type object');
      // Only the image itself as the local root disk is served until the volume service exists.
      if (d.source_type === 'image' && (d.destination_type ?? 'local') === 'local' && typeof d.uuid === 'string') imageRef ??= d.uuid;
      else if (d.source_type !== 'blank' || d.destination_type !== 'local') throw errors.notImplemented('Booting from or attaching a volume');
    }
  }
  if (s.block_device_mapping !== undefined) throw errors.notImplemented('Legacy block_device_mapping');
  const minCount = int(s, 'min_count', { min: 1 }) ?? 1;
  const maxCount = int(s, 'max_count', { min: 1 }) ?? minCount;
  if (maxCount < minCount) throw errors.invalid("min_count must be <= max_count", { reason: 'count' });
  const sgs = s.security_groups;
  let securityGroups: string[] | undefined;
  if (sgs !== undefined) {
    if (!Array.isArray(sgs)) throw bad('security_groups', sgs, 'is not of type array');
    securityGroups = sgs.map((g) => {
      if (!isObject(g) || typeof g.name !== 'string') throw bad('security_groups', g, "'name' is a required property");
      return g.name;
    });
  }
  const hints = (body['os:scheduler_hints'] ?? body['OS-SCH-HNT:scheduler_hints']) as Record<string, unknown> | undefined;
  if (hints !== undefined && !isObject(hints)) throw bad('os:scheduler_hints', hints, "is not of type 'object'");
  if (hints?.group !== undefined && (typeof hints.group !== 'string' || !UUID.test(hints.group))) throw bad('os:scheduler_hints/group', hints.group, 'is not a uuid');
  let tags: string[] | undefined;
  if (s.tags !== undefined) {
    if (!Array.isArray(s.tags) || s.tags.some((t) => typeof t !== 'string' || t.length > 60 || t.includes('/') || t.includes(','))) throw bad('tags', s.tags, 'is not valid');
    if (s.tags.length > 50) throw bad('tags', s.tags, 'is too long');
    tags = s.tags as string[];
  }
  const configDrive = s.config_drive;
  const rr = s.return_reservation_id;
  if (rr !== undefined && typeof rr !== 'boolean' && !['true', 'false', 'True', 'False'].includes(String(rr))) throw bad('return_reservation_id', rr, 'is not a boolean');
  return {
    name,
    flavorRef: String(flavorRef),
    imageRef: imageRef || undefined,
    keyName: str(s, 'key_name', { max: 255, nullable: true }),
    userData: str(s, 'user_data', { nullable: true }),
    metadata: stringMap(s, 'metadata'),
    availabilityZone: str(s, 'availability_zone', { max: 255, nullable: true }),
    networks: parseNetworks(s.networks, mv),
    securityGroups,
    minCount,
    maxCount,
    hints: hints ?? {},
    tags,
    description: s.description === null ? null : str(s, 'description', { max: 255 }),
    hostname: str(s, 'hostname', { max: 255 }),
    adminPass: str(s, 'adminPass'),
    accessIpv4: str(s, 'accessIPv4'),
    accessIpv6: str(s, 'accessIPv6'),
    configDrive: configDrive === true || configDrive === 'true' || configDrive === 'True',
    returnReservationId: rr === true || String(rr).toLowerCase() === 'true',
  };
}

/** `2024-01-01T00:00:00Z` (and friends) → ms; 400 when unparseable. */
function time(field: string, v: string): number {
  const t = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v}Z`);
  if (Number.isNaN(t)) throw errors.invalid(`Invalid filter field: ${field}.`, { reason: 'filter' });
  return t;
}

const LIST_PARAMS = new Set([
  'name', 'status', 'image', 'flavor', 'ip', 'ip6', 'changes-since', 'changes-before', 'tags', 'tags-any', 'not-tags', 'not-tags-any', 'host', 'reservation_id',
  'all_tenants', 'project_id', 'tenant_id', 'user_id', 'deleted', 'limit', 'marker', 'sort_key', 'sort_dir', 'availability_zone', 'locked', 'key_name',
  'hostname', 'node', 'config_drive', 'access_ip_v4', 'access_ip_v6', 'launched_at', 'terminated_at', 'created_at', 'uuid', 'vm_state', 'task_state', 'power_state',
  'progress', 'description', 'display_name', 'display_description', 'kernel_id', 'ramdisk_id', 'launch_index', 'root_device_name', 'image_ref', 'locked_by',
  'soft_deleted', 'pinned_availability_zone',
]);

/** The list filters of `GET /servers[/detail]`; unknown parameters are ignored (Nova strips them) and bad values are 400. */
export function parseListServers(c: Context, mv: Microversion, admin: boolean): ListServersOptions {
  const q = (k: string) => c.req.query(k);
  const all = (k: string) => c.req.queries(k) ?? [];
  const opts: ListServersOptions = {};
  for (const k of Object.keys(c.req.queries())) if (!LIST_PARAMS.has(k) && !admin) continue;
  const at = q('all_tenants');
  if (at !== undefined && admin) {
    if (!['', '1', 'true', 'True', '0', 'false', 'False'].includes(at)) throw errors.invalid(`Invalid input for query parameters all_tenants. Value: ${at}.`, { reason: 'filter' });
    opts.allTenants = !['0', 'false', 'False'].includes(at);
  }
  const pid = q('project_id') ?? q('tenant_id');
  if (pid && admin) {
    opts.projectId = pid;
    opts.allTenants = true;
  }
  if (q('name')) opts.name = q('name');
  if (all('status').length) opts.status = all('status');
  if (q('image')) opts.image = q('image');
  if (q('flavor')) opts.flavor = q('flavor');
  if (q('ip')) opts.ip = q('ip');
  if (q('ip6')) opts.ip6 = q('ip6');
  if (q('changes-since')) opts.changesSince = time('changes-since', q('changes-since')!);
  if (atLeast(mv, 66) && q('changes-before')) opts.changesBefore = time('changes-before', q('changes-before')!);
  if (opts.changesSince !== undefined && opts.changesBefore !== undefined && opts.changesBefore < opts.changesSince) throw errors.invalid('The value of changes-since must be less than or equal to changes-before.', { reason: 'filter' });
  const split = (k: string) => (q(k) ? q(k)!.split(',').filter(Boolean) : undefined);
  if (atLeast(mv, 26)) {
    opts.tags = split('tags');
    opts.tagsAny = split('tags-any');
    opts.notTags = split('not-tags');
    opts.notTagsAny = split('not-tags-any');
  }
  if (q('host') && admin) opts.host = q('host');
  if (q('reservation_id')) opts.reservationId = q('reservation_id');
  if (q('user_id') && (admin || atLeast(mv, 83))) opts.userId = q('user_id');
  if (q('availability_zone') && (admin || atLeast(mv, 83))) opts.availabilityZone = q('availability_zone');
  if (q('key_name') && (admin || atLeast(mv, 83))) opts.keyName = q('key_name');
  const locked = q('locked');
  if (locked !== undefined && atLeast(mv, 73)) {
    if (!['true', 'false', 'True', 'False', '1', '0'].includes(locked)) throw errors.invalid(`Invalid input for query parameters locked. Value: ${locked}.`, { reason: 'filter' });
    opts.locked = ['true', 'True', '1'].includes(locked);
  }
  const deleted = q('deleted');
  if (deleted !== undefined && admin) opts.deleted = ['true', 'True', '1'].includes(deleted);
  const limit = q('limit');
  if (limit !== undefined) {
    if (!/^\d+$/.test(limit)) throw errors.invalid(`Invalid input for query parameters limit. Value: ${limit}. '${limit}' does not match '^[0-9]*$'`, { reason: 'limit' });
    opts.limit = Math.min(Number(limit), 1000);
  }
  if (q('marker')) opts.marker = q('marker');
  const keys = all('sort_key');
  const dirs = all('sort_dir');
  for (const k of keys) if (!SERVER_SORT_KEYS.has(k)) throw errors.invalid(`Invalid input for query parameters sort_key. Value: ${k}.`, { reason: 'sort' });
  for (const d of dirs) if (d !== 'asc' && d !== 'desc') throw errors.invalid(`Invalid input for query parameters sort_dir. Value: ${d}. '${d}' is not one of ['asc', 'desc']`, { reason: 'sort' });
  if (keys.length) opts.sortKeys = keys;
  if (dirs.length) opts.sortDirs = dirs as Array<'asc' | 'desc'>;
  return opts;
}
