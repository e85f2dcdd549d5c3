// The self-service install and the amoCRM side, as a person sees them: the sandbox inbox (playing amoCRM) in headless
// Chromium installs the integration from its "Marketplace", the browser lands on the bridge's result page, and the
// inbox then shows chats under their instance's source, routes answers by source, and links a returning customer.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureInboxBuilt } from '../../sandbox/test/inbox-build.js';
import { addHttpChannel } from '../src/accounts/index.js';
import { restClientForAccount } from '../src/amocrm/index.js';
import { AMOCRM_IDS, type AmocrmHarness, createAmocrmHarness } from './support/amocrm-harness.js';
import { launchChromium } from './support/chromium.js';
import { ENGINES } from './support/databases.js';
import { type EventReceiver, postCustomerText, startEventReceiver } from './support/http-customers.js';
import { waitFor } from './support/relay-harness.js';

describe.each(ENGINES)(
  'amoCRM install and sources in Chromium against the sandbox (%s)',
  (engine) => {
    let h: AmocrmHarness;
    let browser: Browser;
    let page: Page;
    const receivers: EventReceiver[] = [];
    const instances: { key: string; secret: string; name: string }[] = [];
    beforeAll(async () => {
      await ensureInboxBuilt();
      h = await createAmocrmHarness({ engine });
      for (const name of ['Website', 'Telegram bot']) {
        const receiver = await startEventReceiver();
        receivers.push(receiver);
        const { instance, secret } = await addHttpChannel(h.bridge, { name, url: receiver.url });
        instances.push({ key: instance.key, secret, name });
      }
      browser = await launchChromium();
      page = await browser.newPage();
      // Under CI load a step can take longer than Playwright's 30 s default; a stuck step still fails, naming its locator.
      page.setDefaultTimeout(90_000);
    }, 90_000);
    afterAll(async () => {
      await browser?.close();
      await h?.close();
      for (const receiver of receivers) await receiver.close();
    });
    const post = (index: number, chatKey: string, text: string, extra: { name?: string; phone?: string } = {}) =>
      postCustomerText({ bridgeUrl: h.bridgeUrl, instance: instances[index]!, chatKey, text, ...extra });

    it('installs from the inbox marketplace; the result page says connected and names the sources', async () => {
      await page.goto(h.sandbox.url);
      await page.getByRole('status').getByText('Live').waitFor();
      await page.getByRole('button', { name: 'Marketplace: install' }).click();
      const dialog = page.getByRole('dialog', { name: /Marketplace/ });
      await dialog.getByText(AMOCRM_IDS.clientId).waitFor();
      await Promise.all([
        page.waitForURL(`${h.bridgeUrl}/amocrm/oauth/callback?**`),
        dialog.getByRole('button', { name: 'Install', exact: true }).click(),
      ]);
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Connected');
      const body = (await page.locator('body').textContent()) ?? '';
      expect(body).toContain(`Sources created: ${instances[0]!.key}, ${instances[1]!.key}`);
      expect(body).toContain(`Default source: ${instances[0]!.key}`);
      expect(body).toContain('Chat channel connected');
      expect(await h.account()).toMatchObject({ state: 'connected', oauthState: 'ok', hasTokens: true });
    });

    it('shows a visitor message in the inbox under its instance source, with the lead in that source', async () => {
      await post(0, 'web-anna', 'Hello from the website', { name: 'Anna Visitor' });
      await post(1, 'tg-boris', 'Hello from Telegram', { name: 'Boris Bot-User' });
      await page.goto(h.sandbox.url);
      const list = page.getByRole('navigation', { name: 'Chats' });
      await list.getByRole('button', { name: /^Open chat with Anna Visitor/ }).click();
      const panel = page.getByRole('complementary', { name: 'Contact and lead' });
      await panel.getByText(`Website (${instances[0]!.key})`).waitFor();
      await list.getByRole('button', { name: /^Open chat with Boris Bot-User/ }).click();
      await panel.getByText(`Telegram bot (${instances[1]!.key})`).waitFor();
    });

    it('routes the manager answer and "write first" to the instance of the source', async () => {
      await page.getByLabel('Message text').fill('Answer to Boris on Telegram');
      await page.getByRole('button', { name: 'Send' }).click();
      await waitFor('telegram answer', () => receivers[1]!.has('Answer to Boris on Telegram'));
      expect(receivers[0]!.has('Answer to Boris on Telegram')).toBe(false);

      await page.getByRole('button', { name: 'Write first' }).click();
      const dialog = page.getByRole('dialog', { name: 'Write first' });
      await dialog.getByLabel('Phone').fill('+79005550303');
      await dialog.getByLabel('Source').selectOption(instances[1]!.key);
      await dialog.getByLabel('Message').fill('We start this chat on Telegram');
      await dialog.getByRole('button', { name: /Send|Start/ }).click();
      await waitFor('write-first on telegram', () => receivers[1]!.has('We start this chat on Telegram'));
      expect(receivers[0]!.has('We start this chat on Telegram')).toBe(false);
    });

    it('links a customer whose phone matches an existing contact: no lead, no duplicate, link kept', async () => {
      await h.admin('PUT', `/channel-instances/${instances[0]!.key}/link-contacts`, { linkContacts: 'phone' });
      const rest = (await restClientForAccount(h.bridge, await h.account()))!;
      const [known] = await rest.createContacts([
        {
          name: 'Olga Known',
          custom_fields_values: [{ field_code: 'PHONE', values: [{ value: '+7 901 234-56-78' }] }],
        },
      ]);
      const before = (await h.control('GET', `/crm?account=${AMOCRM_IDS.accountAmojoId}`)).body;
      await post(0, 'web-olga', 'Hi, Olga again', { name: 'Olga (site)', phone: '89012345678' });
      await page.goto(h.sandbox.url);
      await page
        .getByRole('navigation', { name: 'Chats' })
        .getByRole('button', { name: /^Open chat with Olga/ })
        .click();
      const panel = page.getByRole('complementary', { name: 'Contact and lead' });
      await panel.getByRole('region', { name: 'Contact' }).getByText('Olga Known').waitFor();
      await panel.getByRole('region', { name: 'Contact' }).getByText(`#${known!.id}`).waitFor();
      for (const text of ['second', 'third', 'fourth']) {
        await post(0, 'web-olga', text, { name: 'Olga (site)', phone: '89012345678' });
      }
      await waitFor('three more messages', async () => (await h.chatOf('web-olga'))?.lastMessageText === 'fourth');
      const chat = (await h.chatOf('web-olga'))!;
      expect(chat).toMatchObject({ contactId: known!.id, leadId: null });
      const after = (await h.control('GET', `/crm?account=${AMOCRM_IDS.accountAmojoId}`)).body;
      expect(after.contacts).toHaveLength(before.contacts.length);
      expect(after.leads).toHaveLength(before.leads.length);
      expect((await rest.listChatLinks({ chatIds: [chat.id] })).map((l) => l.contact_id)).toEqual([known!.id]);
      await page.reload();
      await page
        .getByRole('navigation', { name: 'Chats' })
        .getByRole('button', { name: /^Open chat with Olga/ })
        .click();
      await panel.getByRole('region', { name: 'Contact' }).getByText('Olga Known').waitFor();
    });

    it('disabling the integration from the inbox disconnects the account', async () => {
      await page.getByRole('button', { name: 'Marketplace: install' }).click();
      const dialog = page.getByRole('dialog', { name: /Marketplace/ });
      await dialog.getByRole('button', { name: 'Disable' }).click();
      await dialog.getByText('not installed').waitFor();
      await waitFor('account disconnected', async () => (await h.account()).state === 'disconnected');
      expect(await h.account()).toMatchObject({ oauthState: 'revoked', hasTokens: false });
      const config = (await h.control('GET', '/config')).body as { scopes: { scopeId: string; connected: boolean }[] };
      expect(
        config.scopes.find((s) => s.scopeId === `${AMOCRM_IDS.channelId}_${AMOCRM_IDS.accountAmojoId}`)?.connected,
      ).toBe(false);
    });
  },
  120_000,
);
