import { afterEach, describe, expect, it } from 'vitest';
import {
  claimJobs,
  createWorker,
  enqueue,
  findJob,
  type JobHandler,
  listJobs,
  type Worker,
} from '../src/queue/index.js';
import { ENGINES } from './support/databases.js';
import { useStoreFixture } from './support/store-fixture.js';

// A handler may resolve writes (`JobWrites`) that the worker commits in the transaction marking the job done. The
// tests record what a handler "wrote" as `marker` jobs, which no worker here runs.

describe.each(ENGINES)('handlers that return their writes, on %s', (engine) => {
  const { store } = useStoreFixture(engine);
  const workers: Worker[] = [];
  const newWorker = (handlers: Record<string, JobHandler>, concurrency = 4) => {
    const worker = createWorker({ store, handlers, concurrency, pollIntervalMs: 20, leaseMs: 60_000 });
    workers.push(worker);
    return worker;
  };
  const markers = async () =>
    (await listJobs(store.db, { limit: 100, kind: 'marker' })).map((j) => (j.payload as { note: string }).note).sort();

  afterEach(async () => {
    // The tests leave their workers to this; one still running after it fails the test (the global leak check).
    await Promise.all(workers.splice(0).map((worker) => worker.stop()));
  });

  it("commits a handler's writes with its completion, before the lane's next job runs", async () => {
    for (let i = 0; i < 3; i++) await enqueue(store.db, { kind: 'step', lane: 'lane-a', payload: { i } });
    const seen: string[][] = [];
    const worker = newWorker({
      step: async (job) => {
        // The lane's earlier jobs' writes are committed by the time this one runs.
        seen.push(await markers());
        const { i } = job.payload as { i: number };
        return async (trx) => {
          await enqueue(trx, { kind: 'marker', payload: { note: `wrote-${i}` } });
        };
      },
    });
    worker.start();
    await expect.poll(markers, { timeout: 30_000 }).toEqual(['wrote-0', 'wrote-1', 'wrote-2']);
    expect(seen).toEqual([[], ['wrote-0'], ['wrote-0', 'wrote-1']]);
    const steps = await listJobs(store.db, { limit: 10, kind: 'step' });
    expect(steps.map((j) => j.state)).toEqual(['done', 'done', 'done']);
  });

  it('writes that throw fail their own attempt only; the batch-mates finished in the same cycle are written', async () => {
    const good = await enqueue(store.db, { kind: 'step', lane: 'good', payload: { bad: false } });
    const bad = await enqueue(store.db, { kind: 'step', lane: 'bad', payload: { bad: true } });
    const worker = newWorker({
      step: async (job) => {
        const { bad } = job.payload as { bad: boolean };
        return async (trx) => {
          await enqueue(trx, { kind: 'marker', payload: { note: bad ? 'bad' : 'good' } });
          if (bad) throw new Error('constraint says no');
        };
      },
    });
    // One claim of both, both finish, then one settling transaction for both (which fails and is replayed).
    expect(await worker.runOnce()).toBe(2);
    expect(await markers()).toEqual(['good']);
    expect((await findJob(store.db, good))?.state).toBe('done');
    const failed = await findJob(store.db, bad);
    expect(failed?.state).toBe('queued');
    expect(failed?.attempts).toBe(1);
    expect(failed?.lastError).toContain('constraint says no');
  });

  it('drops the writes of a finisher that lost its claim', async () => {
    const id = await enqueue(store.db, { kind: 'step', lane: 'lane-x', payload: {} });
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered = false;
    const worker = createWorker({
      store,
      concurrency: 1,
      pollIntervalMs: 20,
      leaseMs: 60_000,
      handlers: {
        step: async () => {
          entered = true;
          await gate;
          return async (trx) => {
            await enqueue(trx, { kind: 'marker', payload: { note: 'late' } });
          };
        },
      },
    });
    workers.push(worker);
    const run = worker.runOnce();
    await expect.poll(() => entered, { timeout: 30_000 }).toBe(true);
    // Another worker takes the job over, as after an expired lease.
    const [taken] = await claimJobs(store, { workerId: 'other', limit: 1, leaseMs: 60_000, now: Date.now() + 120_000 });
    expect(taken?.id).toBe(id);
    release();
    await run;
    expect(await markers()).toEqual([]);
    expect((await findJob(store.db, id))?.lockedBy).toBe('other');
  });
});
