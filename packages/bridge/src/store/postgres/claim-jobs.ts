import type { Selectable } from 'kysely';
import { sql } from 'kysely';
import { type ClaimJobsQuery, LEASE_EXHAUSTED_ERROR } from '../claim-jobs-input.js';
import type { JobsTable } from '../database.js';
import type { Executor } from '../store.js';

/**
 * Claims due jobs on PostgreSQL, where several bridge processes share one database.
 *
 * Why it is shaped so:
 * - One statement (a CTE selecting the ids, an UPDATE taking them) so selection and reservation are atomic without
 *   an explicit transaction, and a batch of `limit` jobs costs one round trip.
 * - `FOR UPDATE OF j SKIP LOCKED`: a row another worker is claiming right now is skipped instead of waited for, so
 *   concurrent claimers never block each other nor take the same job. If that other claim commits first, PostgreSQL
 *   re-checks `state`/`locked_until` on the new row version (READ COMMITTED) and drops the row from our result.
 * - The `NOT EXISTS` makes only a lane's head claimable: the lowest id of the lane still `queued`, `running` or
 *   `dead`. A running head (even one claimed a moment ago by another process) therefore hides the rest of its lane,
 *   and one claim never returns two jobs of one lane. `dead` blocks too: a dead-lettered message must be retried or
 *   discarded by an operator before later messages of that conversation overtake it. Any running job of the lane
 *   blocks as well, whatever its id: should a lower id ever commit after a higher one was claimed, the two still
 *   never run at once (`enqueue` takes a per-lane advisory lock so that this does not happen in the first place).
 * - `running` rows whose lease ended belong to a crashed worker and are claimable again (at-least-once).
 * - The partial indexes `jobs_queued` and `jobs_lane_blocking` (migration 0001) keep both scans on the live rows
 *   only, however many `done` rows accumulate.
 * Exhausted expired leases are dead-lettered first, in their own statement, so a job that crashes its worker every
 * time cannot loop forever.
 */
export async function claimJobsPostgres(db: Executor, query: ClaimJobsQuery): Promise<Selectable<JobsTable>[]> {
  const { now, workerId, limit, kinds } = query;
  if (kinds?.length === 0) return [];
  await sql`
    update jobs
    set state = 'dead', locked_by = null, locked_until = null, last_error = ${LEASE_EXHAUSTED_ERROR}, updated_at = ${now}
    where state = 'running' and locked_until < ${now} and attempts >= max_attempts
  `.execute(db);
  const kindFilter = kinds ? sql`and j.kind in (${sql.join(kinds)})` : sql``;
  const result = await sql<Selectable<JobsTable>>`
    with candidates as (
      select j.id
      from jobs j
      where (
          (j.state = 'queued' and j.run_at <= ${now})
          or (j.state = 'running' and j.locked_until < ${now})
        )
        ${kindFilter}
        and (j.lane is null or not exists (
          select 1 from jobs other
          where other.lane = j.lane
            and other.id <> j.id
            and (
              (other.id < j.id and other.state in ('queued', 'running', 'dead'))
              or other.state = 'running'
            )
        ))
      order by j.id
      limit ${limit}
      for update of j skip locked
    )
    update jobs
    set state = 'running',
        attempts = jobs.attempts + 1,
        locked_by = ${workerId},
        locked_until = ${now + query.leaseMs},
        updated_at = ${now}
    from candidates
    where jobs.id = candidates.id
    returning jobs.*
  `.execute(db);
  return [...result.rows].sort((a, b) => a.id - b.id);
}
