import { describe, expect, it } from 'vitest';
import {
  claimJobs,
  createWorker,
  enqueue,
  failJob,
  findJob,
  holdJob,
  JobFailure,
  queueStats,
  releaseHeldJobs,
} from '../src/queue/index.js';
import { ENGINES } from './support/databases.js';
import { useStoreFixture } from './support/store-fixture.js';

const T0 = 1_800_000_000_000;
const HOUR = 3_600_000;

// A held job (`queue/hold-job.ts`) waits without using an attempt, keeps its lane's later jobs behind it, and runs
// at once when its key is released. Both engines.
describe.each(ENGINES)('queue hold on %s', (engine) => {
  const { store } = useStoreFixture(engine);

  const claim = (now: number) => claimJobs(store, { workerId: 'w', limit: 10, leaseMs: 1000, now });

  it('holds without using an attempt, keeps the lane behind the job, and releases by key', async () => {
    const head = await enqueue(store.db, { kind: 'send', lane: 'chat-1', payload: { n: 1 }, maxAttempts: 2, now: T0 });
    const behind = await enqueue(store.db, { kind: 'send', lane: 'chat-1', payload: { n: 2 }, now: T0 });
    const other = await enqueue(store.db, { kind: 'send', lane: 'chat-2', payload: { n: 3 }, now: T0 });

    // Held many more times than max_attempts (2): never dead, attempts back to 0 after each hold.
    let now = T0;
    for (let round = 0; round < 5; round++) {
      const claimed = await claim(now);
      expect(claimed.map((j) => j.id).sort()).toEqual([head, other].sort());
      expect(claimed.find((j) => j.id === head)?.attempts).toBe(1);
      for (const job of claimed) {
        const held = await holdJob(
          store.db,
          job,
          { holdMs: HOUR, heldFor: 'channel:7', reason: new Error('broken') },
          { now },
        );
        expect(held).toEqual({ runAt: now + HOUR });
      }
      const stored = await findJob(store.db, head);
      expect(stored).toMatchObject({ state: 'queued', attempts: 0, runAt: now + HOUR, heldFor: 'channel:7' });
      expect(stored?.lastError).toBe('Error: broken');
      expect(stored?.lockedBy).toBe(null);
      // Nothing runs before the hold ends: not the head, not the job behind it.
      expect(await claim(now + HOUR - 1)).toEqual([]);
      now += HOUR;
    }
    expect((await queueStats(store, { now })).find((s) => s.kind === 'send')).toMatchObject({
      queued: 3,
      held: 2,
      dead: 0,
    });

    // Released: runnable at once (long before run_at), in lane order; the job behind still waits for its head.
    const releasedAt = now - HOUR + 10;
    expect(await releaseHeldJobs(store.db, { heldFor: 'channel:7', now: releasedAt })).toBe(2);
    expect(await releaseHeldJobs(store.db, { heldFor: 'channel:8', now: releasedAt })).toBe(0);
    expect((await findJob(store.db, head))?.heldFor).toBe(null);
    const resumed = await claim(releasedAt);
    expect(resumed.map((j) => j.id).sort()).toEqual([head, other].sort());
    expect(resumed.every((j) => j.attempts === 1)).toBe(true);
    expect(resumed.map((j) => j.id)).not.toContain(behind);
  });

  it('a hold written after its key was released (the handler saw the cause before) ends at once', async () => {
    const id = await enqueue(store.db, { kind: 'send', lane: 'l', payload: {}, now: T0 });
    const [job] = await claim(T0);
    // Released while the job ran: nothing was held yet, but the release is remembered.
    expect(await releaseHeldJobs(store.db, { heldFor: 'channel:5', now: T0 + 5 })).toBe(0);
    const held = await holdJob(
      store.db,
      job!,
      { holdMs: HOUR, heldFor: 'channel:5', reason: 'late' },
      { now: T0 + 10 },
    );
    expect(held).toEqual({ runAt: T0 + 10 });
    expect(await findJob(store.db, id)).toMatchObject({ state: 'queued', attempts: 0, heldFor: null, runAt: T0 + 10 });
    // Claimed after that release: an ordinary hold, until the next release.
    const [again] = await claim(T0 + 20);
    expect(
      await holdJob(store.db, again!, { holdMs: HOUR, heldFor: 'channel:5', reason: 'x' }, { now: T0 + 30 }),
    ).toEqual({ runAt: T0 + 30 + HOUR });
    expect((await findJob(store.db, id))?.heldFor).toBe('channel:5');
  });

  it('a failed attempt after a hold is an ordinary failure: no longer held, counted', async () => {
    const id = await enqueue(store.db, { kind: 'send', lane: 'l', payload: {}, maxAttempts: 1, now: T0 });
    const [first] = await claim(T0);
    await holdJob(store.db, first!, { holdMs: 10, heldFor: 'channel:1', reason: new Error('held') }, { now: T0 });
    const [second] = await claim(T0 + 10);
    expect(second?.attempts).toBe(1);
    expect((await failJob(store.db, second!, new Error('refused'), { now: T0 + 10 }))?.state).toBe('dead');
    expect(await findJob(store.db, id)).toMatchObject({ state: 'dead', heldFor: null, lastError: 'Error: refused' });
  });

  it('a worker holds a job whose handler throws an error with holdMs, and a release wakes it', async () => {
    const id = await enqueue(store.db, { kind: 'send', lane: 'l', payload: {}, maxAttempts: 1 });
    const follower = await enqueue(store.db, { kind: 'send', lane: 'l', payload: {} });
    const ran: number[] = [];
    let broken = true;
    const before = Date.now();
    const worker = createWorker({
      store,
      pollIntervalMs: HOUR,
      handlers: {
        send: async (job) => {
          if (broken) {
            throw new JobFailure('job_held', 'channel broken', {
              outcome: 'hold',
              hold: { holdMs: HOUR, heldFor: 'channel:3' },
            });
          }
          ran.push(job.id);
        },
      },
    });
    expect(await worker.runOnce()).toBe(1);
    const held = await findJob(store.db, id);
    expect(held).toMatchObject({
      state: 'queued',
      attempts: 0,
      heldFor: 'channel:3',
      lastError: 'JobFailure: channel broken',
    });
    expect(held!.runAt).toBeGreaterThanOrEqual(before + HOUR);
    expect(await worker.runOnce()).toBe(0);

    // The release commits in a transaction and wakes the (hour-polling) worker: both jobs run, in order.
    broken = false;
    worker.start();
    await store.transaction((trx) => releaseHeldJobs(trx, { heldFor: 'channel:3' }));
    while ((await findJob(store.db, follower))?.state !== 'done') await new Promise((r) => setTimeout(r, 20));
    await worker.stop();
    expect(ran).toEqual([id, follower]);
    expect((await findJob(store.db, id))?.attempts).toBe(1);
  });
});
