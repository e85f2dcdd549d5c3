import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from './support/databases.js';
import { createRelayHarness, type RelayHarness, waitFor } from './support/relay-harness.js';

/** Our msgids of a conversation's inbound messages in acceptance (commit) order. */
async function acceptanceOrder(h: RelayHarness, chatKey: string): Promise<string[]> {
  const rows = await h.bridge.store.db
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_row_id')
    .select('messages.msgid')
    .where('conversations.channel_chat_key', '=', chatKey)
    .where('messages.direction', '=', 'in')
    .orderBy('messages.id')
    .execute();
  return rows.map((r) => r.msgid);
}

describe.each(ENGINES)('relay ordering (%s)', (engine) => {
  let h: RelayHarness;
  beforeAll(async () => {
    h = await createRelayHarness({ engine });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('200 messages of one conversation sent concurrently arrive in acceptance order', async () => {
    const chatKey = 'order-single';
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => h.sendCustomerText(chatKey, `message ${i}`)),
    );
    // Every send accepted; a refusal is shown with its status and body (seen once on PostgreSQL under CI load).
    expect(answers.filter((a) => a.status !== 200).map((a) => [a.status, a.body])).toEqual([]);
    const accepted = await acceptanceOrder(h, chatKey);
    expect(accepted).toHaveLength(200);
    expect(new Set(answers.map((a) => a.body.id))).toEqual(new Set(accepted));

    const chat = await waitFor('the chat', () => h.chatOf(chatKey));
    const arrived = await waitFor(
      'all 200 messages in the sandbox',
      async () => {
        const messages = (await h.sandboxMessages(chat.id)).filter((m) => m.direction === 'in');
        return messages.length >= 200 ? messages : undefined;
      },
      60_000,
    );
    const arrivedIds = arrived.map((m) => m.clientId);
    expect(arrivedIds).toHaveLength(200);
    expect(arrivedIds).toEqual(accepted);
  }, 90_000);

  it('several conversations sent concurrently and interleaved each keep their own order', async () => {
    const chatKeys = ['order-a', 'order-b', 'order-c', 'order-d', 'order-e'];
    const sends = [];
    for (let i = 0; i < 40; i++) {
      for (const chatKey of chatKeys) sends.push(h.sendCustomerText(chatKey, `${chatKey} #${i}`));
    }
    const answers = await Promise.all(sends);
    // Every send accepted; a refusal is shown with its status and body (seen once on PostgreSQL under CI load).
    const refused = answers.filter((a) => a.status !== 200);
    if (refused.length > 0) console.error(h.logs.filter((l) => l.level === 50 || l.level === 'error'));
    expect(refused.map((a) => [a.status, a.body])).toEqual([]);
    for (const chatKey of chatKeys) {
      const accepted = await acceptanceOrder(h, chatKey);
      expect(accepted).toHaveLength(40);
      const chat = await waitFor(`the chat ${chatKey}`, () => h.chatOf(chatKey));
      const arrived = await waitFor(
        `40 messages of ${chatKey} in the sandbox`,
        async () => {
          const messages = (await h.sandboxMessages(chat.id)).filter((m) => m.direction === 'in');
          return messages.length >= 40 ? messages : undefined;
        },
        60_000,
      );
      expect(arrived.map((m) => m.clientId)).toEqual(accepted);
      // The texts were numbered per chat; no message of another chat leaked in.
      expect(arrived.every((m) => m.text.startsWith(`${chatKey} #`))).toBe(true);
    }
  }, 120_000);
});
