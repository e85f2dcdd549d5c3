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

// A release must not miss a job that is being held at the same moment (its handler saw the cause before the release
// and writes the hold after it): the release first stamps its key in `job_hold_releases` (migration 0016), then
// updates the queued jobs; a hold reads the stamp and ends at once when the key was released since its claim. On
// PostgreSQL the two meet on the stamp row: the hold makes sure it exists (waiting for a concurrent release's
// insert) and reads it `for share`, so it waits for a release that stamped it and sees the new time, or makes the
// release wait for the hold's commit, and the release's job update (a later statement) then sees the held job.
const ENSURE_STAMP = statement(`
  insert into job_hold_releases (held_for, released_at) values (?, 0) on conflict (held_for) do nothing
`);
const READ_STAMP_SQLITE = statement(`select released_at from job_hold_releases where held_for = ?`);
const READ_STAMP_POSTGRES = statement(`select released_at from job_hold_releases where held_for = ? for share`);
const STAMP = statement(`
  insert into job_hold_releases (held_for, released_at) values (?, ?)
  on conflict (held_for) do update set released_at = excluded.released_at
`);

// Served by the partial index `jobs_held_for` (migration 0016). Only queued jobs: a running one is a probe whose own
// outcome decides.
const RELEASE = statement(`
  update jobs set run_at = ?, held_for = null, updated_at = ? where held_for = ? and state = 'queued'
`);

/** When `heldFor` was last released (ms; 0 when never), made safe to compare with a release running right now. */
async function releasedAtSql(db: Executor, heldFor: string, dialect: StoreDialect): Promise<number> {
  await runStatement(db, ENSURE_STAMP, [heldFor], dialect);
  const read = dialect === 'postgres' ? READ_STAMP_POSTGRES : READ_STAMP_SQLITE;
  const result = await runStatement<{ released_at: number | string }>(db, read, [heldFor], dialect);
  return Number(result.rows[0]?.released_at ?? 0);
}

/**
 * Puts a held job back to `queued` until `runAt` (at once instead when `heldFor` was released since `claimedAt`),
 * held for `heldFor`, without using an attempt; resolves the run time, or undefined when the claim was lost.
 */
export async function holdJobSql(
  db: Executor,
  claim: HeldClaim & { readonly claimedAt: number },
  hold: { readonly runAt: number; readonly heldFor: string | null; readonly reason: string; readonly now: number },
  dialect: StoreDialect,
): Promise<number | undefined> {
  let runAt = hold.runAt;
  let heldFor = hold.heldFor;
  if (heldFor !== null && (await releasedAtSql(db, heldFor, dialect)) >= claim.claimedAt) {
    runAt = hold.now;
    heldFor = null;
  }
  const params = [runAt, heldFor, hold.reason, hold.now, claim.id, claim.lockedBy, claim.attempts];
  return affectedRows(await runStatement(db, HOLD, params, dialect)) > 0 ? runAt : undefined;
}

/** Makes every queued job held for `heldFor` runnable at `now` and stamps the release; resolves how many. */
export async function releaseHeldJobsSql(
  db: Executor,
  heldFor: string,
  now: number,
  dialect: StoreDialect,
): Promise<number> {
  await runStatement(db, STAMP, [heldFor, now], dialect);
  return affectedRows(await runStatement(db, RELEASE, [now, now, heldFor], dialect));
}
