import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAccount } from '../src/accounts/index.js';
import { retryDeadJob } from '../src/queue/index.js';
import { asAmojoAccountId, asJobId } from '../src/store/ids.js';
import { ENGINES } from './support/databases.js';
import { createRelayHarness, RELAY_TEST_IDS, type RelayHarness, waitFor } from './support/relay-harness.js';

describe.each(ENGINES)('amojo refusals dead-letter at once and lose nothing (%s)', (engine) => {
  let h: RelayHarness;
  beforeAll(async () => {
    h = await createRelayHarness({ engine });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('a 4xx from amojo dead-letters the job with the reason, holds the lane, and a replay delivers in order', async () => {
    await h.sendCustomerText('dead-chat', 'before');
    const chat = await waitFor('the chat', () => h.chatOf('dead-chat'));
    // amoCRM disconnects the channel behind the bridge's back (the integration was disabled in the account).
    await h.bridge.amojo.disconnect({ accountId: RELAY_TEST_IDS.ACCOUNT_ID });

    const first = await h.sendCustomerText('dead-chat', 'refused by amojo');
    const second = await h.sendCustomerText('dead-chat', 'waits behind it');
    expect([first.status, second.status]).toEqual([200, 200]);
    const dead = await waitFor('the dead-lettered job', () =>
      h.bridge.store.db
        .selectFrom('jobs')
        .select(['id', 'attempts', 'last_error', 'lane'])
        .where('state', '=', 'dead')
        .where('kind', '=', 'deliver-to-amojo')
        .executeTakeFirst(),
    );
    expect(dead.attempts).toBe(1); // no retries: the same request would be refused again
    expect(dead.last_error).toMatch(/PermanentJobError: sending message ab-.*: amojo answered 404/);
    const waiting = await h.bridge.store.db
      .selectFrom('jobs')
      .select(['state'])
      .where('lane', '=', dead.lane)
      .where('id', '>', dead.id)
      .execute();
    expect(waiting.map((j) => j.state)).toEqual(['queued']); // held behind the dead job, in order

    // The operator reconnects and replays the dead job: both messages arrive, in order, once each.
    await connectAccount(h.bridge, { accountId: asAmojoAccountId(RELAY_TEST_IDS.ACCOUNT_ID) });
    expect(await retryDeadJob(h.bridge.store.db, { id: asJobId(dead.id) })).toBe(true);
    h.bridge.store.jobSignal.emit();
    const arrived = await waitFor('both messages in the sandbox', async () => {
      const list = (await h.sandboxMessages(chat.id)).filter((m) => m.direction === 'in');
      return list.length >= 3 ? list : undefined;
    });
    expect(arrived.map((m) => m.text)).toEqual(['before', 'refused by amojo', 'waits behind it']);
    expect(arrived.slice(1).map((m) => m.clientId)).toEqual([first.body.id, second.body.id]);
  });
});
