import type { Executor } from '../store/store.js';

/**
 * Requeues a dead job for immediate execution with a fresh set of attempts (the admin API's replay action); its lane
 * resumes behind it. Returns false when the job is not dead.
 */
export async function retryDeadJob(
  db: Executor,
  input: { readonly id: number; readonly now?: number },
): Promise<boolean> {
  const now = input.now ?? Date.now();
  const result = await db
    .updateTable('jobs')
    .set({ state: 'queued', attempts: 0, run_at: now, updated_at: now })
    .where('id', '=', input.id)
    .where('state', '=', 'dead')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Gives up on a dead job for good (`discarded`), unblocking its lane. Returns false when the job is not dead. */
export async function discardDeadJob(
  db: Executor,
  input: { readonly id: number; readonly now?: number },
): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({ state: 'discarded', updated_at: input.now ?? Date.now() })
    .where('id', '=', input.id)
    .where('state', '=', 'dead')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
