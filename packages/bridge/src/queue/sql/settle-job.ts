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

const FAIL = statement(`
  update jobs set state = ?, run_at = ?, locked_by = null, locked_until = null, last_error = ?, updated_at = ?
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
