// Registers Neutron's 501 answer for every operation of the table that skybridge does not serve.
import type { Context, Env, Hono, MiddlewareHandler } from 'hono';
import type { OperationRow } from '../../../core/operations.js';
import { neutronError } from './errors.js';

/** The handler every unimplemented Neutron operation gets (exported so the matrix tells it from real handlers). */
export function notImplemented(c: Context): Response {
  return neutronError(c, 501, 'HTTPNotImplemented', 'This operation is not implemented by skybridge.');
}

/** `/v2.0/networks/{id}` → `/v2.0/networks/:id`. */
const honoPattern = (path: string) => path.replace(/\{([^}]+)\}/g, ':$1');

/** Adds a 501 route (behind authentication, as Neutron checks the token first) for every row with `implemented: false`. */
export function registerNotImplemented<E extends Env>(app: Hono<E>, rows: readonly OperationRow[], auth: MiddlewareHandler<E>): void {
  for (const row of rows) {
    if (row.implemented) continue;
    app.on(row.method === 'HEAD' ? 'GET' : row.method, honoPattern(row.path), auth, notImplemented);
  }
}
