import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from './support/databases.js';
import { createRelayHarness, type RelayHarness, waitFor } from './support/relay-harness.js';

describe.each(ENGINES)('typing, reactions and "write first" through the http channel (%s)', (engine) => {
  let h: RelayHarness;
  beforeAll(async () => {
    h = await createRelayHarness({ engine });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('relays typing both ways and a manager reaction on the customer message', async () => {
    const sent = await h.sendCustomerText('extras-chat', 'react to me');
    const chat = await waitFor('the chat', () => h.chatOf('extras-chat'));
    const inSandbox = await waitFor('the message in the sandbox', async () =>
      (await h.sandboxMessages(chat.id)).find((m) => m.clientId === sent.body.id),
    );

    // Manager typing (spec 4.4) -> a signed typing event at the customer system.
    const typing = await fetch(`${h.sandbox.url}/_sandbox/api/chats/${chat.id}/typing`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(typing.status).toBe(200);
    const typed = await waitFor('the typing event', () =>
      h.customer.events.find((e) => e.body.type === 'typing' && e.body.chatKey === 'extras-chat'),
    );
    expect(typed.signatureOk).toBe(true);
    expect(typeof typed.body.expiresAt).toBe('number');

    // Manager reaction (spec 4.5) on the customer's message -> the customer system sees our id of that message.
    const reaction = await fetch(`${h.sandbox.url}/_sandbox/api/messages/${inSandbox.id}/reactions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ emoji: '👍', type: 'react' }),
    });
    expect(reaction.status).toBe(200);
    const reacted = await waitFor('the reaction event', () =>
      h.customer.events.find((e) => e.body.type === 'reaction' && e.body.chatKey === 'extras-chat'),
    );
    expect(reacted.body).toMatchObject({ messageId: sent.body.id, reaction: 'react', emoji: '👍' });

    // Customer typing -> amojo typing (spec 3.7): the sandbox shows the client typing.
    const customerTyping = await h.postCustomerEvent({
      type: 'typing',
      chatKey: 'extras-chat',
      sender: { id: 'customer-extras-chat' },
    });
    expect(customerTyping.status).toBe(200);
    await waitFor('the client typing in the sandbox', async () => {
      const view = (await h.sandboxChats()).find((c) => c.id === chat.id);
      return view?.typingUntil ? view : undefined;
    });
  });

  it('delivers a "write first" message by phone and binds the chat on the customer\'s answer', async () => {
    const phone = '+79990001122';
    const started = await fetch(`${h.sandbox.url}/_sandbox/api/write-first`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ scopeId: h.scopeId, phone, text: 'Hello from the CRM' }),
    });
    expect(started.status).toBe(200);
    const { chat, message } = (await started.json()) as { chat: { id: string }; message: { id: string } };

    const delivered = await waitFor('the write-first message at the customer system', () =>
      h.customer.acceptedMessages().find((e) => (e.body.message as { text: string }).text === 'Hello from the CRM'),
    );
    expect(delivered.body.chatKey).toBe(`phone:${phone}`);
    expect(delivered.body.recipient).toMatchObject({ phone });
    await waitFor('status 1 for the write-first message', async () =>
      (await h.sandboxMessages(chat.id)).some((m) => m.id === message.id && m.status === 'delivered'),
    );

    // The customer answers in the chat key the bridge gave them: the first answer binds the amoCRM chat.
    const answer = await h.sendCustomerText(`phone:${phone}`, 'Hi, yes I am here', { phone });
    expect(answer.status).toBe(200);
    const reply = await waitFor('the answer in the write-first chat', async () =>
      (await h.sandboxMessages(chat.id)).find((m) => m.clientId === answer.body.id),
    );
    expect(reply.direction).toBe('in');
    const bound = (await h.sandboxChats()).find((c) => c.id === chat.id);
    expect(bound?.conversationId).toBeTruthy();
    const ours = await h.bridge.store.db
      .selectFrom('conversations')
      .select(['conversation_id', 'amojo_chat_id'])
      .where('channel_chat_key', '=', `phone:${phone}`)
      .executeTakeFirstOrThrow();
    expect(ours).toEqual({ conversation_id: bound?.conversationId, amojo_chat_id: chat.id });
  });
});
