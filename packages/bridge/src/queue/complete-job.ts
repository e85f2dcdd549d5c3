import type { Executor } from '../store/store.js';
import type { Job } from './job.js';

/**
 * Marks a claimed job done. Applies only while this claim still holds the job (same worker, same attempt): after a
 * lease expired and another worker took over, the late finisher gets `false` and changes nothing.
 * Pass the handler's transaction to commit the job's effects and its completion together.
 */
export async function completeJob(db: Executor, job: Job, options: { readonly now?: number } = {}): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({ state: 'done', locked_by: null, locked_until: null, updated_at: options.now ?? Date.now() })
    .where('id', '=', job.id)
    .where('state', '=', 'running')
    .where('locked_by', '=', job.lockedBy)
    .where('attempts', '=', job.attempts)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
