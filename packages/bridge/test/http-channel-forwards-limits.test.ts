// Forwards both ways, long texts and manager reactions a channel cannot show, through the http channel: the sandbox
// as amoCRM, the bridge and a customer system on real ports. The instance takes texts of at most 100 characters and
// shows no reactions.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from './support/databases.js';
import { createRelayHarness, type RelayHarness, waitFor } from './support/relay-harness.js';

async function customerSays(h: RelayHarness, chatKey: string, text: string, extra: Record<string, unknown> = {}) {
  const eventId = randomUUID();
  const answer = await h.postCustomerEvent({
    eventId,
    chatKey,
    sender: { id: `c-${chatKey}`, name: `Customer ${chatKey}` },
    message: { type: 'text', text },
    timestamp: Math.floor(Date.now() / 1000),
    ...extra,
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  const chat = await waitFor('the chat', () => h.chatOf(chatKey));
  const message = await waitFor(`"${text}" in the sandbox`, async () =>
    (await h.sandboxMessages(chat.id)).find((m) => m.clientId === answer.body.id),
  );
  return { eventId, chat, message };
}

const sandboxIdOf = (sent: { body: unknown }) => (sent.body as { messages: { id: string }[] }).messages[0]!.id;

describe.each(ENGINES)('http channel forwards, long texts and unshown reactions (%s)', (engine) => {
  let h: RelayHarness;
  beforeAll(async () => {
    h = await createRelayHarness({ engine, capabilities: { reactions: false }, settings: { maxTextLength: 100 } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("sends a customer's forward as amojo forwards: a known message by its id (any chat), an unknown one as text", async () => {
    const original = await customerSays(h, 'fwd-a', 'the address is 12 Garden St');
    const known = await customerSays(h, 'fwd-b', 'see this', {
      forwarded: { text: 'the address is 12 Garden St', messageId: original.eventId },
    });
    expect(known.message.forwarded).toMatchObject({ id: original.message.id, text: 'the address is 12 Garden St' });
    const unknown = await customerSays(h, 'fwd-b', 'and this', {
      forwarded: { text: 'a note from my wife', author: 'Maria', timestamp: 1_700_000_000, messageId: 'elsewhere-1' },
    });
    expect(unknown.message.forwarded).toEqual({ id: null, text: 'a note from my wife', author: 'Maria' });
    const bad = await h.postCustomerEvent({
      eventId: randomUUID(),
      chatKey: 'fwd-b',
      sender: { id: 'c-fwd-b', name: 'Customer fwd-b' },
      message: { type: 'text', text: 'x' },
      timestamp: Math.floor(Date.now() / 1000),
      forwarded: { text: '' },
    });
    expect(bad.status).toBe(400);
    expect(String(bad.body.message)).toMatch(/^forwarded\.text: /);
  });

  it("posts a manager's forward to the customer system as `forwarded` with its text and author", async () => {
    const original = await customerSays(h, 'fwd-c', 'my order number is 4411');
    const other = await customerSays(h, 'fwd-d', 'hello');
    const sent = await h.sendManagerMessage(other.chat.id, { text: 'FYI', forwardId: original.message.id });
    expect(sent.status, JSON.stringify(sent.body)).toBeLessThan(300);
    const event = await waitFor('the forward at the customer system', () =>
      h.customer.acceptedMessages().find((e) => (e.body.message as { text?: string }).text === 'FYI'),
    );
    expect(event.body.forwarded).toEqual({
      text: 'my order number is 4411',
      author: 'Customer fwd-c',
      timestamp: expect.any(Number),
    });
    expect(event.body.message).not.toHaveProperty('forwarded');
  });

  it('splits a manager text over the channel limit into messages with stable ids; refuses a caption over it', async () => {
    const chat = (await customerSays(h, 'long-a', 'tell me everything')).chat;
    const words = Array.from({ length: 40 }, (_, i) => `word${String(i).padStart(2, '0')}`);
    const long = words.join(' '); // 279 characters
    const sent = await h.sendManagerMessage(chat.id, { text: long });
    expect(sent.status).toBeLessThan(300);
    const parts = await waitFor('three parts at the customer system', () => {
      const found = h.customer.acceptedMessages().filter((e) => {
        const text = (e.body.message as { text?: string }).text ?? '';
        return text.startsWith('word') && text.includes('word');
      });
      return found.length >= 3 ? found : undefined;
    });
    const texts = parts.map((e) => (e.body.message as { text: string }).text);
    expect(texts.every((t) => t.length <= 100)).toBe(true);
    expect(texts.join(' ')).toBe(long);
    const base = String(parts[0]!.body.messageId);
    expect(parts.map((e) => e.body.messageId)).toEqual([base, `${base}-2`, `${base}-3`]);
    expect(parts.map((e) => e.headers['webhook-id'])).toEqual([base, `${base}-2`, `${base}-3`]);
    const sandboxId = sandboxIdOf(sent);
    await waitFor('the long text delivered in the sandbox', async () =>
      (await h.sandboxMessages(chat.id)).find((m) => m.id === sandboxId && m.status === 'delivered'),
    );

    // A caption cannot be split off its picture: refused with 905 naming both lengths, nothing posted.
    const before = h.customer.events.length;
    const picture = await h.sendManagerMessage(chat.id, {
      type: 'picture',
      media: `${h.sandbox.url}/favicon.png`,
      fileName: 'p.png',
      fileSize: 10,
      text: 'c'.repeat(150),
    });
    expect(picture.status, JSON.stringify(picture.body)).toBeLessThan(300);
    const failed = await waitFor('the picture refused in the sandbox', async () =>
      (await h.sandboxMessages(chat.id)).find((m) => m.id === sandboxIdOf(picture) && m.status === 'error'),
    );
    expect(failed.error).toMatchObject({ code: 905 });
    expect(failed.error?.text).toMatch(/the caption is 150 characters, over the 100 of http channel/);
    expect(h.customer.events.slice(before).filter((e) => e.body.type === 'message')).toEqual([]);
  });

  it('refuses a customer text over 10,000 characters with a 400 naming the limit', async () => {
    const answer = await h.postCustomerEvent({
      eventId: randomUUID(),
      chatKey: 'long-b',
      sender: { id: 'c-long-b', name: 'Customer' },
      message: { type: 'text', text: 'y'.repeat(10_001) },
      timestamp: Math.floor(Date.now() / 1000),
    });
    expect(answer.status).toBe(400);
    expect(String(answer.body.message)).toMatch(/10000|10,000/);
  });

  it('sends nothing for a manager reaction the channel cannot show and leaves the message status alone', async () => {
    const mine = await customerSays(h, 'react-none', 'thanks!');
    const sent = await h.sendManagerMessage(mine.chat.id, { text: 'you are welcome' });
    const sandboxId = sandboxIdOf(sent);
    await waitFor('the answer delivered', async () =>
      (await h.sandboxMessages(mine.chat.id)).find((m) => m.id === sandboxId && m.status === 'delivered'),
    );
    const reacted = await fetch(`${h.sandbox.url}/_sandbox/api/messages/${mine.message.id}/reactions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ emoji: '👍', type: 'react' }),
    });
    expect(reacted.status, await reacted.clone().text()).toBeLessThan(300);
    await waitFor('the drop logged', () =>
      h.logs.find((l) => l.event === 'manager_reaction_not_shown' && l.channel === 'http'),
    );
    expect(h.customer.events.filter((e) => e.body.type === 'reaction')).toEqual([]);
    const messages = await h.sandboxMessages(mine.chat.id);
    expect(messages.find((m) => m.id === mine.message.id)?.status).toBe(mine.message.status);
    expect(messages.find((m) => m.id === sandboxId)?.status).toBe('delivered');
  });
});
