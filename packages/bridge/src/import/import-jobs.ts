import type { ImportProgress, ImportSummary } from './run-import.js';

/** A run going on in this process: its live progress (the database has the counters as of the last save). */
export interface LiveImport {
  readonly startedAt: number;
  readonly abort: AbortController;
  progress: ImportProgress | undefined;
  summary: ImportSummary | undefined;
  error: string | undefined;
}

/**
 * The imports this process runs for the admin API, by run id. One run of a file at a time: uploading the same
 * file while it runs answers with the running one instead of starting a second.
 */
export class ImportJobs {
  readonly #live = new Map<number, LiveImport>();

  get(runId: number): LiveImport | undefined {
    return this.#live.get(runId);
  }

  isRunning(runId: number): boolean {
    const job = this.#live.get(runId);
    return job !== undefined && job.summary === undefined && job.error === undefined;
  }

  start(runId: number, now: number, abort: AbortController): LiveImport {
    const job: LiveImport = { startedAt: now, abort, progress: undefined, summary: undefined, error: undefined };
    this.#live.set(runId, job);
    return job;
  }

  abortAll(): void {
    for (const job of this.#live.values()) job.abort.abort();
  }

  /** Every live job's promise settles; `stop()` of the service waits for them via this. */
  readonly running = new Set<Promise<unknown>>();
}

/** Messages per second and the estimated seconds left of a live run. */
export function rateOf(job: LiveImport, now: number): { perSecond: number; etaSeconds: number | null } {
  const p = job.progress;
  if (p?.phase !== 'sending' || now <= job.startedAt) return { perSecond: 0, etaSeconds: null };
  const perSecond = (p.done * 1000) / (now - job.startedAt);
  return { perSecond, etaSeconds: perSecond > 0 ? Math.round((p.total - p.done) / perSecond) : null };
}
