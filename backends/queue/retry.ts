// Retry policy shared by both queue adapters: how many deliveries, and how long to wait between them.

/** How often a failing job is retried and how long to wait before each retry. */
export interface RetryPolicy {
  /** Deliveries in total, the first included; after the last failure the job is given up (`failed`). */
  maxAttempts: number;
  /** Delay before the retry that follows failed attempt `attempt` (1-based). */
  backoffMs(attempt: number): number;
}

/** Exponential backoff from `baseMs`, doubling per attempt, capped at `maxMs`. */
export function exponentialRetry(maxAttempts = 10, baseMs = 1000, maxMs = 10 * 60 * 1000): RetryPolicy {
  return { maxAttempts, backoffMs: (attempt) => Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1)) };
}

/** A short, safe description of a thrown value for the job's last_error. */
export function describeError(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}
