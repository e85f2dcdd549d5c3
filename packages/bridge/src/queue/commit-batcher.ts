import type { Executor, Store } from '../store/store.js';

/** Options of {@link createCommitBatcher}. */
export interface CommitBatcherOptions {
  /** Most work items per transaction; default 100. */
  readonly maxBatch?: number | undefined;
  /** How long the first item of an idle batcher waits for company; default 2 ms. */
  readonly maxWaitMs?: number | undefined;
}

/** Counters of a {@link CommitBatcher}, for metrics and tests. */
export interface CommitBatcherStats {
  /** Work items submitted. */
  readonly submissions: number;
  /** Transactions attempted (shared batches plus solo retries). */
  readonly transactions: number;
  /** Batches that failed and were replayed item by item. */
  readonly failedBatches: number;
}

/** Groups concurrent small transactions into one commit. */
export interface CommitBatcher {
  /**
   * Runs `work` in a transaction shared with other submissions; resolves with its result only after that
   * transaction committed (the data is durable), or rejects with the item's own error. `work` may run twice (once
   * in a batch that failed, then alone), so it must only touch the database through `trx`.
   */
  submit<T>(work: (trx: Executor) => Promise<T>): Promise<T>;
  /** Resolves once everything submitted so far has settled. */
  flush(): Promise<void>;
  /** Current counters. */
  readonly stats: CommitBatcherStats;
}

interface Item {
  readonly work: (trx: Executor) => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit for intake (ARCHITECTURE "Intake commits are grouped"). A durable commit costs one fsync, which
 * dominates intake; concurrent hooks share one. While a commit is in flight new submissions queue up and go
 * together in the next transaction, so under load batches form by themselves and an idle request waits at most
 * `maxWaitMs`. The price: a request's latency includes its batch-mates' statements, and one failing item costs the
 * batch a replay. On failure the batch is rolled back and every item re-run in its own transaction, so only the bad
 * item fails. Savepoints per item would avoid the replay but add two round trips to every item on the common path
 * where nothing fails (dedup is `on conflict do nothing`, not an error), so replay-on-failure is the cheaper trade.
 *
 * @example
 * const batcher = createCommitBatcher(store, { maxBatch: 100, maxWaitMs: 2 });
 * const outcome = await batcher.submit((trx) => acceptHook(trx, hook)); // durable here; now answer 200
 */
export function createCommitBatcher(store: Store, options: CommitBatcherOptions = {}): CommitBatcher {
  const maxBatch = options.maxBatch ?? 100;
  const maxWaitMs = options.maxWaitMs ?? 2;
  const pending: Item[] = [];
  let timer: NodeJS.Timeout | undefined;
  let draining: Promise<void> | undefined;
  const stats = { submissions: 0, transactions: 0, failedBatches: 0 };

  function schedule(): void {
    if (draining) return; // the running drain picks new items up when its commit is done
    if (pending.length >= maxBatch) {
      drain();
    } else if (!timer) {
      timer = setTimeout(drain, maxWaitMs);
    }
  }

  function drain(): void {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (draining) return;
    draining = (async () => {
      while (pending.length > 0) await commitBatch(pending.splice(0, maxBatch));
      draining = undefined;
    })();
  }

  async function commitBatch(batch: Item[]): Promise<void> {
    let results: unknown[];
    try {
      stats.transactions++;
      // The results are returned, not pushed to an outer array: PostgreSQL may run this transaction twice.
      results = await store.transaction(async (trx) => {
        const done: unknown[] = [];
        for (const item of batch) done.push(await item.work(trx));
        return done;
      });
    } catch {
      stats.failedBatches++;
      for (const item of batch) {
        try {
          stats.transactions++;
          item.resolve(await store.transaction((trx) => item.work(trx)));
        } catch (error) {
          item.reject(error);
        }
      }
      return;
    }
    for (const [index, item] of batch.entries()) item.resolve(results[index]);
  }

  return {
    submit<T>(work: (trx: Executor) => Promise<T>): Promise<T> {
      stats.submissions++;
      return new Promise<T>((resolve, reject) => {
        pending.push({ work, resolve: resolve as (value: unknown) => void, reject });
        schedule();
      });
    },
    async flush() {
      while (pending.length > 0 || draining || timer) {
        if (!draining) drain();
        await draining;
      }
    },
    get stats() {
      return { ...stats };
    },
  };
}
