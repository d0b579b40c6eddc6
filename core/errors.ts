// The closed set of error kinds every core service raises; each API family maps them to its wire shape.

/** The only kinds of failure core reports. Families translate these with a table; no HTTP status lives here. */
export type ErrorKind =
  | 'NotFound'
  | 'Conflict'
  | 'InvalidState'
  | 'Invalid'
  | 'Forbidden'
  | 'Unauthenticated'
  | 'QuotaExceeded'
  | 'NotImplemented'
  /** A dependency (the database, a remote blob store) is unreachable for now: retry later (503). */
  | 'Unavailable'
  | 'Internal';

/** Extra facts a family may need to pick its precise wire code (e.g. S3 `BucketNotEmpty`). */
export interface CoreErrorDetail {
  /** The resource type concerned, e.g. `project`, `bucket`, `object`. */
  resource?: string;
  /** The id or name of the resource concerned. */
  id?: string;
  /** A machine-readable reason a family can map to a more precise code. */
  reason?: string;
  /** Anything else worth carrying to the wire mapper. */
  [key: string]: unknown;
}

/** A failure with a kind from the closed set; the message is safe to show to the caller. */
export class CoreError extends Error {
  readonly kind: ErrorKind;
  readonly detail: CoreErrorDetail;

  constructor(kind: ErrorKind, message: string, detail: CoreErrorDetail = {}) {
    super(message);
    this.name = 'CoreError';
    this.kind = kind;
    this.detail = detail;
  }
}

/** True when `e` is a CoreError (optionally of the given kind). */
export function isCoreError(e: unknown, kind?: ErrorKind): e is CoreError {
  return e instanceof CoreError && (kind === undefined || e.kind === kind);
}

/** Shorthands so call sites read as the rule they enforce. */
export const errors = {
  notFound: (resource: string, id: string, message?: string) =>
    new CoreError('NotFound', message ?? `Could not find ${resource}: ${id}.`, { resource, id }),
  conflict: (resource: string, message: string, detail: CoreErrorDetail = {}) =>
    new CoreError('Conflict', message, { resource, ...detail }),
  invalid: (message: string, detail: CoreErrorDetail = {}) => new CoreError('Invalid', message, detail),
  invalidState: (message: string, detail: CoreErrorDetail = {}) => new CoreError('InvalidState', message, detail),
  forbidden: (message = 'You are not authorized to perform the requested action.', detail: CoreErrorDetail = {}) =>
    new CoreError('Forbidden', message, detail),
  unauthenticated: (message = 'The request you have made requires authentication.', detail: CoreErrorDetail = {}) =>
    new CoreError('Unauthenticated', message, detail),
  notImplemented: (what: string) => new CoreError('NotImplemented', `${what} is not implemented.`, { reason: what }),
  quota: (message: string, detail: CoreErrorDetail = {}) => new CoreError('QuotaExceeded', message, detail),
  /** A dependency (the database, a remote blob store) failed or cannot be reached: the request may succeed if retried later. */
  unavailable: (message = 'The service is temporarily unavailable.', detail: CoreErrorDetail = {}) => new CoreError('Unavailable', message, detail),
};
