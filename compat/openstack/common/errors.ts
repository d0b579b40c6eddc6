// The OpenStack error table: CoreError kinds to HTTP status and title, and Keystone's `{"error":{code,title,message}}` body.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorKind } from '../../../core/errors.js';

/** How each core error kind reaches the wire in every OpenStack family (a family may re-shape the body, not the status). */
export const KIND_STATUS: Record<ErrorKind, { status: ContentfulStatusCode; title: string }> = {
  Invalid: { status: 400, title: 'Bad Request' },
  Unauthenticated: { status: 401, title: 'Unauthorized' },
  Forbidden: { status: 403, title: 'Forbidden' },
  NotFound: { status: 404, title: 'Not Found' },
  Conflict: { status: 409, title: 'Conflict' },
  InvalidState: { status: 409, title: 'Conflict' },
  QuotaExceeded: { status: 413, title: 'Request Entity Too Large' },
  NotImplemented: { status: 501, title: 'Not Implemented' },
  Unavailable: { status: 503, title: 'Service Unavailable' },
  Internal: { status: 500, title: 'Internal Server Error' },
};

/** Titles for statuses that arise on the wire rather than from core (405, 413, 415…). */
export const STATUS_TITLE: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Request Entity Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};

/** Keystone's default messages (what it says when it hides details, as it does for 401s). */
export const DEFAULT_MESSAGE: Record<number, string> = {
  400: 'The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.',
  401: 'The request you have made requires authentication.',
  403: 'You are not authorized to perform the requested action.',
  404: 'The resource could not be found.',
  405: 'The method is not allowed for the requested URL.',
  413: 'The request you have made is too large.',
  500: 'An unexpected error prevented the server from fulfilling your request.',
};

/** What a family's error renderer receives. */
export interface WireError {
  status: ContentfulStatusCode;
  title: string;
  message: string;
}

/** Renders a WireError in the family's own body shape. */
export type ErrorRenderer = (c: Context, e: WireError) => Response;

/** Keystone's error body: `{"error":{"code":401,"title":"Unauthorized","message":"..."}}`. */
export const keystoneError: ErrorRenderer = (c, e) => c.json({ error: { code: e.status, title: e.title, message: e.message } }, e.status);
