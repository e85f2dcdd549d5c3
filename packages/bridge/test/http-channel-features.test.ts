import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from './support/databases.js';
import { createRelayHarness, type RelayHarness, waitFor } from './support/relay-harness.js';

function textEvent(chatKey: string, text: string, extra: Record<string, unknown> = {}) {
  return {
    eventId: randomUUID(),
    chatKey,
    sender: { id: `c-${chatKey}`, name: 'Customer' },
    message: { type: 'text', text },
    timestamp: Math.floor(Date.now() / 1000),
    ...extra,
  };
}

/** A customer message that reached the sandbox: its event id and its sandbox message. */
async function customerSays(h: RelayHarness, chatKey: string, text: string, extra: Record<string, unknown> = {}) {
  const event = textEvent(chatKey, text, extra);
  const answer = await h.postCustomerEvent(event);
  expect(answer.status).toBe(200);
  const chat = await waitFor('the chat', () => h.chatOf(chatKey));
  const message = await waitFor(`"${text}" in the sandbox`, async () =>
    (await h.sandboxMessages(chat.id)).find((m) => m.clientId === answer.body.id),
  );
  return { eventId: event.eventId, chat, message };
}

/** A manager message and the event the customer system accepted for it. */
async function managerSays(h: RelayHarness, chatId: string, text: string, replyToId?: string) {
  const sent = await h.sendManagerMessage(chatId, { text, ...(replyToId ? { replyToId } : {}) });
  expect(sent.status).toBeLessThan(300);
  const sandboxId = (sent.body as { messages: { id: string }[] }).messages[0]!.id;
  const event = await waitFor(`"${text}" at the customer system`, () =>
    h.customer.acceptedMessages().find((e) => (e.body.message as { text?: string }).text === text),
  );
  return { sandboxId, event };
}

describe.each(ENGINES)('http channel reactions, edits and quotes (%s)', (engine) => {
  let h: RelayHarness;
  beforeAll(async () => {
    h = await createRelayHarness({ engine });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('relays customer reactions on manager and own messages, react and unreact, to the sandbox', async () => {
    const mine = await customerSays(h, 'react-chat', 'my question');
    const manager = await managerSays(h, mine.chat.id, 'an answer to react to');
    const reactOn = (messageId: string, reaction: 'react' | 'unreact', emoji?: string) =>
      h.postCustomerEvent({
        type: 'reaction',
        eventId: randomUUID(),
        chatKey: 'react-chat',
        sender: { id: 'c-react-chat' },
        messageId,
        reaction,
        ...(emoji ? { emoji } : {}),
      });
    // A manager message by the id the bridge posted it with (not the `cs-...` id the customer system answered).
    const onManager = await reactOn(String(manager.event.body.messageId), 'react', '👍');
    expect(onManager.status).toBe(200);
    // "❤" without the variation selector is the declared "❤️".
    expect((await reactOn(mine.eventId, 'react', '❤')).status).toBe(200);
    await waitFor('both reactions in the sandbox', async () => {
      const messages = await h.sandboxMessages(mine.chat.id);
      const onOut = messages.find((m) => m.id === manager.sandboxId);
      const onIn = messages.find((m) => m.id === mine.message.id);
      return onOut?.reactions.some((r) => r.emoji === '👍' && r.byKind === 'client') &&
        onIn?.reactions.some((r) => r.emoji === '❤️' && r.byKind === 'client')
        ? true
        : undefined;
    });
    expect((await reactOn(String(manager.event.body.messageId), 'unreact')).status).toBe(200);
    await waitFor('the reaction removed in the sandbox', async () => {
      const onOut = (await h.sandboxMessages(mine.chat.id)).find((m) => m.id === manager.sandboxId);
      return onOut && onOut.reactions.length === 0 ? true : undefined;
    });
  });

  it('refuses a reaction outside the declared set, without an emoji, or on an unknown message, naming why', async () => {
    const mine = await customerSays(h, 'react-bad-chat', 'hi');
    const base = { type: 'reaction', chatKey: 'react-bad-chat', sender: { id: 'c-react-bad-chat' } };
    const clown = await h.postCustomerEvent({
      ...base,
      eventId: randomUUID(),
      messageId: mine.eventId,
      reaction: 'react',
      emoji: '🤡',
    });
    expect(clown.status).toBe(400);
    expect(clown.body.message).toMatch(/^emoji: 🤡 is not a reaction of this channel \(👍 ❤️/);
    const noEmoji = await h.postCustomerEvent({
      ...base,
      eventId: randomUUID(),
      messageId: mine.eventId,
      reaction: 'react',
    });
    expect(noEmoji.status).toBe(400);
    expect(noEmoji.body.message).toBe('emoji: required for reaction "react"');
    const badKind = await h.postCustomerEvent({
      ...base,
      eventId: randomUUID(),
      messageId: mine.eventId,
      reaction: 'love',
    });
    expect(badKind.status).toBe(400);
    expect(String(badKind.body.message)).toMatch(/^reaction: /);
    const unknown = await h.postCustomerEvent({
      ...base,
      eventId: randomUUID(),
      messageId: 'never-sent',
      reaction: 'react',
      emoji: '👍',
    });
    expect(unknown.status).toBe(404);
    expect(String(unknown.body.message)).toMatch(/message never-sent of chat react-bad-chat is not known/);
    const messages = await h.sandboxMessages(mine.chat.id);
    expect(messages.find((m) => m.id === mine.message.id)?.reactions).toEqual([]);
  });

  it('relays a customer edit of their own message; refuses edits of unknown or manager messages', async () => {
    const mine = await customerSays(h, 'edit-chat', 'helo');
    const edit = (messageId: string, text: string) =>
      h.postCustomerEvent({ type: 'edit', eventId: randomUUID(), chatKey: 'edit-chat', messageId, text });
    const first = await edit(mine.eventId, 'hello, fixed');
    expect(first.status).toBe(200);
    expect(first.body.id).toBe(mine.message.clientId);
    await waitFor('the new text in the sandbox', async () => {
      const m = (await h.sandboxMessages(mine.chat.id)).find((x) => x.id === mine.message.id);
      return m?.text === 'hello, fixed' && m.edited ? true : undefined;
    });
    const manager = await managerSays(h, mine.chat.id, 'not yours to edit');
    const onManager = await edit(String(manager.event.body.messageId), 'hijacked');
    expect(onManager.status).toBe(404);
    const empty = await edit(mine.eventId, '');
    expect(empty.status).toBe(400);
    expect(String(empty.body.message)).toMatch(/^text: /);
    const sandboxManager = (await h.sandboxMessages(mine.chat.id)).find((m) => m.id === manager.sandboxId);
    expect(sandboxManager?.text).toBe('not yours to edit');
  });

  it('logs a manager reaction the customer system refuses for good, and does not retry it', async () => {
    const mine = await customerSays(h, 'react-refused', 'thanks');
    h.customer.behaviour.refuseChatKeys.add('react-refused');
    try {
      const reacted = await fetch(`${h.sandbox.url}/_sandbox/api/messages/${mine.message.id}/reactions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ emoji: '👍', type: 'react' }),
      });
      expect(reacted.status, await reacted.clone().text()).toBeLessThan(300);
      const refused = await waitFor('the refusal logged', () =>
        h.logs.find((l) => l.event === 'manager_reaction_refused' && l.channel === 'http'),
      );
      expect(String(refused.reason)).toMatch(/904|cannot be reached/);
      const posts = () =>
        h.customer.events.filter((e) => e.body.type === 'reaction' && e.body.chatKey === 'react-refused');
      expect(posts()).toHaveLength(1);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(posts()).toHaveLength(1);
    } finally {
      h.customer.behaviour.refuseChatKeys.delete('react-refused');
    }
  });

  it('carries quotes both ways: replyTo -> amojo reply_to, a quoted manager reply -> replyTo; unknown ids as plain text', async () => {
    const first = await customerSays(h, 'quote-chat', 'which colour?');
    const reply = await managerSays(h, first.chat.id, 'blue, I think', first.message.id);
    // The customer system gets the quoted message by the id it knows: its own eventId.
    expect(reply.event.body.replyTo).toBe(first.eventId);
    const again = await managerSays(h, first.chat.id, 'or green', reply.sandboxId);
    // A quoted manager message: the id the customer system answered for it (the harness answers `cs-<messageId>`).
    expect(again.event.body.replyTo).toBe(`cs-${String(reply.event.body.messageId)}`);
    const plain = await managerSays(h, first.chat.id, 'no quote here');
    expect(plain.event.body).not.toHaveProperty('replyTo');

    const quotingManager = await customerSays(h, 'quote-chat', 'blue it is', {
      replyTo: String(reply.event.body.messageId),
    });
    expect(quotingManager.message.replyTo?.id).toBe(reply.sandboxId);
    const byTheirId = await customerSays(h, 'quote-chat', 'green, then', {
      replyTo: `cs-${String(again.event.body.messageId)}`,
    });
    expect(byTheirId.message.replyTo?.id).toBe(again.sandboxId);
    const quotingOwn = await customerSays(h, 'quote-chat', 'as I asked', { replyTo: first.eventId });
    expect(quotingOwn.message.replyTo?.id).toBe(first.message.id);
    const unknown = await customerSays(h, 'quote-chat', 'quoting the void', { replyTo: 'no-such-message' });
    expect(unknown.message.replyTo).toBeNull();
    expect(unknown.message.text).toBe('quoting the void');
  });
});

describe.each(ENGINES)('http channel reactions limited by reactionEmoji (%s)', (engine) => {
  let h: RelayHarness;
  beforeAll(async () => {
    h = await createRelayHarness({ engine, settings: { reactionEmoji: ['👍', '🔥'] } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("takes only the instance's declared emoji", async () => {
    const mine = await customerSays(h, 'declared-chat', 'hi');
    const react = (emoji: string) =>
      h.postCustomerEvent({
        type: 'reaction',
        eventId: randomUUID(),
        chatKey: 'declared-chat',
        sender: { id: 'c-declared-chat' },
        messageId: mine.eventId,
        reaction: 'react',
        emoji,
      });
    const heart = await react('❤️');
    expect(heart.status).toBe(400);
    expect(heart.body.message).toBe('emoji: ❤️ is not a reaction of this channel (👍 🔥)');
    expect((await react('🔥')).status).toBe(200);
    await waitFor('🔥 in the sandbox', async () => {
      const m = (await h.sandboxMessages(mine.chat.id)).find((x) => x.id === mine.message.id);
      return m?.reactions.some((r) => r.emoji === '🔥') ? true : undefined;
    });
  });
});
