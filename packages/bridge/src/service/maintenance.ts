import type { Logger } from '../log.js';
import type { BridgeMetrics } from '../metrics/index.js';
import { pruneFinishedJobs } from '../queue/prune-jobs.js';
import type { PruneBatchInput, PruneBatchResult } from '../store/ops/prune-batch.js';
import { pruneHookLog } from '../store/ops/prune-hook-log.js';
import { pruneWebchatUploads } from '../store/ops/prune-webchat-uploads.js';
import type { Executor } from '../store/store.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Options of {@link createMaintenance}. */
export interface MaintenanceOptions {
  readonly db: Executor;
  readonly log: Logger;
  readonly metrics?: BridgeMetrics;
  /** The clock retention is measured against. */
  readonly now: () => Date;
  /** Time between two rounds, ms; the first round runs one interval after `start()`. */
  readonly intervalMs: number;
  /** `done`/`discarded` jobs older than this (since their last update) are deleted, hours. */
  readonly jobRetentionHours: number;
  /** Hook log rows older than this whose job is gone or finished are deleted, days. */
  readonly hookRetentionDays: number;
  /** Webchat uploads older than this and referenced by no message of this period are deleted, days. */
  readonly uploadRetentionDays: number;
  /** Rows deleted per statement; default 500. */
  readonly batchSize?: number;
}

/** Rows one maintenance round deleted, per table. */
export interface MaintenanceRound {
  readonly jobs: number;
  readonly hooks: number;
  readonly uploads: number;
}

/** The periodic pruning of finished jobs, the old hook log and unreferenced webchat uploads. */
export interface Maintenance {
  /** Schedules a round every `intervalMs`; calling it twice, or after `stop()`, does nothing. */
  start(): void;
  /** Runs one round now (or joins the one running) and resolves with what it deleted. */
  runNow(): Promise<MaintenanceRound>;
  /** Cancels the schedule and waits for a running round, which stops after its current batch. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Creates the maintenance task `createBridge` starts and stops. Each table is pruned in batches of `batchSize` rows,
 * each batch its own short statement, so a large backlog never holds one long transaction or lock; bridges sharing
 * a PostgreSQL database may run it at the same time (rows are deleted by id, and a row already gone is skipped).
 * A failed round is logged and retried at the next interval.
 */
export function createMaintenance(options: MaintenanceOptions): Maintenance {
  const { db, log, metrics } = options;
  const limit = options.batchSize ?? 500;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<MaintenanceRound> | undefined;
  let started = false;
  let stopped = false;

  const prune = async (
    table: 'jobs' | 'hooks' | 'webchat_uploads',
    batch: (db: Executor, input: PruneBatchInput) => Promise<PruneBatchResult>,
    before: number,
  ): Promise<number> => {
    let total = 0;
    for (;;) {
      const result = await batch(db, { before, limit });
      total += result.deleted;
      if (result.deleted > 0) metrics?.prunedRows.inc({ table }, result.deleted);
      // Stopping ends the round between batches: what is left goes at the next start.
      if (!result.more || stopped) return total;
      // Let requests and jobs waiting on the event loop (and, on SQLite, on the one connection) run between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
  };

  const round = async (): Promise<MaintenanceRound> => {
    const startedAt = Date.now();
    const now = options.now().getTime();
    const jobs = await prune('jobs', pruneFinishedJobs, now - options.jobRetentionHours * HOUR_MS);
    const hooks = stopped ? 0 : await prune('hooks', pruneHookLog, now - options.hookRetentionDays * DAY_MS);
    const uploads = stopped
      ? 0
      : await prune('webchat_uploads', pruneWebchatUploads, now - options.uploadRetentionDays * DAY_MS);
    const deleted = { jobs, hooks, uploads };
    log.info({ event: 'maintenance_pruned', ...deleted, ms: Date.now() - startedAt }, 'maintenance round finished');
    return deleted;
  };

  const runNow = (): Promise<MaintenanceRound> => {
    running ??= round().finally(() => {
      running = undefined;
    });
    return running;
  };

  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = undefined;
      runNow()
        .catch((error: unknown) => {
          log.error({ event: 'maintenance_failed', err: error }, 'maintenance round failed; retrying next interval');
        })
        .finally(schedule);
    }, options.intervalMs);
    // The schedule alone must not keep the process alive.
    timer.unref();
  };

  return {
    start() {
      if (started || stopped) return;
      started = true;
      schedule();
    },
    runNow,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
  };
}
