import { asJobId, type JobId } from '../store/ids.js';
import { afterCommit } from '../store/job-signal.js';
import { toJson } from '../store/json.js';
import { dialectOf } from '../store/statement.js';
import type { Executor } from '../store/store.js';
import { insertJobSql } from './sql/enqueue-job.js';

/** What to run, in which lane, and when. */
export interface EnqueueInput {
  /** Handler name, e.g. `deliver-to-amojo`. */
  readonly kind: string;
  /** Ordering key (one conversation and direction); jobs of one lane run strictly in enqueue order. */
  readonly lane?: string | null | undefined;
  /** JSON-serialisable input of the handler. */
  readonly payload: unknown;
  /** Earliest start, ms since the epoch; default now. */
  readonly runAt?: number | undefined;
  /** Attempts before the job is dead-lettered; default {@link DEFAULT_MAX_ATTEMPTS}. */
  readonly maxAttempts?: number | undefined;
  readonly now?: number | undefined;
}

/** Attempts before a job is dead-lettered when `maxAttempts` is not given. */
export const DEFAULT_MAX_ATTEMPTS = 25;

/**
 * Adds a job inside the caller's transaction, so it commits (or rolls back) with the data it belongs to
 * (transactional outbox). Resolves the job id. Workers of this process are woken after the commit. Jobs of one lane
 * run in enqueue order (on PostgreSQL a per-lane advisory lock makes ids follow commit order; see sql/enqueue-job.ts).
 *
 * @example
 * await store.transaction(async (trx) => {
 *   const { message } = await insertMessage(trx, { ... });
 *   await enqueue(trx, { kind: 'deliver-to-amojo', lane: `in:${conversation.id}`, payload: { messageId: message.id } });
 * });
 */
export async function enqueue(trx: Executor, input: EnqueueInput): Promise<JobId> {
  const now = input.now ?? Date.now();
  const maxAttempts = input.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError(`enqueue: maxAttempts must be a positive integer, got ${maxAttempts}`);
  }
  const id = await insertJobSql(trx, dialectOf(trx), {
    kind: input.kind,
    lane: input.lane ?? null,
    payload: toJson(input.payload),
    maxAttempts,
    runAt: input.runAt ?? now,
    now,
  });
  afterCommit(trx, (signal) => signal.emit());
  return asJobId(id);
}
