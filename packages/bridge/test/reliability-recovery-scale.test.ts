// Outbound recovery's guarantees (src/pipelines/outbound-recovery/README.md) at scale: a lost last message in the
// oldest of 560 active conversations (the old reconciliation read only the 500 most recently active), 26 lost hooks
// delivered in order (the old gap check ran only on a chat's first hook per process), and a recovery cost that does
// not grow with the number of quiet chats (history reads counted by the sandbox).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECOVERY_REASONS } from '../src/pipelines/index.js';
import { asAmojoChatId } from '../src/store/ids.js';
import { ENGINES } from './support/databases.js';
import { createRelayHarness, type RelayHarness, waitFor } from './support/relay-harness.js';

const HISTORY = 'GET /v2/origin/custom/:target/chats/:chatId/history';
const EVENTS = 'GET /api/v4/events';
// Overridable for a bigger run; 560 is above the old cap of 500 with room for the rounding of "most recent".
const SCALE_CHATS = Number(process.env.RECOVERY_SCALE_CHATS ?? 560);

const textOf = (e: { body: Record<string, unknown> }) => (e.body.message as { text?: string } | undefined)?.text;

/** Creates `count` conversations (one customer message each, 16 at a time) and waits for their amojo chats. */
async function createConversations(h: RelayHarness, prefix: string, count: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let i = next++; i < count; i = next++) {
        const answer = await h.sendCustomerText(`${prefix}-${i}`, `hello from ${prefix}-${i}`);
        if (answer.status !== 200) throw new Error(`customer message ${prefix}-${i}: ${answer.status}`);
      }
    }),
  );
  await waitFor(
    `${count} ${prefix} conversations with an amojo chat`,
    async () => {
      const row = await h.bridge.store.db
        .selectFrom('conversations')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('channel_chat_key', 'like', `${prefix}-%`)
        .where('amojo_chat_id', 'is not', null)
        .executeTakeFirstOrThrow();
      return Number(row.n) >= count;
    },
    240_000,
  );
}

/** Sends a manager message whose hook is dropped; asserts the sandbox really dropped it. */
async function sendWithDroppedHook(h: RelayHarness, chatId: string, text: string): Promise<void> {
  await h.setFaults({ hookDropRate: 1 });
  const answer = await h.sendManagerMessage(chatId, { text });
  await h.setFaults({ hookDropRate: 0 });
  expect(answer.status).toBe(200);
  expect((answer.body as { hooks: { dropped: boolean }[] }).hooks[0]?.dropped).toBe(true);
}

const receivedTexts = (h: RelayHarness, chatKey: string): string[] =>
  h.customer
    .acceptedMessages()
    .filter((e) => e.body.chatKey === chatKey)
    .map((e) => textOf(e) ?? '');

describe.each(ENGINES)('outbound recovery without tokens: scan with no cap (%s)', (engine) => {
  let h: RelayHarness;
  beforeAll(async () => {
    h = await createRelayHarness({ engine, recovery: { intervalMs: 300, scanChatsPerRound: 200 } });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it(`recovers a lost last message in the oldest of ${SCALE_CHATS} active conversations`, async () => {
    // The oldest first, alone, so it is the least recently active of all.
    await createConversations(h, 'oldest', 1);
    await createConversations(h, 'scale', SCALE_CHATS - 1);
    // Every chat checked at least once: the oldest is then recovered by the scan coming round, not by being new.
    await waitFor(
      'every conversation checked once',
      async () => {
        const row = await h.bridge.store.db
          .selectFrom('recovery_chats')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        return Number(row.n) >= SCALE_CHATS;
      },
      120_000,
    );
    const oldest = await h.bridge.store.db
      .selectFrom('conversations')
      .select(['channel_chat_key', 'last_activity_at'])
      .orderBy('last_activity_at')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    expect(oldest.channel_chat_key).toBe('oldest-0');
    const chat = await waitFor('the oldest chat', () => h.chatOf('oldest-0'));

    await sendWithDroppedHook(h, chat.id, 'the last word, whose hook was lost');
    await waitFor(
      'the lost last message at the customer system',
      () => receivedTexts(h, 'oldest-0').includes('the last word, whose hook was lost'),
      120_000,
    );
    expect(receivedTexts(h, 'oldest-0')).toEqual(['the last word, whose hook was lost']);
    const recovered = await h.bridge.store.db
      .selectFrom('hooks')
      .select('id')
      .where('reason', '=', RECOVERY_REASONS.checked)
      .execute();
    expect(recovered).toHaveLength(1);
  }, 400_000);
});

describe.each(ENGINES)('outbound recovery: order (%s)', (engine) => {
  let h: RelayHarness;
  beforeAll(async () => {
    // Rounds far apart: only the order check before each delivery can bring the lost messages over in time.
    h = await createRelayHarness({ engine, recovery: { intervalMs: 600_000 } });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('delivers 26 messages whose hooks were lost before the next one, in order, with one history read', async () => {
    await h.sendCustomerText('order-run', 'hello');
    const chat = await waitFor('the chat', () => h.chatOf('order-run'));
    await h.sendManagerMessage(chat.id, { text: 'm-00' });
    await waitFor('m-00 delivered', () => receivedTexts(h, 'order-run').length === 1);
    for (let i = 1; i <= 26; i++) await sendWithDroppedHook(h, chat.id, `m-${String(i).padStart(2, '0')}`);
    const before = (await h.requestCounts())[HISTORY] ?? 0;
    await h.sendManagerMessage(chat.id, { text: 'm-27' });
    const expected = Array.from({ length: 28 }, (_, i) => `m-${String(i).padStart(2, '0')}`);
    await waitFor('all 28 at the customer system', () => receivedTexts(h, 'order-run').length >= 28, 60_000);
    expect(receivedTexts(h, 'order-run')).toEqual(expected);
    // One delivery batch (m-27 and the 26 before it): one bounded read.
    expect(((await h.requestCounts())[HISTORY] ?? 0) - before).toBe(1);
  }, 120_000);

  it('keeps order when 26 lost hooks alternate with 26 that arrive', async () => {
    await h.sendCustomerText('order-alternate', 'hello');
    const chat = await waitFor('the chat', () => h.chatOf('order-alternate'));
    const expected: string[] = [];
    for (let i = 0; i < 26; i++) {
      const lost = `a-${String(2 * i).padStart(2, '0')}`;
      const arrives = `a-${String(2 * i + 1).padStart(2, '0')}`;
      await sendWithDroppedHook(h, chat.id, lost);
      expect((await h.sendManagerMessage(chat.id, { text: arrives })).status).toBe(200);
      expected.push(lost, arrives);
    }
    await waitFor('all 52 at the customer system', () => receivedTexts(h, 'order-alternate').length >= 52, 90_000);
    expect(receivedTexts(h, 'order-alternate')).toEqual(expected);
    const ids = h.customer
      .acceptedMessages()
      .filter((e) => e.body.chatKey === 'order-alternate')
      .map((e) => e.body.messageId);
    expect(new Set(ids).size).toBe(52);
  }, 150_000);
});

describe.each(ENGINES)('outbound recovery with tokens: event feed (%s)', (engine) => {
  let h: RelayHarness;
  beforeAll(async () => {
    h = await createRelayHarness({
      engine,
      oauth: true,
      // The scan budget would show up as history reads if the feed were not used.
      recovery: { intervalMs: 400, scanChatsPerRound: 1000, feed: { graceSeconds: 1, overlapSeconds: 2 } },
    });
    await h.giveAccountTokens();
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  /** Drops the hook of one message in `chatKey`, waits for its recovery; resolves the sandbox requests it cost. */
  async function recoverOneLost(chatKey: string, text: string) {
    const chat = await waitFor('the chat', () => h.chatOf(chatKey));
    await fetch(`${h.sandbox.url}/_sandbox/api/requests`, { method: 'DELETE' });
    const started = await h.requestCounts();
    expect(started[HISTORY] ?? 0).toBe(0);
    await sendWithDroppedHook(h, chat.id, text);
    await waitFor(`"${text}" at the customer system`, () => receivedTexts(h, chatKey).includes(text), 60_000);
    // Two more rounds after the recovery, so quiet chats had every chance to cost something.
    const rounds = (await h.requestCounts())[EVENTS] ?? 0;
    await waitFor('two more feed rounds', async () => ((await h.requestCounts())[EVENTS] ?? 0) >= rounds + 2, 20_000);
    return h.requestCounts();
  }

  it('finds a lost last message through the feed, and the history reads do not grow with quiet chats', async () => {
    await createConversations(h, 'few', 20);
    const few = await recoverOneLost('few-0', 'lost among 20 chats');

    await createConversations(h, 'many', 200);
    const many = await recoverOneLost('few-1', 'lost among 220 chats');

    console.log(
      `RECOVERY COST ${JSON.stringify({ engine, chats20: { history: few[HISTORY], events: few[EVENTS] }, chats220: { history: many[HISTORY], events: many[EVENTS] } })}`,
    );
    // One check of the chat the feed names, nothing for the quiet ones: the same with 20 and with 220 chats.
    expect(few[HISTORY]).toBe(1);
    expect(many[HISTORY]).toBe(1);
    expect(few['GET /api/v4/talks/:id']).toBe(1);
    const recovered = await h.bridge.store.db
      .selectFrom('hooks')
      .select('id')
      .where('reason', '=', RECOVERY_REASONS.checked)
      .execute();
    expect(recovered).toHaveLength(2);
    // The account has a feed: no chat was scanned.
    const scanned = await h.bridge.store.db.selectFrom('recovery_chats').select('conversation_row_id').execute();
    expect(scanned.length).toBeLessThanOrEqual(2);
  }, 400_000);
});

describe.each(ENGINES)('outbound recovery: a check never dies (%s)', (engine) => {
  let h: RelayHarness;
  beforeAll(async () => {
    h = await createRelayHarness({ engine, recovery: { intervalMs: 600_000, scanChatsPerRound: 50 } });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('while history cannot be read no check dies or marks its chat; once it can, the lost message arrives', async () => {
    await h.sendCustomerText('never-dies', 'hello');
    const chat = await waitFor('the chat', () => h.chatOf('never-dies'));
    await sendWithDroppedHook(h, chat.id, 'lost while amojo fails');
    await h.setFaults({ apiFailureRate: 1, apiFailureStatuses: [503], retryAfterSeconds: 0 });
    const { store } = h.bridge;
    const deps = h.bridge;
    const { createOutboundRecovery, JOB_KINDS, reconcileLane } = await import('../src/pipelines/index.js');
    const { enqueue } = await import('../src/queue/index.js');
    const recovery = createOutboundRecovery(deps, { intervalMs: 1 });
    // The scan (no tokens): the round reads nothing and leaves the chat unchecked, so it stays first in line.
    const scanRound = await recovery.runRound();
    expect(scanRound).toMatchObject({ scannedAccounts: 1, chatsScanned: 0 });
    expect(await store.db.selectFrom('recovery_chats').select('conversation_row_id').execute()).toEqual([]);
    // A durable check (what the event feed queues): it re-queues itself with backoff instead of failing.
    const conversation = await store.db
      .selectFrom('conversations')
      .select('id')
      .where('channel_chat_key', '=', 'never-dies')
      .executeTakeFirstOrThrow();
    await store.transaction((trx) =>
      enqueue(trx, {
        kind: JOB_KINDS.reconcile,
        lane: reconcileLane(asAmojoChatId(chat.id)),
        payload: { conversationRowId: conversation.id },
        maxAttempts: 10,
      }),
    );
    const deferred = await waitFor('a deferred check', async () => {
      const rows = await store.db
        .selectFrom('jobs')
        .select(['state', 'payload'])
        .where('kind', '=', 'reconcile')
        .execute();
      return rows.find((row) => (JSON.parse(row.payload) as { failures?: number }).failures !== undefined);
    });
    expect(deferred.state).toBe('queued');
    expect(await store.db.selectFrom('jobs').select('id').where('state', '=', 'dead').execute()).toEqual([]);
    await h.setFaults({});
    await waitFor(
      'the lost message at the customer system',
      () => receivedTexts(h, 'never-dies').includes('lost while amojo fails'),
      60_000,
    );
    expect(receivedTexts(h, 'never-dies')).toEqual(['lost while amojo fails']);
  }, 120_000);
});
