import type { JobState } from '../store/database.js';
import type { JobId } from '../store/ids.js';
import type { Executor } from '../store/store.js';
import { type Job, toJob } from './job.js';

/** Lists jobs newest first (admin API), by state and kind, before `beforeId` for paging. */
export async function listJobs(
  db: Executor,
  options: {
    readonly limit: number;
    readonly state?: JobState | undefined;
    readonly kind?: string | undefined;
    readonly lane?: string | undefined;
    /** Jobs of any of these lanes. */
    readonly lanes?: readonly string[] | undefined;
    readonly beforeId?: JobId | undefined;
  },
): Promise<Job[]> {
  let query = db.selectFrom('jobs').selectAll().orderBy('id', 'desc').limit(options.limit);
  if (options.state !== undefined) query = query.where('state', '=', options.state);
  if (options.kind !== undefined) query = query.where('kind', '=', options.kind);
  if (options.lane !== undefined) query = query.where('lane', '=', options.lane);
  if (options.lanes !== undefined) {
    if (options.lanes.length === 0) return [];
    query = query.where('lane', 'in', options.lanes);
  }
  if (options.beforeId !== undefined) query = query.where('id', '<', options.beforeId);
  return (await query.execute()).map(toJob);
}

/** Finds one job by id. */
export async function findJob(db: Executor, id: JobId): Promise<Job | undefined> {
  const row = await db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toJob(row);
}
