// The demo's "Write first": a manager writes first to the phone of a website visitor who gave it in the pre-chat
// form. The sandbox writes in that contact's chat, so the message reaches the visitor instead of a 904 on a stray
// phone-only chat (a website visitor has no address a new chat could reach).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from './support/databases.js';
import { waitFor } from './support/relay-harness.js';
import { createWebchatHarness, openSocket, type WebchatHarness } from './support/webchat-harness.js';

const SHOP = 'http://shop.example.test';

describe.each(ENGINES)('"write first" to a website visitor (%s)', (engine) => {
  let h: WebchatHarness;
  beforeAll(async () => {
    h = await createWebchatHarness({
      engine,
      settings: { allowedOrigins: [SHOP], form: { name: { required: true }, phone: { ask: true, required: true } } },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('reaches the visitor who gave that phone, in their existing chat', async () => {
    const socket = await openSocket(h.bridgeUrl, h.instanceKey, SHOP);
    try {
      const session = socket.next('session');
      socket.send({ type: 'start', profile: { name: 'Vera', phone: '+7 916 555-44-33' } });
      const { token } = await session;
      const ack = socket.next('ack');
      socket.send({ type: 'send', token, clientId: 'write-first-0001', text: 'Is the shop open on Sunday?' });
      await ack;
      const chat = await waitFor('the visitor chat in the sandbox', async () =>
        (await h.relay.sandboxChats()).find((c) => c.client.name === 'Vera'),
      );
      const chatsBefore = (await h.relay.sandboxChats()).length;

      const delivered = socket.next('message', (frame) => frame.message.text === 'Yes, 10 to 6. See you!');
      const response = await fetch(`${h.relay.sandbox.url}/_sandbox/api/write-first`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ scopeId: h.relay.scopeId, phone: '+79165554433', text: 'Yes, 10 to 6. See you!' }),
      });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { chat: { id: string } }).chat.id).toBe(chat.id);
      await delivered;
      expect((await h.relay.sandboxChats()).length).toBe(chatsBefore);
      const status = await waitFor('the delivery status in amoCRM', async () => {
        const message = (await h.relay.sandboxMessages(chat.id)).find((m) => m.text === 'Yes, 10 to 6. See you!');
        return message && message.status !== 'sent' ? message.status : undefined;
      });
      expect(['delivered', 'read']).toContain(status);
    } finally {
      await socket.close();
    }
  });
});
