import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueue } from '../src/queue/index.js';
import { ENGINES } from './support/databases.js';
import { createRelayHarness, type RelayHarness, waitFor } from './support/relay-harness.js';

const CHATS = ['fault-a', 'fault-b', 'fault-c', 'fault-d'];
const INBOUND_PER_CHAT = 30;
const OUTBOUND_PER_CHAT = 15;

function duplicatesOf(ids: readonly (string | null | undefined)[]): number {
  return ids.length - new Set(ids).size;
}

/** Positions where a list is not in the expected relative order (pairs of neighbours out of order). */
function outOfOrder(actual: readonly string[], expected: readonly string[]): number {
  const rank = new Map(expected.map((id, index) => [id, index]));
  let count = 0;
  for (let i = 1; i < actual.length; i++) {
    if ((rank.get(actual[i]!) ?? -1) < (rank.get(actual[i - 1]!) ?? -1)) count++;
  }
  return count;
}

describe.each(ENGINES)('reliability under sandbox faults (%s)', (engine) => {
  let h: RelayHarness;
  beforeAll(async () => {
    h = await createRelayHarness({ engine });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('with 30% of API calls failing and hooks delayed, every message arrives exactly once', async () => {
    // Open the chats without faults so the manager has something to answer.
    for (const chatKey of CHATS) expect((await h.sendCustomerText(chatKey, `${chatKey} opening`)).status).toBe(200);
    const chats = await Promise.all(CHATS.map((key) => waitFor(`chat ${key}`, () => h.chatOf(key))));

    await h.setFaults({
      apiFailureRate: 0.3,
      apiFailureStatuses: [500, 502, 503, 429],
      hookDelayMs: [0, 400],
      seed: 7,
    });

    const inboundSends = [];
    for (let i = 0; i < INBOUND_PER_CHAT; i++) {
      for (const chatKey of CHATS) inboundSends.push(h.sendCustomerText(chatKey, `${chatKey} in ${i}`));
    }
    const managerTexts: string[] = [];
    const outboundSends = [];
    for (let i = 0; i < OUTBOUND_PER_CHAT; i++) {
      for (const chat of chats) {
        const text = `${chat.id} out ${i}`;
        managerTexts.push(text);
        outboundSends.push(h.sendManagerMessage(chat.id, { text }));
      }
    }
    const inboundAnswers = await Promise.all(inboundSends);
    const outboundAnswers = await Promise.all(outboundSends);
    expect(inboundAnswers.every((a) => a.status === 200)).toBe(true);
    expect(outboundAnswers.every((a) => a.status === 200)).toBe(true);
    const managerIds = outboundAnswers.map((a) => (a.body as { messages: { id: string }[] }).messages[0]!.id);

    // Inbound: every accepted msgid in the sandbox exactly once, in acceptance order per chat.
    let inboundDelivered = 0;
    let inboundDuplicates = 0;
    let inboundOutOfOrder = 0;
    for (const [index, chatKey] of CHATS.entries()) {
      const accepted = (
        await h.bridge.store.db
          .selectFrom('messages')
          .innerJoin('conversations', 'conversations.id', 'messages.conversation_row_id')
          .select('messages.msgid')
          .where('conversations.channel_chat_key', '=', chatKey)
          .where('messages.direction', '=', 'in')
          .orderBy('messages.id')
          .execute()
      ).map((r) => r.msgid);
      expect(accepted).toHaveLength(INBOUND_PER_CHAT + 1);
      const arrived = await waitFor(
        `inbound messages of ${chatKey}`,
        async () => {
          const list = (await h.sandboxMessages(chats[index]!.id)).filter((m) => m.direction === 'in');
          return list.length >= accepted.length ? list : undefined;
        },
        120_000,
      );
      const ids = arrived.map((m) => m.clientId ?? '');
      inboundDelivered += new Set(ids).size;
      inboundDuplicates += duplicatesOf(ids);
      inboundOutOfOrder += outOfOrder(ids, accepted);
      expect(new Set(ids)).toEqual(new Set(accepted));
    }

    // Outbound: every manager message reaches the customer system exactly once (by our stable message id).
    const received = await waitFor(
      'every manager message at the customer system',
      () => {
        const texts = new Set(
          h.customer.acceptedMessages().map((e) => (e.body.message as { text?: string } | undefined)?.text),
        );
        return managerTexts.every((t) => texts.has(t)) ? h.customer.acceptedMessages() : undefined;
      },
      120_000,
    );
    const managerReceived = received.filter((e) => managerTexts.includes((e.body.message as { text: string }).text));
    const outboundDuplicates = duplicatesOf(managerReceived.map((e) => e.body.messageId));
    const outboundTextDuplicates = duplicatesOf(managerReceived.map((e) => (e.body.message as { text: string }).text));
    // Every manager message is stored once, by its amojo id, and reported delivered in the sandbox.
    const stored = await h.bridge.store.db
      .selectFrom('messages')
      .select(['amojo_msgid', 'status'])
      .where('direction', '=', 'out')
      .execute();
    expect(new Set(stored.map((s) => s.amojo_msgid))).toEqual(new Set(managerIds));
    await waitFor(
      'delivery status 1 for every manager message',
      async () => {
        const all = (await Promise.all(chats.map((c) => h.sandboxMessages(c.id)))).flat();
        const delivered = all.filter((m) => managerIds.includes(m.id) && m.status === 'delivered');
        return delivered.length === managerIds.length;
      },
      120_000,
    );
    const dead = await h.bridge.store.db
      .selectFrom('jobs')
      .select(sql<number>`count(*)`.as('n'))
      .where('state', '=', 'dead')
      .executeTakeFirstOrThrow();

    const metricsText = await h.bridge.metrics.render();
    const retried = [...metricsText.matchAll(/amojo_calls_total\{[^}]*outcome="retried"[^}]*\} (\d+)/g)].reduce(
      (sum, m) => sum + Number(m[1]),
      0,
    );
    const summary = {
      engine,
      amojoCallsRetriedByQueue: retried,
      inbound: {
        sent: CHATS.length * INBOUND_PER_CHAT,
        delivered: inboundDelivered - CHATS.length,
        duplicates: inboundDuplicates,
        outOfOrder: inboundOutOfOrder,
      },
      outbound: {
        sent: managerIds.length,
        delivered: new Set(managerReceived.map((e) => e.body.messageId)).size,
        duplicates: outboundDuplicates,
      },
    };
    console.log(`FAULT TEST COUNTS ${JSON.stringify(summary)}`);
    expect(inboundDuplicates).toBe(0);
    expect(inboundOutOfOrder).toBe(0);
    expect(outboundDuplicates).toBe(0);
    expect(outboundTextDuplicates).toBe(0);
    expect(summary.outbound.delivered).toBe(managerIds.length);
    expect(Number(dead.n)).toBe(0);
    await h.setFaults({ apiFailureRate: 0, hookDelayMs: 0 });
  }, 300_000);

  it('a retry after amojo already took the message counts the duplicate-msgid answer as delivered', async () => {
    const sent = await h.sendCustomerText('fault-dup', 'sent twice, shown once');
    const msgid = sent.body.id as string;
    const chat = await waitFor('the chat', () => h.chatOf('fault-dup'));
    const first = await waitFor('first delivery', async () =>
      h.bridge.store.db
        .selectFrom('messages')
        .selectAll()
        .where('msgid', '=', msgid)
        .where('amojo_msgid', 'is not', null)
        .executeTakeFirst(),
    );
    // Simulate a crash between amojo's answer and our commit: the result is lost and the job runs again.
    await h.bridge.store.transaction(async (trx) => {
      await trx
        .updateTable('messages')
        .set({ amojo_msgid: null, status: 'pending' })
        .where('id', '=', first.id)
        .execute();
      await enqueue(trx, {
        kind: 'deliver-to-amojo',
        lane: `in:${first.conversation_row_id}`,
        payload: { messageRowId: first.id },
      });
    });
    const again = await waitFor('the replayed job to finish', async () => {
      const row = await h.bridge.store.db
        .selectFrom('messages')
        .selectAll()
        .where('id', '=', first.id)
        .executeTakeFirstOrThrow();
      return row.status === 'sent' ? row : undefined;
    });
    expect(again.status).toBe('sent');
    const inSandbox = (await h.sandboxMessages(chat.id)).filter((m) => m.clientId === msgid);
    expect(inSandbox).toHaveLength(1);
    const dead = await h.bridge.store.db.selectFrom('jobs').select('id').where('state', '=', 'dead').execute();
    expect(dead).toHaveLength(0);
    expect(h.logs.some((l) => String(l.msg).includes('amojo already had this msgid') && l.msgid === msgid)).toBe(true);
  });
});
