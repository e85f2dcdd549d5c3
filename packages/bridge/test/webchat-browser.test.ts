// The webchat widget end to end in headless Chromium: a visitor on the bridge's demo page, a manager in the sandbox
// inbox page (a second browser context), the sandbox as amoCRM and the bridge between them on real ports.
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureInboxBuilt } from '../../sandbox/test/inbox-build.js';
import { launchChromium } from './support/chromium.js';
import { waitFor } from './support/relay-harness.js';
import { createWebchatHarness, ensureWebchatBuilt, type WebchatHarness } from './support/webchat-harness.js';
import { traceWidgetPage } from './support/widget-trace.js';

// UPDATE_WEBCHAT_SCREENSHOTS=1 refreshes the committed pictures in docs/; otherwise they go to a temp folder, so a
// test run leaves the tree clean (the pictures show clock times).
const SHOTS = process.env.UPDATE_WEBCHAT_SCREENSHOTS
  ? fileURLToPath(new URL('../../../docs/', import.meta.url))
  : tmpdir();
const shot = (name: string) => join(SHOTS, process.env.UPDATE_WEBCHAT_SCREENSHOTS ? name : `${process.pid}-${name}`);

const VISITOR = { name: 'Anna Smirnova', phone: '+79161234567', email: 'anna@example.com' };

/** A small PNG drawn by the browser, so the manager sends a real picture. */
async function drawBouquet(page: Page): Promise<Buffer> {
  const dataUrl = await page.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = 320;
    canvas.height = 180;
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = '#f6efe6';
    ctx.fillRect(0, 0, 320, 180);
    const colours = ['#e94f64', '#f7a1b4', '#f3c623', '#e94f64', '#b24592'];
    colours.forEach((colour, i) => {
      ctx.strokeStyle = '#3d7a3f';
      ctx.lineWidth = 4;
      ctx.beginPath();
      ctx.moveTo(160, 170);
      ctx.lineTo(90 + i * 35, 70 + (i % 2) * 20);
      ctx.stroke();
      ctx.fillStyle = colour;
      ctx.beginPath();
      ctx.arc(90 + i * 35, 65 + (i % 2) * 20, 22, 0, Math.PI * 2);
      ctx.fill();
    });
    ctx.fillStyle = '#3d5a40';
    ctx.font = 'bold 18px sans-serif';
    ctx.fillText('Tulips, 2 900 ₽', 10, 24);
    return canvas.toDataURL('image/png');
  });
  return Buffer.from(dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64');
}

describe('webchat widget in a browser (sqlite)', () => {
  let h: WebchatHarness;
  let browser: Browser;
  let visitorContext: BrowserContext;
  let managerContext: BrowserContext;
  let site: Page;
  let inbox: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await Promise.all([ensureWebchatBuilt(), ensureInboxBuilt()]);
    h = await createWebchatHarness({
      engine: 'sqlite',
      settings: {
        title: 'Northwind Flowers',
        form: { name: { required: true }, phone: { required: true }, email: { ask: true } },
      },
    });
    browser = await launchChromium();
    visitorContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    managerContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    site = await visitorContext.newPage();
    traceWidgetPage(site);
    inbox = await managerContext.newPage();
    for (const page of [site, inbox]) {
      page.on('pageerror', (error) => pageErrors.push(error.message));
      // A step that cannot happen fails in 15 s naming its locator, inside the test's own timeout.
      page.setDefaultTimeout(15_000);
    }
  });

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('carries a conversation both ways: form, text, pictures, typing, read, reactions, unread badge', async () => {
    await site.goto(`${h.bridgeUrl}/webchat/demo?instance=${h.instanceKey}`);
    const launcher = site.getByRole('button', { name: 'Open chat' });
    await launcher.waitFor();
    // The page styles every button hotpink !important; the shadow root keeps that out of the widget.
    await expect(launcher.evaluate((el) => getComputedStyle(el).backgroundColor)).resolves.toBe('rgb(31, 102, 209)');

    // 1. The pre-chat form, keyboard only: the first field has focus, Tab moves on, Enter submits.
    await launcher.click();
    const dialog = site.getByRole('dialog', { name: 'Northwind Flowers' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Start chat' }).click();
    await dialog.getByText('Required').first().waitFor();
    await site.keyboard.type(VISITOR.name);
    await site.keyboard.press('Tab');
    await site.keyboard.type(VISITOR.phone);
    await site.keyboard.press('Tab');
    await site.keyboard.type(VISITOR.email);
    await site.keyboard.press('Enter');
    const box = dialog.getByRole('textbox', { name: 'Message' });
    await box.waitFor();
    await box.fill('Hello! Do you deliver tulips today?');
    await box.press('Enter');
    const log = dialog.getByRole('log', { name: 'Messages' });
    await log.getByText('Hello! Do you deliver tulips today?').waitFor();

    // 2. amoCRM (the sandbox) has the chat with the contact's name and phone from the form.
    const chat = await waitFor('the visitor chat in the sandbox', async () =>
      (await h.relay.sandboxChats()).find((c) => c.client.name === VISITOR.name),
    );
    expect(chat.client.phone).toBe(VISITOR.phone);
    expect(chat.client.email).toBe(VISITOR.email);
    expect(chat.sourceExternalId).toBe(h.sourceExternalId);

    // 3. The manager opens it in the inbox page.
    await inbox.goto(`${h.relay.sandbox.url}/`);
    await inbox.getByRole('button', { name: new RegExp(`^Open chat with ${VISITOR.name}`) }).click();
    const thread = inbox.getByRole('list', { name: 'Messages' });
    await thread.getByText('Hello! Do you deliver tulips today?').waitFor();

    // 4. Typing shows on both sides.
    await box.pressSequentially('And ', { delay: 30 });
    await inbox.getByText(`${VISITOR.name} is typing…`).waitFor();
    const reply = inbox.getByLabel('Message text');
    await reply.pressSequentially('Yes, until 9 pm', { delay: 30 });
    await dialog.getByText('The manager is typing…').waitFor();

    // 5. The manager's text and picture reach the visitor.
    await reply.fill('Yes, we deliver until 9 pm. Here is today’s bouquet:');
    await reply.press('Enter');
    await log.getByText('Yes, we deliver until 9 pm. Here is today’s bouquet:').waitFor();
    const png = await drawBouquet(inbox);
    await inbox.getByLabel('Choose files').setInputFiles({ name: 'bouquet.png', mimeType: 'image/png', buffer: png });
    await inbox.getByRole('button', { name: 'Send' }).click();
    const picture = log.locator('img[alt="bouquet.png"]');
    await picture.waitFor();
    await expect(picture.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).resolves.toBe(320);

    // 6. The widget is open and visible, so both are reported read: the manager sees "read" (delivery status 2).
    const managerMessages = await waitFor('both manager messages read in the sandbox', async () => {
      const messages = (await h.relay.sandboxMessages(chat.id)).filter((m) => m.direction === 'out');
      return messages.length === 2 && messages.every((m) => m.status === 'read') ? messages : undefined;
    });
    for (const m of managerMessages) {
      await inbox.locator(`[data-message-id="${m.id}"] [data-status="read"]`).waitFor();
    }

    // 7. The visitor sends a picture of their own: stored by the bridge, sent to amoCRM as a picture message.
    await box.fill('');
    await site.locator('input[type="file"]').setInputFiles({ name: 'my-vase.png', mimeType: 'image/png', buffer: png });
    await log.locator('img[alt="my-vase.png"]').waitFor();
    const visitorPicture = await waitFor('the visitor picture in the sandbox', async () =>
      (await h.relay.sandboxMessages(chat.id)).find((m) => m.direction === 'in' && m.type === 'picture'),
    );
    const media = await fetch((visitorPicture as unknown as { media: string }).media);
    expect(Buffer.from(await media.arrayBuffer()).equals(png)).toBe(true);
    await thread.locator('img[alt="my-vase.png"]').waitFor();

    // 8. A manager reaction on the visitor's first message shows in the widget.
    const first = inbox.locator('li', { hasText: 'Hello! Do you deliver tulips today?' }).last();
    await first.hover();
    await first.getByRole('button', { name: 'Add reaction' }).click();
    await inbox.getByRole('menuitem', { name: 'React with 👍' }).click();
    await log
      .locator('.msg', { hasText: 'Hello! Do you deliver tulips today?' })
      .getByRole('list', { name: 'Reactions' })
      .getByText('👍')
      .waitFor();

    // 9. Closed widget: Escape closes it and gives focus back to the launcher; a new manager message is unread
    // (badge, not reported read) until the visitor opens the chat.
    await box.focus();
    await site.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    // The widget hands focus back on the next task after the panel unmounts, so poll rather than read once.
    await expect
      .poll(() =>
        site.evaluate(() =>
          document.querySelector('[data-amojo-webchat]')?.shadowRoot?.activeElement?.getAttribute('aria-label'),
        ),
      )
      .toBe('Open chat');
    await reply.fill('We can also add a card with your text.');
    await reply.press('Enter');
    await site.getByRole('button', { name: 'Open chat, 1 unread' }).waitFor();
    const unread = await waitFor('the third manager message delivered', async () =>
      (await h.relay.sandboxMessages(chat.id)).find(
        (m) => m.text === 'We can also add a card with your text.' && m.status === 'delivered',
      ),
    );
    await site.getByRole('button', { name: 'Open chat, 1 unread' }).click();
    await log.getByText('We can also add a card with your text.').waitFor();
    await waitFor('the third message read', async () =>
      (await h.relay.sandboxMessages(chat.id)).find((m) => m.id === unread.id && m.status === 'read'),
    );
    await site.getByRole('button', { name: 'Close chat' }).first().waitFor();
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('keeps messages typed offline and delivers them once, in order, when back; survives reloads and new tabs', async () => {
    const dialog = site.getByRole('dialog', { name: 'Northwind Flowers' });
    const box = dialog.getByRole('textbox', { name: 'Message' });
    const log = dialog.getByRole('log', { name: 'Messages' });
    await visitorContext.setOffline(true);
    await dialog.getByText('No connection: messages will be sent when you are back online').waitFor();
    await box.fill('Offline one: a bouquet for Friday');
    await box.press('Enter');
    await box.fill('Offline two: with a card, please');
    await box.press('Enter');
    await expect(log.locator('[data-pending="true"]').count()).resolves.toBe(2);
    await log.getByText('Will be sent when online').first().waitFor();
    const chat = (await h.relay.sandboxChats()).find((c) => c.client.name === VISITOR.name)!;
    expect((await h.relay.sandboxMessages(chat.id)).some((m) => m.text.startsWith('Offline'))).toBe(false);

    await visitorContext.setOffline(false);
    await dialog.getByText('We reply in a few minutes').waitFor();
    const offline = await waitFor('both offline messages in the sandbox', async () => {
      const texts = (await h.relay.sandboxMessages(chat.id))
        .filter((m) => m.text.startsWith('Offline'))
        .map((m) => m.text);
      return texts.length >= 2 ? texts : undefined;
    });
    expect(offline).toEqual(['Offline one: a bouquet for Friday', 'Offline two: with a card, please']);
    await waitFor(
      'no pending messages in the widget',
      async () => (await log.locator('[data-pending="true"]').count()) === 0,
    );
    const stored = await h.relay.bridge.store.db
      .selectFrom('messages')
      .select(['payload'])
      .where('direction', '=', 'in')
      .orderBy('id')
      .execute();
    expect(stored.map((r) => JSON.parse(r.payload).text).filter((t: string) => t?.startsWith('Offline'))).toEqual(
      offline,
    );

    // A reload and a new tab show the same conversation, loaded from the bridge.
    await site.reload();
    await site.getByRole('button', { name: 'Open chat' }).click();
    await site.getByRole('log', { name: 'Messages' }).getByText('Offline two: with a card, please').waitFor();
    const phone = await visitorContext.newPage();
    traceWidgetPage(phone, 'second tab');
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`${h.bridgeUrl}/webchat/demo?instance=${h.instanceKey}`);
    await phone.getByRole('button', { name: 'Open chat' }).click();
    const phoneLog = phone.getByRole('log', { name: 'Messages' });
    await phoneLog.getByText('Yes, we deliver until 9 pm. Here is today’s bouquet:').waitFor();
    await phoneLog.locator('img[alt="bouquet.png"]').waitFor();
    // A message from one tab shows in the other.
    await phone.getByRole('textbox', { name: 'Message' }).fill('Sent from my phone');
    await phone.getByRole('textbox', { name: 'Message' }).press('Enter');
    await site.getByRole('log', { name: 'Messages' }).getByText('Sent from my phone').waitFor();
    // At phone width the open chat fills the screen.
    const panel = await phone.getByRole('dialog').boundingBox();
    expect(panel).toMatchObject({ x: 0, y: 0, width: 390, height: 844 });

    // Screenshots: the widget on a desktop and a phone, and the manager's inbox, all in this conversation.
    await site.mouse.move(0, 0);
    await site.screenshot({ path: shot('webchat-desktop.png') });
    await phone.screenshot({ path: shot('webchat-phone.png') });
    await inbox.mouse.move(0, 0);
    await inbox.getByRole('list', { name: 'Messages' }).getByText('Sent from my phone').waitFor();
    await inbox.screenshot({ path: shot('webchat-inbox.png') });
    await phone.close();
    if (!process.env.UPDATE_WEBCHAT_SCREENSHOTS) {
      // Taken to prove the pages render at both sizes; only the committed ones are kept.
      for (const name of ['webchat-desktop.png', 'webchat-phone.png', 'webchat-inbox.png']) await rm(shot(name));
    }
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('speaks Russian on a Russian page, or as data-lang says', async () => {
    const page = await browser.newPage();
    await page.goto(`${h.bridgeUrl}/webchat/demo?instance=${h.instanceKey}&lang=ru`);
    await page.getByRole('button', { name: 'Открыть чат' }).click();
    await page.getByRole('button', { name: 'Начать чат' }).waitFor();
    await page.getByLabel('Имя').waitFor();
    // data-lang wins over the page's language.
    await page.evaluate((src) => {
      document.querySelector('[data-amojo-webchat]')?.remove();
      const script = document.createElement('script');
      script.src = src;
      script.dataset.instance = 'shop';
      script.dataset.lang = 'en';
      document.body.appendChild(script);
    }, `${h.bridgeUrl}/webchat.js?again`);
    await page.getByRole('button', { name: 'Open chat' }).waitFor();
    await page.close();
  });
});
