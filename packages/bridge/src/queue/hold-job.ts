import { afterCommit } from '../store/job-signal.js';
import { dialectOf } from '../store/statement.js';
import type { Executor } from '../store/store.js';
import { describeError } from './fail-job.js';
import type { Job } from './job.js';
import { holdJobSql, releaseHeldJobsSql } from './sql/hold-job.js';

/**
 * How long a job is held, and what for (a handler throws a `JobFailure` with outcome `hold` carrying it): wait
 * `holdMs`, then run again, with no attempt used. `heldFor` names what the job waits for; {@link releaseHeldJobs}
 * with that key makes every job held for it runnable at once. The queue gives the key no meaning (the relay uses one
 * per channel instance).
 */
export interface JobHold {
  readonly holdMs: number;
  readonly heldFor?: string | undefined;
}

/** What {@link holdJob} did; `undefined` from it means the claim had already been lost. */
export interface HoldJobResult {
  readonly runAt: number;
}

/**
 * Holds a claimed job: back to `queued` until `now + holdMs`, `held_for` set, the error's message (why it waits) in
 * `last_error`, and the attempt given back, so a hold never brings a job nearer its dead letter. The job keeps its
 * lane position: later jobs of its lane wait behind it. When its key was released while the job ran (since its
 * claim, `job.updatedAt`), the cause is already gone: the job is runnable at once instead.
 */
export async function holdJob(
  db: Executor,
  job: Job,
  hold: JobHold & { readonly reason: unknown },
  options: { readonly now?: number } = {},
): Promise<HoldJobResult | undefined> {
  const now = options.now ?? Date.now();
  const runAt = await holdJobSql(
    db,
    { ...job, claimedAt: job.updatedAt },
    { runAt: now + hold.holdMs, heldFor: hold.heldFor ?? null, reason: describeError(hold.reason), now },
    dialectOf(db),
  );
  return runAt === undefined ? undefined : { runAt };
}

/**
 * Makes every queued job held for `heldFor` runnable now (their cause is gone), in the caller's transaction; workers
 * of this process wake after the commit. Lanes keep their order: each held job is still its lane's head. Resolves
 * how many jobs were released.
 */
export async function releaseHeldJobs(
  trx: Executor,
  input: { readonly heldFor: string; readonly now?: number },
): Promise<number> {
  const released = await releaseHeldJobsSql(trx, input.heldFor, input.now ?? Date.now(), dialectOf(trx));
  if (released > 0) afterCommit(trx, (signal) => signal.emit());
  return released;
}
