// Swift's wire errors: status lines with swob's default HTML bodies or short plain-text messages, from CoreError kinds.
import { CoreError, type ErrorKind } from '../../../core/errors.js';

/** swob's title and default explanation per status (the body Swift sends when no message is given). */
const STATUS_TEXT: Record<number, [string, string]> = {
  400: ['Bad Request', 'The server could not comply with the request since it is either malformed or otherwise incorrect.'],
  401: ['Unauthorized', 'This server could not verify that you are authorized to access the document you requested.'],
  403: ['Forbidden', 'Access was denied to this resource.'],
  404: ['Not Found', 'The resource could not be found.'],
  405: ['Method Not Allowed', 'The method is not allowed for this resource.'],
  409: ['Conflict', 'There was a conflict when trying to complete your request.'],
  411: ['Length Required', 'Length Required'],
  412: ['Precondition Failed', 'A precondition for this request was not met.'],
  413: ['Request Entity Too Large', 'The body of your request was too large for this server.'],
  416: ['Requested Range Not Satisfiable', 'The Range requested is not available.'],
  422: ['Unprocessable Entity', 'Unable to process the contained instructions'],
  500: ['Internal Error', 'The server has either erred or is incapable of performing the requested operation.'],
  501: ['Not Implemented', 'The server is unable to perform the requested operation.'],
  503: ['Service Unavailable', 'The server is currently unavailable. Please try again at a later time.'],
};

/** A Swift error the handlers throw; the app's error mapper turns it into the wire response. */
export class SwiftError extends Error {
  constructor(
    readonly status: number,
    /** Plain-text body; omitted → swob's HTML body for the status. */
    readonly body?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(body ?? STATUS_TEXT[status]?.[0] ?? `HTTP ${status}`);
    this.name = 'SwiftError';
  }
}

/** Body and content type Swift sends for `status` (with an optional plain-text message). */
export function errorBody(status: number, message?: string): { body: string; contentType: string } {
  if (message !== undefined) return { body: message, contentType: 'text/plain; charset=UTF-8' };
  const [title, text] = STATUS_TEXT[status] ?? ['Error', 'An error occurred.'];
  return { body: `<html><h1>${title}</h1><p>${text}</p></html>`, contentType: 'text/html; charset=UTF-8' };
}

const KIND_STATUS: Record<ErrorKind, number> = {
  NotFound: 404,
  Conflict: 409,
  InvalidState: 409,
  Invalid: 400,
  Forbidden: 403,
  Unauthenticated: 401,
  QuotaExceeded: 413,
  NotImplemented: 501,
  Unavailable: 503,
  Internal: 500,
};

/** Precise Swift statuses for core reasons that carry one (checked before the kind table). */
const REASON_STATUS: Record<string, number> = {
  EtagMismatch: 422,
  BadDigest: 422,
  PreconditionFailed: 412,
  ConditionalRequestConflict: 412,
  VersionsContainerMissing: 412,
  VersioningConflict: 400,
  NotModified: 304,
  InvalidRange: 416,
  RangeNotSatisfiable: 416,
  TooLarge: 413,
  EntityTooLarge: 413,
  LengthRequired: 411,
  IncompleteBody: 499,
};

/** Maps a CoreError to Swift's status and, for 4xx with a useful message, a plain-text body. */
export function fromCoreError(e: CoreError): SwiftError {
  const reason = typeof e.detail.reason === 'string' ? e.detail.reason : undefined;
  const status = (reason && REASON_STATUS[reason]) || KIND_STATUS[e.kind];
  // Swift sends its stock bodies for these; internals never leak.
  if (status === 404 || status === 401 || status === 403 || status >= 500 || status === 304) return new SwiftError(status);
  if (status === 409 && e.kind === 'Conflict') return new SwiftError(status);
  return new SwiftError(status, status === 400 || status === 413 ? e.message : undefined);
}
