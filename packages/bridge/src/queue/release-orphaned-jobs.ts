import type { Executor } from '../store/store.js';

/**
 * Requeues `running` jobs not held by one of `liveWorkerIds`, at once instead of after their lease. Only correct when
 * this process owns the database (SQLite): there, a running job held by any other worker id was left by a process
 * that died. The interrupted attempt still counts toward `max_attempts`. Returns how many jobs were released.
 */
export async function releaseOrphanedJobs(
  db: Executor,
  options: { readonly liveWorkerIds: readonly string[]; readonly now?: number },
): Promise<number> {
  const now = options.now ?? Date.now();
  let query = db
    .updateTable('jobs')
    .set({ state: 'queued', locked_by: null, locked_until: null, run_at: now, updated_at: now })
    .where('state', '=', 'running');
  if (options.liveWorkerIds.length > 0) query = query.where('locked_by', 'not in', [...options.liveWorkerIds]);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}
