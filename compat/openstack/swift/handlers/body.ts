// Reading small request bodies (manifests, bulk-delete lists) with a size cap.
import { SwiftError } from '../errors.js';
import type { SwiftRequest } from '../request.js';

/** The request body as UTF-8 text; 413 when it exceeds `limit` bytes (checked while reading), 400 when it is not UTF-8. */
export async function readBodyText(r: SwiftRequest, limit: number, tooLarge = 'Your request is too large.'): Promise<string> {
  const declared = Number(r.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) throw new SwiftError(413, tooLarge);
  const body = r.c.req.raw.body;
  if (!body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new SwiftError(413, tooLarge);
    }
    chunks.push(value);
  }
  try {
    return UTF8.decode(Buffer.concat(chunks));
  } catch {
    // Replacing bad bytes with U+FFFD would make a manifest or delete list name some other object.
    throw new SwiftError(400, 'Invalid UTF8 or contains NULL');
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });
