import { dialectOf } from '../store/statement.js';
import type { Executor, StoreDialect } from '../store/store.js';
import type { Job } from './job.js';
import { promoteLaneHead, promoteLaneHeads } from './sql/lane-head.js';
import { completeJobSql, completeJobsSql } from './sql/settle-job.js';

/**
 * Marks a claimed job done and flags the next job of its lane as runnable. Applies only while this claim still holds
 * the job (same worker, same attempt): after a lease expired and another worker took over, the late finisher gets
 * `false` and changes nothing. Pass the handler's transaction to commit the job's effects and its completion together.
 */
export async function completeJob(db: Executor, job: Job, options: { readonly now?: number } = {}): Promise<boolean> {
  const dialect = dialectOf(db);
  const held = await completeJobSql(db, job, options.now ?? Date.now(), dialect);
  if (held && job.lane !== null) await promoteLaneHead(db, job.lane, dialect);
  return held;
}

/**
 * {@link completeJob} for every job of a worker cycle: on PostgreSQL two statements however many jobs (completions,
 * then the next heads of their lanes). Resolves the ids completed now; the others had lost their claim.
 */
export async function completeJobs(
  db: Executor,
  jobs: readonly Job[],
  dialect: StoreDialect,
  options: { readonly now?: number } = {},
): Promise<Set<number>> {
  const done = await completeJobsSql(db, jobs, options.now ?? Date.now(), dialect);
  const lanes = [...new Set(done.map((d) => d.lane).filter((lane): lane is string => lane !== null))];
  await promoteLaneHeads(db, lanes, dialect);
  return new Set(done.map((d) => d.id));
}
