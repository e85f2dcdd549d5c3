import { buildMessageHook, buildTypingHook } from '@amojo-bridge/sdk/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { createHookIntakeGroup } from '../src/intake/accept-hook.js';
import { acceptHooksPostgres } from '../src/intake/accept-hooks-postgres.js';
import type { AcceptHookResult } from '../src/intake/classify-hook.js';
import { classifyHook } from '../src/intake/classify-hook.js';
import { claimJobs, createCommitBatcher } from '../src/queue/index.js';
import { upsertAccount } from '../src/store/accounts/upsert-account.js';
import { asAmojoAccountId, asScopeId } from '../src/store/ids.js';
import { ENGINES } from './support/databases.js';
import { useStoreFixture } from './support/store-fixture.js';

const T0 = 1_800_000_000_000;
const SCOPE = asScopeId('chan_acc');
const OFF = 'chan_off';

function messageBody(chatId: string, msgId: string, text: string): string {
  return JSON.stringify(
    buildMessageHook({
      message: { conversation: { id: chatId }, message: { id: msgId, text } },
    } as never),
  );
}

describe.each(ENGINES)('hook intake groups on %s', (engine) => {
  const { store } = useStoreFixture(engine);

  beforeEach(async () => {
    // The hooks' account_id must be the scope's account (else account_mismatch).
    const amojoAccountId = (buildMessageHook() as { account_id: string }).account_id;
    await upsertAccount(store.db, {
      scopeId: SCOPE,
      amojoAccountId: asAmojoAccountId(amojoAccountId),
      channelId: 'chan',
      now: T0,
    });
    await upsertAccount(store.db, {
      scopeId: asScopeId(OFF),
      amojoAccountId: asAmojoAccountId('off'),
      channelId: 'chan',
      state: 'disconnected',
      now: T0,
    });
  });

  const accept = (group: ReturnType<typeof createHookIntakeGroup>, scopeId: string, rawBody: string) =>
    group.accept({ scopeId: asScopeId(scopeId), rawBody, classified: classifyHook(rawBody), now: T0 });

  it('stores a concurrent burst like one acceptHook per hook: duplicates, rejects, unknown scopes, jobs in lane order', async () => {
    const group = createHookIntakeGroup(store, createCommitBatcher(store));
    const first = await accept(group, SCOPE, messageBody('chat-a', 'm-0', 'before'));
    expect(first).toMatchObject({ outcome: 'accepted' });
    const bodies: [string, string][] = [];
    for (let i = 1; i <= 40; i++)
      bodies.push([SCOPE, messageBody(`chat-${i % 3 === 0 ? 'a' : 'b'}`, `m-${i}`, `t${i}`)]);
    bodies.push([SCOPE, messageBody('chat-a', 'm-0', 'again')]); // duplicate of an earlier commit
    bodies.push([SCOPE, messageBody('chat-b', 'm-7', 'again')]); // duplicate within the burst
    bodies.push([SCOPE, '{"not":"a hook"']); // rejected
    bodies.push(['chan_unknown', messageBody('chat-c', 'm-x', 'nobody')]);
    bodies.push([OFF, messageBody('chat-c', 'm-y', 'disconnected')]);
    bodies.push([SCOPE, JSON.stringify(buildTypingHook())]);
    bodies.push([SCOPE, JSON.stringify({ ...JSON.parse(messageBody('chat-a', 'm-z', 'x')), account_id: 'another' })]);
    const results: AcceptHookResult[] = await Promise.all(bodies.map(([scope, body]) => accept(group, scope, body)));
    const outcomes = results.map((r) => r.outcome);
    expect(outcomes.slice(0, 40)).toEqual(Array(40).fill('accepted'));
    expect(outcomes.slice(40)).toEqual([
      'duplicate',
      'duplicate',
      'rejected',
      'unknown_scope',
      'unknown_scope',
      'accepted',
      'account_mismatch',
    ]);

    const hooks = await store.db.selectFrom('hooks').selectAll().orderBy('id').execute();
    expect(hooks).toHaveLength(1 + 40 + 3 + 1);
    const byId = new Map(hooks.map((h) => [h.id, h]));
    const original = hooks.find((h) => h.dedup_key === `${SCOPE}|m-0`);
    const dupOfEarlier = byId.get((results[40] as { hookId: number }).hookId);
    expect(dupOfEarlier).toMatchObject({ outcome: 'duplicate', dedup_key: null, duplicate_of: original?.id });
    const dupInBurst = byId.get((results[41] as { hookId: number }).hookId);
    expect(dupInBurst?.duplicate_of).toBe((results[6] as { hookId: number }).hookId);
    expect(dupInBurst?.job_id).toBeNull();
    // Every accepted hook points at its own job, and the job's payload names that hook.
    const jobs = await store.db.selectFrom('jobs').selectAll().orderBy('id').execute();
    expect(jobs).toHaveLength(1 + 40 + 1);
    for (const [i, r] of results.entries()) {
      if (r.outcome !== 'accepted') continue;
      const hook = byId.get(r.hookId);
      const job = jobs.find((j) => j.id === hook?.job_id);
      expect(job, `hook ${i}`).toBeDefined();
      expect(job?.payload).toContain(String(r.hookId));
    }
    // Lane order: per lane, job ids follow hook ids (the order the hooks were accepted in); one head per lane.
    const lanes = new Map<string, number[]>();
    for (const h of hooks.filter((x) => x.job_id !== null)) {
      const job = jobs.find((j) => j.id === h.job_id);
      if (!job?.lane) continue;
      lanes.set(job.lane, [...(lanes.get(job.lane) ?? []), job.id]);
    }
    for (const ids of lanes.values()) expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const claimed = await claimJobs(store, { workerId: 'w', limit: 50, leaseMs: 60_000, now: T0 });
    expect(claimed.map((j) => j.lane).sort()).toEqual([...lanes.keys()].sort());
  });

  if (engine === 'postgres') {
    it('writes a group in one go without falling back to hook-by-hook replay', async () => {
      const inputs = [1, 2, 3, 2].map((n, i) => {
        const rawBody = messageBody('chat-g', `g-${n}`, `text ${i}`);
        return { scopeId: SCOPE, rawBody, classified: classifyHook(rawBody), now: T0 };
      });
      const results = await store.transaction((trx) => acceptHooksPostgres(trx, inputs));
      expect(results.map((r) => r.outcome)).toEqual(['accepted', 'accepted', 'accepted', 'duplicate']);
      const jobs = await store.db.selectFrom('jobs').select(['id', 'lane_head']).orderBy('id').execute();
      expect(jobs.map((j) => j.lane_head)).toEqual([1, 0, 0]);
    });
  }
});
