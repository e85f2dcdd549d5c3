import { affectedRows, runStatement, statement } from '../../store/statement.js';
import type { Executor, StoreDialect } from '../../store/store.js';
import { HOLDS_CLAIM } from './predicates.js';
import type { HeldClaim } from './settle-job.js';

// Back to `queued` with the claim's attempt given back (`attempts - 1`): a hold is not a failed attempt, so a job can
// be held for as long as its cause lasts and never dead-letters for it. The job stays its lane's head (it is still
// live), so the lane's later jobs wait behind it and order is kept.
const HOLD = statement(`
  update jobs set state = 'queued', attempts = attempts - 1, run_at = ?, held_for = ?, last_error = ?,
    locked_by = null, locked_until = null, updated_at = ?
  where id = ? and ${HOLDS_CLAIM}
`);

// Served by the partial index `jobs_held_for` (migration 0016). Only queued jobs: a running one is a probe whose own
// outcome decides.
const RELEASE = statement(`
  update jobs set run_at = ?, held_for = null, updated_at = ? where held_for = ? and state = 'queued'
`);

/** Puts a held job back to `queued` until `runAt`, held for `heldFor`, without using an attempt; false when the claim was lost. */
export async function holdJobSql(
  db: Executor,
  claim: HeldClaim,
  hold: { readonly runAt: number; readonly heldFor: string | null; readonly reason: string; readonly now: number },
  dialect?: StoreDialect,
): Promise<boolean> {
  const params = [hold.runAt, hold.heldFor, hold.reason, hold.now, claim.id, claim.lockedBy, claim.attempts];
  return affectedRows(await runStatement(db, HOLD, params, dialect)) > 0;
}

/** Makes every queued job held for `heldFor` runnable at `now`; resolves how many. */
export async function releaseHeldJobsSql(
  db: Executor,
  heldFor: string,
  now: number,
  dialect?: StoreDialect,
): Promise<number> {
  return affectedRows(await runStatement(db, RELEASE, [now, now, heldFor], dialect));
}
