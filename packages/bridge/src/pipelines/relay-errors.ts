import { AmojoApiError, AmojoError, AmojoInputError } from '@amojo-bridge/sdk';
import { BridgeError } from '../errors.js';
import { JobFailure } from '../queue/index.js';

/**
 * A job failed in a way retrying cannot fix (amojo refused the request with a 4xx, the account is gone): the queue
 * dead-letters it at once with `message` as the reason, visible in the admin API.
 */
export class PermanentJobError extends JobFailure {
  override readonly name = 'PermanentJobError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('job_permanent_failure', message, { outcome: 'dead', cause: options?.cause });
  }
}

/** A job failed for a passing reason (429, 5xx, network, a customer system down); retry after backoff. */
export class RetryableJobError extends JobFailure {
  override readonly name = 'RetryableJobError';
  constructor(message: string, options?: { cause?: unknown; retryAfterMs?: number | undefined }) {
    super('job_retryable_failure', message, {
      outcome: 'retry',
      retryAfterMs: options?.retryAfterMs,
      cause: options?.cause,
    });
  }
}

/**
 * A job must wait for something outside it (its channel instance is broken until an operator fixes it), not fail:
 * the queue holds it for `holdMs` or until the jobs held for `heldFor` are released, with no attempt used, so it is
 * never dead-lettered for the wait (`JobHold` in `queue/hold-job.ts`).
 */
export class HoldJobError extends JobFailure {
  override readonly name = 'HoldJobError';
  constructor(message: string, options: { readonly holdMs: number; readonly heldFor: string }) {
    super('job_held', message, { outcome: 'hold', hold: options });
  }
}

/** Raised by `receiveFromChannel` for an event the bridge cannot take (unknown instance or message); a 4xx. */
export class RelayInputError extends BridgeError {
  override readonly name = 'RelayInputError';
  /** HTTP status to answer with. */
  readonly statusCode: number;
  constructor(message: string, statusCode = 400) {
    super('relay_input_invalid', message);
    this.statusCode = statusCode;
  }
}

/**
 * Maps an amojo failure onto the queue's two outcomes: a 4xx other than 429 and the SDK's own input refusals
 * (`AmojoInputError`) are permanent (the same request will be refused again: fix the data or the channel and replay
 * the dead job); 429, 5xx, timeouts and network errors are retried after backoff, honouring the server's Retry-After.
 */
export function jobErrorFromAmojo(error: unknown, what: string): PermanentJobError | RetryableJobError {
  if (error instanceof AmojoApiError) {
    const detail = [error.errorType, error.description].filter(Boolean).join(': ');
    const message = `${what}: amojo answered ${error.status}${detail ? ` (${detail})` : ''}`;
    if (error.status >= 400 && error.status < 500 && error.status !== 429 && error.status !== 408) {
      return new PermanentJobError(message, { cause: error });
    }
    return new RetryableJobError(message, { cause: error, retryAfterMs: error.retryAfterMs });
  }
  // The SDK refused the input before sending it: the same input is refused on every attempt.
  if (error instanceof AmojoInputError) {
    const where = error.path ? ` (at ${error.path})` : '';
    return new PermanentJobError(`${what}: ${error.message}${where}`, { cause: error });
  }
  if (error instanceof AmojoError) return new RetryableJobError(`${what}: ${error.message}`, { cause: error });
  if (error instanceof PermanentJobError || error instanceof RetryableJobError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new RetryableJobError(`${what}: ${message}`, { cause: error });
}

/**
 * What a relay job handler's failure becomes for the queue: a `JobFailure` as it is; an SDK error that escaped a
 * handler mapped by {@link jobErrorFromAmojo} (a 4xx dead-letters, a 429 keeps its Retry-After), so the queue never
 * reads hints off an arbitrary thrown value; anything else as it is (retried after backoff).
 */
export function toJobFailure(error: unknown, what: string): unknown {
  if (error instanceof JobFailure) return error;
  if (error instanceof AmojoError) return jobErrorFromAmojo(error, what);
  return error;
}
