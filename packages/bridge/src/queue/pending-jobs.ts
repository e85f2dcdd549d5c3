import { runStatement, statement } from '../store/statement.js';
import type { Executor } from '../store/store.js';

const LANE_HAS_WAITING = statement(
  `select 1 as found from jobs where lane = ? and state in ('queued', 'running') limit 1`,
);

const KIND_HAS_PENDING = statement(`
  select 1 as found from jobs
  where kind = ? and ((state = 'queued' and run_at <= ?) or (state = 'running' and locked_by = ?))
  limit 1
`);

/** Whether `lane` has a queued or running job (so a periodic producer need not add another). */
export async function laneHasWaitingJob(db: Executor, lane: string): Promise<boolean> {
  return (await runStatement(db, LANE_HAS_WAITING, [lane])).rows.length > 0;
}

/** Those of `lanes` that have a queued or running job (one statement however many lanes). */
export async function lanesWithWaitingJobs(db: Executor, lanes: readonly string[]): Promise<Set<string>> {
  if (lanes.length === 0) return new Set();
  const rows = await db
    .selectFrom('jobs')
    .select('lane')
    .where('lane', 'in', lanes)
    .where('state', 'in', ['queued', 'running'])
    .execute();
  return new Set(rows.map((row) => row.lane).filter((lane): lane is string => lane !== null));
}

/** Whether a job of `kind` is due now or running under `workerId` (e.g. a start-up catch-up still in progress). */
export async function kindHasPendingJob(
  db: Executor,
  input: { readonly kind: string; readonly now: number; readonly workerId: string },
): Promise<boolean> {
  return (await runStatement(db, KIND_HAS_PENDING, [input.kind, input.now, input.workerId])).rows.length > 0;
}
