import type { Selectable } from 'kysely';
import { sql } from 'kysely';
import { type ClaimJobsQuery, LEASE_EXHAUSTED_ERROR } from '../claim-jobs-input.js';
import type { JobsTable } from '../database.js';
import type { Executor } from '../store.js';

/**
 * Claims due jobs on SQLite. One process owns the file, and the caller runs this inside `store.transaction`
 * (`BEGIN IMMEDIATE`), so no other writer can interleave: no row locks are needed. The selection is the same as on
 * PostgreSQL (see `postgres/claim-jobs.ts`): due or lease-expired jobs that are the head of their lane, in id order.
 */
export async function claimJobsSqlite(db: Executor, query: ClaimJobsQuery): Promise<Selectable<JobsTable>[]> {
  const { now, workerId, limit, kinds } = query;
  if (kinds?.length === 0) return [];
  await sql`
    update jobs
    set state = 'dead', locked_by = null, locked_until = null, last_error = ${LEASE_EXHAUSTED_ERROR}, updated_at = ${now}
    where state = 'running' and locked_until < ${now} and attempts >= max_attempts
  `.execute(db);
  const kindFilter = kinds ? sql`and j.kind in (${sql.join(kinds)})` : sql``;
  const result = await sql<Selectable<JobsTable>>`
    update jobs
    set state = 'running',
        attempts = attempts + 1,
        locked_by = ${workerId},
        locked_until = ${now + query.leaseMs},
        updated_at = ${now}
    where id in (
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
    )
    returning *
  `.execute(db);
  // RETURNING order is unspecified in SQLite.
  return [...result.rows].sort((a, b) => a.id - b.id);
}
