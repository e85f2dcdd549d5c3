import { PostgresAdapter, sql } from 'kysely';
import { afterCommit } from '../store/job-signal.js';
import { toJson } from '../store/json.js';
import type { Executor } from '../store/store.js';

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

// First key of the two-key advisory lock space (which never overlaps the one-key space Kysely's migrator uses).
const LANE_LOCK_NAMESPACE = 0x616d6a62; // "amjb"

/** Attempts before a job is dead-lettered when `maxAttempts` is not given. */
export const DEFAULT_MAX_ATTEMPTS = 25;

/**
 * Adds a job inside the caller's transaction, so it commits (or rolls back) with the data it belongs to
 * (transactional outbox). Resolves the job id. Workers of this process are woken after the commit.
 *
 * @example
 * await store.transaction(async (trx) => {
 *   const { message } = await insertMessage(trx, { ... });
 *   await enqueue(trx, { kind: 'deliver-to-amojo', lane: `in:${conversation.id}`, payload: { messageId: message.id } });
 * });
 */
export async function enqueue(trx: Executor, input: EnqueueInput): Promise<number> {
  const now = input.now ?? Date.now();
  const maxAttempts = input.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError(`enqueue: maxAttempts must be a positive integer, got ${maxAttempts}`);
  }
  if (input.lane && trx.getExecutor().adapter instanceof PostgresAdapter) {
    // Lanes run in id order, so ids within a lane must follow commit order. Two transactions enqueueing into one
    // lane (two bridge processes, or intake and a handler) could otherwise commit ids 11 then 10, and 10 would run
    // after 11. The lock makes the second enqueuer wait for the first commit, so it draws the larger id. Held until
    // the transaction ends; SQLite needs none, its writers are serialised already.
    await sql`select pg_advisory_xact_lock(${LANE_LOCK_NAMESPACE}, hashtext(${input.lane}))`.execute(trx);
  }
  const row = await trx
    .insertInto('jobs')
    .values({
      kind: input.kind,
      lane: input.lane ?? null,
      payload: toJson(input.payload),
      state: 'queued',
      attempts: 0,
      max_attempts: maxAttempts,
      run_at: input.runAt ?? now,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  afterCommit(trx, (signal) => signal.emit());
  return row.id;
}
