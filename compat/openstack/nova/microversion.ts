// Nova microversions: 2.1 to 2.96 from `OpenStack-API-Version: compute X` or `X-OpenStack-Nova-API-Version`, echoed with Vary; 406 outside.
import type { Context, MiddlewareHandler } from 'hono';
import { errors } from '../../../core/errors.js';
import { httpError, type OpenStackEnv } from '../common/index.js';

export const MIN_VERSION = '2.1';
export const MAX_VERSION = '2.96';
const MAX_MINOR = 96;

/** A parsed microversion (major is always 2). */
export interface Microversion {
  minor: number;
  /** `2.N` as echoed. */
  text: string;
}

/** True when the request's version is at least `2.minor`. */
export const atLeast = (mv: Microversion, minor: number) => mv.minor >= minor;

/** Parses the request's version headers (`latest` is the maximum); 400 for a malformed value, 406 outside 2.1..2.96. */
export function parseMicroversion(c: Context): Microversion {
  let raw: string | undefined;
  const generic = c.req.header('openstack-api-version');
  if (generic) {
    for (const part of generic.split(',')) {
      const [service, ver] = part.trim().split(/\s+/);
      if (service?.toLowerCase() === 'compute' && ver) raw = ver;
    }
  }
  raw ??= c.req.header('x-openstack-nova-api-version')?.trim();
  if (!raw) return { minor: 1, text: '2.1' };
  if (raw.toLowerCase() === 'latest') return { minor: MAX_MINOR, text: MAX_VERSION };
  const m = /^(\d+)\.(\d+)$/.exec(raw);
  if (!m) throw errors.invalid(`API Version String ${raw} is of invalid format. Must be of format MajorNum.MinorNum.`, { reason: 'microversion' });
  const major = Number(m[1]);
  const minor = Number(m[2]);
  if (major !== 2 || minor < 1 || minor > MAX_MINOR) throw httpError(406, `Version ${raw} is not supported by the API. Minimum is ${MIN_VERSION} and maximum is ${MAX_VERSION}.`);
  return { minor, text: `2.${minor}` };
}

/**
 * Negotiates the version of every versioned request and echoes it (both headers, and Vary) on the
 * answer, errors included. Handlers read it with `version(c)`.
 */
export function microversions(store: WeakMap<Request, Microversion>): MiddlewareHandler<OpenStackEnv> {
  return async (c, next) => {
    let mv: Microversion = { minor: 1, text: '2.1' };
    try {
      mv = parseMicroversion(c);
      store.set(c.req.raw, mv);
      await next();
    } finally {
      c.res.headers.set('OpenStack-API-Version', `compute ${mv.text}`);
      c.res.headers.set('X-OpenStack-Nova-API-Version', mv.text);
      c.res.headers.set('Vary', 'OpenStack-API-Version, X-OpenStack-Nova-API-Version');
    }
  };
}
