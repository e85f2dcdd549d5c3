import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from './support/databases.js';
import { createRelayHarness, type RelayHarness, waitFor } from './support/relay-harness.js';

const CHATS = ['lost-a', 'lost-b', 'lost-c'];
const PER_CHAT = 20;

describe.each(ENGINES)('lost hooks are recovered by reconciliation (%s)', (engine) => {
  let h: RelayHarness;
  beforeAll(async () => {
    h = await createRelayHarness({ engine, reconcileIntervalMs: 500 });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('with 20% of hooks dropped, every manager message reaches the customer exactly once', async () => {
    for (const chatKey of CHATS) expect((await h.sendCustomerText(chatKey, `${chatKey} hello`)).status).toBe(200);
    const chats = await Promise.all(CHATS.map((key) => waitFor(`chat ${key}`, () => h.chatOf(key))));
    await h.setFaults({ hookDropRate: 0.2, seed: 11 });

    const texts: string[] = [];
    const managerIds: string[] = [];
    for (let i = 0; i < PER_CHAT; i++) {
      for (const chat of chats) {
        const text = `${chat.id} manager ${i}`;
        const answer = await h.sendManagerMessage(chat.id, { text });
        expect(answer.status).toBe(200);
        texts.push(text);
        managerIds.push((answer.body as { messages: { id: string }[] }).messages[0]!.id);
      }
    }
    const hookLog = (await (await fetch(`${h.sandbox.url}/_sandbox/api/hooks`)).json()) as {
      kind: string;
      dropped: boolean;
    }[];
    const dropped = hookLog.filter((entry) => entry.kind === 'message' && entry.dropped).length;
    expect(dropped).toBeGreaterThan(0); // otherwise this test proves nothing

    await waitFor(
      'every manager message at the customer system',
      () => {
        const got = new Set(h.customer.acceptedMessages().map((e) => (e.body.message as { text?: string }).text));
        return texts.every((t) => got.has(t));
      },
      90_000,
    );
    const received = h.customer
      .acceptedMessages()
      .filter((e) => texts.includes((e.body.message as { text: string }).text));
    const ids = received.map((e) => e.body.messageId);
    const duplicates = ids.length - new Set(ids).size;
    const recovered = await h.bridge.store.db
      .selectFrom('hooks')
      .select('id')
      .where('reason', 'like', 'recovered from chat history%')
      .execute();
    console.log(
      `LOST HOOKS COUNTS ${JSON.stringify({ engine, sent: texts.length, hooksDropped: dropped, recoveredByReconciliation: recovered.length, delivered: new Set(ids).size, duplicates })}`,
    );
    expect(duplicates).toBe(0);
    expect(new Set(ids).size).toBe(texts.length);
    expect(recovered.length).toBeGreaterThanOrEqual(dropped);
    await waitFor(
      'delivery status 1 for every manager message, recovered ones included',
      async () => {
        const all = (await Promise.all(chats.map((c) => h.sandboxMessages(c.id)))).flat();
        return all.filter((m) => managerIds.includes(m.id) && m.status === 'delivered').length === managerIds.length;
      },
      60_000,
    );
    await h.setFaults({ hookDropRate: 0 });
  }, 180_000);

  it('delivers a message whose hook was lost before the next one of the same chat (order kept)', async () => {
    await h.sendCustomerText('gap-chat', 'hello');
    const chat = await waitFor('the chat', () => h.chatOf('gap-chat'));
    await h.setFaults({ hookDropRate: 1 });
    const lost = await h.sendManagerMessage(chat.id, { text: 'gap: sent while the hook was lost' });
    expect((lost.body as { hooks: { dropped: boolean }[] }).hooks[0]?.dropped).toBe(true);
    await h.setFaults({ hookDropRate: 0 });
    await h.sendManagerMessage(chat.id, { text: 'gap: the next one' });
    const arrived = await waitFor('both messages at the customer system', () => {
      const texts = h.customer
        .acceptedMessages()
        .filter((e) => e.body.chatKey === 'gap-chat')
        .map((e) => (e.body.message as { text: string }).text);
      return texts.length >= 2 ? texts : undefined;
    });
    expect(arrived).toEqual(['gap: sent while the hook was lost', 'gap: the next one']);
    const recovered = await h.bridge.store.db
      .selectFrom('hooks')
      .select('reason')
      .where('reason', 'like', '%before a later message%')
      .execute();
    expect(recovered.length).toBeGreaterThanOrEqual(1);
  });
});
