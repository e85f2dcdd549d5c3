import { BridgeError, type BridgeErrorCode } from '../errors.js';
import type { JobHold } from './hold-job.js';

/** What becomes of a job whose handler threw: tried again after backoff, dead-lettered now, or held. */
export type JobFailureOutcome = 'retry' | 'dead' | 'hold';

/** Options of {@link JobFailure}. */
export type JobFailureOptions =
  | {
      readonly outcome: 'retry';
      /** The least delay before the next attempt, ms (a remote's Retry-After); backoff may wait longer. */
      readonly retryAfterMs?: number | undefined;
      readonly cause?: unknown;
    }
  | { readonly outcome: 'dead'; readonly cause?: unknown }
  | { readonly outcome: 'hold'; readonly hold: JobHold; readonly cause?: unknown };

/**
 * What a job handler throws to say how its job failed (the {@link JobHandler} contract). The worker reads only this
 * type: any other thrown value is an ordinary failure, tried again after backoff until `max_attempts`. The message
 * is stored in `last_error` (visible in the admin API), so it should say what failed and why.
 *
 * @example
 * throw new JobFailure('job_retryable_failure', 'amojo answered 429', { outcome: 'retry', retryAfterMs: 30_000 });
 * throw new JobFailure('job_permanent_failure', 'the account is gone', { outcome: 'dead' });
 * throw new JobFailure('job_held', 'channel broken', { outcome: 'hold', hold: { holdMs: 60_000, heldFor: 'channel:7' } });
 */
export class JobFailure extends BridgeError {
  override readonly name: string = 'JobFailure';
  readonly outcome: JobFailureOutcome;
  /** For `retry`: the least delay before the next attempt, ms. */
  readonly retryAfterMs: number | undefined;
  /** For `hold`: how long, and the key whose release ends the wait early. */
  readonly hold: JobHold | undefined;

  constructor(code: BridgeErrorCode, message: string, options: JobFailureOptions) {
    super(code, message, options.cause === undefined ? undefined : { cause: options.cause });
    this.outcome = options.outcome;
    this.retryAfterMs = options.outcome === 'retry' ? validDelay(options.retryAfterMs) : undefined;
    this.hold =
      options.outcome === 'hold'
        ? { holdMs: validDelay(options.hold.holdMs) ?? 0, heldFor: options.hold.heldFor }
        : undefined;
  }
}

/** How the worker treats what a handler threw: a {@link JobFailure} says; anything else is retried after backoff. */
export function failureOutcome(error: unknown): {
  readonly outcome: JobFailureOutcome;
  readonly retryAfterMs?: number | undefined;
  readonly hold?: JobHold | undefined;
} {
  if (error instanceof JobFailure) return error;
  return { outcome: 'retry' };
}

function validDelay(ms: number | undefined): number | undefined {
  return typeof ms === 'number' && Number.isFinite(ms) ? Math.max(0, ms) : undefined;
}
