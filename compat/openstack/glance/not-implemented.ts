// Registers Glance's 501 answer for every operation of the table that skybridge does not serve.
import type { Context, Env, Hono } from 'hono';
import type { OperationRow } from '../../../core/operations.js';
import { glanceError } from './errors.js';

/** The handler every unimplemented Glance operation gets (exported so the matrix tells it from real handlers). */
export function notImplemented(c: Context): Response {
  return glanceError(c, { status: 501, title: 'Not Implemented', message: 'This operation is not implemented by skybridge.' });
}

/** `/v2/images/{image_id}` → `/v2/images/:image_id`. */
const honoPattern = (path: string) => path.replace(/\{([^}]+)\}/g, ':$1');

/** Adds a 501 route for every row with `implemented: false`; call after the real routes, before the catch-all. */
export function registerNotImplemented<E extends Env>(app: Hono<E>, rows: readonly OperationRow[]): void {
  for (const row of rows) {
    if (row.implemented) continue;
    app.on(row.method === 'HEAD' ? 'GET' : row.method, honoPattern(row.path), notImplemented);
  }
}

/**
 * Answers 405 (with `Allow`) for a known path asked with a method no row has, as Glance's router does;
 * call after every real and 501 route, before the catch-all.
 */
export function registerMethodNotAllowed<E extends Env>(app: Hono<E>, rows: readonly OperationRow[]): void {
  const methods = new Map<string, Set<string>>();
  for (const row of rows) {
    const set = methods.get(row.path) ?? new Set<string>();
    set.add(row.method);
    methods.set(row.path, set);
  }
  for (const [path, allowed] of methods) {
    const allow = [...allowed].sort().join(', ');
    app.all(honoPattern(path), (c) => {
      const res = glanceError(c, { status: 405, title: 'Method Not Allowed', message: `The method ${c.req.method} is not allowed for this resource.` });
      res.headers.set('Allow', allow);
      return res;
    });
  }
}
