// JSON parsing with a nesting bound, shared by every family, so no body can build a value that overflows the stack later.
import { errors } from './errors.js';

/**
 * The deepest nesting of arrays and objects accepted in any JSON input. `JSON.parse` itself copes
 * with far more, but `JSON.stringify` (storing an extra attribute, rendering it back) and every
 * recursive walk over the value overflow the stack at a few thousand levels; real bodies stay well
 * under ten.
 */
export const MAX_JSON_DEPTH = 64;

/** Why {@link parseBoundedJson} refused its input; the families map each to their own 400 message. */
export type JsonRefusal = 'malformed-json' | 'json-too-deep';

/**
 * Deepest array/object nesting in JSON text, stopping early once it passes `limit`. A character scan
 * (strings and escapes skipped), so a hostile body is measured before any value is built.
 */
export function jsonTextDepth(text: string, limit = Infinity): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++;
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) {
      inString = true;
    } else if (ch === 0x7b || ch === 0x5b) {
      if (++depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (ch === 0x7d || ch === 0x5d) {
      depth--;
    }
  }
  return max;
}

/**
 * Deepest array/object nesting of an already-built value (iterative, so it cannot overflow itself);
 * stops early once it passes `limit`. For values that reach core without passing through text.
 */
export function jsonValueDepth(value: unknown, limit = Infinity): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    const here = d + 1;
    if (here > max) {
      max = here;
      if (max > limit) return max;
    }
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, here]);
  }
  return max;
}

/**
 * `JSON.parse(text)`, refusing text nested deeper than `maxDepth` and malformed text with an Invalid
 * core error whose `reason` is a {@link JsonRefusal}; `message` is the family's 400 text.
 */
export function parseBoundedJson(text: string, message: string, maxDepth = MAX_JSON_DEPTH): unknown {
  if (jsonTextDepth(text, maxDepth) > maxDepth) throw errors.invalid(message, { reason: 'json-too-deep' satisfies JsonRefusal });
  try {
    return JSON.parse(text);
  } catch {
    throw errors.invalid(message, { reason: 'malformed-json' satisfies JsonRefusal });
  }
}

/** Throws Invalid (`message`) when a value to be stored is nested deeper than `maxDepth`. */
export function assertJsonDepth(value: unknown, message: string, maxDepth = MAX_JSON_DEPTH): void {
  if (jsonValueDepth(value, maxDepth) > maxDepth) throw errors.invalid(message, { reason: 'json-too-deep' satisfies JsonRefusal });
}
