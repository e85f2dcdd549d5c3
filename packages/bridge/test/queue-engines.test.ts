import { setTimeout as delay } from 'node:timers/promises';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import {
  claimJobs,
  completeJob,
  createCommitBatcher,
  createWorker,
  discardDeadJob,
  enqueue,
  failJob,
  findJob,
  type Job,
  JobFailure,
  queueStats,
  retryDeadJob,
} from '../src/queue/index.js';
import { asScopeId } from '../src/store/ids.js';
import { insertHookRecord, scopedDedupKey } from '../src/store/ops/insert-hook-record.js';
import type { Executor } from '../src/store/store.js';
import { ENGINES } from './support/databases.js';
import { useStoreFixture } from './support/store-fixture.js';

const T0 = 1_800_000_000_000;

/** Logs hook number `i` (its own dedup key) as the intake would, inside the caller's transaction. */
const insertTestHook = (trx: Executor, i: number) =>
  insertHookRecord(trx, {
    scopeId: asScopeId('s'),
    kind: 'message',
    rawBody: `{"i":${i}}`,
    signatureOk: true,
    dedupKey: `k-${i}`,
    outcome: 'accepted',
    reason: null,
    receivedAt: T0,
  });

describe.each(ENGINES)('queue on %s', (engine) => {
  const fixture = useStoreFixture(engine);
  const { store } = fixture;

  const add = (input: {
    lane?: string | null;
    kind?: string;
    payload?: unknown;
    runAt?: number;
    maxAttempts?: number;
  }) => enqueue(store.db, { kind: input.kind ?? 'test', payload: input.payload ?? {}, now: T0, ...input });

  it('runs 200 jobs over 10 lanes with concurrency 8: each once, lanes in order, lanes in parallel', async () => {
    const lanes = 10;
    await store.transaction(async (trx) => {
      // Runs of 5 consecutive jobs share a lane, so a claim that ignored lanes would take several at once.
      for (let seq = 0; seq < 200; seq++) {
        const lane = `lane-${Math.floor(seq / 5) % lanes}`;
        await enqueue(trx, { kind: 'ordered', lane, payload: { lane, seq } });
      }
    });
    const seen = new Map<string, number[]>();
    const runs = new Map<number, number>();
    let active = 0;
    let maxActive = 0;
    const activeLanes = new Set<string>();
    let sameLaneOverlap = 0;
    let done = 0;
    let finish!: () => void;
    const allDone = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const worker = createWorker({
      store,
      concurrency: 8,
      pollIntervalMs: 20,
      handlers: {
        ordered: async (job) => {
          const { lane, seq } = job.payload as { lane: string; seq: number };
          if (activeLanes.has(lane)) sameLaneOverlap++;
          activeLanes.add(lane);
          active++;
          maxActive = Math.max(maxActive, active);
          runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
          seen.set(lane, [...(seen.get(lane) ?? []), seq]);
          await delay(Math.random() * 3);
          active--;
          activeLanes.delete(lane);
          if (++done === 200) finish();
        },
      },
    });
    worker.start();
    await allDone;
    await worker.stop();

    expect(runs.size).toBe(200);
    expect([...runs.values()].every((count) => count === 1)).toBe(true);
    expect(sameLaneOverlap).toBe(0);
    expect(maxActive).toBeLessThanOrEqual(8);
    expect(maxActive).toBeGreaterThan(1);
    expect(seen.size).toBe(lanes);
    for (const sequence of seen.values()) {
      expect(sequence).toHaveLength(20);
      for (let i = 1; i < sequence.length; i++) expect(sequence[i]!).toBeGreaterThan(sequence[i - 1]!);
    }
    const states = await store.db.selectFrom('jobs').select('state').distinct().execute();
    expect(states.map((row) => row.state)).toEqual(['done']);
  });

  it('two workers on two store instances never run a job twice and keep lane order', async () => {
    const other = fixture.openAnother();
    await store.transaction(async (trx) => {
      for (let seq = 0; seq < 200; seq++) {
        const lane = `lane-${Math.floor(seq / 5) % 10}`;
        await enqueue(trx, { kind: 'shared', lane, payload: { lane, seq } });
      }
    });
    const executions: { id: number; lane: string; seq: number; worker: string }[] = [];
    let finish!: () => void;
    const allDone = new Promise<void>((resolve) => {
      finish = resolve;
    });
    // Both workers live in this process, so one set sees whether a lane ever runs two jobs at once.
    const activeLanes = new Set<string>();
    let sameLaneOverlap = 0;
    const handler = (name: string) => async (job: Job) => {
      const { lane, seq } = job.payload as { lane: string; seq: number };
      if (activeLanes.has(lane)) sameLaneOverlap++;
      activeLanes.add(lane);
      executions.push({ id: job.id, lane, seq, worker: name });
      await delay(Math.random() * 2);
      activeLanes.delete(lane);
      if (executions.length >= 200) finish();
    };
    const a = createWorker({ store, concurrency: 4, pollIntervalMs: 10, handlers: { shared: handler('a') } });
    const b = createWorker({ store: other, concurrency: 4, pollIntervalMs: 10, handlers: { shared: handler('b') } });
    a.start();
    b.start();
    await allDone;
    await Promise.all([a.stop(), b.stop()]);
    await other.close();

    expect(executions).toHaveLength(200);
    expect(new Set(executions.map((e) => e.id)).size).toBe(200);
    expect(sameLaneOverlap).toBe(0);
    expect(new Set(executions.map((e) => e.worker))).toEqual(new Set(['a', 'b']));
    const byLane = new Map<string, number[]>();
    for (const e of executions) byLane.set(e.lane, [...(byLane.get(e.lane) ?? []), e.seq]);
    for (const sequence of byLane.values()) {
      expect(sequence).toEqual([...sequence].sort((x, y) => x - y));
    }
  });

  it('claims at most the head of each lane, and unordered jobs freely', async () => {
    await add({ lane: 'x' });
    await add({ lane: 'x' });
    await add({ lane: 'y' });
    await add({ lane: null });
    await add({ lane: null });
    const claimed = await claimJobs(store, { workerId: 'w', limit: 10, leaseMs: 1000, now: T0 });
    expect(claimed.map((job) => job.lane)).toEqual(['x', 'y', null, null]);
    expect(claimed.every((job) => job.state === 'running' && job.attempts === 1 && job.lockedBy === 'w')).toBe(true);
    // Nothing else is claimable until the head of lane x completes.
    expect(await claimJobs(store, { workerId: 'w2', limit: 10, leaseMs: 1000, now: T0 })).toEqual([]);
    expect(await completeJob(store.db, claimed[0]!, { now: T0 })).toBe(true);
    const next = await claimJobs(store, { workerId: 'w2', limit: 10, leaseMs: 1000, now: T0 });
    expect(next.map((job) => job.lane)).toEqual(['x']);
    // kinds filter
    await add({ kind: 'other', lane: 'z' });
    expect(await claimJobs(store, { workerId: 'w', kinds: ['test'], limit: 10, leaseMs: 1000, now: T0 })).toEqual([]);
    expect(await claimJobs(store, { workerId: 'w', kinds: ['other'], limit: 10, leaseMs: 1000, now: T0 })).toHaveLength(
      1,
    );
  });

  it('never runs two jobs of one lane at once, even if a lower id is queued behind a running higher one', async () => {
    const lower = await add({ lane: 'l' });
    const higher = await add({ lane: 'l' });
    await store.db
      .updateTable('jobs')
      .set({ state: 'running', attempts: 1, locked_by: 'other', locked_until: T0 + 60_000 })
      .where('id', '=', higher)
      .execute();
    expect(await claimJobs(store, { workerId: 'w', limit: 5, leaseMs: 1000, now: T0 })).toEqual([]);
    await store.db.updateTable('jobs').set({ state: 'done' }).where('id', '=', higher).execute();
    expect((await claimJobs(store, { workerId: 'w', limit: 5, leaseMs: 1000, now: T0 })).map((j) => j.id)).toEqual([
      lower,
    ]);
  });

  if (engine === 'postgres') {
    it('serialises enqueuers of one lane so ids follow commit order', async () => {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      let firstId = 0;
      const first = store.transaction(async (trx) => {
        firstId = await enqueue(trx, { kind: 'test', lane: 'l', payload: { n: 1 } });
        await gate;
      });
      while (firstId === 0) await delay(5);
      const second = store.transaction((trx) => enqueue(trx, { kind: 'test', lane: 'l', payload: { n: 2 } }));
      const unrelated = await store.transaction((trx) => enqueue(trx, { kind: 'test', lane: 'other', payload: {} }));
      // The second enqueuer of lane l waits for the first commit; another lane does not.
      await delay(100);
      const visible = await claimJobs(store, { workerId: 'w', limit: 5, leaseMs: 1000 });
      expect(visible.map((job) => job.id)).toEqual([unrelated]);
      release();
      await first;
      const secondId = await second;
      expect(secondId).toBeGreaterThan(firstId);
      const next = await claimJobs(store, { workerId: 'w', limit: 5, leaseMs: 1000 });
      expect(next.map((job) => job.id)).toEqual([firstId]);
    });
  }

  it("makes a crashed worker's job claimable once its lease expires, and fences the late finisher", async () => {
    await add({ lane: 'l' });
    await add({ lane: 'l' });
    const [crashed] = await claimJobs(store, { workerId: 'crashed', limit: 5, leaseMs: 1000, now: T0 });
    expect(crashed).toBeDefined();
    expect(await claimJobs(store, { workerId: 'rescuer', limit: 5, leaseMs: 1000, now: T0 + 999 })).toEqual([]);
    const [rescued] = await claimJobs(store, { workerId: 'rescuer', limit: 5, leaseMs: 1000, now: T0 + 1001 });
    expect(rescued).toMatchObject({ id: crashed!.id, attempts: 2, lockedBy: 'rescuer' });
    // The crashed worker comes back late: its completion must not count.
    expect(await completeJob(store.db, crashed!)).toBe(false);
    expect(await failJob(store.db, crashed!, new Error('late'))).toBeUndefined();
    expect((await findJob(store.db, crashed!.id))?.state).toBe('running');
    expect(await completeJob(store.db, rescued!)).toBe(true);
    // A lease that expires on the last allowed attempt dead-letters the job instead of looping forever.
    const id = await add({ lane: 'm', maxAttempts: 1 });
    await claimJobs(store, { workerId: 'crashed', kinds: ['test'], limit: 5, leaseMs: 1000, now: T0 });
    await claimJobs(store, { workerId: 'rescuer', kinds: ['test'], limit: 5, leaseMs: 1000, now: T0 + 5000 });
    const dead = await findJob(store.db, id);
    expect(dead?.state).toBe('dead');
    expect(dead?.lastError).toMatch(/lease expired/);
  });

  it('at worker start, requeues jobs of a killed process at once on SQLite, and waits for the lease on PostgreSQL', async () => {
    const id = await enqueue(store.db, { kind: 'orphan', lane: 'l', payload: {} });
    const [orphan] = await claimJobs(store, { workerId: 'killed-process', limit: 1, leaseMs: 3_600_000 });
    expect(orphan?.id).toBe(id);
    let ran = 0;
    const worker = createWorker({
      store,
      pollIntervalMs: 3_600_000,
      handlers: {
        orphan: async () => {
          ran++;
        },
      },
    });
    worker.start();
    if (engine === 'sqlite') {
      for (let i = 0; i < 500 && (await findJob(store.db, id))?.state !== 'done'; i++) await delay(10);
      expect(await findJob(store.db, id)).toMatchObject({ state: 'done', attempts: 2 });
      expect(ran).toBe(1);
    } else {
      await delay(100);
      expect(await findJob(store.db, id)).toMatchObject({ state: 'running', lockedBy: 'killed-process' });
      expect(ran).toBe(0);
    }
    await worker.stop();
  });

  it('backs off with jitter and honours retryAfterMs', async () => {
    await add({ lane: 'l' });
    const [job] = await claimJobs(store, { workerId: 'w', limit: 1, leaseMs: 1000, now: T0 });
    const result = await failJob(store.db, job!, new Error('429'), {
      retryAfterMs: 60_000,
      now: T0,
      backoff: { random: () => 0.999 },
    });
    expect(result).toEqual({ state: 'queued', runAt: T0 + 60_000 });
    const stored = await findJob(store.db, job!.id);
    expect(stored).toMatchObject({ state: 'queued', runAt: T0 + 60_000, lockedBy: null, lastError: 'Error: 429' });
    expect(await claimJobs(store, { workerId: 'w', limit: 1, leaseMs: 1000, now: T0 + 59_999 })).toEqual([]);
    const [again] = await claimJobs(store, { workerId: 'w', limit: 1, leaseMs: 1000, now: T0 + 60_000 });
    expect(again?.attempts).toBe(2);
    // Without Retry-After, full jitter: random 0.5 of base * 2^(attempt-1) = 1000 * 2 => 1000.
    const second = await failJob(store.db, again!, new Error('503'), { now: T0, backoff: { random: () => 0.5 } });
    expect(second).toEqual({ state: 'queued', runAt: T0 + 1000 });
  });

  it('a worker honours the retryAfterMs of a thrown JobFailure, and reads no hints off any other error', async () => {
    const id = await enqueue(store.db, { kind: 'limited', lane: 'l', payload: {} });
    const plain = await enqueue(store.db, { kind: 'lookalike', lane: 'm', payload: {} });
    const refused = await enqueue(store.db, { kind: 'refused', lane: 'n', payload: {} });
    const before = Date.now();
    const worker = createWorker({
      store,
      handlers: {
        limited: async () => {
          throw new JobFailure('rate_limited', 'rate limited', { outcome: 'retry', retryAfterMs: 3_600_000 });
        },
        // Duck-typed hints are not the contract: this is an ordinary failure, retried after the usual backoff.
        lookalike: async () => {
          throw Object.assign(new Error('looks limited'), { retryAfterMs: 3_600_000, retryable: false });
        },
        refused: async () => {
          throw new JobFailure('refused', 'refused for good', { outcome: 'dead' });
        },
      },
    });
    expect(await worker.runOnce()).toBe(3);
    const job = await findJob(store.db, id);
    expect(job?.state).toBe('queued');
    expect(job!.runAt).toBeGreaterThanOrEqual(before + 3_600_000);
    expect(job?.lastError).toBe('JobFailure: rate limited');
    const lookalike = await findJob(store.db, plain);
    expect(lookalike?.state).toBe('queued');
    expect(lookalike!.runAt).toBeLessThan(before + 3_600_000);
    expect(await findJob(store.db, refused)).toMatchObject({
      state: 'dead',
      lastError: 'JobFailure: refused for good',
    });
  });

  it('dead-letters after max attempts, blocks the lane until retried or discarded', async () => {
    const id = await add({ lane: 'l', maxAttempts: 3 });
    const follower = await add({ lane: 'l' });
    let now = T0;
    for (let attempt = 1; attempt <= 3; attempt++) {
      const [job] = await claimJobs(store, { workerId: 'w', limit: 5, leaseMs: 1000, now });
      expect(job).toMatchObject({ id, attempts: attempt });
      const result = await failJob(store.db, job!, new Error(`boom ${attempt}`), { now });
      expect(result?.state).toBe(attempt < 3 ? 'queued' : 'dead');
      now = (result?.runAt ?? now) + 1;
    }
    expect((await findJob(store.db, id))?.lastError).toBe('Error: boom 3');
    // The dead job holds its lane: the follower is not claimable.
    expect(await claimJobs(store, { workerId: 'w', limit: 5, leaseMs: 1000, now: now + 3_600_000 })).toEqual([]);
    expect((await queueStats(store, { now })).find((s) => s.kind === 'test')).toMatchObject({ dead: 1, queued: 1 });

    expect(await retryDeadJob(store.db, { id, now })).toBe(true);
    expect(await retryDeadJob(store.db, { id, now })).toBe(false);
    const [retried] = await claimJobs(store, { workerId: 'w', limit: 5, leaseMs: 1000, now });
    expect(retried).toMatchObject({ id, attempts: 1 });
    // Not retryable: dead at once.
    expect((await failJob(store.db, retried!, new Error('refused'), { retryable: false, now }))?.state).toBe('dead');
    expect(await discardDeadJob(store.db, { id, now })).toBe(true);
    const [next] = await claimJobs(store, { workerId: 'w', limit: 5, leaseMs: 1000, now });
    expect(next?.id).toBe(follower);
  });

  it('reports queue depth and age per kind', async () => {
    await enqueue(store.db, { kind: 'a', lane: 'l1', payload: {}, now: T0 - 5000 });
    await enqueue(store.db, { kind: 'a', lane: 'l2', payload: {}, now: T0 - 1000 });
    await enqueue(store.db, { kind: 'a', lane: 'l3', payload: {}, runAt: T0 + 60_000, now: T0 });
    await enqueue(store.db, { kind: 'b', lane: 'l4', payload: {}, now: T0 });
    await claimJobs(store, { workerId: 'w', kinds: ['b'], limit: 1, leaseMs: 1000, now: T0 });
    const stats = await queueStats(store, { now: T0 });
    expect(stats).toEqual([
      { kind: 'a', queued: 3, due: 2, held: 0, running: 0, dead: 0, oldestDueAgeMs: 5000 },
      { kind: 'b', queued: 0, due: 0, held: 0, running: 1, dead: 0, oldestDueAgeMs: 0 },
    ]);
  });

  it('wakes an idle worker when a job is committed in this process, and stop() waits for in-flight jobs', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    let finished = false;
    const worker = createWorker({
      store,
      // Far longer than the test timeout: only the in-process wake-up can start the job in time.
      pollIntervalMs: 3_600_000,
      leaseMs: 30,
      handlers: {
        slow: async () => {
          started();
          await gate;
          finished = true;
        },
      },
    });
    worker.start();
    expect(worker.running).toBe(true);
    await delay(20); // let the worker go idle first
    const id = await store.transaction((trx) => enqueue(trx, { kind: 'slow', lane: 'l', payload: {} }));
    await running;
    const stopped = worker.stop();
    // The lease (30 ms) is renewed while the handler runs: nobody else can take the job meanwhile.
    await delay(100);
    expect(await claimJobs(store, { workerId: 'intruder', limit: 5, leaseMs: 1000 })).toEqual([]);
    expect(finished).toBe(false);
    release();
    await stopped;
    expect(finished).toBe(true);
    expect(worker.running).toBe(false);
    expect((await findJob(store.db, id))?.state).toBe('done');
  });

  if (engine === 'postgres') {
    it('wakes a worker of another process through LISTEN/NOTIFY', async () => {
      const other = fixture.openAnother();
      let ran!: (id: number) => void;
      const ranJob = new Promise<number>((resolve) => {
        ran = resolve;
      });
      const worker = createWorker({
        store: other,
        // Far longer than the test timeout: only a notification can start the job in time.
        pollIntervalMs: 3_600_000,
        handlers: { remote: async (job) => ran(job.id) },
      });
      worker.start();
      await delay(50); // let the worker's first claim find nothing
      // The listener connects asynchronously; enqueue until one commit's NOTIFY is heard (each job is distinct).
      let id = 0;
      let heard: number | undefined;
      for (let attempt = 0; attempt < 50 && heard === undefined; attempt++) {
        id = await store.transaction((trx) => enqueue(trx, { kind: 'remote', payload: { attempt } }));
        heard = await Promise.race([ranJob, delay(100).then(() => undefined)]);
      }
      expect(heard).toBeDefined();
      await worker.stop();
      await other.close();
      expect(id).toBeGreaterThan(0);
    });
  }

  it('group commit: 200 concurrent submissions share few transactions, each resolved after its commit', async () => {
    const batcher = createCommitBatcher(store, { maxBatch: 50, maxWaitMs: 5 });
    const txids: string[] = [];
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        batcher.submit(async (trx) => {
          if (engine === 'postgres') {
            const row = await sql<{ txid: string }>`select txid_current()::text as txid`.execute(trx);
            txids.push(row.rows[0]!.txid);
          }
          const { hookId } = await insertTestHook(trx, i);
          return enqueue(trx, { kind: 'deliver', lane: `c-${i % 7}`, payload: { hookId } });
        }),
      ),
    );
    expect(new Set(results).size).toBe(200);
    const stats = batcher.stats;
    expect(stats.submissions).toBe(200);
    expect(stats.failedBatches).toBe(0);
    expect(stats.transactions).toBeGreaterThanOrEqual(4);
    expect(stats.transactions).toBeLessThanOrEqual(20);
    if (engine === 'postgres') expect(new Set(txids).size).toBe(stats.transactions);
    const count = await store.db
      .selectFrom('hooks')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(200);
  });

  it('group commit: a failing item fails alone', async () => {
    const batcher = createCommitBatcher(store, { maxBatch: 100, maxWaitMs: 5 });
    const bad = new Error('bad item');
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        batcher.submit(async (trx) => {
          await insertTestHook(trx, i);
          if (i === 17) throw bad;
          return i;
        }),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([{ status: 'rejected', reason: bad }]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(49);
    expect(batcher.stats.failedBatches).toBeGreaterThanOrEqual(1);
    const keys = await store.db.selectFrom('hooks').select('dedup_key').orderBy('id').execute();
    expect(keys).toHaveLength(49);
    expect(keys.map((k) => k.dedup_key)).toContain(scopedDedupKey('s', 'k-16'));
    expect(keys.map((k) => k.dedup_key)).not.toContain(scopedDedupKey('s', 'k-17'));
    await batcher.flush();
  });
});
