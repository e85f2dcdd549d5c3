import { beforeEach, describe, expect, it } from 'vitest';
import {
  channelHoldKey,
  planNextProbe,
  readChannelHealth,
  readHardBreak,
  recordChannelHealth,
  takeProbeTurn,
} from '../src/channels/health/index.js';
import { createLogger } from '../src/log.js';
import { claimJobs, enqueue, findJob, holdJob } from '../src/queue/index.js';
import { upsertChannelInstance } from '../src/store/channel-instances/index.js';
import { asChannelInstanceKey } from '../src/store/ids.js';
import { ENGINES } from './support/databases.js';
import { useStoreFixture } from './support/store-fixture.js';

const T0 = 1_800_000_000_000;
const log = createLogger({ level: 'silent' });
const revoked = { ok: false, problem: 'bad_credentials', reason: 'token revoked', source: 'send' } as const;

// The health side of held sends (channels/health/probe-turn.ts, record-channel-health.ts), on both engines: one probe
// turn per interval, the held jobs released by the recovery, and a stale refusal (a send that read the old token
// before the fix) not breaking the instance again.
describe.each(ENGINES)('channel probe turns and release (%s)', (engine) => {
  const { store } = useStoreFixture(engine);
  let instance: { rowId: number; key: string; kind: string; name: string | null };

  beforeEach(async () => {
    const row = await upsertChannelInstance(store.db, {
      key: asChannelInstanceKey('wa_1'),
      kind: 'whatsapp',
      name: 'Sales',
      now: T0,
    });
    instance = { rowId: row.rowId, key: row.key, kind: row.kind, name: row.name };
  });

  const record = (signal: Parameters<typeof recordChannelHealth>[0]['signal'], now: number, startedAt?: number) =>
    recordChannelHealth({ store, log, now, instance, signal, ...(startedAt === undefined ? {} : { startedAt }) });

  it('gives one probe turn per interval while broken, and none while ok', async () => {
    const turn = (now: number) => takeProbeTurn(store.db, { instanceRowId: instance.rowId, now, probeMs: 1000 });
    await record({ ok: true, source: 'check' }, T0);
    expect(await turn(T0)).toBe(false);
    expect(await readHardBreak(store.db, instance.rowId)).toBe(undefined);

    await record(revoked, T0 + 10);
    await planNextProbe(store.db, { instanceRowId: instance.rowId, at: T0 + 1010 });
    expect(await readHardBreak(store.db, instance.rowId)).toEqual({
      problem: 'bad_credentials',
      reason: 'token revoked',
      probeAt: T0 + 1010,
    });
    expect(await turn(T0 + 1009)).toBe(false);
    expect(await turn(T0 + 1010)).toBe(true);
    expect(await turn(T0 + 1010)).toBe(false);
    expect(await turn(T0 + 2009)).toBe(false);
    expect(await turn(T0 + 2010)).toBe(true);
  });

  it('counts a blocked number as a hard break, and a messenger that keeps failing as none (sends retry as before)', async () => {
    await record({ ok: false, problem: 'number_blocked', reason: 'account locked (131031)', source: 'send' }, T0);
    expect(await readHardBreak(store.db, instance.rowId)).toMatchObject({ problem: 'number_blocked' });
    await record({ ok: true, source: 'check' }, T0 + 1);
    for (let i = 0; i < 6; i++) {
      await record({ ok: false, problem: 'unreachable', reason: 'timeout', source: 'send' }, T0 + 10 + i);
    }
    expect((await readChannelHealth(store.db, [instance.rowId])).get(instance.rowId)?.state).toBe('broken');
    expect(await readHardBreak(store.db, instance.rowId)).toBe(undefined);
  });

  it('releases the jobs held for the instance when it recovers from broken', async () => {
    await record(revoked, T0);
    const id = await enqueue(store.db, { kind: 'send', lane: 'chat', payload: {}, now: T0 });
    const [job] = await claimJobs(store, { workerId: 'w', kinds: ['send'], limit: 1, leaseMs: 1000, now: T0 });
    await holdJob(
      store.db,
      job!,
      { holdMs: 3_600_000, heldFor: channelHoldKey(instance.rowId), reason: 'x' },
      {
        now: T0,
      },
    );
    expect((await findJob(store.db, id))?.heldFor).toBe(channelHoldKey(instance.rowId));
    const change = await record({ ok: true, source: 'check' }, T0 + 500);
    expect(change).toMatchObject({ from: 'broken', to: 'ok' });
    expect(await findJob(store.db, id)).toMatchObject({ state: 'queued', heldFor: null, runAt: T0 + 500 });
  });

  it('ignores a refusal from a send that started before the instance was recorded ok', async () => {
    await record(revoked, T0);
    await record({ ok: true, source: 'check' }, T0 + 100);
    // Read the old token at T0 + 50, refused after the fix: stale.
    expect(await record(revoked, T0 + 200, T0 + 50)).toBe(undefined);
    expect((await readChannelHealth(store.db, [instance.rowId])).get(instance.rowId)?.state).toBe('ok');
    // Started after the fix: a real refusal.
    expect(await record(revoked, T0 + 300, T0 + 150)).toMatchObject({ from: 'ok', to: 'broken' });
  });
});
