import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openImportSource, runImport } from '../src/import/index.js';
import { asChannelInstanceKey } from '../src/store/ids.js';
import { ENGINES } from './support/databases.js';
import { waitFor } from './support/relay-harness.js';
import { createWhatsAppHarness, type WhatsAppHarness } from './support/whatsapp-harness.js';

// A WhatsApp "Export chat" imported into a WhatsApp Cloud API number: the export names the customer by phone
// ("+7 912 345-67-89"), the live channel keys the chat by the customer's wa_id (79123456789). The customer's next
// live message must continue the imported amoCRM chat, not open a second one.

const EXPORT = fileURLToPath(
  new URL('./fixtures/import/whatsapp/WhatsApp Chat with +7 912 345-67-89.txt', import.meta.url),
);

describe.each(ENGINES)('import of a WhatsApp export into a WhatsApp number (%s)', (engine) => {
  let h: WhatsAppHarness;
  beforeAll(async () => {
    h = await createWhatsAppHarness({ engine });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("continues the imported chat when the customer writes live from the export's phone", async () => {
    const source = await openImportSource(EXPORT, { self: 'Shop' });
    try {
      const summary = await runImport(
        {
          store: h.bridge.store,
          amojo: h.bridge.amojo,
          bot: { id: h.bridge.config.channel.botId, name: h.bridge.config.channel.botName },
          publicUrl: h.bridgeUrl,
          log: h.bridge.log,
          now: () => new Date(),
        },
        { source, instanceKey: asChannelInstanceKey(h.sales.instanceKey), managers: new Map() },
      );
      expect(summary.sent).toBeGreaterThan(0);
    } finally {
      source.close();
    }
    const imported = await waitFor('the imported chat', () => h.chatOf(h.sales, '79123456789'));
    const chatCount = async () =>
      ((await (await fetch(`${h.sandbox.url}/_sandbox/api/chats`)).json()) as unknown[]).length;
    const before = await chatCount();

    const maria = h.sales.number.customer('79123456789', 'Maria');
    maria.send({ type: 'text', body: 'Это снова я, заказ №78 готов?' });
    const live = await waitFor('the live message in the sandbox', async () => {
      const chat = await h.chatOf(h.sales, '79123456789');
      const messages = chat
        ? await (await fetch(`${h.sandbox.url}/_sandbox/api/chats/${chat.id}/messages`)).json()
        : [];
      return (messages as { text: string }[]).some((m) => m.text === 'Это снова я, заказ №78 готов?')
        ? chat
        : undefined;
    });
    expect(live?.id).toBe(imported.id);
    expect(await chatCount()).toBe(before);
  });
});
