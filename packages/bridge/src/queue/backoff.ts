/** Options of {@link retryDelay}. */
export interface RetryDelayOptions {
  /** The attempt that just failed, from 1. */
  readonly attempt: number;
  /** Delay ceiling before the first retry; default 1 s. */
  readonly baseMs?: number | undefined;
  /** Upper bound of the exponential curve; default 10 min. */
  readonly capMs?: number | undefined;
  /** The remote's `Retry-After`, in ms: the delay is never shorter. */
  readonly retryAfterMs?: number | undefined;
  /** Random source in [0, 1); injectable for tests. */
  readonly random?: (() => number) | undefined;
}

/**
 * Delay before the next attempt: "full jitter" (uniform in [0, min(cap, base * 2^(attempt-1))]), which spreads
 * retries of many jobs failing together (an amojo outage) instead of hammering in waves, but never less than the
 * remote's `Retry-After`. One formula, not a retry loop: the queue itself is the retry loop, so a retry library
 * would add nothing here.
 */
export function retryDelay(options: RetryDelayOptions): number {
  const base = options.baseMs ?? 1000;
  const cap = options.capMs ?? 600_000;
  const random = options.random ?? Math.random;
  const ceiling = Math.min(cap, base * 2 ** Math.min(Math.max(options.attempt - 1, 0), 40));
  const jittered = Math.floor(random() * ceiling);
  return Math.max(jittered, Math.ceil(options.retryAfterMs ?? 0));
}
