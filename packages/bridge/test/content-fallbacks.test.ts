import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from './support/databases.js';
import { createRelayHarness, type RelayHarness, waitFor } from './support/relay-harness.js';

/** A manager message through the sandbox: its sandbox id once the bridge reported a status for it. */
async function managerSends(h: RelayHarness, chatKey: string, input: Record<string, unknown>) {
  await h.sendCustomerText(chatKey, 'hello');
  const chat = await waitFor('the chat', () => h.chatOf(chatKey));
  const sent = await h.sendManagerMessage(chat.id, input);
  expect(sent.status).toBe(200);
  const id = (sent.body as { messages: { id: string }[] }).messages[0]!.id;
  const reported = await waitFor('a status in the sandbox', async () =>
    (await h.sandboxMessages(chat.id)).find((m) => m.id === id && (m.status === 'delivered' || m.status === 'error')),
  );
  const event = h.customer.acceptedMessages().find((e) => e.body.chatKey === chatKey);
  return { reported, event };
}

describe.each(ENGINES)('content fallbacks on a channel lacking the type (%s)', (engine) => {
  describe('text carried, file, sticker and voice not', () => {
    let h: RelayHarness;
    beforeAll(async () => {
      h = await createRelayHarness({ engine, capabilities: { file: false, sticker: false, voice: false } });
    });
    afterAll(async () => {
      await h?.close();
    });

    it('file -> its caption and download link as text, reported delivered', async () => {
      const media = `${h.sandbox.url}/attachments/x/${randomUUID()}.pdf`;
      const { reported, event } = await managerSends(h, 'fb-file', {
        type: 'file',
        media,
        fileName: 'invoice.pdf',
        fileSize: 40_000_000,
        text: 'your invoice',
      });
      expect(event?.body.message).toEqual({ type: 'text', text: `your invoice\ninvoice.pdf: ${media}` });
      expect(reported.status).toBe('delivered');
      expect(h.logs.some((l) => l.event === 'content_fallback' && l.type === 'file' && l.sentAs === 'text')).toBe(true);
    });

    it('sticker -> a picture when the channel carries pictures, reported delivered', async () => {
      const media = `${h.sandbox.url}/attachments/x/${randomUUID()}.webp`;
      const { reported, event } = await managerSends(h, 'fb-sticker', { type: 'sticker', media, text: '' });
      expect(event?.body.message).toMatchObject({ type: 'picture', media, fileName: 'sticker.webp' });
      expect(reported.status).toBe('delivered');
    });

    it('voice -> a link as text, reported delivered', async () => {
      const media = `${h.sandbox.url}/attachments/x/${randomUUID()}.ogg`;
      const { reported, event } = await managerSends(h, 'fb-voice', { type: 'voice', media, text: '' });
      expect(event?.body.message).toEqual({ type: 'text', text: `voice: ${media}` });
      expect(reported.status).toBe('delivered');
    });
  });

  describe('neither the type nor text nor pictures carried', () => {
    let h: RelayHarness;
    beforeAll(async () => {
      h = await createRelayHarness({ engine, capabilities: { text: false, picture: false, sticker: false } });
    });
    afterAll(async () => {
      await h?.close();
    });

    it('no rule applies: nothing is sent and the sandbox shows -1/905 naming the type', async () => {
      const media = `${h.sandbox.url}/attachments/x/${randomUUID()}.webp`;
      const { reported, event } = await managerSends(h, 'fb-none', { type: 'sticker', media, text: '' });
      expect(event).toBeUndefined();
      expect(reported.status).toBe('error');
      expect(reported.error?.code).toBe(905);
      expect(reported.error?.text).toMatch(/sticker messages are not supported/);
    });
  });
});
