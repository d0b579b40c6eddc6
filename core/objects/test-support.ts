// Helpers the object service's unit tests share: request bodies from strings, and core errors as "kind:reason" text.
import { isCoreError } from '../errors.js';

/** A one-chunk body stream of `s` (an empty body yields no chunk). */
export const bytes = (s: string | Buffer): ReadableStream<Uint8Array> => {
  const b = new Uint8Array(typeof s === 'string' ? Buffer.from(s) : s);
  return new ReadableStream({
    start(c) {
      if (b.length) c.enqueue(b);
      c.close();
    },
  });
};

/** `ok` when `p` resolves, `kind:reason` (or `kind:resource`) for a CoreError; anything else rethrows. */
export async function reason(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isCoreError(e)) return `${e.kind}:${e.detail.reason ?? e.detail.resource ?? ''}`;
    throw e;
  }
  return 'ok';
}
