import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from './support/databases.js';
import { createRelayHarness, type RelayHarness, waitFor } from './support/relay-harness.js';

describe.each(ENGINES)('relay end to end through the http channel (%s)', (engine) => {
  let h: RelayHarness;
  beforeAll(async () => {
    h = await createRelayHarness({ engine, capabilities: { video: false } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('delivers a customer message to amoCRM and a manager answer to the customer, with statuses 1 and 2', async () => {
    const sent = await h.sendCustomerText('chat-both-ways', 'Hello, I need help', { phone: '+79150000001' });
    expect(sent.status).toBe(200);
    const msgid = sent.body.id as string;
    expect(msgid).toMatch(/^ab-/);

    const chat = await waitFor('the chat in the sandbox', () => h.chatOf('chat-both-ways'));
    const inbound = await waitFor('the customer message in the sandbox', async () =>
      (await h.sandboxMessages(chat.id)).find((m) => m.clientId === msgid),
    );
    expect(inbound.text).toBe('Hello, I need help');
    expect(inbound.direction).toBe('in');

    const answer = await h.sendManagerMessage(chat.id, { text: 'Hi, how can I help?' });
    expect(answer.status).toBe(200);
    const delivered = await waitFor('the manager message at the customer system', () =>
      h.customer.acceptedMessages().find((e) => e.body.chatKey === 'chat-both-ways'),
    );
    expect(delivered.signatureOk).toBe(true);
    expect(delivered.body.message).toMatchObject({ type: 'text', text: 'Hi, how can I help?' });
    const outMessageId = delivered.body.messageId as string;
    const managerMessageId = (answer.body as { messages: { id: string }[] }).messages[0]!.id;

    await waitFor('status 1 (delivered) in the sandbox', async () =>
      (await h.sandboxMessages(chat.id)).find((m) => m.id === managerMessageId && m.status === 'delivered'),
    );

    const read = await h.postCustomerEvent({ type: 'read', messageId: outMessageId });
    expect(read.status).toBe(200);
    await waitFor('status 2 (read) in the sandbox', async () =>
      (await h.sandboxMessages(chat.id)).find((m) => m.id === managerMessageId && m.status === 'read'),
    );
  });

  it('sends a type the channel lacks as its fallback and reports -1/904 when the customer system refuses', async () => {
    await h.sendCustomerText('chat-refusals', 'hi');
    const chat = await waitFor('the chat in the sandbox', () => h.chatOf('chat-refusals'));
    const media = `${h.sandbox.url}/attachments/x/clip.mp4`;
    const video = await h.sendManagerMessage(chat.id, {
      type: 'video',
      media,
      fileName: 'clip.mp4',
      fileSize: 1234,
      text: '',
    });
    expect(video.status).toBe(200);
    const videoId = (video.body as { messages: { id: string }[] }).messages[0]!.id;
    // video: false, so the customer gets the link as text (content-fallbacks.ts; -1/905 is tested where no rule applies).
    const asLink = await waitFor('the video as a link at the customer system', () =>
      h.customer.acceptedMessages().find((e) => e.body.chatKey === 'chat-refusals'),
    );
    expect(asLink.body.message).toEqual({ type: 'text', text: `clip.mp4: ${media}` });
    await waitFor('status 1 for the video', async () =>
      (await h.sandboxMessages(chat.id)).find((m) => m.id === videoId && m.status === 'delivered'),
    );

    h.customer.behaviour.refuseChatKeys.add('chat-refusals');
    const text = await h.sendManagerMessage(chat.id, { text: 'are you there?' });
    const textId = (text.body as { messages: { id: string }[] }).messages[0]!.id;
    const refused = await waitFor('status -1 for the refused text', async () =>
      (await h.sandboxMessages(chat.id)).find((m) => m.id === textId && m.status === 'error'),
    );
    expect(refused.error).toEqual({ code: 904, text: 'this customer cannot be reached any more' });
  });
});
