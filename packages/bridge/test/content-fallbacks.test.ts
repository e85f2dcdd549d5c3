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
      h = await createRelayHarness({
        engine,
        capabilities: { file: false, sticker: false, voice: false },
        settings: { maxFileBytes: 1_000_000 },
      });
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

    it('a picture over maxFileBytes -> its link as text; one within the limit goes as a picture', async () => {
      const big = `${h.sandbox.url}/attachments/x/${randomUUID()}.png`;
      const large = await managerSends(h, 'fb-large', {
        type: 'picture',
        media: big,
        fileName: 'big.png',
        fileSize: 5_000_000,
        text: '',
      });
      expect(large.event?.body.message).toEqual({ type: 'text', text: `big.png: ${big}` });
      expect(large.reported.status).toBe('delivered');
      expect(h.logs.some((l) => l.event === 'content_fallback' && l.type === 'picture' && l.sentAs === 'text')).toBe(
        true,
      );
      const small = `${h.sandbox.url}/attachments/x/${randomUUID()}.png`;
      const fits = await managerSends(h, 'fb-small', {
        type: 'picture',
        media: small,
        fileName: 'small.png',
        fileSize: 1000,
        text: '',
      });
      expect(fits.event?.body.message).toMatchObject({ type: 'picture', media: small, fileSize: 1000 });
    });

    it('voice -> a link as text, reported delivered', async () => {
      const media = `${h.sandbox.url}/attachments/x/${randomUUID()}.ogg`;
      const { reported, event } = await managerSends(h, 'fb-voice', { type: 'voice', media, text: '' });
      expect(event?.body.message).toEqual({ type: 'text', text: `voice: ${media}` });
      expect(reported.status).toBe('delivered');
    });
  });

  describe('text carried, neither stickers nor pictures', () => {
    let h: RelayHarness;
    beforeAll(async () => {
      h = await createRelayHarness({ engine, capabilities: { sticker: false, picture: false } });
    });
    afterAll(async () => {
      await h?.close();
    });

    it('sticker -> its link as text (the picture rule cannot apply), reported delivered', async () => {
      const media = `${h.sandbox.url}/attachments/x/${randomUUID()}.webp`;
      const { reported, event } = await managerSends(h, 'fb-sticker-text', { type: 'sticker', media, text: '' });
      expect(event?.body.message).toEqual({ type: 'text', text: `sticker: ${media}` });
      expect(reported.status).toBe('delivered');
      expect(h.logs.some((l) => l.event === 'content_fallback' && l.type === 'sticker' && l.sentAs === 'text')).toBe(
        true,
      );
    });
  });

  describe('neither the type nor text nor pictures carried', () => {
    let h: RelayHarness;
    beforeAll(async () => {
      h = await createRelayHarness({
        engine,
        capabilities: { text: false, picture: false, sticker: false },
        settings: { maxFileBytes: 1_000_000 },
      });
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

    it('a file over maxFileBytes with no text to fall back to: -1/905 naming the size and the limit', async () => {
      const media = `${h.sandbox.url}/attachments/x/${randomUUID()}.pdf`;
      const { reported, event } = await managerSends(h, 'fb-large-none', {
        type: 'file',
        media,
        fileName: 'big.pdf',
        fileSize: 2_000_000,
        text: '',
      });
      expect(event).toBeUndefined();
      expect(reported.error).toEqual({
        code: 905,
        text: expect.stringMatching(/^a file of 2000000 bytes is over the channel's limit of 1000000 \(http channel /),
      });
    });
  });
});
