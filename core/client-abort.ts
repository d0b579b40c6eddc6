// A request whose client hung up before its body ended: recognised by every family's error handler as a client abort, not a server error.

/**
 * What a request body stream errors with when the connection closes or fails before the body ends.
 * The entry raises it; the families log it at info level and record 499 (nginx's and Swift's proxy
 * "client closed request"), since no one is left to read an answer and nothing went wrong here.
 */
export class ClientAbortError extends Error {
  constructor(cause?: unknown) {
    super('The client closed the connection before the request body ended.', { cause });
    this.name = 'ClientAbortError';
  }
}

/** The status recorded (access log) for a request its client abandoned. */
export const CLIENT_ABORT_STATUS = 499;

/**
 * True when `e` (or an error it wraps, via `cause`) is a client abort: a {@link ClientAbortError}, or
 * Node's own `aborted` (ECONNRESET) error from an IncomingMessage, which reaches handlers that read
 * the body through the adapter's Request instead of the entry's stream.
 */
export function isClientAbort(e: unknown): boolean {
  for (let cur = e, depth = 0; cur instanceof Error && depth < 8; cur = cur.cause, depth++) {
    if (cur instanceof ClientAbortError) return true;
    if (cur.message === 'aborted' && (cur as { code?: unknown }).code === 'ECONNRESET') return true;
  }
  return false;
}
