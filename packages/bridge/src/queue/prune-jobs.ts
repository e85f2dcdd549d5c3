import type { PruneBatchInput, PruneBatchResult } from '../store/ops/prune-batch.js';
import type { Executor } from '../store/store.js';

const FINISHED = ['done', 'discarded'] as const;

/**
 * Deletes one batch of `done` and `discarded` jobs last updated before `before`. `queued`, `running` and `dead` jobs
 * are never touched. Hook log rows pointing at a deleted job keep their row (`hooks.job_id` is `on delete set null`).
 */
export async function pruneFinishedJobs(db: Executor, input: PruneBatchInput): Promise<PruneBatchResult> {
  // Pick ids first and delete by id: each batch is a short statement, and bridges sharing a PostgreSQL database that
  // run this at the same time only race for the same rows, which the delete simply finds gone. The delete repeats
  // the state and age conditions so a row that changed in between is kept.
  const rows = await db
    .selectFrom('jobs')
    .select('id')
    .where('state', 'in', FINISHED)
    .where('updated_at', '<', input.before)
    .orderBy('id')
    .limit(input.limit)
    .execute();
  if (rows.length === 0) return { deleted: 0, more: false };
  const result = await db
    .deleteFrom('jobs')
    .where(
      'id',
      'in',
      rows.map((row) => row.id),
    )
    .where('state', 'in', FINISHED)
    .where('updated_at', '<', input.before)
    .executeTakeFirst();
  return { deleted: Number(result.numDeletedRows), more: rows.length === input.limit };
}
