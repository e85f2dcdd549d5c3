import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '../store/logger.js';
import type { Store } from '../store/store.js';
import type { RetryDelayOptions } from './backoff.js';
import { claimJobs } from './claim-jobs.js';
import { completeJob } from './complete-job.js';
import { extendLease } from './extend-lease.js';
import { describeError, failJob } from './fail-job.js';
import type { Job } from './job.js';
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
 * Runs one job. Resolve to complete it; throw to fail the attempt. The thrown error may carry `retryAfterMs`
 * (a number, as `AmojoApiError` does: the retry waits at least that long) and `retryable: false` (dead-letter now).
 */
export type JobHandler = (job: Job, context: JobContext) => Promise<void>;

/** Options of {@link createWorker}. */
export interface WorkerOptions {
  readonly store: Store;
  /** One handler per job kind; the worker only claims these kinds. */
  readonly handlers: Readonly<Record<string, JobHandler>>;
  /** Jobs run at once, each from a different lane; default 8. */
  readonly concurrency?: number | undefined;
  /** Idle poll interval (jobs enqueued in this process wake the worker at once); default 1000 ms. */
  readonly pollIntervalMs?: number | undefined;
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
  /** Stops claiming, waits for in-flight jobs to finish, then resolves. Idempotent. */
  stop(): Promise<void>;
  /** Claims once (up to `concurrency` jobs, one per lane), runs them, resolves how many ran. For tests and tools. */
  runOnce(): Promise<number>;
}

const activeWorkers = new Set<Worker>();

/** Workers started and not yet stopped in this process: tests assert it is 0 after each test. */
export function runningWorkerCount(): number {
  return activeWorkers.size;
}

/**
 * Creates a worker that runs lanes in parallel (up to `concurrency`) and the jobs of one lane in order.
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
  const log = options.log ?? {};
  const workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const kinds = Object.keys(handlers);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError('createWorker: concurrency must be >= 1');

  const inFlight = new Set<Promise<void>>();
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

  async function claim(limit: number): Promise<Job[]> {
    wakePending = false;
    try {
      return await claimJobs(store, { workerId, kinds, limit, leaseMs });
    } catch (error) {
      log.error?.({ event: 'job_claim_failed', workerId, error: describeError(error) }, 'claiming jobs failed');
      return [];
    }
  }

  async function runJob(job: Job): Promise<void> {
    const handler = handlers[job.kind];
    const controller = new AbortController();
    let finished = false;
    log.debug?.({
      event: 'job_claimed',
      workerId,
      jobId: job.id,
      kind: job.kind,
      lane: job.lane,
      attempt: job.attempts,
    });
    // Keep the lease alive while the handler runs, so a slow job is not taken over by another worker.
    const renew = setInterval(
      () => {
        extendLease(store.db, job, { leaseMs }).then(
          (held) => {
            if (!held && !finished) {
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
    try {
      if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
      let failure: unknown;
      let failed = false;
      try {
        await handler(job, { workerId, store, log, signal: controller.signal });
      } catch (error) {
        failed = true;
        failure = error;
      }
      finished = true;
      if (!failed) {
        const held = await completeJob(store.db, job);
        if (held) log.debug?.({ event: 'job_completed', workerId, jobId: job.id, kind: job.kind });
        else log.warn?.({ event: 'job_completed_after_lease_lost', workerId, jobId: job.id, kind: job.kind });
        return;
      }
      const hints = failure as { retryAfterMs?: unknown; retryable?: unknown } | null;
      const retryAfterMs = typeof hints?.retryAfterMs === 'number' ? hints.retryAfterMs : undefined;
      const result = await failJob(store.db, job, failure, {
        retryAfterMs,
        retryable: hints?.retryable !== false,
        backoff: options.backoff,
      });
      const fields = {
        workerId,
        jobId: job.id,
        kind: job.kind,
        lane: job.lane,
        attempt: job.attempts,
        error: describeError(failure),
      };
      if (!result) log.warn?.({ event: 'job_failed_after_lease_lost', ...fields });
      else if (result.state === 'dead') log.error?.({ event: 'job_dead', ...fields }, 'job dead-lettered');
      else log.warn?.({ event: 'job_failed', ...fields, retryAt: result.runAt });
    } catch (error) {
      // The database refused completion or failure: the lease will expire and the job run again (at-least-once).
      log.error?.({ event: 'job_settle_failed', workerId, jobId: job.id, error: describeError(error) });
    } finally {
      finished = true;
      clearInterval(renew);
    }
  }

  function track(job: Job): Promise<void> {
    const promise = runJob(job).finally(() => {
      inFlight.delete(promise);
      wake();
    });
    inFlight.add(promise);
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
    while (state === 'running') {
      const free = concurrency - inFlight.size;
      if (free > 0) {
        const jobs = await claim(free);
        for (const job of jobs) track(job);
        // A full batch suggests more are waiting: claim again at once (the next pass sleeps if slots are full).
        if (jobs.length === free && state === 'running') continue;
      } else {
        // Every slot is busy, so only a finishing job can make room, and it wakes the loop. A wake pending from an
        // enqueue must not make `sleep` return at once: the loop would spin on resolved promises, starve the event
        // loop, and the running jobs could never finish.
        wakePending = false;
      }
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
      if (state === 'idle') return stopping ?? Promise.resolve();
      if (stopping) return stopping;
      state = 'stopping';
      wake();
      stopping = (async () => {
        await loopDone;
        await Promise.all([...inFlight]);
        unsubscribe?.();
        state = 'idle';
        activeWorkers.delete(worker);
        stopping = undefined;
        log.info?.({ event: 'worker_stopped', workerId });
      })();
      return stopping;
    },
    async runOnce() {
      const jobs = await claim(concurrency);
      await Promise.all(jobs.map((job) => track(job)));
      return jobs.length;
    },
  };
  return worker;
}
