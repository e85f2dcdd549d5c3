import type { Executor } from '../store/store.js';
import type { Job } from './job.js';

/** Pushes a running job's lease to `now + leaseMs`; false when this claim no longer holds the job. */
export async function extendLease(
  db: Executor,
  job: Job,
  options: { readonly leaseMs: number; readonly now?: number },
): Promise<boolean> {
  const now = options.now ?? Date.now();
  const result = await db
    .updateTable('jobs')
    .set({ locked_until: now + options.leaseMs, updated_at: now })
    .where('id', '=', job.id)
    .where('state', '=', 'running')
    .where('locked_by', '=', job.lockedBy)
    .where('attempts', '=', job.attempts)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
