import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateChannelInstance } from '../src/channels/manage-instances.js';
import { ENGINES } from './support/databases.js';
import { waitFor } from './support/relay-harness.js';
import { createWhatsAppHarness, type WhatsAppHarness } from './support/whatsapp-harness.js';

// Sends outside WhatsApp's 24-hour window go as templates: several body parameters and a header filled from the
// manager's message, wrong counts refused clearly (when the instance is configured, when the message does not fit,
// and when Meta refuses), and "write first" by source to a phone that never wrote, whose reply lands in the same
// amoCRM chat. Both engines, against the Cloud API emulator and the sandbox.
describe.each(ENGINES)('whatsapp outside the 24-hour window (%s)', (engine) => {
  let h: WhatsAppHarness;
  beforeAll(async () => {
    h = await createWhatsAppHarness({ engine });
    h.business.addTemplate({
      name: 'appointment',
      language: 'ru',
      header: { format: 'TEXT', text: 'Здравствуйте, {{1}}' },
      body: 'Ваш визит {{1}} в {{2}}. Менеджер: {{3}}',
    });
    h.business.addTemplate({ name: 'invoice', language: 'ru', header: { format: 'DOCUMENT' }, body: 'Счёт: {{1}}' });
  });
  afterAll(async () => {
    await h?.close();
  });

  const configure = (settings: Record<string, unknown>) =>
    updateChannelInstance(h.bridge, h.support.instanceKey, { settings });
  /** A customer of the support number who last wrote 25 hours ago, and their sandbox chat. */
  const staleCustomer = async (phone: string, name: string) => {
    h.emulator.advanceClock(-25 * 60 * 60 * 1000);
    const customer = h.support.number.customer(phone, name);
    customer.send({ type: 'text', body: 'hello, yesterday' });
    h.emulator.advanceClock(25 * 60 * 60 * 1000);
    const chat = await waitFor('the chat', () => h.chatOf(h.support, customer.waId));
    await waitFor('the customer message', async () =>
      (await h.sandboxMessages(chat.id)).some((m) => m.direction === 'in') ? true : undefined,
    );
    return { customer, chat };
  };

  it('refuses settings that do not fit the template: the parameter count and the header, naming the setting', async () => {
    await expect(configure({ templateName: 'appointment' })).rejects.toThrow(
      /templateParameters.*3 body parameters.*gives 1/s,
    );
    await expect(
      configure({ templateName: 'appointment', templateParameters: 'text.1,text.2,manager_name' }),
    ).rejects.toThrow(/templateHeader.*text header/s);
    await expect(configure({ templateName: 'invoice', templateParameters: 'text' })).rejects.toThrow(
      /templateHeader=media/,
    );
    await expect(configure({ templateParameters: 'text,nonsense' })).rejects.toThrow(/templateParameters/);
  });

  it('fills header and body parameters from the names and the |-separated parts of the message', async () => {
    await configure({
      templateName: 'appointment',
      templateParameters: 'text.1,text.2,manager_name',
      templateHeader: 'customer_name',
    });
    const { customer, chat } = await staleCustomer('79162000001', 'Ann Lee');
    const [fits] = await h.sendManagerMessage(chat.id, { text: '12 мая | 15:00' });
    await h.statusOf(chat.id, fits!.id, 'delivered');
    expect(customer.received.at(-1)).toEqual(
      expect.objectContaining({
        type: 'template',
        template: {
          name: 'appointment',
          language: { code: 'ru' },
          components: [
            { type: 'header', parameters: [{ type: 'text', text: 'Ann Lee' }] },
            {
              type: 'body',
              parameters: [
                { type: 'text', text: '12 мая' },
                { type: 'text', text: '15:00' },
                { type: 'text', text: 'Manager One' },
              ],
            },
          ],
        },
      }),
    );
    // A message with the wrong number of parts is refused before Meta is asked, with what the template takes.
    const sentBefore = h.support.number.sent.length;
    const [short] = await h.sendManagerMessage(chat.id, { text: 'tomorrow' });
    const refused = await h.statusOf(chat.id, short!.id, 'error');
    expect(refused.error?.text).toMatch(/template appointment, which takes 2 parts separated by \|.*has 1/);
    const [long] = await h.sendManagerMessage(chat.id, { text: 'a | b | c' });
    expect((await h.statusOf(chat.id, long!.id, 'error')).error?.text).toMatch(/takes 2 parts.*has 3/);
    expect(h.support.number.sent.length).toBe(sentBefore);
  });

  it('puts the manager’s file in a media header; a message without one is refused clearly', async () => {
    await configure({ templateName: 'invoice', templateParameters: 'text', templateHeader: 'media' });
    const { customer, chat } = await staleCustomer('79162000002', 'Bob');
    const pdf = await h.upload('invoice-42.pdf', 'application/pdf', Buffer.from('%PDF-1.4 invoice 42'));
    const [withFile] = await h.sendManagerMessage(chat.id, {
      type: 'file',
      media: pdf.url,
      fileName: 'invoice-42.pdf',
      fileSize: pdf.fileSize,
      text: 'No. 42',
    });
    await h.statusOf(chat.id, withFile!.id, 'delivered');
    expect(customer.received.at(-1)).toMatchObject({
      type: 'template',
      template: {
        name: 'invoice',
        components: [
          {
            type: 'header',
            parameters: [{ type: 'document', document: { link: pdf.url, filename: 'invoice-42.pdf' } }],
          },
          { type: 'body', parameters: [{ type: 'text' }] },
        ],
      },
    });
    const [noFile] = await h.sendManagerMessage(chat.id, { text: 'just text' });
    expect((await h.statusOf(chat.id, noFile!.id, 'error')).error?.text).toMatch(
      /header needs a picture, video or file/,
    );
  });

  it('a template changed at Meta after the check: Meta’s 132000 becomes -1 naming the parameter count', async () => {
    await configure({
      templateName: 'appointment',
      templateParameters: 'text.1,text.2,manager_name',
      templateHeader: 'customer_name',
    });
    const index = h.business.templates.findIndex((t) => t.name === 'appointment');
    const original = h.business.templates[index]!;
    h.business.templates[index] = { ...original, body: 'Визит {{1}} в {{2}}, {{3}}, кабинет {{4}}' };
    try {
      const { chat } = await staleCustomer('79162000003', 'Cid');
      const [message] = await h.sendManagerMessage(chat.id, { text: '1 июня | 10:00' });
      const failed = await h.statusOf(chat.id, message!.id, 'error');
      expect(failed.error?.text).toMatch(/132000.*parameter count/);
    } finally {
      h.business.templates[index] = original;
    }
  });

  it('"write first" by source sends the template from that number; the customer’s reply lands in the same chat', async () => {
    await configure({ templateName: 'manager_reply', templateParameters: null, templateHeader: null });
    const phone = '+7 (916) 200-00-04';
    // On WhatsApp (the emulator knows the customer) but never wrote to this number.
    const dora = h.support.number.customer('79162000004', 'Dora');
    const salesBefore = h.sales.number.sent.length;
    const started = await fetch(`${h.sandbox.url}/_sandbox/api/write-first`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        scopeId: h.scopeId,
        phone,
        text: 'Здравствуйте! Ваш заказ готов',
        sourceExternalId: h.support.sourceExternalId,
      }),
    });
    expect(started.status).toBe(200);
    const { chat, message } = (await started.json()) as { chat: { id: string }; message: { id: string } };
    await h.statusOf(chat.id, message.id, 'delivered');
    expect(dora.received.at(-1)).toMatchObject({
      to: '79162000004',
      type: 'template',
      template: {
        name: 'manager_reply',
        components: [{ type: 'body', parameters: [{ type: 'text', text: 'Здравствуйте! Ваш заказ готов' }] }],
      },
    });
    expect(h.sales.number.sent.length).toBe(salesBefore);
    // Meta answered the phone's wa_id: the chat, keyed by the phone the manager typed, is re-keyed to it, so the
    // reply (which carries only the wa_id) finds it instead of opening a second amoCRM chat.
    const key = await h.bridge.store.db
      .selectFrom('conversations')
      .select('channel_chat_key')
      .where('amojo_chat_id', '=', chat.id)
      .executeTakeFirstOrThrow();
    expect(key.channel_chat_key).toBe('79162000004');
    dora.send({ type: 'text', body: 'Спасибо, заберу завтра' });
    const reply = await waitFor('the reply in the write-first chat', async () =>
      (await h.sandboxMessages(chat.id)).find((m) => m.direction === 'in' && m.text === 'Спасибо, заберу завтра'),
    );
    expect(reply.direction).toBe('in');
    // One chat in amoCRM for Dora, and one conversation in the bridge.
    const conversationId = await conversationIdOf('79162000004');
    const chats = (await (await fetch(`${h.sandbox.url}/_sandbox/api/chats`)).json()) as {
      id: string;
      conversationId: string | null;
    }[];
    expect(chats.find((c) => c.id === chat.id)?.conversationId).toBe(conversationId);
    expect(chats.filter((c) => c.conversationId === conversationId).map((c) => c.id)).toEqual([chat.id]);
    const conversations = await h.bridge.store.db
      .selectFrom('conversations')
      .select('id')
      .where((eb) => eb.or([eb('phone', '=', phone), eb('channel_chat_key', '=', '79162000004')]))
      .execute();
    expect(conversations).toHaveLength(1);
    // The window is open now: the manager's next answer is free-form, not a template.
    const [answer] = await h.sendManagerMessage(chat.id, { text: 'Ждём вас' });
    await h.statusOf(chat.id, answer!.id, 'delivered');
    expect(dora.received.at(-1)).toMatchObject({ type: 'text', text: { body: 'Ждём вас' } });
  });

  async function conversationIdOf(chatKey: string): Promise<string | undefined> {
    const row = await h.bridge.store.db
      .selectFrom('conversations')
      .select('conversation_id')
      .where('channel_chat_key', '=', chatKey)
      .executeTakeFirst();
    return row?.conversation_id ?? undefined;
  }
});
