import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '../store/logger.js';
import type { Executor, Store } from '../store/store.js';
import type { RetryDelayOptions } from './backoff.js';
import { claimJobsIn } from './claim-jobs.js';
import { completeJobs } from './complete-job.js';
import { extendLease } from './extend-lease.js';
import { describeError, failJob } from './fail-job.js';
import { holdJob } from './hold-job.js';
import type { Job } from './job.js';
import { failureOutcome } from './job-failure.js';
import { releaseOrphanedJobs } from './release-orphaned-jobs.js';

/** What a handler gets besides its job. */
export interface JobContext {
  readonly workerId: string;
  readonly store: Store;
  readonly log: Logger;
  /** Aborted when the worker lost the job's lease (another worker may run it now): stop early if you can. */
  readonly signal: AbortSignal;
}

/**
 * What a finished handler wants written: run by the worker inside the transaction that marks the job done (with the
 * other jobs finished in the same cycle, and the next claim), so a job's effects and its completion commit together,
 * in one fsync per cycle rather than one per job. Only database work through `trx` belongs here: it runs only while
 * the claim still holds, and may run twice (a shared transaction that failed is replayed job by job). When it throws,
 * the attempt counts as failed with that error and the job runs again.
 */
export type JobWrites = (trx: Executor) => Promise<void>;

/**
 * Runs one job. Resolve to complete it, with {@link JobWrites} to commit with the completion; throw to fail the
 * attempt. Throw a `JobFailure` (`job-failure.ts`) to say how: `retry` (with an optional `retryAfterMs`: the retry
 * waits at least that long), `dead` (dead-letter now), or `hold` (wait `holdMs`, or until
 * `releaseHeldJobs(heldFor)`, with the attempt not counted). Anything else thrown is retried after backoff.
 */
export type JobHandler = (job: Job, context: JobContext) => Promise<JobWrites | undefined | void>;

/** Options of {@link createWorker}. */
export interface WorkerOptions {
  readonly store: Store;
  /** One handler per job kind; the worker only claims these kinds. */
  readonly handlers: Readonly<Record<string, JobHandler>>;
  /** Jobs run at once, each from a different lane; default 8. */
  readonly concurrency?: number | undefined;
  /** Idle poll interval (jobs enqueued in this process wake the worker at once); default 1000 ms. */
  readonly pollIntervalMs?: number | undefined;
  /**
   * How long a finished job waits for others still running before the worker writes outcomes and claims again, ms;
   * default 1. Each cycle is one transaction (one fsync on SQLite), so a cycle per finished job capped the relay at
   * about one commit per message; waiting this long lets the jobs finishing together share one. It never waits when
   * no other job is running, nor while stopping. 0: settle at once.
   */
  readonly settleWindowMs?: number | undefined;
  /** Lease per claim, extended every third of it while the handler runs; default 60 s. */
  readonly leaseMs?: number | undefined;
  readonly log?: Logger | undefined;
  /** Default `<host>:<pid>:<random>`. */
  readonly workerId?: string | undefined;
  /** Backoff tuning for failed attempts. */
  readonly backoff?: Omit<RetryDelayOptions, 'attempt' | 'retryAfterMs'> | undefined;
  /**
   * At start, requeue running jobs held by no worker of this process instead of waiting for their leases: they were
   * left by a process that was killed. Default true on SQLite (one process owns the file), false on PostgreSQL
   * (other live processes hold jobs there; their crashed jobs come back when the lease expires).
   */
  readonly releaseOrphanedJobsOnStart?: boolean | undefined;
}

/** A queue worker. */
export interface Worker {
  readonly workerId: string;
  /** Whether `start()` was called and `stop()` has not finished. */
  readonly running: boolean;
  /** Starts claiming and running jobs in the background. */
  start(): void;
  /** Stops claiming, waits for in-flight jobs to finish and be recorded, then resolves. Idempotent. */
  stop(): Promise<void>;
  /** Claims once (up to `concurrency` jobs, one per lane), runs and records them, resolves how many ran. For tests. */
  runOnce(): Promise<number>;
}

/** A finished attempt waiting to be written. */
interface Settlement {
  readonly job: Job;
  readonly failure?: { readonly error: unknown };
  /** What the handler asked to write with the completion. */
  readonly writes?: JobWrites | undefined;
  /** Stops the lease renewal once the outcome is written. */
  readonly release: () => void;
}

const activeWorkers = new Set<Worker>();

/** Workers started and not yet stopped in this process: tests assert it is 0 after each test. */
export function runningWorkerCount(): number {
  return activeWorkers.size;
}

/**
 * Creates a worker that runs lanes in parallel (up to `concurrency`) and the jobs of one lane in order.
 *
 * Outcomes are written in the same transaction as the next claim ("settle and claim"): a lane's next job becomes
 * claimable exactly when its predecessor is marked done, and a busy worker pays one commit (one fsync) per cycle
 * rather than two per job. Measured on SQLite (synchronous=FULL) with no-op handlers this took the worker from
 * about 100 to several hundred jobs per second.
 *
 * @example
 * const worker = createWorker({ store, handlers: { 'deliver-to-amojo': deliver }, concurrency: 8, log });
 * worker.start();
 * // on SIGTERM:
 * await worker.stop();
 */
export function createWorker(options: WorkerOptions): Worker {
  const { store, handlers } = options;
  const concurrency = options.concurrency ?? 8;
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const leaseMs = options.leaseMs ?? 60_000;
  const settleWindowMs = options.settleWindowMs ?? 1;
  const log = options.log ?? {};
  const workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const kinds = Object.keys(handlers);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError('createWorker: concurrency must be >= 1');
  if (!(settleWindowMs >= 0 && settleWindowMs <= 1000)) {
    throw new RangeError('createWorker: settleWindowMs must be between 0 and 1000');
  }

  /** Handlers running now. */
  const running = new Set<Promise<void>>();
  /** Finished attempts not yet written. */
  const settled: Settlement[] = [];
  let state: 'idle' | 'running' | 'stopping' = 'idle';
  let loopDone: Promise<void> = Promise.resolve();
  let stopping: Promise<void> | undefined;
  let unsubscribe: (() => void) | undefined;
  let wakePending = false;
  let wakeSleeper: (() => void) | undefined;

  const wake = () => {
    wakePending = true;
    wakeSleeper?.();
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (wakePending) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeSleeper = undefined;
        resolve();
      }
      wakeSleeper = done;
    });

  /**
   * Waits up to `settleWindowMs` while jobs are still running, so the ones finishing together settle in one cycle
   * (one commit). Returns at once when no job is running (nothing more can join) or when stopping. Each finishing job
   * wakes the wait, which then goes on until the window ends or the last running job has finished.
   */
  async function gatherSettlements(): Promise<void> {
    if (settleWindowMs <= 0) return;
    const deadline = performance.now() + settleWindowMs;
    while (running.size > 0 && state === 'running') {
      const left = deadline - performance.now();
      if (left <= 0) return;
      wakePending = false;
      await sleep(left);
    }
  }

  /** Writes finished attempts and claims up to `limit` new jobs, in one transaction. */
  async function settleAndClaim(limit: number): Promise<Job[]> {
    wakePending = false;
    const batch = settled.splice(0);
    if (batch.length === 0 && limit <= 0) return [];
    try {
      const claimed = await store.transaction(async (trx) => {
        await writeOutcomes(trx, batch);
        return claimJobsIn(trx, store.dialect, { workerId, kinds, limit, leaseMs });
      });
      for (const settlement of batch) settlement.release();
      return claimed;
    } catch (error) {
      log.error?.({ event: 'job_settle_or_claim_failed', workerId, error: describeError(error) });
      // Nothing was written. A handler's writes may be what failed: write each outcome alone, so one bad job fails
      // its own attempt and not its batch-mates'. Outcomes that cannot be written now (the database is down) are
      // kept (their leases are still renewed) and tried again next cycle.
      if (batch.some((s) => s.writes)) await settleOneByOne(batch);
      else settled.unshift(...batch);
      await sleep(Math.min(pollIntervalMs, 1000));
      return [];
    }
  }

  /** Completions (with their handlers' writes, for the jobs still held) and failures of one cycle. */
  async function writeOutcomes(trx: Executor, batch: readonly Settlement[]): Promise<void> {
    const completed = await completeJobs(
      trx,
      batch.filter((s) => !s.failure).map((s) => s.job),
      store.dialect,
    );
    for (const settlement of batch) {
      if (settlement.writes && completed.has(settlement.job.id)) await settlement.writes(trx);
      await settle(trx, settlement, completed);
    }
  }

  async function settleOneByOne(batch: readonly Settlement[]): Promise<void> {
    const kept: Settlement[] = [];
    for (const settlement of batch) {
      try {
        await store.transaction((trx) => writeOutcomes(trx, [settlement]));
        settlement.release();
      } catch (error) {
        if (!settlement.writes) {
          kept.push(settlement);
          continue;
        }
        log.warn?.({ event: 'job_writes_failed', workerId, jobId: settlement.job.id, error: describeError(error) });
        const failed: Settlement = { job: settlement.job, failure: { error }, release: settlement.release };
        try {
          await store.transaction((trx) => writeOutcomes(trx, [failed]));
          settlement.release();
        } catch {
          kept.push(settlement);
        }
      }
    }
    settled.unshift(...kept);
  }

  async function settle(trx: Executor, { job, failure }: Settlement, completed: Set<number>): Promise<void> {
    if (!failure) {
      const held = completed.has(job.id);
      if (held) log.debug?.({ event: 'job_completed', workerId, jobId: job.id, kind: job.kind });
      else log.warn?.({ event: 'job_completed_after_lease_lost', workerId, jobId: job.id, kind: job.kind });
      return;
    }
    const outcome = failureOutcome(failure.error);
    const hold = outcome.outcome === 'hold' ? outcome.hold : undefined;
    if (hold) {
      const held = await holdJob(trx, job, { ...hold, reason: failure.error });
      const fields = { workerId, jobId: job.id, kind: job.kind, lane: job.lane, heldFor: hold.heldFor ?? null };
      if (!held) log.warn?.({ event: 'job_held_after_lease_lost', ...fields });
      // Debug: a held job comes back every probe interval until its cause is fixed; the cause is logged where it is seen.
      else log.debug?.({ event: 'job_held', ...fields, runAt: held.runAt, reason: describeError(failure.error) });
      return;
    }
    const result = await failJob(trx, job, failure.error, {
      retryAfterMs: outcome.retryAfterMs,
      retryable: outcome.outcome !== 'dead',
      backoff: options.backoff,
    });
    const fields = {
      workerId,
      jobId: job.id,
      kind: job.kind,
      lane: job.lane,
      attempt: job.attempts,
      error: describeError(failure.error),
    };
    if (!result) log.warn?.({ event: 'job_failed_after_lease_lost', ...fields });
    else if (result.state === 'dead') log.error?.({ event: 'job_dead', ...fields }, 'job dead-lettered');
    else log.warn?.({ event: 'job_failed', ...fields, retryAt: result.runAt });
  }

  function runJob(job: Job): Promise<void> {
    const controller = new AbortController();
    let released = false;
    log.debug?.({
      event: 'job_claimed',
      workerId,
      jobId: job.id,
      kind: job.kind,
      lane: job.lane,
      attempt: job.attempts,
    });
    // Keep the lease alive while the handler runs and until its outcome is written, so a slow job is not taken
    // over by another worker.
    const renew = setInterval(
      () => {
        extendLease(store.db, job, { leaseMs }).then(
          (held) => {
            if (!held && !released) {
              log.warn?.({ event: 'job_lease_lost', workerId, jobId: job.id, kind: job.kind });
              controller.abort();
            }
          },
          (error) =>
            log.warn?.({ event: 'job_lease_extend_failed', workerId, jobId: job.id, error: describeError(error) }),
        );
      },
      Math.max(Math.floor(leaseMs / 3), 10),
    );
    const release = () => {
      released = true;
      clearInterval(renew);
    };
    const handler = handlers[job.kind];
    const promise = (async () => {
      try {
        if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
        const writes = await handler(job, { workerId, store, log, signal: controller.signal });
        settled.push({ job, writes: writes || undefined, release });
      } catch (error) {
        settled.push({ job, failure: { error }, release });
      }
    })().finally(() => {
      running.delete(promise);
      wake();
    });
    running.add(promise);
    return promise;
  }

  async function releaseOrphans(): Promise<void> {
    try {
      const liveWorkerIds = [...activeWorkers].map((w) => w.workerId);
      const released = await releaseOrphanedJobs(store.db, { liveWorkerIds });
      if (released > 0) log.warn?.({ event: 'jobs_released_after_crash', workerId, released });
    } catch (error) {
      log.error?.({ event: 'job_release_failed', workerId, error: describeError(error) });
    }
  }

  async function loop(): Promise<void> {
    if (options.releaseOrphanedJobsOnStart ?? store.dialect === 'sqlite') await releaseOrphans();
    // After stop() the loop keeps going until every running handler finished and its outcome is written.
    const finished = () => state !== 'running' && running.size === 0 && settled.length === 0;
    while (!finished()) {
      if (settled.length > 0) await gatherSettlements();
      const free = state === 'running' ? concurrency - running.size : 0;
      if (free > 0 || settled.length > 0) {
        const jobs = await settleAndClaim(free);
        for (const job of jobs) runJob(job);
        // A full batch suggests more are waiting: claim again at once (the next pass sleeps if slots are full).
        if (free > 0 && jobs.length === free && state === 'running') continue;
        // Outcomes that arrived meanwhile are written now; after stop() the last settlement ends the loop.
        if (settled.length > 0 || finished()) continue;
      }
      // Every slot busy and nothing to settle: only a finishing job makes room, and it wakes the loop. A wake left
      // pending by an enqueue must not make `sleep` return at once, or the loop spins on resolved promises, starves
      // the event loop, and the running jobs never finish (test/queue-worker-saturated.test.ts).
      if (free <= 0 && settled.length === 0) wakePending = false;
      await sleep(pollIntervalMs);
    }
  }

  const worker: Worker = {
    workerId,
    get running() {
      return state !== 'idle';
    },
    start() {
      if (state !== 'idle') return;
      state = 'running';
      activeWorkers.add(worker);
      unsubscribe = store.jobSignal.subscribe(wake);
      loopDone = loop();
      log.info?.({ event: 'worker_started', workerId, concurrency, kinds });
    },
    stop() {
      if (stopping) return stopping;
      if (state === 'idle') return Promise.resolve();
      state = 'stopping';
      wake();
      stopping = (async () => {
        await loopDone;
        unsubscribe?.();
        state = 'idle';
        activeWorkers.delete(worker);
        stopping = undefined;
        log.info?.({ event: 'worker_stopped', workerId });
      })();
      return stopping;
    },
    async runOnce() {
      const jobs = await settleAndClaim(concurrency);
      await Promise.all(jobs.map((job) => runJob(job)));
      for (let tries = 0; settled.length > 0 && tries < 10; tries++) await settleAndClaim(0);
      return jobs.length;
    },
  };
  return worker;
}
