// Per-instance look and words of the widget in headless Chromium: brand colour, corner, greeting, the title in the
// visitor's language, and a consent checkbox with its link that must be ticked before the chat starts.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openPage } from './support/chromium.js';
import { ENGINES } from './support/databases.js';
import { waitFor } from './support/relay-harness.js';
import { createWebchatHarness, ensureWebchatBuilt, type WebchatHarness } from './support/webchat-harness.js';
import { traceWidgetPage } from './support/widget-trace.js';

describe.each(ENGINES)('webchat widget per-instance settings in a browser (%s)', (engine) => {
  let h: WebchatHarness;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await ensureWebchatBuilt();
    h = await createWebchatHarness({
      engine,
      settings: {
        title: 'Northwind Flowers',
        titles: { ru: 'Цветы Нортвинд' },
        brandColor: '#7a1fa2',
        position: 'left',
        greeting: 'Hello! Ask us about today’s bouquets.',
        consent: { text: 'I agree to the processing of my data', url: 'https://shop.example/privacy' },
        form: { name: { ask: true, required: true } },
      },
    });
    browser = await launchChromium();
    page = await openPage(browser, { viewport: { width: 1280, height: 800 }, pageErrors, timeoutMs: 15_000 });
    traceWidgetPage(page, `widget page (${engine})`);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('shows the brand colour on the left, asks for consent with its link, then greets', async () => {
    await page.goto(`${h.bridgeUrl}/webchat/demo?instance=${h.instanceKey}`);
    const launcher = page.getByRole('button', { name: 'Open chat' });
    await launcher.waitFor();
    await waitFor('the config frame applied', async () =>
      (await launcher.evaluate((el) => getComputedStyle(el).backgroundColor)) === 'rgb(122, 31, 162)'
        ? true
        : undefined,
    );
    const box = await launcher.boundingBox();
    expect(box && box.x < 640).toBe(true); // the left corner
    await launcher.click();
    const dialog = page.getByRole('dialog', { name: 'Northwind Flowers' });
    await dialog.waitFor();
    await dialog.getByLabel('Name').fill('Olga');
    await dialog.getByRole('button', { name: 'Start chat' }).click();
    // Not ticked: the chat does not start, and the form says why.
    await dialog.getByText('Please tick the box to continue').waitFor();
    expect(await dialog.getByRole('link', { name: 'Read the terms' }).getAttribute('href')).toBe(
      'https://shop.example/privacy',
    );
    await dialog.getByLabel('I agree to the processing of my data').check();
    await dialog.getByRole('button', { name: 'Start chat' }).click();
    await dialog.getByText('Hello! Ask us about today’s bouquets.').waitFor();
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('uses the title of the visitor language', async () => {
    await page.goto(`${h.bridgeUrl}/webchat/demo?instance=${h.instanceKey}&lang=ru`);
    await page.getByRole('button', { name: 'Открыть чат' }).click();
    await page.getByRole('dialog', { name: 'Цветы Нортвинд' }).waitFor();
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('applies the config that arrives before the widget has painted (a tab opened in the background)', async () => {
    // A background tab paints no frames, so Preact runs its effects only after its 100 ms fallback, and later still
    // when the tab's timers are throttled; the bridge's config frame comes long before. It used to be lost: the
    // widget subscribed to its client in an effect, missed that update and showed "Connecting…" under the default
    // title until the next frame (seen as the intermittent browser-test failures under load).
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      await context.addInitScript(() => {
        window.requestAnimationFrame = () => 0;
      });
      const tab = await context.newPage();
      traceWidgetPage(tab, `background tab (${engine})`);
      tab.setDefaultTimeout(15_000);
      const sockets: string[] = [];
      tab.on('websocket', (socket) => socket.on('framereceived', ({ payload }) => sockets.push(String(payload))));
      await tab.goto(`${h.bridgeUrl}/webchat/demo?instance=${h.instanceKey}`);
      await waitFor('the config frame', () => sockets.some((frame) => frame.includes('"config"')) || undefined);
      const launcher = tab.getByRole('button', { name: 'Open chat' });
      await launcher.click();
      const dialog = tab.getByRole('dialog', { name: 'Northwind Flowers' });
      await dialog.waitFor();
      expect(await dialog.getByRole('status').textContent()).toContain('We reply in a few minutes');
      // The same socket: nothing was closed and opened again to get there.
      expect(sockets.filter((frame) => frame.includes('"config"'))).toHaveLength(1);
    } finally {
      await context.close();
    }
  }, 120_000);
});
