import type { Executor } from '../store/store.js';
import { type RetryDelayOptions, retryDelay } from './backoff.js';
import type { Job } from './job.js';
import { failJobSql } from './sql/settle-job.js';

/** Options of {@link failJob}. */
export interface FailJobOptions {
  /** The remote asked to wait this long (`Retry-After`); the next attempt is not earlier. */
  readonly retryAfterMs?: number | undefined;
  /** `false` dead-letters at once (a refusal that no retry can fix). Default true. */
  readonly retryable?: boolean | undefined;
  /** Backoff tuning (`baseMs`, `capMs`, `random`). */
  readonly backoff?: Omit<RetryDelayOptions, 'attempt' | 'retryAfterMs'> | undefined;
  readonly now?: number | undefined;
}

/** What {@link failJob} did; `undefined` from it means the claim had already been lost. */
export interface FailJobResult {
  readonly state: 'queued' | 'dead';
  /** Next attempt time when requeued. */
  readonly runAt: number;
}

const MAX_ERROR_LENGTH = 2000;

/**
 * Records a failed attempt: requeues with exponential backoff and full jitter (never sooner than `retryAfterMs`),
 * or dead-letters when `attempts` reached `max_attempts` or the error is not retryable. The error's message is
 * stored as `last_error`; errors of this project never carry secrets in their messages.
 */
export async function failJob(
  db: Executor,
  job: Job,
  error: unknown,
  options: FailJobOptions = {},
): Promise<FailJobResult | undefined> {
  const now = options.now ?? Date.now();
  const dead = options.retryable === false || job.attempts >= job.maxAttempts;
  const runAt = dead
    ? now
    : now + retryDelay({ ...options.backoff, attempt: job.attempts, retryAfterMs: options.retryAfterMs });
  const held = await failJobSql(db, job, {
    state: dead ? 'dead' : 'queued',
    runAt,
    error: describeError(error),
    now,
  });
  if (!held) return undefined;
  return { state: dead ? 'dead' : 'queued', runAt };
}

/** `Name: message` of an error, truncated for the `last_error` column. */
export function describeError(error: unknown): string {
  const text =
    error instanceof Error ? `${error.name}: ${error.message}` : typeof error === 'string' ? error : 'non-Error thrown';
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}
