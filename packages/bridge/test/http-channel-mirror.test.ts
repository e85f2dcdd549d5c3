import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/index.js';
import { ENGINES } from './support/databases.js';
import { createRelayHarness, RELAY_TEST_IDS, type RelayHarness, waitFor } from './support/relay-harness.js';

// Issue 13: a message the business sent outside amoCRM, posted to the http channel as "direction": "outgoing", is
// stored and shown in the amoCRM chat as the manager's (or the bot's), and never sent back to the customer system,
// not even by the gap check of a later manager message. Imported manager messages are never sent to it either.

const FIXTURES = fileURLToPath(new URL('./fixtures/import/', import.meta.url));

describe.each(ENGINES)('mirrored outgoing messages on %s', (engine) => {
  let h: RelayHarness;
  beforeAll(async () => {
    h = await createRelayHarness({ engine, bot: true });
  });
  afterAll(async () => {
    await h?.close();
  });

  const outgoing = (eventId: string, chatKey: string, text: string, extra: Record<string, unknown> = {}) =>
    h.postCustomerEvent({
      type: 'message',
      direction: 'outgoing',
      eventId,
      chatKey,
      recipient: { id: `customer-${chatKey}`, name: `Customer ${chatKey}` },
      message: { type: 'text', text },
      timestamp: Math.floor(Date.now() / 1000),
      ...extra,
    });

  it("shows the mirrored message as the manager's, in order, and does not echo it", async () => {
    expect((await h.sendCustomerText('mirror-1', 'question')).status).toBe(200);
    const mirrored = await outgoing('out-1', 'mirror-1', 'answered from the helpdesk', {
      senderUserId: RELAY_TEST_IDS.MANAGER_ID,
      senderName: 'Manager One',
    });
    expect(mirrored.status).toBe(200);
    expect(mirrored.body.duplicate).toBe(false);
    expect(
      (await outgoing('out-1', 'mirror-1', 'answered from the helpdesk', { senderUserId: RELAY_TEST_IDS.MANAGER_ID }))
        .body.duplicate,
    ).toBe(true);
    const chat = await waitFor('both messages in amojo', async () => {
      const c = await h.chatOf('mirror-1');
      return c && (await h.sandboxMessages(c.id)).length === 2 ? c : undefined;
    });
    const messages = await h.sandboxMessages(chat.id);
    expect(messages.map((m) => [m.direction, m.author.kind, m.author.id, m.text])).toEqual([
      ['in', 'client', expect.any(String), 'question'],
      ['out', 'manager', RELAY_TEST_IDS.MANAGER_ID, 'answered from the helpdesk'],
    ]);
    expect(messages[1]?.silent).toBe(false);
    // A manager answers in amoCRM: its gap check reads the history with the mirrored message in it.
    expect((await h.sendManagerMessage(chat.id, { text: 'from amoCRM' })).status).toBeLessThan(300);
    await waitFor('the amoCRM answer at the customer system', () =>
      h.customer.acceptedMessages().some((e) => e.body.chatKey === 'mirror-1'),
    );
    const texts = h.customer
      .acceptedMessages()
      .filter((e) => e.body.chatKey === 'mirror-1')
      .map((e) => (e.body.message as { text?: string }).text);
    expect(texts).toEqual(['from amoCRM']);
    const stored = await h.bridge.store.db
      .selectFrom('messages')
      .select(['direction', 'status', 'channel_message_id'])
      .where('channel_message_id', '=', 'out-1')
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ direction: 'out', status: 'sent', channel_message_id: 'out-1' });
  });

  it('sends an outgoing message without senderUserId as the channel bot; refuses one without recipient', async () => {
    expect((await outgoing('out-bot-1', 'mirror-2', 'automatic notice')).status).toBe(200);
    const chat = await waitFor('the bot message in amojo', async () => {
      const c = await h.chatOf('mirror-2');
      return c && (await h.sandboxMessages(c.id)).length === 1 ? c : undefined;
    });
    expect((await h.sandboxMessages(chat.id))[0]?.author).toMatchObject({ kind: 'bot', id: RELAY_TEST_IDS.BOT_ID });
    const bad = await outgoing('out-bad', 'mirror-3', 'x', { recipient: undefined });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/^recipient: required for an outgoing message/);
    const wrong = await h.postCustomerEvent({
      eventId: 'in-bad',
      chatKey: 'mirror-3',
      sender: { id: 'c', name: 'C' },
      senderUserId: RELAY_TEST_IDS.MANAGER_ID,
      message: { type: 'text', text: 'x' },
      timestamp: Math.floor(Date.now() / 1000),
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.message).toMatch(/^senderUserId: only for "direction": "outgoing"/);
  });

  it('never sends imported manager or bot messages to the customer system when the chat goes live', async () => {
    const code = await runCli(
      ['import', `${FIXTURES}jsonl/export.jsonl`, '--instance', h.instanceKey, '--map', `${FIXTURES}managers.json`],
      {
        stdout: () => undefined,
        stderr: () => undefined,
        env: { ...h.env, LOG_LEVEL: 'warn' },
      },
    );
    expect(code).toBe(0);
    const chat = await h.chatOf('crm-1001');
    if (!chat) throw new Error('imported chat missing');
    // The customer writes again in the imported chat (same conversation), then a manager answers in amoCRM.
    expect((await h.sendCustomerText('crm-1001', 'back again')).status).toBe(200);
    await waitFor('the live message in the imported chat', async () => (await h.sandboxMessages(chat.id)).length === 6);
    expect((await h.sendManagerMessage(chat.id, { text: 'welcome back' })).status).toBeLessThan(300);
    await waitFor('the answer at the customer system', () =>
      h.customer.acceptedMessages().some((e) => e.body.chatKey === 'crm-1001'),
    );
    const texts = h.customer
      .acceptedMessages()
      .filter((e) => e.body.chatKey === 'crm-1001')
      .map((e) => (e.body.message as { text?: string }).text);
    expect(texts).toEqual(['welcome back']);
  });
});
