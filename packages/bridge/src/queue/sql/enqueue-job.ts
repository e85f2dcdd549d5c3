import { runStatement, statement } from '../../store/statement.js';
import type { Executor, StoreDialect } from '../../store/store.js';
import { LIVE_STATES } from './predicates.js';

/** One row for {@link insertJobSql}. */
export interface JobRow {
  readonly kind: string;
  readonly lane: string | null;
  /** JSON text. */
  readonly payload: string;
  readonly maxAttempts: number;
  readonly runAt: number;
  readonly now: number;
}

// First key of the two-key advisory lock space (which never overlaps the one-key space Kysely's migrator uses).
export const LANE_LOCK_NAMESPACE = 0x616d6a62; // "amjb"

const COLUMNS = `(kind, lane, payload, state, attempts, max_attempts, run_at, created_at, updated_at, lane_head)`;

const INSERT_UNLANED = statement(`
  insert into jobs ${COLUMNS} values (?, null, ?, 'queued', 0, ?, ?, ?, ?, 1) returning id
`);

// SQLite: writers are serialised (BEGIN IMMEDIATE), so "no live job in the lane" read here stays true until commit.
const INSERT_LANED_SQLITE = statement(`
  insert into jobs ${COLUMNS}
  values (?, ?, ?, 'queued', 0, ?, ?, ?, ?,
    case when exists (select 1 from jobs o where o.lane = ? and o.state in ${LIVE_STATES}) then 0 else 1 end)
  returning id
`);

// PostgreSQL, one round trip:
// - The advisory lock (held to the end of the transaction) makes enqueuers of one lane draw ids in commit order:
//   two transactions enqueueing into one lane (two bridge processes, or intake and a handler) could otherwise commit
//   ids 11 then 10, and 10 would run after 11. It is taken before the id is drawn (the insert reads `lane_lock`).
// - The head test locks the lane's current head `for share`. If a worker is finishing that head right now, this
//   waits for its commit and then sees it finished (READ COMMITTED re-checks the row): the new job is the head. If
//   the head stays live, the worker that finishes it later flags the next job (`promoteLaneHead`, a later statement
//   that sees this commit). So a lane never ends up without a flagged head. Two enqueuers of an empty lane may both
//   flag their job (the second's snapshot predates the first's commit); the claim's LANE_HEAD check keeps the order
//   and the extra flag only costs one rejected index row.
const INSERT_LANED_POSTGRES = statement(`
  with lane_lock as (select pg_advisory_xact_lock(?, hashtext(?)))
  insert into jobs ${COLUMNS}
  select ?, ?, ?, 'queued', 0, ?, ?, ?, ?,
    case when exists (
      select 1 from jobs o where o.lane = ? and o.state in ${LIVE_STATES} order by o.id limit 1 for share
    ) then 0 else 1 end
  from lane_lock
  returning id
`);

/** Inserts one queued job and flags it as its lane's head when the lane has no live job; resolves its id. */
export async function insertJobSql(db: Executor, dialect: StoreDialect, row: JobRow): Promise<number> {
  const tail = [row.maxAttempts, row.runAt, row.now, row.now];
  let result: { rows: { id: number }[] };
  if (row.lane === null) {
    result = await runStatement<{ id: number }>(db, INSERT_UNLANED, [row.kind, row.payload, ...tail], dialect);
  } else if (dialect === 'postgres') {
    result = await runStatement<{ id: number }>(
      db,
      INSERT_LANED_POSTGRES,
      [LANE_LOCK_NAMESPACE, row.lane, row.kind, row.lane, row.payload, ...tail, row.lane],
      dialect,
    );
  } else {
    result = await runStatement<{ id: number }>(
      db,
      INSERT_LANED_SQLITE,
      [row.kind, row.lane, row.payload, ...tail, row.lane],
      dialect,
    );
  }
  const id = result.rows[0]?.id;
  if (id === undefined) throw new Error('enqueue: the insert returned no id');
  return Number(id);
}

/**
 * The body of a data-modifying CTE that enqueues a set of rows in one statement (PostgreSQL; the intake's commit
 * group uses it). `source` is a relation with columns `kind, lane, payload, max_attempts` and an ordering column
 * `order_by` (enqueue order); only rows whose `order_by` is in `filter`'s `id` column are enqueued. Parameters: run_at,
 * created_at, updated_at. Returns `id, payload`. The caller must hold the lanes' advisory locks already, taken before
 * this statement (sorted by lane), so ids follow commit order per lane. A job is its lane's head only when it is the
 * lane's first in the set and the lane has no live job (the `for share` test of INSERT_LANED_POSTGRES).
 */
export function insertJobsCte(source: string, orderBy: string, filter: string): string {
  return `
    insert into jobs ${COLUMNS}
    select j.kind, j.lane, j.payload, 'queued', 0, j.max_attempts, ?, ?, ?,
      case
        when j.lane is null then 1
        when row_number() over (partition by j.lane order by j.${orderBy}) > 1 then 0
        when exists (
          select 1 from jobs o where o.lane = j.lane and o.state in ${LIVE_STATES} order by o.id limit 1 for share
        ) then 0
        else 1
      end
    from ${source} j where j.${orderBy} in (select id from ${filter})
    order by j.${orderBy}
    returning id, payload`;
}
