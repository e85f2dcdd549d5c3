/**
 * PostgreSQL aborts one of two transactions that wait on each other (deadlock, SQLSTATE 40P01) or that cannot be
 * serialised (40001). Nothing of the aborted one was written, so running it again is safe and is what PostgreSQL's
 * manual asks of the application. Such waits happen in normal traffic: a customer message's intake holds its
 * conversation's rows and waits for the lane head a worker is finishing, while that worker's completion writes the
 * same conversation rows.
 */
const RETRYABLE_SQLSTATES = new Set(['40P01', '40001']);

/** Attempts in all, the first included; a deadlock that persists this long is not a race but a bug to see. */
export const TRANSACTION_ATTEMPTS = 5;

/** Whether `error` is PostgreSQL aborting the transaction so that it can simply be run again. */
export function isRetryableTransactionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE_SQLSTATES.has(code);
}

/**
 * Runs `attempt` until it resolves, again after a deadlock or serialisation failure (at most
 * {@link TRANSACTION_ATTEMPTS} times, with a short random pause that grows so the two sides do not collide again).
 * Any other error, or the last retryable one, is thrown as it came.
 */
export async function retryTransaction<T>(
  attempt: () => Promise<T>,
  onRetry: (error: unknown, attemptNumber: number) => void,
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (n >= TRANSACTION_ATTEMPTS || !isRetryableTransactionError(error)) throw error;
      onRetry(error, n);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** n));
    }
  }
}
