// Request helpers for OpenStack families: JSON body reading with a size limit, and query flags.
import type { Context, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { parseBoundedJson } from '../../../core/bounded-json.js';
import { errors } from '../../../core/errors.js';
import { DEFAULT_MESSAGE } from './errors.js';
import type { OpenStackEnv } from './env.js';

/**
 * Refuses a declared Content-Length above `limit` with 413 before the body is read; `readJson`
 * enforces the same limit on bodies without a length.
 */
export function jsonBodyLimit(limit: number): MiddlewareHandler<OpenStackEnv> {
  return async (c, next) => {
    const len = c.req.header('content-length');
    if (len && Number(len) > limit) throw new HTTPException(413, { message: DEFAULT_MESSAGE[413] });
    await next();
  };
}

/** The parsed JSON body; bad, missing or too deeply nested JSON → 400, over `limit` bytes → 413. */
export async function readJson(c: Context, limit: number): Promise<unknown> {
  const buf = await c.req.arrayBuffer();
  if (buf.byteLength > limit) throw new HTTPException(413, { message: DEFAULT_MESSAGE[413] });
  const text = new TextDecoder().decode(buf);
  if (text.trim() === '') throw errors.invalid(DEFAULT_MESSAGE[400]!, { reason: 'empty-body' });
  return parseBoundedJson(text, DEFAULT_MESSAGE[400]!);
}

/** The parsed JSON body, which must be an object. */
export async function readJsonObject(c: Context, limit: number): Promise<Record<string, unknown>> {
  const body = await readJson(c, limit);
  if (!isObject(body)) throw errors.invalid(DEFAULT_MESSAGE[400]!, { reason: 'not-an-object' });
  return body;
}

/** True for a plain JSON object. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Keystone's flag parsing: present with no value or a true-ish value means true. */
export function queryFlag(c: Context, name: string, presenceIsTrue = false): boolean {
  const v = c.req.query(name);
  if (v === undefined) return false;
  if (v === '') return presenceIsTrue;
  return ['1', 'true', 'yes', 'on', 't', 'y'].includes(v.toLowerCase()) || (presenceIsTrue && !['0', 'false', 'no', 'off', 'f', 'n'].includes(v.toLowerCase()));
}
