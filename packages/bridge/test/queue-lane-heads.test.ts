import { setTimeout as delay } from 'node:timers/promises';
import { CompiledQuery, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import {
  claimJobs,
  completeJob,
  discardDeadJob,
  discardJob,
  enqueue,
  failJob,
  findJob,
  retryDeadJob,
} from '../src/queue/index.js';
import { cachedClaimStatement } from '../src/queue/sql/claim-jobs.js';
import { ENGINES } from './support/databases.js';
import { useStoreFixture } from './support/store-fixture.js';

const T0 = 1_800_000_000_000;

describe.each(ENGINES)('queue lane heads on %s', (engine) => {
  const fixture = useStoreFixture(engine);
  const { store } = fixture;

  const add = (lane: string | null, extra: { maxAttempts?: number } = {}) =>
    enqueue(store.db, { kind: 'test', lane, payload: {}, now: T0, ...extra });
  const heads = async () =>
    (await store.db.selectFrom('jobs').select(['id', 'lane_head']).orderBy('id').execute()).map((r) => r.lane_head);
  const claim = (now = T0) => claimJobs(store, { workerId: 'w', limit: 10, leaseMs: 60_000, now });

  it('flags only the first live job of a lane, and the next one when the head is done', async () => {
    const a1 = await add('a');
    const a2 = await add('a');
    await add('b');
    await add(null);
    await add('a');
    expect(await heads()).toEqual([1, 0, 1, 1, 0]);
    const first = await claim();
    expect(first.map((j) => j.lane)).toEqual(['a', 'b', null]);
    expect(first[0]?.id).toBe(a1);
    await completeJob(store.db, first[0]!);
    expect(await heads()).toEqual([1, 1, 1, 1, 0]);
    const second = await claim();
    expect(second.map((j) => j.id)).toEqual([a2]);
  });

  it('keeps the lane held by a failed (requeued) or dead head, and moves on after discard', async () => {
    const a1 = await add('a', { maxAttempts: 1 });
    const a2 = await add('a');
    const [job] = await claim();
    expect(await failJob(store.db, job!, new Error('refused'))).toMatchObject({ state: 'dead' });
    expect(await claim()).toEqual([]);
    expect(await retryDeadJob(store.db, { id: a1, now: T0 })).toBe(true);
    const [again] = await claim();
    expect(again?.id).toBe(a1);
    await failJob(store.db, again!, new Error('refused'), { retryable: false });
    expect(await discardDeadJob(store.db, { id: a1 })).toBe(true);
    expect((await claim()).map((j) => j.id)).toEqual([a2]);
  });

  it('discardJob discards a queued or dead job (lane moves on) but never a running or finished one', async () => {
    const a1 = await add('a');
    const a2 = await add('a');
    const a3 = await add('a');
    expect(await discardJob(store.db, { id: a1 })).toBe(true);
    const [running] = await claim();
    expect(running?.id).toBe(a2);
    expect(await discardJob(store.db, { id: a2 })).toBe(false);
    expect((await findJob(store.db, a2))?.state).toBe('running');
    await completeJob(store.db, running!);
    expect(await discardJob(store.db, { id: a2 })).toBe(false);
    expect(await discardJob(store.db, { id: 999_999 })).toBe(false);
    expect(await discardJob(store.db, { id: a3 })).toBe(true);
    expect(await claim()).toEqual([]);
    expect((await findJob(store.db, a1))?.state).toBe('discarded');
  });

  it('claims lane heads behind a long backlog of one lane, in id order across lanes', async () => {
    await store.transaction(async (trx) => {
      for (let i = 0; i < 300; i++) await enqueue(trx, { kind: 'test', lane: 'busy', payload: { i }, now: T0 });
    });
    const quiet = await add('quiet');
    const loose = await add(null);
    const [busyHead] = await claimJobs(store, { workerId: 'w', limit: 1, leaseMs: 60_000, now: T0 });
    expect(busyHead?.lane).toBe('busy');
    const next = await claim();
    expect(next.map((j) => j.id)).toEqual([quiet, loose]);
  });

  if (engine === 'postgres') {
    it('a lane never loses its head when an enqueue races the head finishing (either commits first)', async () => {
      for (const order of ['complete-first', 'enqueue-first'] as const) {
        await fixture.reset();
        await add('r');
        const [head] = await claim();
        let release!: () => void;
        const gate = new Promise<void>((resolve) => {
          release = resolve;
        });
        let entered = false;
        // The transaction that runs first holds its row lock (the head's update, or the enqueue's `for share`)
        // until the gate opens; the other one starts meanwhile and has to wait for it.
        const holder = store.transaction(async (trx) => {
          if (order === 'complete-first') await completeJob(trx, head!);
          else await enqueue(trx, { kind: 'test', lane: 'r', payload: {}, now: T0 });
          entered = true;
          await gate;
        });
        while (!entered) await delay(5);
        const other =
          order === 'complete-first'
            ? store.transaction((trx) => enqueue(trx, { kind: 'test', lane: 'r', payload: {}, now: T0 }))
            : store.transaction((trx) => completeJob(trx, head!));
        await delay(100);
        release();
        await Promise.all([holder, other]);
        const next = await claim();
        expect(next, order).toHaveLength(1);
        expect(next[0]?.lane).toBe('r');
      }
    });
  }

  it('serves the claim from the jobs_runnable and jobs_running indexes (plan check, no timing)', async () => {
    await add('a');
    const st = cachedClaimStatement(engine, 1);
    // due: now, kind, limit; expired: now, kind, limit; outer limit; set: worker, lease end, now
    const due = [T0, 'test', 8];
    const set = ['w', T0 + 1000, T0];
    const explained = async (prefix: string, text: string, params: unknown[]) =>
      store.transaction(async (trx) => {
        if (engine === 'postgres') await sql`set local enable_seqscan = off`.execute(trx);
        const result = await trx.executeQuery<Record<string, string>>(CompiledQuery.raw(`${prefix} ${text}`, params));
        return result.rows.map((r) => Object.values(r).join(' ')).join('\n');
      });
    const plan =
      engine === 'sqlite'
        ? await explained('explain query plan', st.sqlite, [...set, ...due, ...due, 8])
        : await explained('explain', st.postgres, ['error', T0, T0, ...due, ...due, 8, ...set]);
    expect(plan).toMatch(/jobs_runnable/);
    // PostgreSQL may read the few running rows through jobs_state_kind instead; both are bounded by concurrency.
    expect(plan).toMatch(engine === 'sqlite' ? /jobs_running/ : /jobs_running|jobs_state_kind/);
  });
});
