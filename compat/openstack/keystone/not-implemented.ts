// Registers Keystone's 501 NotImplemented answer for every operation of the table that skybridge does not serve.
import type { Context, Env, Hono } from 'hono';
import type { OperationRow } from '../../../core/operations.js';

/** Keystone's wire body for `exception.NotImplemented`. */
export const NOT_IMPLEMENTED_BODY = {
  error: { code: 501, title: 'Not Implemented', message: 'The action you have requested has not been implemented.' },
} as const;

/** Converts an API-reference path (`/v3/users/{user_id}`) to a Hono pattern (`/v3/users/:user_id`). */
export function honoPattern(path: string): string {
  return path.replace(/\{([^}]+)\}/g, ':$1');
}

/** The handler every unimplemented operation gets; exported so tools can tell it apart from real handlers. */
export function notImplemented(c: Context): Response {
  return c.json(NOT_IMPLEMENTED_BODY, 501);
}

/**
 * Adds a 501 route for every row with `implemented: false`. Call it after the real routes and before the
 * catch-all, so a real handler always wins and an unknown path still gets the catch-all's 404.
 * HEAD rows are registered as GET because Hono answers HEAD with the GET route.
 */
export function registerNotImplemented<E extends Env>(app: Hono<E>, rows: readonly OperationRow[]): void {
  for (const row of rows) {
    if (row.implemented) continue;
    const method = row.method === 'HEAD' ? 'GET' : row.method;
    app.on(method, honoPattern(row.path), notImplemented);
  }
}
