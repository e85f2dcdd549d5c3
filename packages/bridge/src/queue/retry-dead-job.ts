import type { JobId } from '../store/ids.js';
import { affectedRows, runStatement, statement } from '../store/statement.js';
import type { Executor } from '../store/store.js';
import { promoteLaneHead } from './sql/lane-head.js';

const RETRY_DEAD = statement(`
  update jobs set state = 'queued', attempts = 0, run_at = ?, updated_at = ? where id = ? and state = 'dead'
`);

const DISCARD = statement(`
  update jobs set state = 'discarded', updated_at = ? where id = ? and state in ('queued', 'dead') returning lane
`);

const DISCARD_DEAD = statement(`
  update jobs set state = 'discarded', updated_at = ? where id = ? and state = 'dead' returning lane
`);

/**
 * Requeues a dead job for immediate execution with a fresh set of attempts (the admin API's replay action); its lane
 * resumes behind it. Returns false when the job is not dead.
 */
export async function retryDeadJob(
  db: Executor,
  input: { readonly id: JobId; readonly now?: number },
): Promise<boolean> {
  const now = input.now ?? Date.now();
  return affectedRows(await runStatement(db, RETRY_DEAD, [now, now, input.id])) > 0;
}

/** Options of {@link discardJob}. */
export interface DiscardJobInput {
  readonly id: number;
  readonly now?: number;
}

/**
 * Gives up on a job for good (`discarded`): a dead one, or a queued one that should never run. Its lane moves on to
 * the next job. A running job is never discarded (its handler is mid-flight): false for it, and for done, discarded
 * or unknown ids. Resolves true when the job was discarded now.
 */
export async function discardJob(db: Executor, input: DiscardJobInput): Promise<boolean> {
  return discardWith(db, DISCARD, input);
}

/** {@link discardJob} for dead jobs only (the admin API's dead-letter action). */
export async function discardDeadJob(db: Executor, input: DiscardJobInput): Promise<boolean> {
  return discardWith(db, DISCARD_DEAD, input);
}

async function discardWith(db: Executor, st: typeof DISCARD, input: DiscardJobInput): Promise<boolean> {
  const result = await runStatement<{ lane: string | null }>(db, st, [input.now ?? Date.now(), input.id]);
  const row = result.rows[0];
  if (!row) return false;
  if (row.lane !== null) await promoteLaneHead(db, row.lane);
  return true;
}
