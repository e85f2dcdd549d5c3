import { afterEach, describe, expect, it } from 'vitest';
import { createWorker, enqueue, listJobs, type Worker } from '../src/queue/index.js';
import type { Store } from '../src/store/store.js';
import { ENGINES } from './support/databases.js';
import { useStoreFixture } from './support/store-fixture.js';

// The worker writes outcomes and claims in one transaction per cycle. With a settle window, jobs that finish while
// others are still running wait for them, so they share one cycle (one commit) instead of one each.

const LANES = 6;

describe.each(ENGINES)('the worker settle window, on %s', (engine) => {
  const { store } = useStoreFixture(engine);
  const workers: Worker[] = [];

  afterEach(async () => {
    // The tests leave their workers to this; one still running after it fails the test (the global leak check).
    await Promise.all(workers.splice(0).map((worker) => worker.stop()));
  });

  /**
   * Runs one job in each of LANES lanes; the handlers finish one after another when the test lets them (`gap`
   * between two), and the result is how many transactions the worker opened from the first finish to the last
   * completion.
   */
  async function transactionsToSettle(settleWindowMs: number, gap: () => Promise<void>): Promise<number> {
    for (let i = 0; i < LANES; i++) await enqueue(store.db, { kind: 'step', lane: `lane-${i}`, payload: { i } });
    let transactions = 0;
    const counting: Store = Object.create(store, {
      transaction: {
        value: (fn: Parameters<Store['transaction']>[0]) => {
          transactions++;
          return store.transaction(fn);
        },
      },
    });
    const gates: (() => void)[] = [];
    const worker = createWorker({
      store: counting,
      handlers: { step: () => new Promise<undefined>((resolve) => gates.push(() => resolve(undefined))) },
      concurrency: LANES,
      // No idle polling during the test: only finishing jobs wake the worker.
      pollIntervalMs: 3_600_000,
      settleWindowMs,
    });
    workers.push(worker);
    worker.start();
    await expect.poll(() => gates.length, { timeout: 30_000 }).toBe(LANES);
    transactions = 0;
    for (const [index, open] of gates.entries()) {
      if (index > 0) await gap();
      open();
    }
    const done = async () => (await listJobs(store.db, { limit: 100, state: 'done' })).length;
    await expect.poll(done, { timeout: 30_000 }).toBe(LANES);
    return transactions;
  }

  it('settles jobs that finish while others still run in one transaction', async () => {
    // Each finish is a macrotask apart, well inside the (longest allowed) window.
    const settled = await transactionsToSettle(1000, () => new Promise((resolve) => setImmediate(resolve)));
    expect(settled).toBe(1);
  });

  it('settles each job at once without a window', async () => {
    // The worker settles a finished job before the next timer fires, so each finish is a cycle of its own.
    const settled = await transactionsToSettle(0, () => new Promise((resolve) => setTimeout(resolve, 20)));
    expect(settled).toBe(LANES);
  });

  it('refuses a window outside 0-1000 ms', () => {
    expect(() => createWorker({ store, handlers: {}, settleWindowMs: -1 })).toThrow(/settleWindowMs/);
    expect(() => createWorker({ store, handlers: {}, settleWindowMs: 5000 })).toThrow(/settleWindowMs/);
  });
});
