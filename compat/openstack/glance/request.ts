// Glance request parsing: list query (filters, sort, paging), JSON-patch documents, Range headers, create bodies.
import type { Context } from 'hono';
import type { ByteRange, CreateImageInput, ImageChange, ListImagesOptions, MemberStatus, SortKey, TimeFilter, Visibility } from '../../../core/image/index.js';
import { SORT_KEYS, VISIBILITIES } from '../../../core/image/rules.js';
import { errors } from '../../../core/errors.js';
import { isObject } from '../common/index.js';

const bad = (message: string) => errors.invalid(message, { reason: 'query' });

/** Query parameters that are not filters. */
const NOT_FILTERS = ['limit', 'marker', 'sort_key', 'sort_dir', 'sort'];
const KNOWN_FILTERS = ['name', 'status', 'visibility', 'owner', 'container_format', 'disk_format', 'size_min', 'size_max', 'tag', 'member_status', 'protected', 'os_hidden', 'id', 'created_at', 'updated_at'];

/** `in:a,b` → ['a','b'] (quoted values may hold commas); a plain value → [value]. */
function inList(v: string): string[] {
  if (!v.startsWith('in:')) return [v];
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|([^,]+)/g;
  for (const m of v.slice(3).matchAll(re)) out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!.trim());
  return out.filter((s) => s !== '');
}

function bool(name: string, v: string): boolean {
  const l = v.toLowerCase();
  if (l === 'true') return true;
  if (l === 'false') return false;
  throw bad(`Invalid value '${v}' for '${name}' filter. Valid values are 'true' or 'false'.`);
}

function int(name: string, v: string): number {
  if (!/^\d+$/.test(v)) throw bad(`Invalid value for ${name}: '${v}'. It must be a non-negative integer.`);
  return Number(v);
}

const TIME_OPS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte'] as const;

function timeFilter(name: string, v: string): TimeFilter {
  const i = v.indexOf(':');
  const maybeOp = i > 0 ? v.slice(0, i) : '';
  const [op, value] = (TIME_OPS as readonly string[]).includes(maybeOp) ? [maybeOp as TimeFilter['op'], v.slice(i + 1)] : ['eq' as const, v];
  const at = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) || !value.includes('T') ? value : `${value}Z`);
  if (Number.isNaN(at)) throw bad(`Unable to filter on '${name}': '${value}' is not a valid ISO 8601 timestamp.`);
  return { op, at };
}

function sortKey(k: string): SortKey {
  if (!(SORT_KEYS as readonly string[]).includes(k)) throw bad(`Invalid sort key: ${k}. It must be one of the following: ${SORT_KEYS.join(', ')}.`);
  return k as SortKey;
}

function sortDir(d: string): 'asc' | 'desc' {
  if (d !== 'asc' && d !== 'desc') throw bad(`Invalid sort direction: ${d}`);
  return d;
}

/** Glance's `GET /v2/images` query → list options. Unknown parameters filter on free-form properties. */
export function parseListQuery(c: Context): ListImagesOptions {
  const q = new URL(c.req.url).searchParams;
  const o: ListImagesOptions = {};
  const one = (k: string) => q.get(k) ?? undefined;
  const limit = one('limit');
  if (limit !== undefined) {
    if (!/^-?\d+$/.test(limit)) throw bad('limit param must be an integer');
    o.limit = Number(limit);
    if (o.limit < 0) throw bad('limit param must be positive');
  }
  if (one('marker') !== undefined) o.marker = one('marker');
  const sort = one('sort');
  const keys = q.getAll('sort_key');
  const dirs = q.getAll('sort_dir');
  if (sort !== undefined && (keys.length || dirs.length)) throw bad("The 'sort' parameter can't be used together with 'sort_key' or 'sort_dir'.");
  if (sort !== undefined) {
    o.sort = sort.split(',').map((part) => {
      const [k, d] = part.trim().split(':');
      return { key: sortKey(k!), dir: d === undefined ? 'desc' : sortDir(d) };
    });
  } else if (keys.length || dirs.length) {
    if (dirs.length > 1 && dirs.length !== keys.length) throw bad('Number of sort dirs does not match the number of sort keys');
    const ks = keys.length ? keys : ['created_at'];
    o.sort = ks.map((k, i) => ({ key: sortKey(k), dir: sortDir(dirs[i] ?? dirs[0] ?? 'desc') }));
  }
  for (const [k, v] of q) {
    if (NOT_FILTERS.includes(k)) continue;
    switch (k) {
      case 'name':
        o.name = inList(v);
        break;
      case 'status':
        o.status = inList(v).map((s) => s.toLowerCase());
        break;
      case 'id':
        o.ids = inList(v);
        break;
      case 'container_format':
        o.containerFormat = inList(v);
        break;
      case 'disk_format':
        o.diskFormat = inList(v);
        break;
      case 'visibility':
        if (v !== 'all' && !(VISIBILITIES as readonly string[]).includes(v)) throw bad(`Invalid visibility value: ${v}`);
        o.visibility = v as Visibility | 'all';
        break;
      case 'owner':
        o.owner = v;
        break;
      case 'size_min':
        o.sizeMin = int(k, v);
        break;
      case 'size_max':
        o.sizeMax = int(k, v);
        break;
      case 'tag':
        (o.tags ??= []).push(v);
        break;
      case 'member_status':
        if (!['pending', 'accepted', 'rejected', 'all'].includes(v)) throw bad(`Invalid status value: ${v}`);
        o.memberStatus = v as MemberStatus | 'all';
        break;
      case 'protected':
        o.protected = bool(k, v);
        break;
      case 'os_hidden':
        o.osHidden = bool(k, v);
        break;
      case 'created_at':
        (o.createdAt ??= []).push(timeFilter(k, v));
        break;
      case 'updated_at':
        (o.updatedAt ??= []).push(timeFilter(k, v));
        break;
      default:
        if (!KNOWN_FILTERS.includes(k)) (o.properties ??= {})[k] = v;
    }
  }
  return o;
}

/** The `next` link of a list page: the request's own parameters with the marker moved to the last image. */
export function nextLink(c: Context, lastId: string): string {
  const q = new URL(c.req.url).searchParams;
  q.delete('marker');
  q.append('marker', lastId);
  return `/v2/images?${q.toString()}`;
}

/** The media types Glance accepts on PATCH. */
export const PATCH_TYPES = ['application/openstack-images-v2.1-json-patch', 'application/openstack-images-v2.0-json-patch'];

/** Decodes one JSON pointer to a top-level attribute name (`/a~1b` → `a/b`); nested pointers are 400. */
function pointerAttr(path: unknown): string {
  if (typeof path !== 'string' || !path.startsWith('/')) throw errors.invalid(`Pointer \`${String(path)}\` does not start with "/".`, { reason: 'patch' });
  const parts = path.slice(1).split('/');
  if (parts.length !== 1 || parts[0] === '') throw errors.invalid(`Invalid JSON pointer for this resource: '${path}'`, { reason: 'patch' });
  if (/~(?![01])/.test(parts[0]!)) throw errors.invalid(`Pointer \`${path}\` contains "~" not part of a recognized escape sequence.`, { reason: 'patch' });
  return parts[0]!.replace(/~1/g, '/').replace(/~0/g, '~');
}

/**
 * A JSON-patch document → changes. v2.1 form `{"op":"replace","path":"/name","value":"x"}`; the v2.0 form
 * `{"replace":"/name","value":"x"}` is read too. Only add, replace and remove exist in Glance.
 */
export function parsePatch(body: unknown): ImageChange[] {
  if (!Array.isArray(body)) throw errors.invalid('Request body must be a JSON array of operation objects.', { reason: 'patch' });
  return body.map((raw: unknown) => {
    if (!isObject(raw)) throw errors.invalid('Operations must be JSON objects.', { reason: 'patch' });
    let op: unknown = raw.op;
    let path: unknown = raw.path;
    if (op === undefined) {
      const named = ['add', 'replace', 'remove'].filter((k) => k in raw);
      if (named.length !== 1) throw errors.invalid('Operation objects must contain exactly one member named "add", "remove", or "replace".', { reason: 'patch' });
      op = named[0];
      path = raw[named[0]!];
    }
    if (op !== 'add' && op !== 'replace' && op !== 'remove') throw errors.invalid(`Invalid operation: \`${String(op)}\`: Operation objects must contain exactly one member named "add", "remove", or "replace".`, { reason: 'patch' });
    const attr = pointerAttr(path);
    if (op !== 'remove' && !('value' in raw)) throw errors.invalid(`Operation "${op}" requires a member named "value".`, { reason: 'patch' });
    return op === 'remove' ? { op, attr } : { op, attr, value: raw.value };
  });
}

const CREATE_KEYS: Record<string, keyof CreateImageInput> = {
  id: 'id',
  name: 'name',
  visibility: 'visibility',
  owner: 'owner',
  container_format: 'containerFormat',
  disk_format: 'diskFormat',
  min_disk: 'minDisk',
  min_ram: 'minRam',
  protected: 'protected',
  os_hidden: 'osHidden',
  tags: 'tags',
};

/** A create body: the known attributes by name, everything else handed over as free-form properties. */
export function parseCreate(body: unknown): CreateImageInput {
  if (!isObject(body)) throw errors.invalid('Request body must be a JSON object.', { reason: 'body' });
  const input: Record<string, unknown> = {};
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    const key = CREATE_KEYS[k];
    if (key) input[key] = v;
    else extra[k] = v;
  }
  if (input.id !== undefined && typeof input.id !== 'string') throw errors.invalid(`Provided object does not match schema 'image': ${JSON.stringify(input.id)} is not of type 'string'`);
  return { ...(input as CreateImageInput), extra };
}

/** One `bytes=` range (Glance serves a single range); undefined when absent; 416 when unreadable. */
export function parseRange(header: string | undefined): ByteRange | undefined | 'invalid' {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return 'invalid';
  if (m[1] === '') return { suffix: Number(m[2]) };
  const start = Number(m[1]);
  if (m[2] === '') return { start };
  const end = Number(m[2]);
  if (end < start) return 'invalid';
  return { start, end };
}
