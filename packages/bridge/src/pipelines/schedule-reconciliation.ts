import { enqueue, laneHasWaitingJob } from '../queue/index.js';
import { listActiveConversations } from '../store/conversations/index.js';
import type { RelayDeps } from './deps.js';
import { JOB_KINDS, reconcileLane } from './job-kinds.js';

/** Options of {@link scheduleReconciliation}. */
export interface ReconciliationOptions {
  /** Time between runs, ms; default 60 000. */
  readonly intervalMs?: number;
  /** Conversations active within this window are checked, ms; default 24 h. */
  readonly activeWindowMs?: number;
  /** Most conversations checked per run; default 500 (most recently active first). */
  readonly limit?: number;
}

/** A running reconciliation schedule. */
export interface ReconciliationSchedule {
  /** Enqueues a round now (also done at start); resolves with the number of jobs enqueued. */
  runNow(): Promise<number>;
  /** Stops the timer (jobs already enqueued stay). */
  stop(): void;
}

/**
 * Enqueues `reconcile` jobs for recently active conversations at start and then every `intervalMs`. A conversation
 * that already has a reconcile job waiting gets no second one, so a slow amojo never piles up work.
 */
export function scheduleReconciliation(deps: RelayDeps, options: ReconciliationOptions = {}): ReconciliationSchedule {
  const intervalMs = options.intervalMs ?? 60_000;
  const windowMs = options.activeWindowMs ?? 24 * 60 * 60 * 1000;
  const limit = options.limit ?? 500;
  let running: Promise<number> | undefined;
  let stopped = false;

  const round = async (): Promise<number> => {
    const now = deps.now().getTime();
    const conversations = await listActiveConversations(deps.store.db, { since: now - windowMs, limit });
    if (conversations.length === 0) return 0;
    return deps.store.transaction(async (trx) => {
      let enqueued = 0;
      for (const conversation of conversations) {
        if (!conversation.amojoChatId) continue;
        const lane = reconcileLane(conversation.amojoChatId);
        if (await laneHasWaitingJob(trx, lane)) continue;
        await enqueue(trx, {
          kind: JOB_KINDS.reconcile,
          lane,
          payload: { conversationRowId: conversation.id },
          maxAttempts: 5,
          now,
        });
        enqueued++;
      }
      return enqueued;
    });
  };
  const runNow = (): Promise<number> => {
    running ??= round().finally(() => {
      running = undefined;
    });
    return running;
  };
  const tick = () => {
    if (stopped) return;
    runNow().catch((error: unknown) => deps.log.error({ err: error }, 'reconciliation round failed'));
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    runNow,
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
