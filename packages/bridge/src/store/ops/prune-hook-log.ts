import type { ExpressionBuilder } from 'kysely';
import { hookHasUnfinishedJob } from '../../queue/unfinished-job.js';
import type { Database } from '../database.js';
import type { Executor } from '../store.js';
import type { PruneBatchInput, PruneBatchResult } from './prune-batch.js';

const prunable = (before: number) => (eb: ExpressionBuilder<Database, 'hooks'>) =>
  eb.and([
    eb('hooks.received_at', '<', before),
    // A hook of a queued, running or dead job stays whatever its age (a dead job is inspected through its hook).
    eb.or([eb('hooks.job_id', 'is', null), eb.not(hookHasUnfinishedJob(eb))]),
  ]);

/**
 * Deletes one batch of hook log rows received before `before` whose job is gone (pruned, or never had one: rejected
 * and duplicate hooks) or finished (`done`, `discarded`). Hooks of `queued`, `running` and `dead` jobs are kept.
 * Duplicates of a deleted hook keep their row (`duplicate_of` is `on delete set null`).
 */
export async function pruneHookLog(db: Executor, input: PruneBatchInput): Promise<PruneBatchResult> {
  const rows = await db
    .selectFrom('hooks')
    .select('hooks.id')
    .where(prunable(input.before))
    .orderBy('hooks.id')
    .limit(input.limit)
    .execute();
  if (rows.length === 0) return { deleted: 0, more: false };
  // By id, with the conditions repeated: see pruneFinishedJobs.
  const result = await db
    .deleteFrom('hooks')
    .where(
      'hooks.id',
      'in',
      rows.map((row) => row.id),
    )
    .where(prunable(input.before))
    .executeTakeFirst();
  return { deleted: Number(result.numDeletedRows), more: rows.length === input.limit };
}
