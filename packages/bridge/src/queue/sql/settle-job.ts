import { affectedRows, runStatement, statement } from '../../store/statement.js';
import type { Executor, StoreDialect } from '../../store/store.js';
import { HOLDS_CLAIM } from './predicates.js';

/** The claim a statement must still hold: the job's id, the worker that claimed it and that attempt. */
export interface HeldClaim {
  readonly id: number;
  readonly lockedBy: string | null;
  readonly attempts: number;
}

const COMPLETE = statement(`
  update jobs set state = 'done', locked_by = null, locked_until = null, updated_at = ? where id = ? and ${HOLDS_CLAIM}
`);

// Many completions in one statement (PostgreSQL): the worker settles every finished job of a cycle at once. The
// claim-holder test is the same as HOLDS_CLAIM, per row of the input.
const COMPLETE_MANY_POSTGRES = statement(`
  update jobs set state = 'done', locked_by = null, locked_until = null, updated_at = ?
  from unnest(?::bigint[], ?::text[], ?::int[]) as c(id, locked_by, attempts)
  where jobs.id = c.id and jobs.state = 'running' and jobs.locked_by = c.locked_by and jobs.attempts = c.attempts
  returning jobs.id, jobs.lane
`);

// A failed attempt is no longer held (`held_for`, migration 0016): it waits for its backoff, not for a release.
const FAIL = statement(`
  update jobs set state = ?, run_at = ?, locked_by = null, locked_until = null, last_error = ?, held_for = null,
    updated_at = ?
  where id = ? and ${HOLDS_CLAIM}
`);

const EXTEND = statement(`update jobs set locked_until = ?, updated_at = ? where id = ? and ${HOLDS_CLAIM}`);

/** Marks a held job done; false when the claim was lost. */
export async function completeJobSql(
  db: Executor,
  claim: HeldClaim,
  now: number,
  dialect?: StoreDialect,
): Promise<boolean> {
  const result = await runStatement(db, COMPLETE, [now, claim.id, claim.lockedBy, claim.attempts], dialect);
  return affectedRows(result) > 0;
}

/**
 * Marks many held jobs done; resolves the ids still held (and so completed now) with their lanes. PostgreSQL: one
 * statement; SQLite: one statement per job (function calls there, no round trips).
 */
export async function completeJobsSql(
  db: Executor,
  claims: readonly (HeldClaim & { readonly lane: string | null })[],
  now: number,
  dialect: StoreDialect,
): Promise<{ id: number; lane: string | null }[]> {
  if (claims.length === 0) return [];
  if (dialect === 'postgres') {
    const result = await runStatement<{ id: number; lane: string | null }>(
      db,
      COMPLETE_MANY_POSTGRES,
      [now, claims.map((c) => c.id), claims.map((c) => c.lockedBy), claims.map((c) => c.attempts)],
      dialect,
    );
    return result.rows.map((r) => ({ id: Number(r.id), lane: r.lane }));
  }
  const done: { id: number; lane: string | null }[] = [];
  for (const claim of claims) {
    if (await completeJobSql(db, claim, now, dialect)) done.push({ id: claim.id, lane: claim.lane });
  }
  return done;
}

/** Requeues (`queued`, at `runAt`) or dead-letters a held job; false when the claim was lost. */
export async function failJobSql(
  db: Executor,
  claim: HeldClaim,
  outcome: { readonly state: 'queued' | 'dead'; readonly runAt: number; readonly error: string; readonly now: number },
  dialect?: StoreDialect,
): Promise<boolean> {
  const result = await runStatement(
    db,
    FAIL,
    [outcome.state, outcome.runAt, outcome.error, outcome.now, claim.id, claim.lockedBy, claim.attempts],
    dialect,
  );
  return affectedRows(result) > 0;
}

/** Moves a held job's lease end to `lockedUntil`; false when the claim was lost. */
export async function extendLeaseSql(
  db: Executor,
  claim: HeldClaim,
  lockedUntil: number,
  now: number,
): Promise<boolean> {
  const result = await runStatement(db, EXTEND, [lockedUntil, now, claim.id, claim.lockedBy, claim.attempts]);
  return affectedRows(result) > 0;
}
