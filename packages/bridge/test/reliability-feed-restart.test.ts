// Outbound recovery's guarantee (c) through the event feed (src/pipelines/outbound-recovery/poll-event-feed.ts):
// manager messages whose hooks were lost while the bridge was down are found by the start-up catch-up's feed read
// (from the stored position) after a restart and delivered, in order, before the next live message. The restarted
// bridge checks no chat at start by scan (RECOVERY_CATCH_UP_CHATS=0) and runs no round in the test's time, so only
// the feed can bring them over.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/index.js';
import { createLogger } from '../src/log.js';
import { RECOVERY_REASONS } from '../src/pipelines/index.js';
import { type Bridge, createBridge } from '../src/service/create-bridge.js';
import { ENGINES } from './support/databases.js';
import { captureLogs } from './support/log-capture.js';
import { createRelayHarness, type RelayHarness, waitFor } from './support/relay-harness.js';

const EVENTS = 'GET /api/v4/events';
const TALKS = 'GET /api/v4/talks/:id';
const FEED = { graceSeconds: 1, overlapSeconds: 2 } as const;

const textOf = (e: { body: Record<string, unknown> }) => (e.body.message as { text?: string } | undefined)?.text;

describe.each(ENGINES)('restart: hooks lost while down are recovered through the event feed (%s)', (engine) => {
  let h: RelayHarness;
  let restarted: Bridge | undefined;
  beforeAll(async () => {
    h = await createRelayHarness({ engine, oauth: true, recovery: { intervalMs: 600_000, feed: FEED } });
    await h.giveAccountTokens();
  }, 60_000);
  afterEach(async () => {
    await restarted?.stop();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('delivers the messages sent while it was down, in order, before the next one', async () => {
    const received = () =>
      h.customer
        .acceptedMessages()
        .filter((e) => e.body.chatKey === 'feed-restart')
        .map((e) => textOf(e) ?? '');
    expect((await h.sendCustomerText('feed-restart', 'hello')).status).toBe(200);
    const chat = await waitFor('the chat', () => h.chatOf('feed-restart'));
    expect((await h.sendManagerMessage(chat.id, { text: 'before the stop' })).status).toBe(200);
    await waitFor('the live message delivered', () => received().includes('before the stop'));

    // A round with the tokens stores the feed position, so the restart reads from there, not the first lookback.
    const { createOutboundRecovery } = await import('../src/pipelines/index.js');
    const { restClientForAccount } = await import('../src/amocrm/index.js');
    const deps = h.bridge;
    const round = await createOutboundRecovery(deps, {
      intervalMs: 600_000,
      feed: FEED,
      restClientFor: (account) => restClientForAccount(deps, account),
    }).catchUp();
    expect(round.feedAccounts).toBe(1);
    const position = await h.bridge.store.db
      .selectFrom('recovery_accounts')
      .select('events_read_until')
      .executeTakeFirstOrThrow();
    expect(position.events_read_until).not.toBeNull();

    await h.bridge.stop();
    // Down: three manager messages whose hooks find nobody listening (amojo never resends them).
    const lost = ['while down 1', 'while down 2', 'while down 3'];
    for (const text of lost) {
      const answer = await h.sendManagerMessage(chat.id, { text });
      expect(answer.status).toBe(200);
      // The hook was sent and found nobody: no answer status, a connection error.
      const hooks = (answer.body as { hooks: { attempt: { status?: number; error?: string } }[] }).hooks;
      expect(hooks.length).toBeGreaterThan(0);
      for (const hook of hooks) {
        expect(hook.attempt.status).toBeUndefined();
        expect(hook.attempt.error).toBeTruthy();
      }
    }
    const sentAt = Date.now();
    // Events younger than the grace are left for a later round: the restart must come after it.
    await waitFor('the grace of the feed passed', () => Date.now() - sentAt > (FEED.graceSeconds + 1) * 1000);
    await fetch(`${h.sandbox.url}/_sandbox/api/requests`, { method: 'DELETE' });

    const { logs, destination } = captureLogs();
    restarted = await createBridge({
      config: loadConfig({ env: { ...h.env, RECOVERY_CATCH_UP_CHATS: '0' } }),
      log: createLogger({ level: 'info', destination }),
      recovery: { intervalMs: 600_000, feed: FEED },
    });
    await restarted.start();

    await waitFor('the three lost messages at the customer system', () => received().length >= 4, 60_000);
    expect((await h.sendManagerMessage(chat.id, { text: 'after the restart' })).status).toBe(200);
    await waitFor('the live message after the restart', () => received().length >= 5, 60_000);
    expect(received()).toEqual(['before the stop', ...lost, 'after the restart']);

    const counts = await h.requestCounts();
    expect(counts[EVENTS] ?? 0).toBeGreaterThanOrEqual(1);
    expect(counts[TALKS] ?? 0).toBe(1);
    const feedRead = logs.find((line) => line.event === 'event_feed_read');
    expect(feedRead).toMatchObject({ chatsToCheck: 1 });
    // The read covers the downtime from the stored position (its overlap may include the message before the stop).
    expect(Number(feedRead?.managerMessages)).toBeGreaterThanOrEqual(3);
    const recovered = await restarted.store.db
      .selectFrom('hooks')
      .select('reason')
      .where('reason', '=', RECOVERY_REASONS.checked)
      .execute();
    expect(recovered).toHaveLength(3);
  }, 180_000);
});
