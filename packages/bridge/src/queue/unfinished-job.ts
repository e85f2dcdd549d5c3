import type { ExpressionBuilder } from 'kysely';
import type { Database } from '../store/database.js';

// A job still in one of these states may be looked at through what refers to it (a dead job waiting for a retry is
// inspected through its hook), so its referrers are kept whatever their age.
const UNFINISHED = ['queued', 'running', 'dead'] as const;

/**
 * `exists` condition: the job `hooks.job_id` names is queued, running or dead. For the hook log's prune (a hook of an
 * unfinished job stays), so the jobs SQL stays in `queue/`.
 */
export const hookHasUnfinishedJob = (eb: ExpressionBuilder<Database, 'hooks'>) =>
  eb.exists(
    eb
      .selectFrom('jobs')
      .select('jobs.id')
      .whereRef('jobs.id', '=', 'hooks.job_id')
      .where('jobs.state', 'in', UNFINISHED),
  );
