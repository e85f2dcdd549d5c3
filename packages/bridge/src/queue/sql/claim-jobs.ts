import type { Selectable } from 'kysely';
import type { JobsTable } from '../../store/database.js';
import { runStatement, type Statement, statement } from '../../store/statement.js';
import type { Executor, StoreDialect } from '../../store/store.js';
import { LANE_HEAD, LEASE_EXPIRED } from './predicates.js';

/** Message stored on a job whose lease expired on its last allowed attempt. */
export const LEASE_EXHAUSTED_ERROR = 'lease expired on the last attempt: the worker crashed or stalled';

/** Parameters of {@link claimJobsSql}. */
export interface ClaimJobsQuery {
  readonly workerId: string;
  /** Only these kinds; `undefined` means any kind. */
  readonly kinds: readonly string[] | undefined;
  readonly limit: number;
  /** Claim time, ms since the epoch. */
  readonly now: number;
  /** The lease ends at `now + leaseMs` unless extended. */
  readonly leaseMs: number;
}

// Exhausted expired leases are dead-lettered, so a job that crashes its worker every time cannot loop forever: on
// SQLite in a statement before the claim, on PostgreSQL in a data-modifying CTE of the claim itself (one round trip
// fewer per cycle). Either way the claim's expired branch skips exhausted jobs.
const DEAD_LETTER = `update jobs set state = 'dead', locked_by = null, locked_until = null, last_error = ?, updated_at = ?
  where id in (select j.id from jobs j where ${LEASE_EXPIRED} and j.attempts >= j.max_attempts)`;
const DEAD_LETTER_EXHAUSTED = statement(DEAD_LETTER);

/**
 * Why the claim is shaped so (both engines select the same rows):
 * - Runnable lane heads come straight from the partial index `jobs_runnable (id) where state = 'queued' and
 *   lane_head = 1` (migration 0008): the first due rows in id order are claimable, so a claim reads about `limit`
 *   rows whatever the backlog behind the heads. Before, the claim walked every queued row in id order and rejected
 *   the ones behind their lane's head: 5,000 -> 20,000 queued in 50 lanes took SQLite from 773 to 271 jobs/s.
 * - Expired leases come from `jobs_running (locked_until)`, a separate branch, so neither needs an OR that would
 *   keep the engine from using the index.
 * - {@link LANE_HEAD} re-checks each candidate (two index seeks), so lane order never rests on the flag alone.
 * - PostgreSQL: `for update of j skip locked` in each branch, so concurrent claimers (several bridges) skip rows
 *   another is taking instead of waiting, and never take the same job; the update re-checks the row (READ
 *   COMMITTED) if another claim committed first. One statement, one round trip, no explicit transaction needed.
 * - SQLite: the caller holds `BEGIN IMMEDIATE` (one writer), so no row locks are needed. RETURNING order is
 *   unspecified there, hence the sort.
 */
function claimStatement(dialect: StoreDialect, kindCount: number | undefined): Statement {
  const kinds = kindCount === undefined ? '' : `and j.kind in (${Array(kindCount).fill('?').join(', ')})`;
  const lock = dialect === 'postgres' ? 'for update of j skip locked' : '';
  // SQLite without statistics preferred `jobs_state_kind` and a sort of every queued row (found by the plan test in
  // test/queue-lane-heads.test.ts); INDEXED BY pins the partial indexes, and fails loudly if they ever stop applying.
  const pin = (index: string) => (dialect === 'sqlite' ? `indexed by ${index}` : '');
  const due = `select j.id from jobs j ${pin('jobs_runnable')}
    where j.state = 'queued' and j.lane_head = 1 and j.run_at <= ? ${kinds} and ${LANE_HEAD}
    order by j.id limit ? ${lock}`;
  const expired = `select j.id from jobs j ${pin('jobs_running')}
    where ${LEASE_EXPIRED} and j.attempts < j.max_attempts ${kinds} and ${LANE_HEAD} order by j.id limit ? ${lock}`;
  const set = `set state = 'running', attempts = jobs.attempts + 1, locked_by = ?, locked_until = ?, updated_at = ?`;
  if (dialect === 'postgres') {
    return statement(`
      with exhausted as (${DEAD_LETTER} returning jobs.id), due as (${due}), expired as (${expired}),
        picked as (select id from (select id from due union all select id from expired) c order by id limit ?)
      update jobs ${set} from picked where jobs.id = picked.id returning jobs.*`);
  }
  return statement(`
    update jobs ${set}
    where id in (select id from (select id from (${due}) union all select id from (${expired})) order by id limit ?)
    returning *`);
}

const claimStatements = new Map<string, Statement>();

/** The claim statement for `kindCount` kinds (undefined: any kind), built once per shape; exported for plan tests. */
export function cachedClaimStatement(dialect: StoreDialect, kindCount: number | undefined): Statement {
  const key = `${dialect}:${kindCount ?? 'any'}`;
  let st = claimStatements.get(key);
  if (!st) {
    st = claimStatement(dialect, kindCount);
    claimStatements.set(key, st);
  }
  return st;
}

/** Claims up to `limit` runnable lane heads for `workerId` (the rows, in id order), after dead-lettering exhausted leases. */
export async function claimJobsSql(
  db: Executor,
  dialect: StoreDialect,
  query: ClaimJobsQuery,
): Promise<Selectable<JobsTable>[]> {
  const { now, workerId, limit, kinds } = query;
  if (kinds?.length === 0 || limit <= 0) return [];
  const deadLetter = [LEASE_EXHAUSTED_ERROR, now, now];
  if (dialect === 'sqlite') await runStatement(db, DEAD_LETTER_EXHAUSTED, deadLetter, dialect);
  const k = kinds ?? [];
  const dueParams = [now, ...k, limit];
  const expiredParams = [now, ...k, limit];
  const setParams = [workerId, now + query.leaseMs, now];
  const params =
    dialect === 'postgres'
      ? [...deadLetter, ...dueParams, ...expiredParams, limit, ...setParams]
      : [...setParams, ...dueParams, ...expiredParams, limit];
  const result = await runStatement<Selectable<JobsTable>>(
    db,
    cachedClaimStatement(dialect, kinds?.length),
    params,
    dialect,
  );
  return [...result.rows].sort((a, b) => a.id - b.id);
}
