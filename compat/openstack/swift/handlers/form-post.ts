// Swift's formpost middleware: a browser form POSTs files to /v1/AUTH_x/container[/prefix], signed with a temp-url key.
import { Readable } from 'node:stream';
import { rawTarget } from '../../../../core/context.js';
import { isCoreError } from '../../../../core/errors.js';
import type { TempUrlGrant } from '../../../../core/objects/types.js';
import { fromCoreError } from '../errors.js';
import { MultipartError, formBoundary, readMultipart } from '../multipart-form.js';
import { parseDeleteAt } from '../request-parse.js';
import { projectOf, respond, type SwiftRequest } from '../request.js';

/** Swift formpost's cap on one attribute's value (`MAX_VALUE_LENGTH`). */
const MAX_VALUE_LENGTH = 4096;

/** swob's status lines for the answers a form gets. */
const STATUS_LINE: Record<number, string> = {
  201: '201 Created',
  400: '400 Bad Request',
  401: '401 Unauthorized',
  403: '403 Forbidden',
  404: '404 Not Found',
  412: '412 Precondition Failed',
  413: '413 Request Entity Too Large',
  422: '422 Unprocessable Entity',
  500: '500 Internal Error',
  503: '503 Service Unavailable',
};

/** A form failure: its status and the message Swift puts after `FormPost: `. */
class FormFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Python's `str.title()`: a capital after every non-letter, lower case elsewhere (`max_file_size` → `Max_File_Size`). */
function pyTitle(s: string): string {
  let out = '';
  let prevLetter = false;
  for (const ch of s) {
    const letter = /\p{L}/u.test(ch);
    out += letter ? (prevLetter ? ch.toLowerCase() : ch.toUpperCase()) : ch;
    prevLetter = letter;
  }
  return out;
}

/** Reads a small part (a form attribute) as text. */
async function attributeValue(body: ReadableStream<Uint8Array>): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const c of body as unknown as AsyncIterable<Uint8Array>) {
    size += c.byteLength;
    if (size > MAX_VALUE_LENGTH) throw new FormFailure(400, 'max_value_length exceeded');
    chunks.push(c);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Passes at most `max` bytes; a longer body fails the form with `max_file_size exceeded`. */
function capped(body: ReadableStream<Uint8Array>, max: number): ReadableStream<Uint8Array> {
  let seen = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > max) controller.error(new FormFailure(400, 'max_file_size exceeded'));
        else controller.enqueue(chunk);
      },
    }),
  );
}

/**
 * POST multipart/form-data to a container or pseudo-folder: `redirect`, `max_file_size`, `max_file_count`,
 * `expires` and `signature` (then optional `x_delete_at` / `x_delete_after`) come before the files; each file
 * becomes `<prefix><filename>`. Answers `201 Created\r\nFormPost: ` (or the failure) as text, or a 303 to
 * `redirect` with `status` and `message` in its query, as Swift's formpost does.
 */
export async function formPost(r: SwiftRequest): Promise<Response> {
  const projectId = projectOf(r);
  const container = r.target.container!;
  const prefix = r.target.object ?? '';
  const attrs: Record<string, string> = {};
  let grant: TempUrlGrant | undefined;
  let files = 0;
  let status = 0;
  let message = '';
  const boundary = formBoundary(r.headers.get('content-type'));
  try {
    if (!boundary) throw new FormFailure(400, 'invalid boundary');
    const body = r.c.req.raw.body;
    const source = body ? Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>) : Readable.from([]);
    for await (const part of readMultipart(source, boundary)) {
      if (part.filename === undefined) {
        const v = await attributeValue(part.body());
        if (!(part.name in attrs)) attrs[part.name] = v;
        continue;
      }
      if (!grant) grant = await authorise(r, projectId, container, prefix, attrs);
      // A file input left empty arrives with an empty filename: nothing to upload.
      if (part.filename === '') continue;
      const maxCount = Number(attrs.max_file_count);
      if (files >= maxCount) throw new FormFailure(400, 'max_file_count exceeded');
      files++;
      const deleteAt = parseDeleteAt(new Headers(Object.entries({ 'x-delete-at': attrs.x_delete_at, 'x-delete-after': attrs.x_delete_after }).filter((e): e is [string, string] => e[1] !== undefined)), r.deps.now());
      try {
        await r.deps.objects.putObject(r.ctx, { projectId, container, name: `${prefix}${part.filename}` }, capped(part.body(), Number(attrs.max_file_size)), {
          contentType: part.contentType ?? 'application/octet-stream',
          ...(deleteAt !== undefined ? { deleteAt } : {}),
          grant,
        });
      } catch (e) {
        if (e instanceof FormFailure) throw e;
        if (isCoreError(e) && e.detail.cause instanceof FormFailure) throw e.detail.cause;
        if (!isCoreError(e)) throw e;
        throw new FormFailure(fromCoreError(e).status, e.kind === 'QuotaExceeded' ? 'Upload exceeds quota.' : 'upload error');
      }
    }
    if (!grant) throw new FormFailure(400, 'no files to process');
    status = files ? 201 : 400;
    message = files ? '' : 'no files to process';
  } catch (e) {
    if (e instanceof FormFailure) {
      status = e.status;
      message = e.message;
    } else if (e instanceof MultipartError) {
      status = 400;
      message = 'invalid boundary';
    } else throw e;
  }
  const line = STATUS_LINE[status] ?? `${status} Error`;
  const redirect = attrs.redirect;
  if (!redirect) {
    const h = new Headers({ 'Content-Type': 'text/plain' });
    return respond(status, h, `${line}\r\nFormPost: ${pyTitle(message)}`);
  }
  const q = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
  const location = `${redirect}${redirect.includes('?') ? '&' : '?'}status=${q(line)}&message=${q(message)}`;
  const html = `<html><body><p><a href="${location.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')}">Click to continue...</a></p></body></html>`;
  return respond(303, new Headers({ Location: location, 'Content-Type': 'text/html; charset=UTF-8' }), html);
}

/** Checks the form's signature over its attributes (401 `form expired` / `invalid signature`, 400 for unreadable limits). */
async function authorise(r: SwiftRequest, projectId: string, container: string, prefix: string, attrs: Record<string, string>): Promise<TempUrlGrant> {
  for (const k of ['max_file_size', 'max_file_count'] as const) {
    if (attrs[k] === undefined || !/^\d+$/.test(attrs[k].trim())) throw new FormFailure(400, `${k} not an integer`);
  }
  const expires = attrs.expires;
  if (expires === undefined || !/^\d+$/.test(expires.trim())) throw new FormFailure(401, 'expired not an integer');
  const path = `/${r.target.version}/${r.target.account}/${container}${prefix || r.target.object !== undefined ? `/${prefix}` : ''}`;
  try {
    return await r.deps.objects.verifyFormPost({
      projectId,
      container,
      prefix,
      // Signed over the path as Swift serves it, or as the client addressed it here (mount prefix included).
      signedPaths: [path, rawTarget(r.c.env, r.c.req.url).split('?')[0]!],
      redirect: attrs.redirect ?? '',
      maxFileSize: attrs.max_file_size!,
      maxFileCount: attrs.max_file_count!,
      expires: Number(expires),
      signature: attrs.signature ?? '',
    });
  } catch (e) {
    if (isCoreError(e, 'Unauthenticated')) throw new FormFailure(401, e.message);
    throw e;
  }
}
